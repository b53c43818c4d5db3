// SQL Server cannot run here: an import chunk's bulk writes (customers with every field, their
// primary contacts, the audit entries) are compiled for mssql without a connection, and every
// statement must stay under SQL Server's 2100 parameters (and 1000 VALUES rows).
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { compiler, ID } from '../helpers/mssql-compile'
import { insertImportedCustomers } from '../../src-main/modules/customers/customers.service'
import { insertImportedContacts } from '../../src-main/modules/contacts/contacts.service'
import type { ServiceContext } from '../../src-main/modules/context'

interface Compiled {
  sql: string
  bindings: readonly unknown[]
}

const k = compiler('mssql')

/** A knex-like handle that compiles each statement for mssql, logs it and answers `results` in turn. */
function recorder(results: unknown[]) {
  const log: Compiled[] = []
  const recording = <Q extends { toSQL(): { toNative(): unknown } }>(q: Q): Q => {
    Object.defineProperty(q, 'then', {
      value: (resolve: (v: unknown) => void, reject: (e: unknown) => void) => {
        try {
          log.push(q.toSQL().toNative() as Compiled)
          resolve(results.length ? results.shift() : [])
        } catch (e) {
          reject(e)
        }
      },
    })
    return q
  }
  const db = Object.assign((table: string) => recording(k(table)), {
    raw: (sql: string, bindings: readonly Knex.RawBinding[]) => recording(k.raw(sql, bindings)),
    client: k.client,
  }) as unknown as Knex.Transaction
  return { db, log }
}

const ctx = {
  db: { dialect: 'mssql' }, clock: { now: () => new Date('2026-12-06T02:00:00Z') }, dataDir: '/tmp',
  actor: { userId: ID, teamId: null, name: '导入员', roleCode: 'admin', permissions: {} },
} as unknown as ServiceContext

const fields = (i: number) => ({
  name: `广州第${i}电子科技有限公司`, shortName: `第${i}电子`, customerType: 'company' as const, regionId: ID, industryId: ID, levelId: ID, sourceId: ID,
  categoryId: ID, natureId: ID, sizeId: ID, country: '中国', province: '广东省', city: '广州市', district: '天河区', address: `天河路${i}号`,
  postcode: '510000', phone: `020-8888${String(i).padStart(4, '0')}`, phone2: '020-88880000', fax: '020-88880001', email: `s${i}@example.cn`,
  email2: `b${i}@example.cn`, website: 'www.example.cn', mainProducts: '电子元器件', legalRep: '张三', registeredCapitalCents: 100000000,
  annualRevenueCents: 500000000, employees: 120, yearsInBusiness: 8, creditRating: 4, bank: '工商银行', bankAccount: '6222000011112222',
  taxId: null, tags: ['展会', '重点'], notes: '备注',
})

describe('an import chunk on SQL Server (compiled)', () => {
  it('writes 600 customers with every field in statements under 2100 parameters', async () => {
    const { db, log } = recorder([[{ value: 600 }], []])
    const items = Array.from({ length: 600 }, (_, i) => ({ fields: fields(i) as never, code: null, contact: { name: `联系人${i}`, mobile: '13800138000' } }))
    const ids = await insertImportedCustomers(db, ctx, items, { ownerId: ID, batchId: ID, version: 7 })
    expect(ids).toHaveLength(600)
    const inserts = log.filter((q) => /^insert into \[customers\]/.test(q.sql))
    expect(inserts.length).toBeGreaterThan(1)
    let rows = 0
    for (const q of inserts) {
      expect(q.bindings.length).toBeLessThan(2100)
      expect((q.sql.match(/\(@p/g) ?? []).length).toBeLessThanOrEqual(1000)
      rows += (q.sql.match(/\), \(/g) ?? []).length + 1
    }
    expect(rows).toBe(600)
    // the sequence range is taken in one MERGE, and the codes follow it
    expect(log.filter((q) => /^merge into \[code_sequences\]/.test(q.sql))).toHaveLength(1)
    for (const q of log) expect(q.bindings.length, q.sql.slice(0, 60)).toBeLessThan(2100)
  })

  it('writes the primary contacts and their audit entries under the limit too', async () => {
    const { db, log } = recorder([])
    const items = Array.from({ length: 600 }, (_, i) => ({ customerId: ID, ownerId: ID, newCustomer: true, fields: { name: `联系人${i}`, title: '经理', mobile: '13800138000', email: 'a@b.cn', isPrimary: true } }))
    await insertImportedContacts(db, ctx, items, { batchId: ID, version: 7 })
    const inserts = log.filter((q) => /^insert into \[contacts\]/.test(q.sql))
    expect(inserts.length).toBeGreaterThan(0)
    for (const q of log) expect(q.bindings.length).toBeLessThan(2100)
    expect(log.some((q) => /^insert into \[audit_log\]|^insert into \[audit/.test(q.sql))).toBe(true)
  })
})
