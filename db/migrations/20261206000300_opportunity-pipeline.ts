// The sales pipeline's opportunity half (issue 9): what the initial schema left out.
// - opportunities: a lower-cased search text (code, customer, summary, contact, phone, pinyin),
//   the 失败原因 dictionary item of a lost one, and indexes for the list, the board and the funnel.
// - plan_steps: their order in the plan (reorder) and who wrote them.
// - dict_items.probability: a 销售阶段's default 成功机率 (0–100); the seeded stages get theirs
//   here on an existing database (a new one gets them from the seed, which runs after this).
import type { Knex } from 'knex'

/** The seeded stages (db/seeds/dictionary.ts) and their default probabilities. */
const STAGE_PROBABILITY: Array<[label: string, probability: number]> = [
  ['初步接洽', 10],
  ['需求确认', 30],
  ['方案报价', 50],
  ['商务谈判', 70],
  ['签约', 90],
]

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dict_items', (t) => {
    t.integer('probability').nullable()
  })
  for (const [label, probability] of STAGE_PROBABILITY) {
    await knex('dict_items').where({ type_code: 'opportunity_stage', label }).whereNull('probability').update({ probability })
  }

  await knex.schema.alterTable('opportunities', (t) => {
    t.string('search_text', 1000).nullable()
    t.uuid('lost_reason_id').nullable()
    t.index(['lost_reason_id'])
    t.index(['source_id'])
    t.index(['created_by'])
    t.index(['created_at'])
    t.index(['updated_at'])
    t.index(['expected_close_date'])
    // Board and funnel read these covering indexes instead of the wide rows (description,
    // search text): 100,000 opportunities are several hundred MB of rows but a few MB of index.
    // Each holds the data-scope columns (owner_id, created_by) and deleted_at as well.
    // The board: open opportunities per status and stage in index order (totals), the most
    // recently changed first (cards).
    t.index(
      ['status', 'stage_id', 'updated_at', 'id', 'deleted_at', 'owner_id', 'created_by', 'assigned_to', 'source_id', 'probability', 'expected_amount_cents'],
      'opportunities_board',
    )
    // The funnel: grouped by 客户经理, stage and status in index order (no sort), created_at for the period.
    t.index(['assigned_to', 'stage_id', 'status', 'created_at', 'deleted_at', 'owner_id', 'created_by', 'probability', 'expected_amount_cents'], 'opportunities_funnel')
    // The funnel's closed part: won/lost by reason and source in index order (sorting 80,000 rows by
    // two uuids costs more than reading them), closed_at for the period.
    t.index(['status', 'lost_reason_id', 'source_id', 'closed_at', 'deleted_at', 'owner_id', 'created_by', 'expected_amount_cents'], 'opportunities_closed')
  })

  await knex.schema.alterTable('plan_steps', (t) => {
    t.integer('seq').notNullable().defaultTo(0)
    t.uuid('created_by').nullable()
    t.index(['opportunity_id', 'seq'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('plan_steps', (t) => {
    t.dropIndex(['opportunity_id', 'seq'])
    t.dropColumn('created_by')
    t.dropColumn('seq')
  })
  await knex.schema.alterTable('opportunities', (t) => {
    t.dropIndex([], 'opportunities_closed')
    t.dropIndex([], 'opportunities_funnel')
    t.dropIndex([], 'opportunities_board')
    t.dropIndex(['expected_close_date'])
    t.dropIndex(['updated_at'])
    t.dropIndex(['created_at'])
    t.dropIndex(['created_by'])
    t.dropIndex(['source_id'])
    t.dropIndex(['lost_reason_id'])
    t.dropColumn('lost_reason_id')
    t.dropColumn('search_text')
  })
  await knex.schema.alterTable('dict_items', (t) => {
    t.dropColumn('probability')
  })
}
