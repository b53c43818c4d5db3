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
    // the board: open opportunities of one stage, newest change first
    t.index(['status', 'stage_id', 'updated_at'], 'opportunities_board')
    // the funnel: opportunities created in a period, and those closed in one, read from the index alone
    t.index(['created_at', 'assigned_to', 'stage_id', 'status', 'probability', 'expected_amount_cents', 'deleted_at'], 'opportunities_funnel')
    t.index(['closed_at', 'status', 'assigned_to', 'lost_reason_id', 'source_id', 'expected_amount_cents', 'deleted_at'], 'opportunities_closed')
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
