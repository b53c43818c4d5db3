// Follow-up desk (calendar, 今日需联系客户 groups, preferences, delete confirmations, audit log) — English
export default {
  desk: {
    name: 'Follow-up desk',
  },
  menu: {
    calendar: 'Calendar',
  },
  calendar: {
    title: 'Calendar',
    subtitle: 'Reminders and planned follow-ups by day, week or month; click a date for all of its items',
    previous: 'Previous',
    next: 'Next',
    today: 'Today',
    includeDone: 'Show done',
    mine: 'My calendar',
    modes: { day: 'Day', week: 'Week', month: 'Month' },
    openDay: 'All items of {date}',
    overdueCount: '{n} overdue',
    more: '+{n} more',
    time: 'Time',
    customer: 'Customer / contact',
    doneTag: 'Done',
    emptyDay: 'Nothing planned for this day. Set a "next follow-up" on an interaction, or add a reminder in the to-do centre.',
  },
  preferences: {
    title: 'Preferences',
    saved: 'Preferences saved; open system reminders moved to your working hour',
    workHour: 'Working hour',
    defaultHour: 'Default (system setting, usually 09:00)',
    workHourHint: 'System reminders that carry only a date (contact and purchase policies, birthdays, promises) fall due at this hour.',
    timeZone: 'Time zone',
    defaultZone: "Default (the system's time zone)",
    thisComputer: '{zone} (this computer)',
  },
  reminders: {
    notify: {
      summaryTitle: '{n} reminders to do',
      summary: '{overdue} overdue, {today} due today. Click to open the to-do centre',
      andMore: '…and {n} more just due',
    },
    toContact: {
      groupsLabel: 'Filter by urgency',
      groups: { today: 'Today', week: '1–7 days', month: '8–30 days', older: '30+ days' },
      groupTitles: { today: 'Due today', week: '1–7 days overdue', month: '8–30 days overdue', older: 'More than 30 days overdue' },
      emptyGroup: 'No customer in this group. Click the selected group again to see all.',
    },
    recordPrompt: {
      title: 'Done',
      text: 'Record this contact with "{customer}" now?',
      record: 'Record interaction',
      later: 'Later',
    },
  },
  removal: {
    goes: 'Also deleted: {list}.',
    nothing: 'The customer has no contacts, interactions or open reminders.',
    kept: '{n} interaction with this contact is kept. | {n} interactions with this contact are kept.',
    sep: ', ',
    parts: {
      contacts: '{n} contact | {n} contacts',
      interactions: '{n} interaction | {n} interactions',
      promises: '{n} promise | {n} promises',
      attachments: '{n} attachment | {n} attachments',
      reminders: '{n} open reminder | {n} open reminders',
    },
  },
  customers: {
    messages: {
      confirmDeleteNamed: 'Delete the customer "{name}"?',
    },
  },
  contacts: {
    messages: {
      confirmDeleteNamed: 'Delete the contact "{name}"?',
    },
  },
  interactions: {
    messages: {
      confirmDeleteNamed: 'Delete the interaction "{subject}"?',
    },
  },
  admin: {
    roles: {
      coming: 'Coming',
      comingHint: 'This module is being built: the permission can be granted now and takes effect when it lands.',
      comingActionHint: 'Actions marked * have no screen yet (approve, import, export are coming); they can be granted ahead.',
    },
  },
  validation: {
    range_days: 'The date range is at most 6 weeks',
  },
}
