// The world of the 工作台 count tests (dashboard-company, dashboard-team): a frozen clock, the
// reminders fixtures' staff and teams, the 电话 channel and a few customers; what a 工作台 says
// (跟进记录 this month and last, open promises past due), the same figures counted row by row over
// the joins the lists use, and the 交往记录 search's count for the period.
import type { Knex } from 'knex'
import type { TestApp } from './test-app'
import { addCustomer, dictId, freezeClock, makeWorld, type World } from '../integration/reminders.fixtures'

export const SH = { timeZone: 'Asia/Shanghai' }
export const NOW = '2026-12-09T02:00:00Z' // Wed 9 Dec 2026, 10:00 in Shanghai
export type Who = World['mgrA1']
type Range = { from: string; to: string }
type Promise_ = { content: string; dueDate: string | null }

/** The clock frozen at NOW, the staff, and one customer per owner given (null: in the 公海), named `${name}${i}`. */
export async function countsWorld(t: TestApp, name: string, owners: (w: World) => Array<Who | null>) {
  freezeClock(t, NOW)
  const w = await makeWorld(t)
  const phone = await dictId(t, 'interaction_channel', '电话')
  const cust: string[] = []
  for (const [i, owner] of owners(w).entries()) {
    cust.push(await addCustomer(t, { name: `${name}${i}`, ownerId: owner?.userId ?? null, createdAt: '2026-01-01T02:00:00Z', lastContactAt: null }))
  }
  /** a 跟进记录 by `who` on the 电话 channel, with its promises */
  const create = (who: Who, customerId: string, occurredAt: string, promises: Promise_[] = []) =>
    t.call(who.key, 'interactions', 'create', { customerId, channelId: phone, occurredAt, subject: `${name}跟进`, promises })
  return { w, cust, create }
}

/** What the user's 工作台 says at the scope: 跟进记录 this month and last, open promises past due (and the first ones). */
export async function dashboardCard(t: TestApp, who: Who, scope: 'all' | 'team') {
  const o = await t.call(who.key, 'dashboard', 'overview', { ...SH, period: 'month', scope, cards: ['briefing', 'promises', 'forgotten'] })
  const m = o.briefing!.metrics.find((x) => x.key === 'interactions')!
  return {
    scope: o.scope, interactions: [m.current, m.previous], promises: o.promises!.total, period: o.period, previous: o.previous, first: o.promises!.items.map((p) => p.content),
    forgotten: o.forgotten!.buckets.map((b) => b.count), forgottenBefore: o.forgotten!.buckets.map((b) => b.before),
  }
}

/** The same figures counted row by row over the joins the lists use; only one team's customers when given. */
export async function directCounts(t: TestApp, period: Range, previous: Range, teamId?: string) {
  const k = t.app.db.knex
  const inTeam = (q: Knex.QueryBuilder): Knex.QueryBuilder => (teamId ? q.join('users as u', 'u.id', 'c.owner_id').where('u.team_id', teamId) : q)
  const records = async (r: Range) =>
    Number(
      (await inTeam(k('interactions as i').join('customers as c', 'c.id', 'i.customer_id')).whereNull('i.deleted_at').whereNull('c.deleted_at')
        .where('i.occurred_at', '>=', r.from).where('i.occurred_at', '<', r.to).count({ n: '*' }).first())?.n ?? 0,
    )
  const promises = Number(
    (await inTeam(k('interaction_promises as p').join('interactions as i', 'i.id', 'p.interaction_id').join('customers as c', 'c.id', 'p.customer_id'))
      .whereNull('p.deleted_at').whereNull('i.deleted_at').whereNull('c.deleted_at').whereNull('p.kept_at').where('p.due_date', '<', NOW.slice(0, 10))
      .count({ n: '*' }).first())?.n ?? 0,
  )
  return { interactions: [await records(period), await records(previous)], promises }
}

/** How many records the user's 交往记录 search finds in the period. */
export async function searchCount(t: TestApp, who: Who, period: Range) {
  return (await t.call(who.key, 'interactions', 'search', { from: period.from, to: new Date(Date.parse(period.to) - 1).toISOString() })).total
}

/** 遗忘客户 counted row by row: live customers (of the team) last followed up before each instant, or never and created before it. */
export async function directForgotten(t: TestApp, before: string[], teamId?: string) {
  const k = t.app.db.knex
  const rows: Array<{ last_contact_at: unknown; created_at: unknown }> = await (teamId ? k('customers as c').join('users as u', 'u.id', 'c.owner_id').where('u.team_id', teamId) : k('customers as c'))
    .whereNull('c.deleted_at').select('c.last_contact_at', 'c.created_at')
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString())
  return before.map((at) => rows.filter((r) => { const last = iso(r.last_contact_at); return last ? last < at : iso(r.created_at)! < at }).length)
}
