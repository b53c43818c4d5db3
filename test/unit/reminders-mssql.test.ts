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
      sys.followUpCandidates(k, ids),
      sys.followUpMismatches(k, ids),
      dueCandidates(k, ids[0], '2026-06-15T00:00:00.000Z', 100),
    ]
    for (const q of queries) {
      const { sql: text, bindings } = sql(q)
      expect(text).not.toMatch(NOT_TSQL)
      expect(bindings.length).toBeLessThan(2100)
    }
    expect(sql(queries[11]).sql).toMatch(/select top \(@p\d+\)/i)
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
