// The 工作台 cards' aggregates as SQL Server gets them (SQL Server driver mocked: a compile-only
// mssql knex whose connection answers no rows and keeps each statement). These repository calls
// run their query themselves, so the statement is caught at the driver, not from a builder:
// 新增客户 and 遗忘客户 (conditional sums over days and "not followed up since"), 新增联系人,
// 新增商机, 今日需联系客户 per 联系策略 stream, and 本周生日 (month-days per calendar).
import type { Knex } from 'knex'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import { customerCounts } from '../../src-main/modules/customers/customers.repository'
import { contactsWithBirthdayOn, countContactsCreated } from '../../src-main/modules/contacts/contacts.repository'
import { countCreatedIn } from '../../src-main/modules/opportunities/opportunities.repository'
import { contactStreamCounts, contactStreamRows } from '../../src-main/modules/reminders/agenda.repository'
import { ID, NOT_TSQL } from '../helpers/mssql-compile'

type Sent = { sql: string; bindings: unknown[] }
const sent: Sent[] = []

/** mssql knex whose "driver" records each statement and answers no rows (SQL Server mocked). */
function mockedMssql(): Knex {
  const k = compilerOnly('mssql')
  const client = k.client as unknown as Record<string, unknown>
  client.acquireConnection = async () => ({ __mock: true })
  client.releaseConnection = async () => undefined
  client._query = async (_conn: unknown, obj: { sql: string; bindings: unknown[] }) => {
    sent.push({ sql: obj.sql, bindings: obj.bindings })
    return { ...obj, response: [] }
  }
  client.processResponse = (obj: { method: string }) => (obj.method === 'first' ? undefined : [])
  return k
}

const k = mockedMssql()
afterAll(() => k.destroy())
beforeEach(() => {
  sent.length = 0
})

/** the one statement sent: T-SQL only (no SQLite/PostgreSQL syntax), under 2100 parameters */
function one(): Sent {
  expect(sent).toHaveLength(1)
  const s = sent[0]!
  expect(s.sql).not.toMatch(NOT_TSQL)
  expect(s.bindings.length).toBeLessThan(2100)
  return s
}

const ownOnly = (q: Knex.QueryBuilder) => q.where('c.owner_id', ID)
const MONTH = { from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' }
const BEFORE = { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' }

describe('工作台 cards on SQL Server (driver mocked)', () => {
  it('新增客户 per period and 遗忘客户 per 7/15/30/90 days: conditional sums in one statement over live customers, top (1)', async () => {
    const since = ['2026-11-30T16:00:00.000Z', '2026-11-22T16:00:00.000Z']
    expect(await customerCounts(k, ownOnly, [MONTH, BEFORE], since)).toEqual({ created: [0, 0], forgotten: [0, 0] })
    const { sql, bindings } = one()
    expect(sql).toMatch(/^select top \(@p\d+\) /)
    expect(sql).toContain('sum(case when c.created_at >= @p1 and c.created_at < @p2 then 1 else 0 end) as [created_0]')
    expect(sql).toContain('sum(case when c.last_contact_at < @p5 or (c.last_contact_at is null and c.created_at < @p6) then 1 else 0 end) as [forgotten_0]')
    expect(sql).toMatch(/\[c\]\.\[deleted_at\] is null/)
    expect(sql).toContain('[c].[owner_id] = @p')
    expect(bindings.slice(0, 5)).toEqual([1, MONTH.from, MONTH.to, BEFORE.from, BEFORE.to])
    // only the creation counts (the 简报's edge days): the customers created in the span alone
    sent.length = 0
    await customerCounts(k, ownOnly, [MONTH], [])
    expect(one().sql).toMatch(/\[c\]\.\[created_at\] >= @p\d+ and \[c\]\.\[created_at\] < @p\d+/)
  })

  it('新增联系人 and 新增商机: one range read, a sum per period', async () => {
    expect(await countContactsCreated(k, ownOnly, [MONTH, BEFORE])).toEqual([0, 0])
    const contacts = one().sql
    expect(contacts).toContain('sum(case when ct.created_at >= @p1 and ct.created_at < @p2 then 1 else 0 end) as [n_0]')
    expect(contacts).toMatch(/\[ct\]\.\[created_at\] >= @p\d+ and \[ct\]\.\[created_at\] < @p\d+/)
    sent.length = 0
    expect(await countCreatedIn(k, (q) => q.where('o.assigned_to', ID), [MONTH, BEFORE])).toEqual([0, 0])
    const opps = one().sql
    expect(opps).toContain('sum(case when o.created_at >= @p1 and o.created_at < @p2 then 1 else 0 end) as [n_0]')
    expect(opps).toMatch(/\[o\]\.\[deleted_at\] is null/)
  })

  it('今日需联系客户: per 联系策略 and stream a sum per day range; its first rows with TOP and ORDER BY', async () => {
    const restrict = (q: Knex.QueryBuilder) => q.where('c.owner_id', ID)
    expect(await contactStreamCounts(k, restrict, ID, 'never', [['2026-11-01T00:00:00.000Z', '2026-11-08T00:00:00.000Z'], ['2026-11-08T00:00:00.000Z', '2026-11-09T00:00:00.000Z']])).toEqual([0, 0])
    const never = one().sql
    expect(never).toContain('sum(case when c.created_at >= @p1 and c.created_at < @p2 then 1 else 0 end) as n0')
    expect(never).toMatch(/\[c\]\.\[last_contact_at\] is null/)
    sent.length = 0
    await contactStreamRows(k, restrict, ID, 'contacted', '2026-11-01T00:00:00.000Z', '2026-11-08T00:00:00.000Z', 5)
    const rows = one().sql
    expect(rows).toMatch(/^select top \(@p\d+\) /)
    expect(rows).toMatch(/order by \[c\]\.\[last_contact_at\] desc, \[c\]\.\[id\] desc$/)
  })

  it('本周生日: the month-days of the week per calendar (公历 and 农历) as IN lists on birthday_md', async () => {
    expect(await contactsWithBirthdayOn(k, ownOnly, { solar: ['12-07', '12-08'], lunar: ['10-28'] })).toEqual([])
    const { sql, bindings } = one()
    expect(sql).toMatch(/\[ct\]\.\[birthday_md\] in \(@p0, @p1, @p2\)/)
    expect(sql).toMatch(/\[ct\]\.\[birthday_calendar\] = @p\d+ and \[ct\]\.\[birthday_md\] in \(@p\d+, @p\d+\)\) or \(\[ct\]\.\[birthday_calendar\] = @p\d+ and \[ct\]\.\[birthday_md\] in \(@p\d+\)/)
    expect(bindings.slice(0, 3)).toEqual(['10-28', '12-07', '12-08'])
    // no month-day asked: nothing matches, still T-SQL
    sent.length = 0
    await contactsWithBirthdayOn(k, ownOnly, { solar: [], lunar: [] })
    expect(one().sql).toContain('1 = 0')
  })
})
