// Attachments travel with offline sync (issue 12 item 8), against real centrals (a SQLite file and
// PostgreSQL) and real SQLite client caches: a file attached offline uploads with its record; a
// file attached elsewhere comes ahead (the rep's own customers, within a size budget) or on
// demand; no client answers "file missing" for a file the central database has.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import type { SyncClient } from '../../src-main/modules/sync/sync.client'
import { attachmentsDownload } from '../../src-main/modules/interactions/attachments.service'
import { crashAt, makeSyncWorld, openClient, removeClientDirs, type Rep, type SyncWorld } from './sync.fixtures'

describeEachDb('offline sync: attachments', (dialect) => {
  let t: TestApp
  let w: SyncWorld
  let n = 0
  const tag = () => `${++n}`

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeSyncWorld(t, 'f')
  })
  afterAll(async () => {
    await t?.close()
    removeClientDirs()
  })

  const k = () => t.app.db.knex
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
  const note = (customerId: string, subject: string) => ({ customerId, channelId: w.channel, occurredAt: '2026-01-05T10:00:00+08:00', subject, promises: [] })
  async function syncedClient(rep: Rep, opts: { prefetchBytes?: number } = {}): Promise<SyncClient> {
    const c = await openClient()
    await c.sync(t.app, { login: rep.login, ...opts })
    return c
  }
  /** Downloads through the cache's own service, as the desktop client's window does. */
  const localDownload = async (c: SyncClient, id: string) => attachmentsDownload({ ...c.local, actor: (await c.actor())! }, { id })
  const fileOf = (dir: string, storedName: string) => path.join(dir, 'attachments', storedName)

  it('a file attached offline uploads with its record, once (killed after the central commit), and reads back centrally', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `附件客户${tag()}` })
    const c = await syncedClient(w.repA)
    const rec = (await c.write('interactions.create', note(cust.id, `带附件的拜访${tag()}`))) as { id: string }
    const content = `现场照片说明${tag()}：设备铭牌、安装位置。`
    const att = (await c.write('attachments.create', { interactionId: rec.id, fileName: '现场照片说明.txt', contentBase64: b64(content) })) as { id: string }
    expect(fs.existsSync(fileOf(c.dir, (await c.local.db.knex('attachments').where({ id: att.id }).first()).stored_name))).toBe(true)
    await expect(c.sync(t.app, { hooks: { beforeLocalAck: crashAt(1) } })).rejects.toThrow('simulated crash')
    const r = await c.sync(t.app)
    expect(r).toMatchObject({ applied: 2, rejected: [] })
    expect(Number((await k()('attachments').where({ entity_id: rec.id }).count({ n: '*' }).first())!.n)).toBe(1)
    // the central database has the bytes: any machine reading through it gets the file
    const got = await t.call(w.repA.key, 'interactions', 'downloadAttachment', { id: att.id })
    expect(Buffer.from(got.contentBase64, 'base64').toString('utf8')).toBe(content)
    await c.close()
  })

  it('a file attached elsewhere arrives ahead for the rep\'s own customers; beyond the budget and for others\' records it comes on demand; offline without it: file missing', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `预取客户${tag()}` })
    const rec = await t.call(w.repA.key, 'interactions', 'create', note(cust.id, `在线拜访${tag()}`))
    const small = await t.call(w.repA.key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName: '报价单.txt', contentBase64: b64('报价：每台 12,800 元') })
    // the file is gone from the writing machine's folder: the central copy of the bytes still serves it
    const row = await k()('attachments').where({ id: small.id }).first()
    fs.rmSync(fileOf(t.app.dataDir, row.stored_name), { force: true })
    const a = await syncedClient(w.repA)
    const aFile = fileOf(a.dir, row.stored_name)
    expect(fs.existsSync(aFile)).toBe(true) // fetched ahead
    expect(fs.readFileSync(aFile, 'utf8')).toBe('报价：每台 12,800 元')
    // rep A's supervisor (team scope) caches the record but does not own the customer: on demand
    const s = await syncedClient(w.supA, { prefetchBytes: 0 })
    const sFile = fileOf(s.dir, row.stored_name)
    expect(await s.local.db.knex('attachments').where({ id: small.id }).first()).toBeTruthy()
    expect(fs.existsSync(sFile)).toBe(false)
    // offline (no central): the file is missing here, and says so
    s.useCentral(null)
    await expect(localDownload(s, small.id)).rejects.toMatchObject({ code: 'not_found' })
    s.useCentral(t.app)
    const got = await localDownload(s, small.id)
    expect(Buffer.from(got.contentBase64, 'base64').toString('utf8')).toBe('报价：每台 12,800 元')
    expect(fs.existsSync(sFile)).toBe(true)
    // a budget too small for a file: not fetched ahead, still on demand
    const big = await t.call(w.repA.key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName: '图纸.txt', contentBase64: b64('图'.repeat(4000)) })
    const r = await a.sync(t.app, { prefetchBytes: 1000 })
    expect(r.files).toBe(0)
    const bigRow = await k()('attachments').where({ id: big.id }).first()
    expect(fs.existsSync(fileOf(a.dir, bigRow.stored_name))).toBe(false)
    a.useCentral(t.app)
    expect(Buffer.from((await localDownload(a, big.id)).contentBase64, 'base64').toString('utf8')).toBe('图'.repeat(4000))
    await a.close()
    await s.close()
  })

  it('a file attached offline to a record of a customer reassigned meanwhile is refused with its reason; the queue goes on', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `转走的附件客户${tag()}` })
    const other = await t.call(w.repA.key, 'customers', 'create', { name: `留下的客户${tag()}` })
    const rec = await t.call(w.repA.key, 'interactions', 'create', note(cust.id, `转走前的拜访${tag()}`))
    const c = await syncedClient(w.repA)
    await c.write('attachments.create', { interactionId: rec.id, fileName: '合同.txt', contentBase64: b64('合同草稿') })
    const subject = `后面的拜访${tag()}`
    await c.write('interactions.create', note(other.id, subject))
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [cust.id], ownerId: w.repB.userId })
    const r = await c.sync(t.app)
    expect(r.rejected).toHaveLength(1)
    expect(r.rejected[0]).toMatchObject({ operation: 'attachments.create', error: { code: 'not_found' } })
    expect(r.applied).toBe(1)
    expect(Number((await k()('interactions').where({ subject }).count({ n: '*' }).first())!.n)).toBe(1)
    expect(Number((await k()('attachments').where({ entity_id: rec.id }).count({ n: '*' }).first())!.n)).toBe(0)
    expect(await c.local.db.knex('attachments').where({ entity_id: rec.id }).first()).toBeUndefined()
    await c.close()
  })
})
