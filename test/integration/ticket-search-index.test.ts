// The service tickets' search through their index (migration 20261206003200, issue 14): the ticket
// list and 全局搜索's tickets area find exactly what `search_text LIKE '%term%'` finds — 1- and
// 2-character Chinese terms, a code, LIKE's own metacharacters (% _ \) taken literally — after
// creates and edits that change the search text; each caller finds only the tickets of its scope
// (a 客服 whose role sees its own tickets finds only those); and the index did the narrowing
// (SQLite: the trigram index holds the rows and the statements never scan service_tickets;
// PostgreSQL: the GIN index over crm_search_grams is asked). SQLite, PostgreSQL, mssql id mode.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { doubleHan, searchIndexQuery } from '../../src-main/db/dialect'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff } from './customers.fixtures'
import { versionOf } from '../helpers/versions'
import * as ticketPinyin from '../../db/migrations/20261206003210_ticket-search-pinyin'

describeEachDb('service ticket search index', (dialect) => {
  let t: TestApp
  let s: Staff
  let own: { key: string; userId: string } // a 客服 whose role sees its own tickets only
  let typeId: string
  const k = () => t.app.db.knex
  const tickets: Record<string, { id: string; code: string; version: number }> = {}

  async function customer(owner: string, name: string) {
    return (await t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner })).id as string
  }
  async function ticket(who: { key: string }, customerId: string, summary: string, request: string) {
    const r = await t.call(who.key, 'services', 'create', { customerId, typeId, summary, request })
    tickets[summary] = r
    return r
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    typeId = await dictId(t, 'service_type', '维修')
    const roleId = randomUUID()
    const now = new Date().toISOString()
    await k()('roles').insert({ id: roleId, code: 'agent_own', name: '客服(本人)', is_system: false, created_at: now, updated_at: now, version: 0 })
    await k()('role_permissions').insert({ id: randomUUID(), role_id: roleId, module: 'services', actions: 'view', scope: 'own' })
    own = await t.userSession('agentown1', 'agent_own', { name: '客服乙' })
    const a = await customer(s.mgrA1.userId, '佛山顺德恒达机械')
    const b = await customer(s.mgrB.userId, '宁波恒达精密铸造')
    const c = await customer(s.mgrA2.userId, '合肥宇弘教育科技')
    await ticket(s.agent, a, '主轴异响', '数控机床主轴高速时有异响')
    await ticket(s.agent, b, '液压漏油', '压铸机液压站漏油')
    await ticket(s.agent, c, '打折50%_特价', '报价单里写着 a_b\\c 与 100%')
    await ticket(s.agent, a, '恒温箱不制冷', '恒温箱温度偏高')
    // these two are the own 客服's: written down by it (its role may create for its own customers only, so set here)
    await k()('service_tickets').whereIn('id', [tickets['打折50%_特价'].id, tickets['恒温箱不制冷'].id]).update({ created_by: own.userId })
  })
  afterAll(() => t?.close())

  /** What the plain search finds among the live tickets (all of them: the 客服专员's scope), checked in JavaScript. */
  const truth = async (term: string) =>
    (await k()('service_tickets').whereNull('deleted_at').select('id', 'search_text'))
      .filter((r) => String(r.search_text ?? '').includes(term.toLowerCase()))
      .map((r) => String(r.id).toLowerCase())
      .sort()
  const listIds = async (key: string, term: string) =>
    (await t.call(key, 'services', 'list', { filter: { text: term }, pageSize: 100 })).items.map((r: { id: string }) => r.id).sort()
  const searchIds = async (key: string, term: string) =>
    ((await t.call(key, 'search', 'global', { term, limit: 20 })).groups.find((g: { kind: string }) => g.kind === 'ticket')?.items ?? []).map((h: { id: string }) => h.id).sort()

  const TERMS = ['恒达', '恒', 'foshan', 'fssdhd', 'hfyh', 'hefeiyuhong', '主轴', '高速', '漏油', '50%', '%', '0%_特', '_', 'a_b\\c', '\\', '不存在的词', 'wxyz']
  async function expectSame(terms: string[], when: string) {
    for (const term of terms) {
      const want = await truth(term)
      expect(await listIds(s.agent.key, term), `${when}: list "${term}"`).toEqual(want)
      expect(await searchIds(s.agent.key, term), `${when}: search "${term}"`).toEqual(want)
    }
  }

  it('finds what LIKE finds: 1 and 2 Chinese characters, codes, LIKE metacharacters taken literally', async () => {
    await expectSame([...TERMS, tickets['主轴异响'].code.toLowerCase(), tickets['主轴异响'].code.slice(-4)], 'created')
    expect(await listIds(s.agent.key, '恒达')).toEqual([tickets['主轴异响'].id, tickets['液压漏油'].id, tickets['恒温箱不制冷'].id].sort()) // the last through its customer's name
    expect(await searchIds(s.agent.key, '50%')).toEqual([tickets['打折50%_特价'].id])
    expect(await searchIds(s.agent.key, '%')).toEqual([tickets['打折50%_特价'].id])
    expect(await listIds(s.agent.key, 'a_b\\c')).toEqual([tickets['打折50%_特价'].id])
    expect(await listIds(s.agent.key, 'axb')).toEqual([]) // _ is not a wildcard
    expect((await t.call(s.agent.key, 'services', 'counts', { filter: { text: '恒' } })).all).toBe(3)
  })

  it('finds tickets by their customer\'s pinyin and initials, ranked as a pinyin match; the migration gives older tickets the pinyin', async () => {
    const fs = [tickets['主轴异响'].id, tickets['恒温箱不制冷'].id].sort()
    expect(await searchIds(s.agent.key, 'fssdhd')).toEqual(fs)
    expect(await listIds(s.agent.key, 'foshanshunde')).toEqual(fs)
    expect(await listIds(s.agent.key, 'fssdhdjx')).toEqual(fs) // the whole initials
    const hits = (await t.call(s.agent.key, 'search', 'global', { term: 'hfyhjy', limit: 5 })).groups.find((g: { kind: string }) => g.kind === 'ticket')!.items
    expect(hits.map((h: { id: string; field: string; match: string }) => [h.id, h.field, h.match])).toEqual([[tickets['打折50%_特价'].id, 'pinyin', 'prefix']])
    // a ticket written before the pinyin (its old text), then migration 20261206003210
    const old = tickets['打折50%_特价']
    const before = String((await k()('service_tickets').where({ id: old.id }).first('search_text')).search_text)
    await k()('service_tickets').where({ id: old.id }).update({ search_text: before.split('|').filter((p) => !/^[a-z]+$/.test(p)).join('|') })
    expect(await searchIds(s.agent.key, 'hfyhjy')).toEqual([])
    await ticketPinyin.up(k())
    expect(String((await k()('service_tickets').where({ id: old.id }).first('search_text')).search_text)).toBe(before)
    expect(await searchIds(s.agent.key, 'hfyhjy')).toEqual([old.id])
  })

  it('全局搜索: a term no index narrows (one character) reads a bounded number of tickets on SQLite, never all of them', async () => {
    const seen: Array<{ sql: string; bindings: unknown[] }> = []
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] })
    k().on('query', onQuery)
    try {
      expect(await searchIds(s.agent.key, '恒')).toEqual(await truth('恒'))
    } finally {
      k().off('query', onQuery)
    }
    const reads = seen.filter((q) => /^select/i.test(q.sql) && q.sql.includes('service_tickets') && / like /i.test(q.sql))
    expect(reads.length).toBe(1)
    if (dialect === 'sqlite') {
      // the tickets in scope as a derived table of at most 5,000 rows, the LIKE on those
      expect(reads[0].sql).toMatch(/from \(select .* from `service_tickets` as `t` .* limit \?\) as `t` where `t`.`search_text` like/)
      expect(reads[0].bindings).toContain(5000)
    } else expect(reads[0].sql).toContain('crm_search_grams') // PostgreSQL: its GIN grams serve one character
  })

  it('an edit that changes the search text moves the ticket in the index', async () => {
    const x = tickets['液压漏油']
    await t.call(s.agent.key, 'services', 'update', { id: x.id, version: await versionOf(t, 'service_tickets', x.id), fields: { summary: '液压站压力不稳', request: '压力波动大' } })
    await expectSame([...TERMS, '压力', '压力不稳'], 'edited')
    expect(await searchIds(s.agent.key, '漏油')).toEqual([])
    expect(await listIds(s.agent.key, '压力不稳')).toEqual([x.id])
  })

  it('each caller finds the tickets of its scope only: 客服 (own), 客户经理 (own customers), 客服专员 (all)', async () => {
    expect(await searchIds(own.key, '恒')).toEqual([tickets['恒温箱不制冷'].id]) // its own; not the 恒达 tickets the other 客服 wrote
    expect(await listIds(own.key, '恒')).toEqual([tickets['恒温箱不制冷'].id])
    expect(await searchIds(own.key, '50%')).toEqual([tickets['打折50%_特价'].id])
    expect(await searchIds(own.key, '主轴')).toEqual([])
    expect(await searchIds(s.mgrA1.key, '恒')).toEqual([tickets['主轴异响'].id, tickets['恒温箱不制冷'].id].sort()) // its customer's
    expect(await searchIds(s.mgrB.key, '恒达')).toEqual([tickets['液压漏油'].id])
    expect(await searchIds(s.mgrB.key, '主轴')).toEqual([])
    expect((await searchIds(s.agent.key, '恒')).length).toBe(3)
  })

  it('the index holds the tickets\' texts and the search reads through it', async () => {
    const seen: Array<{ sql: string; bindings: unknown[] }> = []
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] })
    k().on('query', onQuery)
    try {
      for (const term of ['恒达', '主轴异响', '50%']) {
        await searchIds(s.agent.key, term)
        await listIds(s.agent.key, term)
      }
    } finally {
      k().off('query', onQuery)
    }
    const reads = seen.filter((q) => /^select/i.test(q.sql) && q.sql.includes('service_tickets') && / like /i.test(q.sql))
    expect(reads.length).toBeGreaterThanOrEqual(6)
    if (dialect === 'sqlite') {
      const hits = async (term: string) =>
        ((await k().raw('select s.ticket_id as id from ticket_search_fts f join ticket_search s on s.id = f.rowid where ticket_search_fts match ?', [searchIndexQuery(term)!])) as Array<{ id: string }>)
          .map((r) => r.id.toLowerCase()).sort()
      expect(doubleHan('恒达')).toBe('恒恒达达')
      expect(await hits('恒达')).toEqual([tickets['主轴异响'].id, tickets['液压漏油'].id, tickets['恒温箱不制冷'].id].sort())
      expect(await hits('压力')).toEqual([tickets['液压漏油'].id])
      expect(await hits('漏油')).toEqual([]) // the edit replaced it
      expect(Number((await k()('ticket_search').count({ n: '*' }).first())!.n)).toBe(Number((await k()('service_tickets').count({ n: '*' }).first())!.n))
      // every read of a term of 2+ Chinese characters or 3+ characters goes through the index: no scan of the tickets
      for (const q of reads) {
        expect(q.sql).toContain('ticket_search_fts')
        const plan = ((await k().raw(`explain query plan ${q.sql}`, q.bindings as never[])) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
        expect(plan, `${q.sql}\n${plan}`).not.toMatch(/^SCAN (t|service_tickets)\b/m)
        // the deleted customers' ids from their partial index (migration 20261206005100), not a scan of the customers
        expect(plan, `${q.sql}\n${plan}`).toContain('customers_deleted_ids')
        expect(plan, `${q.sql}\n${plan}`).not.toMatch(/SCAN customers(?! USING INDEX customers_deleted_ids)/)
      }
    } else {
      const r = await k().raw("select indexdef from pg_indexes where indexname = 'service_tickets_search_grams'")
      expect(r.rows[0].indexdef).toMatch(/USING gin \(crm_search_grams\(\(search_text\)::text\)\)/)
      // the statistics say these terms are rare: every read asks the GIN grams
      for (const q of reads) expect(q.sql).toContain('crm_search_grams("t"."search_text")')
    }
  })
})
