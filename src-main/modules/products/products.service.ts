// 产品 and 库存: a paged catalogue with one-LIKE search (code, name, 型号, pinyin of the name),
// create with a CP-<6 digits> code when none is typed, versioned edits, delete only while no
// order line uses the product (else disable it), and stock per warehouse. Products belong to
// nobody: view is enough to look them up (sales roles), products.create/edit to change them.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import { ProductFields, type Product, type StockRow } from '../../contract/products'
import { AppError, fieldError, notFound, ruleError } from '../../shared/errors'
import { toBool, toIso, toNum } from '../../db/dialect'
import { newId, nextSequence } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import { diff, recordAudit, recordAuditMany, type AuditInput } from '../audit/audit.service'
import { assertDictRefs } from '../dictionary/dictionary.service'
import { pinyinForms } from '../customers/customers.search'
import {
  findProduct, findStock, importedProducts, insertProduct, insertProducts, insertStock, productCodeTaken, productList, productsByCodes, productsUse,
  productUse, stockList, stockOf, takenProductCodes, updateProduct, updateStock, warehouseNames, type Row,
} from './products.repository'

type Fields = Partial<ReturnType<typeof ProductFields.parse>>

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))

/** Lower-cased code, name, 型号 and the name's pinyin (full and initials), for one LIKE. */
export function productSearchText(p: { code: string; name: string; model?: string | null }): string {
  return [p.code, p.name, p.model ?? '', ...pinyinForms(p.name)].map((x) => x.trim().toLowerCase()).filter(Boolean).join('|').slice(0, 1000)
}

/** A quantity as the database returns it (a float on SQLite, a numeric on the others), to 3 decimals. */
export const toQuantity = (v: unknown) => Math.round((toNum(v) ?? 0) * 1000) / 1000

export function toProduct(r: Row): Product {
  return {
    id: String(r.id), code: String(r.code), name: String(r.name), model: str(r.model), unit: str(r.unit),
    priceCents: toNum(r.price_cents), categoryId: str(r.category_id), enabled: toBool(r.enabled), notes: str(r.notes),
    stockQuantity: toQuantity(r.stock_quantity), createdAt: toIso(r.created_at)!, updatedAt: toIso(r.updated_at)!, version: Number(r.version),
  }
}

const toStock = (r: Row): StockRow => ({
  id: String(r.id), productId: String(r.product_id), productCode: String(r.product_code), productName: String(r.product_name),
  model: str(r.model), unit: str(r.unit), warehouse: String(r.warehouse), quantity: toQuantity(r.quantity),
  updatedAt: toIso(r.updated_at)!, version: Number(r.version),
})

const auditView = (p: Product) => ({
  code: p.code, name: p.name, model: p.model, unit: p.unit, priceCents: p.priceCents, categoryId: p.categoryId, enabled: p.enabled, notes: p.notes,
})

const conflict = (what: string) => new AppError('conflict', `the ${what} was changed meanwhile; reload and try again`, { key: 'errors.conflict' })

async function loadProduct(db: Knex, id: string): Promise<Product> {
  const r = await findProduct(db, id)
  if (!r) throw notFound('product', id)
  return toProduct(r)
}

// ---- products --------------------------------------------------------------------------------

export async function productsList(ctx: ServiceContext, input: { page: number; pageSize: number; filter: { search?: string; categoryId?: string; enabled?: boolean }; sort: { field: 'code' | 'name' | 'priceCents' | 'updatedAt'; order: 'asc' | 'desc' } }) {
  requirePerm(ctx.actor, 'products', 'view')
  const q = productList(ctx.db.knex, input.filter)
  const total = await q.count()
  const offset = (input.page - 1) * input.pageSize
  const rows = offset < total ? await q.page(input.sort, offset, input.pageSize) : []
  return { items: rows.map(toProduct), total, page: input.page, pageSize: input.pageSize }
}

export async function productsGet(ctx: ServiceContext, input: { id: string }): Promise<Product> {
  requirePerm(ctx.actor, 'products', 'view')
  return loadProduct(ctx.db.knex, input.id)
}

async function checkCategory(db: Knex, categoryId: string | null | undefined, current: string | null) {
  if (categoryId) await assertDictRefs(db, [{ field: 'categoryId', typeCode: 'product_category', id: categoryId, isNew: categoryId !== current }])
}

async function newProductCode(trx: Knex.Transaction): Promise<string> {
  for (;;) {
    const code = `CP-${String(await nextSequence(trx, 'product')).padStart(6, '0')}`
    if (!(await productCodeTaken(trx, code))) return code
  }
}

