// crm demo, part two: a product catalogue with stock, two years of orders in every status
// (lines priced by the order rounding rule, supervisor approvals, payment plans and payments:
// on time but for a handful per rep), and monthly targets per account manager and yearly ones per team — so the
// customers' 交易金额, 回款 and 销售业绩 screens look alive. Orders go to the customers that have
// none yet; rows are bulk inserted in chunks (one transaction and version per batch); the
// customers' trade figures are set in two statements at the end, and the order and payment
// stats rebuilt.
import type { Knex } from 'knex'
import type { AppContext } from '../modules/context'
import { bulkCommit, insertChunked, insertRows } from '../db/dialect'
import { formatCode, newId } from '../db/ids'
import { nextVersion } from '../db/tx'
import { productSearchText } from '../modules/products/products.service'
import { lineAmounts, settlePlans } from '../modules/orders/orders.model'
import { recomputeAllCustomerTrade } from '../modules/orders/orders.repository'
import { rebuildStats } from '../modules/orders/stats.repository'
import { UNPLANNED_DUE } from '../modules/orders/settlement'
import type { Rng } from './demo-data'
import type { Out } from './output'
import { restoreSuspended, sqliteLoadMemory, suspendIndexes } from './demo-bulk'

type Row = Record<string, unknown>
const DAY = 86_400_000
const BATCH_CUSTOMERS = 2000
const ymd = (d: Date) => d.toISOString().slice(0, 10)
const addDays = (date: string, n: number) => ymd(new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY))

/** category label, code prefix, [name, 型号, unit, price in yuan] */
const CATALOGUE: Array<[string, string, Array<[string, string, string, number]>]> = [
  ['硬件设备', 'HW', [
    ['机架式服务器', 'R740 2U 双路', '台', 38_600], ['塔式服务器', 'T440 单路', '台', 16_800], ['千兆交换机', 'S1724G 24口', '台', 1_580],
    ['万兆核心交换机', 'S6720 48口', '台', 46_500], ['企业级路由器', 'AR6140', '台', 8_900], ['下一代防火墙', 'USG6525E', '台', 23_800],
    ['网络存储', 'NAS 8盘位', '台', 12_600], ['不间断电源', 'C3KS 3000VA', '台', 4_200], ['工业平板电脑', 'IPC-15 15英寸', '台', 6_480],
    ['条码打印机', 'ZT410 300dpi', '台', 7_350], ['视频会议终端', 'TE40 1080P', '套', 9_900], ['无线接入点', 'AP6050 WiFi6', '台', 1_260],
  ]],
  ['软件产品', 'SW', [
    ['ERP 管理软件', '标准版 10用户', '套', 58_000], ['CRM 客户管理系统', '专业版 20用户', '套', 36_000], ['财务软件', 'V12 标准版', '套', 6_800],
    ['进销存软件', '商贸版', '套', 3_980], ['OA 协同办公', '企业版 50用户', '套', 24_000], ['数据库授权', '企业版 每核', '个', 15_600],
    ['杀毒软件授权', '网络版 每点', '点', 98], ['MES 生产执行系统', '基础模块', '套', 128_000],
  ]],
  ['配件耗材', 'PT', [
    ['超五类网线', '305米/箱', '箱', 420], ['六类网线', '305米/箱', '箱', 680], ['光纤跳线', 'LC-LC 3米', '根', 18.5],
    ['服务器内存', 'DDR4 32G', '条', 1_150], ['企业级硬盘', '8TB SAS', '块', 2_380], ['固态硬盘', '1.92TB SATA', '块', 1_960],
    ['标签纸', '100x150mm 500张', '卷', 36], ['碳带', '110mm x 300m', '卷', 58], ['机柜', '42U 600x1000', '台', 2_850],
    ['电源线', 'C13-C14 1.8米', '根', 12.8], ['铜缆', '2.5平方', '米', 6.35],
  ]],
  ['技术服务', 'SV', [
    ['安装调试服务', '现场 每人天', '人天', 1_200], ['系统集成实施', '项目制', '项', 45_000], ['年度维保服务', '7x24 一年', '年', 18_000],
    ['数据迁移服务', '每TB', 'TB', 800], ['培训服务', '每场', '场', 3_500], ['驻场运维', '每人月', '人月', 15_000],
  ]],
]
const WAREHOUSES = ['广州仓', '上海仓', '北京仓', '成都仓']
const DISCOUNTS: Array<[number, number]> = [[0, 55], [300, 10], [500, 12], [800, 8], [1000, 8], [1200, 4], [1500, 3]]

