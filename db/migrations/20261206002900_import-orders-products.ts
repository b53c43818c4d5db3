// 导入 of products and orders (issue 11): products.import_batch_id and orders.import_batch_id, the
// import a row was created by, so 撤销导入 finds them by an index (as migration 20261206001500 did
// for customers and contacts). A row is unchanged since the import while its version is not above
// the batch's last version. Runs on SQLite, PostgreSQL and SQL Server (knex schema builder).
import type { Knex } from 'knex'

const TABLES = ['products', 'orders'] as const

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.uuid('import_batch_id').nullable()
      t.index(['import_batch_id'])
    })
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [...TABLES].reverse()) {
    await knex.schema.alterTable(table, (t) => {
      t.dropIndex(['import_batch_id'])
      t.dropColumn('import_batch_id')
    })
  }
}
