// The files an import gives back: the error report (the rejected rows as they were, plus a
// 错误原因 column naming the field and the problem, in the language the user chose) and the
// downloadable template (headers, an example row, the dictionary values on a second sheet).
import fs from 'node:fs'
import { once } from 'node:events'
import ExcelJS from 'exceljs'
import type { ImportEntity, ImportIssue } from '../../contract/imports'
import type { DictItem } from '../../contract/dictionary'
import { openSheetWriter, safeSheetName, type SheetWriter } from '../exports/exports.service'
import { FIELD_SPECS, specOf } from './imports.fields'

type Lang = 'zh-CN' | 'en-US'

const PROBLEMS: Record<string, { zh: string; en: string }> = {
  required: { zh: '必填，不能为空', en: 'is required' },
  invalid_format: { zh: '格式不正确', en: 'has an invalid format' },
  too_long: { zh: '超过 {max} 个字符', en: 'is longer than {max} characters' },
  out_of_range: { zh: '超出允许范围', en: 'is out of range' },
  invalid_number: { zh: '不是数字：{value}', en: 'is not a number: {value}' },
  invalid_date: { zh: '不是日期：{value}', en: 'is not a date: {value}' },
  invalid_dict: { zh: '字典值不可用', en: 'is not a usable dictionary value' },
  invalid_lunar_date: { zh: '不是农历日期', en: 'is not a lunar date' },
  unknown_value: { zh: '「{value}」不是可选的值（字典中没有）', en: '"{value}" is not one of the allowed values' },
  scientific_notation: { zh: '已被 Excel 存成科学计数法（{value}），号码已丢失：请把该列设为文本后重新填写', en: 'was saved by Excel in scientific notation ({value}), the digits are lost: format the column as text and type it again' },
  duplicate: { zh: '与已有客户重复：{name}（你的角色不能新建重复客户）', en: 'duplicates the existing customer {name} (your role may not create duplicates)' },
  not_permitted: { zh: '匹配到的记录属于 {owner}，你无权更新', en: 'the matching record belongs to {owner}; you may not update it' },
  no_customer: { zh: '找不到客户「{value}」（或不在你的数据范围内）', en: 'no customer "{value}" (or not in your data scope)' },
  no_contact_name: { zh: '有联系人信息但缺少联系人姓名', en: 'contact details without the contact\'s name' },
  dict_create_failed: { zh: '无法新建字典值「{value}」', en: 'could not create the dictionary value "{value}"' },
  write_failed: { zh: '保存失败：{message}', en: 'could not be saved: {message}' },
  conflict: { zh: '记录正被他人修改，请重试', en: 'was changed by someone else meanwhile; try again' },
  invalid_quantity: { zh: '不是大于 0 的数量（最多 3 位小数）：{value}', en: 'is not a quantity above 0 (at most 3 decimals): {value}' },
  invalid_discount: { zh: '不是折扣：{value}（可写 5%、9折 或 0.05）', en: 'is not a discount: {value} (write 5%, 9折 or 0.05)' },
  customer_required: { zh: '需要客户编号或客户名称', en: 'needs the customer code or the customer name' },
  product_required: { zh: '需要产品编号或产品名称', en: 'needs the product code or the product name' },
  ambiguous_customer: { zh: '有 {count} 个客户都叫「{value}」（{codes}），请改填客户编号', en: '{count} customers are named "{value}" ({codes}); give the customer code instead' },
  no_product: { zh: '产品库中没有编号为「{value}」的产品', en: 'no product with the code "{value}" in the catalogue' },
  product_disabled: { zh: '产品「{value}」已停用', en: 'the product "{value}" is disabled' },
  no_user: { zh: '找不到用户「{value}」', en: 'no user "{value}"' },
  ambiguous_user: { zh: '有多个用户叫「{value}」，请改填登录名', en: 'several users are named "{value}"; give the login instead' },
  owner_not_permitted: { zh: '「{value}」不在你的数据范围内，不能设为负责人', en: '"{value}" is outside your data scope and cannot be the owner' },
  status_needs_approve: { zh: '导入已审批、已发货或已完成的订单需要订单审批权限', en: 'importing approved, shipped or completed orders needs the orders approve right' },
  order_mismatch: { zh: '与同一订单号的第 {row} 行不一致', en: 'differs from row {row} of the same order number' },
  order_has_errors: { zh: '同一订单的其他行有错误（第 {rows} 行），整张订单未导入', en: 'another row of the same order has errors (rows {rows}); the order was not imported' },
  too_many_lines: { zh: '一张订单最多 {max} 行', en: 'an order has at most {max} lines' },
  invalid_product: { zh: '不是可用的产品', en: 'is not an active product' },
  too_big_number: { zh: '金额太大', en: 'the amount is too large' },
}

