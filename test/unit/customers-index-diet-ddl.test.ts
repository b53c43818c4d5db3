// Migration 20261207001000 (the customers table's index diet) as each dialect's DDL, compiled
// without a connection: SQL Server's T-SQL names the table in DROP INDEX; nothing else runs.
// The migration on a real SQLite and PostgreSQL database: test/integration/customers-index-diet.test.ts.
import { describe, expect, it } from 'vitest'
import { printMigrationSql } from '../../src-main/db/migrate'
import { DROPPED } from '../../db/migrations/20261207001000_customers-index-diet'

const part = async (d: 'mssql' | 'postgres' | 'sqlite') => {
  const out = await printMigrationSql(d)
  const from = out.indexOf('-- migration 20261207001000_customers-index-diet')
  expect(from).toBeGreaterThan(0)
  const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
  return out
    .slice(from + 1, next < 0 ? undefined : next)
    .flatMap((c) => c.split(/;\s*\n/))
    .map((s) => s.trim().replace(/;$/, '').toLowerCase())
    .filter(Boolean)
}

describe('the customers table\'s index diet (migration 20261207001000)', () => {
  const names = [
    'customers_name_index', 'customers_name_pinyin_index', 'customers_created_at_index',
    'customers_contact_policy_id_index', 'customers_purchase_policy_id_index', 'customers_next_contact_at_index',
  ]

  it('drops the same six indexes on every dialect, nothing else', async () => {
    expect(DROPPED.map(([n]) => n)).toEqual(names)
    expect(await part('mssql')).toEqual(names.map((n) => `drop index [${n}] on [customers]`))
    for (const d of ['postgres', 'sqlite'] as const) expect(await part(d)).toEqual(names.map((n) => `drop index ${n}`))
  })

  it('the T-SQL has no PostgreSQL or SQLite-only syntax (if exists, cascade, ON CONFLICT)', async () => {
    for (const s of await part('mssql')) expect(s).not.toMatch(/if exists|cascade|on conflict|"/)
  })
})
