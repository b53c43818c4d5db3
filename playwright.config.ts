import fs from 'node:fs'
import { defineConfig } from '@playwright/test'

// Real Chromium against the browser mode (Electron cannot run on these machines).
// Debian's chromium when present; otherwise Playwright's own browser on a developer's Mac/Windows.
const debianChromium = '/usr/bin/chromium'
const executablePath = fs.existsSync(debianChromium) ? debianChromium : undefined
if (process.env.CI === 'true' && !executablePath) throw new Error('CI=true but /usr/bin/chromium is missing')

const PORT = Number(process.env.CRM_E2E_PORT ?? 5199)

export default defineConfig({
  testDir: 'test/e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    // a fresh database each run; CRM_TEST_HOOKS enables the clock test hook
    command: `node -e "require('fs').rmSync('out/e2e-data',{recursive:true,force:true})" && npx tsx src-main/cli/crm.ts serve --port ${PORT} --data out/e2e-data`,
    url: `http://127.0.0.1:${PORT}/`,
    env: { CRM_TEST_HOOKS: '1', CRM_QUIET: '1' },
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
  },
})
