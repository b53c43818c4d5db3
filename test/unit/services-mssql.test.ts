// SQL Server cannot run here: the service tickets' migration and their new query shapes (the
// scoped list with the overdue OR branches, per-status counts, paging, the similarity candidates,
// the keyset chunks of the reminder evaluation, the versioned UPDATE) are compiled for mssql
// without a connection and checked for T-SQL that SQL Server accepts.
import { describe, expect, it } from 'vitest'
import { compiler, sql, ID } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import type { Actor } from '../../src-main/modules/context'
import * as repo from '../../src-main/modules/services/services.repository'
import * as rem from '../../src-main/modules/reminders/ticket-reminders.repository'
import { overdueBranches } from '../../src-main/modules/services/services.sla'

const k = compiler('mssql')
const actor = (teamId: string | null): Actor => ({ userId: ID, login: 'x', name: 'x', roleId: ID, roleCode: 'supervisor', teamId, permissions: {} })
const NOT_TSQL = /\blimit\b|\|\||ilike|::|substr\(|= true|= false|returning|on conflict/i

describe('service tickets on SQL Server (compiled)', () => {
  it('migrates with SQL Server types: nvarchar, datetime2, uniqueidentifier, a named default', async () => {
    const ddl = await printMigrationSql('mssql')
    const from = ddl.findIndex((s) => s.includes('20261206000500_service-tickets'))
    const next = ddl.findIndex((s, i) => i > from && s.startsWith('-- migration '))
    const mine = ddl.slice(from + 1, next < 0 ? undefined : next).join('\n') // this migration's statements only
    const alter = mine.slice(mine.indexOf('ALTER TABLE [service_tickets] ADD'))
    for (const col of ['[contact_id] uniqueidentifier null', '[contact_info] nvarchar(200) null', '[sla_start_at] datetime2 null', '[first_assigned_at] datetime2 null',
      '[assign_minutes] int null', '[resolve_minutes] int null', '[reopened_at] datetime2 null', '[survey_result] nvarchar(max) null', '[survey_by] uniqueidentifier null',
      '[quote_customer_note] nvarchar(500) null', '[quote_decided_by] uniqueidentifier null', '[search_text] nvarchar(2000) null']) {
      expect(alter).toContain(col)
    }
    // a NOT NULL column added to a table with rows needs its default in the same statement
    expect(alter).toMatch(/\[reopen_count\] int not null CONSTRAINT \[service_tickets_reopen_count_default\] DEFAULT '0'/)
    expect(mine).toMatch(/CREATE TABLE \[service_ticket_notes\] \(\[id\] uniqueidentifier not null, .*\[content\] nvarchar\(max\) not null, \[noted_at\] datetime2 not null/)
    // uuid keys NONCLUSTERED, the tables clustered on created_at (as 20261206000100 does for the others)
    for (const table of ['service_ticket_notes', 'service_sla']) {
      expect(mine).toContain(`create clustered index [${table}_created_at_clustered] on [${table}] ([created_at])`)
      expect(mine).toContain(`alter table [${table}] add constraint [${table}_pkey] primary key nonclustered ([id])`)
      expect(mine.indexOf(`create clustered index [${table}_created_at_clustered]`)).toBeLessThan(mine.indexOf(`alter table [${table}] add constraint [${table}_pkey]`))
    }
    expect(mine).toMatch(/FOREIGN KEY \(\[ticket_id\]\) REFERENCES \[service_tickets\] \(\[id\]\)/)
    expect(mine).toMatch(/CREATE TABLE \[service_sla\] .*\[type_id\] uniqueidentifier null, \[urgency\] nvarchar\(8\) not null, \[hours\] int not null/)
    expect(mine).toMatch(/CREATE INDEX \[service_tickets_status_created_at_index\] ON \[service_tickets\] \(\[status\], \[created_at\]\)/)
    expect(mine).not.toMatch(/\b(timestamptz|uuid|boolean|text)\b(?![^[]*\])/i)
  })

  it('compiles the scoped, filtered list with the overdue branches and pages with ORDER BY … OFFSET … FETCH', () => {
    const now = new Date('2026-04-06T06:30:00.000Z')
    const rules = [{ typeId: ID, urgency: 'normal' as const, hours: 4 }, { typeId: null, urgency: 'urgent' as const, hours: 8 }]
    for (const a of [actor(ID), actor(null)]) {
      const q = repo.applyFilter(repo.visibleTickets(repo.ticketBase(k), k, a, a.teamId ? 'team' : 'own'), {
        status: 'assigned', text: '漏油_%', customerId: ID, typeId: ID, urgency: 'normal', mineOf: ID, overdue: overdueBranches(rules, now),
      })
      const page = sql(repo.pageIds(q, { page: 3, pageSize: 20 }))
      expect(page.sql).not.toMatch(NOT_TSQL)
      expect(page.sql).toMatch(/^select \[t\]\.\[id\] from \[service_tickets\] as \[t\] where/i)
      expect(page.sql).toMatch(/\[t\]\.\[customer_id\] not in \(select \[id\] from \[customers\] where \[deleted_at\] is not null\)/i)
      expect(page.sql).toMatch(/order by \[t\]\.\[created_at\] desc, \[t\]\.\[id\] desc offset @p\d+ rows fetch next @p\d+ rows only/i)
      expect(page.sql).toMatch(/\[t\]\.\[sla_start_at\] < @p\d+/)
      expect(page.sql).toMatch(/\[t\]\.\[type_id\] not in \(@p\d+\)/)
      expect(page.sql).toMatch(/\[t\]\.\[search_text\] like @p\d+ escape '\\'/)
      expect(page.bindings).toContain('%漏油\\_\\%%')
      expect(page.bindings.length).toBeLessThan(2100)
      const counts = sql(q.clone().clearSelect().clearOrder().groupBy('t.status').select('t.status').count({ n: '*' }))
      expect(counts.sql).toMatch(/group by \[t\]\.\[status\]/i)
      expect(counts.sql).not.toMatch(/order by/i)
    }
  })

  it('reads the similarity candidates newest first with OFFSET/FETCH, and updates only the expected version', () => {
    const cands = sql(repo.archivedCandidates(repo.ticketBase(k), ID, 500))
    expect(cands.sql).toMatch(/^select top \(@p\d+\) .* order by \[t\]\.\[archived_at\] desc, \[t\]\.\[id\] desc$/i)
    const upd = sql(repo.updateTicket(k, ID, 7, { status: 'handled' }))
    expect(upd.sql).toMatch(/update \[service_tickets\] set \[status\] = @p0 .*where \[id\] = @p\d+ and \[version\] = @p\d+ and \[deleted_at\] is null/i)
    const sla = sql(repo.updateSla(k, ID, 3, { hours: 4 }))
    expect(sla.sql).toMatch(/where \[id\] = @p\d+ and \[version\] = @p\d+/)
    expect(sql(repo.findSla(k, null, 'urgent')).sql).toMatch(/\[type_id\] is null/)
  })

  it('chunks the reminder evaluation with TOP and a keyset, never OFFSET without ORDER BY', () => {
    const branches = overdueBranches([{ typeId: ID, urgency: 'normal', hours: 4 }], new Date()).map((b) => ({ ...b, startedFrom: '2026-01-01T00:00:00.000Z' }))
    const waiting = sql(rem.waitingTickets(k, branches, { urgentAndReopened: true }, ID, 500))
    expect(waiting.sql).toMatch(/\[t\]\.\[sla_start_at\] < @p\d+ and \[t\]\.\[sla_start_at\] >= @p\d+/)
    expect(waiting.sql).toMatch(/^select top \(@p\d+\)/i)
    expect(waiting.sql).toMatch(/\[t\]\.\[id\] > @p\d+ order by \[t\]\.\[id\] asc$/i)
    const stale = sql(rem.staleTicketReminders(k, ID, 500))
    expect(stale.sql).toMatch(/^select top \(@p\d+\)/i)
    expect(stale.sql).toMatch(/\[t\]\.\[status\] not in \(@p\d+, @p\d+\)/)
    expect(stale.sql).toMatch(/order by \[r\]\.\[id\] asc$/i)
    const ids = Array.from({ length: 500 }, () => ID)
    for (const q of [rem.ticketsByIds(k, ids), rem.openTicketReminders(k, ids), waiting, stale]) {
      const text = 'sql' in (q as object) ? (q as { sql: string }).sql : sql(q).sql
      expect(text).not.toMatch(NOT_TSQL)
    }
    expect(sql(rem.openTicketReminders(k, ids)).bindings.length).toBeLessThan(2100)
  })
  it('全局搜索 and the list\'s text search: a plain LIKE under TOP with the wildcards escaped, no index (migration 20261206003200 adds none)', async () => {
    const scoped = () => repo.visibleTickets(repo.ticketBase(k), k, actor('team-1'), 'own')
    // even when asked to narrow through the index, SQL Server has none: the same plain LIKE
    for (const textIndex of [undefined, k]) {
      const q = sql(repo.searchTicketMatches(repo.applyFilter(scoped(), { text: '50%_X\\', textIndex }), 400))
      expect(q.sql).toBe(
        'select top (@p0) [t].[id], [t].[search_text] from [service_tickets] as [t] ' +
          'where [t].[deleted_at] is null and [t].[customer_id] not in (select [id] from [customers] where [deleted_at] is not null) ' +
          "and ([t].[owner_id] = @p1 or [t].[created_by] = @p2 or [t].[assigned_to] = @p3) and [t].[search_text] like @p4 escape '\\'",
      )
      expect(q.bindings).toEqual([400, ID, ID, ID, '%50\\%\\_x\\\\%'])
      expect(q.sql).not.toMatch(/match|crm_search_grams|_search_fts/)
    }
    expect(await repo.ticketTextIndexServes(k, '恒达')).toBe(false)
    const ddl = (await printMigrationSql('mssql')).join('\n')
    expect(ddl).toContain('-- migration 20261206003200_ticket-search-index')
    const part = ddl.slice(ddl.indexOf('-- migration 20261206003200_ticket-search-index'))
    expect(part.split('\n').slice(1).join('\n').split('-- migration ')[0].trim()).toBe('')
  })
})
