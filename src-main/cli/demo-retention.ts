// crm demo, issue 10 part: 客户需求单 in every state of their flow (some late, one with a 需求变更),
// 流失预警 (open, with 暂缓措施, confirmed with a 流失原因) and 竞争对手 records, written through the
// services as the customers' account managers and their supervisors, so every row has its
// audit trail and the flows' rules hold. Runs on a sample of the customers: a few dozen records.
import type { Knex } from 'knex'
import type { Actor, AppContext, ServiceContext } from '../modules/context'
import type { Requirement, RequirementStatus } from '../contract/requirements'
import { loadActor } from '../modules/auth/auth.service'
import { runChurnCheck, churnAddMeasure, churnConfirm, churnForCustomer } from '../modules/churn/churn.service'
import { competitorsCreate } from '../modules/competitors/competitors.service'
import {
  requirementsApprove, requirementsConfirm, requirementsCreate, requirementsFinish, requirementsOrganise, requirementsReject, requirementsReport,
  requirementsReview, requirementsStart, requirementsStartReview, requirementsUpdate,
} from '../modules/requirements/requirements.service'
import { makeRng, type Rng } from './demo-data'
import type { Out } from './output'

const DAY = 86_400_000
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const WORK: Array<[content: string, requirements: string, suggestions: string]> = [
  ['定制非标夹具，适配客户新产线', '定位精度 ±0.02mm，换型时间不超过 10 分钟', '建议采用快换结构，预留二期扩展'],
  ['产品包装改为防潮纸箱并加贴客户物料码', '每箱 20 件，外箱标识符合客户 VDA 标签规范', '可与客户共用包装供应商降低成本'],
  ['季度供货计划调整为每周滚动交付', '每周一前确认下周数量，交期 5 个工作日', '建议建立 VMI 寄售库存'],
  ['提供产品的 RoHS 与 REACH 检测报告', '第三方机构出具，有效期一年以内', '可一次性提交全系列报告'],
  ['控制柜增加远程监控模块', '支持 4G 上传运行数据，客户平台对接', '先在一台设备上试点'],
  ['对客户维修人员开展两天现场培训', '含操作、保养与常见故障排除，培训后考核', '录制培训视频供客户后续使用'],
  ['延长质保期至三年', '第二、三年免费上门服务每年两次', '按年签订维保合同更稳妥'],
  ['开具分批发票并按项目节点结算', '每批发货后 5 日内开票，注明项目编号', '与客户财务确认开票信息'],
  ['样品加急：两周内交付 5 套样机', '按客户图纸 B 版，附出厂检验报告', '与生产部确认排产'],
]
const SIGNERS = ['王建国', '李秀英', '张伟', '刘洋', '陈静', '杨磊', '赵敏', '黄志强']
const COMPETITORS: Array<[name: string, products: string, price: string, strengths: string, weaknesses: string]> = [
  ['汇川技术', '伺服驱动、PLC', '报价比我方低约 5%', '本土品牌，交期短，服务网点多', '高端型号稳定性一般'],
  ['西门子', 'PLC、变频器', '价格高出 15%～20%', '品牌认可度高，产品线全', '交期长，小批量不灵活'],
  ['施耐德电气', '低压电器、配电柜', '年度框架价，折扣 8 折', '客户总部统一采购', '本地技术支持响应慢'],
  ['台达电子', '变频器、人机界面', '与我方持平', '性价比高', '定制能力弱'],
  ['三一重工', '工程机械整机', '项目制报价', '品牌强势，融资方案灵活', '配件价格高'],
  ['本地小厂', '钣金件、线束', '低 10% 以上', '价格低，响应快', '质量不稳定，无检测报告'],
]
const MEASURES = [
  '上门拜访采购负责人，了解停止采购原因',
  '提供季度返点方案，额外 3% 返利',
  '安排技术经理电话回访，解决上次质量投诉',
  '寄送新品样品并邀请参加年度客户答谢会',
  '总经理亲自致电客户老板沟通合作',
]

interface Staff {
  /** account manager → the supervisor of the same team (or an admin) who approves */
  approverOf: Map<string, string>
}

async function staffOf(k: Knex): Promise<Staff> {
  const users: Array<{ id: string; team_id: string | null; code: string }> = await k('users as u')
    .join('roles as r', 'r.id', 'u.role_id')
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
    .select('u.id', 'u.team_id', 'r.code')
  const admin = users.find((u) => u.code === 'admin')?.id
  const supervisorOfTeam = new Map(users.filter((u) => u.code === 'supervisor' && u.team_id).map((u) => [u.team_id!, u.id]))
  const approverOf = new Map<string, string>()
  for (const u of users) {
    const approver = (u.team_id && supervisorOfTeam.get(u.team_id)) || admin
    if (approver) approverOf.set(u.id, approver)
  }
  return { approverOf }
}

