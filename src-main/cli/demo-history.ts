// crm demo: two years of believable follow-up history for each demo customer, so a trial user
// sees a working CRM — most customers contacted within their 联系策略 cycle, some slipping a few
// days, a few forgotten for months, new ones not contacted yet; calls, visits (拜访记录卡),
// WeChat and e-mails spread over time; promises kept and not kept; next follow-ups planned
// (some overdue); the rep's own to-dos in every state (upcoming, due today, overdue, snoozed,
// done). The rows are made here, in memory, and inserted by demo.command.ts with the customers
// of the same batch (bulk, insertChunked); customers.last_contact_at / next_contact_at are set
// from them, as the app computes them. System reminder titles are a key and its values (the
// reader's language), the rep's own to-dos a written title. Reminders the system makes itself (联系策略, birthdays,
// promises not kept) come from the reminder evaluation when the app starts; the follow-up
// reminders of the records are written here with the ids the evaluation would give them, so it
// finds them and makes no second one. The reps kept up: a 联系策略 reminder or a promise not kept
// that fell due more than a few days to two weeks ago was dealt with (its reminder is written
// here, done, with the evaluation's id, so the evaluation leaves it closed); what stays open is
// the recent backlog. A seeded generator of its own: the same --seed gives the
// same history, and the customers generated before it stay the same as without it.
import type { AppContext } from '../modules/context'
import { keyId, loadSettings } from '../modules/reminders/reminders.model'
import { contactKey, followUpKey, titleColumns, titles } from '../modules/reminders/system-reminders.service'
import { atWorkHour, contactDueAt, type WorkClock } from '../modules/reminders/work-hours'
import { newId } from '../db/ids'
import { makeRng, type Rng } from './demo-data'

const DAY = 86_400_000
const HOUR = 3_600_000
/** demo history is written on the Beijing wall clock (UTC+8, no DST) */
const CN = 8 * HOUR

type Row = Record<string, unknown>

export interface HistoryDict {
  /** 交往方式 items by label (电话, 拜访, 微信 …) */
  channels: Map<string, string>
}

export interface HistoryCustomer {
  id: string
  name: string
  ownerId: string
  createdAt: Date
  /** the 联系策略 cycle in days, when the customer has one */
  cycleDays: number | null
  /** 核心客户 / 重要客户 / 普通客户 */
  levelLabel: string | null
  contacts: Array<{ id: string; name: string }>
}

export interface CustomerHistory {
  interactions: Row[]
  promises: Row[]
  reminders: Row[]
  lastContactAt: string | null
  nextContactAt: string | null
}

/** How a customer has been looked after: the share of customers in each state. */
type Care = 'active' | 'slipping' | 'forgotten' | 'never'

const SUBJECTS: Array<[channel: string, subject: string, outcome: string]> = [
  ['电话', '电话沟通下季度采购计划', '客户预计下季度采购量增加约两成，需提前备货'],
  ['电话', '确认样品测试结果', '样品测试通过，客户要求提供批量报价'],
  ['电话', '催收上月货款', '财务答应本周内安排付款'],
  ['电话', '回访产品使用情况', '设备运行稳定，对售后响应满意'],
  ['电话', '跟进报价单反馈', '客户认为单价偏高，希望再让 3 个点'],
  ['拜访', '拜访采购部，介绍新产品线', '采购经理对新品感兴趣，约定下次带技术人员再谈'],
  ['拜访', '商务谈判：价格与账期', '账期从 60 天谈到 45 天，价格维持原报价'],
  ['拜访', '技术交流会', '客户技术部提出三项定制需求，需内部评估'],
  ['拜访', '年度合作回顾与续约洽谈', '客户同意续签年度框架协议，细节待法务确认'],
  ['微信', '发送新版产品目录', '客户已收到，转给了使用部门'],
  ['微信', '节日问候', '客户回复感谢，顺便询问了交货期'],
  ['微信', '确认发货时间', '约定下周三发货，客户安排收货'],
  ['邮件', '发送正式报价单', '客户回复将在下周内部评审'],
  ['邮件', '寄送合同草稿', '客户法务提出两处修改意见'],
  ['会议', '线上需求评审会', '需求范围基本确定，报价以评审结论为准'],
  ['客户活动', '邀请参加客户答谢会', '客户总经理确认出席'],
  ['短信', '提醒续费到期', '客户回复已安排流程'],
]
const PROMISES = ['寄送样品', '提供批量报价', '安排技术人员上门', '发送合同修订稿', '确认交货期', '提供售后培训', '补开发票', '寄送产品手册']
const TODOS = ['给{contact}发送报价单', '确认{customer}的付款进度', '准备{customer}的年度合作方案', '约{contact}下周见面', '整理{customer}的需求清单', '回复{contact}的邮件']
const VISIT_GOALS = ['了解年度采购预算', '推动样品测试', '敲定合同条款', '认识新任采购负责人']
const SLOTS = [9, 10, 11, 14, 15, 16] // Beijing working hours
/** a system reminder due longer ago than this (days, drawn per item) was dealt with by the rep */
const DEALT_WITH_AFTER: [min: number, max: number] = [2, 14]

