import { z } from 'zod'
import { call, Id, IsoDateTime, PageInput, pageOf } from './common'

export const AuditEntity = z.enum([
  'customer', 'contact', 'dict_item', 'user', 'role', 'team', 'interaction', 'opportunity', 'plan_step', 'service_ticket', 'service_sla',
  'requirement', 'churn_warning', 'competitor', 'dashboard_layout', 'product', 'stock', 'order', 'payment_plan', 'payment', 'sales_target',
  'saved_report',
])
export const AuditEntry = z.object({
  id: Id,
  entity: AuditEntity,
  entityId: Id,
  action: z.enum(['create', 'update', 'delete']),
  /** field → [old, new] */
  changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
  userId: Id.nullable(),
  userName: z.string().nullable(),
  at: IsoDateTime,
  /** the record's name as it is now (or was when deleted): 客户 "编号 名称", 联系人 / 用户 / 团队 / 角色 name, 交往记录 概要, 字典项 label */
  subject: z.string().nullable(),
  /** names of the records the changed values point to (a contact, an owner, a dictionary item …), by id */
  names: z.record(z.string(), z.string()),
})
export type AuditEntry = z.infer<typeof AuditEntry>

export const auditContract = {
  /** The history shown on a customer card: the customer, its contacts and its interactions. */
  forCustomer: call(PageInput.extend({ customerId: Id }), pageOf(AuditEntry)),
  /** The system-wide log (admin). */
  list: call(PageInput.extend({ entity: AuditEntity.optional(), entityId: Id.optional() }), pageOf(AuditEntry)),
} as const
