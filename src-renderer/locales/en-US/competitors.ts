// Competitors (customer card) — English
export default {
  competitors: {
    title: 'Competitors',
    add: 'Add a competitor',
    createTitle: 'Add a competitor',
    editTitle: 'Edit competitor: {name}',
    totalShare: 'Competitors hold {n}% of the customer’s purchases',
    fields: {
      name: 'Competitor',
      products: 'Products supplied',
      priceInfo: 'Prices',
      strengths: 'Strengths',
      weaknesses: 'Weaknesses',
      sharePct: 'Share of purchases (%)',
      notes: 'Notes',
    },
    messages: {
      created: 'Competitor added',
      saved: 'Saved',
      deleted: 'Deleted',
      noChanges: 'Nothing changed',
      confirmDelete: 'Delete the competitor “{name}”?',
    },
    empty: {
      title: 'No competitors recorded',
      hint: 'Record who else supplies this customer, their prices, strengths and weaknesses, and their share of its purchases.',
      hintReadonly: 'No competitors are recorded for this customer.',
    },
    errors: {
      shareOver100: 'The competitors’ shares cannot add up to more than 100% (the others already hold {others}%).',
    },
  },
  fields: {
    sharePct: 'Share of purchases',
  },
  audit: {
    entity: {
      competitor: 'Competitor',
    },
  },
  admin: {
    audit: {
      entities: {
        competitor: 'Competitor',
      },
    },
  },
}
