// 统计报表 → .xlsx: the report's title and filters (period, scope, basis or dimension, team,
// owner, region, level, when exported) written above the table of the chart's data, with the
// export writer's cell types and number formats (exports/exports.writer.ts); headers in the
// caller's language. The 客户贡献分析 adds a sheet with the 20/80 curve and the movers.
import ExcelJS from 'exceljs'
import type { z } from 'zod'
import type { ServiceContext } from '../context'
import type { ExportFile, ExportLang } from '../../contract/exports'
import type { ReportExportInput, ReportName } from '../../contract/reports'
import { requirePerm } from '../auth/permissions'
import { Labels } from '../exports/exports.lists'
import { cellValue, NUM_FMT, safeSheetName, type ColumnType } from '../exports/exports.writer'
import { pipelineSheets } from './reports.pipeline.export'
import { reportsChurn, reportsComposition, reportsContribution, reportsFollowUps, reportsService, teamName, userName } from './reports.service'

type In = z.output<typeof ReportExportInput>
type Type = ColumnType | 'percent' | 'number'
export interface Col {
  key: string
  zh: string
  en: string
  width: number
  type: Type
  total?: boolean
}
export interface Table {
  title: { zh: string; en: string }
  columns: Col[]
  rows: Array<Record<string, unknown>>
}

/** What a report adds to the workbook: its head (period, scope), its filters and figures, its tables. */
export interface ReportSheets {
  head: { scope: keyof typeof SCOPE; period: { firstDay: string; lastDay: string } }
  filters: Array<[{ zh: string; en: string }, string]>
  tables: Table[]
}

const TITLES: Record<ReportName, { zh: string; en: string }> = {
  contribution: { zh: '客户贡献分析', en: 'Customer contribution' },
  composition: { zh: '客户构成分析', en: 'Customer composition' },
  service: { zh: '客户服务分析', en: 'Customer service' },
  churn: { zh: '客户流失分析', en: 'Customer churn' },
  pipeline: { zh: '销售漏斗与业绩', en: 'Sales funnel and performance' },
  followups: { zh: '跟进统计', en: 'Follow-ups' },
}
const SCOPE = { own: { zh: '本人', en: 'Mine' }, team: { zh: '本团队', en: 'My team' }, all: { zh: '全公司', en: 'Company' } }
const BASIS = { orders: { zh: '订单金额', en: 'Order totals' }, payments: { zh: '回款金额', en: 'Payments received' } }
const DIMENSION = {
  level: { zh: '客户等级', en: 'Level' }, region: { zh: '地区', en: 'Region' }, industry: { zh: '行业', en: 'Industry' }, nature: { zh: '企业性质', en: 'Nature' },
  size: { zh: '企业规模', en: 'Size' }, source: { zh: '客户来源', en: 'Source' }, category: { zh: '客户类别', en: 'Category' },
}
const STATUS = {
  new: { zh: '新建', en: 'New' }, assigned: { zh: '已分配', en: 'Assigned' }, handled: { zh: '已处理', en: 'Handled' }, feedback: { zh: '已反馈', en: 'Feedback' }, archived: { zh: '已归档', en: 'Archived' },
}
const r4 = (x: number) => Math.round(x * 10_000) / 10_000
const NOT_SET = { zh: '未设置', en: 'Not set' }

const numFmt = (t: Type) => (t === 'percent' ? '0.00%' : t === 'number' ? '0.00' : NUM_FMT[t as ColumnType])
const value = (t: Type, v: unknown, offset: number) => (t === 'percent' || t === 'number' ? (v == null ? null : Number(v)) : cellValue(t as ColumnType, v, offset))

