// The queries of offline sync (knex only): the central side's change feed by version, scope
// filters, the per-client mutation register; the client side's outbox, state and cache writes.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { chunkRows, dialectOf, selectForUpdate, upsert } from '../../db/dialect'
import type { DataScope } from '../../contract/common'

export type Row = Record<string, unknown>

/** Whose rows a pull may carry: the owner column against the caller's scope of the table's module. */
export interface ScopeSpec {
  scope: DataScope
  userId: string
  teamId: string | null
}

const teamUsers = (db: Knex, teamId: string) => db('users').select('id').where('team_id', teamId)

/**
 * Ids of the open opportunities the scope sees (mirrors opportunities.repository's scope: team —
 * the owner in the team; own — owned or created by the caller). Won, lost and deleted ones leave.
 */
function openOpportunities(db: Knex, s: ScopeSpec | null) {
  const q = db('opportunities').select('id').whereIn('status', ['unassigned', 'assigned']).whereNull('deleted_at')
  if (!s || s.scope === 'all') return q
  if (s.scope === 'team' && s.teamId) return q.whereIn('owner_id', teamUsers(db, s.teamId))
  return q.where((w) => w.where('owner_id', s.userId).orWhere('created_by', s.userId))
}

/**
 * Ids of the open (not archived) service tickets the scope sees (mirrors services.scope:
 * created by, handled by, or of a customer owned by the caller — or by a member of the team).
 */
function openTickets(db: Knex, s: ScopeSpec | null) {
  const q = db('service_tickets').select('id').whereNot('status', 'archived').whereNull('deleted_at')
  if (!s || s.scope === 'all') return q
  const who = s.scope === 'team' && s.teamId ? teamUsers(db, s.teamId) : null
  const owned = db('customers').select('id').where((w) => (who ? w.whereIn('owner_id', who) : w.where('owner_id', s.userId)))
  return q.where((w) => {
    if (who) w.whereIn('created_by', who).orWhereIn('assigned_to', teamUsers(db, s.teamId!))
    else w.where('created_by', s.userId).orWhere('assigned_to', s.userId)
    w.orWhereIn('customer_id', owned)
  })
}

/** Tables whose rows a cache holds by a rule of their own rather than by owner_id. */
const FILTERED: Record<string, (db: Knex, q: Knex.QueryBuilder, s: ScopeSpec | null) => Knex.QueryBuilder> = {
  opportunities: (db, q, s) => q.whereIn('id', openOpportunities(db, s)),
  plan_steps: (db, q, s) => q.whereIn('opportunity_id', openOpportunities(db, s)),
  service_tickets: (db, q, s) => q.whereIn('id', openTickets(db, s)),
  service_ticket_notes: (db, q, s) => q.whereIn('ticket_id', openTickets(db, s)),
}
/** Whether a table's rows leave a cache also when the scope is all (closed, archived). */
export const filteredTable = (table: string) => table in FILTERED

function inScope(db: Knex, q: Knex.QueryBuilder, s: ScopeSpec | null, col = 'owner_id', table?: string) {
  if (table && FILTERED[table]) return FILTERED[table](db, q, s)
  if (!s || s.scope === 'all') return q
  if (s.scope === 'team' && s.teamId) return q.whereIn(col, teamUsers(db, s.teamId))
  return q.where(col, s.userId)
}

function outOfScope(db: Knex, q: Knex.QueryBuilder, s: ScopeSpec, col = 'owner_id', table?: string) {
  if (table === 'opportunities') return q.whereNotIn('id', openOpportunities(db, s))
  if (table === 'service_tickets') return q.whereNotIn('id', openTickets(db, s))
  if (s.scope === 'team' && s.teamId) return q.where((w) => w.whereNull(col).orWhereNotIn(col, teamUsers(db, s.teamId!)))
  return q.where((w) => w.whereNull(col).orWhereNot(col, s.userId))
}

// ---- central: the head and the change feed ------------------------------------------------------

