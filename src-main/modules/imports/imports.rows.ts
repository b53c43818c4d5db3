// One sheet row → the fields it fills (typed like the form's input) and what is wrong with it:
// every mapped cell read by its field's type, dictionary values by their label, then the whole
// row checked by the same zod schema the customer or contact form is checked by (required
// fields, e-mail / phone / postcode / 税号 formats, lengths).
import type { z } from 'zod'
import type { ImportEntity, ImportIssue, ImportMapping } from '../../contract/imports'
import type { DictTypeCode } from '../../contract/dictionary'
import { cellKindOf, FIELD_SPECS, type FieldSpec } from './imports.fields'
import { cellText, decimalUnits, isScientific, parseDateText, parseDiscount, parseNumberText } from './imports.cells'

/** Dictionary labels (zh and en, lower-cased) → item id, per dictionary; learns created items. */
export class DictIndex {
  private byType = new Map<string, Map<string, string>>()
  private labels = new Map<string, string>()
  add(typeCode: string, id: string, label: string, labelEn?: string | null) {
    const m = this.byType.get(typeCode) ?? new Map<string, string>()
    for (const l of [label, labelEn]) if (l) m.set(l.trim().toLowerCase(), id)
    this.byType.set(typeCode, m)
    this.labels.set(id, label)
  }
  find(typeCode: string, label: string): string | null {
    return this.byType.get(typeCode)?.get(label.trim().toLowerCase()) ?? null
  }
  labelOf = (id: string) => this.labels.get(id) ?? id
}

export interface ConvertedRow {
  rowNumber: number
  /** the cells as text, every column (for the error report) */
  texts: string[]
  /** field key → typed value, only the fields with a value in the row */
  values: Record<string, unknown>
  /** dictionary values the row needs created (with createDictValues) */
  newDictValues: Array<{ field: string; typeCode: DictTypeCode; label: string }>
  issues: ImportIssue[]
}

const TRUE = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '主', 'x', '启用', '有效', '在售', 'active', 'enabled'])
const FALSE = new Set(['否', 'n', 'no', 'false', '0', '', '停用', '禁用', '无效', '停售', 'inactive', 'disabled'])

/** An entity's field specs by key (built once, not per row). */
const specsByKey = new Map<ImportEntity, Map<string, FieldSpec>>()
function specsOf(entity: ImportEntity): Map<string, FieldSpec> {
  let m = specsByKey.get(entity)
  if (!m) specsByKey.set(entity, (m = new Map(FIELD_SPECS[entity].map((f) => [f.key, f]))))
  return m
}

/** The cells of a row as text, each read as its mapped field wants (digits for phone columns, dates…). */
export function rowTexts(entity: ImportEntity, mapping: ImportMapping, cells: unknown[], width: number): string[] {
  const specs = specsOf(entity)
  const out: string[] = []
  for (let i = 0; i < Math.max(width, cells.length); i++) {
    const key = mapping[i]
    out.push(cellText(cells[i], cellKindOf(key ? specs.get(key) : undefined)))
  }
  return out
}

export const isBlank = (texts: string[]) => texts.every((t) => t === '')

