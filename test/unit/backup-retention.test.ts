// Backup retention keeps exactly the newest backup of each of the last N days and, older than
// those, the newest of each of the last M months; manual and pre-restore backups stay.
import { describe, expect, it } from 'vitest'
import { localDay, planRetention, type RetainedBackup } from '../../src-main/modules/backup/backup.retention'

const at = (y: number, m: number, d: number, h = 2) => new Date(y, m - 1, d, h, 0, 0) // local time, as the folder names
const auto = (d: Date, suffix = ''): RetainedBackup => ({ name: `auto-${localDay(d)}${suffix}`, createdAt: d, kind: 'auto' })

/** One automatic backup a day from `from` for `days` days (two on every 10th day). */
function daily(from: Date, days: number): RetainedBackup[] {
  const out: RetainedBackup[] = []
  for (let i = 0; i < days; i++) {
    const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + i, 2)
    out.push(auto(d))
    if (i % 10 === 0) out.push(auto(new Date(d.getTime() + 3600_000 * 10), '-b'))
  }
  return out
}

describe('backup retention', () => {
  it('keeps exactly N daily and M monthly copies of a long history', () => {
    const all = daily(at(2026, 6, 1), 189) // 1 June … 6 December 2026
    const plan = planRetention(all, 7, 3)
    expect(plan.daily).toHaveLength(7)
    expect(plan.monthly).toHaveLength(3)
    expect(plan.daily).toEqual(['auto-2026-12-06', 'auto-2026-12-05', 'auto-2026-12-04', 'auto-2026-12-03', 'auto-2026-12-02', 'auto-2026-12-01', 'auto-2026-11-30'])
    // older than the daily window: the newest of November (the 29th), October and September
    expect(plan.monthly).toEqual(['auto-2026-11-29', 'auto-2026-10-31', 'auto-2026-09-30'])
    expect(plan.remove).toHaveLength(all.length - 10)
    expect(new Set([...plan.daily, ...plan.monthly, ...plan.remove]).size).toBe(all.length)
  })

  it('keeps the later of two backups on one day', () => {
    const all = daily(at(2026, 11, 1), 31) // 1 Nov … 1 Dec, two on 1 Nov, 11 Nov, 21 Nov, 1 Dec
    const plan = planRetention(all, 3, 1)
    expect(plan.daily[0]).toBe('auto-2026-12-01-b')
    expect(plan.daily).toHaveLength(3)
    expect(plan.monthly).toEqual(['auto-2026-11-28'])
  })

  it('keeps one a day while there are fewer than N days, and never removes manual or pre-restore backups', () => {
    const all = [
      ...daily(at(2026, 12, 3), 3),
      { name: 'manual-old', createdAt: at(2025, 1, 1), kind: 'manual' as const },
      { name: 'before-restore', createdAt: at(2025, 2, 1), kind: 'pre-restore' as const },
    ]
    const plan = planRetention(all, 7, 12)
    expect(plan.daily).toEqual(['auto-2026-12-05', 'auto-2026-12-04', 'auto-2026-12-03-b'])
    expect(plan.remove).toEqual(['auto-2026-12-03']) // the earlier one of that day
    expect(plan.monthly).toEqual([])
    expect(plan.remove).not.toContain('manual-old')
    expect(plan.remove).not.toContain('before-restore')
  })

  it('keeps no monthly copies when M is 0', () => {
    const plan = planRetention(daily(at(2026, 1, 1), 90), 10, 0)
    expect(plan.daily).toHaveLength(10)
    expect(plan.monthly).toEqual([])
  })
})
