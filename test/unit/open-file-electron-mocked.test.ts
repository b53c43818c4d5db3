// 文件关联 (issue 14 item 6, optional): a .xlsx/.csv file "opened with" the app, with Electron
// replaced by fakes (it cannot run here). Windows/Linux: the path among a start's arguments and,
// through the single-instance lock, among a second start's (relative to its working directory);
// macOS: open-file. Main keeps the path, tells the page the file's name and hands the page its
// content once, only to our own page; files too large or unreadable are named with the reason.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const fake = vi.hoisted(() => ({ handle: new Map<string, (...a: any[]) => any>() }))

vi.mock('electron', () => {
  const electron = {
    app: { isPackaged: false, setBadgeCount: vi.fn() },
    ipcMain: { on: vi.fn(), handle: (channel: string, h: any) => fake.handle.set(channel, h) },
    Menu: { buildFromTemplate: (template: any[]) => ({ template }), setApplicationMenu: vi.fn() },
    nativeImage: { createFromPath: () => ({ isEmpty: () => false, resize() { return this } }) },
    powerMonitor: { on: vi.fn() },
    Tray: class { setToolTip() {} setTitle() {} setContextMenu() {} on() {} },
  }
  return { ...electron, default: electron }
})

import { claimSingleInstance, type InstanceApp } from '../../src-main/window/single-instance'
import { importFileInArgv, isImportFile, readOpenedFile } from '../../src-main/window/open-file'
import { DesktopShell, SHELL_COMMAND_CHANNEL, SHELL_OPENED_FILE_CHANNEL } from '../../src-main/window/desktop-shell'
import { MAX_IMPORT_BYTES } from '../../src-main/contract/imports'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-open-file-'))
const csv = path.join(dir, '客户名单.csv')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('a file opened with the app (electron mocked)', () => {
  beforeAll(() => fs.writeFileSync(csv, '客户名称,手机\n宁波文件关联模具有限公司,13812340001\n'))

  it('finds the .xlsx/.csv among the arguments: not options, links or other files; relative to the start folder', () => {
    expect(importFileInArgv(['C:\\\\CRM\\\\客户关系管理.exe', 'D:\\\\下载\\\\客户.XLSX'], 'C:\\\\')).toMatch(/客户\.XLSX$/)
    expect(importFileInArgv(['/opt/crm/crm', '--no-sandbox', 'data/客户.csv'], '/home/u')).toBe(path.resolve('/home/u', 'data/客户.csv'))
    expect(importFileInArgv(['/opt/crm/crm', 'crm://customer/x.csv'], '/home/u')).toBeNull()
    expect(importFileInArgv(['/opt/crm/crm', '/home/u/合同.pdf', '--flag'], '/home/u')).toBeNull()
    expect(importFileInArgv(['/home/u/only-the-exe.xlsx'], '/home/u')).toBeNull() // argv[0] is the program
    expect([isImportFile('a.xlsx'), isImportFile('a.CSV'), isImportFile('a.xls'), isImportFile('a.xlsx.exe')]).toEqual([true, true, false, false])
  })

  it('a second start with a file: the first instance comes forward and opens it; the second quits', () => {
    let held = false
    const make = () => {
      const events = new EventEmitter()
      const raw = { requestSingleInstanceLock: vi.fn(() => (held ? false : (held = true))), quit: vi.fn(), on: (ev: string, fn: (...a: unknown[]) => void) => events.on(ev, fn) }
      return { app: raw as unknown as InstanceApp, raw, events }
    }
    const first = make()
    const show = vi.fn()
    const openLink = vi.fn()
    const openFile = vi.fn()
    expect(claimSingleInstance(first.app, show, openLink, openFile)).toBe(true)
    const second = make()
    expect(claimSingleInstance(second.app, vi.fn(), vi.fn(), vi.fn())).toBe(false)
    expect(second.raw.quit).toHaveBeenCalledOnce()
    first.events.emit('second-instance', {}, ['/opt/crm/crm', '客户名单.csv'], dir)
    expect(show).toHaveBeenCalledOnce()
    expect(openFile).toHaveBeenCalledExactlyOnceWith(csv)
    expect(openLink).not.toHaveBeenCalled()
    first.events.emit('second-instance', {}, ['/opt/crm/crm'], dir) // a plain second start: only forward
    expect(show).toHaveBeenCalledTimes(2)
    expect(openFile).toHaveBeenCalledOnce()
  })

  it('the shell tells the page the name; our page gets the content once, another page nothing', async () => {
    const own = 'file:///opt/crm/resources/app.asar/out/renderer/index.html'
    const send = vi.fn()
    const win = { isDestroyed: () => false, webContents: { id: 3, isLoading: () => false, send, once: vi.fn() } }
    let shown = 0
    const shell = new DesktopShell({
      deps: {} as never,
      currentWindow: () => win as never,
      showWindow: () => (shown++, win as never),
      isTrustedUrl: (u) => u.startsWith(own),
      iconPath: '/none.png',
      quit: vi.fn(),
      dev: false,
      platform: 'darwin',
    })
    shell.start()
    const ask = fake.handle.get(SHELL_OPENED_FILE_CHANNEL)!
    expect(ask).toBeDefined()
    expect(await ask({ senderFrame: { url: own } })).toBeNull() // nothing opened yet

    shell.openFile(csv) // macOS open-file, or a start's argument
    expect(shown).toBe(1)
    expect(send).toHaveBeenCalledExactlyOnceWith(SHELL_COMMAND_CHANNEL, 'importFile', '客户名单.csv')
    expect(await ask({ senderFrame: { url: 'https://evil.example.com/' } })).toBeNull()
    const got = (await ask({ senderFrame: { url: `${own}#/login` } })) as { fileName: string; contentBase64: string }
    expect(got.fileName).toBe('客户名单.csv')
    expect(Buffer.from(got.contentBase64, 'base64').toString('utf8')).toContain('宁波文件关联模具有限公司')
    expect(await ask({ senderFrame: { url: own } })).toBeNull() // taken once
  })

  it('a file too large for the import, or gone, is named with the reason instead of its content', () => {
    const big = path.join(dir, 'big.csv')
    fs.writeFileSync(big, '')
    fs.truncateSync(big, MAX_IMPORT_BYTES + 1)
    expect(readOpenedFile(big)).toEqual({ fileName: 'big.csv', error: 'tooLarge' })
    expect(readOpenedFile(path.join(dir, 'gone.xlsx'))).toEqual({ fileName: 'gone.xlsx', error: 'unreadable' })
    expect(readOpenedFile(dir + path.sep + '.')).toMatchObject({ error: 'unreadable' }) // a folder
  })
})
