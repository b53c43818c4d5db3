// The packaging configuration as electron-builder itself reads and validates it
// (electron-builder.yml through its own loader and JSON schema): the Electron fuses that close
// the ways around the app's checks are set, and the app is packed in an asar archive they need;
// the installers for Windows (NSIS, per user or per machine), macOS (dmg, x64 + arm64, hardened
// runtime with entitlements) and Linux; the icons in every size; the crm:// scheme; the
// generic update server (its address set in the app, not here); and the packaged files hold no
// tests, sources, source maps or development-only builds. Runs without Electron's binaries (no
// download): the configuration only. The optional file association: .xlsx and .csv open with
// the app (its import wizard), never claiming to be their default program.
import fs from 'node:fs'
import path from 'node:path'
import { minimatch } from 'minimatch'
import { describe, expect, it } from 'vitest'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'

const root = path.resolve(__dirname, '../..')

describe('electron-builder.yml', () => {
  it('is a valid electron-builder 26 configuration with the security fuses set', async () => {
    const config = await getConfig(root, null, null)
    // throws on an unknown key or a wrong type (a misspelt fuse would be caught here)
    await validateConfiguration(config, { isEnabled: false, add: () => undefined } as never)
    expect(config.electronFuses).toEqual({
      runAsNode: false, // ELECTRON_RUN_AS_NODE=1 would turn the signed binary into a Node shell
      enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS=--require evil.js
      enableNodeCliInspectArguments: false, // --inspect / SIGUSR1 debugger into the main process
      enableEmbeddedAsarIntegrityValidation: true, // a patched app.asar is refused
      onlyLoadAppFromAsar: true, // no app/ folder beside it is loaded instead
      enableCookieEncryption: true,
    })
    // the asar fuses need the app packed in an asar archive with its integrity hash
    expect(config.asar).not.toBe(false)
    expect((config.asar as { disableIntegrity?: boolean } | undefined)?.disableIntegrity).not.toBe(true)
  })

  it('builds the Windows, macOS and Linux installers', async () => {
    const c = (await getConfig(root, null, null)) as any
    const targets = (p: any) => (p.target as Array<{ target: string; arch: string[] }>).map((t) => `${t.target}:${t.arch.join('+')}`)
    expect(targets(c.win)).toEqual(['nsis:x64'])
    // assisted installer: the user chooses per user (no admin rights) or per machine
    expect(c.nsis).toMatchObject({ oneClick: false, perMachine: false })
    expect(c.nsis.allowElevation).not.toBe(false) // "for everyone" needs the elevation prompt
    expect(targets(c.mac)).toEqual(['dmg:x64+arm64'])
    expect(c.mac.hardenedRuntime).toBe(true)
    for (const f of [c.mac.entitlements, c.mac.entitlementsInherit]) {
      const plist = fs.readFileSync(path.join(root, f), 'utf8')
      expect(plist).toContain('com.apple.security.cs.allow-jit')
    }
    expect(targets(c.linux)).toEqual(['AppImage:x64']) // the Linux package electron-updater can replace
    expect(c.fileAssociations).toEqual([
      { ext: 'xlsx', name: 'CRM.Workbook', description: 'Excel 工作簿 (导入到客户关系管理)', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', role: 'Viewer', rank: 'Alternate' },
      { ext: 'csv', name: 'CRM.CSV', description: 'CSV 文件 (导入到客户关系管理)', mimeType: 'text/csv', role: 'Viewer', rank: 'Alternate' },
    ])
    // the main process handles exactly the associated extensions (window/open-file.ts)
    const { IMPORT_FILE_EXTENSIONS } = await import('../../src-main/window/open-file')
    expect([...IMPORT_FILE_EXTENSIONS]).toEqual(c.fileAssociations.map((f: { ext: string }) => `.${f.ext}`))
    expect(c.protocols).toEqual([{ name: '客户关系管理', schemes: ['crm'] }])
  })

  it('has the icon in every size: 512 px for the .ico and .icns, build/icons/16…1024 for Linux, also as the tray icon', async () => {
    const c = (await getConfig(root, null, null)) as any
    const size = (file: string) => {
      const png = fs.readFileSync(path.join(root, file))
      expect(png.subarray(1, 4).toString(), file).toBe('PNG')
      return [png.readUInt32BE(16), png.readUInt32BE(20)]
    }
    for (const p of [c.win.icon, c.mac.icon]) expect(p).toBe('build/icon.png')
    expect(size('build/icon.png')).toEqual([512, 512]) // the macOS .icns needs 512×512; the .ico is made from it
    expect(c.linux.icon).toBe('build/icons')
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(size(`build/icons/${n}x${n}.png`)).toEqual([n, n])
    // nothing else in the folder (electron-builder takes every NxN.png it finds)
    expect(fs.readdirSync(path.join(root, 'build/icons')).filter((f) => !/^\d+x\d+\.png$/.test(f))).toEqual([])
    expect(c.extraResources).toEqual([{ from: 'build/icon.png', to: 'icon.png' }])
  })

  it('publishes to a generic update server whose address the app sets (never a fixed host)', async () => {
    const c = (await getConfig(root, null, null)) as any
    expect(c.publish).toEqual([{ provider: 'generic', url: 'https://update-server.invalid/crm/', channel: 'latest' }])
    expect(new URL(c.publish[0].url).hostname.endsWith('.invalid')).toBe(true) // RFC 2606: never resolves
    // the app's updater takes the administrator's URL before every check
    const src = fs.readFileSync(path.join(root, 'src-main/window/app-updates.ts'), 'utf8')
    expect(src).toContain("u.setFeedURL({ provider: 'generic', url: settings.url })")
  })

  it('packs only the built app: no tests, sources, source maps, browser-mode build or development binaries', async () => {
    const c = (await getConfig(root, null, null)) as any
    // getConfig normalises the list into file sets; ours is one set from the app folder
    const sets = c.files as Array<{ from?: string; filter: string[] }>
    expect(sets).toHaveLength(1)
    expect(sets[0].from).toBeUndefined()
    const patterns = sets[0].filter
    const packed = (file: string) => {
      let inc = false
      for (const p of patterns) {
        if (p.startsWith('!')) {
          if (minimatch(file, p.slice(1), { dot: true })) inc = false
        } else if (minimatch(file, p, { dot: true })) inc = true
      }
      return inc
    }
    for (const f of ['out/main/index.js', 'out/main/chunks/bootstrap-abc.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-1.js', 'package.json']) {
      expect(packed(f), f).toBe(true)
    }
    for (const f of [
      'test/unit/electron-shell.test.ts', 'test/e2e/helpers.ts', 'src-main/index.ts', 'src-renderer/App.vue', 'db/migrations/index.ts',
      'out/main/index.js.map', 'out/renderer/assets/index-1.js.map', 'out/renderer-web/index.html', 'out/native/electron-39-x64/better_sqlite3.node',
      'out/e2e-data/crm.sqlite', 'out/bench-data-100000/crm.sqlite', 'BENCHMARKS.md', 'tsconfig.json', 'electron-builder.yml', 'playwright.config.ts',
    ]) {
      expect(packed(f), f).toBe(false)
    }
    // node_modules: electron-builder packs the production dependencies only; the tools must not be among them
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    for (const dev of ['electron', 'electron-builder', 'electron-vite', 'vitest', '@playwright/test', 'typescript', 'vue-tsc', 'eslint', 'vite', 'builder-util', 'app-builder-lib']) {
      expect(pkg.dependencies[dev], dev).toBeUndefined()
    }
    expect(pkg.dependencies['electron-updater']).toMatch(/^\d+\.\d+\.\d+$/) // needed at run time, pinned
    expect(c.includeSubNodeModules ?? false).toBe(false)
  })
})