/** The order in which a sheet is walked to a state (rejected: from 评议). */
const PATH: RequirementStatus[] = ['received', 'organising', 'reviewing', 'reported', 'approved', 'confirmed', 'in_progress', 'done']

async function requirementTo(
  owner: ServiceContext, approver: ServiceContext, customerId: string, target: RequirementStatus, r: Rng, departments: string[], today: number,
): Promise<Requirement> {
  const [content, requirements, suggestions] = r.pick(WORK)
  // planned in the past for the later states (some late), around today for the earlier ones
  const startAgo = PATH.indexOf(target) >= 5 ? r.int(20, 60) : r.int(-10, 10)
  const plannedStart = ymd(today - startAgo * DAY)
  const plannedFinish = ymd(today - startAgo * DAY + r.int(10, 40) * DAY)
  let s = await requirementsCreate(owner, {
    customerId, customerOwner: r.pick(SIGNERS), liaisonId: null, workContent: content, requirements, suggestions,
    priority: r.pick(['high', 'medium', 'medium', 'low'] as const), ownerId: null, plannedStart, plannedFinish, actualStart: null, actualFinish: null,
    notes: null,
  })
  const asked = departments.slice(0, r.int(2, departments.length))
  const step = async (next: RequirementStatus) => {
    const v = { id: s.id, version: s.version }
    if (next === 'organising') s = await requirementsOrganise(owner, v)
    if (next === 'reviewing') s = await requirementsStartReview(owner, { ...v, departmentIds: asked })
    if (next === 'reported') {
      for (const d of asked) s = await requirementsReview(owner, { id: s.id, version: s.version, departmentId: d, feasible: r.chance(0.85), opinion: r.pick(['可行', '需外协部分工序', '需调整排产', '物料需提前备货']) })
      s = await requirementsReport(owner, { id: s.id, version: s.version, report: '各部门评议完成，整体可行，建议批准。' })
    }
    if (next === 'approved') s = await requirementsApprove(approver, { ...v, comment: '同意，按计划推进' })
    if (next === 'confirmed') {
      // one sheet in three is changed after approval, with the reason
      if (r.chance(0.34)) s = await requirementsUpdate(owner, { ...v, fields: { plannedFinish: ymd(Date.parse(plannedFinish) + r.int(5, 15) * DAY) }, reason: '客户要求推迟验收' })
      s = await requirementsConfirm(owner, { id: s.id, version: s.version, signedDate: ymd(Math.min(today, Date.parse(plannedStart))), signerName: r.pick(SIGNERS) })
    }
    if (next === 'in_progress') s = await requirementsStart(owner, { ...v, actualStart: ymd(Math.min(today, Date.parse(plannedStart) + r.int(0, 5) * DAY)) })
    if (next === 'done') s = await requirementsFinish(owner, { ...v, actualFinish: ymd(Math.min(today, Date.parse(plannedFinish) + r.int(-3, 8) * DAY)) })
  }
  if (target === 'rejected') {
    for (const next of PATH.slice(1, 3)) await step(next)
    return requirementsReject(approver, { id: s.id, version: s.version, reason: '生产部评议不可行，产能不足' })
  }
  for (const next of PATH.slice(1, PATH.indexOf(target) + 1)) await step(next)
  return s
}

