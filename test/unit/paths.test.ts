// The data folder matches Electron's userData for our productName; --db beats the saved
// connection, which beats the SQLite file in the data folder.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDataDir, PRODUCT_NAME, resolveDbConfig } from '../../src-main/app/paths'
import { MemorySettingsStore } from '../../src-main/modules/settings/settings.service'

describe('defaultDataDir', () => {
  it("is Electron's userData folder for 客户关系管理 on each platform", () => {
    expect(PRODUCT_NAME).toBe('客户关系管理')
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\li\\AppData\\Roaming' }, 'win32', 'C:\\Users\\li')).toBe(path.join('C:\\Users\\li\\AppData\\Roaming', '客户关系管理'))
    expect(defaultDataDir({}, 'darwin', '/Users/li')).toBe('/Users/li/Library/Application Support/客户关系管理')
    expect(defaultDataDir({}, 'linux', '/home/li')).toBe('/home/li/.config/客户关系管理')
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/li')).toBe('/cfg/客户关系管理')
  })

  it('is overridden by CRM_DATA_DIR', () => {
    expect(defaultDataDir({ CRM_DATA_DIR: '/srv/crm', XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/li')).toBe('/srv/crm')
  })
})

describe('resolveDbConfig', () => {
  const saved = new MemorySettingsStore({ dialect: 'postgres', url: 'postgres://crm:pw@db/crm' })
  it('prefers --db, then the saved connection, then the SQLite file in the data folder', () => {
    expect(resolveDbConfig({ dataDir: '/d', dbUrl: 'mssql://u:p@h:1433/crm', settingsStore: saved })).toMatchObject({ dialect: 'mssql', host: 'h', database: 'crm' })
    expect(resolveDbConfig({ dataDir: '/d', settingsStore: saved })).toEqual({ dialect: 'postgres', url: 'postgres://crm:pw@db/crm' })
    expect(resolveDbConfig({ dataDir: '/d', settingsStore: new MemorySettingsStore() })).toEqual({ dialect: 'sqlite', file: path.join('/d', 'crm.sqlite') })
    expect(resolveDbConfig({ dataDir: '/d' })).toEqual({ dialect: 'sqlite', file: path.join('/d', 'crm.sqlite') })
  })
})
