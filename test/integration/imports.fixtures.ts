// Files for the import tests: workbooks written by exceljs and by LibreOffice (a different
// program, converting a CSV), CSVs in UTF-8 with a BOM and in GBK, and the helpers that upload a
// file through the IPC calls and run an import to its end.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { ImportSummary } from '../../src-main/contract/imports'
import type { TestApp } from '../helpers/test-app'

export const SEED_HEADERS = ['国家', '公司名称', '联系人', '职务', '手机', '电话1', '电话2', '传真', '电子邮件1', '电子邮件2', '公司网站', '公司地址', '邮编', '主营产品']

/** An .xlsx written by exceljs: rows of cell values (numbers stay numbers, rich text objects as given). */
export async function xlsx(rows: unknown[][], o: { merge?: string; sheets?: Record<string, unknown[][]> } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('客户')
  for (const r of rows) ws.addRow(r)
  if (o.merge) ws.mergeCells(o.merge)
  for (const [name, rs] of Object.entries(o.sheets ?? {})) {
    const s = wb.addWorksheet(name)
    for (const r of rs) s.addRow(r)
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

const csvLine = (r: unknown[]) => r.map((v) => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}).join(',')

export const csvText = (rows: unknown[][]) => rows.map(csvLine).join('\r\n') + '\r\n'
export const gbkCsv = (rows: unknown[][]) => iconv.encode(csvText(rows), 'gbk')
export const bomCsv = (rows: unknown[][]) => Buffer.from('\uFEFF' + csvText(rows), 'utf8')

export const hasLibreOffice = (() => {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 })
    return true
  } catch {
    return false
  }
})()

/** An .xlsx made by LibreOffice from a UTF-8 CSV (every column imported as text). */
export function libreOfficeXlsx(rows: unknown[][]): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-lo-'))
  try {
    const csv = path.join(dir, 'in.csv')
    fs.writeFileSync(csv, csvText(rows))
    // 44 = comma, 34 = quote, 76 = UTF-8, 1 = first line; column types: all text (2)
    const types = rows[0]!.map((_, i) => `${i + 1}/2`).join('/')
    execFileSync('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', `--infilter=CSV:44,34,76,1,${types}`, '--convert-to', 'xlsx', '--outdir', dir, csv], { stdio: 'ignore', timeout: 180_000 })
    return fs.readFileSync(path.join(dir, 'in.xlsx'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export async function readWorkbook(base64: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(base64, 'base64') as never)
  const out: string[][] = []
  wb.worksheets[0]!.eachRow({ includeEmpty: false }, (r) => out.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))))
  return out
}

export interface RunOptions {
  entity?: 'customers' | 'contacts' | 'products' | 'orders'
  onDuplicate?: 'skip' | 'update' | 'create'
  owner?: 'me' | 'user' | 'pool'
  ownerId?: string
  createDictValues?: boolean
  encoding?: 'auto' | 'utf8' | 'gbk' | 'gb18030'
  sheet?: number
  mapping?: (string | null)[]
}

export async function upload(t: TestApp, key: string, fileName: string, bytes: Buffer): Promise<string> {
  return (await t.call(key, 'imports', 'upload', { fileName, contentBase64: bytes.toString('base64') })).fileId
}

/** Uploads, inspects (suggested mapping unless given), starts and waits for the end; answers the summary. */
export async function importFile(t: TestApp, key: string, fileName: string, bytes: Buffer, o: RunOptions = {}): Promise<ImportSummary> {
  const entity = o.entity ?? 'customers'
  const fileId = await upload(t, key, fileName, bytes)
  const src = { fileId, entity, sheet: o.sheet ?? 0, encoding: o.encoding ?? 'auto' } as const
  const insp = await t.call(key, 'imports', 'inspect', src)
  const started = await t.call(key, 'imports', 'start', {
    ...src, options: { mapping: o.mapping ?? insp.mapping, onDuplicate: o.onDuplicate ?? 'skip', owner: o.owner ?? 'me', ownerId: o.ownerId ?? null, createDictValues: o.createDictValues ?? false },
  })
  return waitFor(t, key, started.batchId)
}

export async function waitFor(t: TestApp, key: string, batchId: string): Promise<ImportSummary> {
  for (let i = 0; i < 6000; i++) {
    const s = await t.call(key, 'imports', 'progress', { batchId })
    if (s.status !== 'running') return s
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('import did not finish')
}