function readCell(f: FieldSpec, text: string, dicts: DictIndex, createDict: boolean): { value?: unknown; issue?: ImportIssue; newDict?: boolean } {
  switch (f.type) {
    case 'digits':
      if (isScientific(text)) return { issue: { field: f.key, code: 'scientific_notation', params: { value: text } } }
      return { value: text }
    case 'int': {
      const n = parseNumberText(text)
      if (n === null || !Number.isInteger(n)) return { issue: { field: f.key, code: 'invalid_number', params: { value: text } } }
      return { value: n }
    }
    case 'money': {
      const n = decimalUnits(text, 2)
      if (n === null || n < 0) return { issue: { field: f.key, code: 'invalid_number', params: { value: text } } }
      return { value: n }
    }
    case 'quantity': {
      const n = decimalUnits(text, 3)
      if (n === null || n <= 0) return { issue: { field: f.key, code: 'invalid_quantity', params: { value: text } } }
      return { value: n / 1000 }
    }
    case 'discount': {
      const bp = parseDiscount(text)
      return bp === null ? { issue: { field: f.key, code: 'invalid_discount', params: { value: text } } } : { value: bp }
    }
    case 'date': {
      const d = parseDateText(text)
      return d ? { value: d } : { issue: { field: f.key, code: 'invalid_date', params: { value: text } } }
    }
    case 'dict': {
      const id = dicts.find(f.dict!, text)
      if (id) return { value: id }
      if (createDict) return { value: text, newDict: true }
      return { issue: { field: f.key, code: 'unknown_value', params: { value: text } } }
    }
    case 'enum': {
      const v = f.values?.[text.toLowerCase()]
      return v ? { value: v } : { issue: { field: f.key, code: 'unknown_value', params: { value: text } } }
    }
    case 'bool': {
      const t = text.toLowerCase()
      if (TRUE.has(t)) return { value: true }
      if (FALSE.has(t)) return { value: false }
      return { issue: { field: f.key, code: 'unknown_value', params: { value: text } } }
    }
    case 'tags':
      return { value: text.split(/[,，;；、]/).map((t) => t.trim()).filter(Boolean) }
    default:
      return { value: text }
  }
}

/** zod's issues of a field as import issues (field keys prefixed for the primary contact). */
export function zodIssues(error: z.ZodError, prefix = ''): ImportIssue[] {
  return error.issues.map((i) => {
    const field = i.path.length ? `${prefix}${String(i.path[0])}` : null
    let code = 'invalid_format'
    const params: Record<string, unknown> = {}
    if (i.code === 'too_big') {
      code = i.origin === 'string' ? 'too_long' : 'out_of_range'
      params.max = Number(i.maximum)
    } else if (i.code === 'too_small') {
      code = i.origin === 'string' && Number(i.minimum) <= 1 ? 'required' : 'out_of_range'
      params.min = Number(i.minimum)
    } else if (i.code === 'invalid_type' && i.input === undefined) code = 'required'
    return { field, code, params }
  })
}

/** Reads the mapped cells of a row: typed values, dictionary values to create, cell-level issues. */
export function convertRow(entity: ImportEntity, mapping: ImportMapping, rowNumber: number, texts: string[], dicts: DictIndex, createDict: boolean): ConvertedRow {
  const specs = specsOf(entity)
  const out: ConvertedRow = { rowNumber, texts, values: {}, newDictValues: [], issues: [] }
  mapping.forEach((key, i) => {
    if (!key) return
    const f = specs.get(key)
    const text = texts[i] ?? ''
    if (!f || text === '') return
    const r = readCell(f, text, dicts, createDict)
    if (r.issue) out.issues.push(r.issue)
    else {
      out.values[key] = r.value
      if (r.newDict) out.newDictValues.push({ field: key, typeCode: f.dict!, label: text })
    }
  })
  for (const f of FIELD_SPECS[entity]) {
    if (f.required && out.values[f.key] === undefined && !out.issues.some((i) => i.field === f.key)) out.issues.push({ field: f.key, code: 'required' })
  }
  if (entity === 'customers' && out.values.code !== undefined && !/^[A-Za-z0-9-]{1,32}$/.test(String(out.values.code))) out.issues.push({ field: 'code', code: 'invalid_format', params: { value: out.values.code } })
  return out
}

/** The values split into the customer's own fields and its primary contact's (`contact.*`). */
export function splitContact(values: Record<string, unknown>) {
  const own: Record<string, unknown> = {}
  const contact: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith('contact.')) contact[k.slice(8)] = v
    else own[k] = v
  }
  return { own, contact: Object.keys(contact).length ? contact : null }
}
