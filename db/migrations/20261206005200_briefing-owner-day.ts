// 工作台 销售简报 (issue 13): 新增客户, 新增联系人 and 跟进记录 per customer owner and UTC day, kept by
// database triggers so every writer keeps it without code of its own — the services, imports, the
// sync's push and pull, `crm demo` (its bulk load suspends only the search-index triggers), owner
// transfers, 公海, merges, soft deletes and restores.
//
// A row (owner_id, day) holds, for the live customers whose owner is owner_id (NIL_OWNER: no owner,
// the 公海):
// - customers: those created on that UTC day (customers.created_at);
// - contacts: their live contacts created on that day (contacts.created_at);
// - interactions: their live 交往记录 that occurred on that day (interactions.occurred_at).
// Exactly the rows the 简报 counts and its lists show (live row of a live customer in scope); a
// scope is a set of owners (own: one; team: the team's users, resolved at read time so a rep
// moving team needs no rewrite; company: every row), a period the whole UTC days inside it plus
// its partial edge days counted from the base tables (dashboard.service).
//
// What keeps it (one trigger per table and dialect, all defined below):
// - interactions / contacts: insert (+1), delete (−1) and an update of the customer, the day's
//   column or deleted_at (−1 for the old row, +1 for the new one, each only when live and its
//   customer live), at the customer's current owner;
// - customers: insert (+1 customers; a new customer has no children: they reference it), delete
//   (−1; children would block it), and an update of owner_id, deleted_at or created_at, which
//   moves the customer and all its live children from the old (owner, days) to the new ones
//   (nothing counted while the customer is deleted).
// Counts only ever change by deltas inside the writing statement's transaction (INSERT … ON
// CONFLICT DO UPDATE / MERGE WITH (HOLDLOCK)), so concurrent writers both land.
import type { Knex } from 'knex'

export const NIL_OWNER = '00000000-0000-0000-0000-000000000000'
const TABLE = 'briefing_owner_day'

type Which = 'sqlite' | 'postgres' | 'mssql'
const dialectOf = (knex: Knex): Which => {
  const c = String(knex.client.config.client)
  return c === 'mssql' ? 'mssql' : ['pg', 'postgres', 'postgresql'].includes(c) ? 'postgres' : 'sqlite'
}

/** The children counted per day: table, its day column, the summary column. */
const CHILDREN = [
  { table: 'interactions', at: 'occurred_at', col: 'interactions' },
  { table: 'contacts', at: 'created_at', col: 'contacts' },
] as const
const COLS = ['customers', 'contacts', 'interactions'] as const

// ---- SQLite ---------------------------------------------------------------------------------------

const sqDay = (x: string) => `substr(${x}, 1, 10)`
/** An upsert adding `select`'s rows (owner_id, day, n) to column `col` (the select must have a WHERE). */
const sqAdd = (col: string, select: string) =>
  `insert into ${TABLE} (owner_id, day, ${COLS.join(', ')}) ${select} on conflict (owner_id, day) do update set ${col} = ${TABLE}.${col} + excluded.${col}`
const sqVals = (col: string, n: string) => COLS.map((c) => (c === col ? n : '0')).join(', ')

function sqliteTriggers(): string[] {
  const out: string[] = []
  // each body on one line of statements ("; " between them): tools that split a script on ";\n" keep a trigger whole
  const trigger = (head: string, body: string[]) => out.push(`${head} begin ${body.map((x) => x + '; ').join('')}end`)
  for (const ch of CHILDREN) {
    const one = (row: 'new' | 'old', sign: string) =>
      sqAdd(ch.col, `select coalesce(c.owner_id, '${NIL_OWNER}'), ${sqDay(`${row}.${ch.at}`)}, ${sqVals(ch.col, sign)} from customers c where c.id = ${row}.customer_id and c.deleted_at is null and ${row}.deleted_at is null`)
    trigger(`create trigger ${ch.table}_briefing_insert after insert on ${ch.table}`, [one('new', '1')])
    trigger(`create trigger ${ch.table}_briefing_delete after delete on ${ch.table}`, [one('old', '-1')])
    trigger(
      `create trigger ${ch.table}_briefing_update after update of customer_id, ${ch.at}, deleted_at on ${ch.table} ` +
        `when old.customer_id is not new.customer_id or old.${ch.at} is not new.${ch.at} or (old.deleted_at is null) <> (new.deleted_at is null)`,
      [one('old', '-1'), one('new', '1')],
    )
  }
  const self = (row: 'new' | 'old', sign: string) =>
    sqAdd('customers', `select coalesce(${row}.owner_id, '${NIL_OWNER}'), ${sqDay(`${row}.created_at`)}, ${sqVals('customers', sign)} where ${row}.deleted_at is null`)
  const children = (row: 'new' | 'old', sign: string) =>
    CHILDREN.map((ch) =>
      sqAdd(ch.col, `select coalesce(${row}.owner_id, '${NIL_OWNER}'), ${sqDay(`x.${ch.at}`)}, ${sqVals(ch.col, `${sign}count(*)`)} from ${ch.table} x where x.customer_id = ${row}.id and x.deleted_at is null and ${row}.deleted_at is null group by ${sqDay(`x.${ch.at}`)}`),
    )
  trigger('create trigger customers_briefing_insert after insert on customers', [self('new', '1')])
  trigger('create trigger customers_briefing_delete after delete on customers', [self('old', '-1')])
  trigger(
    'create trigger customers_briefing_update after update of owner_id, deleted_at, created_at on customers ' +
      'when old.owner_id is not new.owner_id or old.created_at is not new.created_at or (old.deleted_at is null) <> (new.deleted_at is null)',
    [self('old', '-1'), ...children('old', '-'), self('new', '1'), ...children('new', '')],
  )
  return out
}

