// Customer churn — English
export default {
  menu: {
    churn: 'Churn',
  },
  churn: {
    title: 'Customer churn',
    subtitle: 'Customers without an order for longer than their purchase policy’s cycle (180 days without one) get a churn warning; the owner records measures or confirms the loss',
    runCheck: 'Check now',
    checking: 'Checking…',
    checked: 'Check done: {opened} new warnings, {closed} closed',
    searchPlaceholder: 'Search customer name or code',
    resetFilters: 'Clear filters',
    open: 'Handle',
    detailTitle: 'Churn warning · {name}',
    openCustomer: 'Open the customer card',
    never: 'never ordered',
    daysSince: 'no order for {n} days',
    cycle: 'cycle {n} days',
    statuses: {
      open: 'Churn warning',
      paused: 'Churn on hold',
      confirmed: 'Churned',
      closed: 'Resolved',
    },
    fields: {
      customerName: 'Customer',
      customerCode: 'Customer code',
      regionId: 'Region',
      ownerName: 'Owner',
      ownerId: 'Owner',
      status: 'Status',
      lastOrderDate: 'Last order',
      cycleDays: 'Purchase cycle',
      detectedAt: 'Warned on',
      measureCount: 'Measures',
      lastMeasureDate: 'Last measure',
      reasonId: 'Reason',
      reasonText: 'Details',
      confirmedAt: 'Confirmed on',
      confirmedByName: 'Confirmed by',
      closedAt: 'Resolved on',
      measureDate: 'Date',
      content: 'Measure',
      measure: 'Measure',
      closedReason: 'Resolved because',
    },
    closedReasons: {
      order: 'the customer ordered again',
    },
    measures: {
      title: 'Retention measures',
      add: 'Record a measure',
      added: 'Measure recorded; the customer is on hold',
      empty: 'No measures yet. Record visits, offers or calls made to keep the customer; the warning then goes on hold.',
      placeholder: 'What was done to keep the customer, and how they reacted',
    },
    confirm: {
      action: 'Confirm churn',
      title: 'Confirm the customer is lost',
      hint: 'The customer’s category becomes the matching lost category (end customer → lost end customer, agent → lost agent) and its status churned.',
      done: 'Churn confirmed; the customer moved to its lost category',
      reasonPlaceholder: 'More details (optional)',
    },
    banner: {
      open: 'Churn warning: this customer has {since}, beyond its {cycle}-day purchase cycle.',
      paused: 'Churn on hold: {n} measure(s) taken (latest {date}).',
      confirmed: 'Churned: {reason} (confirmed {date}).',
      handle: 'Handle the warning',
      view: 'View',
    },
    empty: {
      noneTitle: 'No churn warnings',
      noneHint: 'Checked once a day: customers without an order beyond their purchase cycle show up here.',
      noMatchTitle: 'No warning matches',
      noMatchHint: 'Try another keyword or clear the filters.',
    },
    errors: {
      illegalTransition: 'The warning is “{status}”: “{action}” is no longer possible. Reload to see it.',
    },
  },
  fields: {
    measureDate: 'Measure date',
    reasonId: 'Churn reason',
    customerStatus: 'Customer status',
  },
  audit: {
    entity: {
      churn_warning: 'Churn warning',
    },
  },
  admin: {
    audit: {
      entities: {
        churn_warning: 'Churn warning',
      },
    },
  },
}
