// What the desktop shell asks of the renderer (menus, tray, crm:// links, notification clicks,
// the computer going to sleep) and the app-wide commands: 'lock' shows the lock screen (main
// has locked the session already), 'navigate' opens a path (after unlocking, if locked),
// 'importFile' fetches a .xlsx/.csv opened with the app for the import wizard (imports/opened-file), and
// 'search' / 'about' / 'update' are passed on to the layout as a `crm:command` window event — the same
// event the keyboard shortcuts raise in the browser mode. The shell also learns the UI language
// and the due-reminder count (tray icon, dock badge: useDueCountInShell in the layout; 0 when nobody is logged in).
import { watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import { desktopShell } from '../../api/client'
import { useAuthStore } from '../../stores/auth'
import { receiveOpenedFile } from '../imports/opened-file'

export type AppCommand = 'search' | 'about' | 'update' | 'lock'

/** Raises an app-wide command (the layout listens while someone is logged in). */
export const raiseCommand = (command: AppCommand) => window.dispatchEvent(new CustomEvent('crm:command', { detail: { command } }))

/** Paths a shell may open: the app's own routes only. */
const SAFE_PATH = /^\/[A-Za-z0-9/_-]*(\?[A-Za-z0-9=&_-]*)?$/

export function useDesktopShell() {
  const shell = desktopShell()
  const auth = useAuthStore()
  const router = useRouter()
  const { locale } = useI18n()
  if (!shell) return
  shell.onCommand((command, arg) => {
    if (command === 'lock') auth.markLocked()
    else if (command === 'navigate' && arg && SAFE_PATH.test(arg)) void router.push(arg)
    else if (command === 'importFile' && arg) void receiveOpenedFile(shell, arg)
    else if (command === 'search' || command === 'about' || command === 'update') raiseCommand(command)
  })
  watch(locale, (l) => shell.setLanguage(String(l)), { immediate: true })
  // the count itself comes from the layout (its reminders store); nobody logged in: none
  watch(() => auth.me, (m) => !m && shell.setDueCount(0))
}

/** The layout's due-reminder count, shown by the desktop shell's tray icon and dock badge. */
export function useDueCountInShell(count: () => number) {
  const shell = desktopShell()
  if (shell) watch(count, (n) => shell.setDueCount(n), { immediate: true })
}
