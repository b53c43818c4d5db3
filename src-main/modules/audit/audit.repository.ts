import type { Knex } from 'knex'

export interface AuditRow {
  id: string
  entity: string
  entity_id: string
  parent_id: string | null
  action: string
  changes: string | null
  user_id: string | null
  user_name: string | null
  at: unknown
}

export const insertAudit = (db: Knex, row: AuditRow) => db('audit_log').insert(row)

export async function pageAudit(db: Knex, where: (q: Knex.QueryBuilder) => void, page: number, pageSize: number) {
  const base = db('audit_log').where(where)
  const [{ n }] = await base.clone().count({ n: '*' })
  const rows: AuditRow[] = await base.clone().select('*').orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(pageSize).offset((page - 1) * pageSize)
  return { rows, total: Number(n) }
}
