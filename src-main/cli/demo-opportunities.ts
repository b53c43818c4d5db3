// crm demo, the opportunities part: two years of 销售机会 in every state — 未分配, 已指派 with a
// 客户开发计划 under way, 开发成功 (linked to a demo customer as the customer it became; new customers
// only in a database without any) and 开发失败 with a 失败原因 — with stages, amounts and close dates, so the list, the board and the
// 销售漏斗 look alive. Older opportunities are mostly closed, recent ones mostly open. Open plan
// steps get their reminders like the app makes them. Bulk inserts in chunks, one transaction
// (one sync version) per batch; codes continue each year's JH sequence.
import type { Knex } from 'knex'
import type { AppContext } from '../modules/context'
import { insertChunked } from '../db/dialect'
import { formatCode, newId } from '../db/ids'
import { nextVersion } from '../db/tx'
import { buildCustomerSearchText } from '../modules/customers/customers.search'
import { buildOpportunitySearchText } from '../modules/opportunities/opportunities.search'
import { rebuildOpportunityStats } from '../modules/opportunities/stats.repository'
import { remindAssignee, remindPlanStep } from '../modules/reminders/opportunity-reminders.service'
import { demoContact, demoCustomer, makeRng, type Rng } from './demo-data'
import { takenNames } from './demo-bulk'
import type { Out } from './output'

const DAY = 86_400_000
const BATCH = 2000
type Row = Record<string, unknown>

const NEEDS: Array<[summary: string, description: string]> = [
  ['采购 ERP 管理系统', '客户现有系统老旧，计划年内上线新的 ERP，覆盖采购、库存和财务。预算已在申请，信息部牵头。'],
  ['生产线自动化改造', '新厂区两条产线需要自动化改造，关注交期和售后响应，希望先看同行业案例。'],
  ['年度耗材集中采购', '年底集中采购一批耗材，比价三家，价格和账期是关键。'],
  ['数据中心网络升级', '机房扩容，交换机和安全设备更新，要求国产化替代方案。'],
  ['检测设备采购', '质量部新增检测项目，需要两台检测设备和培训服务。'],
  ['CRM 系统选型', '销售团队 60 人，想统一管理客户和商机，要求支持手机端和离线。'],
  ['办公家具整体采购', '新办公楼装修完成，需要整体办公家具方案，行政部负责。'],
  ['仓储物流系统', '电商业务增长快，仓库需要 WMS 和分拣设备，计划分两期实施。'],
  ['安防监控项目', '园区安防升级，摄像头和平台软件一起招标。'],
  ['包装材料长期供货', '希望找稳定的包装材料供应商，签年度框架协议。'],
]
const RESULTS_GOOD = ['客户认可方案，约了技术交流', '对方确认了预算和时间表', '演示顺利，决策人参加', '报价已提交，对方在内部审批', '拿到了采购需求清单', '客户同意试用一个月']
const RESULTS_MEH = ['对方负责人出差，改期', '客户还在比价，反馈价格偏高', '只见到了采购专员，决策人未参与', '需要补充资质材料']
const ACTIONS = ['电话沟通需求', '上门拜访，了解现场', '产品演示', '技术交流会', '提交方案与报价', '商务谈判', '邀请参观样板客户', '合同条款确认']

/** mulberry32 seeded from the demo seed: the same seed gives the same opportunities. */
const rngFor = (seed: number) => makeRng((seed ^ 0x5eed0991) >>> 0)

interface Staff {
  managers: Array<{ id: string; teamId: string | null }>
  supervisors: Map<string | null, string[]>
}

async function loadStaff(k: Knex): Promise<Staff> {
  const rows: Array<{ id: string; team_id: string | null; code: string }> = await k('users as u')
    .join('roles as r', 'r.id', 'u.role_id')
    .whereIn('r.code', ['manager', 'supervisor'])
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
    .orderBy('u.login')
    .select('u.id', 'u.team_id', 'r.code')
  const supervisors = new Map<string | null, string[]>()
  for (const r of rows.filter((x) => x.code === 'supervisor')) supervisors.set(r.team_id, [...(supervisors.get(r.team_id) ?? []), r.id])
  return { managers: rows.filter((x) => x.code === 'manager').map((r) => ({ id: r.id, teamId: r.team_id })), supervisors }
}

