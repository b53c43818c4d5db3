// Quick picks for a follow-up or due time: local wall-clock dates at 09:00.
type T = (key: string) => string

/** The local day `days` from today at hh:00. */
export function dayAt(days: number, hour = 9, from = new Date()): Date {
  return new Date(from.getFullYear(), from.getMonth(), from.getDate() + days, hour, 0, 0, 0)
}

/** The same local day next month (clamped to the month's last day) at 09:00. */
export function nextMonthAt(hour = 9, from = new Date()): Date {
  const last = new Date(from.getFullYear(), from.getMonth() + 2, 0).getDate()
  return new Date(from.getFullYear(), from.getMonth() + 1, Math.min(from.getDate(), last), hour, 0, 0, 0)
}

/** Element Plus date-picker shortcuts for a next follow-up. */
export const followUpShortcuts = (t: T) => [
  { text: t('interactions.shortcuts.tomorrow'), value: () => dayAt(1) },
  { text: t('interactions.shortcuts.in3days'), value: () => dayAt(3) },
  { text: t('interactions.shortcuts.nextWeek'), value: () => dayAt(7) },
  { text: t('interactions.shortcuts.in2weeks'), value: () => dayAt(14) },
  { text: t('interactions.shortcuts.in1month'), value: () => nextMonthAt() },
]

/** Date + time to ISO-8601 UTC for the contract; null when empty. */
export const toIso = (d: Date | null | undefined): string | null => (d && !Number.isNaN(d.getTime()) ? d.toISOString() : null)
/** ISO from the contract to a Date for a picker. */
export const fromIso = (s: string | null | undefined): Date | null => (s ? new Date(s) : null)
