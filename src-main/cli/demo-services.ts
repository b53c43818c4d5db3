// crm demo, 服务管理: service tickets over the last two years in every state — archived ones
// with their handling notes and satisfaction (some reopened once after a low score), recorded
// feedback, handled, assigned (some with a quote waiting for the customer or the supervisor)
// and new (some past their SLA, some back from a low score) — for the demo customers. Tickets are
// created by the 客服专员 when there are some, else by the account managers.
import type { Knex } from 'knex'
import type { AppContext } from '../modules/context'
import { insertChunked } from '../db/dialect'
import { formatCode, newId } from '../db/ids'
import { nextVersion } from '../db/tx'
import { buildTicketSearchText } from '../modules/services/services.text'
import { personName, type Rng } from './demo-data'
import type { Out } from './output'

const DAY = 86_400_000
const HOUR = 3_600_000
const BATCH = 500

type Row = Record<string, unknown>
/** summary, request, handling notes (in order), quote in yuan for paid work */
type Case = [string, string, string[], number?]

const CASES: Record<string, Case[]> = {
  咨询: [
    ['询问设备保养周期', '客户询问新购加工中心多久需要保养一次，保养包含哪些项目。', ['电话答复：每运行 500 小时或三个月保养一次，并发送保养手册电子版。']],
    ['咨询备件供货周期', '客户想了解主轴轴承、导轨滑块等常用备件的供货周期和价格。', ['整理常用备件清单及交期，邮件发送给客户采购部。']],
    ['询问增值税发票开具', '客户财务询问上月订单的增值税专用发票何时开具。', ['与财务部确认已开票，快递单号已告知客户。']],
    ['咨询操作培训安排', '客户新招操作工，询问能否安排上门操作培训。', ['约定下周二上门培训半天，培训讲师已确认。', '培训完成，客户签署培训记录。']],
  ],
  建议: [
    ['建议增加远程监控功能', '客户建议设备增加远程状态监控，便于夜班无人值守。', ['已记录需求并转产品部评估，答复客户预计下一版本提供。']],
    ['建议提供中文操作手册', '客户反映部分设备只有英文手册，建议提供中文版。', ['联系技术部提供中文版 PDF，已发送客户。']],
    ['建议优化送货时间', '客户建议送货安排在上午 10 点前，避开厂区装卸高峰。', ['已通知物流部调整该客户的配送时段。']],
  ],
  投诉: [
    ['送货延迟三天', '订单约定上周五到货，实际本周一才送到，影响客户生产排期。', ['向客户致歉，核实为物流中转延误。', '与物流商沟通赔偿，并承诺该客户后续订单优先配送。']],
    ['产品外包装破损', '到货的两箱配件外包装破损，部分零件有划痕。', ['客户发来照片确认破损情况。', '安排补发两箱配件，破损件回收。']],
    ['售后响应太慢', '客户报修后两天无人联系，投诉售后响应慢。', ['致电客户道歉，当天安排工程师上门。', '问题已解决，内部通报售后响应时限要求。']],
    ['发票信息错误', '收到的发票抬头与合同不一致，无法入账。', ['财务作废原发票并重新开具，快递寄出。']],
  ],
  维修: [
    ['数控机床主轴异响', '客户反映加工中心主轴高速运转时有异响，需要上门检修。', ['电话了解故障现象，约定上门时间。', '现场检查主轴前端轴承磨损，更换轴承后试机正常。'], 2680],
    ['液压系统漏油', '设备液压系统漏油严重，油管接头处渗油。', ['更换液压油管接头密封圈，紧固后试压无渗漏。'], 860],
    ['控制柜报警 E-07', '设备开机后控制柜报警 E-07，无法启动。', ['远程指导客户检查急停回路。', '确认伺服驱动器故障，更换驱动器后恢复正常。'], 4500],
    ['冷却泵不工作', '冷却泵通电不转，加工时无冷却液。', ['现场检查冷却泵电机烧毁，更换电机。'], 1200],
    ['导轨卡滞', 'X 轴导轨移动时有卡滞感，加工精度下降。', ['清洗导轨并重新润滑，调整镶条间隙，精度恢复。']],
    ['触摸屏无响应', '操作面板触摸屏偶尔无响应，需要重启。', ['升级系统固件，观察一周未再出现。']],
  ],
  其他: [
    ['更改收货地址', '客户新厂区启用，后续订单需要改送新地址。', ['已更新客户收货地址并通知销售和物流。']],
    ['申请延长保修', '客户希望将设备保修期延长一年。', ['提交延保方案和报价，客户确认购买延保服务。']],
    ['索要合格证复印件', '客户审核需要设备合格证和检测报告复印件。', ['扫描合格证及检测报告，邮件发送客户。']],
  ],
}