async function dictOf(k: Knex, type: string): Promise<Array<{ id: string; label: string; probability: number | null }>> {
  return k('dict_items').where({ type_code: type, enabled: true }).whereNull('deleted_at').orderBy('sort_order').select('id', 'label', 'probability')
}

/** Reserves `count` numbers of a yearly code sequence; answers the first. */
async function reserve(k: Knex, name: string, count: number): Promise<number> {
  return k.transaction(async (trx) => {
    const row = await trx('code_sequences').where({ name }).first('value')
    const start = Number(row?.value ?? 0) + 1
    if (row) await trx('code_sequences').where({ name }).increment('value', count)
    else await trx('code_sequences').insert({ name, value: count })
    return start
  })
}

const ymd = (d: Date) => d.toISOString().slice(0, 10)
const amountCents = (r: Rng) => Math.round(Math.exp(Math.log(20_000) + r.next() * (Math.log(3_000_000) - Math.log(20_000))) / 100) * 100 * 100

type Story = 'unassigned' | 'assigned' | 'won' | 'lost'
function storyFor(r: Rng, ageDays: number): Story {
  const x = r.next()
  if (ageDays > 120) return x < 0.03 ? 'unassigned' : x < 0.13 ? 'assigned' : x < 0.5 ? 'won' : 'lost'
  if (ageDays > 30) return x < 0.08 ? 'unassigned' : x < 0.62 ? 'assigned' : x < 0.82 ? 'won' : 'lost'
  return x < 0.3 ? 'unassigned' : x < 0.9 ? 'assigned' : x < 0.95 ? 'won' : 'lost'
}

export interface DemoOpportunityOptions {
  count: number
  seed: number
  /** reminders for open plan steps (off for benchmarks: 100,000 opportunities) */
  reminders?: boolean
}

