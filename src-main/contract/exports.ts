// 导出: a list as the user sees it (filters, sort, visible columns, data scope) to .xlsx or .csv.
import { z } from 'zod'
import { call, Id, Ok, str } from './common'
import { CustomerListInput } from './customers'
import { OpportunityListInput } from './opportunities'
import { InteractionSearchFields, rangeInOrder } from './interactions'
import { OrderListInput, PaymentFilter } from './orders'
import { TicketListInput } from './services'
import { RequirementListInput } from './requirements'

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

const unpaged = { page: true, pageSize: true } as const

export const ExportInput = z.discriminatedUnion('list', [
  CustomerListInput.omit(unpaged).extend({ list: z.literal('customers'), ...common }),
  /** 联系人: the contacts of one customer, as its card lists them */
  z.strictObject({ list: z.literal('contacts'), customerId: Id, ...common }),
  /** 跟进记录: the search of the 交往记录 view (text, range, customer, channel, kind, author) */
  InteractionSearchFields.omit(unpaged)
    .extend({ list: z.literal('interactions'), ...common })
    .refine(rangeInOrder, { path: ['to'], message: 'the end is before the start' }),
  OpportunityListInput.omit(unpaged).extend({ list: z.literal('opportunities'), ...common }),
  OrderListInput.omit(unpaged).extend({ list: z.literal('orders'), ...common }),
  /** 回款记录 */
  z.strictObject({ list: z.literal('payments'), filter: PaymentFilter.default({}), ...common }),
  /** 服务工单: the list's filter and status tab */
  TicketListInput.omit(unpaged).extend({ list: z.literal('tickets'), ...common }),
  /** 客户需求 */
  RequirementListInput.omit(unpaged).extend({ list: z.literal('requirements'), ...common }),
])
export type ExportInput = z.input<typeof ExportInput>
export type ExportList = z.output<typeof ExportInput>['list']
export const EXPORT_LISTS = ['customers', 'contacts', 'interactions', 'opportunities', 'orders', 'payments', 'tickets', 'requirements'] as const

export const ExportFile = z.object({
  fileName: z.string(),
  mime: z.string(),
  /** data rows written (without header and totals) */
  rows: z.number().int(),
  contentBase64: z.string(),
})
export type ExportFile = z.infer<typeof ExportFile>

/** A running export (started with `start`): rows written so far of the list's total. */
export const ExportJob = z.object({
  jobId: Id,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  done: z.number().int(),
  /** the list's total (0 until the first page is read) */
  total: z.number().int(),
})
export type ExportJob = z.infer<typeof ExportJob>
const JobRef = z.strictObject({ jobId: Id })

export const exportsContract = {
  /** Writes the list to a file and answers its bytes (browser mode and desktop save them alike). */
  run: call(ExportInput, ExportFile),
  /** Starts the export in the background: poll `progress`, then `fetch` the file, or `cancel`. */
  start: call(ExportInput, ExportJob),
  progress: call(JobRef, ExportJob),
  /** Stops a running export after the page it is writing; its file is removed. */
  cancel: call(JobRef, Ok),
  /** The finished file (once: the job is forgotten afterwards); a failed job answers its error. */
  fetch: call(JobRef, ExportFile),
} as const
