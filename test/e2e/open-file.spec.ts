// Issue 14 (文件关联, optional): a .xlsx/.csv "opened with" the desktop app opens the import
// wizard with that file chosen, after login; a role without any import right is told so. The
// desktop shell is Electron's preload (window.crmShell) — not available in the browser mode, so
// a stand-in is put into the page before it loads: it delivers the shell's 'importFile' command
// and answers openedFile() with the file as main would (main's side is tested with Electron
// mocked in test/unit/open-file-electron-mocked.test.ts). Makes its own team and logins.
import { expect, test, type Page } from '@playwright/test'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SHOTS = 'test/e2e/screenshots'
const CSV = '客户名称,联系人,手机\n宁波文件关联模具有限公司,林一,13812340101\n'

/** window.crmShell as the preload exposes it, driven by the test: fire(command, arg); the opened file's answer. */
async function standInShell(page: Page, opened: unknown) {
  await page.addInitScript((answer) => {
    let listener: ((c: string, a?: string) => void) | null = null
    const queued: Array<[string, string | undefined]> = []
    const w = window as unknown as Record<string, unknown>
    w.__shellFire = (c: string, a?: string) => (listener ? listener(c, a) : queued.push([c, a]))
    w.__shellAsked = 0
    w.crmShell = Object.freeze({
      onCommand(fn: (c: string, a?: string) => void) {
        listener = fn
        for (const [c, a] of queued.splice(0)) fn(c, a)
      },
      setLanguage() {},
      setDueCount() {},
      focus() {},
      async openedFile() {
        w.__shellAsked = Number(w.__shellAsked) + 1
        return Number(w.__shellAsked) === 1 ? answer : null // main answers once
      },
    })
  }, opened)
}

test.describe('a file opened with the desktop app', () => {
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage()
    await adminSession(page)
    const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '文件关联测试组' })
    const role = await roleIds(page)
    await api(page, 'users', 'create', { login: 'openfile_jingli', name: '文件关联经理', password: 'Manager123', roleId: role('manager'), teamId: team.id })
    await api(page, 'users', 'create', { login: 'openfile_kefu', name: '文件关联客服', password: 'Agent12345', roleId: role('agent'), teamId: team.id })
    await logout(page)
    await page.close()
  })

  test('opened before login: after login the customer import wizard shows the file and reads it', async ({ page }) => {
    await standInShell(page, { fileName: '客户名单.csv', contentBase64: Buffer.from(CSV, 'utf8').toString('base64') })
    await page.goto('/')
    await expect(page.getByTestId('login-form')).toBeVisible()
    await page.evaluate(() => (window as unknown as { __shellFire(c: string, a: string): void }).__shellFire('importFile', '客户名单.csv'))
    await expect.poll(() => page.evaluate(() => (window as unknown as { __shellAsked: number }).__shellAsked)).toBe(1) // fetched from main
    await expect(page.getByTestId('import-dialog')).toHaveCount(0) // nobody logged in: nothing opens yet

    await login(page, 'openfile_jingli', 'Manager123')
    const dialog = page.getByTestId('import-dialog')
    await expect(dialog.getByTestId('import-step-upload')).toBeVisible()
    await expect(page).toHaveURL(/#\/customers$/)
    await expect(dialog.getByTestId('import-file-chosen')).toHaveText('已选择：客户名单.csv')
    await page.screenshot({ path: `${SHOTS}/open-file-wizard.png` })
    await expect(dialog.getByTestId('import-next')).toBeEnabled()
    await dialog.getByTestId('import-next').click()
    // uploaded and read: its columns in the mapping step
    await expect(dialog.getByTestId('import-step-mapping')).toBeVisible()
    await expect(dialog.getByTestId('import-col-0')).toHaveText('客户名称')
    await expect(dialog.getByTestId('import-col-2')).toHaveText('手机')
    await expect(dialog.getByTestId('import-missing-required')).toHaveCount(0)
  })

  test('a 客服专员 (no import right) is told the file cannot be imported; no wizard opens', async ({ page }) => {
    await standInShell(page, { fileName: '客户名单.xlsx', contentBase64: Buffer.from('PK').toString('base64') })
    await page.goto('/')
    await expect(page.getByTestId('login-form')).toBeVisible()
    await login(page, 'openfile_kefu', 'Agent12345')
    await expect(page.getByTestId('current-user-name')).toHaveText('文件关联客服')
    await page.evaluate(() => (window as unknown as { __shellFire(c: string, a: string): void }).__shellFire('importFile', '客户名单.xlsx'))
    const told = page.getByRole('alert').filter({ hasText: '“客户名单.xlsx”不能导入：您的角色没有导入权限' })
    await expect(told).toBeVisible()
    await expect(told).toHaveCSS('opacity', '1') // its entering transition over (for the screenshot)
    await page.screenshot({ path: `${SHOTS}/open-file-not-allowed.png` })
    await expect(page.getByTestId('import-dialog')).toHaveCount(0)
  })
})