export async function productsCreate(ctx: ServiceContext, input: Fields & { name: string }): Promise<Product> {
  requirePerm(ctx.actor, 'products', 'create')
  const now = ctx.clock.now().toISOString()
  const id = newId()
  await ctx.db.knex.transaction(async (trx) => {
    await checkCategory(trx, input.categoryId, null)
    const code = input.code || (await newProductCode(trx))
    if (await productCodeTaken(trx, code)) throw fieldError('code', 'duplicate', `product code already used: ${code}`)
    await insertProduct(trx, {
      id, code, name: input.name, model: input.model || null, unit: input.unit || null, price_cents: input.priceCents ?? null,
      category_id: input.categoryId ?? null, enabled: input.enabled ?? true, notes: input.notes || null,
      search_text: productSearchText({ code, name: input.name, model: input.model }),
      created_at: now, updated_at: now, version: await nextVersion(trx),
    })
    const created = await loadProduct(trx, id)
    await recordAudit(trx, ctx, { entity: 'product', entityId: id, action: 'create', changes: diff(null, auditView(created)) })
  })
  return loadProduct(ctx.db.knex, id)
}

const COLUMN: Record<string, string> = { priceCents: 'price_cents', categoryId: 'category_id' }

export async function productsUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: Fields }): Promise<Product> {
  requirePerm(ctx.actor, 'products', 'edit')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadProduct(trx, input.id)
    if (before.version !== input.version) throw conflict('product')
    const f = input.fields
    await checkCategory(trx, f.categoryId, before.categoryId)
    const wanted = { ...auditView(before) } as Record<string, unknown>
    for (const [k, v] of Object.entries(f)) if (v !== undefined) wanted[k] = typeof v === 'string' ? v || null : v
    if (f.code === '' || f.code === null) wanted.code = before.code // blank keeps the code
    if (wanted.code !== before.code && (await productCodeTaken(trx, String(wanted.code), input.id))) {
      throw fieldError('code', 'duplicate', `product code already used: ${String(wanted.code)}`)
    }
    const changes = diff(auditView(before), wanted)
    if (!Object.keys(changes).length) return
    const patch: Row = {}
    for (const k of Object.keys(changes)) patch[COLUMN[k] ?? k] = wanted[k]
    patch.search_text = productSearchText({ code: String(wanted.code), name: String(wanted.name), model: wanted.model as string | null })
    Object.assign(patch, { updated_at: ctx.clock.now().toISOString(), version: await nextVersion(trx) })
    if (!(await updateProduct(trx, input.id, patch, input.version))) throw conflict('product')
    await recordAudit(trx, ctx, { entity: 'product', entityId: input.id, action: 'update', changes })
  })
  return loadProduct(ctx.db.knex, input.id)
}

export async function productsRemove(ctx: ServiceContext, input: { id: string; version: number }) {
  requirePerm(ctx.actor, 'products', 'delete')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadProduct(trx, input.id)
    const used = await productUse(trx, input.id)
    if (used > 0) {
      throw new AppError('in_use', `the product is on ${used} order lines; disable it instead`, { key: 'products.errors.inUse', params: { count: used } })
    }
    const now = ctx.clock.now().toISOString()
    if (!(await updateProduct(trx, input.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) }, input.version))) throw conflict('product')
    await recordAudit(trx, ctx, { entity: 'product', entityId: input.id, action: 'delete', changes: { code: [before.code, null], name: [before.name, null] } })
  })
  return { ok: true as const }
}

// ---- stock ----------------------------------------------------------------------------------------

export async function stockListFor(ctx: ServiceContext, input: { page: number; pageSize: number; filter: { search?: string; productId?: string; warehouse?: string } }) {
  requirePerm(ctx.actor, 'products', 'view')
  const q = stockList(ctx.db.knex, input.filter)
  const total = await q.count()
  const offset = (input.page - 1) * input.pageSize
  const rows = offset < total ? await q.page(offset, input.pageSize) : []
  return { items: rows.map(toStock), total, page: input.page, pageSize: input.pageSize }
}

async function loadStock(db: Knex, id: string): Promise<StockRow> {
  const r = await findStock(db, id)
  if (!r) throw notFound('stock', id)
  return toStock(r)
}

