// 删除确认: what else goes when a record is deleted, counted by the server, so the confirmation
// can say it ("删除后，3 个联系人、12 条交往记录和 5 条提醒将一并删除").
import { z } from 'zod'
import { call, Id } from './common'

export const RemovalEntity = z.enum(['customer', 'contact', 'interaction'])
export type RemovalEntity = z.infer<typeof RemovalEntity>

/** What a delete takes with it (zero for what does not apply to the entity). */
export const RemovalImpact = z.object({
  /** a customer's live contacts */
  contacts: z.number().int(),
  /** a customer's 交往记录 (hidden with it) */
  interactions: z.number().int(),
  /** promises of the records that go */
  promises: z.number().int(),
  /** files attached to the records that go */
  attachments: z.number().int(),
  /** open reminders withdrawn with it (a customer's all; a contact's birthday reminders; a record's follow-up and promises) */
  reminders: z.number().int(),
  /** a contact's 交往记录, which stay (without the contact) */
  keptInteractions: z.number().int(),
})
export type RemovalImpact = z.infer<typeof RemovalImpact>

export const removalContract = {
  /** Counts what deleting the record would take with it; needs the delete permission and scope of the record. */
  preview: call(z.strictObject({ entity: RemovalEntity, id: Id }), RemovalImpact),
} as const