// ---- PostgreSQL -----------------------------------------------------------------------------------

const pgDay = (x: string) => `to_char(${x} at time zone 'UTC', 'YYYY-MM-DD')`
const pgAdd = (col: string, select: string) =>
  `insert into ${TABLE} (owner_id, day, ${COLS.join(', ')}) ${select} on conflict (owner_id, day) do update set ${col} = ${TABLE}.${col} + excluded.${col}`

function postgresTriggers(): string[] {
  const out: string[] = []
  for (const ch of CHILDREN) {
    const one = (row: 'new' | 'old', sign: string) =>
      `if ${row}.deleted_at is null then ${pgAdd(ch.col, `select coalesce(c.owner_id, '${NIL_OWNER}'::uuid), ${pgDay(`${row}.${ch.at}`)}, ${sqVals(ch.col, sign)} from customers c where c.id = ${row}.customer_id and c.deleted_at is null`)}; end if;`
    out.push(
      `create or replace function ${ch.table}_briefing() returns trigger language plpgsql as $$ begin ` +
        `if tg_op = 'UPDATE' and old.customer_id is not distinct from new.customer_id and old.${ch.at} is not distinct from new.${ch.at} and (old.deleted_at is null) = (new.deleted_at is null) then return null; end if; ` +
        `if tg_op in ('UPDATE', 'DELETE') then ${one('old', '-1')} end if; ` +
        `if tg_op in ('UPDATE', 'INSERT') then ${one('new', '1')} end if; ` +
        'return null; end $$',
      `create trigger ${ch.table}_briefing after insert or delete or update of customer_id, ${ch.at}, deleted_at on ${ch.table} for each row execute function ${ch.table}_briefing()`,
    )
  }
  const side = (row: 'new' | 'old', sign: string) =>
    `if ${row}.deleted_at is null then ` +
    `${pgAdd('customers', `select coalesce(${row}.owner_id, '${NIL_OWNER}'::uuid), ${pgDay(`${row}.created_at`)}, ${sqVals('customers', `${sign}1`)}`)}; ` +
    `if tg_op = 'UPDATE' then ${CHILDREN.map((ch) => pgAdd(ch.col, `select coalesce(${row}.owner_id, '${NIL_OWNER}'::uuid), ${pgDay(`x.${ch.at}`)}, ${sqVals(ch.col, `${sign}count(*)::int`)} from ${ch.table} x where x.customer_id = ${row}.id and x.deleted_at is null group by 2`) + ';').join(' ')} end if; ` +
    'end if;'
  out.push(
    `create or replace function customers_briefing() returns trigger language plpgsql as $$ begin ` +
      `if tg_op = 'UPDATE' and old.owner_id is not distinct from new.owner_id and old.created_at is not distinct from new.created_at and (old.deleted_at is null) = (new.deleted_at is null) then return null; end if; ` +
      `if tg_op in ('UPDATE', 'DELETE') then ${side('old', '-')} end if; ` +
      `if tg_op in ('UPDATE', 'INSERT') then ${side('new', '')} end if; ` +
      'return null; end $$',
    'create trigger customers_briefing after insert or delete or update of owner_id, deleted_at, created_at on customers for each row execute function customers_briefing()',
  )
  return out
}

// ---- SQL Server -----------------------------------------------------------------------------------

const msDay = (x: string) => `convert(nvarchar(10), ${x}, 23)`
/** MERGE of `source` (owner_id, day, n; may hold several rows per key) into column `col`. */
const msMerge = (col: string, source: string) =>
  `merge ${TABLE} with (holdlock) as t using (select owner_id, day, sum(n) as n from (${source}) as d group by owner_id, day having sum(n) <> 0) as s ` +
  'on t.owner_id = s.owner_id and t.day = s.day ' +
  `when matched then update set ${col} = t.${col} + s.n ` +
  `when not matched then insert (owner_id, day, ${COLS.join(', ')}) values (s.owner_id, s.day, ${COLS.map((c) => (c === col ? 's.n' : '0')).join(', ')});`

