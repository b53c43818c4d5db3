// 导出: a list as the user sees it (filters, sort, visible columns, data scope) to .xlsx or .csv.
import { z } from 'zod'
import { call, str } from './common'
import { CustomerListInput } from './customers'
import { OpportunityListInput } from './opportunities'

export const ExportFormat = z.enum(['xlsx', 'csv'])
export type ExportFormat = z.infer<typeof ExportFormat>
/** CSV only: UTF-8 with a BOM (default) or GBK for older Chinese Excel/WPS. */
export const ExportEncoding = z.enum(['utf8', 'gbk'])
export type ExportEncoding = z.infer<typeof ExportEncoding>
export const ExportLang = z.enum(['zh-CN', 'en-US'])
export type ExportLang = z.infer<typeof ExportLang>

const common = {
  format: ExportFormat.default('xlsx'),
  encoding: ExportEncoding.default('utf8'),
  /** language of the headers, sheet and file name */
  lang: ExportLang.default('zh-CN'),
  /** the visible columns, by export column key, in order; none: every column of the list */
  columns: z.array(str().max(64)).min(1).max(100).optional(),
  /** the client's offset from UTC in minutes (China: 480): dates are written as the user's local time */
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(480),
}

export const ExportInput = z.discriminatedUnion('list', [
  CustomerListInput.omit({ page: true, pageSize: true }).extend({ list: z.literal('customers'), ...common }),
  OpportunityListInput.omit({ page: true, pageSize: true }).extend({ list: z.literal('opportunities'), ...common }),
])
export type ExportInput = z.input<typeof ExportInput>
export type ExportList = z.output<typeof ExportInput>['list']
export const EXPORT_LISTS = ['customers', 'opportunities'] as const

export const ExportFile = z.object({
  fileName: z.string(),
  mime: z.string(),
  /** data rows written (without header and totals) */
  rows: z.number().int(),
  contentBase64: z.string(),
})
export type ExportFile = z.infer<typeof ExportFile>

export const exportsContract = {
  /** Writes the list to a file and answers its bytes (browser mode and desktop save them alike). */
  run: call(ExportInput, ExportFile),
} as const
