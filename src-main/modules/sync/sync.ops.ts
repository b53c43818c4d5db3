// The writes a rep may make offline, each through its module's service (permission, scope and
// validation hold on the client and again on the central database), and how the central side
// applies a pushed one: creates keep the id the client chose; customer and contact edits merge
// field by field against the values the offline edit was based on; reminder edits apply per field
// in the order the central database receives them; a note on a customer deleted meanwhile is kept.
import type { z } from 'zod'
import type { ServiceContext } from '../context'
import { contract } from '../../contract/index'
import { PlanStepResultEdit } from '../../contract/opportunities'
import { AppError } from '../../shared/errors'
import { customersCreate, customersGet, customersUpdate } from '../customers/customers.service'
import { contactsCreate, contactsUpdate, toContact } from '../contacts/contacts.service'
import { interactionsCreate, interactionsGet, promisesKeep, promisesUnkeep, interactionsKeepOnDeletedCustomer, interactionsRemove, interactionsUpdate, interactionsWrite, interactionsWriteMany } from '../interactions/interactions.service'
import { remindersBulkDone, remindersBulkSnooze, remindersCreate, remindersDone, remindersGet, remindersSnooze, remindersUpdate } from '../reminders/reminders.service'
import { attachmentsAdd } from '../interactions/attachments.service'
import { opportunitiesGetStep, opportunitiesRecordResult } from '../opportunities/opportunities.service'
import { servicesAddNote, servicesGet } from '../services/services.service'
import { findRow, type Row } from './sync.repository'

export type SyncEntity = 'customers' | 'contacts' | 'interactions' | 'reminders' | 'plan_steps' | 'service_ticket_notes' | 'attachments'

export interface FieldConflict {
  field: string
  base: unknown
  local: unknown
  central: unknown
}

/** What applying one pushed mutation answered (stored centrally, returned again on a re-push). */
export interface Applied {
  status: 'applied' | 'kept'
  conflicts?: FieldConflict[]
  /** kept: the reason key shown to the user (the note is on the deleted customer's tombstone) */
  key?: string
}

interface Op {
  entity: SyncEntity
  input: z.ZodType
  /** runs on the client's cache: the local write (its outbox entry is added in the same transaction) */
  local(ctx: ServiceContext, input: never, id: string): Promise<unknown>
  /** the id of the entity the outbox entry is about, when it is not the input's id (on the cache, before the write) */
  entityOf?(ctx: ServiceContext, input: never): Promise<string>
  /** the values the edited fields have in the cache before the edit (edits only) */
  base?(ctx: ServiceContext, input: never): Promise<Record<string, unknown>>
  /** what the outbox entry carries (default: the input), from the input and what the local write answered */
  stored?(input: never, out: never): unknown
  /** runs on the central database, inside the push's transaction for this mutation */
  central(ctx: ServiceContext, input: never, m: { entityId: string; base: Record<string, unknown> | null }): Promise<Applied>
  /**
   * A run of this operation's mutations applied at once (set-based): those before the first one
   * refused, each answered `applied`; answers how many (the refused one then goes through `central`
   * alone, which answers its reason)
   */
  centralMany?(ctx: ServiceContext, items: Array<{ input: never; entityId: string }>): Promise<number>
}

const norm = (v: unknown): string => {
  if (v === undefined || v === '' || v === null) return 'null'
  if (Array.isArray(v)) return JSON.stringify(v.length ? [...v].map(String).sort() : null)
  return JSON.stringify(v)
}
/** Whether two field values are the same value (null, '' and an empty list are all "empty"). */
export const sameValue = (a: unknown, b: unknown) => norm(a) === norm(b)

const pick = (row: Record<string, unknown>, fields: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(fields).filter((f) => fields[f] !== undefined).map((f) => [f, row[f] ?? null]))

async function loadContact(ctx: ServiceContext, id: string) {
  const r = await findRow(ctx.db.knex, 'contacts', id)
  if (!r || r.deleted_at) throw new AppError('not_found', `contact not found: ${id}`, { key: 'errors.not_found', params: { what: 'contact' } })
  return toContact(r as Row)
}

/**
 * The field-level merge (ARCHITECTURE, Offline sync): a field applies only if the central value
 * is still the one the offline edit was based on; a field already at the offline value is done;
 * anything else is a conflict for the user. The update carries the central row's version, so a
 * write that slips in between answers `conflict` and the merge runs again on the newer row.
 */