/** How the demo spreads the tickets over the states by age: the open ones are recent. */
const STATES_BY_AGE: Array<[number, Array<[string, number]>]> = [
  [2, [['new', 40], ['assigned', 35], ['handled', 15], ['feedback', 10]]],
  [21, [['archived', 40], ['feedback', 20], ['handled', 15], ['assigned', 15], ['new', 10]]],
  [Infinity, [['archived', 95], ['feedback', 5]]],
]

async function usersByRole(k: Knex, codes: string[]): Promise<Array<{ id: string; role: string; team: string | null }>> {
  const rows = await k('users as u')
    .join('roles as r', 'r.id', 'u.role_id')
    .whereIn('r.code', codes)
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
    .orderBy('u.login')
    .select('u.id', 'r.code as role', 'u.team_id as team')
  return rows.map((r: Row) => ({ id: String(r.id), role: String(r.role), team: r.team ? String(r.team) : null }))
}

const FIRST_STATES = ['new', 'assigned', 'handled', 'feedback', 'archived', 'new']

function pickState(r: Rng, ageDays: number): string {
  const states = STATES_BY_AGE.find(([maxAge]) => ageDays <= maxAge)![1]
  const total = states.reduce((n, [, w]) => n + w, 0)
  let x = r.next() * total
  for (const [s, w] of states) if ((x -= w) < 0) return s
  return states[0][0]
}

/** Reserves `count` ticket numbers of `year`; returns the first. */
async function reserve(k: Knex, year: number, count: number): Promise<number> {
  const name = `service:${year}`
  return k.transaction(async (trx) => {
    const row = await trx('code_sequences').where({ name }).first('value')
    const start = Number(row?.value ?? 0) + 1
    if (row) await trx('code_sequences').where({ name }).increment('value', count)
    else await trx('code_sequences').insert({ name, value: count })
    return start
  })
}

