// The list pages' shared look (src-renderer/components/list-page.css): every list view takes it as
// a scoped stylesheet, and none writes one of its rules again in its own <style> (a copy would
// drift: one list a pixel off its siblings). Fails when a list view drops the shared sheet or
// re-adds e.g. its own `.table-footer { display: flex; … }`.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')
const SHARED = path.join(ROOT, 'src-renderer/components/list-page.css')
const VIEWS = [
  'customers/CustomerListView.vue', 'customers/ContactListView.vue', 'opportunities/OpportunityListView.vue', 'orders/OrderListView.vue',
  'orders/PaymentsView.vue', 'services/ServiceListView.vue', 'requirements/RequirementListView.vue', 'requirements/RequirementMatrixView.vue',
  'requirements/RequirementFilters.vue', 'churn/ChurnListView.vue', 'products/ProductListView.vue', 'interactions/InteractionsSearchView.vue', 'opportunities/OpportunityBoardView.vue',
  // not a list, but its filter bar is the lists' one (统计报表)
  'reports/ReportsView.vue',
]

/** selector → its declarations, sorted (comments and white space left out) */
function rules(css: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const decls = m[2]!.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort()
    out.set(m[1]!.trim().replace(/\s+/g, ' '), decls.join('; '))
  }
  return out
}

describe('list pages share one stylesheet', () => {
  const shared = rules(fs.readFileSync(SHARED, 'utf8'))

  it('the shared sheet holds the page, panel, filter bar, link and footer rules', () => {
    expect([...shared.keys()]).toEqual(expect.arrayContaining(['.list-page', '.list-panel', '.table-wrap', '.filter-bar', '.filters .el-form-item', '.link', '.table-footer']))
  })

  for (const view of VIEWS) {
    it(`${view} takes the shared sheet and repeats none of its rules (nor a declaration of them)`, () => {
      const sfc = fs.readFileSync(path.join(ROOT, 'src-renderer/views', view), 'utf8')
      expect(sfc).toContain('<style scoped src="../../components/list-page.css"></style>')
      const own = [...sfc.matchAll(/<style scoped>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n')
      for (const [selector, decls] of rules(own)) {
        const base = shared.get(selector)
        if (base === undefined) continue
        // an override is fine (Customer's footer spreads its two ends); the same declaration again is not
        const again = decls.split('; ').filter((d) => base.split('; ').includes(d))
        expect(again, `${view} ${selector} repeats ${again.join('; ')}`).toEqual([])
      }
      // a page that fills the window uses the shared shape, not its own copy of it
      expect([...rules(own).values()]).not.toContain(shared.get('.list-page'))
    })
  }
})
