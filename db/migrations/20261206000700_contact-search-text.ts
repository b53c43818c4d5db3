// Global search (Ctrl/⌘+K) finds contacts by name, mobile, pinyin and pinyin initials: each
// contact gets the same kind of lower-cased `search_text` customers have (name, mobile as typed
// and as digits, full pinyin, initials; '|' between parts). On SQLite covering indexes let the
// substring search scan a narrow index instead of the wide rows (as the customers list does):
// the search text, and the names alone for terms with Chinese characters (which can only match
// a name) on contacts and customers. PostgreSQL has no such narrow scan: there a GIN index over
// the single characters and character pairs of the search text (crm_search_grams, plain SQL, no
// extension) finds the rows holding every pair of the term, for terms of any length — Chinese
// terms are mostly two characters, too short for pg_trgm — and LIKE checks them.
// Existing contacts are filled in here. The pinyin rules are a frozen copy of the ones in
// src-main/modules/customers/customers.search.ts (a migration must not change when they do).
import type { Knex } from 'knex'
import { pinyin } from 'pinyin-pro'

const HAS_HAN = /\p{Script=Han}/u

function pinyinForms(s: string | null | undefined): string[] {
  if (!s || !HAS_HAN.test(s)) return []
  const opts = { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true } as const
  const clean = (parts: string[]) => parts.join('').toLowerCase().replace(/[^a-z0-9]/g, '')
  return [clean(pinyin(s, opts)), clean(pinyin(s, { ...opts, pattern: 'first' }))].filter(Boolean)
}

function contactSearchText(name: string, mobile: string | null): string {
  const digits = mobile ? mobile.replace(/\D/g, '') : ''
  const parts = [name, mobile ?? '', digits !== mobile ? digits : '', ...pinyinForms(name)]
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of parts) {
    const p = raw.trim().toLowerCase().replaceAll('|', ' ')
    if (p && !seen.has(p)) {
      seen.add(p)
      out.push(p)
    }
  }
  return out.join('|').slice(0, 500)
}

const isSqlite = (knex: Knex) => ['sqlite3', 'better-sqlite3'].includes(String(knex.client.config.client))
const isPostgres = (knex: Knex) => ['pg', 'postgres', 'postgresql'].includes(String(knex.client.config.client))

/** The characters and character pairs of a text, for the GIN indexes (src-main/db/dialect.ts searchGrams asks with the same). */
const GRAMS_FUNCTION = `create or replace function crm_search_grams(t text) returns text[] language sql immutable parallel safe as $$
  select string_to_array(t, null) || array(select substr(t, i, 2) from generate_series(1, length(t) - 1) as i)
$$`

/** Rows per UPDATE … CASE statement: 3 parameters a row stays under SQL Server's 2100. */
const BATCH = 300

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contacts', (t) => {
    t.string('search_text', 500).nullable()
  })
  if (isSqlite(knex)) {
    await knex.schema.alterTable('contacts', (t) => {
      t.index(['search_text', 'deleted_at', 'owner_id', 'customer_id', 'id'], 'contacts_search_cover')
      t.index(['name', 'deleted_at', 'owner_id', 'customer_id', 'id'], 'contacts_name_cover')
    })
    await knex.schema.alterTable('customers', (t) => {
      t.index(['name', 'short_name', 'deleted_at', 'owner_id', 'id'], 'customers_name_cover')
    })
  }
  // every contact's name and mobile at once (small columns; no LIMIT: printMigrationSql replays
  // the statements without their bindings), written back BATCH rows per statement
  const all: unknown = await knex('contacts').select('id', 'name', 'mobile')
  const contacts = Array.isArray(all) ? (all as Array<{ id: string; name: string; mobile: string | null }>) : []
  for (let i = 0; i < contacts.length; i += BATCH) {
    const rows = contacts.slice(i, i + BATCH)
    const cases = rows.map(() => 'when ? then ?').join(' ')
    const bindings = rows.flatMap((r) => [r.id, contactSearchText(String(r.name), r.mobile ?? null)])
    await knex('contacts')
      .whereIn('id', rows.map((r) => r.id))
      .update({ search_text: knex.raw(`case id ${cases} end`, bindings) })
  }
  if (isPostgres(knex)) {
    await knex.schema.raw(GRAMS_FUNCTION)
    await knex.schema.raw('create index customers_search_grams on customers using gin (crm_search_grams(search_text))')
    await knex.schema.raw('create index contacts_search_grams on contacts using gin (crm_search_grams(search_text))')
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.schema.raw('drop index if exists contacts_search_grams')
    await knex.schema.raw('drop index if exists customers_search_grams')
    await knex.schema.raw('drop function if exists crm_search_grams(text)')
  }
  if (isSqlite(knex)) {
    await knex.schema.alterTable('customers', (t) => {
      t.dropIndex(['name', 'short_name', 'deleted_at', 'owner_id', 'id'], 'customers_name_cover')
    })
    await knex.schema.alterTable('contacts', (t) => {
      t.dropIndex(['name', 'deleted_at', 'owner_id', 'customer_id', 'id'], 'contacts_name_cover')
      t.dropIndex(['search_text', 'deleted_at', 'owner_id', 'customer_id', 'id'], 'contacts_search_cover')
    })
  }
  await knex.schema.alterTable('contacts', (t) => {
    t.dropColumn('search_text')
  })
}
