// Sales targets and performance — English
export default {
  menu: {
    targets: 'Targets & performance',
  },
  validation: {
    one_of: 'Choose either one account manager or one team',
    invalid_period: '{field} must be the first day of the chosen period',
  },
  targets: {
    title: 'Targets & performance',
    subtitle: 'Target vs actual per account manager and team, per month, quarter or year (by approved orders or by payments)',
    new: 'Set a target',
    newTitle: 'Set a sales target',
    editTitle: 'Edit sales target',
    who: 'Account manager / team',
    teamRow: '{team} (team)',
    noTarget: 'No target',
    rate: 'Completion',
    progress: 'Progress (orders)',
    totalTarget: 'Total target',
    totalActual: {
      orders: 'Total sales',
      payments: 'Total received',
    },
    actual: {
      orders: 'Sales',
      payments: 'Received',
    },
    basis: {
      orders: 'By orders',
      payments: 'By payments',
    },
    period: {
      month: 'Month',
      quarter: 'Quarter',
      year: 'Year',
      q: 'Q{q}',
    },
    kind: {
      user: 'Account manager',
      team: 'Team',
    },
    fields: {
      kind: 'For',
      userId: 'Account manager',
      teamId: 'Team',
      periodType: 'Period',
      periodStart: 'Period',
      amountCents: 'Target',
    },
    yearTargets: 'Targets of {year}',
    empty: 'No figures for this period.',
    emptyHint: 'Click "Set a target" to give an account manager or a team a monthly, quarterly or yearly target.',
    confirmDelete: 'Delete the {period} target of {who}?',
    messages: {
      saved: 'Target saved',
    },
  },
}
