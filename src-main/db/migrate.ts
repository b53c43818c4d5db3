// Runs the append-only migrations in db/migrations on any dialect, and prints their DDL
// for a dialect without connecting (crm migrate --print-sql).
import type { Knex } from 'knex'
import { migrations } from '../../db/migrations/index'
import type { Dialect } from './config'
import { compilerOnly, type Db } from './connection'

const source: Knex.MigrationSource<(typeof migrations)[number]> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
}

/** The newest migration this build knows: the schema version sync compares. */
export const latestMigration = (): string => migrations[migrations.length - 1].name
/** Whether this build knows a migration (a newer client's schema version is unknown here). */
export const knowsMigration = (name: string): boolean => migrations.some((m) => m.name === name)

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = await db.knex.migrate.latest({ migrationSource: source })
  return applied as string[]
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = await db.knex.migrate.list({ migrationSource: source })
  return (pending as Array<{ file?: string; name?: string } | string>).map((p) =>
    typeof p === 'string' ? p : (p.name ?? p.file ?? String(p)),
  )
}

/**
 * The DDL (and data statements) every migration would run on `dialect`, compiled without a
 * connection: a stand-in knex whose builders record their SQL instead of executing it.
 */
export async function printMigrationSql(dialect: Dialect): Promise<string[]> {
  const k = compilerOnly(dialect)
  const out: string[] = []
  const schema = new Proxy(
    {},
    {
      get(_t, prop: string) {
        return (...args: unknown[]) => {
          const builder = (k.schema as unknown as Record<string, (...a: unknown[]) => { toString(): string }>)[prop](...args)
          return {
            then(resolve: (v: unknown) => void, reject: (e: unknown) => void) {
              try {
                const sql = builder.toString()
                if (sql) out.push(sql)
                resolve(undefined)
              } catch (e) {
                reject(e)
              }
            },
          }
        }
      },
    },
  )
  // a data statement (knex('table')…update()) is recorded as its native SQL with the bindings
  // as a comment, the way the driver would send it (parameters, so no literals to quote)
  const recordQuery = (qb: Knex.QueryBuilder): Knex.QueryBuilder => {
    const proxy: Knex.QueryBuilder = new Proxy(qb, {
      get(t, p) {
        if (p === 'then') {
          return (resolve: (v: unknown) => void, reject: (e: unknown) => void) => {
            try {
              const n = t.toSQL().toNative()
              out.push(`${n.sql} -- bindings: ${JSON.stringify(n.bindings)}`)
              resolve(dialect === 'mssql' || dialect === 'sqlite' ? 0 : [])
            } catch (e) {
              reject(e)
            }
          }
        }
        const v = (t as unknown as Record<string | symbol, unknown>)[p]
        if (typeof v !== 'function') return v
        return (...args: unknown[]) => {
          const r = (v as (...a: unknown[]) => unknown).apply(t, args)
          return r === t ? proxy : r
        }
      },
    })
    return proxy
  }
  // `printOnly`: a migration whose data fix reads rows skips that part here (no rows to read)
  const recorder = new Proxy(k, {
    get: (t, p) => (p === 'schema' ? schema : p === 'printOnly' ? true : (t as unknown as Record<string | symbol, unknown>)[p]),
    apply: (t, _this, args: unknown[]) => recordQuery((t as unknown as (...a: unknown[]) => Knex.QueryBuilder)(...args)),
  })
  for (const m of migrations) {
    out.push(`-- migration ${m.name}`)
    await m.up(recorder as Knex)
  }
  await k.destroy()
  return out
}
