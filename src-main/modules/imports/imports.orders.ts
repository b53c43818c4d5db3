// 导入 of orders: one row per order line, the rows grouped by their order number (a row without
// one is an order of its own, numbered DD-<year>-<n>). Each row's customer by its code or its exact
// name (within the importer's customers scope; none or several: the row is rejected and says
// which), its product by code (its name, 型号, unit and price when the row has none), owner by
// login or name (default: the customer's owner), status among those an import may set (sales —
// 已审批/已发货/已完成 — only with orders.approve). An order is written whole or not at all: when one
// of its rows is rejected, its other rows are too (their reason names the bad rows). 查重 by order
// number: skip, or create under a new number. Written through the orders service, which keeps
// the customers' 交易次数/交易金额/首次交易/最近交易, the receivables and order_stats right.
import { z } from 'zod'
import type { ServiceContext } from '../context'
import type { ImportIssue, OnDuplicate } from '../../contract/imports'
import { COUNTED_STATUSES, MAX_LINES, OrderLineInput } from '../../contract/orders'
import { AppError } from '../../shared/errors'
import { nextVersion } from '../../db/tx'
import { can, inScope, requirePerm } from '../auth/permissions'
import { customersForOrderImport, type ImportCustomerRef } from '../customers/customers.service'
import { insertImportedOrders, orderCodesTaken, type ImportedOrder } from '../orders/orders.service'
import { productsByCodeForImport } from '../products/products.service'
import { userOptions } from '../users/users.service'
import { IMPORT_ORDER_STATUSES } from './imports.fields'
import { zodIssues, type ConvertedRow } from './imports.rows'
import type { Counts } from './imports.products'

type Status = (typeof IMPORT_ORDER_STATUSES)[number]

export interface CheckedOrderRow extends ConvertedRow {
  order?: {
    customer: ImportCustomerRef
    ownerId: string
    status: Status
    orderDate: string
    line: z.infer<typeof OrderLineInput>
  }
}

const RowTexts = z.object({
  orderCode: z.string().max(32).optional(),
  customerCode: z.string().max(32).optional(),
  customerName: z.string().max(200).optional(),
  productCode: z.string().max(64).optional(),
  owner: z.string().max(100).optional(),
  deliveryAddress: z.string().max(500).optional(),
  notes: z.string().max(4000).optional(),
})

/** The row by itself: a customer and a product named, text lengths. */
export function checkOrderRow(r: ConvertedRow): CheckedOrderRow {
  const out: CheckedOrderRow = { ...r, issues: [...r.issues] }
  const v = r.values
  const has = (k: string) => v[k] !== undefined || out.issues.some((i) => i.field === k)
  if (!has('customerCode') && !has('customerName')) out.issues.push({ field: 'customerName', code: 'customer_required' })
  if (!has('productCode') && !has('productName')) out.issues.push({ field: 'productName', code: 'product_required' })
  const t = RowTexts.safeParse(Object.fromEntries(Object.keys(RowTexts.shape).map((k) => [k, v[k] === undefined ? undefined : String(v[k])])))
  if (!t.success) out.issues.push(...zodIssues(t.error))
  return out
}

const lower = (s: unknown) => String(s).trim().toLowerCase()

/**
 * Finds each row's customer, product and owner and checks its line by the order form's schema; a
 * row that fails gets its issues (one per field: a field whose cell was already refused keeps that
 * reason), so that the error report names every problem of the row at once.
 */
