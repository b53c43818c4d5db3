// Shared set-up of the interactions / reminders suites: staff in two teams, customers and
// contacts written straight into the tables (with controlled dates), and the app's reminder
// time zone fixed to Asia/Shanghai.
import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import type { ApiError, ApiResult } from '../../src-main/contract/common'
import type { TestApp } from '../helpers/test-app'

export interface Who {
  key: string
  userId: string
}
export interface World {
  teamA: string
  teamB: string
  admin: Who
  supA: Who
  mgrA1: Who
  mgrA2: Who
  mgrB: Who
}

/** Stops the test clock: "now" changes only when a test moves it (setNow / advance). */
export function freezeClock(t: TestApp, at: string) {
  let ms = Date.parse(at)
  t.clock.now = () => new Date(ms)
  t.clock.setNow = (d: Date) => {
    ms = d.getTime()
  }
  t.clock.advance = (delta: number) => {
    ms += delta
  }
}

export async function makeWorld(t: TestApp): Promise<World> {
  const teamA = await t.teamId('华南一组')
  const teamB = await t.teamId('华东二组')
  const w = {
    teamA,
    teamB,
    admin: await t.userSession('admin1', 'admin', { name: '管理员' }),
    supA: await t.userSession('supa', 'supervisor', { teamId: teamA, name: '主管甲' }),
    mgrA1: await t.userSession('mgra1', 'manager', { teamId: teamA, name: '经理甲一' }),
    mgrA2: await t.userSession('mgra2', 'manager', { teamId: teamA, name: '经理甲二' }),
    mgrB: await t.userSession('mgrb', 'manager', { teamId: teamB, name: '经理乙' }),
  }
  await t.app.db.knex('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: new Date().toISOString() })
  return w
}

export async function dictId(t: TestApp, typeCode: string, label: string): Promise<string> {
  const row = await t.app.db.knex('dict_items').where({ type_code: typeCode, label }).whereNull('deleted_at').first('id')
  if (!row) throw new Error(`no dict item ${typeCode}/${label}`)
  return row.id
}

let codeSeq = 0
export interface CustomerSeed {
  name: string
  ownerId: string | null
  createdAt?: string
  lastContactAt?: string | null
  contactPolicyId?: string | null
  purchasePolicyId?: string | null
  lastOrderDate?: string | null
}

export async function addCustomer(t: TestApp, c: CustomerSeed): Promise<string> {
  const id = randomUUID()
  const at = c.createdAt ?? t.clock.now().toISOString()
  await t.app.db.knex('customers').insert({
    id, code: `KH-T-${String(++codeSeq).padStart(6, '0')}-${id.slice(0, 4)}`, name: c.name, owner_id: c.ownerId, customer_type: 'company',
    status: 'normal', order_count: 0, created_at: at, updated_at: at, version: 1, contact_policy_id: c.contactPolicyId ?? null,
    purchase_policy_id: c.purchasePolicyId ?? null, last_order_date: c.lastOrderDate ?? null, last_contact_at: c.lastContactAt ?? null,
  })
  return id
}

export async function addContact(
  t: TestApp,
  customerId: string,
  name: string,
  birthday: string | null = null,
  calendar: 'solar' | 'lunar' = 'solar',
  leap = false,
): Promise<string> {
  const id = randomUUID()
  const at = t.clock.now().toISOString()
  await t.app.db.knex('contacts').insert({
    // birthday_md: the stored month-day the contacts service writes with every birthday
    id, customer_id: customerId, name, birthday, birthday_md: birthday ? birthday.slice(5, 10) : null, birthday_calendar: calendar, birthday_leap_month: leap, is_primary: false,
    created_at: at, updated_at: at, version: 1,
  })
  return id
}

/** Live reminders of a source, as [title-free] facts easy to compare. */
export async function remindersOf(t: TestApp, source: string, opts: { open?: boolean } = {}) {
  const q = t.app.db.knex('reminders').where({ source }).whereNull('deleted_at')
  if (opts.open) q.whereNull('done_at')
  const rows = await q.orderBy([{ column: 'customer_id' }, { column: 'owner_id' }, { column: 'due_at' }])
  return rows as Array<Record<string, unknown>>
}

export const iso = (v: unknown) => (v == null ? null : new Date(v instanceof Date ? v : String(v).includes('T') ? String(v) : String(v).replace(' ', 'T') + 'Z').toISOString())

export function errorOf(r: ApiResult<unknown>): ApiError {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.data).slice(0, 200)}`)
  return r.error
}

export function expectFieldIssue(r: ApiResult<unknown>, field: string, code?: string) {
  const e = errorOf(r)
  expect(e.code).toBe('validation')
  const fields = (e.issues ?? []).map((i) => i.field)
  expect(fields).toContain(field)
  if (code) expect((e.issues ?? []).filter((i) => i.field === field).map((i) => i.code)).toContain(code)
  return e
}

export async function countRows(t: TestApp, table: string) {
  return Number((await t.app.db.knex(table).count({ n: '*' }).first())?.n ?? 0)
}

/** Writes a row the way the other services do: with the next sync version. */
export async function touch(t: TestApp, table: string, id: string, patch: Record<string, unknown>) {
  await t.app.db.knex.transaction(async (trx) => {
    await trx('sync_version').where({ id: 1 }).increment('version', 1)
    const { version } = await trx('sync_version').where({ id: 1 }).first('version')
    // a contact's birthday comes with its stored month-day, as the contacts service writes it
    const md = table === 'contacts' && 'birthday' in patch ? { birthday_md: typeof patch.birthday === 'string' ? patch.birthday.slice(5, 10) : null } : {}
    await trx(table).where({ id }).update({ ...patch, ...md, version: Number(version) })
  })
}

export const syncVersion = async (t: TestApp) => Number((await t.app.db.knex('sync_version').where({ id: 1 }).first('version')).version)
