// What each list exports: its columns (key, zh-CN/en-US header, width, type) and how to read one
// page of it — through the area's own scoped list service, with the list's filters and sort.
import type { ServiceContext } from '../context'
import type { PermModule } from '../../contract/common'
import type { CustomerRow } from '../../contract/customers'
import type { OpportunityRow } from '../../contract/opportunities'
import type { Contact } from '../../contract/contacts'
import type { Interaction } from '../../contract/interactions'
import type { OrderRow, PaymentRow } from '../../contract/orders'
import type { Ticket } from '../../contract/services'
import type { RequirementRow } from '../../contract/requirements'
import type { ExportLang } from '../../contract/exports'
import type { ColumnType } from './exports.writer'
import { customerExportChunks, customerExportDetails, customersList, type CustomerExportDetails } from '../customers/customers.service'
import { opportunitiesList, opportunitiesListChunks } from '../opportunities/opportunities.service'
import { contactsList, primaryContactsByCustomer } from '../contacts/contacts.service'
import { interactionsSearch, interactionsSearchChunks } from '../interactions/interactions.service'
import { ordersList, ordersListChunks } from '../orders/orders.service'
import { paymentsList, paymentsListChunks } from '../orders/payments.service'
import { servicesList, servicesListChunks } from '../services/services.service'
import { requirementsList, requirementsListChunks } from '../requirements/requirements.service'
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
  /** the whole list in chunks of about `size` rows, in list order (a list that can: no OFFSET pages) */
  chunks?(ctx: ServiceContext, input: I, size: number, labels: Labels): AsyncIterable<ListPage>
}

type Items<T> = { items: T[]; total: number }
/**
 * An exporter's reads for a list whose service gives pages (`list`) and ordered chunks (`chunks`) of
 * the same items, each batch made rows by `rows`.
 */
function readThrough<I, T>(
  list: (ctx: ServiceContext, q: I & { page: number; pageSize: number }) => Promise<Items<T>>,
  chunks: (ctx: ServiceContext, input: I, size: number) => AsyncIterable<Items<T>>,
  rows: (items: T[], labels: Labels) => ListPage['rows'] | Promise<ListPage['rows']>,
): Pick<ListExporter<I>, 'page' | 'chunks'> {
  return {
    async page(ctx, input, page, pageSize, labels) {
      const r = await list(ctx, { ...input, page, pageSize })
      return { rows: await rows(r.items, labels), total: r.total }
    },
    async *chunks(ctx, input, size, labels) {
      for await (const r of chunks(ctx, input, size)) yield { rows: await rows(r.items, labels), total: r.total }
    },
  }
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
    { key: 'country', zh: '国家', en: 'Country', width: 8, type: 'text' },
    { key: 'province', zh: '省份', en: 'Province', width: 10, type: 'text' },
    { key: 'city', zh: '城市', en: 'City', width: 10, type: 'text' },
    { key: 'primaryContact', zh: '联系人', en: 'Contact', width: 12, type: 'text' },
    { key: 'contactTitle', zh: '职务', en: 'Title', width: 12, type: 'text' },
    { key: 'contactMobile', zh: '手机', en: 'Mobile', width: 16, type: 'text' },
    // the rest of a customer as an import reads it back (电话2、传真、电子邮件、公司网站、公司地址、邮编、主营产品、税号)
    { key: 'phone2', zh: '电话2', en: 'Phone 2', width: 16, type: 'text' },
    { key: 'fax', zh: '传真', en: 'Fax', width: 16, type: 'text' },
    { key: 'email', zh: '电子邮件', en: 'E-mail', width: 24, type: 'text' },
    { key: 'email2', zh: '电子邮件2', en: 'E-mail 2', width: 24, type: 'text' },
    { key: 'website', zh: '公司网站', en: 'Website', width: 24, type: 'text' },
    { key: 'address', zh: '公司地址', en: 'Address', width: 36, type: 'text' },
    { key: 'postcode', zh: '邮编', en: 'Postcode', width: 8, type: 'text' },
    { key: 'mainProducts', zh: '主营产品', en: 'Main products', width: 24, type: 'text' },
    { key: 'taxId', zh: '税号', en: 'Tax ID', width: 20, type: 'text' },
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
    return { rows: await customerRows(ctx, r.items, labels), total: r.total }
  },
  async *chunks(ctx, input, size, labels) {
    for await (const r of customerExportChunks(ctx, input, size)) {
      await labels.load(r.items.flatMap(({ row: c }) => [c.levelId, c.regionId, c.industryId, c.categoryId, c.natureId, c.sourceId]))
      yield { rows: r.items.map((x) => customerRow(x.row, x.details, x.contact, labels)), total: r.total }
    }
  },
}