function mssqlTriggers(): string[] {
  const out: string[] = []
  const nil = `cast('${NIL_OWNER}' as uniqueidentifier)`
  for (const ch of CHILDREN) {
    const rows = (pseudo: 'inserted' | 'deleted', n: number) =>
      `select coalesce(c.owner_id, ${nil}) as owner_id, ${msDay(`r.${ch.at}`)} as day, ${n} as n from ${pseudo} r join customers c on c.id = r.customer_id where r.deleted_at is null and c.deleted_at is null`
    out.push(
      `create trigger ${ch.table}_briefing on ${ch.table} after insert, update, delete as begin set nocount on; ` +
        `if (select count(*) from inserted) + (select count(*) from deleted) = 0 return; ` +
        `if exists (select 1 from deleted) and not (update(customer_id) or update(${ch.at}) or update(deleted_at)) return; ` +
        `${msMerge(ch.col, `${rows('deleted', -1)} union all ${rows('inserted', 1)}`)} end`,
    )
  }
  const self = (pseudo: 'inserted' | 'deleted', n: number) =>
    `select coalesce(r.owner_id, ${nil}) as owner_id, ${msDay('r.created_at')} as day, ${n} as n from ${pseudo} r where r.deleted_at is null`
  const children = (ch: (typeof CHILDREN)[number], pseudo: 'inserted' | 'deleted', n: number) =>
    `select coalesce(r.owner_id, ${nil}) as owner_id, ${msDay(`x.${ch.at}`)} as day, ${n} as n from ${pseudo} r join ${ch.table} x on x.customer_id = r.id where r.deleted_at is null and x.deleted_at is null`
  out.push(
    'create trigger customers_briefing on customers after insert, update, delete as begin set nocount on; ' +
      `if (select count(*) from inserted) + (select count(*) from deleted) = 0 return; ` +
      `if exists (select 1 from deleted) and not (update(owner_id) or update(deleted_at) or update(created_at)) return; ` +
      `${msMerge('customers', `${self('deleted', -1)} union all ${self('inserted', 1)}`)} ` +
      // children move only on an update (a new customer has none; a deleted one could not have any)
      `if exists (select 1 from inserted) and exists (select 1 from deleted) begin ` +
      CHILDREN.map((ch) => msMerge(ch.col, `${children(ch, 'deleted', -1)} union all ${children(ch, 'inserted', 1)}`)).join(' ') +
      ' end end',
  )
  return out
}

/** The trigger DDL of the summary, per dialect (the one place it is written; tests read it). */
export function briefingTriggerDdl(dialect: Which): string[] {
  return dialect === 'sqlite' ? sqliteTriggers() : dialect === 'postgres' ? postgresTriggers() : mssqlTriggers()
}

/** The summary from the base tables (the migration's backfill; tests compare it with the kept one). */
export function briefingRebuildSql(dialect: Which): string[] {
  const day = dialect === 'sqlite' ? sqDay : dialect === 'postgres' ? pgDay : msDay
  const nil = dialect === 'mssql' ? `cast('${NIL_OWNER}' as uniqueidentifier)` : dialect === 'postgres' ? `'${NIL_OWNER}'::uuid` : `'${NIL_OWNER}'`
  const parts = [
    `select coalesce(c.owner_id, ${nil}) as owner_id, ${day('c.created_at')} as day, 1 as customers, 0 as contacts, 0 as interactions from customers c where c.deleted_at is null`,
    ...CHILDREN.map(
      (ch) =>
        `select coalesce(c.owner_id, ${nil}), ${day(`x.${ch.at}`)}, 0, ${ch.col === 'contacts' ? 1 : 0}, ${ch.col === 'interactions' ? 1 : 0} ` +
        `from ${ch.table} x join customers c on c.id = x.customer_id where x.deleted_at is null and c.deleted_at is null`,
    ),
  ]
  return [
    `delete from ${TABLE}`,
    `insert into ${TABLE} (owner_id, day, ${COLS.join(', ')}) select owner_id, day, sum(customers), sum(contacts), sum(interactions) from (${parts.join(' union all ')}) as u group by owner_id, day`,
  ]
}

export async function up(knex: Knex): Promise<void> {
  const dialect = dialectOf(knex)
  await knex.schema.createTable(TABLE, (t) => {
    t.uuid('owner_id').notNullable()
    t.string('day', 10).notNullable() // YYYY-MM-DD (UTC), like the other stored dates
    for (const c of COLS) t.integer(c).notNullable().defaultTo(0)
    t.primary(['owner_id', 'day'])
    t.index(['day'], 'briefing_owner_day_day')
  })
  for (const s of briefingRebuildSql(dialect)) await knex.schema.raw(s)
  for (const s of briefingTriggerDdl(dialect)) await knex.schema.raw(s)
}

export async function down(knex: Knex): Promise<void> {
  const dialect = dialectOf(knex)
  for (const t of ['interactions', 'contacts', 'customers']) {
    if (dialect === 'sqlite') for (const op of ['insert', 'update', 'delete']) await knex.schema.raw(`drop trigger if exists ${t}_briefing_${op}`)
    else if (dialect === 'postgres') {
      await knex.schema.raw(`drop trigger if exists ${t}_briefing on ${t}`)
      await knex.schema.raw(`drop function if exists ${t}_briefing()`)
    } else await knex.schema.raw(`drop trigger ${t}_briefing`)
  }
  await knex.schema.dropTable(TABLE)
}
