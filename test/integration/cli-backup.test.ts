// `crm backup --out DIR` and `crm restore FILE` as a user runs them: real processes over a temp
// data folder; the restore wants --yes, refuses a damaged file and a running app, and the
// restored database has the backup's data and a new sync epoch.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { holdRunLock } from '../../src-main/app/run-lock'
import { cliFolders, crm, withDb as withDbIn, type CliApp } from '../helpers/cli'

const dirs = cliFolders('crm-cli-bk')
const withDb = <T>(fn: (app: CliApp) => Promise<T>) => withDbIn(dirs.data, fn)
const customers = () => withDb(async (app) => (await app.db.knex('customers').select('name')).map((r) => r.name as string).sort())
const epoch = () => withDb(async (app) => String((await app.db.knex('sync_version').first('epoch_id')).epoch_id))
async function addCustomer(name: string) {
  await withDb(async (app) => {
    const now = new Date().toISOString()
    await app.db.knex('customers').insert({ id: crypto.randomUUID(), code: `CLI-${name}`, name, created_at: now, updated_at: now, version: 0 })
  })
}


describe('crm backup / crm restore', () => {
  it('backs up, and restores only with --yes, giving a new sync epoch', async () => {
    await addCustomer('备份前客户')
    const b = crm(['backup', '--data', dirs.data, '--out', dirs.out])
    expect(b.stderr).toBe('')
    expect(b.code).toBe(0)
    expect(b.stdout).toMatch(/backup written: .*crm-backup-\d{8}-\d{6}-manual/)
    const backup = fs.readdirSync(dirs.out).find((n) => n.startsWith('crm-backup-'))!
    const backupDir = path.join(dirs.out, backup)
    expect(fs.readdirSync(backupDir).sort()).toEqual(['attachments', 'crm.sqlite', 'manifest.json'])

    await addCustomer('备份后客户')
    const epochBefore = await epoch()
    const dry = crm(['restore', backupDir, '--data', dirs.data])
    expect(dry.code).toBe(1)
    expect(dry.stdout).toContain('1 customers')
    expect(dry.stderr).toMatch(/^crm: add --yes/)
    expect(await customers()).toEqual(['备份前客户', '备份后客户'])

    const r = crm(['restore', path.join(backupDir, 'crm.sqlite'), '--data', dirs.data, '--yes'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('restored sqlite:')
    expect(await customers()).toEqual(['备份前客户'])
    expect(await epoch()).not.toBe(epochBefore)
    // the data from before the restore was backed up into the data folder's backups
    const safety = fs.readdirSync(path.join(dirs.data, 'backups')).find((n) => n.endsWith('-pre-restore'))
    expect(safety).toBeTruthy()
  }, 180_000) // several CLI processes, each starting tsx: 20-35 s alone, over 60 s on a busy machine

  it('refuses a damaged file and a running app, changing nothing', async () => {
    const junk = path.join(dirs.out, 'junk.sqlite')
    fs.writeFileSync(junk, 'SQLite format 3\u0000' + 'x'.repeat(5000))
    const before = await customers()
    const bad = crm(['restore', junk, '--data', dirs.data, '--yes'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^crm: refused, nothing was changed: .*junk\.sqlite/)
    expect(await customers()).toEqual(before)

    const backupDir = path.join(dirs.out, fs.readdirSync(dirs.out).find((n) => n.startsWith('crm-backup-'))!)
    const release = holdRunLock(dirs.data, 'desktop app') // this test process stands for a running app
    try {
      const busy = crm(['restore', backupDir, '--data', dirs.data, '--yes'])
      expect(busy.code).toBe(1)
      expect(busy.stderr).toMatch(/desktop app \(pid \d+\) is using/)
    } finally {
      release()
    }
  })

  it('explains itself and refuses a server database', () => {
    const help = crm(['backup', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--out <dir>')
    expect(crm(['restore', '--help']).stdout).toContain('--yes')
    const pg = crm(['backup', '--db', 'postgres://nobody@127.0.0.1:1/none', '--out', dirs.out])
    expect(pg.code).toBe(1)
    expect(pg.stderr).toContain('pg_dump')
  })
})
