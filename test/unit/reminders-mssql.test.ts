// SQL Server cannot run here: the reminders' set-based queries and the schema they need are
// compiled for mssql (no connection) and checked for T-SQL that SQL Server accepts.
import { describe, expect, it } from 'vitest'
import { compiler, sql, NOT_TSQL } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import * as sys from '../../src-main/modules/reminders/system-reminders.repository'
import { dueCandidates, reminderColumns, reminderRows, EFFECTIVE } from '../../src-main/modules/reminders/reminders.repository'
import { interactionColumns, interactionRows } from '../../src-main/modules/interactions/interactions.repository'

const k = compiler('mssql')

describe('reminders on SQL Server (compiled)', () => {
  it('compiles every evaluation query to T-SQL without dialect-only syntax', () => {
    const ids = ['00000000-0000-4000-8000-000000000001']
    const queries = [
      sys.contactPolicyCandidates(k, ids[0], '2026-06-15T16:00:00.000Z', null),
      sys.contactPolicyMismatches(k, ids),
      sys.purchasePolicyCandidates(k, ids[0], '2026-05-15', ids),
      sys.purchasePolicyMismatches(k, null),
      sys.escalationCandidates(k, ids[0], ids[0], ids[0], '2026-04-15', null),
      sys.openEscalations(k, null),
      sys.openBirthdays(k, null),
      sys.promiseCandidates(k, '2026-06-15', null),
      sys.promiseMismatches(k, null),
      sys.followUpCandidatesQuery(k, ids),
      sys.followUpMismatches(k, ids),
      dueCandidates(k, ids[0], '2026-06-15T00:00:00.000Z', 100),
      sys.followUpCandidatesQuery(k, null, { lo: null, hi: ids[0] }),
    ]
    for (const q of queries) {
      const { sql: text, bindings } = sql(q)
      expect(text).not.toMatch(NOT_TSQL)
      expect(bindings.length).toBeLessThan(2100)
    }
    expect(sql(queries[11]).sql).toMatch(/select top \(@p\d+\)/i)
    // the follow-up candidates read no customer (their customers are read by key for those found) and the
    // first slice is a plain range (an interaction always has a customer)
    const firstSlice = sql(queries[queries.length - 1]).sql
    expect(firstSlice).not.toMatch(/\[customers\]/)
    expect(firstSlice).not.toMatch(/\[customer_id\] is null/)
    // nor a promise's or a contact's first slice (SQLite walked the whole index for `customer_id < ? or customer_id is null`)
    const first = { lo: null, hi: ids[0] }
    expect(sql(sys.promiseCandidates(k, '2026-06-15', first) as never).sql).not.toMatch(/\[customer_id\] is null/)
    expect(sql(sys.birthdayContactsQuery(k, { solar: ['06-15'], lunar: [] }, first)).sql).not.toMatch(/\[customer_id\] is null/)
  })

  it('compiles the statements that read every policy of a slice at once (issue 8) to T-SQL', () => {
    const [a, b, c] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c']
    const slice = { lo: a, hi: c }
    const contact = sql(sys.contactPoliciesCandidates(k, [{ id: a, threshold: '2026-06-15T16:00:00.000Z' }, { id: b, threshold: '2026-05-15T16:00:00.000Z' }], slice))
    const purchase = sql(sys.purchasePoliciesCandidates(k, [{ id: a, lastOrderBy: '2026-05-15' }, { id: b, lastOrderBy: '2026-03-15' }], slice))
    const escalation = sql(sys.escalationsCandidates(k, [{ teamId: a, supIds: [b, c] }, { teamId: b, supIds: [c] }], [{ id: a, lastOrderBy: '2026-04-15' }], slice))
    for (const q of [contact, purchase, escalation]) {
      expect(q.sql).not.toMatch(NOT_TSQL)
      // plain comparisons on SQL Server (the coalesce(…) that keeps SQLite off an index is SQLite's only)
      expect(q.sql).not.toMatch(/coalesce/i)
      expect(q.sql).toMatch(/\[c\]\.\[id\] >= @p\d+ and \[c\]\.\[id\] < @p\d+/)
    }
    expect(contact.sql).toMatch(/\[c\]\.\[contact_policy_id\] in \(@p\d+, @p\d+\)/)
    expect(contact.sql).toMatch(/\(\[c\]\.\[contact_policy_id\] = @p\d+ and \(\[c\]\.\[last_contact_at\] < @p\d+ or \(\[c\]\.\[last_contact_at\] is null and \[c\]\.\[created_at\] < @p\d+\)\)\) or \(\[c\]\.\[contact_policy_id\] = @p\d+/)
    expect(purchase.sql).toMatch(/\(\[c\]\.\[purchase_policy_id\] = @p\d+ and \[c\]\.\[last_order_date\] <= @p\d+\) or \(\[c\]\.\[purchase_policy_id\] = @p\d+ and \[c\]\.\[last_order_date\] <= @p\d+\)/)
    // the supervisors joined by their ids, each team's own; the escalation looked up per supervisor
    expect(escalation.sql).toMatch(/inner join \[users\] as \[su\] on \[su\]\.\[id\] in \(@p\d+, @p\d+\)/)
    expect(escalation.sql).toMatch(/\(\[ou\]\.\[team_id\] = @p\d+ and \[su\]\.\[id\] in \(@p\d+, @p\d+\)\) or \(\[ou\]\.\[team_id\] = @p\d+ and \[su\]\.\[id\] in \(@p\d+\)\)/)
    expect(escalation.sql).toMatch(/r\.owner_id = su\.id/)
    expect(escalation.bindings).toEqual(expect.arrayContaining([a, b, c, '2026-04-15', 'purchase_escalation']))
  })

  it('pages with ORDER BY … OFFSET … FETCH', () => {
    const q = reminderRows(k).select(reminderColumns).orderByRaw(`${EFFECTIVE} asc`).orderBy('r.id').limit(20).offset(40)
    expect(sql(q).sql).toMatch(/order by coalesce\(r\.snoozed_until, r\.due_at\) asc, \[r\]\.\[id\] asc offset @p\d+ rows fetch next @p\d+ rows only/i)
    const i = interactionRows(k).select(interactionColumns).orderBy('i.occurred_at', 'desc').limit(20).offset(20)
    expect(sql(i).sql).toMatch(/offset @p\d+ rows fetch next/i)
  })

  it('the schema has the reminders columns and indexes, in SQL Server types', async () => {
    const ddl = (await printMigrationSql('mssql')).join('\n')
    const reminders = ddl.slice(ddl.indexOf('CREATE TABLE [reminders]'))
    for (const col of ['[time_zone] nvarchar(64)', '[repeat_anchor] nvarchar(16)', '[series_id] uniqueidentifier', '[fire_at] datetime2',
      '[source_id] uniqueidentifier', '[basis_at] datetime2', '[basis_date] nvarchar(10)', '[cycle_days] int', '[retracted_at] datetime2']) {
      expect(reminders).toContain(col)
    }
    expect(ddl).toMatch(/CREATE INDEX \[reminders_owner_id_notified_at_fire_at_index\]/)
    expect(ddl).toMatch(/CREATE INDEX \[customers_contact_policy_id_last_contact_at_index\]/)
    expect(ddl).toMatch(/CREATE INDEX \[customers_purchase_policy_id_last_order_date_index\]/)
  })
})