export async function readSyncHead(db: Knex): Promise<{ version: number; epochId: string; tombstoneFloor: number }> {
  const r = await db('sync_version').where({ id: 1 }).first('version', 'epoch_id', 'tombstone_floor')
  return { version: Number(r?.version ?? 0), epochId: String(r?.epoch_id ?? ''), tombstoneFloor: Number(r?.tombstone_floor ?? 0) }
}

/** Sets the oldest version whose deletions are still kept (tests: a central past its retention). */
export const setTombstoneFloor = (db: Knex, floor: number) => db('sync_version').where({ id: 1 }).update({ tombstone_floor: floor })

/** Rows of `table` in scope with version in (since, upTo], oldest version first, at most `limit`. */
export function changedRows(db: Knex, table: string, since: number, upTo: number, limit: number, s: ScopeSpec | null): Promise<Row[]> {
  const q = db(table).select('*').where('version', '>', since).where('version', '<=', upTo)
  return inScope(db, q, s, 'owner_id', table).orderBy('version').orderBy('id').limit(limit)
}

/** Every row of one version in scope (a version with more rows than a page: one bulk write). */
export function rowsAtVersion(db: Knex, table: string, version: number, s: ScopeSpec | null): Promise<Row[]> {
  return inScope(db, db(table).select('*').where('version', version), s, 'owner_id', table).orderBy('id')
}

/** Ids (and versions) of rows changed in (since, upTo] that are outside the scope now. */
export function leftScopeRows(db: Knex, table: string, since: number, upTo: number, limit: number, s: ScopeSpec): Promise<Array<{ id: string; version: number }>> {
  const q = db(table).select('id', 'version').where('version', '>', since).where('version', '<=', upTo)
  return outOfScope(db, q, s, 'owner_id', table).orderBy('version').orderBy('id').limit(limit)
}

export function leftScopeAtVersion(db: Knex, table: string, version: number, s: ScopeSpec): Promise<Array<{ id: string; version: number }>> {
  return outOfScope(db, db(table).select('id', 'version').where('version', version), s, 'owner_id', table).orderBy('id')
}

/** The current rows of the given ids (by `column`), in scope; deleted ones too (they are tombstones). */
export async function rowsWhereIn(db: Knex, table: string, column: string, ids: string[], s: ScopeSpec | null): Promise<Row[]> {
  const out: Row[] = []
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) out.push(...(await rowsWhereInQuery(db, table, column, ids.slice(i, i + IDS_PER_QUERY), s)))
  return out
}

/** Ids one refresh query carries: well under SQL Server's 2,100 parameters with the scope's. */
export const IDS_PER_QUERY = 500

export const rowsWhereInQuery = (db: Knex, table: string, column: string, ids: string[], s: ScopeSpec | null) =>
  inScope(db, db(table).select('*').whereIn(column, ids), s, 'owner_id', table)

/** A small table read whole (roles, permissions, teams, users, dictionary types). */
export const wholeTable = (db: Knex, table: string): Promise<Row[]> => db(table).select('*')

// ---- central: the per-client register of applied mutations --------------------------------------

/**
 * The client's register row, created on its first push and locked until the caller's transaction
 * ends, so two pushes of one client (a retry while the first still runs) apply one after another.
 */
export async function lockClient(trx: Knex.Transaction, clientId: string, userId: string, now: string): Promise<{ user_id: string | null; last_mutation_id: number }> {
  const r = await selectForUpdate(trx, dialectOf(trx), 'sync_clients').where('client_id', clientId).first('user_id', 'last_mutation_id')
  if (r) return { user_id: r.user_id ?? null, last_mutation_id: Number(r.last_mutation_id ?? 0) }
  // a first push: two at once make the second fail on the key (it is retried), never both register
  await trx('sync_clients').insert({ client_id: clientId, user_id: userId, last_mutation_id: 0, last_pull_version: 0, created_at: now })
  return { user_id: userId, last_mutation_id: 0 }
}

