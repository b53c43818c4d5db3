// SQL Server cannot run here: the new query shapes of requirements (the matrix with its delay in
// days, ordering by priority/status, paging) and churn (the check's set-based statements, the
// list with its measure counts) and the retention migration are compiled for mssql and checked
// for T-SQL that SQL Server accepts: datediff on dates, OFFSET/FETCH after ORDER BY, no LIMIT,
// no boolean literals, parameters far below 2100, Unicode column types.
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { compiler, expectTsql, sql, ID } from '../helpers/mssql-compile'
import { customerHistory } from '../../src-main/modules/audit/audit.repository'
import { daysBetweenSql, dialectOf } from '../../src-main/db/dialect'
import { printMigrationSql } from '../../src-main/db/migrate'
import { matrixQueries } from '../../src-main/modules/requirements/requirements.repository'
import {
  insertStaleWarnings, liveWarningsOf, openedAuditChanges, openedCustomerIds, openedWarningsFrom, orderedSinceWarning, staleCustomers, warningList,
} from '../../src-main/modules/churn/churn.repository'
import { insertAuditsFrom } from '../../src-main/modules/audit/audit.repository'
import { updateCustomersOfStatusIn } from '../../src-main/modules/customers/customers.repository'
import { idTuplesFrom } from '../../src-main/db/dialect'
import { CHECK_CHUNK } from '../../src-main/modules/churn/churn.service'

const k = compiler('mssql')
const NOT_TSQL = /\blimit\b|\|\||ilike|::|julianday|= true|= false|nulls (first|last)/i

