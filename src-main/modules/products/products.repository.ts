// Knex queries of products and their stock (inventory per warehouse).
import type { Knex } from 'knex'
import type { PRODUCT_SORT_FIELDS, ProductFilter, StockFilter } from '../../contract/products'
import type { Dialect } from '../../db/config'
import { insertChunked, whereLike } from '../../db/dialect'

export type Row = Record<string, unknown>
type Q = Knex.QueryBuilder

/** Live products (alias p) with their total stock. */
const withStock = (db: Knex) =>
  db('products as p')
    .whereNull('p.deleted_at')
    .select('p.*', db('inventory as i').whereRaw('i.product_id = p.id').whereNull('i.deleted_at').sum('i.quantity').as('stock_quantity'))

export const findProduct = (db: Knex, id: string): Promise<Row | undefined> => withStock(db).where('p.id', id).first()

export const productCodeTaken = async (db: Knex, code: string, exceptId?: string) => {
  const q = db('products').whereRaw('lower(code) = ?', [code.toLowerCase()])
  if (exceptId) q.whereNot('id', exceptId)
  return !!(await q.first('id'))
}

export const insertProduct = (db: Knex, row: Row) => db('products').insert(row)

export function updateProduct(db: Knex, id: string, patch: Row, expectVersion?: number) {
  const q = db('products').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

/** Live order lines naming the product (a used product is disabled, not deleted). */
export async function productUse(db: Knex, id: string): Promise<number> {
  const r = await db('order_lines').where({ product_id: id }).whereNull('deleted_at').count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

const SORT: Record<(typeof PRODUCT_SORT_FIELDS)[number], string> = { code: 'p.code', name: 'p.name', priceCents: 'p.price_cents', updatedAt: 'p.updated_at' }

export function productList(db: Knex, f: ProductFilter) {
  const filter = (q: Q) => {
    if (f.categoryId) q.where('p.category_id', f.categoryId)
    if (f.enabled !== undefined) q.where('p.enabled', f.enabled)
    if (f.search) whereLike(q, 'p.search_text', f.search.toLowerCase())
    return q
  }
  return {
    count: async () => Number((await filter(db('products as p').whereNull('p.deleted_at')).count({ n: '*' }).first())?.n ?? 0),
    page: (sort: { field: (typeof PRODUCT_SORT_FIELDS)[number]; order: 'asc' | 'desc' }, offset: number, limit: number): Promise<Row[]> =>
      filter(withStock(db))
        .orderByRaw('case when ?? is null then 1 else 0 end', [SORT[sort.field]]) // nulls last, the same on every database
        .orderBy([{ column: SORT[sort.field], order: sort.order }, { column: 'p.id', order: sort.order }])
        .limit(limit)
        .offset(offset),
  }
}

// ---- stock -----------------------------------------------------------------------------------------

const stockRows = (db: Knex) =>
  db('inventory as i')
    .join('products as p', 'p.id', 'i.product_id')
    .whereNull('i.deleted_at')
    .whereNull('p.deleted_at')

const STOCK_COLUMNS = ['i.id', 'i.product_id', 'i.warehouse', 'i.quantity', 'i.updated_at', 'i.version', 'p.code as product_code', 'p.name as product_name', 'p.model', 'p.unit']

export const findStock = (db: Knex, id: string): Promise<Row | undefined> => stockRows(db).where('i.id', id).first(STOCK_COLUMNS)

/** The row of a product in a warehouse, deleted or not (the pair is unique). */
export const stockOf = (db: Knex, productId: string, warehouse: string): Promise<Row | undefined> =>
  db('inventory').where({ product_id: productId, warehouse }).first()

export const insertStock = (db: Knex, row: Row) => db('inventory').insert(row)

export function updateStock(db: Knex, id: string, patch: Row, expectVersion?: number) {
  const q = db('inventory').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion).whereNull('deleted_at')
  return q.update(patch)
}

export function stockList(db: Knex, f: StockFilter) {
  const filter = (q: Q) => {
    if (f.productId) q.where('i.product_id', f.productId)
    if (f.warehouse) q.where('i.warehouse', f.warehouse)
    if (f.search) whereLike(q, 'p.search_text', f.search.toLowerCase())
    return q
  }
  return {
    count: async () => Number((await filter(stockRows(db)).count({ n: '*' }).first())?.n ?? 0),
    page: (offset: number, limit: number): Promise<Row[]> =>
      filter(stockRows(db))
        .select(STOCK_COLUMNS)
        .orderBy([{ column: 'p.code' }, { column: 'i.warehouse' }, { column: 'i.id' }])
        .limit(limit)
        .offset(offset),
  }
}

export async function warehouseNames(db: Knex): Promise<string[]> {
  const rows: Array<{ warehouse: string }> = await db('inventory').whereNull('deleted_at').distinct('warehouse').orderBy('warehouse')
  return rows.map((r) => r.warehouse)
}

// ---- 导入 ------------------------------------------------------------------------------------------

/** Products (live or deleted: a code stays taken) whose lower-cased code is among `codes`. */
export function productsByCodes(db: Knex, codes: string[]): Promise<Row[]> {
  if (!codes.length) return Promise.resolve([])
  const lower = codes.map((c) => c.toLowerCase())
  return db('products').whereRaw(`lower(code) in (${lower.map(() => '?').join(', ')})`, lower).select('id', 'code', 'name', 'model', 'unit', 'price_cents', 'enabled', 'deleted_at', 'version')
}

/** Lower-cased codes among `codes` that a product holds (live or deleted). */
export async function takenProductCodes(db: Knex, codes: string[]): Promise<Set<string>> {
  return new Set((await productsByCodes(db, codes)).map((r) => String(r.code).toLowerCase()))
}

export const insertProducts = (db: Knex, dialect: Dialect, rows: Row[]) => insertChunked(db, dialect, 'products', rows)

/** The live products an import created. */
export const importedProducts = (db: Knex, batchId: string): Promise<Row[]> =>
  db('products').where({ import_batch_id: batchId }).whereNull('deleted_at').select('id', 'code', 'version')

/** How many live order lines name one of the products. */
export async function productsUse(db: Knex, ids: string[]): Promise<number> {
  let n = 0
  for (let i = 0; i < ids.length; i += 500) {
    const r = await db('order_lines').whereIn('product_id', ids.slice(i, i + 500)).whereNull('deleted_at').count({ n: '*' }).first()
    n += Number(r?.n ?? 0)
  }
  return n
}
