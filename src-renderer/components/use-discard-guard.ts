// `before-close` for form dialogs: closing with unsaved edits asks first.
import type { Ref } from 'vue'
import { ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'

export function useDiscardGuard(saving: Ref<boolean>, isDirty: () => boolean) {
  const { t } = useI18n()
  return (done: () => void) => {
    if (saving.value) return
    if (!isDirty()) return done()
    ElMessageBox.confirm(t('customers.form.discard'), t('customers.form.discardTitle'), {
      type: 'warning',
      confirmButtonText: t('customers.form.discardOk'),
      cancelButtonText: t('customers.form.keepEditing'),
    })
      .then(() => done())
      .catch(() => undefined)
  }
}
