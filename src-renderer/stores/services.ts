// 服务管理: the api calls of the ticket screens, and `revision`, bumped after every write so the
// list, the board, the counts and the customer card's tab reload once. UI state only: the state
// machine, permissions and the SLA clock live in main (each ticket says what the caller may do).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallInput } from '@contract/index'
import type { SlaRuleInput, TicketDetail, TicketFilter, TicketListInput, TicketStatus } from '@contract/services'
import { api } from '../api/client'
import { useRemindersStore } from './reminders'

export const TICKET_STATUSES = ['new', 'assigned', 'handled', 'feedback', 'archived'] as const satisfies readonly TicketStatus[]

export type TicketCreateInput = CallInput<'services', 'create'>
export type TicketUpdateInput = CallInput<'services', 'update'>
type WithVersion = { id: string; version: number }
/** Only the id and the version the change is based on (the calls refuse unknown keys). */
const iv = (t: WithVersion) => ({ id: t.id, version: t.version })

export const useServicesStore = defineStore('services', () => {
  const revision = ref(0)

  function changed() {
    revision.value++
    // assignments, reopens and handled tickets make or close reminders: keep the badge in step
    useRemindersStore().changed()
  }

  async function write(p: Promise<TicketDetail>): Promise<TicketDetail> {
    const t = await p
    changed()
    return t
  }

  return {
    revision,
    list: (input: TicketListInput) => api.services.list(input),
    counts: (filter: TicketFilter) => api.services.counts({ filter }),
    board: (filter: TicketFilter, perColumn = 20) => api.services.board({ filter, perColumn }),
    get: (id: string) => api.services.get({ id }),
    similar: (input: CallInput<'services', 'similar'>) => api.services.similar(input),
    handlers: () => api.services.handlers({}),
    sla: () => api.services.sla({}),
    saveSla: (rules: SlaRuleInput[]) => api.services.saveSla({ rules }).then((r) => (changed(), r)),
    create: (input: TicketCreateInput) => write(api.services.create(input)),
    update: (input: TicketUpdateInput) => write(api.services.update(input)),
    assign: (t: WithVersion, handlerId: string) => write(api.services.assign({ ...iv(t), handlerId })),
    addNote: (t: WithVersion, content: string, notedAt?: string) => write(api.services.addNote({ ...iv(t), content, notedAt })),
    survey: (t: WithVersion, result: string) => write(api.services.survey({ ...iv(t), result })),
    quote: (t: WithVersion, amountCents: number, note?: string | null) => write(api.services.quote({ ...iv(t), amountCents, note })),
    answerQuote: (t: WithVersion, accepted: boolean, note?: string | null) => write(api.services.confirmQuote({ ...iv(t), accepted, note })),
    decideQuote: (t: WithVersion, approved: boolean, note?: string | null) => write(api.services.decideQuote({ ...iv(t), approved, note })),
    withdrawQuote: (t: WithVersion) => write(api.services.withdrawQuote(iv(t))),
    handle: (t: WithVersion) => write(api.services.handle(iv(t))),
    feedback: (t: WithVersion, satisfaction: number, comment?: string | null) => write(api.services.feedback({ ...iv(t), satisfaction, comment })),
    archive: (t: WithVersion) => write(api.services.archive(iv(t))),
  }
})
