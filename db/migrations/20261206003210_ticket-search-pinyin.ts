// 全局搜索 and the ticket list find service tickets by their customer's pinyin and initials too
// (issue 14 item 3): a ticket's search text gets the customer's full pinyin and initials after
// the customer's name (src-main/modules/services/services.text.ts from now on). Existing
// tickets are rewritten here, in keyset chunks, with their handling notes as before; the
// search indexes follow (SQLite: the triggers of migration 20261206003200; PostgreSQL: the GIN
// index is over the column). The text rules are a frozen copy (a migration must not change when
// the module's rules do): the pinyin of migration 20261206000700, withoutDivisions of
// src-main/modules/customers/customers.search.ts.
import type { Knex } from 'knex'
import { pinyin } from 'pinyin-pro'

const HAS_HAN = /\p{Script=Han}/u
const MAX = 2000
const CHUNK = 500

function pinyinForms(s: string | null | undefined): string[] {
  if (!s || !HAS_HAN.test(s)) return []
  const opts = { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true } as const
  const clean = (parts: string[]) => parts.join('').toLowerCase().replace(/[^a-z0-9]/g, '')
  return [clean(pinyin(s, opts)), clean(pinyin(s, { ...opts, pattern: 'first' }))].filter(Boolean)
}

const withoutDivisions = (name: string) => name.slice(0, 12).replace(/(?<=\p{Script=Han})[省市区县]/gu, '') + name.slice(12)

export function ticketSearchText(t: { code: string; customerName: string; summary: string; request: string | null; notes: string[] }): string {
  const py = [...new Set([...pinyinForms(t.customerName), ...pinyinForms(withoutDivisions(t.customerName))])]
  let out = ''
  for (const raw of [t.code, t.customerName, ...py, t.summary, t.request ?? '', ...t.notes]) {
    const p = raw.trim().toLowerCase().replace(/\s+/g, ' ')
    if (!p) continue
    const next = out ? `${out}|${p}` : p
    if (next.length > MAX) return next.slice(0, MAX)
    out = next
  }
  return out
}

type Row = Record<string, unknown>

export async function up(knex: Knex): Promise<void> {
  if ((knex as unknown as { printOnly?: boolean }).printOnly) return // crm migrate --print-sql: DDL only (this is a data fix)
  let after: string | null = null
  for (;;) {
    const q = knex('service_tickets as t').leftJoin('customers as c', 'c.id', 't.customer_id').select('t.id', 't.code', 't.summary', 't.request', 't.search_text', 'c.name as customer_name')
    if (after !== null) q.where('t.id', '>', after)
    const rows: Row[] = await q.orderBy('t.id').limit(CHUNK)
    if (!rows.length) return
    after = String(rows[rows.length - 1].id)
    const ids = rows.map((r) => r.id as string)
    const notes: Row[] = await knex('service_ticket_notes').whereIn('ticket_id', ids).where({ kind: 'handling' }).whereNull('deleted_at').orderBy('noted_at').select('ticket_id', 'content')
    const notesOf = new Map<string, string[]>()
    for (const n of notes) {
      const key = String(n.ticket_id).toLowerCase()
      notesOf.set(key, [...(notesOf.get(key) ?? []), String(n.content)])
    }
    for (const r of rows) {
      const text = ticketSearchText({
        code: String(r.code), customerName: String(r.customer_name ?? ''), summary: String(r.summary ?? ''), request: r.request == null ? null : String(r.request),
        notes: notesOf.get(String(r.id).toLowerCase()) ?? [],
      })
      if (text !== r.search_text) await knex('service_tickets').where({ id: r.id }).update({ search_text: text })
    }
  }
}

export async function down(): Promise<void> {
  // the pinyin stays in the texts: harmless for the search without it
}