/** Adds `count` demo opportunities (and the customers the won prospects became). */
export async function demoOpportunities(app: AppContext, opts: DemoOpportunityOptions, out: Out): Promise<void> {
  const k = app.db.knex
  const started = Date.now()
  const r = rngFor(opts.seed)
  const staff = await loadStaff(k)
  if (!staff.managers.length) {
    out.log('demo: no account manager, no opportunities')
    return
  }
  const [sources, stages, reasons] = [await dictOf(k, 'opportunity_source'), await dictOf(k, 'opportunity_stage'), await dictOf(k, 'opportunity_lost_reason')]
  const region = new Map((await dictOf(k, 'region')).map((d) => [d.label, d.id]))
  const industry = new Map((await dictOf(k, 'industry')).map((d) => [d.label, d.id]))
  const current = (await dictOf(k, 'category')).find((d) => d.label === '现有终端客户')?.id ?? null
  // existing customers with their primary contact: the won ones become them (the customers a
  // won opportunity created), a quarter of the rest are new deals with existing customers
  const existing: Array<{ id: string; name: string; contact_name: string | null; contact_mobile: string | null }> = await k('customers as c')
    .leftJoin('contacts as ct', (j) => j.on('ct.customer_id', '=', 'c.id').andOnVal('ct.is_primary', '=', true).andOnNull('ct.deleted_at'))
    .whereNull('c.deleted_at')
    .orderBy('c.code')
    .limit(20000)
    .select('c.id', 'c.name', 'ct.name as contact_name', 'ct.mobile as contact_mobile')
  const unused = [...existing]
  for (let i = unused.length - 1; i > 0; i--) {
    const j = r.int(0, i)
    ;[unused[i], unused[j]] = [unused[j]!, unused[i]!]
  }
  const taken = await takenNames(k)
  const now = app.clock.now()
  const version = { fn: async () => 0 }

  // plan every opportunity first, so each year's codes can be reserved in one go
  const plans = Array.from({ length: opts.count }, () => {
    const created = new Date(now.getTime() - r.int(0, 729) * DAY - r.int(0, DAY - 1))
    return { created, story: storyFor(r, (now.getTime() - created.getTime()) / DAY) }
  }).sort((a, b) => a.created.getTime() - b.created.getTime()) // codes in the order they were created
  const years = new Map<number, number>()
  for (const p of plans) years.set(p.created.getUTCFullYear(), (years.get(p.created.getUTCFullYear()) ?? 0) + 1)
  const nextCode = new Map<number, number>()
  for (const [y, n] of years) nextCode.set(y, await reserve(k, `opportunity:${y}`, n))
  const wonNew = new Map<number, number>() // customers the won prospects become, per year of closing

  let made = 0
  let customersMade = 0
  for (let done = 0; done < plans.length; done += BATCH) {
    const opportunities: Row[] = []
    const steps: Row[] = []
    const customers: Row[] = []
    const contacts: Row[] = []
    const openSteps: Array<Parameters<typeof remindPlanStep>[3]> = []
    const newlyAssigned: Array<Parameters<typeof remindAssignee>[3]> = []
    for (const p of plans.slice(done, done + BATCH)) {
      const id = newId()
      const year = p.created.getUTCFullYear()
      const seq = nextCode.get(year)!
      nextCode.set(year, seq + 1)
      const code = formatCode('JH', year, seq)
      const manager = r.pick(staff.managers)
      const supervisor = r.pick(staff.supervisors.get(manager.teamId) ?? [...staff.supervisors.values()].flat().concat(manager.id))
      const old = existing.length ? (p.story === 'won' ? (unused.pop() ?? r.pick(existing)) : r.chance(0.25) ? r.pick(existing) : null) : null
      const company = old ? null : demoCustomer(r, taken)
      const person = company ? demoContact(r, company, 0) : null
      const contact = person ? { name: person.name, mobile: person.mobile } : old?.contact_name ? { name: old.contact_name, mobile: old.contact_mobile } : null
      const customerName = old?.name ?? company!.name
      const [summary, description] = r.pick(NEEDS)
      const creator = r.chance(0.6) ? manager.id : supervisor
      const amount = r.chance(0.9) ? amountCents(r) : null
      const closeDate = new Date(p.created.getTime() + r.int(30, 180) * DAY)

      // how far it got: a stage index, and the timeline of assignment, steps and closing
      let stageIdx = p.story === 'won' ? stages.length - 1 : p.story === 'unassigned' ? (r.chance(0.6) ? 0 : -1) : Math.min(stages.length - 1, Math.floor(r.next() * r.next() * stages.length * 1.3))
      if (!stages.length) stageIdx = -1
      const stage = stageIdx >= 0 ? stages[stageIdx] : null
      const assignedAt = p.story === 'unassigned' ? null : new Date(Math.min(now.getTime(), p.created.getTime() + r.int(0, 5) * DAY + r.int(0, DAY - 1)))
      let closedAt: Date | null = null
      let t = assignedAt?.getTime() ?? 0
      const stepRows: Row[] = []
      if (assignedAt) {
        const n = r.int(p.story === 'assigned' ? 1 : 2, 5)
        for (let i = 0; i < n; i++) {
          t += r.int(3, 20) * DAY
          const planned = new Date(t)
          const closedStory = p.story === 'won' || p.story === 'lost'
          const executed = closedStory || planned.getTime() < now.getTime() - DAY ? (r.chance(closedStory ? 1 : 0.85) ? new Date(Math.min(now.getTime() - 60_000, planned.getTime() + r.int(0, 2) * DAY + r.int(8, 18) * 3_600_000)) : null) : null
          const stepId = newId()
          stepRows.push({
            id: stepId, opportunity_id: id, seq: (i + 1) * 10, planned_date: ymd(planned), action: ACTIONS[Math.min(i + r.int(0, 2), ACTIONS.length - 1)],
            result: executed ? (r.chance(0.75) ? r.pick(RESULTS_GOOD) : r.pick(RESULTS_MEH)) : null, executed_at: executed?.toISOString() ?? null,
            owner_id: manager.id, created_by: manager.id, created_at: assignedAt.toISOString(), updated_at: (executed ?? assignedAt).toISOString(), version: 0,
          })
          if (!executed && p.story === 'assigned') {
            openSteps.push({ id: stepId, opportunityId: id, customerName, customerId: old?.id ?? null, action: String(stepRows.at(-1)!.action), plannedDate: ymd(planned), assigneeId: manager.id })
          }
        }
        if (p.story === 'won' || p.story === 'lost') closedAt = new Date(Math.min(now.getTime() - 60_000, t + r.int(1, 10) * DAY))
        if (p.story === 'assigned' && now.getTime() - assignedAt.getTime() < 7 * DAY && !stepRows.length) {
          newlyAssigned.push({ id, code, customerName, customerId: old?.id ?? null, assigneeId: manager.id })
        }
      }
      // a steps' timeline may end after now for open ones: keep the created/updated stamps sane
      const updated = new Date(Math.min(now.getTime(), Math.max(p.created.getTime(), closedAt?.getTime() ?? assignedAt?.getTime() ?? p.created.getTime())))

      let customerId = old?.id ?? null
      if (p.story === 'won' && company && closedAt) {
        customerId = newId()
        const cy = closedAt.getUTCFullYear()
        const cseq = (wonNew.get(cy) ?? (await reserve(k, `customer:${cy}`, 1))) // first of the year reserves lazily below
        wonNew.set(cy, cseq + 1)
        const ccode = formatCode('KH', cy, cseq)
        const stamp = { created_at: closedAt.toISOString(), updated_at: closedAt.toISOString(), version: 0, owner_id: manager.id }
        customers.push({
          id: customerId, ...stamp, code: ccode, name: company.name, short_name: company.shortName, customer_type: 'company',
          region_id: region.get(company.regionLabel) ?? null, industry_id: industry.get(company.industryLabel) ?? null, category_id: current,
          province: company.province, city: company.city, address: company.address, phone: company.phone, status: 'normal', order_count: 0, order_total_cents: 0,
          search_text: buildCustomerSearchText({ name: company.name, shortName: company.shortName, code: ccode, phone: company.phone }, [{ name: person!.name, mobile: person!.mobile }]),
        })
        contacts.push({
          id: newId(), ...stamp, customer_id: customerId, name: person!.name, gender: person!.gender, title: person!.title, department: person!.department,
          mobile: person!.mobile, is_primary: true, birthday_calendar: 'solar', birthday_leap_month: false,
        })
        customersMade++
      }
      const probability = p.story === 'won' ? 100 : p.story === 'lost' ? 0 : (stage?.probability ?? r.pick([10, 20, 30]))
      opportunities.push({
        id, code, source_id: sources.length ? (old && p.story !== 'won' ? (sources.find((s) => s.label === '老客户')?.id ?? r.pick(sources).id) : r.pick(sources).id) : null,
        customer_id: customerId, customer_name: customerName, probability, summary, description,
        contact_name: contact?.name ?? null, contact_phone: contact?.mobile ?? null, expected_amount_cents: amount, expected_close_date: ymd(closeDate),
        stage_id: stage?.id ?? null, status: p.story, assigned_to: assignedAt ? manager.id : null, assigned_by: assignedAt ? supervisor : null,
        assigned_at: assignedAt?.toISOString() ?? null, lost_reason_id: p.story === 'lost' && reasons.length ? r.pick(reasons).id : null,
        result_reason: p.story === 'won' ? r.pick(['签订年度合同', '首单已下', '中标']) : null, closed_at: closedAt?.toISOString() ?? null,
        owner_id: assignedAt ? manager.id : creator, created_by: creator,
        search_text: buildOpportunitySearchText({ code, customerName, summary, contactName: contact?.name, contactPhone: contact?.mobile }),
        created_at: p.created.toISOString(), updated_at: updated.toISOString(), version: 0,
      })
      steps.push(...stepRows)
    }
    await k.transaction(async (trx) => {
      const v = await nextVersion(trx)
      version.fn = async () => v
      for (const rows of [opportunities, steps, customers, contacts]) for (const row of rows) row.version = v
      await insertChunked(trx, app.db.dialect, 'customers', customers)
      await insertChunked(trx, app.db.dialect, 'contacts', contacts)
      await insertChunked(trx, app.db.dialect, 'opportunities', opportunities)
      await insertChunked(trx, app.db.dialect, 'plan_steps', steps)
      if (opts.reminders !== false) {
        for (const s of openSteps) await remindPlanStep(trx, app, version.fn, s)
        for (const a of newlyAssigned) await remindAssignee(trx, app, version.fn, a)
      }
    })
    made += opportunities.length
    out.progress(`demo: ${made}/${plans.length} opportunities`)
  }
  // the rows above went in in bulk: the funnel's summaries are made from them at once
  await k.transaction((trx) => rebuildOpportunityStats(trx, app.db.dialect))
  // the customer codes handed out above were taken one by one; move each year's sequence past them
  for (const [y, next] of wonNew) {
    const name = `customer:${y}`
    const row = await k('code_sequences').where({ name }).first('value')
    if (Number(row?.value ?? 0) < next - 1) await k('code_sequences').where({ name }).update({ value: next - 1 })
  }
  out.log(`created ${made} opportunities (${customersMade} won ones became new customers) in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}
