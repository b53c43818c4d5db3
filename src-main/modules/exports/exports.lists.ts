// What each list exports: its columns (key, zh-CN/en-US header, width, type) and how to read one
// page of it — through the area's own scoped list service, with the list's filters and sort.
import type { ServiceContext } from '../context'
import type { PermModule } from '../../contract/common'
import type { CustomerRow } from '../../contract/customers'
import type { OpportunityRow } from '../../contract/opportunities'
import type { ExportLang } from '../../contract/exports'
import type { ColumnType } from './exports.writer'
import { customersList } from '../customers/customers.service'
import { opportunitiesList } from '../opportunities/opportunities.service'
import { primaryContactsByCustomer } from '../contacts/contacts.service'
import { dictItemsByIds } from '../dictionary/dictionary.service'

export interface ListColumn {
  key: string
  zh: string
  en: string
  width: number
  type: ColumnType
  total?: boolean
}

export interface ListPage {
  rows: Array<Record<string, unknown>>
  total: number
}

export interface ListExporter<I> {
  module: PermModule
  title: { zh: string; en: string }
  columns: ListColumn[]
  /** one page of the list in list order, each row as column key → raw value */
  page(ctx: ServiceContext, input: I, page: number, pageSize: number, labels: Labels): Promise<ListPage>
}

/** Dictionary labels in the export's language, read once per item across pages. */
export class Labels {
  private cache = new Map<string, string>()
  constructor(
    private ctx: ServiceContext,
    readonly lang: ExportLang,
  ) {}

  async load(ids: Array<string | null | undefined>) {
    const missing = [...new Set(ids.filter((id): id is string => !!id && !this.cache.has(id)))]
    if (!missing.length) return
    for (const d of await dictItemsByIds(this.ctx.db.knex, missing)) this.cache.set(d.id, this.lang === 'en-US' ? (d.labelEn ?? d.label) : d.label)
  }

  of = (id: string | null | undefined) => (id ? (this.cache.get(id) ?? '') : '')
  text = (t: { zh: string; en: string } | undefined) => (t ? (this.lang === 'en-US' ? t.en : t.zh) : '')
}

const CUSTOMER_STATUS: Record<CustomerRow['status'], { zh: string; en: string }> = {
  normal: { zh: '正常', en: 'Normal' },
  churn_warning: { zh: '流失预警', en: 'Churn warning' },
  churn_paused: { zh: '暂缓流失', en: 'Churn paused' },
  churned: { zh: '已流失', en: 'Churned' },
}
const CUSTOMER_TYPE: Record<CustomerRow['customerType'], { zh: string; en: string }> = {
  company: { zh: '企业', en: 'Company' },
  person: { zh: '个人', en: 'Person' },
}
const OPPORTUNITY_STATUS: Record<OpportunityRow['status'], { zh: string; en: string }> = {
  unassigned: { zh: '未分配', en: 'Unassigned' },
  assigned: { zh: '已分配', en: 'Assigned' },
  won: { zh: '开发成功', en: 'Won' },
  lost: { zh: '开发失败', en: 'Lost' },
}

type CustomerInput = Parameters<typeof customersList>[1]
type OpportunityInput = Parameters<typeof opportunitiesList>[1]

