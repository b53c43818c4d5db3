// The statements the exports read their chunks with, compiled for every dialect (SQL Server
// cannot run here): at most 2,100 parameters on SQL Server, the joins PostgreSQL needs to read
// only the chunk's rows.
import { afterAll, describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import { exportRowsByIds } from '../../src-main/modules/customers/customers.repository'

const knexes = { mssql: compilerOnly('mssql'), postgres: compilerOnly('postgres'), sqlite: compilerOnly('sqlite') }
afterAll(async () => {
  for (const k of Object.values(knexes)) await k.destroy()
})

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

describe('customer export chunk', () => {
  it('names the chunk ids on the primary contacts side too, and stays under 2,100 parameters on SQL Server for 1,000 customers', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuid(i))
    const ms = exportRowsByIds(knexes.mssql, ids).toSQL().toNative()
    expect(ms.sql).toMatch(/left join \[contacts\] as \[pc\] on \[pc\]\.\[customer_id\] = \[c\]\.\[id\] and \[pc\]\.\[is_primary\] = @p0 and \[pc\]\.\[deleted_at\] is null and \[pc\]\.\[customer_id\] in \(@p1, /)
    expect(ms.bindings.length).toBe(2001)
    expect(ms.bindings.length).toBeLessThan(2100)
    const pg = exportRowsByIds(knexes.postgres, ids.slice(0, 2)).toSQL().toNative()
    expect(pg.sql).toContain('left join "contacts" as "pc" on "pc"."customer_id" = "c"."id" and "pc"."is_primary" = $1 and "pc"."deleted_at" is null and "pc"."customer_id" in ($2, $3)')
    expect(pg.sql).toContain('where "c"."id" in ($4, $5)')
    expect(pg.bindings).toEqual([true, ...ids.slice(0, 2), ...ids.slice(0, 2)])
  })
})