function weighted<T>(r: Rng, items: Array<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0)
  let x = r.next() * total
  for (const [v, w] of items) if ((x -= w) < 0) return v
  return items[items.length - 1][0]
}

interface DemoProduct {
  id: string
  code: string
  name: string
  model: string
  unit: string
  priceCents: number
  category: string
}

async function ensureProducts(k: Knex, dialect: AppContext['db']['dialect'], r: Rng, now: string): Promise<DemoProduct[]> {
  const existing = await k('products').whereNull('deleted_at').where('enabled', true).select('id', 'code', 'name', 'model', 'unit', 'price_cents')
  if (existing.length >= 10) {
    return existing.map((p: Row) => ({ id: String(p.id), code: String(p.code), name: String(p.name), model: String(p.model ?? ''), unit: String(p.unit ?? ''), priceCents: Number(p.price_cents ?? 10_000), category: '' }))
  }
  const categories = new Map((await k('dict_items').where({ type_code: 'product_category' }).whereNull('deleted_at').select('id', 'label')).map((c: Row) => [String(c.label), String(c.id)]))
  const products: DemoProduct[] = []
  const rows: Row[] = []
  const stock: Row[] = []
  for (const [category, prefix, items] of CATALOGUE) {
    items.forEach(([name, model, unit, yuan], i) => {
      const p: DemoProduct = { id: newId(), code: `${prefix}-${String(i + 1).padStart(4, '0')}`, name, model, unit, priceCents: Math.round(yuan * 100), category }
      if (existing.some((e: Row) => e.code === p.code)) return
      products.push(p)
      rows.push({
        id: p.id, code: p.code, name, model, unit, price_cents: p.priceCents, category_id: categories.get(category) ?? null, enabled: true, notes: null,
        search_text: productSearchText({ code: p.code, name, model }), created_at: now, updated_at: now, version: 0,
      })
      if (category !== '技术服务') {
        for (const w of WAREHOUSES) {
          if (!r.chance(0.6)) continue
          stock.push({ id: newId(), product_id: p.id, warehouse: w, quantity: category === '配件耗材' ? r.int(20, 5000) + r.int(0, 9) / 10 : r.int(0, 120), created_at: now, updated_at: now, version: 0 })
        }
      }
    })
  }
  await k.transaction(async (trx) => {
    const version = await nextVersion(trx)
    for (const x of [...rows, ...stock]) x.version = version
    await insertChunked(trx, dialect, 'products', rows)
    await insertChunked(trx, dialect, 'inventory', stock)
  })
  return products
}

/** Reserves `count` order numbers of `year`; answers the first. */
async function reserveOrderCodes(k: Knex, year: number, count: number): Promise<number> {
  const name = `order:${year}`
  return k.transaction(async (trx) => {
    const row = await trx('code_sequences').where({ name }).first('value')
    const start = Number(row?.value ?? 0) + 1
    if (row) await trx('code_sequences').where({ name }).increment('value', count)
    else await trx('code_sequences').insert({ name, value: count })
    return start
  })
}

interface Planned {
  customer: Row
  date: string
  /** the last order of a customer that still buys by its 购买策略: a sale (its 最近交易 stays within the cycle) */
  sale?: boolean
}

/**
 * Picks a few of each owner's items over a whole run — the customers that stopped buying, the
 * sales paid late — so a rep ends up with a believable handful (a few to a dozen) whether the
 * data set has 200 customers or a million: each owner's quota is spread over the pages of
 * customers in proportion to the share of the owner's customers seen so far.
 */
export class OwnerQuota {
  private readonly seen = new Map<string, number>()
  private readonly used = new Map<string, number>()
  private readonly quota = new Map<string, number>()
  /** `customers`: each owner's customers in the whole run; `quota`: how many to pick for an owner of that many */
  constructor(
    private readonly customers: Map<string, number>,
    private readonly quotaFor: (customers: number) => number,
  ) {}