/** An instant `daysAgo` days before `now` at a working hour, Beijing time. */
function workTime(r: Rng, now: Date, daysAgo: number): Date {
  const day = Math.floor((now.getTime() + CN) / DAY) - daysAgo
  return new Date(day * DAY + r.pick(SLOTS) * HOUR + r.int(0, 3) * 15 * 60_000 - CN)
}
const ymd = (d: Date) => new Date(d.getTime() + CN).toISOString().slice(0, 10)
const iso = (d: Date) => d.toISOString()

function careOf(r: Rng, c: HistoryCustomer, now: Date): Care {
  const ageDays = (now.getTime() - c.createdAt.getTime()) / DAY
  if (ageDays < 20 && r.chance(0.5)) return 'never' // new: not contacted yet
  const x = r.next()
  const keyCustomer = c.levelLabel === '核心客户'
  if (x < (keyCustomer ? 0.8 : 0.62)) return 'active'
  if (x < (keyCustomer ? 0.95 : 0.82)) return 'slipping'
  if (x < 0.96) return 'forgotten'
  return 'never'
}

/** The days ago of each contact with the customer, oldest first (the last one decided by its care). */
function contactDays(r: Rng, c: HistoryCustomer, care: Care, now: Date): number[] {
  const ageDays = Math.max(1, Math.floor((now.getTime() - c.createdAt.getTime()) / DAY))
  const cycle = c.cycleDays ?? 30
  if (care === 'never') return []
  let last: number
  if (care === 'active') last = r.int(0, Math.max(1, Math.min(cycle - 1, 25)))
  else if (care === 'slipping') last = cycle + r.int(1, 20)
  else last = r.int(Math.max(90, cycle * 3), 540)
  last = Math.min(last, ageDays - 1)
  if (last < 0) return []
  // earlier contacts between creation and the last one, about one per cycle, with gaps
  const out = [last]
  let d = last
  const steps = r.int(1, 8)
  for (let i = 0; i < steps; i++) {
    d += Math.max(3, Math.round(cycle * (0.6 + r.next() * 1.6)))
    if (d >= ageDays) break
    out.push(d)
  }
  return out.reverse()
}