async function mergeEdit(
  load: () => Promise<Record<string, unknown> & { version: number }>,
  save: (version: number, fields: Record<string, unknown>) => Promise<unknown>,
  fields: Record<string, unknown>,
  base: Record<string, unknown> | null,
): Promise<Applied> {
  for (let attempt = 0; ; attempt++) {
    const current = await load()
    const apply: Record<string, unknown> = {}
    const conflicts: FieldConflict[] = []
    for (const [field, local] of Object.entries(fields)) {
      if (local === undefined || sameValue(current[field], local)) continue
      if (!base || !(field in base) || sameValue(current[field], base[field])) apply[field] = local
      else conflicts.push({ field, base: base[field] ?? null, local, central: current[field] ?? null })
    }
    if (!Object.keys(apply).length) return { status: 'applied', conflicts }
    try {
      await save(current.version, apply)
      return { status: 'applied', conflicts }
    } catch (e) {
      if (e instanceof AppError && e.code === 'conflict' && attempt < 5) continue
      throw e
    }
  }
}

type CustomerUpdate = { id: string; version: number; fields: Record<string, unknown>; duplicateOk?: boolean }
type ContactUpdate = { id: string; version: number; fields: Record<string, unknown> }
type ReminderUpdate = { id: string; version: number; fields: Record<string, unknown> }
type StepResult = { id: string; version: number; fields: { result?: string; executedAt?: string } }
type InteractionEdit = { id: string; version: number; fields: Record<string, unknown>; promises?: Array<{ id?: string; content: string; dueDate?: string | null }> }
type PromiseBase = Record<string, { content: string; dueDate: string | null }>
type TicketNote = { id: string; version: number; content: string; notedAt?: string }

/** Records a step's 执行效果 with the given fields over its current ones. */
async function saveStepResult(ctx: ServiceContext, id: string, version: number, fields: StepResult['fields']) {
  const cur = await opportunitiesGetStep(ctx, { id })
  const result = fields.result ?? cur.result
  if (!result) throw new AppError('validation', 'a step result needs its text', { issues: [{ field: 'result', code: 'required', message: 'required' }] })
  return opportunitiesRecordResult(ctx, { id, version, result, executedAt: fields.executedAt ?? cur.executedAt ?? undefined })
}

/**
 * An offline edit of a record's promises on the central database: a promise the client knew under
 * an id the central database does not have (made offline; the central copy took its own id) is
 * the central promise with the content it had in the cache, else a new one.
 */
async function centralPromises(ctx: ServiceContext, id: string, list: NonNullable<InteractionEdit['promises']>, base: PromiseBase) {
  const current = (await interactionsGet(ctx, { id })).promises
  const known = new Set(current.map((p) => p.id))
  const taken = new Set(list.filter((p) => p.id && known.has(p.id)).map((p) => p.id))
  return list.map((p) => {
    if (!p.id || known.has(p.id)) return p
    const was = base[p.id]
    const same = was && current.find((c) => !taken.has(c.id) && c.content === was.content && (c.dueDate ?? null) === (was.dueDate ?? null))
    if (!same) return { content: p.content, dueDate: p.dueDate ?? null }
    taken.add(same.id)
    return { ...p, id: same.id }
  })
}

/**
 * An insert-only offline operation (a create under the id the client chose, a handling note, a
 * file, a reminder marked done): it never conflicts. `local` runs on the cache; centrally it runs
 * `central` (by default the same write) — on the current version of what it hangs on where it
 * needs one — and answers `applied`; a refusal (permission, scope, validation) is its answer.
 */
function insertOnly<I>(
  entity: SyncEntity,
  input: z.ZodType,
  local: (ctx: ServiceContext, input: I, id: string) => Promise<unknown>,
  central: (ctx: ServiceContext, input: I, id: string) => Promise<unknown> = local,
): Op {
  return {
    entity,
    input,
    local: local as Op['local'],
    central: async (ctx, i: I, m) => {
      await central(ctx, i, m.entityId)
      return { status: 'applied' }
    },
  }
}