/** Adds about one service ticket per three customers (at least 20, at most 20,000). */
export async function demoServices(app: AppContext, r: Rng, customerCount: number, out: Out): Promise<void> {
  const k = app.db.knex
  const staff = await usersByRole(k, ['manager', 'agent', 'supervisor'])
  const handlers = staff.filter((u) => u.role !== 'supervisor')
  const supervisors = staff.filter((u) => u.role === 'supervisor')
  const agents = staff.filter((u) => u.role === 'agent')
  const types = await k('dict_items').where({ type_code: 'service_type' }).whereNull('deleted_at').where('enabled', true).select('id', 'label')
  const customers: Row[] = await k('customers').whereNull('deleted_at').orderBy('created_at', 'desc').limit(20_000).select('id', 'name', 'owner_id')
  if (!handlers.length || !types.length || !customers.length) return
  const count = Math.min(20_000, Math.max(20, Math.round(customerCount / 3)))
  const now = app.clock.now()

  // created times first, so codes follow the creation order within each year
  const created = Array.from({ length: count }, (_, i) =>
    i < Math.ceil(count * 0.15) ? now.getTime() - r.int(1, 20 * 24) * HOUR : now.getTime() - r.int(1, 730) * DAY - r.int(0, DAY - 1),
  ).sort((a, b) => a - b)
  const perYear = new Map<number, number>()
  for (const c of created) perYear.set(new Date(c).getFullYear(), (perYear.get(new Date(c).getFullYear()) ?? 0) + 1)
  const nextNo = new Map<number, number>()
  for (const [year, n] of perYear) nextNo.set(year, await reserve(k, year, n))

  let notesTotal = 0
  for (let done = 0; done < count; ) {
    const n = Math.min(BATCH, count - done)
    const tickets: Row[] = []
    const notes: Row[] = []
    for (let i = 0; i < n; i++) {
      const at = created[done + i]
      const createdAt = new Date(at)
      const year = createdAt.getFullYear()
      const no = nextNo.get(year)!
      nextNo.set(year, no + 1)
      const code = formatCode('FW', year, no)
      const type = r.pick(types) as Row
      const [summary, request, steps, quoteYuan] = r.pick(CASES[String(type.label)] ?? CASES['其他'])
      const customer = r.pick(customers)
      const creator = agents.length && r.chance(0.7) ? r.pick(agents) : r.pick(handlers)
      const urgent = String(type.label) === '投诉' || String(type.label) === '维修' ? r.chance(0.35) : r.chance(0.05)
      // the newest six show every state (one reopened and waiting again); the others follow their age
      const newest = count - 1 - (done + i)
      const state = newest < FIRST_STATES.length ? FIRST_STATES[newest] : pickState(r, (now.getTime() - at) / DAY)
      // some waiting tickets are back from a low score: handled once, reopened, not yet reassigned
      const reopenedWaiting = state === 'new' && (newest === FIRST_STATES.length - 1 || (newest >= FIRST_STATES.length && r.chance(0.25)))
      const id = newId()
      const row: Row = {
        id, code, customer_id: customer.id, type_id: type.id, urgency: urgent ? 'urgent' : 'normal', summary, request,
        contact_id: null, contact_info: r.chance(0.5) ? `${personName(r, r.chance(0.6) ? 'male' : 'female')} 1${r.pick(['38', '39', '58', '86'])}${r.digits(8)}` : null,
        status: 'new', created_by: creator.id, owner_id: customer.owner_id ?? null, created_at: createdAt.toISOString(), sla_start_at: createdAt.toISOString(),
        reopen_count: 0, deleted_at: null, quote_status: null,
      }
      const noteRows: Row[] = []
      let t = at
      const step = (minH: number, maxH: number) => (t = Math.min(now.getTime() - 60_000, t + r.int(minH * 60, maxH * 60) * 60_000))
      if (state !== 'new' || reopenedWaiting) {
        const handler = r.pick(handlers)
        const sup = supervisors.find((s) => s.team && s.team === handler.team) ?? (supervisors.length ? r.pick(supervisors) : handler)
        const assignedAt = step(urgent ? 0.2 : 1, urgent ? 2 : 20)
        Object.assign(row, {
          status: 'assigned', assigned_to: handler.id, assigned_by: sup.id, assigned_at: new Date(assignedAt).toISOString(),
          first_assigned_at: new Date(assignedAt).toISOString(), assign_minutes: Math.round((assignedAt - at) / 60_000),
        })
        const open = state === 'assigned' && !reopenedWaiting
        const shown = open ? steps.slice(0, Math.max(0, r.int(0, steps.length - 1))) : steps
        for (const content of shown) {
          noteRows.push({ kind: 'handling', content, noted_at: new Date(step(1, 30)).toISOString(), author_id: handler.id, satisfaction: null })
        }
        if (quoteYuan) {
          const qStatus = open ? r.pick(['pending', 'confirmed']) : 'approved'
          Object.assign(row, {
            quote_cents: quoteYuan * 100, quote_note: '更换配件及上门工时', quote_status: qStatus, quote_by: handler.id, quote_at: new Date(at + HOUR).toISOString(),
            ...(qStatus !== 'pending' ? { quote_customer_note: '客户电话确认', quote_customer_at: new Date(at + 2 * HOUR).toISOString() } : {}),
            ...(qStatus === 'approved' ? { quote_decided_by: sup.id, quote_decided_at: new Date(at + 3 * HOUR).toISOString() } : {}),
          })
          if (String(type.label) === '维修' && r.chance(0.6)) {
            Object.assign(row, { survey_result: '现场勘察确认故障部位，需要更换配件', survey_at: new Date(at + HOUR).toISOString(), survey_by: handler.id })
          }
        }
        if (!open) {
          const handledAt = step(1, 12)
          Object.assign(row, {
            status: 'handled', handled_by: handler.id, handled_at: new Date(handledAt).toISOString(), resolve_minutes: Math.round((handledAt - at) / 60_000),
          })
          if (reopenedWaiting) {
            const fbAt = step(2, 24)
            const low = r.int(1, 2)
            noteRows.push({ kind: 'feedback', content: '故障再次出现，客户不满意', noted_at: new Date(fbAt).toISOString(), author_id: creator.id, satisfaction: low })
            Object.assign(row, {
              status: 'new', assigned_to: null, assigned_at: null, reopen_count: 1, reopened_at: new Date(fbAt).toISOString(),
              sla_start_at: new Date(fbAt).toISOString(), satisfaction: low, feedback: '故障再次出现，客户不满意', feedback_at: new Date(fbAt).toISOString(),
              feedback_by: creator.id,
            })
          } else if (state !== 'handled') {
            // one in twelve closed tickets went through a low score and a second round first
            const reopened = r.chance(1 / 12)
            if (reopened) {
              const low = r.int(1, 2)
              const fbAt = step(2, 48)
              noteRows.push({ kind: 'feedback', content: '问题没有彻底解决，客户不满意', noted_at: new Date(fbAt).toISOString(), author_id: creator.id, satisfaction: low })
              noteRows.push({ kind: 'handling', content: '再次上门复查，彻底排除故障，客户确认', noted_at: new Date(step(4, 48)).toISOString(), author_id: handler.id, satisfaction: null })
              const again = step(1, 12)
              Object.assign(row, {
                reopen_count: 1, reopened_at: new Date(fbAt).toISOString(), sla_start_at: new Date(fbAt).toISOString(), handled_at: new Date(again).toISOString(),
                resolve_minutes: Math.round((again - at) / 60_000),
              })
            }
            // a score of 1–2 always reopens the ticket (as the service does): closed ones end with 3–5
            const score = r.pick([5, 5, 5, 4, 4, 4, 3, 3])
            const fbAt = step(2, 72)
            const comment = score >= 4 ? r.pick(['满意', '处理及时，很满意', '工程师很专业']) : score === 3 ? '一般' : '响应偏慢'
            noteRows.push({ kind: 'feedback', content: comment, noted_at: new Date(fbAt).toISOString(), author_id: creator.id, satisfaction: score })
            Object.assign(row, { status: 'feedback', satisfaction: score, feedback: comment, feedback_at: new Date(fbAt).toISOString(), feedback_by: creator.id })
            if (state === 'archived') {
              Object.assign(row, { status: 'archived', archived_at: new Date(step(1, 96)).toISOString(), archived_by: creator.id })
            }
          }
        }
      }
      row.updated_at = new Date(Math.max(t, at)).toISOString()
      row.search_text = buildTicketSearchText({
        code, customerName: String(customer.name), summary, request, notes: noteRows.filter((x) => x.kind === 'handling').map((x) => String(x.content)),
      })
      tickets.push(row)
      for (const nr of noteRows) {
        notes.push({ id: newId(), ticket_id: id, owner_id: row.owner_id, created_at: nr.noted_at, updated_at: nr.noted_at, deleted_at: null, ...nr })
      }
    }
    await k.transaction(async (trx) => {
      const version = await nextVersion(trx)
      for (const row of tickets) row.version = version
      for (const row of notes) row.version = version
      await insertChunked(trx, app.db.dialect, 'service_tickets', tickets)
      await insertChunked(trx, app.db.dialect, 'service_ticket_notes', notes)
    })
    done += n
    notesTotal += notes.length
    out.progress(`demo: ${done}/${count} service tickets, ${notesTotal} notes`)
  }
  out.log(`created ${count} service tickets with ${notesTotal} handling notes and feedback`)
}
