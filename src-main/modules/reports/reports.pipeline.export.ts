// 销售漏斗与业绩 → the sheets reports.export.ts writes: the stages (reached, stage-to-stage
// conversion, now in the stage, amounts) first, then the funnel per 客户经理 / team / region with
// the win rates, then 销售业绩 (target, actual, completion rate per 客户经理 and team) and the
// actual per month; the grouping, basis and the headline figures go with the filters on every sheet.
import type { ServiceContext } from '../context'
import type { PipelineReportInput } from '../../contract/reports'
import type { z } from 'zod'
import type { Labels } from '../exports/exports.lists'
import type { ReportSheets } from './reports.export'
import { reportsPipeline } from './reports.pipeline'

type Text = { zh: string; en: string }
const GROUP_BY: Record<'manager' | 'team' | 'region', Text> = {
  manager: { zh: '客户经理', en: 'Account manager' }, team: { zh: '团队', en: 'Team' }, region: { zh: '地区', en: 'Region' },
}
const BASIS: Record<'orders' | 'payments', Text> = { orders: { zh: '订单金额', en: 'Order totals' }, payments: { zh: '回款金额', en: 'Payments received' } }
const PERIOD: Record<'month' | 'quarter' | 'year', Text> = { month: { zh: '月度', en: 'Monthly' }, quarter: { zh: '季度', en: 'Quarterly' }, year: { zh: '年度', en: 'Yearly' } }
const pct = (x: number | null) => (x == null ? '—' : `${(x * 100).toFixed(2)}%`)

export async function pipelineSheets(ctx: ServiceContext, input: z.output<typeof PipelineReportInput>, labels: Labels): Promise<ReportSheets> {
  const r = await reportsPipeline(ctx, input)
  const L = (t: Text) => labels.text(t)
  await labels.load([...r.stages.map((s) => s.stageId), ...(r.groupBy === 'region' ? r.groups.map((g) => g.key) : [])])
  const none = r.groupBy === 'manager' ? { zh: '未分配', en: 'Not assigned' } : { zh: '未设置', en: 'Not set' }
  const filters: ReportSheets['filters'] = [
    [{ zh: '分组', en: 'Grouped by' }, L(GROUP_BY[r.groupBy])],
    [{ zh: '商机 / 进行中 / 赢单 / 输单', en: 'Opportunities / open / won / lost' }, `${r.total} / ${r.open} / ${r.won} / ${r.lost}`],
    [{ zh: '赢率', en: 'Win rate' }, pct(r.winRate)],
    [{ zh: '期间内关闭：赢单 / 输单 / 赢率', en: 'Closed in the period: won / lost / win rate' }, `${r.closed.won} / ${r.closed.lost} / ${pct(r.closed.winRate)}`],
    [{ zh: '业绩口径', en: 'Performance basis' }, L(BASIS[r.basis])],
  ]
  if (r.performance) {
    const p = r.performance
    filters.push([{ zh: '目标 / 实际 / 完成率', en: 'Target / actual / completion' }, `${L(PERIOD[p.periodType])} · ${(p.targetCents / 100).toFixed(2)} / ${(p.actualCents / 100).toFixed(2)} / ${pct(p.rate)}`])
  } else {
    filters.push([{ zh: '销售业绩', en: 'Sales performance' }, L({ zh: '期间不是整月、整季或整年：没有目标可比', en: 'The period is not a whole month, quarter or year: no targets to compare' })])
  }
  const tables: ReportSheets['tables'] = [
    {
      title: { zh: '销售漏斗与业绩', en: 'Sales funnel and performance' },
      columns: [
        { key: 'label', zh: '销售阶段', en: 'Stage', width: 16, type: 'text' },
        { key: 'reached', zh: '到达', en: 'Reached', width: 10, type: 'int' },
        { key: 'conversion', zh: '阶段转化率', en: 'Conversion', width: 12, type: 'percent' },
        { key: 'count', zh: '停留在此阶段', en: 'In this stage', width: 12, type: 'int', total: true },
        { key: 'open', zh: '进行中', en: 'Open', width: 10, type: 'int', total: true },
        { key: 'amountCents', zh: '预计金额（进行中）', en: 'Expected amount (open)', width: 18, type: 'money', total: true },
        { key: 'weightedCents', zh: '加权金额', en: 'Weighted amount', width: 16, type: 'money', total: true },
      ],
      rows: r.stages.map((s) => ({ ...s, label: s.stageId ? labels.of(s.stageId) : L({ zh: '未设置', en: 'Not set' }) })),
    },
    {
      title: { zh: `按${GROUP_BY[r.groupBy].zh}`, en: `By ${GROUP_BY[r.groupBy].en.toLowerCase()}` },
      columns: [
        { key: 'label', zh: GROUP_BY[r.groupBy].zh, en: GROUP_BY[r.groupBy].en, width: 16, type: 'text' },
        { key: 'total', zh: '商机', en: 'Opportunities', width: 12, type: 'int', total: true },
        { key: 'open', zh: '进行中', en: 'Open', width: 10, type: 'int', total: true },
        { key: 'won', zh: '赢单', en: 'Won', width: 10, type: 'int', total: true },
        { key: 'lost', zh: '输单', en: 'Lost', width: 10, type: 'int', total: true },
        { key: 'winRate', zh: '赢率', en: 'Win rate', width: 10, type: 'percent' },
        { key: 'amountCents', zh: '预计金额（进行中）', en: 'Expected amount (open)', width: 18, type: 'money', total: true },
        { key: 'weightedCents', zh: '加权金额', en: 'Weighted amount', width: 16, type: 'money', total: true },
        { key: 'wonAmountCents', zh: '赢单金额', en: 'Won amount', width: 16, type: 'money', total: true },
        ...r.stages.map((s, i) => ({ key: `stage${i}`, zh: `到达：${labels.of(s.stageId)}`, en: `Reached: ${labels.of(s.stageId)}`, width: 12, type: 'int' as const })),
      ],
      rows: r.groups.map((g) => ({
        ...g, ...Object.fromEntries(g.reached.map((n, i) => [`stage${i}`, n])),
        label: g.key ? (r.groupBy === 'region' ? labels.of(g.key) : (g.name ?? '')) : L(none),
      })),
    },
  ]
  if (r.performance) {
    const p = r.performance
    tables.push({
      title: { zh: '销售业绩', en: 'Sales performance' },
      columns: [
        { key: 'kind', zh: '类别', en: 'Kind', width: 10, type: 'text' },
        { key: 'name', zh: '客户经理 / 团队', en: 'Manager / team', width: 16, type: 'text' },
        { key: 'teamName', zh: '所属团队', en: 'Team', width: 14, type: 'text' },
        { key: 'targetCents', zh: '目标', en: 'Target', width: 16, type: 'money' },
        { key: 'actualCents', zh: '实际', en: 'Actual', width: 16, type: 'money' },
        { key: 'rate', zh: '完成率', en: 'Completion', width: 10, type: 'percent' },
      ],
      rows: p.rows.map((x) => ({
        ...x, kind: L(x.kind === 'user' ? { zh: '客户经理', en: 'Manager' } : { zh: '团队', en: 'Team' }), name: x.kind === 'user' ? x.userName : x.teamName,
      })),
    })
    tables.push({
      title: { zh: '业绩按月', en: 'Actual by month' },
      columns: [
        { key: 'month', zh: '月份', en: 'Month', width: 10, type: 'text' },
        { key: 'actualCents', zh: '实际', en: 'Actual', width: 16, type: 'money', total: true },
      ],
      rows: p.byMonth,
    })
  }
  return { head: r, filters, tables }
}
