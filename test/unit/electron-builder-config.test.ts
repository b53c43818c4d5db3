// The packaging configuration as electron-builder itself reads and validates it
// (electron-builder.yml through its own loader and JSON schema): the Electron fuses that close
// the ways around the app's checks are set, and the app is packed in an asar archive they need.
import path from 'node:path'
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
})
