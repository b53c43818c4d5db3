// 定时报告 through dispatch on SQLite and PostgreSQL (and in mssql id mode): the schedule (next
// run incl. month ends, leap years and the year change, in the company's time zone), the period
// of a run (previous whole week / month), saving and listing in scope, 立即生成 writing a workbook
// that holds the owner's figures (a 客户经理's saved report counts only his customers), the
// scheduler's pass (due reports run once per period, even when a second process races for it; a
// failure — folder missing or not writable — is recorded with its key and the next report still
// runs), and the permission matrix of reports.schedule.
import ExcelJS from 'exceljs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { expectCode, expectFieldIssue, makeStaff, type Staff, type Who } from './customers.fixtures'
import { nextRunAfter, parsePeriod, previousPeriod, runDueReports } from '../../src-main/modules/reports/reports.saved.service'
import { formatDate, addDays } from '../../src-main/modules/reminders/tz'
import { startReportScheduler } from '../../src-main/app/report-scheduler'

const SH = { tz: 'Asia/Shanghai' }
const iso = (d: Date | null) => d?.toISOString() ?? null

describe('定时报告: when a schedule runs next and which period it covers', () => {
  it('monthly on the 31st: the month\'s last day (30 Nov, 28 Feb, 29 Feb in a leap year), 06:00 in Shanghai, across the year change', () => {
    const m31 = { schedule: 'monthly' as const, monthDay: 31 }
    expect(iso(nextRunAfter(m31, SH, new Date('2026-11-20T04:00:00Z')))).toBe('2026-11-29T22:00:00.000Z')
    expect(iso(nextRunAfter(m31, SH, new Date('2026-11-29T22:00:00Z')))).toBe('2026-12-30T22:00:00.000Z')
    expect(iso(nextRunAfter(m31, SH, new Date('2026-12-30T22:00:00Z')))).toBe('2027-01-30T22:00:00.000Z')
    expect(iso(nextRunAfter(m31, SH, new Date('2027-01-30T22:00:00Z')))).toBe('2027-02-27T22:00:00.000Z')
    expect(iso(nextRunAfter(m31, SH, new Date('2028-02-01T00:00:00Z')))).toBe('2028-02-28T22:00:00.000Z') // 29 Feb 2028 06:00
    // the 1st at 06:00 Shanghai is still ahead at 21:00Z on the 31st (05:00 local)
    expect(iso(nextRunAfter({ schedule: 'monthly', monthDay: 1 }, SH, new Date('2026-12-31T21:00:00Z')))).toBe('2026-12-31T22:00:00.000Z')
    expect(iso(nextRunAfter({ schedule: 'monthly', monthDay: 1 }, SH, new Date('2026-12-31T22:00:00Z')))).toBe('2027-01-31T22:00:00.000Z')
    expect(nextRunAfter({ schedule: 'none' }, SH, new Date())).toBeNull()
  })

  it('weekly: the weekday at 06:00 local, into the next year', () => {
    // Tuesday 29 Dec 2026 07:00 in Shanghai → Monday 4 Jan 2027 06:00
    expect(iso(nextRunAfter({ schedule: 'weekly', weekday: 1 }, SH, new Date('2026-12-28T23:00:00Z')))).toBe('2027-01-03T22:00:00.000Z')
    // Sunday (7), in UTC
    expect(iso(nextRunAfter({ schedule: 'weekly', weekday: 7 }, { tz: 'UTC' }, new Date('2026-12-27T06:00:00Z')))).toBe('2027-01-03T06:00:00.000Z')
  })

  it('a run covers the previous whole week (Monday–Sunday) or month of the company\'s day, not UTC\'s', () => {
    const p = (s: 'weekly' | 'monthly', at: string, zone = SH) => {
      const d = previousPeriod(s, zone, new Date(at))
      return `${formatDate(d.first)}..${formatDate(addDays(d.end, -1))}`
    }
    expect(p('monthly', '2027-01-01T00:00:00Z')).toBe('2026-12-01..2026-12-31')
    expect(p('monthly', '2026-12-31T20:00:00Z')).toBe('2026-12-01..2026-12-31') // 1 Jan 04:00 in Shanghai
    expect(p('monthly', '2026-12-31T20:00:00Z', { tz: 'UTC' })).toBe('2026-11-01..2026-11-30')
    expect(p('monthly', '2026-03-01T00:00:00Z')).toBe('2026-02-01..2026-02-28')
    expect(p('weekly', '2027-01-04T00:00:00Z')).toBe('2026-12-28..2027-01-03')
  })

  it('reads the periods `crm report --period` takes and refuses others', () => {
    expect(parsePeriod('2026-11')).toEqual({ first: '2026-11-01', last: '2026-11-30' })
    expect(parsePeriod('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' })
    expect(parsePeriod('2026-W01')).toEqual({ first: '2025-12-29', last: '2026-01-04' })
    expect(parsePeriod('2026-W53')).toEqual({ first: '2026-12-28', last: '2027-01-03' })
    expect(parsePeriod('2026')).toEqual({ first: '2026-01-01', last: '2026-12-31' })
    expect(parsePeriod('2026-11-01..2026-11-15')).toEqual({ first: '2026-11-01', last: '2026-11-15' })
    expect(parsePeriod('2026-11-15')).toEqual({ first: '2026-11-15', last: '2026-11-15' })
    for (const bad of ['2027-W53', '2026-W00', '2026-13', '2026-00', '2026-02-29..2026-03-01', '2026-02-30', '2026-11-15..2026-11-01', '2020-01-01..2026-01-01', 'last month', '']) expect(parsePeriod(bad), bad).toBeNull()
  })
})

