// The desktop app's native reminder notification (issue 14 item 4: "notification click opens the
// reminder") — Electron mocked in the page: there is no Electron on this machine, so the preload's
// window.crm (forwarding every call to `crm serve`'s bridge, as the preload forwards to main),
// window.crmShell and the OS `Notification` are stand-ins installed before the app loads. What runs
// for real: the renderer's notification code (use-reminder-notifications.ts) in Chromium, the
// server, the database. A due reminder on a customer shows one native notification with the
// customer's name; clicking it brings the window forward (crmShell.focus) and opens the customer.
import { expect, test } from '@playwright/test'
import { adminSession, api, login, logout, roleIds } from './helpers'

const CUSTOMER = '南京紫金山光电设备有限公司'
const MGR = 'notify_mgr'
const PASSWORD = 'Manager123'

test('native reminder notification (Electron preload and OS Notification mocked in the page): its click focuses the window and opens the customer', async ({ page }) => {
  await page.addInitScript(() => {
    type Note = { title: string; body: string; onclick: (() => void) | null }
    const w = window as unknown as Record<string, unknown>
    const notes: Note[] = []
    w.__notes = notes
    w.__focused = 0
    class FakeNotification {
      static permission = 'granted'
      static requestPermission = async () => 'granted'
      title: string
      body: string
      onclick: (() => void) | null = null
      constructor(title: string, opts?: { body?: string }) {
        this.title = title
        this.body = opts?.body ?? ''
        notes.push(this)
      }
    }
    w.Notification = FakeNotification
    const token = () => document.querySelector('meta[name="crm-bridge-token"]')?.getAttribute('content') ?? ''
    // the preload's shape: window.crm.<area>.<call>(input) → ApiResult
    w.crm = new Proxy({}, {
      get: (_t, area: string) => new Proxy({}, {
        get: (_a, call: string) => async (input: unknown) => {
          const res = await fetch(`/api/${area}/${call}`, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', 'X-CRM-Token': token() },
            body: JSON.stringify(input ?? {}),
          })
          return res.json()
        },
      }),
    })
    w.crmShell = {
      onCommand() {},
      setLanguage() {},
      setDueCount() {},
      focus() {
        w.__focused = (w.__focused as number) + 1
      },
      openedFile: async () => null,
    }
  })

  // a 客户经理 of its own (no other spec's reminders), one customer, one reminder due a minute ago
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '桌面通知测试组' })
  const role = await roleIds(page)
  const mgr = await api<{ id: string }>(page, 'users', 'create', { login: MGR, name: '钟经理', password: PASSWORD, roleId: role('manager'), teamId: team.id })
  const customer = await api<{ id: string }>(page, 'customers', 'create', { name: CUSTOMER, ownerId: mgr.id, duplicateOk: true })
  await api(page, 'reminders', 'create', {
    title: '回访：确认样机测试结果',
    dueAt: new Date(Date.now() - 60_000).toISOString(),
    customerId: customer.id,
    ownerId: mgr.id,
  })
  await logout(page)
  // the notifications start with the layout after login: main is asked for what is due at once
  await login(page, MGR, PASSWORD)
  await expect(page.getByTestId('current-user-name')).toHaveText('钟经理')
  await expect
    .poll(() => page.evaluate(() => ((window as unknown as { __notes: Array<{ title: string; body: string }> }).__notes).map((n) => `${n.title} ${n.body}`).join('\n')))
    .toContain(CUSTOMER)

  // the native notification's click — what the OS does when the user clicks it
  await page.evaluate((name) => {
    const notes = (window as unknown as { __notes: Array<{ body: string; onclick: (() => void) | null }> }).__notes
    const n = notes.find((x) => x.body.includes(name))
    if (!n?.onclick) throw new Error('the notification has no click handler')
    n.onclick()
  }, CUSTOMER)
  await expect(page).toHaveURL(new RegExp(`/customers/${customer.id}$`, 'i'))
  await expect(page.getByTestId('page-title')).toHaveText(CUSTOMER)
  expect(await page.evaluate(() => (window as unknown as { __focused: number }).__focused)).toBeGreaterThan(0)
})
