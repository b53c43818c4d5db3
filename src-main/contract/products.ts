// 产品 and 库存: the product catalogue (code, name, 型号规格, unit, price, category, active) and
// stock per warehouse. Editing for admins and supervisors; a read-only lookup for sales roles.
import { z } from 'zod'
import { BaseVersion, call, Empty, Id, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, text, versionWithId } from './common'

/** Largest amount in integer cents (keeps every sum exact in a JS number). */
export const MAX_CENTS = 1_000_000_000_000_000
/** Quantities carry at most three decimals (0.001); the largest one. */
export const MAX_QUANTITY = 999_999_999.999

export const Cents = z.number().int().min(0).max(MAX_CENTS)
export const Quantity = z.number().min(0).max(MAX_QUANTITY).multipleOf(0.001)

export const ProductFields = z.strictObject({
  /** blank: the system numbers it (CP-000001) */
  code: optText(64),
  name: requiredText(200),
  /** 型号规格 */
  model: optText(200),
  unit: optText(20),
  priceCents: Cents.nullish(),
  /** a dict item of type product_category */
  categoryId: Id.nullish(),
  enabled: z.boolean().default(true),
  notes: optText(4000),
})
export type ProductFields = z.input<typeof ProductFields>
export const ProductPatch = ProductFields.extend({ enabled: z.boolean().optional() }).partial()

export const Product = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  model: z.string().nullable(),
  unit: z.string().nullable(),
  priceCents: z.number().int().nullable(),
  categoryId: Id.nullable(),
  enabled: z.boolean(),
  notes: z.string().nullable(),
  /** total over all warehouses */
  stockQuantity: z.number(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Product = z.infer<typeof Product>

export const PRODUCT_SORT_FIELDS = ['code', 'name', 'priceCents', 'updatedAt'] as const

export const ProductFilter = z.strictObject({
  /** code, name, 型号, or pinyin of the name (full or initials) */
  search: text(100).optional(),
  categoryId: Id.optional(),
  enabled: z.boolean().optional(),
})
export type ProductFilter = z.infer<typeof ProductFilter>

export const ProductListInput = PageInput.extend({
  filter: ProductFilter.default({}),
  sort: z
    .strictObject({ field: z.enum(PRODUCT_SORT_FIELDS), order: z.enum(['asc', 'desc']).default('asc') })
    .default({ field: 'code', order: 'asc' }),
})
export type ProductListInput = z.input<typeof ProductListInput>

export const StockRow = z.object({
  id: Id,
  productId: Id,
  productCode: z.string(),
  productName: z.string(),
  model: z.string().nullable(),
  unit: z.string().nullable(),
  warehouse: z.string(),
  quantity: z.number(),
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type StockRow = z.infer<typeof StockRow>

export const StockFilter = z.strictObject({
  search: text(100).optional(),
  productId: Id.optional(),
  warehouse: text(100).optional(),
})
export type StockFilter = z.infer<typeof StockFilter>

export const productsContract = {
  list: call(ProductListInput, pageOf(Product)),
  get: call(z.strictObject({ id: Id }), Product),
  create: call(ProductFields, Product),
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: ProductPatch }), Product),
  /** Deletes a product no live order line uses (one that is used: disable it instead). */
  remove: call(z.strictObject({ id: Id, version: BaseVersion }), Ok),
  /** 库存: stock rows per product and warehouse. */
  stock: call(PageInput.extend({ filter: StockFilter.default({}) }), pageOf(StockRow)),
  /** Sets the quantity of a product in a warehouse (a new row, or an edit of `id` at `version`). */
  saveStock: call(
    z.strictObject({ id: Id.optional(), version: BaseVersion.optional(), productId: Id, warehouse: requiredText(100), quantity: Quantity }).superRefine(versionWithId),
    StockRow,
  ),
  removeStock: call(z.strictObject({ id: Id, version: BaseVersion }), Ok),
  /** Warehouse names in use, for the stock form's suggestions. */
  warehouses: call(Empty, z.array(z.string())),
} as const