/** The report's rows and filters, read with the caller's permissions, as the workbook's bytes. */
export async function reportsExport(ctx: ServiceContext, input: In): Promise<ExportFile> {
  requirePerm(ctx.actor, 'reports', 'export')
  const { report, lang: _l, ...rest } = input
  const lang: ExportLang = input.lang
  const en = lang === 'en-US'
  const L = (t: { zh: string; en: string }) => (en ? t.en : t.zh)
  const labels = new Labels(ctx, lang)
  const offset = input.utcOffsetMinutes ?? 480
  const filters: Array<[{ zh: string; en: string }, string]> = []
  const tables: Table[] = []
  let head: { scope: keyof typeof SCOPE; period: { firstDay: string; lastDay: string } }

  if (report === 'contribution') {
    const r = await reportsContribution(ctx, rest as never)
    head = r
    filters.push([{ zh: '口径', en: 'Basis' }, L(BASIS[r.basis])], [{ zh: '对比期间（上年同期）', en: 'Compared with (a year before)' }, `${r.compare.firstDay} ~ ${r.compare.lastDay}`])
    tables.push({
      title: TITLES.contribution,
      columns: [
        { key: 'rank', zh: '排名', en: 'Rank', width: 6, type: 'int' },
        { key: 'code', zh: '客户编号', en: 'Code', width: 14, type: 'text' },
        { key: 'name', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
        { key: 'ownerName', zh: '客户经理', en: 'Owner', width: 12, type: 'text' },
        { key: 'cents', zh: '金额', en: 'Amount', width: 16, type: 'money', total: true },
        { key: 'share', zh: '占比', en: 'Share', width: 10, type: 'percent' },
        { key: 'cumulativeShare', zh: '累计占比', en: 'Cumulative', width: 10, type: 'percent' },
        { key: 'compareCents', zh: '上年同期', en: 'A year before', width: 16, type: 'money', total: true },
        { key: 'growth', zh: '同比增长', en: 'Growth', width: 10, type: 'percent' },
      ],
      rows: r.rows,
    })
    tables.push({
      title: { zh: '20/80 曲线', en: '20/80 curve' },
      columns: [
        { key: 'customersPct', zh: '客户占比 %', en: 'Customers %', width: 12, type: 'int' },
        { key: 'sharePct', zh: '金额占比 %', en: 'Amount %', width: 12, type: 'number' },
      ],
      rows: r.pareto,
    })
    const movers = [...r.gainers.map((g) => ({ ...g, kind: L({ zh: '增长最多', en: 'Top riser' }) })), ...r.losers.map((g) => ({ ...g, kind: L({ zh: '下降最多', en: 'Top faller' }) }))]
    tables.push({
      title: { zh: '极端情况（同比变化最大）', en: 'Top and bottom movers' },
      columns: [
        { key: 'kind', zh: '类别', en: 'Kind', width: 12, type: 'text' },
        { key: 'code', zh: '客户编号', en: 'Code', width: 14, type: 'text' },
        { key: 'name', zh: '客户名称', en: 'Customer', width: 32, type: 'text' },
        { key: 'cents', zh: '本期', en: 'This period', width: 16, type: 'money' },
        { key: 'compareCents', zh: '上年同期', en: 'A year before', width: 16, type: 'money' },
        { key: 'deltaCents', zh: '变化', en: 'Change', width: 16, type: 'money' },
      ],
      rows: movers,
    })
  } else if (report === 'composition') {
    const r = await reportsComposition(ctx, rest as never)
    head = r
    await labels.load(r.slices.map((s) => s.id))
    filters.push([{ zh: '维度', en: 'Dimension' }, L(DIMENSION[r.dimension])])
    tables.push({
      title: TITLES.composition,
      columns: [
        { key: 'label', zh: L(DIMENSION[r.dimension]), en: L(DIMENSION[r.dimension]), width: 20, type: 'text' },
        { key: 'customers', zh: '客户数', en: 'Customers', width: 12, type: 'int', total: true },
        { key: 'customerShare', zh: '客户占比', en: 'Share of customers', width: 14, type: 'percent' },
        { key: 'salesCents', zh: '销售额', en: 'Sales', width: 16, type: 'money', total: true },
        { key: 'salesShare', zh: '销售占比', en: 'Share of sales', width: 14, type: 'percent' },
      ],
      rows: r.slices.map((s) => ({
        label: s.id ? labels.of(s.id) : L(NOT_SET), customers: s.customers, salesCents: s.salesCents,
        customerShare: r.customers ? r4(s.customers / r.customers) : 0, salesShare: r.salesCents ? r4(s.salesCents / r.salesCents) : 0,
      })),
    })
  } else if (report === 'service') {
    const r = await reportsService(ctx, rest as never)
    head = r
    await labels.load(r.byType.map((t) => t.typeId))
    tables.push({
      title: TITLES.service,
      columns: [
        { key: 'label', zh: '服务类型', en: 'Service type', width: 18, type: 'text' },
        { key: 'tickets', zh: '工单数', en: 'Tickets', width: 10, type: 'int', total: true },
        { key: 'open', zh: '待处理', en: 'Waiting', width: 10, type: 'int', total: true },
        { key: 'avgAssignMinutes', zh: '平均分配用时（分钟）', en: 'Avg. minutes to assign', width: 16, type: 'number' },
        { key: 'avgResolveMinutes', zh: '平均处理用时（分钟）', en: 'Avg. minutes to resolve', width: 16, type: 'number' },
        { key: 'avgSatisfaction', zh: '平均满意度', en: 'Avg. satisfaction', width: 12, type: 'number' },
        { key: 'slaBreaches', zh: '超时（SLA）', en: 'SLA breaches', width: 12, type: 'int', total: true },
      ],
      rows: r.byType.map((t) => ({ ...t, label: t.typeId ? labels.of(t.typeId) : L(NOT_SET) })),
    })
    tables.push({
      title: { zh: '按月', en: 'By month' },
      columns: [
        { key: 'month', zh: '月份', en: 'Month', width: 10, type: 'text' },
        { key: 'tickets', zh: '工单数', en: 'Tickets', width: 10, type: 'int', total: true },
        { key: 'rated', zh: '已评分', en: 'Rated', width: 10, type: 'int', total: true },
        { key: 'avgSatisfaction', zh: '平均满意度', en: 'Avg. satisfaction', width: 12, type: 'number' },
      ],
      rows: r.byMonth,
    })
    tables.push({
      title: { zh: '按状态与满意度', en: 'By status and satisfaction' },
      columns: [
        { key: 'label', zh: '状态 / 评分', en: 'Status / score', width: 14, type: 'text' },
        { key: 'tickets', zh: '工单数', en: 'Tickets', width: 10, type: 'int' },
      ],
      rows: [...r.byStatus.map((s) => ({ label: L(STATUS[s.status]), tickets: s.tickets })), ...r.satisfaction.map((s) => ({ label: `${s.score} ★`, tickets: s.tickets }))],
    })
  } else if (report === 'pipeline') {
    const r = await pipelineSheets(ctx, rest as never, labels)
    head = r.head
    filters.push(...r.filters)
    tables.push(...r.tables)
  } else if (report === 'followups') {
    const r = await reportsFollowUps(ctx, rest as never)
    head = r
    await labels.load(r.channels.map((c) => c.channelId))
    const channelKey = (id: string | null) => `ch_${id ?? 'none'}`
    filters.push([{ zh: '跟进次数 / 客户数', en: 'Follow-ups / customers' }, `${r.total} / ${r.customers}`])
    tables.push({
      title: TITLES.followups,
      columns: [
        { key: 'name', zh: '跟进人', en: 'Rep', width: 14, type: 'text' },
        { key: 'total', zh: '跟进次数', en: 'Follow-ups', width: 10, type: 'int', total: true },
        { key: 'customers', zh: '跟进客户数', en: 'Customers', width: 10, type: 'int' },
        ...r.channels.map((c): Col => ({ key: channelKey(c.channelId), zh: c.channelId ? labels.of(c.channelId) : NOT_SET.zh, en: c.channelId ? labels.of(c.channelId) : NOT_SET.en, width: 10, type: 'int', total: true })),
      ],
      rows: r.byRep.map((x) => ({ ...x, name: x.name ?? L(NOT_SET), ...Object.fromEntries(x.channels.map((c) => [channelKey(c.channelId), c.count])) })),
    })
    tables.push({
      title: { zh: '按日', en: 'By day' },
      columns: [
        { key: 'day', zh: '日期', en: 'Day', width: 12, type: 'date' },
        { key: 'count', zh: '跟进次数', en: 'Follow-ups', width: 10, type: 'int', total: true },
      ],
      rows: r.byDay,
    })
    tables.push({
      title: { zh: '联系策略执行', en: 'Contact policy' },
      columns: [
        { key: 'name', zh: '客户经理', en: 'Owner', width: 14, type: 'text' },
        { key: 'withPolicy', zh: '有联系策略的客户', en: 'Customers with a policy', width: 16, type: 'int', total: true },
        { key: 'onTime', zh: '按时联系', en: 'Contacted in time', width: 12, type: 'int', total: true },
        { key: 'overdue', zh: '超期未联系', en: 'Overdue', width: 12, type: 'int', total: true },
      ],
      rows: r.policy.map((x) => ({ ...x, name: x.name ?? L(NOT_SET) })),
    })
  } else {
    const r = await reportsChurn(ctx, rest as never)
    head = r
    await labels.load([...r.byRegion.map((x) => x.regionId), ...r.reasons.map((x) => x.reasonId), ...r.list.flatMap((x) => [x.regionId, x.reasonId])])
    filters.push([{ zh: '客户数 / 流失 / 流失率', en: 'Customers / churned / rate' }, `${r.customers} / ${r.churned} / ${(r.rate * 100).toFixed(2)}%`])
    tables.push({
      title: { zh: '按地区', en: 'By region' },
      columns: [
        { key: 'label', zh: '地区', en: 'Region', width: 16, type: 'text' },
        { key: 'customers', zh: '客户数', en: 'Customers', width: 10, type: 'int', total: true },
        { key: 'churned', zh: '流失', en: 'Churned', width: 10, type: 'int', total: true },
        { key: 'rate', zh: '流失率', en: 'Churn rate', width: 10, type: 'percent' },
      ],
      rows: r.byRegion.map((x) => ({ ...x, label: x.regionId ? labels.of(x.regionId) : L(NOT_SET) })),
    })
    tables.push({
      title: { zh: '按月与原因', en: 'By month and reason' },
      columns: [
        { key: 'label', zh: '月份 / 原因', en: 'Month / reason', width: 16, type: 'text' },
        { key: 'churned', zh: '流失', en: 'Churned', width: 10, type: 'int' },
        { key: 'rate', zh: '流失率', en: 'Churn rate', width: 10, type: 'percent' },
      ],
      rows: [...r.byMonth.map((m) => ({ label: m.month, churned: m.churned, rate: m.rate })), ...r.reasons.map((x) => ({ label: x.reasonId ? labels.of(x.reasonId) : L(NOT_SET), churned: x.churned }))],
    })
    tables.push({
      title: { zh: '流失客户', en: 'Churned customers' },
      columns: [
        { key: 'code', zh: '客户编号', en: 'Code', width: 14, type: 'text' },
        { key: 'name', zh: '客户名称', en: 'Customer', width: 30, type: 'text' },
        { key: 'region', zh: '地区', en: 'Region', width: 12, type: 'text' },
        { key: 'reason', zh: '流失原因', en: 'Reason', width: 24, type: 'text' },
        { key: 'lastOrderDate', zh: '最近交易', en: 'Last order', width: 12, type: 'date' },
        { key: 'confirmedAt', zh: '确认流失', en: 'Confirmed', width: 16, type: 'datetime' },
      ],
      rows: r.list.map((x) => ({ ...x, region: labels.of(x.regionId), reason: [labels.of(x.reasonId), x.reasonText].filter(Boolean).join(' · ') })),
    })
    tables.push({
      title: { zh: '流失预警（期间内发出）', en: 'Churn warnings raised in the period' },
      columns: [
        { key: 'label', zh: '状态', en: 'Status', width: 14, type: 'text' },
        { key: 'n', zh: '数量', en: 'Count', width: 10, type: 'int', total: true },
      ],
      rows: [
        { label: L({ zh: '待处理', en: 'Open' }), n: r.warnings.open }, { label: L({ zh: '暂缓', en: 'Paused' }), n: r.warnings.paused },
        { label: L({ zh: '已确认流失', en: 'Confirmed' }), n: r.warnings.confirmed }, { label: L({ zh: '已解除', en: 'Cancelled' }), n: r.warnings.cancelled },
      ],
    })
  }

  // the filters of every report
  const common: Array<[{ zh: string; en: string }, string]> = [
    [{ zh: '期间', en: 'Period' }, `${head.period.firstDay} ~ ${head.period.lastDay}`],
    [{ zh: '数据范围', en: 'Scope' }, L(SCOPE[head.scope])],
  ]
  if (input.teamId) common.push([{ zh: '团队', en: 'Team' }, (await teamName(ctx, input.teamId)) ?? input.teamId])
  if (input.ownerId) common.push([{ zh: '客户经理', en: 'Owner' }, (await userName(ctx, input.ownerId)) ?? input.ownerId])
  await labels.load([input.regionId, input.levelId])
  if (input.regionId) common.push([{ zh: '地区', en: 'Region' }, labels.of(input.regionId)])
  if (input.levelId) common.push([{ zh: '客户等级', en: 'Level' }, labels.of(input.levelId)])
  const now = ctx.clock.now()
  const local = new Date(now.getTime() + offset * 60_000)
  const day = local.toISOString().slice(0, 10)
  common.push([{ zh: '导出时间', en: 'Exported at' }, `${day} ${local.toISOString().slice(11, 16)}`])

  const wb = new ExcelJS.Workbook()
  const title = L(TITLES[report])
  tables.forEach((t, i) => {
    const ws = wb.addWorksheet(safeSheetName(i === 0 ? title : L(t.title)))
    ws.columns = t.columns.map((c) => ({ key: c.key, width: c.width }))
    const titleRow = ws.addRow([i === 0 ? title : `${title} · ${L(t.title)}`])
    titleRow.font = { bold: true, size: 14 }
    for (const [k, v] of [...common, ...filters]) {
      const r = ws.addRow([L(k), v])
      r.getCell(1).font = { bold: true, color: { argb: 'FF606266' } }
    }
    ws.addRow([])
    const header = ws.addRow(t.columns.map((c) => (en ? c.en : c.zh)))
    header.font = { bold: true }
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } }
      cell.border = { bottom: { style: 'thin', color: { argb: 'FFB0B7C3' } } }
    })
    ws.views = [{ state: 'frozen', ySplit: header.number }]
    const addRow = (row: Record<string, unknown>) => {
      const r = ws.addRow(t.columns.map((c) => value(c.type, row[c.key], offset)))
      t.columns.forEach((c, j) => {
        const f = numFmt(c.type)
        if (f) r.getCell(j + 1).numFmt = f
      })
      return r
    }
    for (const row of t.rows) addRow(row)
    if (t.columns.some((c) => c.total)) {
      const sums: Record<string, unknown> = { [t.columns[0].key]: null }
      for (const c of t.columns) if (c.total) sums[c.key] = t.rows.reduce((s, r) => s + (Number(r[c.key]) || 0), 0)
      const r = addRow(sums)
      r.getCell(1).value = en ? 'Total' : '合计'
      r.font = { bold: true }
    }
  })
  const bytes = Buffer.from(await wb.xlsx.writeBuffer())
  const fileName = `${en ? report : TITLES[report].zh}_${day}.xlsx`
  return { fileName, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', rows: tables[0].rows.length, contentBase64: bytes.toString('base64') }
}
