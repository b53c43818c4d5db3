// The opportunity search through its index (migration 20261206002310): the list and the board
// find exactly what `search_text LIKE '%term%'` finds — 2-character Chinese terms, pinyin
// initials, phone digits, a code — after creates, edits that change the search text and deletes,
// and the index did the narrowing (SQLite: the trigram index holds the rows; PostgreSQL: the GIN
// index over crm_search_grams). Runs on SQLite, PostgreSQL and in mssql id mode.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { OpportunityCreate } from '../../src-main/contract/opportunities'
import { doubleHan, searchIndexQuery } from '../../src-main/db/dialect'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { freezeClock } from './reminders.fixtures'

describeEachDb('opportunity search index', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00.000Z')
    s = await makeStaff(t)
  })
  afterAll(() => t.close())

  const base = (over: Partial<OpportunityCreate>): OpportunityCreate => ({ customerName: 'x', probability: 20, summary: '采购', description: '描述', ...over })

  /** What the plain LIKE finds among the live opportunities (all of them: the admin's scope). */
  const likeIds = async (term: string) =>
    (await k()('opportunities').whereNull('deleted_at').whereRaw('lower(search_text) like ?', [`%${term.toLowerCase()}%`]).select('id')).map((r) => String(r.id).toLowerCase()).sort()
  const listIds = async (term: string) =>
    (await t.call(s.admin.key, 'opportunities', 'list', { filter: { search: term }, pageSize: 100 })).items.map((r) => r.id).sort()
  const boardIds = async (term: string) =>
    (await t.call(s.admin.key, 'opportunities', 'board', { filter: { search: term } })).columns.flatMap((c) => c.items.map((i) => i.id)).sort()
  const openIds = async (term: string) =>
    (await k()('opportunities').whereNull('deleted_at').whereIn('status', ['unassigned', 'assigned']).whereRaw('lower(search_text) like ?', [`%${term.toLowerCase()}%`]).select('id')).map((r) => String(r.id).toLowerCase()).sort()

  async function expectSame(terms: string[], when: string) {
    for (const term of terms) {
      expect(await listIds(term), `${when}: list "${term}"`).toEqual(await likeIds(term))
      expect(await boardIds(term), `${when}: board "${term}"`).toEqual(await openIds(term))
    }
  }

  it('finds what LIKE finds through creates, edits and deletes, narrowed by the index', async () => {
    const mk = (over: Partial<OpportunityCreate>) => t.call(s.mgrA1.key, 'opportunities', 'create', base(over))
    const a = await mk({ customerName: '北京新东方科技有限公司', contactName: '王芳', contactPhone: '139-1234-5678' })
    const b = await mk({ customerName: '上海东新贸易有限公司', summary: '新东家采购' })
    const c = await mk({ customerName: '广州市人易软件技术有限公司' })
    await mk({ customerName: '深圳新材料有限公司' })
    const terms = ['新东', '东新', '科技', 'gzry', '13912345678', '5678', a.code.toLowerCase(), '有限公司', '不存在的词']
    await expectSame(terms, 'created')
    expect(await listIds('新东')).toEqual([a.id, b.id].sort())

    // an edit changes the search text: the index follows (trigger on update of search_text)
    await t.call(s.mgrA1.key, 'opportunities', 'update', { id: c.id, version: c.version, fields: { customerName: '广州新东机电有限公司' } })
    await expectSame([...terms, 'rysoft', '机电'], 'edited')
    expect(await listIds('新东')).toHaveLength(3)
    expect(await listIds('gzry')).toEqual([]) // 广州市人易 is gone from its text (gzxd now)

    // a delete: out of the list whatever the index still holds
    await t.call(s.mgrA1.key, 'opportunities', 'remove', { id: a.id, version: a.version })
    await expectSame(terms, 'deleted')

    // the index itself holds the rows' texts
    if (dialect === 'sqlite') {
      const hits = async (term: string) =>
        (await k().raw('select s.opportunity_id as id from opportunity_search_fts f join opportunity_search s on s.id = f.rowid where opportunity_search_fts match ?', [searchIndexQuery(term)!]) as Array<{ id: string }>)
          .map((r) => r.id.toLowerCase()).sort()
      expect(doubleHan('新东')).toBe('新新东东')
      expect(await hits('新东')).toEqual([a.id, b.id, c.id].sort()) // the soft-deleted row stays indexed; LIKE's WHERE drops it
      expect(await hits('机电')).toEqual([c.id])
      expect(await hits('gzry')).toEqual([])
      expect(Number((await k()('opportunity_search').count({ n: '*' }).first())!.n)).toBe(Number((await k()('opportunities').count({ n: '*' }).first())!.n))
    } else {
      const r = await k().raw("select indexdef from pg_indexes where indexname = 'opportunities_search_grams'")
      expect(r.rows[0].indexdef).toMatch(/USING gin \(crm_search_grams\(\(search_text\)::text\)\)/)
    }
  })
})
