// 导出全部数据: an .xlsx archive of every customer, contact and interaction the caller may see,
// for any database (for PostgreSQL / SQL Server this is what a client can keep itself). Written
// with exceljs's streaming writer in batches of 1,000 rows read by each area's service (scope
// and permissions stay there), into <dataFolder>/exports/. The desktop app shows the file.
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import type { ServiceContext } from '../context'
import { ARCHIVE_SHEETS } from '../../contract/backup'
import { toIso } from '../../db/dialect'
import { requirePerm } from '../auth/permissions'
import { customersArchiveBatch } from '../customers/customers.service'
import { contactsArchiveBatch } from '../contacts/contacts.service'
import { interactionsArchiveBatch } from '../interactions/interactions.service'

type Row = Record<string, unknown>
type Locale = 'zh-CN' | 'en-US'
type Sheet = (typeof ARCHIVE_SHEETS)[number]
interface Column {
  key: string
  zh: string
  en: string
  width?: number
  value?: (r: Row) => unknown
}

const BATCH = 1000
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v))
const time = (v: unknown) => toIso(v) ?? ''
const yuan = (v: unknown) => (v === null || v === undefined || v === '' ? '' : Number(v) / 100)

const COLUMNS: Record<Sheet, Column[]> = {
  customers: [
    { key: 'code', zh: '客户编号', en: 'Code', width: 16 },
    { key: 'name', zh: '客户名称', en: 'Name', width: 32 },
    { key: 'short_name', zh: '简称', en: 'Short name', width: 14 },
    { key: 'customer_type', zh: '客户类型', en: 'Type' },
    { key: 'region_label', zh: '所属区域', en: 'Region' },
    { key: 'industry_label', zh: '所属行业', en: 'Industry' },
    { key: 'level_label', zh: '客户等级', en: 'Level' },
    { key: 'category_label', zh: '客户类别', en: 'Category' },
    { key: 'source_label', zh: '客户来源', en: 'Source' },
    { key: 'nature_label', zh: '客户性质', en: 'Nature' },
    { key: 'status', zh: '状态', en: 'Status' },
    { key: 'owner_name', zh: '负责人', en: 'Owner' },
    { key: 'phone', zh: '电话', en: 'Phone', width: 16 },
    { key: 'email', zh: '电子邮件', en: 'Email', width: 22 },
    { key: 'province', zh: '省份', en: 'Province' },
    { key: 'city', zh: '城市', en: 'City' },
    { key: 'address', zh: '通讯地址', en: 'Address', width: 30 },
    { key: 'website', zh: '单位网址', en: 'Website', width: 22 },
    { key: 'legal_rep', zh: '法人代表', en: 'Legal representative' },
    { key: 'tax_id', zh: '税号', en: 'Tax id', width: 20 },
    { key: 'order_count', zh: '交易次数', en: 'Orders' },
    { key: 'order_total_cents', zh: '交易金额（元）', en: 'Order total (CNY)', value: (r) => yuan(r.order_total_cents) },
    { key: 'last_contact_at', zh: '最近联系', en: 'Last contact', width: 22, value: (r) => time(r.last_contact_at) },
    { key: 'tags', zh: '标签', en: 'Tags' },
    { key: 'notes', zh: '备注', en: 'Notes', width: 30 },
    { key: 'created_at', zh: '创建时间', en: 'Created', width: 22, value: (r) => time(r.created_at) },
    { key: 'updated_at', zh: '更新时间', en: 'Updated', width: 22, value: (r) => time(r.updated_at) },
  ],
  contacts: [
    { key: 'customer_code', zh: '客户编号', en: 'Customer code', width: 16 },
    { key: 'customer_name', zh: '客户名称', en: 'Customer', width: 32 },
    { key: 'name', zh: '姓名', en: 'Name', width: 12 },
    { key: 'is_primary', zh: '主联系人', en: 'Primary', value: (r) => (r.is_primary === true || r.is_primary === 1 || r.is_primary === '1' ? '✓' : '') },
    { key: 'gender', zh: '性别', en: 'Gender' },
    { key: 'title', zh: '职务', en: 'Title' },
    { key: 'department', zh: '部门', en: 'Department' },
    { key: 'mobile', zh: '手机', en: 'Mobile', width: 16 },
    { key: 'office_phone', zh: '办公电话', en: 'Office phone', width: 16 },
    { key: 'email', zh: '电子邮件', en: 'Email', width: 22 },
    { key: 'wechat', zh: '微信', en: 'WeChat' },
    { key: 'birthday', zh: '生日', en: 'Birthday' },
    { key: 'notes', zh: '备注', en: 'Notes', width: 30 },
  ],
  interactions: [
    { key: 'customer_code', zh: '客户编号', en: 'Customer code', width: 16 },
    { key: 'customer_name', zh: '客户名称', en: 'Customer', width: 32 },
    { key: 'contact_name', zh: '联系人', en: 'Contact' },
    { key: 'channel_label', zh: '方式', en: 'Channel' },
    { key: 'occurred_at', zh: '时间', en: 'Time', width: 22, value: (r) => time(r.occurred_at) },
    { key: 'place', zh: '地点', en: 'Place' },
    { key: 'subject', zh: '概要', en: 'Subject', width: 30 },
    { key: 'detail', zh: '详细', en: 'Detail', width: 40 },
    { key: 'outcome', zh: '结果', en: 'Outcome', width: 24 },
    { key: 'created_by_name', zh: '记录人', en: 'Recorded by' },
  ],
}

