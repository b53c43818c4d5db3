// Attachments of interactions as a careful desktop app keeps them: the name shown is sanitised
// (no path, control or bidi characters; Chinese kept), the MIME type comes from the extension
// in main, files and folders are the OS user's only (0600 / 0700, like the SQLite file), and a
// file leaves the disk when its attachment is deleted — at once, or through the clean-up job
// when the attachment went with its interaction or customer.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { openApp } from '../../src-main/app/bootstrap'
import { startBackgroundJobs } from '../../src-main/app/background-jobs'
import { displayName, purgeDeletedFiles } from '../../src-main/modules/interactions/attachments.service'
import { addCustomer, dictId, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'

const modeOf = (p: string) => fs.statSync(p).mode & 0o777
const posix = process.platform !== 'win32' // chmod is a no-op on Windows
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

describe('displayName', () => {
  it('keeps the last path part, drops control and bidi characters, keeps Chinese', () => {
    const cases: Array<[string, string]> = [
      ['C:\\Users\\李雷\\Desktop\\报价单（2026）.pdf', '报价单（2026）.pdf'],
      ['../../etc/passwd', 'passwd'],
      ['合同\u202Efdp.exe', '合同fdp.exe'], // RLO would show "合同exe.pdf"
      ['\u2066报价\u2069\u2067单\u2068.xlsx', '报价单.xlsx'],
      ['\u200E\u200Finvoice\u202A\u202B\u202C\u202D.docx', 'invoice.docx'],
      ['报价\u0000\u0007\u001b\u007f\u0085单.txt', '报价单.txt'],
      ['\ufeff\u200b  名片.png  ', '名片.png'],
      ['..', 'file'],
      ['dir/', 'file'],
      ['e\u0301te\u0301.txt', 'été.txt'], // NFC
    ]
    for (const [input, shown] of cases) expect(displayName(input), JSON.stringify(input)).toBe(shown)
    expect([...displayName('长'.repeat(300) + '.pdf')]).toHaveLength(255)
  })
})

describeEachDb('attachments', (dialect) => {
  let t: TestApp
  let w: World
  let phone: string
  let customerId: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    customerId = await addCustomer(t, { name: '广州附件科技有限公司', ownerId: w.mgrA1.userId })
  })
  afterAll(async () => t?.close())

  const record = async (subject = '附件') =>
    (await t.call(w.mgrA1.key, 'interactions', 'create', { customerId, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject })).id
  const attach = (interactionId: string, fileName: string, content = '内容') =>
    t.call(w.mgrA1.key, 'interactions', 'addAttachment', { interactionId, fileName, contentBase64: b64(content) })
  const fileOf = async (id: string) => path.join(t.app.dataDir, 'attachments', String((await t.app.db.knex('attachments').where({ id }).first('stored_name')).stored_name))

  it('returns and stores the sanitised name, and the MIME type of its real extension', async () => {
    const rec = await record()
    const a = await attach(rec, 'C:\\fakepath\\合同\u202Efdp.exe')
    expect(a.fileName).toBe('合同fdp.exe')
    expect(a.mime).toBe('application/octet-stream') // not application/pdf, whatever the name seemed to say
    const row = await t.app.db.knex('attachments').where({ id: a.id }).first('file_name', 'mime', 'stored_name')
    expect(row).toMatchObject({ file_name: '合同fdp.exe', mime: 'application/octet-stream' })
    expect(String(row.stored_name)).toMatch(/合同fdp\.exe$/)
    expect(String(row.stored_name)).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\\]/)
    expect((await t.call(w.mgrA1.key, 'interactions', 'get', { id: rec })).attachments.map((x) => x.fileName)).toEqual(['合同fdp.exe'])

    for (const [name, mime] of [['报价单.PDF', 'application/pdf'], ['page.html', 'application/octet-stream'], ['照片.JPG', 'image/jpeg'], ['noext', 'application/octet-stream']]) {
      expect(await attach(rec, name), name).toMatchObject({ fileName: name, mime })
    }
    // the client no longer names the type at all
    const withType = await t.raw(w.mgrA1.key, 'interactions', 'addAttachment', { interactionId: rec, fileName: 'a.pdf', contentBase64: b64('x'), mime: 'text/html' })
    expect(errorOf(withType).code).toBe('validation')
    // the browser-mode download answers the same name and type
    const pdf = (await t.call(w.mgrA1.key, 'interactions', 'attachments', { interactionId: rec })).find((x) => x.fileName === '报价单.PDF')!
    expect(await t.call(w.mgrA1.key, 'interactions', 'downloadAttachment', { id: pdf.id })).toMatchObject({ fileName: '报价单.PDF', mime: 'application/pdf' })
  })

  it('shows rows written before the check (raw names, client types) sanitised', async () => {
    const rec = await record()
    const a = await attach(rec, 'old.txt')
    await t.app.db.knex('attachments').where({ id: a.id }).update({ file_name: 'D:\\x\\旧\u202Eabc.txt', mime: 'text/html' })
    const [shown] = await t.call(w.mgrA1.key, 'interactions', 'attachments', { interactionId: rec })
    expect(shown).toMatchObject({ fileName: '旧abc.txt', mime: 'text/plain' })
  })

  it.runIf(posix)('keeps files 0600 and folders 0700, and the SQLite file 0600 in a folder made 0700', async () => {
    const a = await attach(await record(), '权限.txt')
    const file = await fileOf(a.id)
    expect(modeOf(file)).toBe(0o600)
    expect(modeOf(path.dirname(file))).toBe(0o700)
    expect(modeOf(path.join(t.app.dataDir, 'attachments'))).toBe(0o700)

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-perm-'))
    try {
      const dbFile = path.join(dir, 'new', 'data', 'crm.sqlite')
      const app = await openApp({ db: { dialect: 'sqlite', file: dbFile }, dataDir: dir })
      try {
        await app.db.knex('app_settings').insert({ key: 'x', value: 'y', updated_at: new Date().toISOString() })
        expect(modeOf(dbFile)).toBe(0o600)
        expect(modeOf(`${dbFile}-wal`)).toBe(0o600)
        expect(modeOf(path.dirname(dbFile))).toBe(0o700)
        expect(modeOf(path.join(dir, 'new'))).toBe(0o700)
      } finally {
        await app.db.knex.destroy()
      }
      // a file made readable by others earlier is tightened when it is opened again
      fs.chmodSync(dbFile, 0o644)
      const again = await openApp({ db: { dialect: 'sqlite', file: dbFile }, dataDir: dir })
      await again.db.knex.destroy()
      expect(modeOf(dbFile)).toBe(0o600)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('removing an attachment removes its file from disk', async () => {
    const rec = await record()
    const a = await attach(rec, '删除我.txt')
    const keep = await attach(rec, '保留.txt')
    const file = await fileOf(a.id)
    expect(fs.existsSync(file)).toBe(true)
    await t.call(w.mgrA1.key, 'interactions', 'removeAttachment', { id: a.id })
    expect(fs.existsSync(file)).toBe(false)
    expect((await t.app.db.knex('attachments').where({ id: a.id }).first('deleted_at')).deleted_at).not.toBeNull() // the deletion still syncs
    expect(fs.existsSync(await fileOf(keep.id))).toBe(true)
    expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'openAttachment', { id: a.id })).code).toBe('not_found')
  })

  it('the clean-up removes the files of attachments deleted with their interaction or customer, and nothing else', async () => {
    const gone = await record('要删除的记录')
    const viaRecord = await attach(gone, '记录附件.pdf')
    const other = await addCustomer(t, { name: '深圳将删除贸易有限公司', ownerId: w.mgrA1.userId })
    const recOfOther = (await t.call(w.mgrA1.key, 'interactions', 'create', { customerId: other, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '将随客户删除' })).id
    const viaCustomer = await attach(recOfOther, '客户附件.docx')
    const live = await attach(await record('保留的记录'), '保留附件.txt')
    const files = { viaRecord: await fileOf(viaRecord.id), viaCustomer: await fileOf(viaCustomer.id), live: await fileOf(live.id) }

    await t.call(w.mgrA1.key, 'interactions', 'remove', { id: gone })
    await t.call(w.supA.key, 'customers', 'remove', { id: other })
    // a file of another database used with this data folder (no row here), and upload leftovers
    const dir = path.dirname(files.live)
    const foreign = path.join(dir, `${crypto.randomUUID()}-别的库.txt`)
    const oldPart = path.join(dir, `${crypto.randomUUID()}-x.txt.123.part`)
    const newPart = path.join(dir, `${crypto.randomUUID()}-y.txt.123.part`)
    for (const f of [foreign, oldPart, newPart]) fs.writeFileSync(f, 'x', { mode: 0o644 })
    const dayAgo = (t.clock.now().getTime() - 25 * 3600_000) / 1000
    fs.utimesSync(oldPart, dayAgo, dayAgo)
    fs.utimesSync(newPart, t.clock.now().getTime() / 1000, t.clock.now().getTime() / 1000)
    expect(Object.values(files).every((f) => fs.existsSync(f))).toBe(true) // deleting the rows left the files

    // the hourly background job runs it
    const stop = startBackgroundJobs(() => t.app, 60_000)
    try {
      const end = Date.now() + 10_000
      while ((fs.existsSync(files.viaRecord) || fs.existsSync(files.viaCustomer)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    } finally {
      stop()
    }
    expect(fs.existsSync(files.viaRecord)).toBe(false)
    expect(fs.existsSync(files.viaCustomer)).toBe(false)
    expect(fs.existsSync(files.live)).toBe(true)
    expect(fs.existsSync(foreign)).toBe(true)
    expect(fs.existsSync(oldPart)).toBe(false)
    expect(fs.existsSync(newPart)).toBe(true)
    if (posix) expect(modeOf(foreign)).toBe(0o600) // tightened on the way
    // a second run has nothing left to do
    expect(await purgeDeletedFiles(t.app)).toEqual({ removed: 0 })
    expect((await t.call(w.mgrA1.key, 'interactions', 'attachments', { interactionId: live.interactionId })).map((x) => x.id)).toEqual([live.id])
  })
})
