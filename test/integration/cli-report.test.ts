// `crm report <name> --period P --out FILE [--as LOGIN]` as a user runs it: a real process over a
// temp data folder. The saved report (定时报告) is found by name for the user, generated with its
// owner's scope, and the workbook read back with exceljs holds the owner's figures, the filters
// and the period; unknown names, bad periods and users without the right get one clear line.
import path from 'node:path'
import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, it } from 'vitest'
import { insertUser, loadActor } from '../../src-main/modules/auth/auth.service'
import { savedSave } from '../../src-main/modules/reports/reports.saved.service'
import { cliFolders, crm, withDb } from '../helpers/cli'

const dirs = cliFolders('crm-cli-rep')

async function readRows(file: string) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const rows: unknown[][] = []
  wb.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1)))
  return rows
}

beforeAll(async () => {
  const outDir = dirs.out
  await withDb(dirs.data, async (app) => {
    const k = app.db.knex
    const now = new Date().toISOString()
    const role = async (code: string) => String((await k('roles').where({ code }).first('id')).id)
    const user = (login: string, name: string, roleCode: string) => role(roleCode).then((roleId) => k.transaction((trx) => insertUser(app, trx, { login, name, password: 'secret-pass-1', roleId, teamId: null })))
    const admin = await user('boss', '老板', 'admin')
    const rep = await user('zhang', '张经理', 'admin')
    await user('li', '李经理', 'manager')
    // 张经理 may schedule his own reports only (a role of his own: reports in his scope)
    const repRole = crypto.randomUUID()
    await k('roles').insert({ id: repRole, code: 'rep_reports', name: '报表经理', is_system: false, created_at: now, updated_at: now, version: 0 })
    await k('role_permissions').insert({ id: crypto.randomUUID(), role_id: repRole, module: 'reports', actions: 'view,export,schedule', scope: 'own' })
    await k('users').where({ id: rep }).update({ role_id: repRole })
    const customer = async (name: string, owner: string, cents: number, date: string) => {
      const id = crypto.randomUUID()
      await k('customers').insert({ id, code: `CLI-${name}`, name, owner_id: owner, created_at: now, updated_at: now, version: 0 })
      await k('orders').insert({ id: crypto.randomUUID(), code: `CLI-O-${name}`, customer_id: id, owner_id: owner, order_date: date, status: 'completed', total_cents: cents, received_cents: 0, created_at: now, updated_at: now, version: 0 })
    }
    await customer('张的客户甲', rep, 123_456, '2026-11-05')
    await customer('张的客户乙', rep, 50_000, '2026-10-31') // the month before
    await customer('老板的客户', admin, 900_000, '2026-11-20')
    const ctx = async (id: string) => ({ ...app, actor: (await loadActor(app, id))! })
    await savedSave(await ctx(rep), { name: '张的月报', report: 'contribution', filters: { basis: 'orders' }, schedule: 'monthly', monthDay: 1, weekday: null, folder: outDir, formats: ['xlsx'], lang: 'zh-CN' })
    await savedSave(await ctx(admin), { name: '全公司月报', report: 'contribution', filters: { basis: 'orders' }, schedule: 'none', folder: outDir, formats: ['xlsx'], lang: 'en-US' })
  })
})

describe('crm report', () => {
  it('writes the owner\'s report for the period and prints what it wrote', async () => {
    const out = path.join(dirs.out, 'zhang-2026-11.xlsx')
    const r = crm(['report', '张的月报', '--period', '2026-11', '--out', out, '--as', 'zhang', '--data', dirs.data])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(`wrote 张的月报 (2026-11-01 ~ 2026-11-30, 1 rows, as 张经理) to ${out}`)
    const rows = await readRows(out)
    expect(rows[0]).toEqual(['客户贡献分析'])
    expect(rows).toContainEqual(['期间', '2026-11-01 ~ 2026-11-30'])
    expect(rows).toContainEqual(['数据范围', '本人'])
    const body = rows.slice(rows.findIndex((x) => x[0] === '排名') + 1)
    expect(body.map((x) => [x[0], x[2], x[4]])).toEqual([[1, '张的客户甲', 1234.56], ['合计', undefined, 1234.56]])
    // the administrator generating 张's report gets 张's figures (the owner's scope), not the company's
    const boss = path.join(dirs.out, 'boss-zhang.xlsx')
    expect(crm(['report', '张的月报', '--period', '2026-11', '--out', boss, '--as', 'boss', '--data', dirs.data]).code).toBe(0)
    const bossRows = await readRows(boss)
    expect(bossRows.slice(bossRows.findIndex((x) => x[0] === '排名') + 1).map((x) => x[4])).toEqual([1234.56, 1234.56])
  })

  it('the administrator (default user) finds his own report; it counts the whole company, in its language', async () => {
    const out = path.join(dirs.out, 'all.xlsx')
    const r = crm(['report', '全公司月报', '--period', '2026-10-01..2026-11-30', '--out', out, '--data', dirs.data])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const rows = await readRows(out)
    expect(rows[0]).toEqual(['Customer contribution'])
    expect(rows).toContainEqual(['Period', '2026-10-01 ~ 2026-11-30'])
    expect(rows).toContainEqual(['Scope', 'Company'])
    const body = rows.slice(rows.findIndex((x) => x[0] === 'Rank') + 1)
    expect(body.map((x) => x[4])).toEqual([9000, 1234.56, 500, 10734.56])
  })

  it('answers one clear line for an unknown name, a bad period, a user without the right, a wrong file type', () => {
    const cases: Array<[string[], RegExp]> = [
      [['report', '没有这个报告', '--period', '2026-11', '--data', dirs.data], /^crm: no saved report called 没有这个报告 for boss/],
      [['report', '张的月报', '--period', '2026-13', '--data', dirs.data], /^crm: bad --period 2026-13: use 2026-11/],
      [['report', '张的月报', '--period', 'last-month', '--data', dirs.data], /^crm: bad --period last-month/],
      [['report', '张的月报', '--period', '2026-11', '--as', 'li', '--data', dirs.data], /^crm: li may not generate saved reports/],
      [['report', '张的月报', '--period', '2026-11', '--out', path.join(dirs.out, 'x.csv'), '--data', dirs.data], /^crm: --out must end in \.xlsx/],
    ]
    for (const [args, message] of cases) {
      const r = crm(args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr.trim(), args.join(' ')).toMatch(message)
    }
  })
})