  /** This page's share for `owner` (`pageCustomers` of its customers in it), drawn from `items` by weight. */
  pick<T>(r: Rng, owner: string, pageCustomers: number, items: Array<[T, number]>): T[] {
    const all = this.customers.get(owner) ?? pageCustomers
    if (!this.quota.has(owner)) this.quota.set(owner, this.quotaFor(all))
    const seen = (this.seen.get(owner) ?? 0) + pageCustomers
    this.seen.set(owner, seen)
    const due = Math.round((this.quota.get(owner)! * Math.min(seen, all)) / all) - (this.used.get(owner) ?? 0)
    const pool = [...items]
    const out: T[] = []
    while (out.length < due && pool.length) {
      let x = r.next() * pool.reduce((sum, [, w]) => sum + w, 0)
      const i = Math.max(0, pool.findIndex(([, w]) => (x -= w) < 0))
      out.push(pool.splice(i, 1)[0]![0])
    }
    this.used.set(owner, (this.used.get(owner) ?? 0) + out.length)
    return out
  }
}

const byOwner = <T>(items: T[], owner: (x: T) => string) => {
  const m = new Map<string, T[]>()
  for (const x of items) m.set(owner(x), [...(m.get(owner(x)) ?? []), x])
  return m
}

/**
 * The orders each customer gets: about two in three customers buy. A customer with a 购买策略
 * buys about as often as it says (from a little more often to a little less), at steady intervals
 * with some jitter, its last sale within the cycle; a few per rep (`stops`) have stopped buying
 * some months ago (业务下滑). One without a policy buys at its own pace, on random days. Dated
 * between its creation (or two years ago) and today — so sales grow with the customer base, as
 * a company's do.
 */
function planOrders(r: Rng, customers: Row[], now: Date, stops: OwnerQuota): Planned[] {
  const out: Planned[] = []
  const earliest = now.getTime() - 730 * DAY
  const buyers = customers.filter(() => r.chance(0.68))
  const stopped = new Set<Row>()
  const inPage = byOwner(customers, (c) => String(c.owner_id))
  const fromOf = (c: Row) => Math.max(earliest, Date.parse(String(c.created_at)))
  // one that could have stopped: a customer long enough (one and a half cycles) to have bought and then not
  const mayStop = (c: Row) => Number(c.purchase_cycle) > 0 && now.getTime() - fromOf(c) > 1.5 * Number(c.purchase_cycle) * DAY
  const steady = byOwner(buyers.filter(mayStop), (c) => String(c.owner_id))
  for (const [owner, mine] of inPage) for (const c of stops.pick(r, owner, mine.length, (steady.get(owner) ?? []).map((c) => [c, 1]))) stopped.add(c)
  for (const c of buyers) {
    const from = fromOf(c)
    const cycle = Number(c.purchase_cycle) || 0
    if (cycle) {
      // steady: one order every cycle × 0.75–1.05, the first within the first interval
      const interval = cycle * (0.75 + r.next() * 0.3) * DAY
      const stop = stopped.has(c)
      // a stopped one's last sale lies 1.2–2.2 cycles back (at least 1.3 after it came)
      const until = stop ? Math.max(now.getTime() - cycle * (1.2 + r.next()) * DAY, from + 0.2 * cycle * DAY) : now.getTime()
      let last = 0
      for (let at = from + r.next() * interval; at < until; at += interval * (0.85 + r.next() * 0.3)) {
        out.push({ customer: c, date: ymd(new Date(at)) })
        last = at
      }
      if (stop && !last) out.push({ customer: c, date: ymd(new Date((last = from + r.next() * (until - from)))) })
      // still buying: the latest sale falls within the cycle (a longer gap is 业务下滑)
      if (!stop && now.getTime() - last > 0.9 * cycle * DAY) out.push({ customer: c, date: ymd(new Date((last = now.getTime() - r.next() * 0.5 * Math.min(cycle * DAY, now.getTime() - from)))) })
      out[out.length - 1]!.sale = true
      continue
    }
    const perYear = weighted(r, [[0.5, 25], [1, 30], [2, 22], [3, 13], [5, 10]])
    const years = (now.getTime() - from) / (365 * DAY)
    const n = Math.min(10, Math.max(1, Math.floor(perYear * years + r.next())))
    for (let i = 0; i < n; i++) out.push({ customer: c, date: ymd(new Date(from + r.next() * (now.getTime() - from))) })
  }
  return out
}