/** Sets a product's quantity in a warehouse: edits row `id` (at `version`), or makes (or revives) the pair's row. */
export async function stockSave(ctx: ServiceContext, input: { id?: string; version?: number; productId: string; warehouse: string; quantity: number }) {
  requirePerm(ctx.actor, 'products', 'edit')
  const now = ctx.clock.now().toISOString()
  const id = await ctx.db.knex.transaction(async (trx) => {
    await loadProduct(trx, input.productId)
    const version = await nextVersion(trx)
    if (input.id) {
      const before = await loadStock(trx, input.id)
      if (input.version === undefined || before.version !== input.version) throw conflict('stock')
      if (before.productId !== input.productId) throw fieldError('productId', 'immutable', 'a stock row keeps its product')
      if (before.warehouse !== input.warehouse && (await stockOf(trx, input.productId, input.warehouse))) {
        throw fieldError('warehouse', 'duplicate', 'the product already has a row for this warehouse')
      }
      const ok = await updateStock(trx, input.id, { warehouse: input.warehouse, quantity: input.quantity, updated_at: now, version }, input.version)
      if (!ok) throw conflict('stock')
      await recordAudit(trx, ctx, {
        entity: 'stock', entityId: input.id, parentId: input.productId, action: 'update',
        changes: diff({ warehouse: before.warehouse, quantity: before.quantity }, { warehouse: input.warehouse, quantity: input.quantity }),
      })
      return input.id
    }
    const existing = await stockOf(trx, input.productId, input.warehouse)
    if (existing && !existing.deleted_at) throw fieldError('warehouse', 'duplicate', 'the product already has a row for this warehouse')
    const rowId = existing ? String(existing.id) : newId()
    if (existing) await updateStock(trx, rowId, { quantity: input.quantity, deleted_at: null, updated_at: now, version })
    else {
      await insertStock(trx, { id: rowId, product_id: input.productId, warehouse: input.warehouse, quantity: input.quantity, created_at: now, updated_at: now, version })
    }
    await recordAudit(trx, ctx, { entity: 'stock', entityId: rowId, parentId: input.productId, action: 'create', changes: { warehouse: [null, input.warehouse], quantity: [null, input.quantity] } })
    return rowId
  })
  return loadStock(ctx.db.knex, id)
}

export async function stockRemove(ctx: ServiceContext, input: { id: string; version: number }) {
  requirePerm(ctx.actor, 'products', 'edit')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadStock(trx, input.id)
    const now = ctx.clock.now().toISOString()
    if (!(await updateStock(trx, input.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) }, input.version))) throw conflict('stock')
    await recordAudit(trx, ctx, { entity: 'stock', entityId: input.id, parentId: before.productId, action: 'delete', changes: { warehouse: [before.warehouse, null], quantity: [before.quantity, null] } })
  })
  return { ok: true as const }
}

export async function stockWarehouses(ctx: ServiceContext): Promise<string[]> {
  requirePerm(ctx.actor, 'products', 'view')
  return warehouseNames(ctx.db.knex)
}

// ---- 导入 (imports module) -------------------------------------------------------------------------

export interface ImportedProduct {
  /** checked by ProductFields; code null: the system numbers it */
  fields: Fields & { name: string }
}

/** Live or deleted products by their codes (lower-cased code → row), for 查重 by code. */
export async function productsByCodeForImport(db: Knex, codes: string[]): Promise<Map<string, { id: string; code: string; name: string; live: boolean; enabled: boolean; priceCents: number | null; model: string | null; unit: string | null }>> {
  const out = new Map<string, { id: string; code: string; name: string; live: boolean; enabled: boolean; priceCents: number | null; model: string | null; unit: string | null }>()
  for (let i = 0; i < codes.length; i += 500) {
    for (const r of await productsByCodes(db, codes.slice(i, i + 500))) {
      const key = String(r.code).toLowerCase()
      const live = !r.deleted_at
      if (out.get(key)?.live && !live) continue
      out.set(key, { id: String(r.id), code: String(r.code), name: String(r.name), live, enabled: toBool(r.enabled), priceCents: toNum(r.price_cents), model: str(r.model), unit: str(r.unit) })
    }
  }
  return out
}

/**
 * Products of an import, in one statement per chunk of rows, stamped with the import's batch and
 * version, each with its audit entry. A code already taken (or blank) gets the next CP-number.
 * The caller checked the rows (ProductFields) and holds products.import.
 */