async function customerRows(ctx: ServiceContext, items: CustomerRow[], labels: Labels) {
  const ids = items.map((c) => c.id)
  const contacts = await primaryContactsByCustomer(ctx, ids)
  const details = await customerExportDetails(ctx, ids)
  await labels.load(items.flatMap((c) => [c.levelId, c.regionId, c.industryId, c.categoryId, c.natureId, c.sourceId]))
  return items.map((c) => customerRow(c, details.get(c.id), contacts.get(c.id), labels))
}

/** A customer as the export's row (column key → raw value). */
function customerRow(c: CustomerRow, d: CustomerExportDetails | undefined, pc: { name: string; title: string | null; mobile: string | null } | null | undefined, labels: Labels) {
  return {
    country: d?.country, province: d?.province ?? c.province, phone2: d?.phone2, fax: d?.fax, email: d?.email, email2: d?.email2, website: d?.website,
    address: d?.address, postcode: d?.postcode, mainProducts: d?.mainProducts, taxId: d?.taxId,
    code: c.code, name: c.name, shortName: c.shortName, customerType: labels.text(CUSTOMER_TYPE[c.customerType]),
    level: labels.of(c.levelId), region: labels.of(c.regionId), industry: labels.of(c.industryId), category: labels.of(c.categoryId),
    nature: labels.of(c.natureId), source: labels.of(c.sourceId), phone: c.phone, city: c.city,
    primaryContact: pc?.name ?? c.primaryContact, contactTitle: pc?.title ?? null, contactMobile: pc?.mobile ?? null,
    owner: c.ownerName, status: labels.text(CUSTOMER_STATUS[c.status]), creditRating: c.creditRating, orderTotal: c.orderTotalCents,
    lastContactAt: c.lastContactAt, nextContactAt: c.nextContactAt, updatedAt: c.updatedAt,
  }
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
  ...readThrough(opportunitiesList, opportunitiesListChunks, opportunityRows),
}

async function opportunityRows(items: OpportunityRow[], labels: Labels) {
  await labels.load(items.flatMap((o) => [o.sourceId, o.stageId]))
  return items.map((o) => ({
    code: o.code, customerName: o.customerName, summary: o.summary, source: labels.of(o.sourceId), stage: labels.of(o.stageId),
    probability: o.probability, expectedAmount: o.expectedAmountCents, expectedCloseDate: o.expectedCloseDate,
    contactName: o.contactName, contactPhone: o.contactPhone, status: labels.text(OPPORTUNITY_STATUS[o.status]),
    assignedTo: o.assignedToName, assignedAt: o.assignedAt, createdBy: o.createdByName, createdAt: o.createdAt, closedAt: o.closedAt,
  }))
}

// ---- 联系人, 跟进记录, 订单, 回款, 服务工单, 客户需求 ---------------------------------------------------

type Texts<K extends string> = Record<K, { zh: string; en: string }>

const GENDER: Texts<NonNullable<Contact['gender']>> = { male: { zh: '男', en: 'Male' }, female: { zh: '女', en: 'Female' } }
const BUYING_ROLE: Texts<NonNullable<Contact['buyingRole']>> = {
  initiator: { zh: '发起者', en: 'Initiator' },
  influencer: { zh: '影响者', en: 'Influencer' },
  buyer: { zh: '购买者', en: 'Buyer' },
  user: { zh: '使用者', en: 'User' },
  decision_maker: { zh: '决策者', en: 'Decision maker' },
}
const YES_NO = { yes: { zh: '是', en: 'Yes' }, no: { zh: '否', en: 'No' } }
const yesNo = (labels: Labels, v: boolean | null | undefined) => (v == null ? null : labels.text(v ? YES_NO.yes : YES_NO.no))