describeEachDb('定时报告 (saved reports)', (dialect) => {
  let t: TestApp
  let s: Staff
  let rep: Who // a 客户经理 whose role may schedule reports (own scope)
  let dir: string
  const c: Record<string, string> = {}
  let seq = 0

  const row = (owner: string) => ({ id: randomUUID(), created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', version: 1, owner_id: owner })
  const folder = (name: string) => {
    const d = path.join(dir, name)
    fs.mkdirSync(d, { recursive: true })
    return d
  }
  const readBook = async (file: string) => {
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(file)
    const ws = wb.worksheets[0]
    const rows: unknown[][] = []
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)))
    return rows
  }
  const contribution = (name: string, extra: Record<string, unknown> = {}) => ({ name, report: 'contribution' as const, filters: { basis: 'orders' as const }, schedule: 'monthly' as const, monthDay: 1, folder: folder(name), ...extra })

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-saved-'))
    t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
    s = await makeStaff(t)
    // the company's time zone (系统设置 → 提醒)
    await t.app.db.knex('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: new Date().toISOString() })
    const role = await t.call(s.admin.key, 'roles', 'save', {
      code: 'reporting_rep', name: '报表客户经理', permissions: [
        { module: 'customers', actions: ['view', 'create', 'edit'], scope: 'own' },
        { module: 'reports', actions: ['view', 'export', 'schedule'], scope: 'own' },
      ],
    })
    expect(role.permissions.find((p) => p.module === 'reports')?.actions).toEqual(['view', 'export', 'schedule'])
    rep = await t.userSession('srep1', 'reporting_rep', { teamId: s.teamA, name: '报表经理' })
    const k = t.app.db.knex
    const customer = async (key: string, owner: Who) => {
      c[key] = (await t.call(s.admin.key, 'customers', 'create', { name: `定时报告${key}公司`, ownerId: owner.userId, address: `${key}地址` })).id
    }
    await customer('R1', rep)
    await customer('R2', rep)
    await customer('B1', s.mgrB)
    const order = (cust: string, owner: Who, date: string, cents: number) =>
      k('orders').insert({ ...row(owner.userId), code: `SR-${++seq}`, customer_id: c[cust], order_date: date, status: 'completed', total_cents: cents, received_cents: 0 })
    await order('R1', rep, '2026-11-03', 300_000)
    await order('R1', rep, '2026-11-30', 100_000) // the month's last day
    await order('R2', rep, '2026-11-15', 250_000)
    await order('R2', rep, '2026-12-01', 999_000) // next month
    await order('B1', s.mgrB, '2026-11-10', 500_000)
  })
  afterAll(async () => {
    await t.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the permission matrix of reports.schedule: 系统管理员, 销售主管, 高管 yes; 客户经理, 客服专员 no', async () => {
    for (const w of [s.admin, s.supA, s.exec, rep]) expect(Array.isArray(await t.call(w.key, 'reports', 'savedList', {}))).toBe(true)
    for (const w of [s.mgrA1, s.agent]) {
      expectCode(await t.raw(w.key, 'reports', 'savedList', {}), 'forbidden')
      expectCode(await t.raw(w.key, 'reports', 'savedSave', contribution(`x-${w.userId}`)), 'forbidden')
      expectCode(await t.raw(w.key, 'reports', 'savedRun', { id: randomUUID() }), 'forbidden')
      expectCode(await t.raw(w.key, 'reports', 'savedRuns', { id: randomUUID() }), 'forbidden')
      expectCode(await t.raw(w.key, 'reports', 'savedRemove', { id: randomUUID(), version: 1 }), 'forbidden')
    }
    const seeded = await t.app.db.knex('role_permissions as p').join('roles as r', 'r.id', 'p.role_id').where('p.module', 'reports').select('r.code', 'p.actions', 'p.scope')
    const byRole = Object.fromEntries(seeded.map((r: { code: string; actions: string; scope: string }) => [r.code, `${r.actions}/${r.scope}`]))
    expect(byRole).toMatchObject({ admin: 'view,export,schedule/all', supervisor: 'view,export,schedule/all', executive: 'view,export,schedule/all', manager: 'view/own' })
    expect(byRole.agent).toBeUndefined()
  })

  it('saves, lists in scope, edits with its version and refuses bad definitions', async () => {
    const mine = await t.call(rep.key, 'reports', 'savedSave', contribution('我的月报'))
    expect(mine).toMatchObject({ name: '我的月报', report: 'contribution', ownerId: rep.userId, ownerName: '报表经理', schedule: 'monthly', monthDay: 1, weekday: null, formats: ['xlsx'], lastStatus: null })
    expect(mine.nextRunAt).toBe('2026-11-30T22:00:00.000Z') // 1 Dec 06:00 in Shanghai
    const boss = await t.call(s.admin.key, 'reports', 'savedSave', { ...contribution('全公司周报'), schedule: 'weekly', weekday: 1, monthDay: undefined })
    expect(boss.nextRunAt).toBe('2026-11-22T22:00:00.000Z') // Monday 23 Nov 06:00
    // the rep sees his own; the administrator (scope all) both
    expect((await t.call(rep.key, 'reports', 'savedList', {})).map((r) => r.name)).toEqual(['我的月报'])
    expect((await t.call(s.admin.key, 'reports', 'savedList', {})).map((r) => r.name).sort()).toEqual(['全公司周报', '我的月报'].sort())
    expectCode(await t.raw(rep.key, 'reports', 'savedRun', { id: boss.id }), 'not_found')
    expectCode(await t.raw(rep.key, 'reports', 'savedRemove', { id: boss.id, version: boss.version }), 'not_found')

    expectFieldIssue(await t.raw(rep.key, 'reports', 'savedSave', contribution('我的月报')), 'name', 'duplicate')
    expectFieldIssue(await t.raw(rep.key, 'reports', 'savedSave', { ...contribution('相对路径'), folder: 'reports/out' }), 'folder', 'folder_not_absolute')
    expectCode(await t.raw(rep.key, 'reports', 'savedSave', { ...contribution('缺星期'), schedule: 'weekly', monthDay: undefined }), 'validation')
    expectCode(await t.raw(rep.key, 'reports', 'savedSave', { ...contribution('流失'), report: 'churn' }), 'validation') // basis is the 贡献分析's
    expectCode(await t.raw(rep.key, 'reports', 'savedSave', { ...contribution('无 xlsx'), formats: ['pdf'] }), 'validation')

    const edited = await t.call(rep.key, 'reports', 'savedSave', { ...contribution('我的月报'), id: mine.id, version: mine.version, monthDay: 31 })
    expect(edited.nextRunAt).toBe('2026-11-29T22:00:00.000Z') // 30 Nov: the month's last day
    expect(edited.version).toBeGreaterThan(mine.version)
    expectCode(await t.raw(rep.key, 'reports', 'savedSave', { ...contribution('我的月报'), id: mine.id, version: mine.version }), 'conflict')
    const audit = await t.app.db.knex('audit_log').where({ entity: 'saved_report' }).where('entity_id', mine.id).orderBy('at').select('action')
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['create', 'update'])
  })

  it('立即生成 writes the workbook with the owner\'s figures, the filters and the period; the administrator\'s counts everyone', async () => {
    const mine = (await t.call(rep.key, 'reports', 'savedList', {})).find((r) => r.name === '我的月报')!
    const run = await t.call(rep.key, 'reports', 'savedRun', { id: mine.id, period: '2026-11' })
    expect(run).toMatchObject({ status: 'ok', trigger: 'manual', periodFirst: '2026-11-01', periodLast: '2026-11-30', errorKey: null })
    expect(run.files).toEqual([path.join(mine.folder!, '我的月报_2026-11-01_2026-11-30.xlsx')])
    const rows = await readBook(run.files[0])
    expect(rows[0]).toEqual(['客户贡献分析'])
    expect(rows).toContainEqual(['期间', '2026-11-01 ~ 2026-11-30'])
    expect(rows).toContainEqual(['数据范围', '本人'])
    expect(rows).toContainEqual(['口径', '订单金额'])
    const header = rows.findIndex((r) => r[0] === '排名')
    const body = rows.slice(header + 1)
    expect(body.map((r) => [r[0] === '合计' ? r[0] : r[2], r[4]])).toEqual([['定时报告R1公司', 4000], ['定时报告R2公司', 2500], ['合计', 6500]]) // only his customers, in yuan
    // the last run on the report; the run list
    const after = (await t.call(rep.key, 'reports', 'savedList', {}))[0]
    expect(after).toMatchObject({ lastStatus: 'ok', lastFiles: run.files, lastErrorKey: null })
    expect((await t.call(rep.key, 'reports', 'savedRuns', { id: mine.id })).map((r) => r.id)).toEqual([run.id])

    const boss = (await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.name === '全公司周报')!
    const all = await t.call(s.admin.key, 'reports', 'savedRun', { id: boss.id, period: '2026-11' })
    const allRows = await readBook(all.files[0])
    expect(allRows).toContainEqual(['数据范围', '全公司'])
    expect(allRows.slice(allRows.findIndex((r) => r[0] === '排名') + 1).map((r) => r[4])).toEqual([5000, 4000, 2500, 11500])
    // without a period: the previous whole week of a weekly report (9–15 Nov on Friday 20 Nov)
    expect(await t.call(s.admin.key, 'reports', 'savedRun', { id: boss.id })).toMatchObject({ periodFirst: '2026-11-09', periodLast: '2026-11-15' })
    expectFieldIssue(await t.raw(s.admin.key, 'reports', 'savedRun', { id: boss.id, period: '2027-W53' }), 'period', 'bad_report_period')

    // PDF: only where the desktop shell prints (app.reportPdf); elsewhere the workbook and a note
    const withPdf = await t.call(s.admin.key, 'reports', 'savedSave', { ...contribution('带 PDF'), formats: ['xlsx', 'pdf'] })
    const partial = await t.call(s.admin.key, 'reports', 'savedRun', { id: withPdf.id, period: '2026-11' })
    expect(partial).toMatchObject({ status: 'partial', errorKey: 'savedReports.errors.pdfDesktopOnly', files: [path.join(withPdf.folder!, '带 PDF_2026-11-01_2026-11-30.xlsx')] })
    const printed: string[] = []
    t.app.reportPdf = async (html) => {
      printed.push(html)
      return Buffer.from('%PDF-1.7 test')
    }
    try {
      const both = await t.call(s.admin.key, 'reports', 'savedRun', { id: withPdf.id, period: '2026-11' })
      expect(both).toMatchObject({ status: 'ok', errorKey: null })
      expect(both.files.map((f) => path.basename(f))).toEqual(['带 PDF_2026-11-01_2026-11-30.xlsx', '带 PDF_2026-11-01_2026-11-30.pdf'])
      expect(fs.readFileSync(both.files[1], 'utf8')).toBe('%PDF-1.7 test')
      expect(printed[0]).toContain('<dd>2026-11-01 ~ 2026-11-30</dd>')
      expect(printed[0]).toContain('<td>定时报告B1公司</td>')
    } finally {
      delete t.app.reportPdf
    }
    await t.call(s.admin.key, 'reports', 'savedRemove', { id: withPdf.id, version: withPdf.version })

    // every report of 统计报表 can be saved: the 销售漏斗与业绩 with its grouping
    const funnel = await t.call(s.admin.key, 'reports', 'savedSave', { name: '漏斗', report: 'pipeline', filters: { groupBy: 'team', basis: 'payments' }, schedule: 'none', folder: folder('漏斗') })
    const funnelRun = await t.call(s.admin.key, 'reports', 'savedRun', { id: funnel.id, period: '2026-11' })
    expect(funnelRun).toMatchObject({ status: 'ok', files: [path.join(funnel.folder!, '漏斗_2026-11-01_2026-11-30.xlsx')] })
    expect((await readBook(funnelRun.files[0])).flat()).toContain('2026-11-01 ~ 2026-11-30')
    await t.call(s.admin.key, 'reports', 'savedRemove', { id: funnel.id, version: funnel.version })
  })

  it('the scheduler runs each due report once per period as its owner, records a failure and still runs the next', async () => {
    const k = t.app.db.knex
    const gone = await t.call(s.admin.key, 'reports', 'savedSave', { ...contribution('目录已删'), monthDay: 1 })
    fs.rmSync(gone.folder!, { recursive: true })
    // root may write anywhere but /sys; others: a read-only folder
    const locked = process.getuid?.() === 0 ? '/sys' : folder('只读')
    if (locked !== '/sys') fs.chmodSync(locked, 0o500)
    const readOnly = await t.call(s.admin.key, 'reports', 'savedSave', { ...contribution('只读目录'), folder: locked })
    // the rep's report back on the 1st (a run on 30 Nov would cover October: the month before its day)
    const rep31 = (await t.call(rep.key, 'reports', 'savedList', {}))[0]
    await t.call(rep.key, 'reports', 'savedSave', { ...contribution('我的月报'), id: rep31.id, version: rep31.version, monthDay: 1 })
    const before = await k('saved_report_runs').where({ trigger: 'schedule' }).count({ n: '*' })
    expect(Number(before[0].n)).toBe(0)

    // 1 Dec 2026 08:00 in Shanghai: the monthly reports (the 1st) are due, the weekly one (Mondays: 30 Nov) too
    t.clock.setNow(new Date('2026-12-01T00:00:00Z'))
    const runs = await runDueReports(t.app)
    const weeklyId = () => runs.find((r) => r.periodFirst === '2026-11-23')!.savedReportId
    const byName = async (id: string) => (await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.id === id)!
    // the weekly one was due on Monday 23 Nov too (saved on Friday 20 Nov): both weeks run, oldest first
    expect(runs).toHaveLength(5)
    expect(runs.filter((r) => r.savedReportId === weeklyId()).map((r) => r.periodFirst)).toEqual(['2026-11-16', '2026-11-23'])
    const goneAfter = await byName(gone.id)
    expect(goneAfter).toMatchObject({ lastStatus: 'failed', lastErrorKey: 'savedReports.errors.folderMissing', lastErrorParams: { folder: gone.folder } })
    expect(goneAfter.nextRunAt).toBe('2026-12-31T22:00:00.000Z') // 1 Jan 06:00: it will try again next month
    expect(await byName(readOnly.id)).toMatchObject({ lastStatus: 'failed', lastErrorKey: 'savedReports.errors.folderNotWritable' })
    const mine = (await t.call(rep.key, 'reports', 'savedList', {}))[0]
    expect(mine).toMatchObject({ lastStatus: 'ok', nextRunAt: '2026-12-31T22:00:00.000Z' })
    const file = path.join(mine.folder!, '我的月报_2026-11-01_2026-11-30.xlsx')
    expect(mine.lastFiles).toEqual([file])
    const rows = await readBook(file)
    expect(rows).toContainEqual(['数据范围', '本人'])
    expect(rows.slice(rows.findIndex((r) => r[0] === '排名') + 1).map((r) => r[4])).toEqual([4000, 2500, 6500]) // the owner's scope
    const weekly = (await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.name === '全公司周报')!
    expect(weekly.lastFiles[0]).toContain('全公司周报_2026-11-23_2026-11-29.xlsx')

    // again at the same time, and later the same day: nothing more
    expect(await runDueReports(t.app)).toEqual([])
    t.clock.setNow(new Date('2026-12-01T09:00:00Z'))
    expect(await runDueReports(t.app)).toEqual([])
    // a second process that read the report as due before the first claimed it: the period is not run twice
    await k('saved_reports').where('id', mine.id).update({ next_run_at: new Date('2026-11-30T22:00:00Z').toISOString() })
    expect(await runDueReports(t.app)).toEqual([])
    const counted = await k('saved_report_runs').where({ trigger: 'schedule' }).count({ n: '*' })
    expect(Number(counted[0].n)).toBe(5)

    // a month later the rep's runs again (December), the folder-less one fails again
    t.clock.setNow(new Date('2027-01-01T00:00:00Z'))
    const next = await runDueReports(t.app)
    expect(next.map((r) => `${r.periodFirst}:${r.status}`).sort()).toEqual(
      ['2026-12-01:failed', '2026-12-01:failed', '2026-12-01:ok', '2026-11-30:ok', '2026-12-07:ok', '2026-12-14:ok', '2026-12-21:ok'].sort(),
    )
    if (locked !== '/sys') fs.chmodSync(locked, 0o700)
  })

  it('the folder picker: the browser mode answers "type it" (the desktop shell fills it in); only with reports.schedule; refused to a desktop client', async () => {
    expect(await t.call(s.admin.key, 'reports', 'savedChooseFolder', { current: dir })).toEqual({ supported: false, path: null })
    expectCode(await t.raw(s.mgrB.key, 'reports', 'savedChooseFolder', {}), 'forbidden')
    const { savedChooseFolder } = await import('../../src-main/modules/reports/reports.saved.service')
    const actor = { userId: s.admin.userId, teamId: null, permissions: { reports: { actions: ['view', 'export', 'schedule'], scope: 'all' } } }
    await expect(savedChooseFolder({ ...t.app, syncClient: {} as never, actor } as never)).rejects.toMatchObject({ code: 'rule', extra: { key: 'savedReports.errors.folderElsewhere' } })
  })

  it('a report whose owner lost the right fails with that reason; deleting stops it', async () => {
    const mine = (await t.call(rep.key, 'reports', 'savedList', {}))[0]
    const role = (await t.call(s.admin.key, 'roles', 'list', {})).find((r) => r.code === 'reporting_rep')!
    await t.call(s.admin.key, 'roles', 'save', { id: role.id, version: role.version, code: role.code, name: role.name, permissions: [{ module: 'reports', actions: ['view', 'schedule'], scope: 'own' }] })
    t.clock.setNow(new Date('2027-02-01T00:00:00Z'))
    const runs = await runDueReports(t.app)
    expect(runs.find((r) => r.savedReportId === mine.id)).toMatchObject({ status: 'failed', errorKey: 'savedReports.errors.ownerForbidden' })
    const admin = (await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.id === mine.id)!
    expect(await t.call(s.admin.key, 'reports', 'savedRemove', { id: mine.id, version: admin.version })).toEqual({ ok: true })
    expect((await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.id === mine.id)).toBeUndefined()
    t.clock.setNow(new Date('2027-03-01T00:00:00Z'))
    expect((await runDueReports(t.app)).find((r) => r.savedReportId === mine.id)).toBeUndefined()
    expectCode(await t.raw(s.admin.key, 'reports', 'savedRun', { id: mine.id }), 'not_found')
  })

  it('a scheduler that was off catches up every missed period once, oldest first, with the files a punctual one makes; at most the latest 12', async () => {
    const k = t.app.db.knex
    // saved on 1 Mar 2027 08:00 in Shanghai: first run 1 Apr 06:00
    t.clock.setNow(new Date('2027-03-01T00:00:00Z'))
    const monthly = await t.call(s.admin.key, 'reports', 'savedSave', contribution('补跑月报'))
    expect(monthly.nextRunAt).toBe('2027-03-31T22:00:00.000Z')
    // off until 10 Jul: the runs of 1 Apr, 1 May, 1 Jun and 1 Jul were missed
    t.clock.setNow(new Date('2027-07-10T02:00:00Z'))
    const runs = (await runDueReports(t.app)).filter((r) => r.savedReportId === monthly.id)
    expect(runs.map((r) => `${r.periodFirst}..${r.periodLast}:${r.status}`)).toEqual([
      '2027-03-01..2027-03-31:ok', '2027-04-01..2027-04-30:ok', '2027-05-01..2027-05-31:ok', '2027-06-01..2027-06-30:ok',
    ])
    expect(fs.readdirSync(monthly.folder!).sort()).toEqual(['补跑月报_2027-03-01_2027-03-31.xlsx', '补跑月报_2027-04-01_2027-04-30.xlsx', '补跑月报_2027-05-01_2027-05-31.xlsx', '补跑月报_2027-06-01_2027-06-30.xlsx'])
    expect((await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.id === monthly.id)!.nextRunAt).toBe('2027-07-31T22:00:00.000Z')
    expect((await runDueReports(t.app)).filter((r) => r.savedReportId === monthly.id)).toEqual([])

    // a weekly report whose scheduler was off 21 Mondays (22 Feb … 12 Jul): the latest 12 weeks only
    const weekly = await t.call(s.admin.key, 'reports', 'savedSave', { ...contribution('补跑周报'), schedule: 'weekly', weekday: 1, monthDay: undefined })
    await k('saved_reports').where('id', weekly.id).update({ next_run_at: new Date('2027-02-21T22:00:00Z').toISOString() })
    t.clock.setNow(new Date('2027-07-12T00:00:00Z'))
    const weeks = (await runDueReports(t.app)).filter((r) => r.savedReportId === weekly.id)
    expect(weeks).toHaveLength(12)
    expect([weeks[0].periodFirst, weeks[0].periodLast, weeks.at(-1)!.periodFirst, weeks.at(-1)!.periodLast]).toEqual(['2027-04-19', '2027-04-25', '2027-07-05', '2027-07-11'])
    expect(new Set(weeks.map((r) => r.periodFirst)).size).toBe(12)
    expect((await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.id === weekly.id)!.nextRunAt).toBe('2027-07-18T22:00:00.000Z')
    expect((await runDueReports(t.app)).filter((r) => r.savedReportId === weekly.id)).toEqual([])
  })

  it("the scheduler's timer (desktop app, crm serve): passes over nothing while the database is unreachable, then runs a due report on its own; stopped, it passes no more", async () => {
    t.clock.setNow(new Date('2027-08-01T00:00:00Z'))
    const saved = await t.call(s.admin.key, 'reports', 'savedSave', contribution('定时器月报'))
    expect(saved.nextRunAt).toBe('2027-08-31T22:00:00.000Z')
    t.clock.setNow(new Date('2027-09-01T01:00:00Z'))
    const state = async () => (await t.call(s.admin.key, 'reports', 'savedList', {})).find((r) => r.id === saved.id)!

    // unreachable (the connection-settings window): the passes come, and read nothing of the app but that
    let passes = 0
    const touched = new Set<string>()
    const offline = new Proxy(t.app, {
      get: (target, key, receiver) => {
        if (key === 'unreachable') return true
        touched.add(String(key))
        return Reflect.get(target, key, receiver)
      },
    })
    const stopOff = startReportScheduler(() => (passes++, offline), 20)
    await expect.poll(() => passes, { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
    stopOff()
    expect([...touched]).toEqual([])
    expect(await state()).toMatchObject({ lastStatus: null, nextRunAt: '2027-08-31T22:00:00.000Z' })
    expect(fs.readdirSync(saved.folder!)).toEqual([])

    // reachable: the timer runs it as a run of the schedule, August's file in its folder
    let live = 0
    const stop = startReportScheduler(() => (live++, t.app), 20)
    await expect.poll(async () => (await state()).lastStatus, { timeout: 30_000 }).toBe('ok')
    stop()
    expect(fs.readdirSync(saved.folder!)).toEqual(['定时器月报_2027-08-01_2027-08-31.xlsx'])
    expect((await state()).nextRunAt).toBe('2027-09-30T22:00:00.000Z')
    // stopped: no pass after it (a pass already begun when stop() ran may still read the context once)
    const stoppedAt = live
    await new Promise((r) => setTimeout(r, 200))
    expect(live - stoppedAt).toBe(0)
  })
})