const SHEET_NAMES: Record<Sheet, { zh: string; en: string }> = {
  customers: { zh: '客户', en: 'Customers' },
  contacts: { zh: '联系人', en: 'Contacts' },
  interactions: { zh: '交往记录', en: 'Interactions' },
}

const READERS: Record<Sheet, (ctx: ServiceContext, afterId: string | null, limit: number) => Promise<Row[]>> = {
  customers: customersArchiveBatch,
  contacts: contactsArchiveBatch,
  interactions: interactionsArchiveBatch,
}

const pad = (n: number) => String(n).padStart(2, '0')

export async function exportArchive(ctx: ServiceContext, input: { locale: Locale } = { locale: 'zh-CN' }) {
  requirePerm(ctx.actor, 'customers', 'export')
  const zh = input.locale !== 'en-US'
  const at = ctx.clock.now()
  const dir = path.join(ctx.dataDir, 'exports')
  fs.mkdirSync(dir, { recursive: true })
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`
  let file = path.join(dir, `crm-archive-${stamp}.xlsx`)
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `crm-archive-${stamp}-${i}.xlsx`)
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false })
  wb.creator = 'CRM'
  wb.created = at
  const rows: Record<string, number> = {}
  try {
    for (const sheet of ARCHIVE_SHEETS) {
      const cols = COLUMNS[sheet]
      const ws = wb.addWorksheet(zh ? SHEET_NAMES[sheet].zh : SHEET_NAMES[sheet].en, { views: [{ state: 'frozen', ySplit: 1 }] })
      ws.columns = cols.map((c) => ({ header: zh ? c.zh : c.en, key: c.key, width: c.width ?? 12 }))
      ws.getRow(1).font = { bold: true }
      ws.getRow(1).commit()
      let n = 0
      let after: string | null = null
      for (;;) {
        const batch = await READERS[sheet](ctx, after, BATCH)
        for (const r of batch) ws.addRow(Object.fromEntries(cols.map((c) => [c.key, c.value ? c.value(r) : text(r[c.key])]))).commit()
        n += batch.length
        if (batch.length < BATCH) break
        after = String(batch[batch.length - 1].id)
      }
      ws.commit()
      rows[sheet] = n
    }
    await wb.commit()
  } catch (e) {
    fs.rmSync(file, { force: true })
    throw e
  }
  return { path: file, rows }
}