export async function resolveOrderRows(ctx: ServiceContext, rows: CheckedOrderRow[]) {
  const valid = rows
  if (!valid.length) return
  const scope = requirePerm(ctx.actor, 'orders', 'import')
  const mayApprove = can(ctx.actor, 'orders', 'approve')
  const str = (r: CheckedOrderRow, k: string) => (r.values[k] === undefined ? undefined : String(r.values[k]))
  const customers = await customersForOrderImport(
    ctx,
    valid.map((r) => str(r, 'customerCode')).filter((x): x is string => !!x),
    valid.filter((r) => !str(r, 'customerCode')).map((r) => str(r, 'customerName')!),
  )
  const products = await productsByCodeForImport(ctx.db.knex, valid.map((r) => str(r, 'productCode')).filter((x): x is string => !!x).map(lower))
  const users = valid.some((r) => r.values.owner !== undefined) ? await userOptions(ctx) : []
  for (const r of valid) {
    const issues: ImportIssue[] = []
    // the customer
    let customer: ImportCustomerRef | undefined
    const code = str(r, 'customerCode')
    if (code) {
      customer = customers.byCode.get(code)
      if (!customer) issues.push({ field: 'customerCode', code: 'no_customer', params: { value: code } })
    } else {
      const name = str(r, 'customerName')!
      const found = customers.byName.get(name) ?? []
      if (found.length === 1) customer = found[0]
      else if (!found.length) issues.push({ field: 'customerName', code: 'no_customer', params: { value: name } })
      else issues.push({ field: 'customerName', code: 'ambiguous_customer', params: { value: name, count: found.length, codes: found.map((c) => c.code).join(', ') } })
    }
    // the product
    const pcode = str(r, 'productCode')
    const product = pcode ? products.get(lower(pcode)) : undefined
    if (pcode && (!product || !product.live)) issues.push({ field: 'productCode', code: 'no_product', params: { value: pcode } })
    else if (product && !product.enabled) issues.push({ field: 'productCode', code: 'product_disabled', params: { value: pcode } })
    const p = product?.live && product.enabled ? product : undefined
    const line = {
      productId: p?.id ?? null,
      productName: str(r, 'productName') ?? p?.name,
      model: str(r, 'model') ?? p?.model ?? null,
      unit: str(r, 'unit') ?? p?.unit ?? null,
      quantity: r.values.quantity as number,
      unitPriceCents: (r.values.unitPriceCents as number | undefined) ?? p?.priceCents ?? undefined,
      discountBp: (r.values.discountBp as number | undefined) ?? 0,
    }
    if ((!pcode || p) && line.productName !== undefined) {
      if (line.unitPriceCents === undefined) issues.push({ field: 'unitPriceCents', code: 'required' })
      else {
        const lc = OrderLineInput.safeParse(line)
        if (!lc.success) issues.push(...zodIssues(lc.error).filter((i) => i.field !== 'productId'))
      }
    }
    // status and owner
    const status = (r.values.status as Status | undefined) ?? 'draft'
    if ((COUNTED_STATUSES as readonly string[]).includes(status) && !mayApprove) issues.push({ field: 'status', code: 'status_needs_approve' })
    let ownerId = customer ? (customer.ownerId ?? ctx.actor.userId) : ctx.actor.userId
    const owner = str(r, 'owner')
    if (owner) {
      const byLogin = users.filter((u) => u.login.toLowerCase() === lower(owner))
      const matches = byLogin.length ? byLogin : users.filter((u) => u.name.trim() === owner.trim())
      if (!matches.length) issues.push({ field: 'owner', code: 'no_user', params: { value: owner } })
      else if (matches.length > 1) issues.push({ field: 'owner', code: 'ambiguous_user', params: { value: owner } })
      else if (!inScope(ctx.actor, scope, matches[0]!.id, matches[0]!.teamId)) issues.push({ field: 'owner', code: 'owner_not_permitted', params: { value: owner } })
      else ownerId = matches[0]!.id
    }
    const fresh = issues.filter((i) => !r.issues.some((x) => x.field === i.field))
    r.issues.push(...fresh)
    if (!r.issues.length) r.order = { customer: customer!, ownerId, status, orderDate: String(r.values.orderDate), line: OrderLineInput.parse(line) }
  }
}

type Reject = (r: ConvertedRow, issues: ImportIssue[]) => Promise<void>

interface Group {
  code: string | null
  rows: CheckedOrderRow[]
}

/**
 * The rows of an orders import, gathered while the file is read (an order's lines may be anywhere
 * in it), then checked, grouped and written in chunks of about `chunkRows` lines.
 */
export class OrderWriter {
  private rows: CheckedOrderRow[] = []
  /** lines written or settled (progress of the writing half) */
  done = 0

  constructor(
    private ctx: ServiceContext,
    private onDuplicate: OnDuplicate,
    private batchId: string,
    private noteVersion: (v: number) => void,
    private issuesOfError: (e: AppError) => ImportIssue[],
  ) {}

  add(r: ConvertedRow) {
    this.rows.push(checkOrderRow(r))
  }

  get total() {
    return this.rows.length
  }

