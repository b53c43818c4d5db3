// Quick-add of an interaction from any screen: `const quickAdd = useQuickAddInteraction(() =>
// customer)` gives `quickAdd.open()` for a button and binds Ctrl+Shift+F (⌘+Shift+F on a
// Mac) while the calling component is mounted. The dialog itself is mounted once by the layout.
import { onBeforeUnmount, onMounted } from 'vue'
import type { Interaction, InteractionKind } from '@contract/interactions'
import { useInteractionsStore, type CustomerRef } from '../../stores/interactions'

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)

/** The shortcut as shown to the user: "Ctrl+Shift+F" or "⌘+Shift+F". */
export const quickAddKeys = () => (isMac() ? '⌘+Shift+F' : 'Ctrl+Shift+F')

/** Ctrl/⌘ + Shift + F, whatever the keyboard layout (KeyF is the physical key). */
export const isQuickAddKey = (e: KeyboardEvent) => (isMac() ? e.metaKey : e.ctrlKey) && e.shiftKey && !e.altKey && (e.code === 'KeyF' || e.key.toLowerCase() === 'f')

const anOverlayIsOpen = () => Array.from(document.querySelectorAll<HTMLElement>('.el-overlay')).some((el) => getComputedStyle(el).display !== 'none')

export interface QuickAddOptions {
  /** called after a record was saved through this entry point */
  onSaved?: (i: Interaction) => void
}

export function useQuickAddInteraction(customer: () => CustomerRef | null | undefined, opts: QuickAddOptions = {}) {
  const store = useInteractionsStore()

  function open(kind: InteractionKind = 'record') {
    store.openQuickAdd({ customer: customer() ?? null, kind, onSaved: opts.onSaved ?? null })
  }

  function onKey(e: KeyboardEvent) {
    if (!isQuickAddKey(e) || e.repeat) return
    // another dialog is open: the shortcut must not stack a second one on it
    if (anOverlayIsOpen()) return
    e.preventDefault()
    open()
  }

  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))

  return { open, keys: quickAddKeys() }
}