/** Adds the issue 10 demo records to `count` sampled customers (their owners act). */
export async function fillRetention(app: AppContext, seed: number, out: Out): Promise<void> {
  const k = app.db.knex
  const r = makeRng(seed + 10)
  const { approverOf } = await staffOf(k)
  const customers: Array<{ id: string; owner_id: string }> = await k('customers')
    .whereNull('deleted_at')
    .whereNotNull('owner_id')
    .whereNot('status', 'churned')
    .orderBy('code', 'desc')
    .limit(60)
    .select('id', 'owner_id')
  if (!customers.length) return
  const actors = new Map<string, Actor | null>()
  const ctxOf = async (userId: string): Promise<ServiceContext | null> => {
    if (!actors.has(userId)) actors.set(userId, await loadActor(app, userId))
    const actor = actors.get(userId)
    return actor ? { ...app, actor } : null
  }
  const departments: string[] = await k('dict_items').where({ type_code: 'review_department', enabled: true }).whereNull('deleted_at').orderBy('sort_order').pluck('id')
  const today = Date.parse(new Date(app.clock.now().toISOString().slice(0, 10)).toISOString())

  // ---- 客户需求单: two per state ----------------------------------------------------------------
  const states: RequirementStatus[] = ['received', 'organising', 'reviewing', 'reported', 'approved', 'confirmed', 'in_progress', 'done', 'rejected']
  let sheets = 0
  // customers whose owner has someone to approve (the team's supervisor, or an administrator)
  for (const [i, c] of customers.filter((x) => approverOf.has(x.owner_id)).slice(0, 18).entries()) {
    const owner = await ctxOf(c.owner_id)
    const approver = await ctxOf(approverOf.get(c.owner_id)!)
    if (!owner || !approver || !departments.length) continue
    await requirementTo(owner, approver, c.id, states[i % states.length], r, departments, today)
    sheets++
  }

  // ---- 竞争对手 (for customers that have none yet: a repeated demo adds no second set) -------------------
  let competitors = 0
  const haveCompetitors = new Set<string>(await k('competitors').whereIn('customer_id', customers.map((c) => c.id)).whereNull('deleted_at').distinct().pluck('customer_id'))
  for (const c of customers.slice(0, 30)) {
    const owner = await ctxOf(c.owner_id)
    if (!owner || haveCompetitors.has(c.id)) continue
    let left = 100 - r.int(20, 60)
    for (const [name, products, priceInfo, strengths, weaknesses] of [...COMPETITORS].sort(() => r.next() - 0.5).slice(0, r.int(1, 3))) {
      const sharePct = Math.min(left, r.int(5, 40))
      left -= sharePct
      await competitorsCreate(owner, { customerId: c.id, name, products, priceInfo, strengths, weaknesses, sharePct, notes: null })
      competitors++
    }
  }

  // ---- 流失预警: up to 20 customers without a warning who never ordered or whose last order is over
  // 200 days old (the demo's orders keep all but a few per rep buying; the churn check warns of
  // about two in three), never-ordered ones made 400 days old; only the warnings this run opens
  // get measures or a confirmation
  const old = new Date(app.clock.now().getTime() - 400 * DAY).toISOString()
  const churning: Array<{ id: string; owner_id: string }> = await k('customers as c')
    .whereNull('c.deleted_at')
    .whereNotNull('c.owner_id')
    .where('c.status', 'normal')
    .where((w) => w.whereNull('c.last_order_date').orWhere('c.last_order_date', '<', ymd(today - 200 * DAY)))
    .whereNotExists((q) => q.select(k.raw('1')).from('churn_warnings as w').whereRaw('w.customer_id = c.id').whereNull('w.deleted_at'))
    // those there for over 400 days first: one made older below keeps its 联系策略 history of the
    // later date, and the evaluation would find its occasion since the new creation open for a year
    .orderByRaw('case when c.created_at > ? then 1 else 0 end', [old])
    .orderBy('c.code', 'desc')
    .limit(20)
    .select('c.id', 'c.owner_id')
  // never moved later: a customer's history stays after its creation
  if (churning.length) await k('customers').whereIn('id', churning.map((c) => c.id)).whereNull('last_order_date').where('created_at', '>', old).update({ created_at: old })
  const check = await runChurnCheck(app, { actor: null, customerIds: churning.map((c) => c.id) })
  const reasons: string[] = await k('dict_items').where({ type_code: 'churn_reason', enabled: true }).whereNull('deleted_at').pluck('id')
  let measured = 0
  let confirmed = 0
  for (const [i, c] of churning.entries()) {
    const owner = await ctxOf(c.owner_id)
    if (!owner) continue
    let w = await churnForCustomer(owner, { customerId: c.id })
    if (!w || w.status !== 'open' || i % 3 === 0) continue // a third stay open
    for (let m = 0; m < r.int(1, 3); m++) {
      w = await churnAddMeasure(owner, { id: w.id, version: w.version, measureDate: ymd(today - r.int(0, 20) * DAY), content: r.pick(MEASURES) })
      measured++
    }
    if (i % 3 === 2 && reasons.length) {
      await churnConfirm(owner, { id: w.id, version: w.version, reasonId: r.pick(reasons), reasonText: '多次挽回无效，客户已转向其他供应商' })
      confirmed++
    }
  }
  out.log(`retention demo: ${sheets} requirement sheets in every state, ${competitors} competitors, ${check.opened} churn warnings (${measured} measures, ${confirmed} confirmed)`)
}
