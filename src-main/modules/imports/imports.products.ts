// 导入 of products: each row checked by the product form's schema (ProductFields), 查重 by code
// (against the catalogue, live products, and the rows before it in the file): skip, update the
// existing product (only the fields the row has; its code stays) or create anyway (under the next
// CP-number). Written through the products service, one transaction per chunk.
import type { ServiceContext } from '../context'
import type { ImportIssue } from '../../contract/imports'
import { ProductFields } from '../../contract/products'
import { AppError } from '../../shared/errors'
import { nextVersion } from '../../db/tx'
import { insertImportedProducts, productsByCodeForImport, updateProductFromImport, type ImportedProduct } from '../products/products.service'
import { zodIssues, type ConvertedRow } from './imports.rows'
import type { OnDuplicate } from '../../contract/imports'

export interface CheckedProduct extends ConvertedRow {
  product?: ImportedProduct['fields']
}

export function checkProductRow(r: ConvertedRow): CheckedProduct {
  const out: CheckedProduct = { ...r, issues: [...r.issues] }
  const pc = ProductFields.safeParse(r.values)
  if (!pc.success) out.issues.push(...zodIssues(pc.error).filter((i) => !out.issues.some((x) => x.field === i.field)))
  else out.product = pc.data as ImportedProduct['fields']
  return out
}

/** The fields the row has a value for (an update changes only those). */
const presentFields = (r: CheckedProduct) => Object.fromEntries(Object.keys(r.values).filter((k) => k !== 'code').map((k) => [k, (r.product as Record<string, unknown>)[k]]))

const codeKey = (r: CheckedProduct) => (r.product?.code?.trim() || '').toLowerCase() || null

/** What 查重 finds for the rows (preview): the live product of the same code. */
export async function productDuplicates(ctx: ServiceContext, rows: CheckedProduct[]): Promise<Array<{ name: string } | null>> {
  const existing = await productsByCodeForImport(ctx.db.knex, rows.map(codeKey).filter((c): c is string => !!c))
  return rows.map((r) => {
    const e = codeKey(r) ? existing.get(codeKey(r)!) : undefined
    return e?.live ? { name: `${e.code} ${e.name}` } : null
  })
}

export interface Counts {
  imported: number
  updated: number
  skipped: number
}

type Reject = (r: ConvertedRow, issues: ImportIssue[]) => Promise<void>

/** What a products import carries from chunk to chunk: the codes of the file's rows written so far. */
export class ProductWriter {
  /** lower-cased code → the product the file's earlier row created */
  private seen = new Map<string, string | null>()

  constructor(
    private ctx: ServiceContext,
    private onDuplicate: OnDuplicate,
    private batchId: string,
    private noteVersion: (v: number) => void,
    private issuesOfError: (e: AppError) => ImportIssue[],
  ) {}

  async write(rows: ConvertedRow[], job: Counts, reject: Reject) {
    const checked = rows.map(checkProductRow)
    for (const r of checked) if (r.issues.length) await reject(r, r.issues)
    const valid = checked.filter((r) => !r.issues.length)
    if (!valid.length) return
    const existing = await productsByCodeForImport(this.ctx.db.knex, valid.map(codeKey).filter((c): c is string => !!c))
    const create: Array<{ row: CheckedProduct; item: ImportedProduct; key: string | null }> = []
    const updates: Array<{ row: CheckedProduct; id: string }> = []
    const pending = new Map<string, ImportedProduct>()
    for (const row of valid) {
      const key = codeKey(row)
      const live = key ? existing.get(key) : undefined
      const earlier = key !== null && this.seen.has(key)
      const duplicate = !!live?.live || earlier
      if (duplicate && this.onDuplicate === 'skip') {
        job.skipped++
        continue
      }
      if (duplicate && this.onDuplicate === 'update') {
        const p = key ? pending.get(key) : undefined
        if (p) {
          // an earlier row of this chunk, not written yet: the later row's values win
          Object.assign(p.fields, presentFields(row))
          job.updated++
          continue
        }
        const id = live?.live ? live.id : key ? this.seen.get(key) : null
        if (!id) job.skipped++
        else updates.push({ row, id })
        continue
      }
      const item: ImportedProduct = { fields: { ...row.product!, code: duplicate ? null : (row.product!.code ?? null) } }
      create.push({ row, item, key: duplicate ? null : key })
      if (key && !duplicate) {
        pending.set(key, item)
        this.seen.set(key, null)
      }
    }
    if (!create.length && !updates.length) return
    const failed: Array<{ row: CheckedProduct; issues: ImportIssue[] }> = []
    await this.ctx.db.knex.transaction(async (trx) => {
      const version = await nextVersion(trx)
      this.noteVersion(version)
      for (const u of updates) {
        try {
          if (await updateProductFromImport(trx, this.ctx, u.id, presentFields(u.row), version)) job.updated++
          else job.skipped++
        } catch (e) {
          if (!(e instanceof AppError)) throw e
          failed.push({ row: u.row, issues: this.issuesOfError(e) })
        }
      }
      if (create.length) {
        const ids = await insertImportedProducts(trx, this.ctx, create.map((c) => c.item), { batchId: this.batchId, version })
        create.forEach((c, i) => {
          if (c.key) this.seen.set(c.key, ids[i]!)
        })
        job.imported += ids.length
      }
    })
    for (const f of failed) await reject(f.row, f.issues)
  }
}