type PromiseSet = { id: string; version: number }
type PromiseWas = { interactionId: string; content: string; dueDate: string | null }
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * 兑现 / 未兑现 of a promise. The outbox entry is about the promise's record (so the record comes
 * back with its promises as the central database has them); centrally the promise is found by its
 * id, or — made offline, where the central copy took its own id — by the content and date it had
 * in the cache. A promise already in that state stays as it is; otherwise the mark applies on its
 * current version (a yes/no never conflicts); a promise or record deleted meanwhile is refused
 * with the reason, like any offline write on something gone.
 */
function promiseMark(kept: boolean): Op {
  const mark = kept ? promisesKeep : promisesUnkeep
  return {
    entity: 'interactions',
    input: kept ? contract.interactions.keepPromise.input : contract.interactions.unkeepPromise.input,
    entityOf: async (ctx, input: PromiseSet) => String((await promiseRow(ctx, input.id)).interaction_id),
    base: async (ctx, input: PromiseSet) => {
      const p = await promiseRow(ctx, input.id)
      return { interactionId: String(p.interaction_id), content: String(p.content), dueDate: p.due_date === null || p.due_date === undefined ? null : String(p.due_date).slice(0, 10) } satisfies PromiseWas
    },
    local: (ctx, input: PromiseSet) => mark(ctx, input),
    central: async (ctx, input: PromiseSet, m) => {
      const was = m.base as PromiseWas | null
      const list = (await interactionsGet(ctx, { id: m.entityId })).promises
      const p = list.find((x) => sameId(x.id, input.id)) ?? (was ? list.find((x) => x.content === was.content && (x.dueDate ?? null) === was.dueDate) : undefined)
      if (!p) throw new AppError('not_found', `promise not found: ${input.id}`, { key: 'errors.not_found', params: { what: 'promise' } })
      if (!!p.keptAt !== kept) await mark(ctx, { id: p.id, version: p.version })
      return { status: 'applied' }
    },
  }
}

async function promiseRow(ctx: ServiceContext, id: string) {
  const p = await findRow(ctx.db.knex, 'interaction_promises', id)
  if (!p || p.deleted_at) throw new AppError('not_found', `promise not found: ${id}`, { key: 'errors.not_found', params: { what: 'promise' } })
  return p
}

