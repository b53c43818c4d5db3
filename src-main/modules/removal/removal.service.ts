// 删除确认: what deleting a customer, contact or interaction would take with it. Only for a
// caller who may delete that record (its module's delete permission, within scope; out of
// scope answers not_found like everywhere).
import type { ServiceContext } from '../context'
import type { RemovalEntity, RemovalImpact } from '../../contract/removal'
import { notFound } from '../../shared/errors'
import { assertRowInScope, requirePerm } from '../auth/permissions'
import { contactImpact, customerImpact, interactionImpact, parentCustomerOf } from './removal.repository'

export async function removalPreview(ctx: ServiceContext, input: { entity: RemovalEntity; id: string }): Promise<RemovalImpact> {
  const k = ctx.db.knex
  if (input.entity === 'customer') {
    const scope = requirePerm(ctx.actor, 'customers', 'delete')
    await assertRowInScope(k, ctx.actor, scope, 'customers', input.id, 'customer')
    return customerImpact(k, input.id)
  }
  const table = input.entity === 'contact' ? 'contacts' : 'interactions'
  const scope = requirePerm(ctx.actor, table, 'delete')
  const parent = await parentCustomerOf(k, table, input.id)
  if (!parent) throw notFound(input.entity, input.id)
  // judged by the customer's owner, as the contacts and interactions services do
  await assertRowInScope(k, ctx.actor, scope, 'customers', String(parent.customer_id), input.entity)
  return input.entity === 'contact' ? contactImpact(k, input.id) : interactionImpact(k, input.id)
}
