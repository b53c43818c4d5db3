// The data scope a report counts in. reports.view carries a scope of its own (a 销售主管's is
// "all" by the seeded roles), but a report's figures drill down to a list — the customer list, the
// opportunities, the targets — that the caller reads with that module's view scope. The report
// takes the narrower of the two, so the drill-down shows exactly what the chart counted: a
// 销售主管 with customers.view "team" gets team-wide reports, whatever reports.view says. Without
// view permission on the list's module the report keeps to the caller's own rows.
import type { DataScope, PermModule } from '../../contract/common'
import type { Actor } from '../context'
import { narrowerScope, requirePerm } from '../auth/permissions'

/** The view scope of a module (own without view permission). */
export function listScope(actor: Actor, module: PermModule): DataScope {
  const p = actor.permissions[module]
  return p && p.actions.includes('view') ? p.scope : 'own'
}

/** reports.view (throws `forbidden` without it), narrowed to the view scope of the list the report drills down to. */
export function reportScope(actor: Actor, list: PermModule = 'customers'): DataScope {
  return narrowerScope(requirePerm(actor, 'reports', 'view'), listScope(actor, list))
}
