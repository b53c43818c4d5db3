// crm demo's bulk load (src-main/cli/demo-bulk.ts) on SQLite and PostgreSQL: the plain indexes of
// the filled tables (and SQLite's search-insert triggers) are dropped with their definitions kept
// in bulk_load_suspended, rows written meanwhile are found by the list's search once the indexes
// are rebuilt, the schema afterwards is the one before, and the search index the loader fills
// set-based is the one the triggers write (compared with the migration's SQL, the triggers' own).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { restoreSuspended, suspendIndexes } from '../../src-main/cli/demo-bulk'
import { insertRows } from '../../src-main/db/dialect'
import { doubledHanSql } from '../../db/migrations/20261206002100_customer-search-index'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'

const quiet = { log: () => undefined, progress: () => undefined, endProgress: () => undefined }
const TABLES = ['customers', 'contacts', 'interactions', 'interaction_promises', 'reminders']

describeEachDb('crm demo: bulk load (indexes built after the load)', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex

  /** the indexes (and triggers) of the tables, with their definitions */
  async function schema(): Promise<string[]> {
    if (dialect === 'sqlite') {
      const rows = await k().raw(`select type, name, sql from sqlite_master where tbl_name in (${TABLES.map(() => '?').join(', ')}) and type in ('index', 'trigger') order by name`, TABLES)
      return rows.map((r: { type: string; name: string; sql: string | null }) => `${r.type} ${r.name} ${r.sql}`)
    }
    const res = await k().raw('select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = any(?) order by indexname', [TABLES])
    const triggers = await k().raw(
      'select t.tgname, pg_get_triggerdef(t.oid) as def from pg_trigger t join pg_class c on c.oid = t.tgrelid where c.relname = any(?) and not t.tgisinternal order by t.tgname',
      [TABLES],
    )
    return [
      ...res.rows.map((r: { indexname: string; indexdef: string }) => `${r.indexname} ${r.indexdef}`),
      ...triggers.rows.map((r: { tgname: string; def: string }) => `trigger ${r.tgname} ${r.def}`),
    ]
  }

  /** briefing_owner_day as the customers and contacts say (by owner and UTC day of creation; 交往记录 by their day) */
  async function briefingFromTables() {
    const day = (col: string) => (dialect === 'sqlite' ? k().raw(`substr(${col}, 1, 10)`) : k().raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD')`))
    const sums = new Map<string, { owner_id: string; day: string; customers: number; contacts: number; interactions: number }>()
    const add = (rows: Array<{ owner_id: string; day: string; n: unknown }>, col: 'customers' | 'contacts' | 'interactions') => {
      for (const r of rows) {
        const key = `${r.owner_id}|${r.day}`
        if (!sums.has(key)) sums.set(key, { owner_id: r.owner_id, day: r.day, customers: 0, contacts: 0, interactions: 0 })
        sums.get(key)![col] += Number(r.n)
      }
    }
    add(await k()('customers as c').whereNull('c.deleted_at').groupBy('c.owner_id', day('c.created_at')).select('c.owner_id', { day: day('c.created_at') }).count({ n: '*' }), 'customers')
    for (const [table, at, col] of [['contacts', 'created_at', 'contacts'], ['interactions', 'occurred_at', 'interactions']] as const) {
      add(
        await k()(`${table} as x`).join('customers as c', 'c.id', 'x.customer_id').whereNull('x.deleted_at').whereNull('c.deleted_at')
          .groupBy('c.owner_id', day(`x.${at}`)).select('c.owner_id', { day: day(`x.${at}`) }).count({ n: '*' }),
        col,
      )
    }
    return [...sums.values()].sort((a, b) => (a.owner_id < b.owner_id ? -1 : a.owner_id > b.owner_id ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    await t.call(s.admin.key, 'customers', 'create', { name: '长春辉亿科技有限公司', ownerId: s.mgrA1.userId })
  })
  afterAll(async () => {
    await t.close()
  })

  it('drops the plain indexes, keeps their definitions, and builds the same ones again', async () => {
    const before = await schema()
    const dropped = await suspendIndexes(k(), dialect, TABLES)
    expect(dropped).toBeGreaterThan(20)
    expect(Number((await k()('bulk_load_suspended').count({ n: '*' }))[0].n)).toBe(dropped)
    const during = await schema()
    expect(during.length).toBe(before.length - dropped)
    // unique ones and primary keys stay
    expect(during.some((d) => /unique|pkey|autoindex/i.test(d))).toBe(true)
    if (dialect === 'sqlite') expect(during.join('\n')).not.toContain('customers_search_insert')
    else {
      // the 简报's summary triggers are away too, the update ones stay
      expect(before.join('\n')).toContain('trigger interactions_briefing')
      expect(during.join('\n')).not.toMatch(/trigger (customers|contacts|interactions)_briefing/)
    }

    // rows written while the indexes are away: through the service, and by the loader's own insert
    const nb = await t.call(s.admin.key, 'customers', 'create', { name: '宁波鑫盛新材料有限公司', ownerId: s.mgrA1.userId })
    await t.call(s.admin.key, 'contacts', 'create', { customerId: nb.id, fields: { name: '欧阳娜', mobile: '13912345678' } })
    const now = new Date().toISOString()
    const base = await k()('customers').where({ name: '长春辉亿科技有限公司' }).first()
    const id = crypto.randomUUID()
    await insertRows(k(), dialect, 'customers', [
      { ...base, id, code: 'KH-BULK-000001', name: '杭州汇通供应链管理有限公司', search_text: '杭州汇通供应链管理有限公司|kh-bulk-000001|hzhtgyl', name_key: null, similar_key: null, name_pinyin: 'hang2zhou1', created_at: now, updated_at: now },
    ])

    await restoreSuspended(k(), dialect, quiet)
    expect(await schema()).toEqual(before)
    expect(Number((await k()('bulk_load_suspended').count({ n: '*' }))[0].n)).toBe(0)
    // the 简报's per-owner-and-day sums count the rows written meanwhile (computed again on PostgreSQL, kept by the triggers on SQLite)
    const kept = await k()('briefing_owner_day').where((q) => q.whereNot('customers', 0).orWhereNot('contacts', 0).orWhereNot('interactions', 0)).orderBy(['owner_id', 'day']).select('owner_id', 'day', 'customers', 'contacts', 'interactions')
    expect(kept).toEqual(await briefingFromTables())
    expect(kept.reduce((n: number, r: { customers: number }) => n + r.customers, 0)).toBe(3)
    expect(kept.reduce((n: number, r: { contacts: number }) => n + r.contacts, 0)).toBe(1)

    // the list's search (through its index) finds them: 2 and 3+ characters, pinyin, a contact
    const names = async (search: string) => (await t.call(s.admin.key, 'customers', 'list', { filter: { search } } as never)).items.map((c: { name: string }) => c.name)
    expect(await names('鑫盛')).toEqual(['宁波鑫盛新材料有限公司'])
    expect(await names('汇通供应')).toEqual(['杭州汇通供应链管理有限公司'])
    expect(await names('hzhtgyl')).toEqual(['杭州汇通供应链管理有限公司'])
    expect(await names('欧阳娜')).toEqual(['宁波鑫盛新材料有限公司'])
    expect(await names('辉亿')).toEqual(['长春辉亿科技有限公司'])
  })

  it('a second restore is a no-op, and an interrupted load is repaired by the next one', async () => {
    await restoreSuspended(k(), dialect, quiet)
    const before = await schema()
    await suspendIndexes(k(), dialect, ['interactions'])
    expect(await schema()).not.toEqual(before)
    await restoreSuspended(k(), dialect, quiet) // what the next crm demo does first
    expect(await schema()).toEqual(before)
  })

  if (dialect === 'sqlite') {
    it('fills the search index as the insert triggers do (the migration\'s SQL, the triggers\' own)', async () => {
      await suspendIndexes(k(), dialect, TABLES)
      for (let i = 0; i < 40; i++) {
        const c = await t.call(s.admin.key, 'customers', 'create', {
          name: `广州市${'华鑫盛泰恒达信瑞丰源'[i % 10]}${'隆昌宏远嘉德润祥和通'[(i * 3) % 10]}电子科技有限公司${i}`, ownerId: s.mgrA1.userId,
        })
        await t.call(s.admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: `李${'伟强磊军'[i % 4]}`, mobile: `1391234${String(i).padStart(4, '0')}` } })
      }
      await restoreSuspended(k(), dialect, quiet) // fills the index in JS (doubleHan)
      const vocab = async () => {
        await k().raw('create virtual table if not exists temp.cv using fts5vocab(main, customer_search_fts, row)')
        await k().raw('create virtual table if not exists temp.tv using fts5vocab(main, contact_search_fts, row)')
        return [await k().raw('select term, doc from temp.cv order by term'), await k().raw('select term, doc from temp.tv order by term')]
      }
      const byLoader = await vocab()
      // the same index written by the triggers' SQL
      await k().raw('delete from customer_search_fts')
      await k().raw(`insert into customer_search_fts (rowid, grams) select s.id, ${doubledHanSql('c.search_text')} from customer_search s join customers c on c.id = s.customer_id`)
      await k().raw('delete from contact_search_fts')
      await k().raw(`insert into contact_search_fts (rowid, grams) select s.id, ${doubledHanSql('c.search_text')} from contact_search s join contacts c on c.id = s.contact_id where c.search_text is not null`)
      const byTriggers = await vocab()
      expect(byLoader[0].length).toBeGreaterThan(500)
      expect(byLoader).toEqual(byTriggers)
    })
  }
})
