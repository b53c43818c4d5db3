// Due-reminder notifications, started by the layout (so only while someone is logged in):
// asks main for due reminders at once (those that fell due while the app was closed come
// first) and then every 30 s. One due reminder shows as itself; several show as ONE summary
// whose numbers are the centre's (已逾期 / 今日, answered by the same call), never a count of
// this batch. Native OS notification in Electron (the HTML5 Notification API) plus the
// in-app one; only the in-app one in the browser mode. At most one in-app notification is on
// screen (bottom right); while it is, the page gets that much room at its bottom, so a
// pagination scrolled to the end is never under it. Main answers each occurrence once, so
// nothing shows twice. Clicking opens the service ticket it is about, else the linked customer
// card, else the reminder centre; in a summary each listed title opens its own, the rest the centre.
import { h, onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { ElNotification } from 'element-plus'
import type { DueNow, Reminder } from '@contract/reminders'
import { desktopShell, isElectron } from '../../api/client'
import { useAuthStore } from '../../stores/auth'
import { useRemindersStore } from '../../stores/reminders'
import { formatDateTime } from '../../components/format'
import { reminderTitle } from './reminder-format'

export const POLL_MS = 30_000
/** titles listed in a summary notification */
const LISTED = 3
/** the CSS variable the layout keeps free at the bottom of the page (see AppLayout.vue) */
const SPACE_VAR = '--crm-notification-space'

export function useReminderNotifications() {
  const store = useRemindersStore()
  const auth = useAuthStore()
  const router = useRouter()
  const { t, te } = useI18n()
  let timer: ReturnType<typeof setInterval> | undefined
  let busy = false
  let stopped = false

  function openTarget(r: Reminder | null) {
    window.focus()
    desktopShell()?.focus() // the desktop app: the window restored and in front of others
    if (r?.source === 'service_ticket' && r.sourceId) void router.push(`/services/${r.sourceId}`)
    else void router.push(r?.customerId ? `/customers/${r.customerId}` : '/reminders')
  }

  function body(r: Reminder): string {
    const parts = [r.customerName, r.contactName].filter(Boolean).join(' · ')
    const due = t('reminders.notify.due', { time: formatDateTime(r.snoozedUntil ?? r.dueAt) })
    return parts ? `${parts}\n${due}` : due
  }

  function nativeNotify(title: string, text: string, onClick: () => void) {
    if (!isElectron() || typeof Notification === 'undefined') return
    const show = () => {
      try {
        const n = new Notification(title, { body: text })
        n.onclick = onClick
      } catch {
        /* the OS refused: the in-app notification is still shown */
      }
    }
    if (Notification.permission === 'granted') show()
    else if (Notification.permission === 'default') void Notification.requestPermission().then((p) => p === 'granted' && show())
  }

  let current: { close(): void } | null = null

  /** Keeps the page's bottom free of the notification (0 once it is gone). */
  function reserveSpace() {
    const el = document.querySelector<HTMLElement>('.reminder-notification')
    const px = el ? Math.ceil(el.getBoundingClientRect().height) + 32 : 0
    document.documentElement.style.setProperty(SPACE_VAR, `${px}px`)
  }

  /** A listed reminder in a summary: opens its own target (not the centre). */
  type Item = { text: string; open: () => void }

  function inApp(title: string, text: string, onClick: () => void, testid: string, items: Item[] = []) {
    current?.close() // one at a time: the newest replaces the last
    const itemNode = (i: Item) =>
      h('div', {
        'data-testid': 'reminder-notification-item',
        class: 'notification-item',
        onClick: (e: MouseEvent) => {
          e.stopPropagation()
          i.open()
          n.close()
        },
      }, i.text)
    const n = ElNotification({
      title,
      message: h('div', { 'data-testid': testid, style: 'white-space:pre-line;cursor:pointer' }, [text, ...items.map(itemNode)]),
      type: 'warning',
      duration: 0,
      position: 'bottom-right',
      offset: 16,
      customClass: 'reminder-notification',
      onClick: () => {
        onClick()
        n.close()
      },
      onClose: () => {
        if (current === n) current = null
        setTimeout(reserveSpace, 350) // after the leave transition
      },
    })
    current = n
    setTimeout(reserveSpace, 0)
  }

  function show({ items, counts }: DueNow) {
    if (items.length === 1) {
      const r = items[0]!
      // the same rendering as the lists: a system reminder's title in the UI language
      const title = t('reminders.notify.titleWith', { title: reminderTitle(r, t, te) })
      const text = body(r)
      nativeNotify(title, text, () => openTarget(r))
      inApp(title, text, () => openTarget(r), 'reminder-notification')
      return
    }
    // several: one summary in the centre's numbers, with the first few titles
    const listed = items.slice(0, LISTED).map((r) => ({ text: `· ${reminderTitle(r, t, te)}`, open: () => openTarget(r) }))
    const more = items.length > LISTED ? [t('reminders.notify.andMore', { n: items.length - LISTED })] : []
    const head = t('reminders.notify.summary', { overdue: counts.overdue, today: counts.today })
    const title = t('reminders.notify.summaryTitle', { n: counts.badge })
    nativeNotify(title, [head, ...listed.map((i) => i.text), ...more].join('\n'), () => openTarget(null))
    // in the page: each listed title opens its reminder's ticket or customer; the rest the centre
    const tail = more.length ? [{ text: more[0]!, open: () => openTarget(null) }] : []
    inApp(title, head, () => openTarget(null), 'reminder-notification-summary', [...listed, ...tail])
  }

  async function poll() {
    if (busy || stopped || !auth.can('reminders', 'view')) return
    busy = true
    try {
      // the badge comes with it (the same counts as the centre)
      const due = await store.takeDue()
      if (!stopped && due.items.length) show(due)
    } catch {
      /* offline or logged out: the next tick tries again */
    } finally {
      busy = false
    }
  }

  // back from sleep or another window: do not wait up to 30 s
  const onVisible = () => {
    if (document.visibilityState === 'visible') void poll()
  }

  onMounted(() => {
    stopped = false
    void poll()
    timer = setInterval(() => void poll(), POLL_MS)
    document.addEventListener('visibilitychange', onVisible)
  })
  onBeforeUnmount(() => {
    stopped = true
    clearInterval(timer)
    document.removeEventListener('visibilitychange', onVisible)
    ElNotification.closeAll()
    current = null
    document.documentElement.style.setProperty(SPACE_VAR, '0px')
    store.reset()
  })

  return { poll }
}
