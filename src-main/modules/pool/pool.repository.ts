// Queries of the 公海 rules: the customers a rule returns (or soon will), the rules' settings,
// the assignee (knex only). The moves themselves go through the customers service.
// The due queries match the partial indexes customers_pool_follow_up / customers_pool_order
// (owned, live rows only): a daily run reads the rows near their limit, not every customer.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { upsert } from '../../db/dialect'

export type Row = Record<string, unknown>

/**
 * Owned live customers: owner_id is not null is the partial indexes' predicate; liveness is
 * written so no index serves it (nearly every row is live, and without statistics SQLite would
 * otherwise walk the deleted_at index over every customer instead of the partial index's range).
 */
const owned = (db: Knex) => db('customers').whereNotNull('owner_id').whereRaw('coalesce(??, ??) is null', ['deleted_at', 'deleted_at'])
/** The current owner has had it since before `before` (created_at for rows without owner_since). */
const ownedBefore = (q: Knex.QueryBuilder, before: string) =>
  q.where((w) => w.where('owner_since', '<', before).orWhere((x) => x.whereNull('owner_since').where('created_at', '<', before)))

export interface DueRow {
  id: string
  name: string
  owner_id: string
  owner_since: unknown
  created_at: unknown
  last_contact_at: unknown
  last_order_date: string | null
}
const DUE_COLUMNS = ['id', 'name', 'owner_id', 'owner_since', 'created_at', 'last_contact_at', 'last_order_date']
const limited = (q: Knex.QueryBuilder, limit: number | null) => (limit === null ? q : q.limit(limit))

/**
 * 未跟进: owned since before `before` and not contacted since `before` (never contacted, or last
 * contact before it): two index ranges, so each reads only rows past the threshold.
 */
export async function notFollowedUpSince(db: Knex, before: string, limit: number | null): Promise<DueRow[]> {
  const old = await limited(ownedBefore(owned(db).where('last_contact_at', '<', before), before).select(DUE_COLUMNS), limit)
  if (limit !== null && old.length >= limit) return old
  const never = await limited(ownedBefore(owned(db).whereNull('last_contact_at'), before).select(DUE_COLUMNS), limit === null ? null : limit - old.length)
  return [...old, ...never]
}

/** 未成交: owned since before `before` and no order on or after `beforeDate` (YYYY-MM-DD). */
export async function notOrderedSince(db: Knex, before: string, beforeDate: string, limit: number | null): Promise<DueRow[]> {
  const old = await limited(ownedBefore(owned(db).where('last_order_date', '<', beforeDate), before).select(DUE_COLUMNS), limit)
  if (limit !== null && old.length >= limit) return old
  const never = await limited(ownedBefore(owned(db).whereNull('last_order_date'), before).select(DUE_COLUMNS), limit === null ? null : limit - old.length)
  return [...old, ...never]
}

export const findAssignee = (db: Knex, id: string): Promise<{ id: string; team_id: string | null; disabled: unknown } | undefined> =>
  db('users').where({ id }).whereNull('deleted_at').first('id', 'team_id', 'disabled')

// ---- settings (app_settings pool.*) ------------------------------------------------------------

export const RULES_KEY = 'pool.rules'

export async function readSetting(db: Knex, key: string): Promise<string | null> {
  const r = await db('app_settings').where({ key }).first('value')
  return r?.value ?? null
}

export const writeSetting = (db: Knex, dialect: Dialect, key: string, value: string, now: string) =>
  upsert(db, dialect, 'app_settings', { key, value, updated_at: now }, ['key'])