export const OPS: Record<string, Op> = {
  'customers.create': insertOnly('customers', contract.customers.create.input, (ctx, input: Parameters<typeof customersCreate>[1], id) => customersCreate(ctx, input, { id })),
  'customers.update': {
    entity: 'customers',
    input: contract.customers.update.input,
    local: (ctx, input: CustomerUpdate) => customersUpdate(ctx, input),
    base: async (ctx, input: CustomerUpdate) => pick(await customersGet(ctx, { id: input.id }), input.fields),
    central: (ctx, input: CustomerUpdate, m) =>
      mergeEdit(
        () => customersGet(ctx, { id: input.id }),
        (version, fields) => customersUpdate(ctx, { id: input.id, version, fields, duplicateOk: input.duplicateOk }),
        input.fields,
        m.base,
      ),
  },
  'contacts.create': insertOnly('contacts', contract.contacts.create.input, (ctx, input: Parameters<typeof contactsCreate>[1], id) => contactsCreate(ctx, input, { id })),
  'contacts.update': {
    entity: 'contacts',
    input: contract.contacts.update.input,
    local: (ctx, input: ContactUpdate) => contactsUpdate(ctx, input),
    base: async (ctx, input: ContactUpdate) => pick(await loadContact(ctx, input.id), input.fields),
    central: (ctx, input: ContactUpdate, m) =>
      mergeEdit(() => loadContact(ctx, input.id), (version, fields) => contactsUpdate(ctx, { id: input.id, version, fields }), input.fields, m.base),
  },
  'interactions.create': {
    entity: 'interactions',
    input: contract.interactions.create.input,
    local: (ctx, input: Parameters<typeof interactionsCreate>[1], id) => interactionsCreate(ctx, input, { id }),
    central: async (ctx, input: Parameters<typeof interactionsCreate>[1], m) => {
      try {
        await interactionsWrite(ctx, input, { id: m.entityId })
        return { status: 'applied' }
      } catch (e) {
        // the documented rule: a note on a customer deleted meanwhile is kept on its tombstone
        const gone = e instanceof AppError && !!e.toApi().issues?.some((i) => i.field === 'customerId' && i.code === 'not_found')
        if (!gone) throw e
        await interactionsKeepOnDeletedCustomer(ctx, input, m.entityId).catch(() => {
          throw e
        })
        return { status: 'kept', key: 'sync.keptOnDeletedCustomer' }
      }
    },
    // the common push (a day of notes): one version, chunked inserts, each customer settled once
    centralMany: (ctx, items: Array<{ input: Parameters<typeof interactionsWrite>[1]; entityId: string }>) =>
      interactionsWriteMany(ctx, items.map((i) => ({ input: i.input, id: i.entityId }))),
  },
  // an edit of a record: a note never conflicts — each field edited offline applies over the
  // central one (the rep's latest word), the promises as the offline list says
  'interactions.update': {
    entity: 'interactions',
    input: contract.interactions.update.input,
    local: (ctx, input: InteractionEdit) => interactionsUpdate(ctx, input as Parameters<typeof interactionsUpdate>[1]),
    base: async (ctx, input: InteractionEdit) => {
      const cur = await interactionsGet(ctx, { id: input.id })
      return { promises: Object.fromEntries(cur.promises.map((p) => [p.id, { content: p.content, dueDate: p.dueDate ?? null }])) }
    },
    central: async (ctx, input: InteractionEdit, m) => {
      const promises = input.promises ? await centralPromises(ctx, input.id, input.promises, (m.base?.promises ?? {}) as PromiseBase) : undefined
      const current = await interactionsGet(ctx, { id: input.id })
      await interactionsUpdate(ctx, { id: input.id, version: current.version, fields: input.fields, ...(promises ? { promises } : {}) } as Parameters<typeof interactionsUpdate>[1])
      return { status: 'applied' }
    },
  },
  // a record deleted offline: gone centrally too (already gone: nothing to do)
  'interactions.remove': {
    entity: 'interactions',
    input: contract.interactions.remove.input,
    local: (ctx, input: { id: string }) => interactionsRemove(ctx, input),
    central: async (ctx, input: { id: string }) => {
      try {
        await interactionsRemove(ctx, input)
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'not_found')) throw e
      }
      return { status: 'applied' }
    },
  },
  'reminders.create': insertOnly('reminders', contract.reminders.create.input, (ctx, input: Parameters<typeof remindersCreate>[1], id) => remindersCreate(ctx, input, { id })),
  'reminders.update': {
    entity: 'reminders',
    input: contract.reminders.update.input,
    local: (ctx, input: ReminderUpdate) => remindersUpdate(ctx, input as Parameters<typeof remindersUpdate>[1]),
    // last write wins per field, in the order the central database receives them
    central: async (ctx, input: ReminderUpdate) =>
      mergeEdit(
        () => remindersGet(ctx, { id: input.id }) as unknown as Promise<Record<string, unknown> & { version: number }>,
        (version, fields) => remindersUpdate(ctx, { id: input.id, version, fields } as Parameters<typeof remindersUpdate>[1]),
        input.fields,
        null,
      ),
  },
  // 执行效果 of a plan step: merged field by field like a customer's fields (a step changed centrally
  // since the offline edit's base becomes a 冲突); refused when the plan left the rep meanwhile
  // (opportunity reassigned: not_found) or was closed (won/lost: the state rule)
  'plan_steps.update': {
    entity: 'plan_steps',
    input: PlanStepResultEdit,
    local: (ctx, input: StepResult) => saveStepResult(ctx, input.id, input.version, input.fields),
    base: async (ctx, input: StepResult) => pick(await opportunitiesGetStep(ctx, { id: input.id }) as unknown as Record<string, unknown>, input.fields),
    central: (ctx, input: StepResult, m) =>
      mergeEdit(
        () => opportunitiesGetStep(ctx, { id: input.id }) as unknown as Promise<Record<string, unknown> & { version: number }>,
        (version, fields) => saveStepResult(ctx, input.id, version, fields),
        input.fields,
        m.base,
      ),
  },
  // a handling note is insert-only: it never conflicts (applied on the ticket's current version);
  // refused when the ticket was archived or left the rep meanwhile
  'service_ticket_notes.create': insertOnly(
    'service_ticket_notes',
    contract.services.addNote.input,
    (ctx, input: TicketNote, id) => servicesAddNote(ctx, input, { noteId: id }),
    async (ctx, input: TicketNote, id) => servicesAddNote(ctx, { ...input, version: (await servicesGet(ctx, { id: input.id })).version }, { noteId: id }),
  ),
  // a file attached offline: its bytes travel in the outbox entry and upload with it (after its
  // record, which is earlier in the queue); insert-only, never a conflict
  'attachments.create': insertOnly('attachments', contract.interactions.addAttachment.input, (ctx, input: Parameters<typeof attachmentsAdd>[1], id) => attachmentsAdd(ctx, input, { id })),
  // 稍后提醒: the time the client worked out (a preset counts from when the rep pressed it); a
  // reminder done meanwhile stays done, a snooze that has run out by the push changes nothing
  'reminders.snooze': {
    entity: 'reminders',
    input: contract.reminders.snooze.input,
    local: (ctx, input: Parameters<typeof remindersSnooze>[1]) => remindersSnooze(ctx, input),
    stored: (input: { id: string; version: number }, out: { snoozedUntil: string | null }) => ({ id: input.id, version: input.version, preset: 'until', until: out.snoozedUntil }),
    central: async (ctx, input: { id: string; until: string }) => {
      const current = await remindersGet(ctx, { id: input.id })
      if (current.doneAt || Date.parse(input.until) <= ctx.clock.now().getTime()) return { status: 'applied' }
      await remindersSnooze(ctx, { id: input.id, version: current.version, preset: 'until', until: input.until })
      return { status: 'applied' }
    },
  },
  // done is done: applied on the reminder's current version
  'reminders.done': insertOnly(
    'reminders',
    contract.reminders.done.input,
    (ctx, input: { id: string; version: number }) => remindersDone(ctx, input),
    async (ctx, input: { id: string; version: number }) => remindersDone(ctx, { id: input.id, version: (await remindersGet(ctx, { id: input.id })).version }),
  ),
  'interactions.keepPromise': promiseMark(true),
  'interactions.unkeepPromise': promiseMark(false),
}

