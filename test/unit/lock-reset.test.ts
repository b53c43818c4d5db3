// 锁屏 empties the renderer's data stores: every store but the session's is disposed and its
// state dropped, so what mounts after unlocking starts from nothing and loads again.
import { describe, expect, it } from 'vitest'
import { createPinia, defineStore, setActivePinia } from 'pinia'
import { ref } from 'vue'
import { disposeDataStores } from '../../src-renderer/stores/lock-reset'

const useCustomers = defineStore('customers', () => {
  const items = ref<string[]>([])
  return { items }
})
const useOptionStore = defineStore('contacts', { state: () => ({ rows: [] as string[] }) })
const useAuth = defineStore('auth', () => {
  const me = ref<string | null>(null)
  return { me }
})

describe('disposeDataStores', () => {
  it('drops every store but auth, so the next use starts empty', () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useCustomers().items.push('杭州锁屏测试科技有限公司')
    useOptionStore().rows.push('欧阳锁屏')
    useAuth().me = '系统管理员'
    expect(JSON.stringify(pinia.state.value)).toContain('杭州锁屏测试科技有限公司')

    expect(disposeDataStores(pinia).sort()).toEqual(['contacts', 'customers'])
    expect(JSON.stringify(pinia.state.value)).not.toContain('杭州锁屏测试科技有限公司')
    expect(JSON.stringify(pinia.state.value)).not.toContain('欧阳锁屏')
    expect(useCustomers().items).toEqual([])
    expect(useOptionStore().rows).toEqual([])
    expect(useAuth().me).toBe('系统管理员')
  })
})
