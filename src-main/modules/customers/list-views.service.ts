// The customer list for a working day, per user and stored centrally: saved filters (我的视图)
// of the customers and 公海 lists, and the columns each list shows in the user's order.
import { CustomerFilter, type ColumnPref, type ListKey, type SavedView } from '../../contract/customers'
import type { ServiceContext } from '../context'
import { conflict, notFound, ruleError } from '../../shared/errors'
import { toIso } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import { countUserViews, findUserView, insertUserView, listUserViews, readPreference, updateUserView, writePreference, type Row } from './list-views.repository'

/** At most this many saved views per user and list. */
export const MAX_VIEWS = 30

/** Seeing the list is what a view of it needs. */
const requireList = (ctx: ServiceContext, list: ListKey) => requirePerm(ctx.actor, list === 'pool' ? 'pool' : 'customers', 'view')

function parse<T>(raw: unknown, fallback: T): T {
  try {
    return raw ? (JSON.parse(String(raw)) as T) : fallback
  } catch {
    return fallback
  }
}

function toView(r: Row): SavedView {
  // a filter saved by an older version may hold what the contract no longer knows: keep the rest
  const filter = CustomerFilter.safeParse(parse(r.filter, {}))
  return {
    id: String(r.id), list: String(r.list_key) as ListKey, name: String(r.name), filter: filter.success ? filter.data : {},
    sort: parse(r.sort, null), updatedAt: toIso(r.updated_at)!, version: Number(r.version),
  }
}

export async function viewsList(ctx: ServiceContext, input: { list: ListKey }): Promise<SavedView[]> {
  requireList(ctx, input.list)
  return (await listUserViews(ctx.db.knex, ctx.actor.userId, input.list)).map(toView)
}

export async function viewsSave(
  ctx: ServiceContext,
  input: { id?: string; version?: number; list: ListKey; name: string; filter: CustomerFilter; sort?: SavedView['sort'] | null },
): Promise<SavedView> {
  requireList(ctx, input.list)
  const k = ctx.db.knex
  const me = ctx.actor.userId
  const id = input.id ?? newId()
  await k.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString()
    const fields = { name: input.name, filter: JSON.stringify(input.filter), sort: input.sort ? JSON.stringify(input.sort) : null, updated_at: now }
    if (input.id) {
      const before = await findUserView(trx, me, input.id)
      if (!before || before.list_key !== input.list) throw notFound('view', input.id)
      const version = await nextVersion(trx)
      // only while the view still has the version the edit is based on
      if (!(await updateUserView(trx, me, input.id, { ...fields, version }, input.version))) throw conflict('view', Number(before.version))
      return
    }
    if ((await countUserViews(trx, me, input.list)) >= MAX_VIEWS) throw ruleError('customers.errors.tooManyViews', 'too many saved views', { max: MAX_VIEWS })
    await insertUserView(trx, { id, user_id: me, list_key: input.list, ...fields, created_at: now, version: await nextVersion(trx) })
  })
  return toView((await findUserView(k, me, id))!)
}

export async function viewsRemove(ctx: ServiceContext, input: { id: string }) {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const v = await findUserView(trx, ctx.actor.userId, input.id)
    if (!v) throw notFound('view', input.id)
    requireList(ctx, String(v.list_key) as ListKey)
    const now = ctx.clock.now().toISOString()
    await updateUserView(trx, ctx.actor.userId, input.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) })
  })
  return { ok: true as const }
}

const columnsKey = (list: ListKey) => `${list}.columns`

export async function columnsGet(ctx: ServiceContext, input: { list: ListKey }): Promise<{ columns: ColumnPref[] | null }> {
  requireList(ctx, input.list)
  const raw = await readPreference(ctx.db.knex, ctx.actor.userId, columnsKey(input.list))
  const cols = parse<ColumnPref[] | null>(raw, null)
  return { columns: Array.isArray(cols) ? cols : null }
}

export async function columnsSave(ctx: ServiceContext, input: { list: ListKey; columns: ColumnPref[] }): Promise<{ columns: ColumnPref[] }> {
  requireList(ctx, input.list)
  // each column once, in the order given
  const seen = new Set<string>()
  const columns = input.columns.filter((c) => !seen.has(c.key) && seen.add(c.key))
  await writePreference(ctx.db.knex, ctx.db.dialect, ctx.actor.userId, columnsKey(input.list), JSON.stringify(columns), ctx.clock.now().toISOString())
  return { columns }
}