const fill = (s: string, params?: Record<string, unknown>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? ''))

/** "手机: 格式不正确; 客户名称: 必填，不能为空" — each issue with its field's column name. */
export function reasonText(entity: ImportEntity, issues: ImportIssue[], lang: Lang): string {
  const zh = lang === 'zh-CN'
  return issues
    .map((i) => {
      const p = PROBLEMS[i.code] ?? PROBLEMS.invalid_format!
      const spec = i.field ? specOf(entity, i.field) : undefined
      const field = spec ? (zh ? spec.zh : spec.en) : i.field ? i.field : zh ? '整行' : 'Row'
      return `${field}${zh ? '：' : ' '}${fill(zh ? p.zh : p.en, i.params)}`
    })
    .join(zh ? '；' : '; ')
}

/** Excel holds at most this many characters in a cell. */
export const CELL_MAX = 32_767

export interface ErrorReport {
  add(texts: string[], reason: string): Promise<void>
  finish(): Promise<void>
}

/** The error report, written as rows are rejected (streamed: a large one never sits in memory). */
export function openErrorReport(file: string, headers: string[], lang: Lang): ErrorReport {
  const out = fs.createWriteStream(file)
  const reasonKey = '__reason'
  const w: SheetWriter = openSheetWriter(out, {
    format: 'xlsx', encoding: 'utf8', sheetName: lang === 'zh-CN' ? '错误行' : 'Rejected rows', totalsLabel: '', utcOffsetMinutes: 0,
    columns: [
      ...headers.map((h, i) => ({ key: `c${i}`, header: h, width: Math.min(40, Math.max(10, h.length * 2 + 4)), type: 'text' as const })),
      { key: reasonKey, header: lang === 'zh-CN' ? '错误原因' : 'Error reason', width: 60, type: 'text' as const },
    ],
  })
  return {
    async add(texts, reason) {
      const row: Record<string, unknown> = { [reasonKey]: reason }
      headers.forEach((_, i) => {
        row[`c${i}`] = (texts[i] ?? '').slice(0, CELL_MAX)
      })
      await w.add(row)
    },
    async finish() {
      await w.finish()
      if (!out.closed) await once(out, 'close')
    },
  }
}

const SHEET_ZH: Record<ImportEntity, string> = { customers: '客户', contacts: '联系人', products: '产品', orders: '订单' }

/** The template workbook: the fields' headers (required ones marked *), an example row, the dictionaries' values. */
export async function templateWorkbook(entity: ImportEntity, lang: Lang, dictItems: (typeCode: string) => Promise<DictItem[]>): Promise<Buffer> {
  const zh = lang === 'zh-CN'
  const wb = new ExcelJS.Workbook()
  const specs = FIELD_SPECS[entity]
  const ws = wb.addWorksheet(safeSheetName(zh ? `${SHEET_ZH[entity]}导入模板` : `${entity} import`), { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = specs.map((f) => ({ header: `${zh ? f.zh : f.en}${f.required ? '*' : ''}`, key: f.key, width: Math.max(12, (zh ? f.zh.length * 2 : f.en.length) + 4), style: { numFmt: '@' } }))
  ws.getRow(1).font = { bold: true }
  const example: Record<string, string> = {}
  for (const f of specs) {
    if (f.type === 'dict') example[f.key] = f.example ? (zh ? f.example : ((await dictItems(f.dict!)).find((d) => d.label === f.example)?.labelEn ?? f.example)) : ''
    else example[f.key] = f.example ?? ''
  }
  ws.addRow(example)
  const lists = wb.addWorksheet(zh ? '字典值' : 'Dictionary values')
  const dictSpecs = specs.filter((f) => f.type === 'dict' || f.type === 'enum' || f.type === 'bool')
  lists.columns = dictSpecs.map((f) => ({ header: zh ? f.zh : f.en, key: f.key, width: 18 }))
  lists.getRow(1).font = { bold: true }
  const columns: string[][] = []
  for (const f of dictSpecs) {
    if (f.type === 'dict') columns.push((await dictItems(f.dict!)).filter((d) => d.enabled).map((d) => (zh ? d.label : (d.labelEn ?? d.label))))
    else if (f.type === 'bool') columns.push(zh ? ['是', '否'] : ['yes', 'no'])
    else columns.push(Object.keys(f.values ?? {}).filter((v) => (zh ? /\p{Script=Han}/u.test(v) : !/\p{Script=Han}/u.test(v))))
  }
  const height = Math.max(0, ...columns.map((c) => c.length))
  for (let r = 0; r < height; r++) lists.addRow(Object.fromEntries(dictSpecs.map((f, i) => [f.key, columns[i]![r] ?? null])))
  return Buffer.from(await wb.xlsx.writeBuffer())
}