export const contactsExporter: ListExporter<{ customerId: string }> = {
  module: 'contacts',
  title: { zh: '联系人', en: 'Contacts' },
  columns: [
    { key: 'name', zh: '姓名', en: 'Name', width: 12, type: 'text' },
    { key: 'isPrimary', zh: '主联系人', en: 'Primary', width: 9, type: 'text' },
    { key: 'gender', zh: '性别', en: 'Gender', width: 6, type: 'text' },
    { key: 'title', zh: '职务', en: 'Title', width: 14, type: 'text' },
    { key: 'department', zh: '部门', en: 'Department', width: 14, type: 'text' },
    { key: 'mobile', zh: '手机', en: 'Mobile', width: 16, type: 'text' },
    { key: 'officePhone', zh: '办公电话', en: 'Office phone', width: 16, type: 'text' },
    { key: 'homePhone', zh: '住宅电话', en: 'Home phone', width: 16, type: 'text' },
    { key: 'email', zh: '电子邮件', en: 'E-mail', width: 24, type: 'text' },
    { key: 'wechat', zh: '微信', en: 'WeChat', width: 14, type: 'text' },
    { key: 'birthday', zh: '生日', en: 'Birthday', width: 12, type: 'text' },
    { key: 'buyingRole', zh: '采购角色', en: 'Buying role', width: 10, type: 'text' },
    { key: 'friendliness', zh: '友好度', en: 'Friendliness', width: 8, type: 'int' },
    { key: 'hometown', zh: '籍贯', en: 'Hometown', width: 12, type: 'text' },
    { key: 'education', zh: '学历', en: 'Education', width: 10, type: 'text' },
    { key: 'hobbies', zh: '爱好', en: 'Hobbies', width: 20, type: 'text' },
    { key: 'bestCallTime', zh: '方便联系时间', en: 'Best time to call', width: 14, type: 'text' },
    { key: 'notes', zh: '备注', en: 'Notes', width: 30, type: 'text' },
    { key: 'updatedAt', zh: '更新时间', en: 'Updated', width: 18, type: 'datetime' },
  ],
  async page(ctx, input, page, _pageSize, labels) {
    // the card lists every contact of the customer at once: one page
    if (page > 1) return { rows: [], total: 0 }
    const items = await contactsList(ctx, { customerId: input.customerId })
    const rows = items.map((c) => ({
      name: c.name, isPrimary: yesNo(labels, c.isPrimary), gender: c.gender ? labels.text(GENDER[c.gender]) : null, title: c.title, department: c.department,
      mobile: c.mobile, officePhone: c.officePhone, homePhone: c.homePhone, email: c.email, wechat: c.wechat,
      // a 农历 birthday is not a solar date: written as text, marked
      birthday: c.birthday ? (c.birthdayCalendar === 'lunar' ? `${labels.text({ zh: '农历', en: 'Lunar' })} ${c.birthday}` : c.birthday) : null,
      buyingRole: c.buyingRole ? labels.text(BUYING_ROLE[c.buyingRole]) : null, friendliness: c.friendliness, hometown: c.hometown,
      education: c.education, hobbies: c.hobbies, bestCallTime: c.bestCallTime, notes: c.notes, updatedAt: c.updatedAt,
    }))
    return { rows, total: rows.length }
  },
}

const INTERACTION_KIND: Texts<Interaction['kind']> = { record: { zh: '交往记录', en: 'Record' }, visit: { zh: '拜访', en: 'Visit' } }

type InteractionInput = Omit<Parameters<typeof interactionsSearch>[1], 'page' | 'pageSize'>