  async finish(job: Counts & { cancel: boolean }, reject: Reject, chunkRows: number, between: () => Promise<void>) {
    const rows = this.rows
    this.rows = []
    for (let i = 0; i < rows.length; i += 2000) await resolveOrderRows(this.ctx, rows.slice(i, i + 2000))
    const groups = new Map<string, Group>()
    for (const r of rows) {
      const code = r.values.orderCode === undefined ? null : String(r.values.orderCode)
      const key = code ?? `\u0000${r.rowNumber}`
      const g = groups.get(key) ?? { code, rows: [] }
      g.rows.push(r)
      groups.set(key, g)
    }
    const ok: Group[] = []
    for (const g of groups.values()) {
      checkGroup(g)
      const bad = g.rows.filter((r) => r.issues.length)
      if (!bad.length) {
        ok.push(g)
        continue
      }
      for (const r of g.rows) await reject(r, r.issues.length ? r.issues : [{ field: null, code: 'order_has_errors', params: { rows: bad.map((b) => b.rowNumber).join(', ') } }])
      this.done += g.rows.length
    }
    const taken = await orderCodesTaken(this.ctx, ok.map((g) => g.code).filter((c): c is string => !!c))
    let chunk: Group[] = []
    let lines = 0
    const flush = async () => {
      if (!chunk.length) return
      const groupsOfChunk = chunk
      chunk = []
      lines = 0
      await this.writeChunk(groupsOfChunk, job, reject)
      await between()
    }
    for (const g of ok) {
      if (job.cancel) break
      if (g.code && taken.has(g.code)) {
        if (this.onDuplicate === 'skip') {
          job.skipped += g.rows.length
          this.done += g.rows.length
          continue
        }
        g.code = null // create anyway: under a new number
      }
      chunk.push(g)
      lines += g.rows.length
      if (lines >= chunkRows) await flush()
    }
    if (!job.cancel) await flush()
  }

  private async writeChunk(groups: Group[], job: Counts, reject: Reject) {
    const items: ImportedOrder[] = groups.map((g) => {
      const first = g.rows[0]!
      const o = first.order!
      const text = (k: string) => g.rows.map((r) => r.values[k]).find((v) => v !== undefined) as string | undefined
      return {
        code: g.code, customerId: o.customer.id, customerAddress: o.customer.address, ownerId: o.ownerId, orderDate: o.orderDate, status: o.status,
        deliveryAddress: text('deliveryAddress') ?? null, notes: text('notes') ?? null, lines: g.rows.map((r) => r.order!.line),
      }
    })
    const r = await this.ctx.db.knex.transaction(async (trx) => {
      const version = await nextVersion(trx)
      this.noteVersion(version)
      return insertImportedOrders(trx, this.ctx, items, { batchId: this.batchId, version })
    })
    for (const i of r.indexes) job.imported += groups[i]!.rows.length
    for (const [i, e] of r.failed) for (const row of groups[i]!.rows) await reject(row, this.issuesOfError(e))
    this.done += groups.reduce((s, g) => s + g.rows.length, 0)
  }
}

/** The rows of one order agree on its customer, date, status and owner; at most MAX_LINES lines. */
function checkGroup(g: Group) {
  const valid = g.rows.filter((r) => !r.issues.length)
  const first = valid[0]
  if (!first) return
  const f = first.order!
  for (const r of valid.slice(1)) {
    const o = r.order!
    const params = { row: first.rowNumber }
    if (o.customer.id !== f.customer.id) r.issues.push({ field: r.values.customerCode !== undefined ? 'customerCode' : 'customerName', code: 'order_mismatch', params })
    if (o.orderDate !== f.orderDate) r.issues.push({ field: 'orderDate', code: 'order_mismatch', params })
    if (o.status !== f.status) r.issues.push({ field: 'status', code: 'order_mismatch', params })
    if (o.ownerId !== f.ownerId) r.issues.push({ field: 'owner', code: 'order_mismatch', params })
  }
  if (g.rows.length > MAX_LINES) for (const r of g.rows) if (!r.issues.length) r.issues.push({ field: null, code: 'too_many_lines', params: { max: MAX_LINES } })
}

/** What 查重 finds for the rows (preview): an order of the same number. */
export async function orderDuplicates(ctx: ServiceContext, rows: CheckedOrderRow[]): Promise<Array<string | null>> {
  const codes = rows.map((r) => (r.values.orderCode === undefined ? null : String(r.values.orderCode)))
  const taken = await orderCodesTaken(ctx, codes.filter((c): c is string => !!c))
  return codes.map((c) => (c && taken.has(c) ? c : null))
}