/** The status an order of that age ends up in. */
function statusFor(r: Rng, ageDays: number): string {
  if (ageDays > 90) return weighted(r, [['completed', 78], ['shipped', 6], ['approved', 3], ['cancelled', 9], ['draft', 2], ['pending', 2]])
  if (ageDays > 20) return weighted(r, [['completed', 35], ['shipped', 25], ['approved', 18], ['pending', 8], ['draft', 6], ['cancelled', 8]])
  return weighted(r, [['draft', 22], ['pending', 25], ['approved', 25], ['shipped', 15], ['completed', 5], ['cancelled', 8]])
}

/** The status of a sale of that age (an order that must count as a sale). */
function saleStatusFor(r: Rng, ageDays: number): string {
  if (ageDays > 90) return weighted(r, [['completed', 90], ['shipped', 7], ['approved', 3]])
  if (ageDays > 20) return weighted(r, [['completed', 40], ['shipped', 35], ['approved', 25]])
  return weighted(r, [['approved', 60], ['shipped', 30], ['completed', 10]])
}

const SALES = new Set(['approved', 'shipped', 'completed'])
/** a rep's customers that stopped buying, and sales with an instalment past due (回款逾期): a few each */
const stopQuota = (customers: number) => Math.min(4 + Math.round(customers / 100), Math.max(1, Math.round(customers * 0.07)), 10)
const lateQuota = (customers: number) => Math.min(5 + Math.round(customers / 100), Math.max(1, Math.round(customers * 0.1)), 12)

export interface FillOrdersOptions {
  /** also customers that have orders already (benchmarks build bigger data sets in rounds) */
  everyCustomer?: boolean
  /** load in bulk: the order tables' indexes (but those on customer_id, which the load reads) built after it */
  bulk?: boolean
  /** set when the user asks to stop: no more pages */
  stop?: { requested: boolean }
}

