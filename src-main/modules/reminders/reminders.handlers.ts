import { svc, type AreaHandlers } from '../handler-types'
import {
  remindersBadge, remindersBulkDone, remindersBulkSnooze, remindersCentre, remindersCreate, remindersDone, remindersDue,
  remindersEvaluate, remindersGet, remindersGetSettings, remindersList, remindersRemove, remindersReopen, remindersSaveSettings,
  remindersSnooze, remindersUpdate,
} from './reminders.service'
import { customersToContact, remindersCalendar } from './agenda.service'

export const remindersHandlers: AreaHandlers<'reminders'> = {
  centre: (c, i) => remindersCentre(svc(c), i),
  badge: (c, i) => remindersBadge(svc(c), i),
  list: (c, i) => remindersList(svc(c), i),
  get: (c, i) => remindersGet(svc(c), i),
  create: (c, i) => remindersCreate(svc(c), i),
  update: (c, i) => remindersUpdate(svc(c), i),
  remove: (c, i) => remindersRemove(svc(c), i),
  snooze: (c, i) => remindersSnooze(svc(c), i),
  done: (c, i) => remindersDone(svc(c), i),
  reopen: (c, i) => remindersReopen(svc(c), i),
  bulkDone: (c, i) => remindersBulkDone(svc(c), i),
  bulkSnooze: (c, i) => remindersBulkSnooze(svc(c), i),
  customersToContact: (c, i) => customersToContact(svc(c), i),
  calendar: (c, i) => remindersCalendar(svc(c), i),
  due: (c, i) => remindersDue(svc(c), i),
  evaluate: (c) => remindersEvaluate(svc(c)),
  getSettings: (c) => remindersGetSettings(svc(c)),
  saveSettings: (c, i) => remindersSaveSettings(svc(c), i),
}
