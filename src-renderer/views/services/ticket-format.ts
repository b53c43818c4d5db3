// Small display helpers of the service screens.
import type { Translate } from '../../api/errors'

/** 90 → "1 小时 30 分" / "1 h 30 min"; null → "—". */
export function formatMinutes(minutes: number | null | undefined, t: Translate): string {
  if (minutes === null || minutes === undefined) return '—'
  const d = Math.floor(minutes / 1440)
  const h = Math.floor((minutes % 1440) / 60)
  const m = minutes % 60
  if (d) return t('services.duration.dh', { d, h })
  if (h) return t('services.duration.hm', { h, m })
  return t('services.duration.m', { m })
}

/** The flow steps that take input in TicketStepDialog. */
export type StepMode = 'assign' | 'note' | 'survey' | 'quote' | 'customerAnswer' | 'decision' | 'feedback'