const ORDER_TABLES = ['orders', 'order_lines', 'payment_plans', 'payments']
/** an index whose first column is customer_id (the candidates' "has no order yet" reads it) */
const leadsWithCustomer = (definition: string) => /\(\s*["`]?customer_id["`]?\s*[,)]/i.test(definition)

export async function fillOrders(app: AppContext, r: Rng, out: Out, opts: FillOrdersOptions = {}): Promise<void> {
  const k = app.db.knex
  const dialect = app.db.dialect
  const started = Date.now()
  const now = app.clock.now()
  const nowIso = now.toISOString()
  const today = ymd(now)
  const products = await ensureProducts(k, dialect, r, nowIso)
  const methods = (await k('dict_items').where({ type_code: 'payment_method' }).whereNull('deleted_at').orderBy('sort_order').select('id')).map((m: Row) => String(m.id))
  const staff: Row[] = await k('users as u').join('roles as ro', 'ro.id', 'u.role_id').whereNull('u.deleted_at').select('u.id', 'u.team_id', 'ro.code as role')
  const supervisorOf = new Map<string, string>()
  for (const s of staff) if (s.role === 'supervisor' && s.team_id && !supervisorOf.has(String(s.team_id))) supervisorOf.set(String(s.team_id), String(s.id))
  const adminId = staff.find((s) => s.role === 'admin')?.id as string | undefined
  const teamOf = new Map(staff.map((s) => [String(s.id), s.team_id ? String(s.team_id) : null]))

  // the customers in code order, a page at a time (a million customers are not held at once)
  const candidates = (after: string | null) => {
    const q = k('customers as c').leftJoin('dict_items as pp', 'pp.id', 'c.purchase_policy_id').whereNull('c.deleted_at').whereNotNull('c.owner_id')
    if (!opts.everyCustomer) q.whereNotExists(k('orders as o').whereRaw('o.customer_id = c.id').select(k.raw('1')))
    if (after !== null) q.where('c.code', '>', after)
    return q.orderBy('c.code').limit(BATCH_CUSTOMERS).select('c.id', 'c.code', 'c.owner_id', 'c.created_at', 'c.address', 'pp.cycle_days as purchase_cycle') as Promise<Row[]>
  }
  // each owner's customers in this run: the few stopped buyers and late payers are spread over them
  const counted = k('customers as c').whereNull('c.deleted_at').whereNotNull('c.owner_id')
  if (!opts.everyCustomer) counted.whereNotExists(k('orders as o').whereRaw('o.customer_id = c.id').select(k.raw('1')))
  const perOwner = new Map<string, number>((await counted.groupBy('c.owner_id').select('c.owner_id').count({ n: '*' })).map((x: Row) => [String(x.owner_id), Number(x.n)]))
  const stops = new OwnerQuota(perOwner, stopQuota)
  const lates = new OwnerQuota(perOwner, lateQuota)
  let orders = 0
  let lines = 0
  let payments = 0
  let seen = 0
  if (opts.bulk) {
    if (dialect === 'sqlite') await sqliteLoadMemory(k)
    await suspendIndexes(k, dialect, ORDER_TABLES, leadsWithCustomer)
  }
  try {
  for (let page = await candidates(null); page.length; page = page.length < BATCH_CUSTOMERS || opts.stop?.requested ? [] : await candidates(String(page[page.length - 1]!.code))) {
    seen += page.length
    const planned = planOrders(r, page, now, stops).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    const ageOf = (date: string) => Math.round((now.getTime() - Date.parse(`${date}T00:00:00Z`)) / DAY)
    const statuses = new Map(planned.map((p) => [p, p.sale ? saleStatusFor(r, ageOf(p.date)) : statusFor(r, ageOf(p.date))]))
    // the few sales paid late (an instalment past its due date still open): mostly of the last months, now and then an old bad debt
    const late = new Set<Planned>()
    const dueSales = byOwner(planned.filter((p) => SALES.has(statuses.get(p)!) && ageOf(p.date) > 30), (p) => String(p.customer.owner_id))
    for (const [owner, mine] of byOwner(page, (c) => String(c.owner_id))) {
      for (const p of lates.pick(r, owner, mine.length, (dueSales.get(owner) ?? []).map((p) => [p, ageOf(p.date) < 150 ? 6 : 1]))) late.add(p)
    }
    const byYear = new Map<number, number>()
    for (const p of planned) byYear.set(Number(p.date.slice(0, 4)), (byYear.get(Number(p.date.slice(0, 4))) ?? 0) + 1)
    const next = new Map<number, number>()
    for (const [y, n] of byYear) next.set(y, await reserveOrderCodes(k, y, n))
    const rows = { orders: [] as Row[], lines: [] as Row[], plans: [] as Row[], payments: [] as Row[] }
    for (const p of planned) {
      const year = Number(p.date.slice(0, 4))
      const no = next.get(year)!
      next.set(year, no + 1)
      const ownerId = String(p.customer.owner_id)
      const status = statuses.get(p)!
      const orderId = newId()
      const stamp = `${p.date}T0${r.int(1, 8)}:${String(r.int(10, 59))}:00.000Z`
      let total = 0
      let maxBp = 0
      const count = weighted(r, [[1, 30], [2, 30], [3, 20], [4, 12], [5, 8]])
      for (let n = 1; n <= count; n++) {
        const prod = r.pick(products)
        const quantity = prod.unit === '米' || prod.unit === '箱' ? r.int(1, 400) / (r.chance(0.3) ? 2 : 1) : weighted(r, [[1, 40], [2, 25], [r.int(3, 10), 25], [r.int(10, 60), 10]])
        const discountBp = weighted(r, DISCOUNTS)
        const unitPriceCents = r.chance(0.8) ? prod.priceCents : Math.round(prod.priceCents * (0.9 + r.next() * 0.2))
        const a = lineAmounts({ quantity, unitPriceCents, discountBp })
        total += a.lineTotalCents
        maxBp = Math.max(maxBp, discountBp)
        rows.lines.push({
          id: newId(), order_id: orderId, line_no: n, product_id: prod.id, product_name: prod.name, model: prod.model, unit: prod.unit, quantity,
          unit_price_cents: unitPriceCents, discount_bp: discountBp, line_total_cents: a.lineTotalCents, created_at: stamp, updated_at: stamp,
        })
      }
      const reviewed = status !== 'draft' && status !== 'pending' && !(status === 'cancelled' && r.chance(0.5))
      const reviewer = supervisorOf.get(teamOf.get(ownerId) ?? '') ?? adminId ?? null
      const after = (days: number) => new Date(Date.parse(stamp) + days * DAY + r.int(0, 8 * 3600_000)).toISOString()
      const order: Row = {
        id: orderId, code: formatCode('DD', year, no), customer_id: p.customer.id, order_date: p.date, status, total_cents: total, received_cents: 0,
        outstanding_cents: 0, next_due_date: null, max_discount_bp: maxBp, delivery_address: p.customer.address ?? null, notes: null,
        owner_id: ownerId, created_by: ownerId, submitted_at: status === 'draft' ? null : after(0),
        approved_by: reviewed ? reviewer : null, approved_at: reviewed ? after(1) : null, approval_result: reviewed ? 'approved' : null,
        approval_comment: reviewed && maxBp > 1000 ? '折扣较高，经主管审批同意' : null,
        shipped_at: status === 'shipped' || status === 'completed' ? after(r.int(2, 10)) : null,
        completed_at: status === 'completed' ? after(r.int(12, 40)) : null,
        cancelled_at: status === 'cancelled' ? after(r.int(1, 5)) : null, cancel_reason: status === 'cancelled' ? r.pick(['客户取消采购', '价格未谈拢', '改为下期采购']) : null,
        created_at: stamp, updated_at: stamp,
      }
      if (SALES.has(status) && total > 0) {
        // 1–3 instalments 30 days apart; older sales paid but for a few, recent ones partly, some overdue
        let parts = weighted(r, [[1, 45], [2, 35], [3, 20]])
        const share = Math.floor(total / parts / 100) * 100
        if (share === 0) parts = 1
        const plans: Array<{ id: string; dueDate: string; amountCents: number }> = []
        for (let n = 1; n <= parts; n++) {
          plans.push({ id: newId(), dueDate: addDays(p.date, 30 * n), amountCents: n === parts ? total - share * (parts - 1) : share })
        }
        const payDates = plans.filter((x) => x.dueDate <= today)
        const due = payDates.reduce((s, x) => s + x.amountCents, 0)
        // paid as agreed, but for the few late ones: the latest instalment due still open, all of it or half
        let received = due
        const pastDue = payDates.filter((x) => x.dueDate < today)
        if (late.has(p) && pastDue.length) {
          const open = pastDue[pastDue.length - 1]!.amountCents
          received = pastDue.reduce((s, x) => s + x.amountCents, 0) - (r.chance(0.6) || open < 200 ? open : Math.round(open / 200) * 100)
        }
        let rest = received
        for (const x of payDates) {
          if (rest <= 0) break
          const amount = Math.min(rest, x.amountCents)
          rest -= amount
          const paidDate = addDays(x.dueDate, r.int(-10, 20)) > today ? today : addDays(x.dueDate, r.int(-10, 20))
          rows.payments.push({
            id: newId(), order_id: orderId, customer_id: p.customer.id, owner_id: ownerId, paid_date: paidDate < p.date ? p.date : paidDate, amount_cents: amount,
            method_id: methods.length ? methods[r.int(0, Math.min(methods.length, 3) - 1)] : null, note: null, created_by: ownerId,
            created_at: `${paidDate}T03:00:00.000Z`, updated_at: `${paidDate}T03:00:00.000Z`,
          })
        }
        const s = settlePlans(plans, received)
        for (const x of plans) {
          const paid = s.paid.get(x.id) ?? 0
          rows.plans.push({
            id: x.id, order_id: orderId, customer_id: p.customer.id, owner_id: ownerId, order_status: status, order_date: p.date, order_total_cents: total,
            due_date: x.dueDate, amount_cents: x.amountCents, paid_cents: paid,
            open_due_date: paid < x.amountCents ? x.dueDate : null, note: parts > 1 ? `第${plans.indexOf(x) + 1}期` : null, created_at: stamp, updated_at: stamp,
          })
        }
        Object.assign(order, {
          received_cents: received, outstanding_cents: total - received, next_due_date: s.nextDueDate,
          receivable_due: total > received ? (s.nextDueDate ?? UNPLANNED_DUE) : null,
        })
      }
      rows.orders.push(order)
    }
    await k.transaction(async (trx) => {
      await bulkCommit(trx, dialect)
      const version = await nextVersion(trx)
      for (const list of Object.values(rows)) for (const x of list) x.version = version
      await insertRows(trx, dialect, 'orders', rows.orders)
      await insertRows(trx, dialect, 'order_lines', rows.lines)
      await insertRows(trx, dialect, 'payment_plans', rows.plans)
      await insertRows(trx, dialect, 'payments', rows.payments)
    })
    orders += rows.orders.length
    lines += rows.lines.length
    payments += rows.payments.length
    out.progress(`demo: ${seen} customers, ${orders} orders, ${lines} lines, ${payments} payments`)
    await new Promise((resolve) => setImmediate(resolve)) // a turn of the event loop: Ctrl-C is handled
  }
  } finally {
    if (opts.bulk) await restoreSuspended(k, dialect, out)
  }
  const targets = await demoTargets(k, dialect, r, now)
  await k.transaction(async (trx) => {
    await recomputeAllCustomerTrade(trx, await nextVersion(trx))
    await rebuildStats(trx, dialect)
  })
  if (dialect === 'postgres') for (const t of ['orders', 'order_lines', 'payment_plans', 'payments', 'customers']) await k.raw('analyze ??', [t])
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  out.log(`created ${products.length} products, ${orders} orders with ${lines} lines, ${payments} payments and ${targets} targets in ${seconds}s`)
}

/** Monthly targets per manager for this year and last (about their average month, ±30 %) and yearly team targets; only when there are none. */
async function demoTargets(k: Knex, dialect: AppContext['db']['dialect'], r: Rng, now: Date): Promise<number> {
  if (await k('sales_targets').whereNull('deleted_at').first('id')) return 0
  const year = now.getUTCFullYear()
  const from = `${year - 1}-01-01`
  const sums: Row[] = await k('orders').where('order_date', '>=', from).whereNull('deleted_at').whereIn('status', [...SALES]).groupBy('owner_id').select('owner_id').sum({ s: 'total_cents' })
  const managers: Row[] = await k('users as u').join('roles as ro', 'ro.id', 'u.role_id').where('ro.code', 'manager').whereNull('u.deleted_at').select('u.id', 'u.team_id')
  const nowIso = now.toISOString()
  const rows: Row[] = []
  const perTeam = new Map<string, number>()
  for (const m of managers) {
    const monthly = Math.round(Number(sums.find((s) => s.owner_id === m.id)?.s ?? 0) / 24 / 1_000_000) * 1_000_000 || 5_000_000
    for (const y of [year - 1, year]) {
      for (let month = 1; month <= 12; month++) {
        const amount = Math.round((monthly * (0.85 + r.next() * 0.45)) / 100_000) * 100_000
        rows.push({ id: newId(), owner_id: m.id, team_id: m.team_id ?? null, period_type: 'month', period_start: `${y}-${String(month).padStart(2, '0')}-01`, amount_cents: amount, created_at: nowIso, updated_at: nowIso })
        if (y === year && m.team_id) perTeam.set(String(m.team_id), (perTeam.get(String(m.team_id)) ?? 0) + amount)
      }
    }
  }
  for (const [teamId, amount] of perTeam) {
    rows.push({ id: newId(), owner_id: null, team_id: teamId, period_type: 'year', period_start: `${year}-01-01`, amount_cents: amount, created_at: nowIso, updated_at: nowIso })
  }
  await k.transaction(async (trx) => {
    const version = await nextVersion(trx)
    for (const x of rows) x.version = version
    await insertChunked(trx, dialect, 'sales_targets', rows)
  })
  return rows.length
}
