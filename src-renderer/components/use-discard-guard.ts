// `before-close` for form dialogs: closing with unsaved edits asks first. 继续编辑 has the focus,
// so Enter keeps the form; only a click on 放弃 discards it.
import type { Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { confirmDestructive } from './confirm'

export function useDiscardGuard(saving: Ref<boolean>, isDirty: () => boolean) {
  const { t } = useI18n()
  return (done: () => void) => {
    if (saving.value) return
    if (!isDirty()) return done()
    void confirmDestructive(t('customers.form.discard'), t('customers.form.discardTitle'), {
      destroy: t('customers.form.discardOk'),
      keep: t('customers.form.keepEditing'),
    }).then((discard) => discard && done())
  }
}
