// Reminders the opportunities service asks for (inside its own transaction), each once per
// occasion like every system reminder (a name-based id from its key):
//   opportunity  opportunity:<id>:<assignee>  指派: the new 客户经理 is asked to make a plan by the
//                end of the day (listed under 今日, notified at once); done when the plan gets
//                its first step or the opportunity closes, retracted when someone else takes it over.
//   plan_step    plan_step:<step id>          a dated step of the 客户开发计划, due on its date at
//                the notification hour (app time zone), for the assignee; done once its 执行效果 is
//                recorded, retracted when the step is deleted or the plan ends without it.
import type { Knex } from 'knex'
import type { AppContext } from '../context'
import { toIso } from '../../db/dialect'
import { keyId } from './reminders.model'
import { findRemindersByIds, updateReminder } from './reminders.repository'
import { atNotifyHour, close, ensureReminders, newRun, titles } from './system-reminders.service'
import { parseDate } from './tz'

type App = Pick<AppContext, 'db' | 'clock'>
type Version = () => Promise<number>
const MINUTE = 60_000

export const planStepKey = (stepId: string) => `plan_step:${stepId}`
export const assignmentKey = (opportunityId: string, assigneeId: string) => `opportunity:${opportunityId}:${assigneeId}`

async function run(trx: Knex.Transaction, app: App, version: Version) {
  const ev = await newRun(trx, app, [])
  ev.version = version
  return ev
}

/** Closes the open reminders of these keys (done or retracted); others are left as they are. */
export async function closeOpportunityReminders(trx: Knex.Transaction, app: App, version: Version, keys: string[], how: 'done' | 'retract') {
  if (!keys.length) return
  const open = (await findRemindersByIds(trx, keys.map(keyId))).filter((r) => !r.deleted_at && !r.done_at)
  if (!open.length) return
  await close(await run(trx, app, version), open, how)
}

/** The 指派 reminder of a newly assigned opportunity: due now, for the assignee. */
export async function remindAssignee(
  trx: Knex.Transaction,
  app: App,
  version: Version,
  o: { id: string; code: string; customerName: string; customerId: string | null; assigneeId: string },
) {
  const ev = await run(trx, app, version)
  // due at 23:59 of the app's today, notified now (notify-ahead covers the rest of the day)
  const due = new Date(ev.todayEnd.getTime() - MINUTE)
  const ahead = Math.max(0, Math.floor((due.getTime() - ev.now.getTime()) / MINUTE))
  await ensureReminders(ev, [{
    key: assignmentKey(o.id, o.assigneeId), source: 'opportunity', sourceId: o.id, opportunityId: o.id, ownerId: o.assigneeId,
    title: titles.opportunityAssigned(o.code, o.customerName), customerId: o.customerId, contactId: null, dueAt: due.toISOString(), notifyAheadMinutes: ahead,
  }])
}

/**
 * The reminder of an open, dated plan step: made, moved to a new date or a new assignee, and
 * opened again when a step the user had ticked off gets a new date (a new occasion).
 */
export async function remindPlanStep(
  trx: Knex.Transaction,
  app: App,
  version: Version,
  s: { id: string; opportunityId: string; customerName: string; customerId: string | null; action: string; plannedDate: string; assigneeId: string },
) {
  const ev = await run(trx, app, version)
  const dueAt = atNotifyHour(ev, s.assigneeId, parseDate(s.plannedDate))
  const id = keyId(planStepKey(s.id))
  const e = (await findRemindersByIds(trx, [id]))[0]
  if (e && !e.deleted_at && e.done_at && toIso(e.due_at) !== dueAt) {
    await updateReminder(trx, id, { done_at: null, updated_at: ev.nowIso, version: await version() })
  }
  await ensureReminders(ev, [{
    key: planStepKey(s.id), source: 'plan_step', sourceId: s.id, opportunityId: s.opportunityId, ownerId: s.assigneeId,
    title: titles.planStep(s.customerName, s.action), customerId: s.customerId, contactId: null, dueAt,
  }])
}