/** One customer's history: records, promises, the follow-up reminders of the records and the rep's own to-dos. */
export function customerHistory(r: Rng, c: HistoryCustomer, dict: HistoryDict, now: Date, opts: { timeZone: string; notifyHour: number }): CustomerHistory {
  const care = careOf(r, c, now)
  const days = contactDays(r, c, care, now)
  const interactions: Row[] = []
  const promises: Row[] = []
  const reminders: Row[] = []
  const stamp = (at: Date) => ({ created_at: iso(at), updated_at: iso(at), version: 0, deleted_at: null, owner_id: c.ownerId })
  // a contact today at an hour still to come happened half an hour ago instead (never in the
  // future; demo customers are at least a day old, so still after the customer was created)
  const times = days.map((d) => {
    const at = workTime(r, now, d)
    return at.getTime() <= now.getTime() ? at : new Date(now.getTime() - 30 * 60_000)
  })
  let nextContactAt: string | null = null
  const clock: WorkClock = { tz: opts.timeZone, hour: opts.notifyHour }
  /** a system reminder the rep dealt with some days after it fell due (never later than an hour ago) */
  const dealtWith = (dueIso: string): string | null => {
    const due = Date.parse(dueIso)
    if (now.getTime() - due <= r.int(...DEALT_WITH_AFTER) * DAY) return null
    return iso(new Date(Math.min(now.getTime() - HOUR, due + r.int(0, 3) * DAY + r.int(1, 6) * HOUR)))
  }
  const closedSystemReminder = (o: { key: string; source: string; sourceId: string; title: ReturnType<typeof titles.promise>; dueIso: string; doneIso: string; basis: Row }): Row => ({
    id: keyId(o.key), ...stamp(new Date(o.dueIso)), updated_at: o.doneIso, ...titleColumns(o.title), notes: null, customer_id: c.id, contact_id: null,
    opportunity_id: null, due_at: o.dueIso, repeat_rule: 'none', repeat_interval: null, notify_ahead_minutes: 0, snoozed_until: null,
    done_at: o.doneIso, notified_at: o.dueIso, source: o.source, source_key: o.key, time_zone: opts.timeZone, repeat_anchor: null, series_id: null,
    fire_at: o.dueIso, source_id: o.sourceId, basis_at: null, basis_date: null, cycle_days: null, retracted_at: null, ...o.basis,
  })

  times.forEach((at, idx) => {
    const [channel, subject, outcome] = r.pick(SUBJECTS)
    const contact = c.contacts.length ? r.pick(c.contacts) : null
    const id = newId()
    const latest = idx === times.length - 1
    // a next follow-up: usually on the latest record of a customer looked after; on earlier ones it was met by the next contact
    let followUp: Date | null = null
    if (latest && care === 'active' && r.chance(0.75)) {
      // mostly ahead, some already overdue
      const ahead = r.chance(0.78) ? r.int(0, 14) : -r.int(1, 6)
      followUp = workTime(r, now, -ahead)
      if (followUp.getTime() <= at.getTime()) followUp = new Date(at.getTime() + r.int(1, 5) * DAY)
    } else if (!latest && r.chance(0.4)) {
      followUp = new Date(Math.min(times[idx + 1]!.getTime() - HOUR, at.getTime() + r.int(2, 10) * DAY))
      if (followUp.getTime() <= at.getTime()) followUp = null
    }
    const visit = channel === '拜访'
    interactions.push({
      id, ...stamp(at), customer_id: c.id, contact_id: contact?.id ?? null, kind: visit ? 'visit' : 'record',
      channel_id: dict.channels.get(channel) ?? null, occurred_at: iso(at), place: visit ? '客户公司会议室' : null, subject,
      detail: contact ? `与${contact.name}沟通：${subject}。` : `${subject}。`, outcome, next_follow_up_at: followUp ? iso(followUp) : null,
      visit_goal: visit ? r.pick(VISIT_GOALS) : null, goal_met: visit ? r.chance(0.7) : null, improvement: visit && r.chance(0.4) ? '提前准备竞品对比资料' : null,
      created_by: c.ownerId,
    })
    if (followUp) {
      const key = followUpKey(id)
      const open = latest
      const rid = keyId(key)
      const snoozed = open && followUp.getTime() < now.getTime() && r.chance(0.25) ? new Date(now.getTime() + r.int(1, 3) * DAY) : null
      reminders.push({
        id: rid, ...stamp(at), ...titleColumns(titles.followUp(c.name, subject)), notes: null, customer_id: c.id, contact_id: contact?.id ?? null,
        opportunity_id: null, due_at: iso(followUp), repeat_rule: 'none', repeat_interval: null, notify_ahead_minutes: 0,
        snoozed_until: snoozed ? iso(snoozed) : null, done_at: open ? null : iso(times[idx + 1]!), notified_at: open ? null : iso(followUp),
        source: 'follow_up', source_key: key, time_zone: opts.timeZone, repeat_anchor: null, series_id: null,
        fire_at: iso(snoozed ?? followUp), source_id: id, basis_at: null, basis_date: null, cycle_days: null, retracted_at: null,
      })
      if (open) {
        const effective = iso(snoozed ?? followUp)
        if (!nextContactAt || effective < nextContactAt) nextContactAt = effective
      }
    }
    // promises made in the conversation: the older ones mostly kept; one not kept and long past
    // was dealt with (the customer told, a new date agreed): its 承诺到期 reminder is done
    if (r.chance(0.18)) {
      const due = new Date(at.getTime() + r.int(3, 21) * DAY)
      const past = due.getTime() < now.getTime()
      const kept = past ? r.chance(0.8) : r.chance(0.1)
      const pid = newId()
      const content = r.pick(PROMISES)
      const dueDate = ymd(due)
      promises.push({
        id: pid, ...stamp(at), interaction_id: id, customer_id: c.id, content, due_date: dueDate,
        kept_at: kept ? iso(new Date(Math.min(now.getTime() - HOUR, due.getTime() - r.int(0, 2) * DAY))) : null,
      })
      const [y, m, d] = dueDate.split('-').map(Number) as [number, number, number]
      const dueIso = atWorkHour(clock, { y, m, d })
      const doneIso = past && !kept ? dealtWith(dueIso) : null
      if (doneIso) {
        reminders.push(closedSystemReminder({ key: `promise:${pid}`, source: 'promise', sourceId: pid, title: titles.promise(content), dueIso, doneIso, basis: { basis_date: dueDate } }))
      }
    }
  })

  // 联系策略: the occasion since the last contact (or since the customer was created), when its
  // cycle ended long enough ago, was dealt with by the rep (the customer still shows as not contacted)
  if (c.cycleDays) {
    const basis = times.length ? iso(times[times.length - 1]!) : iso(c.createdAt)
    const dueIso = contactDueAt(clock, basis, c.cycleDays)
    const doneIso = dealtWith(dueIso)
    if (doneIso) {
      const key = contactKey(c.id, c.ownerId, basis)
      reminders.push(closedSystemReminder({ key, source: 'contact_policy', sourceId: c.id, title: titles.contactPolicy(c.name), dueIso, doneIso, basis: { basis_at: basis, cycle_days: c.cycleDays } }))
    }
  }

  // the rep's own to-dos about this customer, in every state
  if (r.chance(0.12)) {
    const contact = c.contacts.length ? r.pick(c.contacts) : null
    const title = r.pick(TODOS).replace('{customer}', c.name.replace(/(股份|有限责任|有限)公司$/, '')).replace('{contact}', contact?.name ?? '对方负责人')
    const state = r.pick(['upcoming', 'today', 'overdue', 'snoozed', 'done', 'done'] as const)
    const due =
      state === 'upcoming' ? workTime(r, now, -r.int(1, 10)) : state === 'today' ? workTime(r, now, 0) : workTime(r, now, r.int(1, 12))
    const snoozed = state === 'snoozed' ? new Date(now.getTime() + r.int(2, 48) * HOUR) : null
    const created = new Date(Math.min(due.getTime(), now.getTime()) - r.int(1, 10) * DAY)
    reminders.push({
      id: newId(), ...stamp(created), title, title_key: null, title_params: null, notes: null, customer_id: c.id, contact_id: contact?.id ?? null, opportunity_id: null,
      due_at: iso(due), repeat_rule: 'none', repeat_interval: null, notify_ahead_minutes: r.pick([0, 15, 30]), snoozed_until: snoozed ? iso(snoozed) : null,
      done_at: state === 'done' ? iso(new Date(Math.min(now.getTime() - HOUR, due.getTime() + r.int(0, 2) * HOUR))) : null,
      notified_at: due.getTime() < now.getTime() && state !== 'snoozed' ? iso(due) : null, source: 'manual', source_key: null, time_zone: opts.timeZone,
      repeat_anchor: null, series_id: null, fire_at: iso(snoozed ?? due), source_id: null, basis_at: null, basis_date: null, cycle_days: null,
      retracted_at: null,
    })
  }

  return {
    interactions, promises, reminders,
    lastContactAt: times.length ? iso(times[times.length - 1]!) : null,
    nextContactAt,
  }
}

