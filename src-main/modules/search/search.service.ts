// 全局搜索 (Ctrl/⌘+K): one term, every area the caller may see. Each area's SERVICE answers its
// own best hits through `searchTop(ctx, term, limit)` — its permission, data scope and ranking
// (shared/search-rank) stay there; this module only asks them and orders the groups. An area
// the caller may not view answers nothing, so the search never fails for a missing permission.
import type { ServiceContext } from '../context'
import type { SearchGroup, SearchHit, SearchKind } from '../../contract/search'
import type { PermModule } from '../../contract/common'
import { can } from '../auth/permissions'
import { normalizeTerm } from '../../shared/search-rank'
import { customersSearchTop } from '../customers/customers.service'
import { contactsSearchTop } from '../contacts/contacts.service'
import { opportunitiesSearchTop } from '../opportunities/opportunities.service'
import { ordersSearchTop } from '../orders/orders.service'
import { servicesSearchTop } from '../services/services.service'

export type SearchTop = (ctx: ServiceContext, term: string, limit: number) => Promise<SearchHit[]>

interface SearchArea {
  kind: SearchKind
  /** the permission (view) the area needs; searchTop checks it (and any other) again */
  module: PermModule
  searchTop: SearchTop
}

/** The areas searched, in the order their groups show when they rank alike. */
export const SEARCH_AREAS: SearchArea[] = [
  { kind: 'customer', module: 'customers', searchTop: customersSearchTop },
  { kind: 'contact', module: 'contacts', searchTop: contactsSearchTop },
  { kind: 'opportunity', module: 'opportunities', searchTop: opportunitiesSearchTop },
  { kind: 'order', module: 'orders', searchTop: ordersSearchTop },
  { kind: 'ticket', module: 'services', searchTop: servicesSearchTop },
]

export async function searchGlobal(ctx: ServiceContext, input: { term: string; limit: number }): Promise<{ groups: SearchGroup[]; searched: SearchKind[] }> {
  const term = normalizeTerm(input.term)
  const areas = SEARCH_AREAS.filter((a) => can(ctx.actor, a.module, 'view'))
  if (!term) return { groups: [], searched: areas.map((a) => a.kind) }
  // SQLite has one connection: asking in turn is as fast and keeps the order of work plain
  const results: SearchHit[][] = []
  if (ctx.db.dialect === 'sqlite') for (const a of areas) results.push(await a.searchTop(ctx, term, input.limit))
  else results.push(...(await Promise.all(areas.map((a) => a.searchTop(ctx, term, input.limit)))))
  const groups = areas
    .map((a, i) => ({ kind: a.kind, items: results[i], order: i }))
    .filter((g) => g.items.length)
    .sort((a, b) => a.items[0].score - b.items[0].score || a.order - b.order)
    .map(({ kind, items }) => ({ kind, items }))
  return { groups, searched: areas.map((a) => a.kind) }
}