export const customersExporter: ListExporter<Omit<CustomerInput, 'page' | 'pageSize'>> = {
  module: 'customers',
  title: { zh: '客户列表', en: 'Customers' },
  columns: [
    { key: 'code', zh: '客户编号', en: 'Code', width: 16, type: 'text' },
    { key: 'name', zh: '客户名称', en: 'Name', width: 36, type: 'text' },
    { key: 'shortName', zh: '简称', en: 'Short name', width: 14, type: 'text' },
    { key: 'customerType', zh: '客户类型', en: 'Type', width: 10, type: 'text' },
    { key: 'level', zh: '客户等级', en: 'Level', width: 12, type: 'text' },
    { key: 'region', zh: '地区', en: 'Region', width: 12, type: 'text' },
    { key: 'industry', zh: '行业', en: 'Industry', width: 14, type: 'text' },
    { key: 'category', zh: '客户类别', en: 'Category', width: 12, type: 'text' },
    { key: 'nature', zh: '客户性质', en: 'Nature', width: 12, type: 'text' },
    { key: 'source', zh: '客户来源', en: 'Source', width: 12, type: 'text' },
    { key: 'phone', zh: '电话', en: 'Phone', width: 16, type: 'text' },
    { key: 'city', zh: '城市', en: 'City', width: 10, type: 'text' },
    { key: 'primaryContact', zh: '联系人', en: 'Contact', width: 12, type: 'text' },
    { key: 'contactTitle', zh: '职务', en: 'Title', width: 12, type: 'text' },
    { key: 'contactMobile', zh: '手机', en: 'Mobile', width: 16, type: 'text' },
    { key: 'owner', zh: '客户经理', en: 'Account manager', width: 12, type: 'text' },
    { key: 'status', zh: '状态', en: 'Status', width: 10, type: 'text' },
    { key: 'creditRating', zh: '信用等级', en: 'Credit rating', width: 10, type: 'int' },
    { key: 'orderTotal', zh: '订单总额(元)', en: 'Order total (CNY)', width: 16, type: 'money', total: true },
    { key: 'lastContactAt', zh: '最近联系', en: 'Last contact', width: 18, type: 'datetime' },
    { key: 'nextContactAt', zh: '下次联系', en: 'Next contact', width: 18, type: 'datetime' },
    { key: 'updatedAt', zh: '更新时间', en: 'Updated', width: 18, type: 'datetime' },
  ],
  async page(ctx, input, page, pageSize, labels) {
    // the exact count: an export writes every match, also of a search counted up to a cap in the list
    const r = await customersList(ctx, { ...input, page, pageSize, exactCount: true })
    const ids = r.items.map((c) => c.id)
    const contacts = await primaryContactsByCustomer(ctx, ids)
    await labels.load(r.items.flatMap((c) => [c.levelId, c.regionId, c.industryId, c.categoryId, c.natureId, c.sourceId]))
    const rows = r.items.map((c) => {
      const pc = contacts.get(c.id)
      return {
        code: c.code, name: c.name, shortName: c.shortName, customerType: labels.text(CUSTOMER_TYPE[c.customerType]),
        level: labels.of(c.levelId), region: labels.of(c.regionId), industry: labels.of(c.industryId), category: labels.of(c.categoryId),
        nature: labels.of(c.natureId), source: labels.of(c.sourceId), phone: c.phone, city: c.city,
        primaryContact: pc?.name ?? c.primaryContact, contactTitle: pc?.title ?? null, contactMobile: pc?.mobile ?? null,
        owner: c.ownerName, status: labels.text(CUSTOMER_STATUS[c.status]), creditRating: c.creditRating, orderTotal: c.orderTotalCents,
        lastContactAt: c.lastContactAt, nextContactAt: c.nextContactAt, updatedAt: c.updatedAt,
      }
    })
    return { rows, total: r.total }
  },
}

export const opportunitiesExporter: ListExporter<Omit<OpportunityInput, 'page' | 'pageSize'>> = {
  module: 'opportunities',
  title: { zh: '销售机会', en: 'Opportunities' },
  columns: [
    { key: 'code', zh: '编号', en: 'Code', width: 16, type: 'text' },
    { key: 'customerName', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
    { key: 'summary', zh: '概要', en: 'Summary', width: 32, type: 'text' },
    { key: 'source', zh: '机会来源', en: 'Source', width: 12, type: 'text' },
    { key: 'stage', zh: '阶段', en: 'Stage', width: 12, type: 'text' },
    { key: 'probability', zh: '成功几率(%)', en: 'Probability (%)', width: 12, type: 'int' },
    { key: 'expectedAmount', zh: '预计金额(元)', en: 'Expected amount (CNY)', width: 16, type: 'money', total: true },
    { key: 'expectedCloseDate', zh: '预计成交日期', en: 'Expected close', width: 14, type: 'date' },
    { key: 'contactName', zh: '联系人', en: 'Contact', width: 12, type: 'text' },
    { key: 'contactPhone', zh: '联系电话', en: 'Contact phone', width: 16, type: 'text' },
    { key: 'status', zh: '状态', en: 'Status', width: 10, type: 'text' },
    { key: 'assignedTo', zh: '客户经理', en: 'Account manager', width: 12, type: 'text' },
    { key: 'assignedAt', zh: '指派时间', en: 'Assigned', width: 18, type: 'datetime' },
    { key: 'createdBy', zh: '创建人', en: 'Created by', width: 12, type: 'text' },
    { key: 'createdAt', zh: '创建时间', en: 'Created', width: 18, type: 'datetime' },
    { key: 'closedAt', zh: '结束时间', en: 'Closed', width: 18, type: 'datetime' },
  ],
  async page(ctx, input, page, pageSize, labels) {
    const r = await opportunitiesList(ctx, { ...input, page, pageSize })
    await labels.load(r.items.flatMap((o) => [o.sourceId, o.stageId]))
    const rows = r.items.map((o) => ({
      code: o.code, customerName: o.customerName, summary: o.summary, source: labels.of(o.sourceId), stage: labels.of(o.stageId),
      probability: o.probability, expectedAmount: o.expectedAmountCents, expectedCloseDate: o.expectedCloseDate,
      contactName: o.contactName, contactPhone: o.contactPhone, status: labels.text(OPPORTUNITY_STATUS[o.status]),
      assignedTo: o.assignedToName, assignedAt: o.assignedAt, createdBy: o.createdByName, createdAt: o.createdAt, closedAt: o.closedAt,
    }))
    return { rows, total: r.total }
  },
}
