// Which automatic backups to keep: the newest of each of the last `keepDaily` days that have
// one, and — among the older ones — the newest of each of the last `keepMonthly` months that
// have one. Days and months are the computer's local calendar. Manual and pre-restore backups
// are never removed automatically. Pure: the service lists the folder and removes the rest.

export interface RetainedBackup {
  name: string
  createdAt: Date
  kind: 'auto' | 'manual' | 'pre-restore'
}

export interface RetentionPlan {
  daily: string[]
  monthly: string[]
  /** automatic backups to remove */
  remove: string[]
}

const pad = (n: number) => String(n).padStart(2, '0')
export const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
export const localMonth = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`

export function planRetention(backups: RetainedBackup[], keepDaily: number, keepMonthly: number): RetentionPlan {
  const autos = backups.filter((b) => b.kind === 'auto').sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? 1 : -1))
  const daily: RetainedBackup[] = []
  const days = new Set<string>()
  for (const b of autos) {
    const day = localDay(b.createdAt)
    if (days.has(day)) continue
    if (days.size >= keepDaily) break
    days.add(day)
    daily.push(b)
  }
  const oldestDay = daily.length ? localDay(daily[daily.length - 1].createdAt) : null
  const monthly: RetainedBackup[] = []
  const months = new Set<string>()
  for (const b of autos) {
    if (oldestDay !== null && localDay(b.createdAt) >= oldestDay) continue // inside the daily window
    const month = localMonth(b.createdAt)
    if (months.has(month)) continue
    if (months.size >= keepMonthly) break
    months.add(month)
    monthly.push(b)
  }
  const keep = new Set([...daily, ...monthly].map((b) => b.name))
  return { daily: daily.map((b) => b.name), monthly: monthly.map((b) => b.name), remove: autos.filter((b) => !keep.has(b.name)).map((b) => b.name) }
}
