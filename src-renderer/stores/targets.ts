// 销售目标 / 销售业绩: the chosen period and basis (kept between visits) and the api calls.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallInput } from '@contract/index'
import type { DataScope } from '@contract/common'
import type { PeriodType, TargetBasis } from '@contract/targets'
import { api } from '../api/client'

/** The first day of the period of `type` that contains `d` (local date). */
export function periodStartOf(type: PeriodType, d = new Date()): string {
  const y = d.getFullYear()
  const m = type === 'year' ? 0 : type === 'quarter' ? Math.floor(d.getMonth() / 3) * 3 : d.getMonth()
  return `${y}-${String(m + 1).padStart(2, '0')}-01`
}

export const useTargetsStore = defineStore('targets', () => {
  const periodType = ref<PeriodType>('month')
  const periodStart = ref(periodStartOf('month'))
  const basis = ref<TargetBasis>('orders')
  const year = ref(new Date().getFullYear())

  /** `scope` narrows the caller's (a 工作台 link's) */
  const performance = (scope?: DataScope) => api.targets.performance({ periodType: periodType.value, periodStart: periodStart.value, basis: basis.value, ...(scope ? { scope } : {}) })
  const list = (input: CallInput<'targets', 'list'>) => api.targets.list(input)
  const save = (input: CallInput<'targets', 'save'>) => api.targets.save(input)
  const remove = (id: string, version: number) => api.targets.remove({ id, version })

  return { periodType, periodStart, basis, year, performance, list, save, remove }
})
