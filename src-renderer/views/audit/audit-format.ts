// 操作日志 in words — ONE renderer for the admin log (views/admin/AuditView.vue) and the customer
// card's history (views/customers/AuditTimeline.vue): field names in the UI language, and each
// value as people read it — dictionary ids as labels, owners and contacts by name (the server
// sends the names of the ids in an entry: entry.names), 正常 not `normal`, 单位 not `company`,
// 公历 not `solar`, an empty list as（空）not `[]`, money from cents, times in local time.
import { useI18n } from 'vue-i18n'
import type { AuditEntry } from '@contract/audit'
import { fieldLabel as commonFieldLabel } from '../../api/errors'
import { formatDateTime, formatMoney } from '../../components/format'
import { useDictionaryStore } from '../../stores/dictionary'
import { useRolesStore } from '../../stores/roles'
import { useUsersStore } from '../../stores/users'

type Entity = AuditEntry['entity']

const MONEY = new Set(['registeredCapitalCents', 'annualRevenueCents', 'orderTotalCents'])
const STARS = new Set(['creditRating', 'friendliness'])
const TIMES = new Set(['createdAt', 'updatedAt', 'deletedAt', 'lastContactAt', 'nextContactAt', 'occurredAt', 'nextFollowUpAt', 'keptAt', 'lockedUntil', 'passwordChangedAt'])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** enum values shown through a locale namespace: field → key prefix */
const ENUMS: Record<string, string> = {
  status: 'customers.status',
  // the churn check's warning entry carries its customer's status change (正常 → 流失预警)
  customerStatus: 'customers.status',
  customerType: 'customers.type',
  gender: 'contacts.gender',
  buyingRole: 'contacts.buyingRole',
  birthdayCalendar: 'contacts.calendar',
  kind: 'interactions.kinds',
}
/** where each entity's field labels live */
const FIELD_NS: Partial<Record<Entity, string>> = {
  customer: 'customers', contact: 'contacts', interaction: 'interactions', opportunity: 'opportunities', plan_step: 'opportunities',
  service_ticket: 'services', requirement: 'requirements', churn_warning: 'churn', competitor: 'competitors',
  order: 'orders', payment: 'orders', payment_plan: 'orders',
}
/** longer values are cut in the list (the whole value in the tooltip) */
export const LONG_TEXT = 80

export const isBlank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

export interface ChangeLine {
  field: string
  label: string
  from: string
  to: string
  fullFrom: string
  fullTo: string
  fromBlank: boolean
  /** shown as old → new: an update's change, or the change a new record made to another (a new 流失预警's customer 正常 → 流失预警) */
  transition: boolean
}