export async function insertImportedProducts(trx: Knex.Transaction, ctx: ServiceContext, items: ImportedProduct[], o: { batchId: string; version: number }): Promise<string[]> {
  requirePerm(ctx.actor, 'products', 'create')
  const at = ctx.clock.now().toISOString()
  const cats = [...new Set(items.map((i) => i.fields.categoryId).filter((x): x is string => !!x))]
  if (cats.length) await assertDictRefs(trx, cats.map((id) => ({ field: 'categoryId', typeCode: 'product_category' as const, id, isNew: true })))
  const wanted = items.map((i) => i.fields.code?.trim() || null)
  const taken = await takenProductCodes(trx, wanted.filter((c): c is string => !!c))
  const used = new Set<string>()
  const rows: Row[] = []
  const ids: string[] = []
  const audits: AuditInput[] = []
  for (let i = 0; i < items.length; i++) {
    const f = items[i]!.fields
    let code = wanted[i]
    if (!code || taken.has(code.toLowerCase()) || used.has(code.toLowerCase())) code = await newProductCode(trx)
    used.add(code.toLowerCase())
    const id = newId()
    ids.push(id)
    const view = {
      code, name: f.name, model: f.model || null, unit: f.unit || null, priceCents: f.priceCents ?? null, categoryId: f.categoryId ?? null,
      enabled: f.enabled ?? true, notes: f.notes || null,
    }
    rows.push({
      id, code, name: view.name, model: view.model, unit: view.unit, price_cents: view.priceCents, category_id: view.categoryId, enabled: view.enabled,
      notes: view.notes, search_text: productSearchText({ code, name: f.name, model: f.model }), created_at: at, updated_at: at, version: o.version,
      import_batch_id: o.batchId,
    })
    audits.push({ entity: 'product', entityId: id, action: 'create', changes: diff(null, view) })
  }
  await insertProducts(trx, ctx.db.dialect, rows)
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, audits)
  return ids
}

/**
 * An import's update of a live product: only the fields the row has; its code stays. Answers
 * whether anything changed (an unchanged row is counted as skipped).
 */
export async function updateProductFromImport(trx: Knex.Transaction, ctx: ServiceContext, id: string, fields: Fields, version: number): Promise<boolean> {
  requirePerm(ctx.actor, 'products', 'edit')
  const before = await loadProduct(trx, id)
  const { code: _code, ...f } = fields
  await checkCategory(trx, f.categoryId, before.categoryId)
  const wanted = { ...auditView(before) } as Record<string, unknown>
  for (const [k, v] of Object.entries(f)) if (v !== undefined) wanted[k] = typeof v === 'string' ? v || null : v
  const changes = diff(auditView(before), wanted)
  if (!Object.keys(changes).length) return false
  const patch: Row = {}
  for (const k of Object.keys(changes)) patch[COLUMN[k] ?? k] = wanted[k]
  patch.search_text = productSearchText({ code: before.code, name: String(wanted.name), model: wanted.model as string | null })
  Object.assign(patch, { updated_at: ctx.clock.now().toISOString(), version })
  if (!(await updateProduct(trx, id, patch, before.version))) throw conflict('product')
  await recordAudit(trx, ctx, { entity: 'product', entityId: id, action: 'update', changes })
  return true
}

/**
 * 撤销导入 of products: every product the import created is removed while none changed since
 * (version above the import's last) and no order line uses one; otherwise nothing is. Their
 * codes are freed (a re-import may use them again): a removed product's code gets a ~suffix.
 */
export async function removeImportedProducts(trx: Knex.Transaction, ctx: ServiceContext, batchId: string, lastVersion: number): Promise<number> {
  // the importer's own batch (the imports service checks it) of unchanged, unused products: the
  // import right covers taking them back (a 销售主管 imports products but deletes none by hand)
  requirePerm(ctx.actor, 'products', 'import')
  const rows = await importedProducts(trx, batchId)
  const changed = rows.filter((r) => Number(r.version) > lastVersion).length || (await productsUse(trx, rows.map((r) => String(r.id))))
  if (changed) throw ruleError('imports.errors.changedSinceImport', `${changed} imported records changed since the import`, { count: changed })
  const at = ctx.clock.now().toISOString()
  const version = await nextVersion(trx)
  const audits: AuditInput[] = []
  for (const r of rows) {
    const id = String(r.id)
    await updateProduct(trx, id, { code: `${String(r.code).slice(0, 54)}~${id.slice(0, 8)}`, deleted_at: at, updated_at: at, version })
    audits.push({ entity: 'product', entityId: id, action: 'delete', changes: { code: [r.code, null] } })
  }
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, audits)
  return rows.length
}