describe('retention on SQL Server (compiled)', () => {
  it('counts days between calendar dates with datediff on dates', () => {
    expect(daysBetweenSql('mssql', 'r.planned_finish', '?')).toBe('datediff(day, cast(r.planned_finish as date), cast(? as date))')
    expect(daysBetweenSql('postgres', 'a', 'b')).toBe('(cast(b as date) - cast(a as date))')
    expect(dialectOf(k)).toBe('mssql')
  })

  it('compiles the tracking matrix: delay, change count, order by priority / delay, OFFSET/FETCH', () => {
    const viewer = { scope: 'team' as const, userId: ID, teamId: ID }
    for (const field of ['priority', 'status', 'delayDays', 'plannedFinish', 'code'] as const) {
      const { filtered, rows } = matrixQueries(k, 'mssql', viewer, '2026-03-20', {
        filter: { search: '夹具', status: ['approved', 'in_progress'], priority: 'high', delayedOnly: true, ownerId: ID, customerId: ID },
        sort: { field, order: 'desc' },
      })
      const page = sql(rows({ limit: 20, offset: 40 }))
      expect(page.sql).not.toMatch(NOT_TSQL)
      expect(page.sql).toMatch(/datediff\(day, cast\(r\.planned_finish as date\), cast\(@p\d+ as date\)\)/)
      expect(page.sql).toMatch(/order by .* offset @p\d+ rows fetch next @p\d+ rows only$/i)
      expect(page.sql).toMatch(/\(select count\(\*\) from \[requirement_changes\] as \[rc\] where rc\.requirement_id = r\.id/i)
      expect(page.bindings.length).toBeLessThan(100)
      expect(sql(filtered.clone().count({ n: '*' })).sql).not.toMatch(NOT_TSQL)
    }
    const byPriority = sql(matrixQueries(k, 'mssql', { scope: 'all', userId: ID, teamId: null }, '2026-03-20', { filter: {}, sort: { field: 'priority', order: 'asc' } }).rows(null))
    expect(byPriority.sql).toMatch(/order by \(case r\.priority when 'high' then 0 when 'medium' then 1 else 2 end\) asc/)
    expect(byPriority.sql).not.toMatch(/offset/i) // the export reads every row
  })

  it('compiles the churn check and the list', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    const restrict = (q: Knex.QueryBuilder) => q.whereIn('c.owner_id', k('users').select('id').where('team_id', ID))
    const queries = [
      staleCustomers(k, { policyIds: [ID, ID] }, '2026-01-01', '2026-01-01T00:00:00.000Z', restrict),
      staleCustomers(k, { noPolicy: true }, '2026-01-01', '2026-01-01T00:00:00.000Z', null),
      orderedSinceWarning(k, null, ids),
      orderedSinceWarning(k, restrict),
      liveWarningsOf(k, ID),
      warningList(k, { status: 'open', ownerId: ID, regionId: ID, search: '机械' }, restrict).rows(20, 40),
      // the check's pages as SQL Server reads them (CHECK_CHUNK.mssql: a transaction's worth, both kinds of candidate in one read)
      ...CHECK_CHUNK.mssql.kinds.map((kind) => staleCustomers(k, { policyIds: [ID, ID] }, '2026-01-01', '2026-01-01T00:00:00.000Z', restrict, CHECK_CHUNK.mssql.tx, kind)),
      // SQLite's split reads (each kind a range of its own), compiled too: the function takes them on every dialect
      staleCustomers(k, { policyIds: [ID, ID] }, '2026-01-01', '2026-01-01T00:00:00.000Z', restrict, 1000, 'ordered'),
      staleCustomers(k, { noPolicy: true }, '2026-01-01', '2026-01-01T00:00:00.000Z', null, 1000, 'never'),
    ]
    for (const q of queries) {
      const { sql: text, bindings } = sql(q)
      expect(text).not.toMatch(NOT_TSQL)
      expect(bindings.length).toBeLessThan(2100)
    }
    expect(sql(queries[0]).sql).toMatch(/not exists \(select 1 from \[churn_warnings\] as \[w\] where w\.customer_id = c\.id/i)
    expect(sql(queries[2]).sql).toMatch(/c\.last_order_date > coalesce\(w\.last_order_date, @p\d+\)/)
    expect(CHECK_CHUNK.mssql.kinds).toEqual([undefined])
    const mssqlPage = sql(queries[6])
    expect(mssqlPage.sql).toMatch(/^select top \(@p\d+\) \[c\]\.\[id\] from \[customers\] as \[c\] where \[c\]\.\[status\] = @p\d+ and \[c\]\.\[deleted_at\] is null and \(\[c\]\.\[last_order_date\] < @p\d+ or \(\[c\]\.\[last_order_date\] is null and \[c\]\.\[created_at\] < @p\d+\)\)/)
    expect(mssqlPage.bindings).toContain(CHECK_CHUNK.mssql.tx)
    expect(sql(queries[7]).sql).toMatch(/^select top \(@p\d+\) \[c\]\.\[id\] from \[customers\] as \[c\] where .*\[c\]\.\[last_order_date\] < @p\d+\)/)
    expect(sql(queries[7]).sql).not.toMatch(/last_order_date\] is null/)
    expect(sql(queries[8]).sql).toMatch(/\(\[c\]\.\[last_order_date\] is null and \[c\]\.\[created_at\] < @p\d+\)/)
    expect(sql(queries[8]).sql).not.toMatch(/last_order_date\] </)
    expect(sql(queries[5]).sql).toMatch(/order by case when w\.status in \('open', 'paused'\) then 0 else 1 end asc, \[w\]\.\[detected_at\] desc, \[w\]\.\[id\] desc offset @p\d+ rows fetch next @p\d+ rows only/i)
  })

  it('compiles the first check\'s set-based writes of a step of SQL Server\'s size: the ids in one OPENJSON parameter', () => {
    const step = CHECK_CHUNK.mssql.step
    const tuples = Array.from({ length: step }, (_, i) => [ID, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, ID])
    const p = idTuplesFrom('mssql', 'p', ['wid', 'cid', 'aid'], tuples)
    expect(p.sql).toBe("openjson(?) with (wid uniqueidentifier '$[0]', cid uniqueidentifier '$[1]', aid uniqueidentifier '$[2]') as p")
    expect(JSON.parse(String(p.bindings[0]))).toEqual(tuples)
    const rules = [
      { group: { policyIds: [ID, ID] }, cycle: 30, lastOrderBefore: '2026-05-31', createdBefore: '2026-05-31T04:00:00.000Z' },
      { group: { noPolicy: true as const }, cycle: 180, lastOrderBefore: '2026-01-01', createdBefore: '2026-01-01T04:00:00.000Z' },
    ]
    const at = '2026-06-30T04:00:00.000Z'
    const warnings = sql(insertStaleWarnings(k, 'mssql', p, rules, { at, version: 42 }))
    expect(warnings.sql).not.toMatch(NOT_TSQL)
    expect(warnings.sql).toMatch(/^insert into churn_warnings \(id, customer_id, owner_id, last_order_date, detected_at, status, cycle_days, created_at, updated_at, version\) select p\.wid, c\.id, c\.owner_id, c\.last_order_date, @p0, 'open', case when c\.purchase_policy_id in \(@p1, @p2\) then 30 when c\.purchase_policy_id is null then 180 end, @p3, @p4, 42 from openjson\(@p5\) with \(/)
    expect(warnings.sql).toMatch(/cross join customers c where c\.id = p\.cid and c\.deleted_at is null and c\.status = 'normal' and \(\(c\.purchase_policy_id in \(@p6, @p7\) and \(c\.last_order_date < @p8 or \(c\.last_order_date is null and c\.created_at < @p9\)\)\) or \(c\.purchase_policy_id is null and \(c\.last_order_date < @p10 or \(c\.last_order_date is null and c\.created_at < @p11\)\)\)\) and not exists \(select 1 from churn_warnings x where x\.customer_id = c\.id and x\.status in \('open', 'paused'\) and x\.deleted_at is null\)$/)
    expect(warnings.bindings).toEqual([at, ID, ID, at, at, p.bindings[0], ID, ID, '2026-05-31', '2026-05-31T04:00:00.000Z', '2026-01-01', '2026-01-01T04:00:00.000Z'])
    const f = openedWarningsFrom(p)
    const audits = sql(insertAuditsFrom(k, 'mssql', { from: f.sql, bindings: f.bindings, id: 'p.aid', entityId: 'w.id', parentId: 'w.customer_id', changes: openedAuditChanges('mssql') }, { entity: 'churn_warning', action: 'create', userId: null, userName: null, at }))
    expect(audits.sql).not.toMatch(NOT_TSQL)
    expect(audits.sql).toBe(
      "insert into audit_log (id, entity, entity_id, parent_id, action, changes, user_id, user_name, at) select p.aid, @p0, w.id, w.customer_id, @p1, " +
        `concat('{"status":[null,"open"],"lastOrderDate":[null,', case when w.last_order_date is null then 'null' else concat('"', w.last_order_date, '"') end, '],"cycleDays":[null,', w.cycle_days, '],"customerStatus":["normal","churn_warning"]}'), ` +
        "@p2, @p3, @p4 from openjson(@p5) with (wid uniqueidentifier '$[0]', cid uniqueidentifier '$[1]', aid uniqueidentifier '$[2]') as p cross join churn_warnings w where w.id = p.wid",
    )
    expect(audits.bindings).toEqual(['churn_warning', 'create', null, null, at, p.bindings[0]])
    const customers = sql(updateCustomersOfStatusIn(k, openedCustomerIds(k, p), 'normal', { status: 'churn_warning', updated_at: at, version: 42 }))
    expect(customers.sql).not.toMatch(NOT_TSQL)
    expect(customers.sql).toMatch(/^update \[customers\] set \[status\] = @p0, \[updated_at\] = @p1, \[version\] = @p2 where id in \(select w\.customer_id from openjson\(@p3\) with \(.*\) as p cross join churn_warnings w where w\.id = p\.wid\) and \[status\] = @p4 and \(\[deleted_at\] is null\);select @@rowcount$/)
    for (const q of [warnings, audits, customers]) expect(q.bindings.length).toBeLessThan(20) // 1,000 customers, not 1,000 parameters
  })

  it('adds the retention columns in SQL Server types', async () => {
    const ddl = (await printMigrationSql('mssql')).join('\n')
    const from = ddl.indexOf('-- migration 20261206000600_retention')
    const next = ddl.indexOf('-- migration ', from + 1)
    const m = ddl.slice(from, next < 0 ? undefined : next) // this migration's statements only
    for (const col of ['[review_departments] nvarchar(max)', '[reported_at] datetime2', '[reported_by] uniqueidentifier', '[signed_date] nvarchar(10)',
      '[signer_name] nvarchar(100)', '[rejected_reason] nvarchar(max)', '[department_id] uniqueidentifier', '[old_value] nvarchar(max)',
      '[cycle_days] int', '[closed_at] datetime2', '[closed_reason] nvarchar(16)']) {
      expect(m).toContain(col)
    }
    expect(m).toMatch(/CREATE INDEX \[customers_churn_check_index\] ON \[customers\] \(\[status\], \[purchase_policy_id\], \[last_order_date\]\)/)
    expect(m).toMatch(/CREATE INDEX \[churn_warnings_customer_id_status_index\] ON \[churn_warnings\] \(\[customer_id\], \[status\]\)/)
    expect(m).not.toMatch(/\bvarchar\(|\btext\b|timestamptz|boolean/i)
  })

  it('widens the churn check index with created_at on SQL Server too (migration 20261207001300)', async () => {
    const ddl = (await printMigrationSql('mssql')).join('\n')
    const from = ddl.indexOf('-- migration 20261207001300_churn-check-created-at')
    expect(from).toBeGreaterThan(0)
    const next = ddl.indexOf('-- migration ', from + 1)
    const m = ddl.slice(from, next < 0 ? undefined : next)
    expect(m).toMatch(/DROP INDEX \[customers_churn_check_index\] ON \[customers\]/)
    expect(m).toMatch(/CREATE INDEX \[customers_churn_check_index\] ON \[customers\] \(\[status\], \[purchase_policy_id\], \[last_order_date\], \[created_at\]\)/)
  })

  it("compiles a customer's history with the churn check's status entries (a LIKE on the changes, escaped)", () => {
    const q = customerHistory(k, ID, { entities: ['contact'], statusOf: ['churn_warning'] })
    const text = expectTsql(q.clone().select('*').orderBy('at', 'desc').offset(20).limit(20))
    expect(text).toMatch(/\[changes\] like @p\d+ escape '\\'/)
    expect(sql(q).bindings).toContain('%"customerStatus"%')
  })
})