export function useAuditFormat() {
  const { t, te } = useI18n()
  const dict = useDictionaryStore()
  const users = useUsersStore()
  const roles = useRolesStore()
  const has = (key: string) => te(key) || te(key, 'zh-CN')

  /** A user entry's role is recorded by its code: the role's current name, else the built-in role's. */
  function roleByCode(code: string): string {
    const role = roles.items.find((r) => r.code === code)
    if (role) return roles.roleName(role)
    return has(`roleCodes.${code}`) ? t(`roleCodes.${code}`) : code
  }

  /** The name behind an id: a dictionary item (in the UI language), role, team or user known here, else the server's. */
  function nameOf(e: AuditEntry, id: string): string | undefined {
    if (dict.item(id)) return dict.label(id)
    const role = roles.items.find((r) => r.id === id)
    if (role) return roles.roleName(role)
    const team = users.teams.find((x) => x.id === id)
    if (team) return team.name
    return users.optionName(id) || e.names[id.toLowerCase()] || undefined
  }

  function valueText(e: AuditEntry, field: string, v: unknown): string {
    if (isBlank(v)) return t('audit.blank')
    if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no')
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' && UUID.test(x) ? (nameOf(e, x) ?? x) : String(x))).join('、')
    if (e.entity === 'user' && field === 'role' && typeof v === 'string') return roleByCode(v)
    // a 公海 move: released, reclaimed by the rules, claimed or assigned
    if (e.entity === 'customer' && field === 'pool' && has(`pool.moves.${v}`)) return t(`pool.moves.${v}`)
    if (e.entity === 'service_ticket') {
      // a ticket's status, urgency and quote status in words; its quote from cents
      for (const [f, ns] of [['status', 'statuses'], ['urgency', 'urgency'], ['quoteStatus', 'quoteStatus']]) if (field === f && has(`services.${ns}.${v}`)) return t(`services.${ns}.${v}`)
      if (field === 'quoteCents' && typeof v === 'number') return formatMoney(v)
    }
    if (e.entity === 'requirement' || e.entity === 'churn_warning') {
      const ns = e.entity === 'requirement' ? 'requirements.statuses' : 'churn.statuses'
      if (field === 'status' && has(`${ns}.${v}`)) return t(`${ns}.${v}`)
      if (field === 'priority' && has(`requirements.priorities.${v}`)) return t(`requirements.priorities.${v}`)
    }
    if (e.entity === 'order' || e.entity === 'payment' || e.entity === 'payment_plan') {
      // an order's status in words; amounts from cents
      if (field === 'status' && has(`orders.status.${v}`)) return t(`orders.status.${v}`)
      if (field.endsWith('Cents') && typeof v === 'number') return formatMoney(v)
    }
    if (typeof v === 'string' && ENUMS[field] && has(`${ENUMS[field]}.${v}`)) return t(`${ENUMS[field]}.${v}`)
    if (MONEY.has(field) && typeof v === 'number') return formatMoney(v)
    if (STARS.has(field) && typeof v === 'number') return t('customers.stars', { n: v })
    if (TIMES.has(field) && typeof v === 'string') return formatDateTime(v)
    if (field === 'workHour' && typeof v === 'number') return `${String(v).padStart(2, '0')}:00`
    if (typeof v === 'string' && UUID.test(v)) return nameOf(e, v) ?? `#${v.slice(0, 8)}`
    if (typeof v === 'object') return JSON.stringify(v)
    return String(v)
  }

  function fieldLabel(entity: Entity, field: string): string {
    return commonFieldLabel(field, t, (f) => {
      // a role's changes are keyed by permission module
      const keys = entity === 'role' ? [`perm.modules.${f}`, `fields.${f}`] : [`${FIELD_NS[entity] ?? `${entity}s`}.fields.${f}`, `admin.${entity}s.fields.${f}`, `fields.${f}`]
      for (const k of keys) if (has(k)) return t(k)
      return undefined
    })
  }

  const cut = (s: string) => (s.length > LONG_TEXT ? `${s.slice(0, LONG_TEXT)}…` : s)

  /** The changed fields in words; a new or deleted record lists only the values it had. */
  function linesOf(e: AuditEntry): ChangeLine[] {
    const entries = Object.entries(e.changes)
      // older user entries recorded the role twice (roleId and role): shown once
      .filter(([field]) => !(e.entity === 'user' && field === 'roleId' && 'role' in e.changes))
      .filter(([, [a, b]]) => e.action === 'update' || !isBlank(e.action === 'create' ? b : a))
    return entries.map(([field, [a, b]]) => {
      const fullFrom = valueText(e, field, a)
      const fullTo = valueText(e, field, b)
      const transition = e.action === 'update' || (e.action === 'create' && !isBlank(a))
      return { field, label: fieldLabel(e.entity, field), from: cut(fullFrom), to: cut(fullTo), fullFrom, fullTo, fromBlank: isBlank(a), transition }
    })
  }

  /** The record an entry is about, by name (客户 "编号 名称", 联系人, 交往记录 概要 …); the id's start when unknown. */
  function subjectOf(e: AuditEntry): string {
    if (e.subject) return e.subject
    const named = e.changes.name ?? e.changes.subject ?? e.changes.label
    const n = named ? (named[1] ?? named[0]) : null
    return typeof n === 'string' && n ? n : `#${e.entityId.slice(0, 8)}`
  }

  return { valueText, fieldLabel, linesOf, subjectOf, isBlank }
}