export async function clientLastMutation(db: Knex, clientId: string): Promise<number> {
  const r = await db('sync_clients').where('client_id', clientId).first('last_mutation_id')
  return Number(r?.last_mutation_id ?? 0)
}

export const touchClient = (db: Knex, clientId: string, patch: Row) => db('sync_clients').where('client_id', clientId).update(patch)

export const findMutationResult = (db: Knex, clientId: string, mutationId: number): Promise<Row | undefined> =>
  db('sync_mutation_results').where({ client_id: clientId, mutation_id: mutationId }).first()

export const insertMutationResult = (db: Knex, row: Row) => db('sync_mutation_results').insert(row)

/** Many register entries (a batch applied at once), in statements under the parameter limit. */
export const insertMutationResults = (db: Knex, rows: Row[]) => insertRows(db, 'sync_mutation_results', rows)

// ---- client: state, outbox, conflicts -----------------------------------------------------------

export async function readState(db: Knex): Promise<Record<string, string | null>> {
  const rows = await db('sync_client_state').select('key', 'value')
  return Object.fromEntries(rows.map((r: Row) => [String(r.key), r.value === null ? null : String(r.value)]))
}

export async function writeState(db: Knex, values: Record<string, string | null>) {
  for (const [key, value] of Object.entries(values)) await upsert(db, dialectOf(db), 'sync_client_state', { key, value }, ['key'])
}

export const insertOutbox = (db: Knex, row: Row) => db('sync_outbox').insert(row)
export const lastOutboxId = async (db: Knex): Promise<number> => Number((await db('sync_outbox').max({ m: 'mutation_id' }).first())?.m ?? 0)
export const outboxByStatus = (db: Knex, statuses: string[]): Promise<Row[]> => db('sync_outbox').whereIn('status', statuses).orderBy('mutation_id')
export const outboxAll = (db: Knex): Promise<Row[]> => db('sync_outbox').select('*').orderBy('mutation_id')
export const outboxAppliedUnrefreshed = (db: Knex): Promise<Row[]> =>
  db('sync_outbox').whereIn('status', ['applied', 'rejected']).where('refreshed', false).orderBy('mutation_id')
export const updateOutbox = (db: Knex, mutationId: number, patch: Row) => db('sync_outbox').where('mutation_id', mutationId).update(patch)
export const markRefreshed = (db: Knex, ids: number[]) => db('sync_outbox').whereIn('mutation_id', ids).update({ refreshed: true })
/** After a central restore: applied entries the central database no longer has go back to pending. */
export const requeueAfter = (db: Knex, mutationId: number) =>
  db('sync_outbox').where('mutation_id', '>', mutationId).where('status', 'applied').update({ status: 'pending', result: null, refreshed: false, applied_at: null })
export const countPending = async (db: Knex): Promise<number> =>
  Number((await db('sync_outbox').whereIn('status', ['pending', 'held']).count({ n: '*' }).first())?.n ?? 0)

export const insertConflict = (db: Knex, row: Row) => db('sync_conflicts').insert(row)
export const openConflicts = (db: Knex): Promise<Row[]> => db('sync_conflicts').whereNull('resolved_at').whereNull('deleted_at').orderBy('created_at').orderBy('id')
export const findConflict = (db: Knex, id: string): Promise<Row | undefined> => db('sync_conflicts').where({ id }).first()
export const resolveConflict = (db: Knex, id: string, at: string) => db('sync_conflicts').where({ id }).update({ resolved_at: at, updated_at: at })