/** The history generator of a demo run: its own seeded stream, so the customers stay as they were. */
export const historyRng = (seed: number) => makeRng((seed ^ 0x5eed_1e55) >>> 0)

/**
 * What demo.command.ts needs per batch: `of(customerRow, contactRows)` gives one customer's
 * history (and sets the customer's last/next contact), `rows` collects the batch's records,
 * promises and reminders for insertion with the customers.
 */
export async function prepareHistory(app: AppContext, seed: number) {
  const k = app.db.knex
  const r = historyRng(seed)
  const now = app.clock.now()
  const items: Array<{ id: string; type_code: string; label: string; cycle_days: unknown }> = await k('dict_items')
    .whereIn('type_code', ['interaction_channel', 'contact_policy', 'level'])
    .whereNull('deleted_at')
    .select('id', 'type_code', 'label', 'cycle_days')
  const channels = new Map(items.filter((i) => i.type_code === 'interaction_channel').map((i) => [i.label, i.id]))
  const cycles = new Map(items.filter((i) => i.type_code === 'contact_policy' && i.cycle_days != null).map((i) => [i.id, Number(i.cycle_days)]))
  const levels = new Map(items.filter((i) => i.type_code === 'level').map((i) => [i.id, i.label]))
  const { timeZone, notifyHour } = await loadSettings(k)
  const rows = { interactions: [] as Row[], promises: [] as Row[], reminders: [] as Row[] }
  return {
    rows,
    of(customer: Row, contacts: Row[]) {
      const h = customerHistory(
        r,
        {
          id: String(customer.id), name: String(customer.name), ownerId: String(customer.owner_id), createdAt: new Date(String(customer.created_at)),
          cycleDays: cycles.get(String(customer.contact_policy_id)) ?? null, levelLabel: levels.get(String(customer.level_id)) ?? null,
          contacts: contacts.map((c) => ({ id: String(c.id), name: String(c.name) })),
        },
        { channels },
        now,
        { timeZone, notifyHour },
      )
      customer.last_contact_at = h.lastContactAt
      customer.next_contact_at = h.nextContactAt
      rows.interactions.push(...h.interactions)
      rows.promises.push(...h.promises)
      rows.reminders.push(...h.reminders)
      return h
    },
    /** the batch's rows, stamped with its sync version, then forgotten */
    take(version: number) {
      const out = { interactions: rows.interactions, promises: rows.promises, reminders: rows.reminders }
      for (const list of Object.values(out)) for (const row of list) row.version = version
      rows.interactions = []
      rows.promises = []
      rows.reminders = []
      return out
    },
  }
}
