// 保存为 PDF in the desktop app with Electron replaced by fakes (it cannot run here): the save
// dialog, printToPDF of the calling window (A4, print backgrounds) and the file written to the
// chosen path; through the real ipc-main + dispatch + orders service, so an order the caller may
// not see is never printed. The database behind it is real (SQLite).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

const fake = vi.hoisted(() => {
  type Handler = (...args: any[]) => any
  class FakeWebContents {
    static nextId = 1
    id = FakeWebContents.nextId++
    printToPDF = vi.fn(async (_opts: unknown) => Buffer.from('%PDF-1.7 fake order sheet'))
    once(_e: string, _h: Handler) {
      return this
    }
  }
  return {
    FakeWebContents,
    ipcHandlers: new Map<string, Handler>(),
    showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePath: '' as string | undefined })),
    documents: '',
  }
})

vi.mock('electron', () => {
  const electron = {
    app: { getPath: (name: string) => (name === 'documents' ? fake.documents : os.tmpdir()) },
    dialog: { showSaveDialog: fake.showSaveDialog },
    BrowserWindow: { fromWebContents: () => null },
    shell: { openPath: vi.fn(), showItemInFolder: vi.fn(), openExternal: vi.fn() },
    ipcMain: {
      handle: (channel: string, h: (...args: any[]) => any) => fake.ipcHandlers.set(channel, h),
      removeHandler: (channel: string) => fake.ipcHandlers.delete(channel),
    },
  }
  return { ...electron, default: electron }
})

import { saveWindowAsPdf } from '../../src-main/window/order-pdf'
import { registerIpc } from '../../src-main/window/ipc-main'
import { makeTestApp, type TestApp } from '../helpers/test-app'

describe('save an order sheet or a report as PDF (Electron mocked)', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-pdf-'))
    fake.documents = dir
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  beforeEach(() => fake.showSaveDialog.mockReset())

  it('asks where to save (Documents/<order no>.pdf), prints the window as A4 and writes the file', async () => {
    const target = path.join(dir, 'DD-2026-000001.pdf')
    fake.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target })
    const contents = new fake.FakeWebContents()
    const r = await saveWindowAsPdf(contents as never, 'DD-2026-000001.pdf')
    expect(r).toEqual({ saved: true, path: target })
    expect(fake.showSaveDialog.mock.calls[0][0]).toMatchObject({ defaultPath: path.join(dir, 'DD-2026-000001.pdf'), filters: [{ name: 'PDF', extensions: ['pdf'] }] })
    expect(contents.printToPDF).toHaveBeenCalledWith({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true })
    expect(fs.readFileSync(target, 'utf8')).toBe('%PDF-1.7 fake order sheet')
  })

  it('adds .pdf when the name lacks it and keeps the suggested name inside the folder', async () => {
    fake.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path.join(dir, 'mine') })
    const r = await saveWindowAsPdf(new fake.FakeWebContents() as never, '../../etc/x:y.pdf')
    expect(r.path).toBe(path.join(dir, 'mine.pdf'))
    expect(fake.showSaveDialog.mock.calls[0][0]).toMatchObject({ defaultPath: path.join(dir, 'x_y.pdf') })
  })

  it('writes nothing when the user cancels', async () => {
    fake.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: undefined })
    const contents = new fake.FakeWebContents()
    expect(await saveWindowAsPdf(contents as never, 'DD-2026-000002.pdf')).toEqual({ saved: false, path: null })
    expect(contents.printToPDF).not.toHaveBeenCalled()
  })

  describe('through ipc-main: orders.savePdf', () => {
    let t: TestApp
    const ownUrl = 'file:///opt/crm/out/renderer/index.html'
    beforeAll(async () => {
      t = await makeTestApp('sqlite')
      registerIpc({ app: t.app, sessions: t.sessions }, (url) => url.startsWith(ownUrl))
    })
    afterAll(async () => {
      await t.close()
    })

    it("prints the caller's window for an order it may see, and never for one it may not", async () => {
      const admin = await t.userSession('admin', 'admin')
      const team = await t.teamId('华南一组')
      const mgr = await t.userSession('mgr1', 'manager', { teamId: team })
      const other = await t.userSession('mgr2', 'manager', { teamId: team })
      const c = await t.call(admin.key, 'customers', 'create', { name: '打印测试客户', ownerId: mgr.userId })
      const o = await t.call(mgr.key, 'orders', 'create', { customerId: c.id, orderDate: '2026-06-01', lines: [{ productName: '设备', quantity: 1, unitPriceCents: 100 }] })

      const sender = new fake.FakeWebContents()
      t.sessions.set(`wc-${sender.id}`, mgr.userId)
      const target = path.join(dir, `${o.code}.pdf`)
      fake.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target })
      const r = await fake.ipcHandlers.get('crm:orders:savePdf')!({ sender, senderFrame: { url: `${ownUrl}#/print/orders/${o.id}` } }, { id: o.id })
      expect(r).toEqual({ ok: true, data: { fileName: `${o.code}.pdf`, saved: true, path: target } })
      expect(sender.printToPDF).toHaveBeenCalledTimes(1)
      expect(fs.existsSync(target)).toBe(true)

      const stranger = new fake.FakeWebContents()
      t.sessions.set(`wc-${stranger.id}`, other.userId)
      const denied = await fake.ipcHandlers.get('crm:orders:savePdf')!({ sender: stranger, senderFrame: { url: ownUrl } }, { id: o.id })
      expect(denied).toMatchObject({ ok: false, error: { code: 'not_found' } })
      expect(stranger.printToPDF).not.toHaveBeenCalled()
      expect(fake.showSaveDialog).toHaveBeenCalledTimes(1)
    })

    it('统计报表 保存为 PDF: prints the caller\'s window (the report\'s print stylesheet) as <report>_<day>.pdf for a role with reports.view, never for one without', async () => {
      fake.showSaveDialog.mockReset()
      t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
      const mgr = await t.userSession('rmgr', 'manager')
      const agent = await t.userSession('ragent', 'agent')
      const sender = new fake.FakeWebContents()
      t.sessions.set(`wc-${sender.id}`, mgr.userId)
      const target = path.join(dir, '客户构成分析_2026-11-20.pdf')
      fake.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target })
      const r = await fake.ipcHandlers.get('crm:reports:savePdf')!({ sender, senderFrame: { url: `${ownUrl}#/reports?r=composition` } }, { report: 'composition' })
      expect(r).toEqual({ ok: true, data: { fileName: '客户构成分析_2026-11-20.pdf', saved: true, path: target } })
      expect(fake.showSaveDialog.mock.calls[0][0]).toMatchObject({ defaultPath: path.join(dir, '客户构成分析_2026-11-20.pdf') })
      expect(sender.printToPDF).toHaveBeenCalledWith({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true })
      expect(fs.existsSync(target)).toBe(true)

      const noReports = new fake.FakeWebContents()
      t.sessions.set(`wc-${noReports.id}`, agent.userId)
      const denied = await fake.ipcHandlers.get('crm:reports:savePdf')!({ sender: noReports, senderFrame: { url: ownUrl } }, { report: 'churn' })
      expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(noReports.printToPDF).not.toHaveBeenCalled()
      expect(fake.showSaveDialog).toHaveBeenCalledTimes(1)
    })
  })
})