/** The 同步详情 run history: the newest `limit` runs, newest first. */
export const recentRuns = (db: Knex, limit: number): Promise<Row[]> => db('sync_runs').select('*').orderBy('seq', 'desc').limit(limit)
/** Records a run after the newest one (the cache has one writer: the next seq is the last one + 1). */
export async function insertRun(db: Knex, row: Row) {
  const last = Number((await db('sync_runs').max({ s: 'seq' }).first())?.s ?? 0)
  await db('sync_runs').insert({ ...row, seq: last + 1 })
}
/** Keeps the newest `keep` runs. */
export async function pruneRuns(db: Knex, keep: number) {
  const edge = await db('sync_runs').orderBy('seq', 'desc').offset(keep).first('seq')
  if (edge) await db('sync_runs').where('seq', '<=', edge.seq).del()
}

// ---- client: the cache ------------------------------------------------------------------------

/** Writes pulled rows as they are (insert or replace by id), in statements under the parameter limit. */
export async function putRows(db: Knex, table: string, rows: Row[], key = 'id') {
  const d: Dialect = dialectOf(db)
  for (const chunk of chunkRows(d, rows)) {
    const cols = Object.keys(chunk[0]).filter((c) => c !== key)
    const q = db(table).insert(chunk).onConflict(key)
    await (cols.length ? q.merge(cols) : q.ignore())
  }
}

/** Plain chunked insert (a table just cleared). */
export async function insertRows(db: Knex, table: string, rows: Row[]) {
  for (const chunk of chunkRows(dialectOf(db), rows)) await db(table).insert(chunk)
}

export async function deleteWhereIn(db: Knex, table: string, column: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += 500) await db(table).whereIn(column, ids.slice(i, i + 500)).del()
}

export const clearTable = (db: Knex, table: string) => db(table).del()

/** Deletes the rows whose `column` is one of the ids of `parent` rows with `parentColumn` in `ids` (grandchildren of a removed row). */
export async function deleteWhereParentIn(db: Knex, table: string, column: string, parent: string, parentColumn: string, ids: string[]) {
  for (let i = 0; i < ids.length; i += 500) await db(table).whereIn(column, db(parent).select('id').whereIn(parentColumn, ids.slice(i, i + 500))).del()
}

/** Local rows holding a pulled row's unique code under another id (a provisional code of an offline create). */
export const codeHolders = (db: Knex, table: string, codes: string[], ids: string[]): Promise<Array<{ id: string; code: string }>> =>
  db(table).select('id', 'code').whereIn('code', codes).whereNotIn('id', ids)

export const setCode = (db: Knex, table: string, id: string, code: string) => db(table).where({ id }).update({ code })

/** Live attachments of records of the customers `userId` owns, newest first (the files a client fetches ahead). */
export const ownAttachments = (db: Knex, userId: string): Promise<Row[]> =>
  db('attachments as a')
    .join('interactions as i', 'i.id', 'a.entity_id')
    .join('customers as c', 'c.id', 'i.customer_id')
    .where('a.entity', 'interaction')
    .whereNull('a.deleted_at')
    .whereNull('i.deleted_at')
    .where('c.owner_id', userId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .select('a.*')

export const findRow = (db: Knex, table: string, id: string): Promise<Row | undefined> => db(table).where({ id }).first()

export const findUserByLogin = (db: Knex, login: string): Promise<Row | undefined> => db('users').where({ login }).first('id', 'login')

export const countLive = async (db: Knex, table: string): Promise<number> => Number((await db(table).whereNull('deleted_at').count({ n: '*' }).first())?.n ?? 0)

/** The cache's own version row (local writes take local versions; never sent anywhere). */
export async function ensureLocalHead(db: Knex) {
  if (!(await db('sync_version').where({ id: 1 }).first())) await db('sync_version').insert({ id: 1, version: 0, epoch_id: 'local', tombstone_floor: 0 })
}

const columnCache = new Map<string, Set<string>>()
/** The columns the cache's table has (a newer central database may send more); the same for every cache of this build. */
export async function localColumns(db: Knex, table: string): Promise<Set<string>> {
  let cols = columnCache.get(table)
  if (!cols) columnCache.set(table, (cols = new Set(Object.keys(await db(table).columnInfo()))))
  return cols
}
