// crm migrate: bring a database to the latest schema (and seed roles and the dictionary),
// or with --print-sql print the DDL for the URL's dialect without connecting at all.
import { describeDb, parseDbUrl, type Dialect } from '../db/config'
import { openDb } from '../db/connection'
import { migrateLatest, printMigrationSql } from '../db/migrate'
import { seedDefaults } from '../db/prepare'
import type { Command } from 'commander'
import { CliError, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig } from './cli-db'
import type { Out } from './output'

export function registerMigrate(program: Command, out: Out) {
  withDbOptions(program.command('migrate'))
    .summary('create or update the database schema')
    .description('Create or update the database schema and seed the default roles and dictionary.\n--print-sql prints the DDL for the --db dialect without connecting (e.g. --db mssql://user:pass@host:1433/crm).')
    .option('--print-sql', 'print the DDL instead of running it')
    .action((o: DbOpts & { printSql?: boolean }) => migrate(o, out))
}

async function migrate(p: DbOpts & { printSql?: boolean }, out: Out): Promise<void> {
  if (p.printSql) {
    let dialect: Dialect = 'sqlite'
    if (p.db) {
      try {
        dialect = parseDbUrl(p.db).dialect
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
