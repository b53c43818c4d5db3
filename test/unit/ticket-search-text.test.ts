// The ticket search text of the module and the frozen copy in migration 20261206003210 agree
// (the migration rewrites existing tickets with what new tickets get), pinyin included.
import { describe, expect, it } from 'vitest'
import { buildTicketSearchText, TICKET_SEARCH_MAX } from '../../src-main/modules/services/services.text'
import { ticketSearchText } from '../../db/migrations/20261206003210_ticket-search-pinyin'

describe('ticket search text', () => {
  it('holds the customer\'s pinyin and initials after its name, the same in the module and the migration', () => {
    const t = { code: 'FW-2026-000123', customerName: '广州市人易软件  技术有限公司', summary: '主轴异响', request: '高速时\n有异响', notes: ['更换轴承', 'ABC 已处理'] }
    const text = buildTicketSearchText(t)
    expect(text.split('|').slice(0, 4)).toEqual(['fw-2026-000123', '广州市人易软件 技术有限公司', 'guangzhoushirenyiruanjianjishuyouxiangongsi', 'gzsryrjjsyxgs'])
    expect(text).toContain('|gzryrjjsyxgs|') // without 市, as customers are found
    expect(text.endsWith('|主轴异响|高速时 有异响|更换轴承|abc 已处理')).toBe(true)
    expect(ticketSearchText(t)).toBe(text)
    const latin = { code: 'FW-1', customerName: 'Acme Ltd', summary: 'x', request: null, notes: [] }
    expect(buildTicketSearchText(latin)).toBe('fw-1|acme ltd|x')
    expect(ticketSearchText(latin)).toBe('fw-1|acme ltd|x')
    const long = { ...t, notes: ['长'.repeat(3000)] }
    expect(buildTicketSearchText(long)).toHaveLength(TICKET_SEARCH_MAX)
    expect(ticketSearchText(long)).toBe(buildTicketSearchText(long))
  })
})
