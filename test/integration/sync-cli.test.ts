// `crm sync` as a user runs it: a real process over a SQLite central file and a client folder.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app/bootstrap'
import { SyncClient } from '../../src-main/modules/sync/sync.client'
import { customersCreate } from '../../src-main/modules/customers/customers.service'
import { loadActorByLogin } from '../../src-main/modules/auth/auth.service'

const ROOT = path.resolve(__dirname, '..', '..')
let dir: string

function crm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], {
    cwd: ROOT, env: { ...process.env, CRM_QUIET: '1', CRM_PASSWORD: '', ...env }, input: '', encoding: 'utf8', timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sync-cli-'))
})
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('crm sync', () => {
  it('fills a client folder, then pushes its offline change and prints pushed / pulled / conflicts', async () => {
    const db = `sqlite:${path.join(dir, 'central.sqlite')}`
    const centralDir = path.join(dir, 'central')
    expect(crm(['user', 'add', '--login', 'rep1', '--name', '外勤一', '--role', 'manager', '--db', db, '--data', centralDir], { CRM_PASSWORD: 'rep1-pass-123' }).code).toBe(0)
    const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'central.sqlite') }, dataDir: centralDir })
    const actor = (await loadActorByLogin(app, 'rep1'))!
    const cust = await customersCreate({ ...app, actor }, { name: '命令行同步有限公司', customerType: 'company', taxId: null })
    await app.db.knex.destroy()
    const clientDir = path.join(dir, 'client')

    expect(crm(['sync', '--client-dir', clientDir, '--db', db, '--data', centralDir]).stderr).toMatch(/needs a login/)
    const first = crm(['sync', '--client-dir', clientDir, '--db', db, '--data', centralDir, '--as', 'rep1'])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^pushed 0 /m)
    expect(first.stdout).toMatch(/^pulled [1-9]\d* rows/m)

    const client = await SyncClient.open(clientDir)
    const local = await client.local.db.knex('customers').where({ id: cust.id }).first()
    expect(local.name).toBe('命令行同步有限公司')
    await client.write('customers.update', { id: cust.id, version: Number(local.version), fields: { city: '惠州' } })
    await client.close()

    const second = crm(['sync', '--client-dir', clientDir, '--db', db, '--data', centralDir])
    expect(second.stderr).toBe('')
    expect(second.stdout).toMatch(/^pushed 1 \(applied 1, kept on deleted customers 0, refused 0, held 0\)/m)
    expect(second.stdout).toMatch(/^conflicts 0 new, 0 open; pending 0/m)
    const check = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'central.sqlite') }, dataDir: centralDir })
    expect((await check.db.knex('customers').where({ id: cust.id }).first()).city).toBe('惠州')
    await check.db.knex.destroy()
  })
})
