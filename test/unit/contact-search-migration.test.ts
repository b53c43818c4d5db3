// Migration 20261206000700 fills the new contacts.search_text of the contacts already there
// (name, mobile as typed and as digits, pinyin, initials), in batches, on a real SQLite database.
import { randomUUID } from 'node:crypto'
import knexFactory from 'knex'
import { describe, expect, it } from 'vitest'
import { migrations } from '../../db/migrations/index'

describe('migration 20261206000700 (contact search text) [sqlite]', () => {
  it('fills the search text of every existing contact', async () => {
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true })
    try {
      const at = migrations.findIndex((m) => m.name === '20261206000700_contact-search-text')
      expect(at).toBeGreaterThan(0)
      for (const m of migrations.slice(0, at)) await m.up(knex)
      const now = new Date().toISOString()
      const customerId = randomUUID()
      await knex('customers').insert({ id: customerId, code: 'KH-1', name: '广州市人易软件', created_at: now, updated_at: now, version: 1 })
      const n = 650 // more than one batch of 300
      const rows = Array.from({ length: n }, (_, i) => ({
        id: randomUUID(), customer_id: customerId, name: i === 0 ? '李明' : `联系人${i}`, mobile: i === 0 ? '138-0013-8000' : null, created_at: now, updated_at: now, version: 1,
      }))
      for (let i = 0; i < rows.length; i += 50) await knex('contacts').insert(rows.slice(i, i + 50))
      await migrations[at].up(knex)
      const texts = await knex('contacts').select('id', 'search_text')
      expect(texts).toHaveLength(n)
      expect(texts.every((r) => typeof r.search_text === 'string' && r.search_text.length > 0)).toBe(true)
      expect((await knex('contacts').where({ id: rows[0].id }).first('search_text')).search_text).toBe('李明|138-0013-8000|13800138000|liming|lm')
      expect((await knex('contacts').where({ id: rows[649].id }).first('search_text')).search_text).toBe('联系人649|lianxiren649|lxr649')
    } finally {
      await knex.destroy()
    }
  })
})
