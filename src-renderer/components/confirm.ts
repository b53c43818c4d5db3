// Confirmations of something that cannot be taken back (discard the form, delete a record):
// the SAFE button has the focus, so Enter (or a reflex click on the focused button) never
// destroys anything; Esc and the close button are the safe choice too. Resolves true only when
// the destructive button was chosen.
import { ElMessageBox } from 'element-plus'

const SAFE_BUTTON = '.el-message-box__btns .el-button:not(.el-button--primary)'

/**
 * Element Plus focuses the confirm button, or the box itself without `autofocus`, once the box
 * is open: the cancel (safe) button takes the focus as soon as it exists, and keeps it through
 * the opening transition.
 */
function focusSafeButton() {
  let tries = 0
  let held = 0
  const tick = () => {
    const btn = document.querySelector<HTMLButtonElement>(SAFE_BUTTON)
    if (btn) {
      if (document.activeElement === btn) held++
      else {
        held = 0
        btn.focus()
      }
    }
    if (held < 3 && ++tries < 40) setTimeout(tick, 25)
  }
  setTimeout(tick, 0)
}

export function confirmDestructive(
  message: string,
  title: string,
  buttons: { destroy: string; keep: string },
): Promise<boolean> {
  const box = ElMessageBox.confirm(message, title, {
    type: 'warning',
    confirmButtonText: buttons.destroy,
    cancelButtonText: buttons.keep,
    confirmButtonClass: 'el-button--danger',
    autofocus: false,
    customClass: 'destructive-confirm',
  })
  focusSafeButton()
  return box.then(() => true).catch(() => false)
}
