// `crm import` as a user runs it: a real process over a temp data folder (SQLite).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app/bootstrap'
import { gbkCsv, readWorkbook, SEED_HEADERS, xlsx } from './imports.fixtures'

const ROOT = path.resolve(__dirname, '..', '..')
let dir: string

function crm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], {
    cwd: ROOT, env: { ...process.env, CRM_QUIET: '1', CRM_PASSWORD: '', ...env }, input: '', encoding: 'utf8', timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-import-'))
  const r = crm(['user', 'add', '--login', 'boss', '--name', '王总', '--role', 'admin', '--data', dir], { CRM_PASSWORD: 'boss-pass-123' })
  expect(r.code, r.stderr).toBe(0)
}, 120_000)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('crm import', () => {
  it('imports a workbook, prints one JSON line, writes the error report; GBK CSV detected; duplicates skipped or updated', async () => {
    const file = path.join(dir, '客户.xlsx')
    fs.writeFileSync(file, await xlsx([
      SEED_HEADERS,
      ['中国', '命令行导入有限公司', '张三', '经理', 13800138000, '020-88881234', null, null, 'a@b.cn', null, null, null, 510000, null],
      ['中国', '命令行坏行有限公司', '李四', null, 13900139000, null, null, null, 'bad-mail', null, null, null, null, null],
    ]))
    const errors = path.join(dir, 'errors.xlsx')
    const r = crm(['import', 'customers', file, '--as', 'boss', '--errors', errors, '--json', '--data', dir])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ imported: 1, updated: 0, skipped: 0, rejected: 1, status: 'done' })
    const rows = await readWorkbook(fs.readFileSync(errors).toString('base64'))
    expect(rows[1]![1]).toBe('命令行坏行有限公司')
    expect(rows[1]!.at(-1)).toContain('电子邮件')

    const csv = path.join(dir, 'gbk.csv')
    fs.writeFileSync(csv, gbkCsv([['公司名称', '电话'], ['命令行导入有限公司', '020-87654321'], ['命令行国标有限公司', '']]))
    const again = crm(['import', 'customers', csv, '--as', 'boss', '--data', dir])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('1 imported, 0 updated, 1 skipped, 0 rejected')
    const upd = crm(['import', 'customers', csv, '--as', 'boss', '--on-duplicate', 'update', '--json', '--data', dir])
    expect(JSON.parse(upd.stdout.trim())).toMatchObject({ imported: 0, updated: 1, skipped: 1 })
    const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') }, dataDir: dir })
    try {
      expect((await app.db.knex('customers').where({ name: '命令行导入有限公司' }).first()).phone).toBe('020-87654321')
      expect(await app.db.knex('customers').where({ name: '命令行国标有限公司' })).toHaveLength(1)
    } finally {
      await app.db.knex.destroy()
    }
  }, 120_000)

  it('imports products, then orders naming them (a GBK CSV): totals exact, the customer\'s trade figures follow; orders are never updated', async () => {
    const products = path.join(dir, '物料.xlsx')
    fs.writeFileSync(products, await xlsx([['物料编码', '品名', '规格型号', '计量单位', '销售单价'], ['CLI-P1', '命令行电阻', '0603', '盘', 12.35], ['CLI-P2', '命令行电容', null, '只', '0.5']]))
    const p = crm(['import', 'products', products, '--as', 'boss', '--json', '--data', dir])
    expect(p.code, p.stderr).toBe(0)
    expect(JSON.parse(p.stdout.trim())).toMatchObject({ imported: 2, rejected: 0 })
    const orders = path.join(dir, '订单.csv')
    fs.writeFileSync(orders, gbkCsv([
      ['订单号', '下单日期', '客户名称', '产品编号', '数量', '折扣', '订单状态'],
      ['CLI-SO-1', '2026-10-08', '命令行导入有限公司', 'CLI-P1', '3', '5%', '已完成'],
      ['CLI-SO-1', '2026-10-08', '命令行导入有限公司', 'CLI-P2', '7', '', '已完成'],
      ['CLI-SO-2', '2026-10-09', '没有这个客户', 'CLI-P2', '1', '', '草稿'],
    ]))
    const errors = path.join(dir, 'order-errors.xlsx')
    const o = crm(['import', 'orders', orders, '--as', 'boss', '--errors', errors, '--json', '--data', dir])
    expect(o.code, o.stderr).toBe(0)
    expect(JSON.parse(o.stdout.trim())).toMatchObject({ imported: 2, rejected: 1, status: 'done' })
    expect((await readWorkbook(fs.readFileSync(errors).toString('base64')))[1]!.at(-1)).toBe('客户名称：找不到客户「没有这个客户」（或不在你的数据范围内）')
    const upd = crm(['import', 'orders', orders, '--as', 'boss', '--on-duplicate', 'update', '--data', dir])
    expect(upd.code).toBe(1)
    expect(upd.stderr).toContain('imports.errors.ordersNoUpdate')
    const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') }, dataDir: dir })
    try {
      // 3 × 12.35 × 0.95 = 35.1975 → 35.20; 7 × 0.50 = 3.50
      expect(Number((await app.db.knex('orders').where({ code: 'CLI-SO-1' }).first()).total_cents)).toBe(3_520 + 350)
      const c = await app.db.knex('customers').where({ name: '命令行导入有限公司' }).first()
      expect([Number(c.order_count), Number(c.order_total_cents), c.first_order_date]).toEqual([1, 3_870, '2026-10-08'])
    } finally {
      await app.db.knex.destroy()
    }
  }, 120_000)

  it('exits non-zero only when nothing could be read', () => {
    const bad = path.join(dir, 'not.xlsx')
    fs.writeFileSync(bad, 'this is not a workbook\u0000')
    const r = crm(['import', 'customers', bad, '--as', 'boss', '--data', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^crm: imports\.errors\.notSpreadsheet/)
    const missing = crm(['import', 'customers', path.join(dir, 'nope.csv'), '--data', dir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no such file')
    const help = crm(['import', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--on-duplicate')
  }, 120_000)
})
