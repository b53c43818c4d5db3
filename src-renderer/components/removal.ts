// 删除确认 that says what else goes: the server counts what the delete takes with it
// (removal.preview), the box lists it, and the safe button has the focus (confirm.ts).
import type { RemovalEntity, RemovalImpact } from '@contract/removal'
import { api } from '../api/client'
import { confirmDestructive } from './confirm'

type T = (key: string, named?: Record<string, unknown>, plural?: number) => string

/** "将一并删除：2 个联系人、12 条交往记录和 5 条未完成的提醒。" from the counts. */
export function impactText(entity: RemovalEntity, i: RemovalImpact, t: T): string {
  const part = (k: keyof RemovalImpact) => (i[k] > 0 ? t(`removal.parts.${k}`, { n: i[k] }, i[k]) : null)
  const goes = (['contacts', 'interactions', 'promises', 'attachments', 'reminders'] as const).map(part).filter((x): x is string => !!x)
  const out: string[] = []
  if (goes.length) out.push(t('removal.goes', { list: goes.join(t('removal.sep')) }))
  else if (entity === 'customer') out.push(t('removal.nothing'))
  if (i.keptInteractions > 0) out.push(t('removal.kept', { n: i.keptInteractions }, i.keptInteractions))
  return out.join(' ')
}

/**
 * Asks before deleting `entity` `id`: the headline (确认删除客户“X”？) and what goes with it.
 * Should the count fail (offline), the box still asks, without the list.
 */
export async function confirmRemoval(entity: RemovalEntity, id: string, headline: string, title: string, t: T): Promise<boolean> {
  let detail = ''
  try {
    detail = impactText(entity, await api.removal.preview({ entity, id }), t)
  } catch {
    detail = ''
  }
  return confirmDestructive(detail ? `${headline} ${detail}` : headline, title, { destroy: t('common.delete'), keep: t('common.cancel') })
}
