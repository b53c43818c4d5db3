// crm migrate: bring a database to the latest schema (and seed roles and the dictionary),
// or with --print-sql print the DDL for the URL's dialect without connecting at all.
import { describeDb, parseDbUrl, type Dialect } from '../db/config'
import { openDb } from '../db/connection'
import { migrateLatest, printMigrationSql } from '../db/migrate'
import { seedDefaults } from '../db/prepare'
import { CliError, noPositionals, parseArgs } from './cli-args'
import { cliDbConfig, DB_OPTIONS } from './cli-db'
import type { Out } from './output'

export const migrateUsage = 'crm migrate [--db URL] [--data DIR] [--print-sql]'

export async function migrateCommand(argv: string[], out: Out): Promise<void> {
  const p = parseArgs(argv, { strings: DB_OPTIONS, flags: ['print-sql'] })
  if (p.flags.help) return out.log(migrateUsage)
  noPositionals(p, 'migrate')
  if (p.flags['print-sql']) {
    let dialect: Dialect = 'sqlite'
    if (p.opts.db) {
      try {
        dialect = parseDbUrl(p.opts.db).dialect
      } catch (e) {
        throw new CliError((e as Error).message)
      }
    }
    const statements = await printMigrationSql(dialect)
    out.log(statements.map((s) => (s.startsWith('--') ? s : `${s};`)).join('\n'))
    return
  }
  const d = await cliDbConfig(p)
  const db = openDb(d.config)
  try {
    const applied = await migrateLatest(db)
    await seedDefaults(db.knex)
    out.log(applied.length ? `applied ${applied.length} migration(s) to ${describeDb(d.config)}: ${applied.join(', ')}` : `${describeDb(d.config)} is up to date`)
  } catch (e) {
    throw new CliError(`cannot migrate ${describeDb(d.config)}: ${(e as Error).message}`)
  } finally {
    await db.knex.destroy()
  }
}