export const interactionsExporter: ListExporter<InteractionInput> = {
  module: 'interactions',
  title: { zh: '跟进记录', en: 'Interactions' },
  columns: [
    { key: 'occurredAt', zh: '时间', en: 'When', width: 18, type: 'datetime' },
    { key: 'customerName', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
    { key: 'contactName', zh: '联系人', en: 'Contact', width: 12, type: 'text' },
    { key: 'kind', zh: '类型', en: 'Kind', width: 10, type: 'text' },
    { key: 'channel', zh: '交往方式', en: 'Channel', width: 12, type: 'text' },
    { key: 'place', zh: '地点', en: 'Place', width: 16, type: 'text' },
    { key: 'subject', zh: '主题', en: 'Subject', width: 30, type: 'text' },
    { key: 'detail', zh: '详细内容', en: 'Detail', width: 50, type: 'text' },
    { key: 'outcome', zh: '结果', en: 'Outcome', width: 30, type: 'text' },
    { key: 'nextFollowUpAt', zh: '下次跟进', en: 'Next follow-up', width: 18, type: 'datetime' },
    { key: 'visitGoal', zh: '拜访目的', en: 'Visit goal', width: 24, type: 'text' },
    { key: 'goalMet', zh: '目的达成', en: 'Goal met', width: 9, type: 'text' },
    { key: 'promises', zh: '承诺', en: 'Promises', width: 30, type: 'text' },
    { key: 'createdBy', zh: '记录人', en: 'Recorded by', width: 12, type: 'text' },
  ],
  async page(ctx, input, page, pageSize, labels) {
    const r = await interactionsSearch(ctx, { ...input, page, pageSize })
    return { rows: await interactionRows(r.items, labels), total: r.total }
  },
  async *chunks(ctx, input, size, labels) {
    // the export shows neither attachments nor follow-up reminders: not read
    for await (const r of interactionsSearchChunks(ctx, input, size, { attachments: false, followUps: false })) yield { rows: await interactionRows(r.items, labels), total: r.total }
  },
}

async function interactionRows(items: Interaction[], labels: Labels) {
  await labels.load(items.map((i) => i.channelId))
  return items.map((i) => ({
    occurredAt: i.occurredAt, customerName: i.customerName, contactName: i.contactName, kind: labels.text(INTERACTION_KIND[i.kind]),
    channel: labels.of(i.channelId) || i.channelLabel, place: i.place, subject: i.subject, detail: i.detail, outcome: i.outcome,
    nextFollowUpAt: i.nextFollowUpAt, visitGoal: i.visitGoal, goalMet: yesNo(labels, i.goalMet),
    promises: i.promises.map((p) => (p.dueDate ? `${p.content} (${p.dueDate})` : p.content)).join('；') || null, createdBy: i.createdByName,
  }))
}

const ORDER_STATUS: Texts<OrderRow['status']> = {
  draft: { zh: '草稿', en: 'Draft' },
  pending: { zh: '待审批', en: 'Pending' },
  approved: { zh: '已审批', en: 'Approved' },
  shipped: { zh: '已发货', en: 'Shipped' },
  completed: { zh: '已完成', en: 'Completed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
}

type OrderInput = Omit<Parameters<typeof ordersList>[1], 'page' | 'pageSize'>

export const ordersExporter: ListExporter<OrderInput> = {
  module: 'orders',
  title: { zh: '订单', en: 'Orders' },
  columns: [
    { key: 'code', zh: '订单编号', en: 'Order no.', width: 18, type: 'text' },
    { key: 'orderDate', zh: '订单日期', en: 'Order date', width: 12, type: 'date' },
    { key: 'customerName', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
    { key: 'status', zh: '状态', en: 'Status', width: 10, type: 'text' },
    { key: 'total', zh: '订单金额(元)', en: 'Amount (CNY)', width: 16, type: 'money', total: true },
    { key: 'received', zh: '已回款(元)', en: 'Received (CNY)', width: 16, type: 'money', total: true },
    { key: 'outstanding', zh: '未回款(元)', en: 'Outstanding (CNY)', width: 16, type: 'money', total: true },
    { key: 'nextDueDate', zh: '下次回款日', en: 'Next due', width: 12, type: 'date' },
    { key: 'owner', zh: '客户经理', en: 'Account manager', width: 12, type: 'text' },
    { key: 'updatedAt', zh: '更新时间', en: 'Updated', width: 18, type: 'datetime' },
  ],
  ...readThrough(ordersList, ordersListChunks, orderRows),
}

function orderRows(items: OrderRow[], labels: Labels) {
  return items.map((o) => ({
    code: o.code, orderDate: o.orderDate, customerName: o.customerName, status: labels.text(ORDER_STATUS[o.status]), total: o.totalCents,
    received: o.receivedCents, outstanding: o.outstandingCents, nextDueDate: o.nextDueDate, owner: o.ownerName, updatedAt: o.updatedAt,
  }))
}

export const paymentsExporter: ListExporter<{ filter: Parameters<typeof paymentsList>[1]['filter'] }> = {
  module: 'orders',
  title: { zh: '回款记录', en: 'Payments' },
  columns: [
    { key: 'paidDate', zh: '回款日期', en: 'Paid on', width: 12, type: 'date' },
    { key: 'orderCode', zh: '订单编号', en: 'Order no.', width: 18, type: 'text' },
    { key: 'customerName', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
    { key: 'amount', zh: '回款金额(元)', en: 'Amount (CNY)', width: 16, type: 'money', total: true },
    { key: 'method', zh: '回款方式', en: 'Method', width: 12, type: 'text' },
    { key: 'note', zh: '备注', en: 'Note', width: 30, type: 'text' },
    { key: 'owner', zh: '客户经理', en: 'Account manager', width: 12, type: 'text' },
    { key: 'createdBy', zh: '登记人', en: 'Recorded by', width: 12, type: 'text' },
    { key: 'createdAt', zh: '登记时间', en: 'Recorded', width: 18, type: 'datetime' },
  ],
  ...readThrough(paymentsList, paymentsListChunks, paymentRows),
}

async function paymentRows(items: PaymentRow[], labels: Labels) {
  await labels.load(items.map((p) => p.methodId))
  return items.map((p) => ({
    paidDate: p.paidDate, orderCode: p.orderCode, customerName: p.customerName, amount: p.amountCents, method: labels.of(p.methodId),
    note: p.note, owner: p.ownerName, createdBy: p.createdByName, createdAt: p.createdAt,
  }))
}

const TICKET_STATUS: Texts<Ticket['status']> = {
  new: { zh: '新创建', en: 'New' },
  assigned: { zh: '已分配', en: 'Assigned' },
  handled: { zh: '已处理', en: 'Handled' },
  feedback: { zh: '已反馈', en: 'Feedback' },
  archived: { zh: '已归档', en: 'Archived' },
}
const TICKET_URGENCY: Texts<Ticket['urgency']> = { urgent: { zh: '紧急', en: 'Urgent' }, normal: { zh: '普通', en: 'Normal' } }

type TicketInput = Omit<Parameters<typeof servicesList>[1], 'page' | 'pageSize'>

export const ticketsExporter: ListExporter<TicketInput> = {
  module: 'services',
  title: { zh: '服务工单', en: 'Service tickets' },
  columns: [
    { key: 'code', zh: '工单编号', en: 'Ticket no.', width: 18, type: 'text' },
    { key: 'customerName', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
    { key: 'type', zh: '服务类型', en: 'Type', width: 12, type: 'text' },
    { key: 'urgency', zh: '紧急程度', en: 'Urgency', width: 9, type: 'text' },
    { key: 'summary', zh: '概要', en: 'Summary', width: 30, type: 'text' },
    { key: 'status', zh: '状态', en: 'Status', width: 10, type: 'text' },
    { key: 'contactName', zh: '联系人', en: 'Contact', width: 12, type: 'text' },
    { key: 'contactInfo', zh: '联系方式', en: 'Contact info', width: 16, type: 'text' },
    { key: 'createdBy', zh: '创建人', en: 'Created by', width: 12, type: 'text' },
    { key: 'createdAt', zh: '创建时间', en: 'Created', width: 18, type: 'datetime' },
    { key: 'assignedTo', zh: '处理人', en: 'Handler', width: 12, type: 'text' },
    { key: 'assignedAt', zh: '分配时间', en: 'Assigned', width: 18, type: 'datetime' },
    { key: 'dueAt', zh: '处理时限', en: 'Due', width: 18, type: 'datetime' },
    { key: 'handledAt', zh: '处理时间', en: 'Handled', width: 18, type: 'datetime' },
    { key: 'quote', zh: '报价(元)', en: 'Quote (CNY)', width: 14, type: 'money', total: true },
    { key: 'satisfaction', zh: '满意度', en: 'Satisfaction', width: 8, type: 'int' },
    { key: 'feedback', zh: '反馈意见', en: 'Feedback', width: 24, type: 'text' },
  ],
  ...readThrough(servicesList, servicesListChunks, ticketRows),
}

async function ticketRows(items: Ticket[], labels: Labels) {
  await labels.load(items.map((t) => t.typeId))
  return items.map((t) => ({
    code: t.code, customerName: t.customerName, type: labels.of(t.typeId) || t.typeLabel, urgency: labels.text(TICKET_URGENCY[t.urgency]), summary: t.summary,
    status: labels.text(TICKET_STATUS[t.status]), contactName: t.contactName, contactInfo: t.contactInfo, createdBy: t.createdByName, createdAt: t.createdAt,
    assignedTo: t.assignedToName, assignedAt: t.assignedAt, dueAt: t.sla?.dueAt ?? null, handledAt: t.handledAt, quote: t.quote?.amountCents ?? null,
    satisfaction: t.satisfaction, feedback: t.feedback,
  }))
}

const REQUIREMENT_STATUS: Texts<RequirementRow['status']> = {
  received: { zh: '已接收', en: 'Received' },
  organising: { zh: '整理中', en: 'Organising' },
  reviewing: { zh: '评议中', en: 'In review' },
  reported: { zh: '已报告', en: 'Reported' },
  approved: { zh: '已批准', en: 'Approved' },
  confirmed: { zh: '客户已确认', en: 'Confirmed by customer' },
  in_progress: { zh: '进行中', en: 'In progress' },
  done: { zh: '已完成', en: 'Done' },
  rejected: { zh: '已拒绝', en: 'Rejected' },
}
const PRIORITY: Texts<RequirementRow['priority']> = { high: { zh: '高', en: 'High' }, medium: { zh: '中', en: 'Medium' }, low: { zh: '低', en: 'Low' } }

type RequirementInput = Omit<Parameters<typeof requirementsList>[1], 'page' | 'pageSize'>

export const requirementsExporter: ListExporter<RequirementInput> = {
  module: 'requirements',
  title: { zh: '客户需求', en: 'Requirements' },
  columns: [
    { key: 'code', zh: '需求编号', en: 'ID', width: 18, type: 'text' },
    { key: 'customerName', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
    { key: 'workContent', zh: '需求描述', en: 'Description', width: 50, type: 'text' },
    { key: 'priority', zh: '优先级', en: 'Priority', width: 8, type: 'text' },
    { key: 'status', zh: '状态', en: 'Status', width: 12, type: 'text' },
    { key: 'owner', zh: '负责人', en: 'Owner', width: 12, type: 'text' },
    { key: 'plannedStart', zh: '计划开始', en: 'Planned start', width: 12, type: 'date' },
    { key: 'plannedFinish', zh: '计划完成', en: 'Planned finish', width: 12, type: 'date' },
    { key: 'actualStart', zh: '实际开始', en: 'Actual start', width: 12, type: 'date' },
    { key: 'actualFinish', zh: '实际完成', en: 'Actual finish', width: 12, type: 'date' },
    { key: 'delayDays', zh: '延期天数', en: 'Delay (days)', width: 10, type: 'int' },
    { key: 'changeCount', zh: '变更次数', en: 'Changes', width: 9, type: 'int' },
    { key: 'updatedAt', zh: '更新时间', en: 'Updated', width: 18, type: 'datetime' },
  ],
  ...readThrough(requirementsList, requirementsListChunks, requirementRows),
}

function requirementRows(items: RequirementRow[], labels: Labels) {
  return items.map((q) => ({
    code: q.code, customerName: q.customerName, workContent: q.workContent, priority: labels.text(PRIORITY[q.priority]), status: labels.text(REQUIREMENT_STATUS[q.status]),
    owner: q.ownerName, plannedStart: q.plannedStart, plannedFinish: q.plannedFinish, actualStart: q.actualStart, actualFinish: q.actualFinish,
    delayDays: q.delayDays, changeCount: q.changeCount, updatedAt: q.updatedAt,
  }))
}