/**
 * A call that is a run of one offline operation (contract/sync.ts OFFLINE_RUNS): the call itself
 * runs on the cache (the same rows skipped as centrally: done, gone, out of scope); each row it
 * changed gets an outbox entry of `op`, built from the row before and after the call.
 */
export interface RunOp {
  op: string
  entity: SyncEntity
  input: z.ZodType
  ids(input: never): string[]
  local(ctx: ServiceContext, input: never): Promise<unknown>
  /** the entry of a row the call changed (null: the call left it as it was) */
  entry(before: Row, after: Row): unknown | null
}

const changed = (before: Row, after: Row) => Number(after.version) !== Number(before.version) && !after.deleted_at

export const RUN_OPS: Record<string, RunOp> = {
  // 批量稍后提醒: one time for all (worked out once, as the call does), each row snoozed centrally by 稍后提醒's rules
  'reminders.bulkSnooze': {
    op: 'reminders.snooze',
    entity: 'reminders',
    input: contract.reminders.bulkSnooze.input,
    ids: (input: { ids: string[] }) => input.ids,
    local: (ctx, input: Parameters<typeof remindersBulkSnooze>[1]) => remindersBulkSnooze(ctx, input),
    entry: (before, after) =>
      changed(before, after) && after.snoozed_until && String(after.snoozed_until) !== String(before.snoozed_until ?? '')
        ? { id: String(after.id), version: Number(before.version), preset: 'until', until: new Date(String(after.snoozed_until)).toISOString() }
        : null,
  },
  // 批量完成: each row done centrally by 完成's rules (done is done, on the current version)
  'reminders.bulkDone': {
    op: 'reminders.done',
    entity: 'reminders',
    input: contract.reminders.bulkDone.input,
    ids: (input: { ids: string[] }) => input.ids,
    local: (ctx, input: { ids: string[] }) => remindersBulkDone(ctx, input),
    entry: (before, after) => (changed(before, after) && after.done_at && !before.done_at ? { id: String(after.id), version: Number(before.version) } : null),
  },
}

/** The id a mutation is about: the update's id, or the id chosen for a create. */
export const entityIdOf = (operation: string, input: Record<string, unknown>, newIdValue: string) =>
  operation.endsWith('.create') ? newIdValue : String(input.id)
