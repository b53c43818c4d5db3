// Due-reminder notifications, started by the layout (so only while someone is logged in):
// asks main for due reminders at once (those that fell due while the app was closed come
// first) and then every 30 s, shows each one — a native OS notification in Electron (the
// HTML5 Notification API) plus the in-app one; the in-app one only in the browser mode —
// and keeps the sidebar badge in step. Main answers each occurrence once, so nothing shows
// twice. Clicking opens the service ticket it is about, else the linked customer card, else the
// reminder centre.
import { h, onBeforeUnmount, onMounted } from 'vue'
import { useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { ElNotification } from 'element-plus'
import type { Reminder } from '@contract/reminders'
import { isElectron } from '../../api/client'
import { useAuthStore } from '../../stores/auth'
import { useRemindersStore } from '../../stores/reminders'
import { formatDateTime } from '../../components/format'
import { reminderTitle } from './reminder-format'

export const POLL_MS = 30_000
/** more due at once than this → one summary notification for the rest */
const MAX_SINGLE = 3

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

  function inApp(title: string, text: string, onClick: () => void, testid: string) {
    const n = ElNotification({
      title,
      message: h('div', { 'data-testid': testid, style: 'white-space:pre-line;cursor:pointer' }, text),
      type: 'warning',
      duration: 0,
      position: 'bottom-right',
      customClass: 'reminder-notification',
      onClick: () => {
        onClick()
        n.close()
      },
    })
  }

  function show(due: Reminder[]) {
    for (const r of due.slice(0, MAX_SINGLE)) {
      // the same rendering as the lists: a system reminder's title in the UI language
      const title = t('reminders.notify.titleWith', { title: reminderTitle(r, t, te) })
      const text = body(r)
      nativeNotify(title, text, () => openTarget(r))
      inApp(title, text, () => openTarget(r), 'reminder-notification')
    }
    const rest = due.length - MAX_SINGLE
    if (rest > 0) {
      const text = t('reminders.notify.more', { n: rest })
      nativeNotify(t('reminders.notify.moreTitle'), text, () => openTarget(null))
      inApp(t('reminders.notify.moreTitle'), text, () => openTarget(null), 'reminder-notification-more')
    }
  }

  async function poll() {
    if (busy || stopped || !auth.can('reminders', 'view')) return
    busy = true
    try {
      const due = await store.takeDue()
      if (!stopped && due.length) show(due)
    } catch {
      /* offline or logged out: the next tick tries again */
    } finally {
      busy = false
    }
    if (!stopped) await store.refreshBadge()
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
    store.reset()
  })

  return { poll }
}
