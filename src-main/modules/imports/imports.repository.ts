// 导入's own tables: import_batches (one per run) and import_mappings (saved column mappings).
import type { Knex } from 'knex'

export interface BatchRow {
  id: string
  entity: string
  user_id: string
  file_name: string
  status: string
  options: string | null
  total_rows: number
  imported: number
  updated: number
  skipped: number
  rejected: number
  similar: string | null
  first_version: unknown
  last_version: unknown
  error_file: string | null
  created_at: unknown
  finished_at: unknown
  undone_at: unknown
}

export const insertBatch = (db: Knex, row: Record<string, unknown>) => db('import_batches').insert(row)

export const updateBatch = (db: Knex, id: string, patch: Record<string, unknown>) => db('import_batches').where({ id }).update(patch)

export const findBatch = (db: Knex, id: string): Promise<BatchRow | undefined> => db('import_batches').where({ id }).first()

/** Batches left `running` by a process that ended (the app was closed during an import). */
export const runningBatches = (db: Knex): Promise<Array<{ id: string }>> => db('import_batches').where({ status: 'running' }).select('id')

export interface MappingRow {
  id: string
  user_id: string
  entity: string
  name: string
  mapping: string
  updated_at: unknown
}

export const mappingsOf = (db: Knex, userId: string, entity: string): Promise<MappingRow[]> =>
  db('import_mappings').where({ user_id: userId, entity }).orderBy('name').select()

export const findMappingByName = (db: Knex, userId: string, entity: string, name: string): Promise<MappingRow | undefined> =>
  db('import_mappings').where({ user_id: userId, entity, name }).first()

export const findMapping = (db: Knex, id: string): Promise<MappingRow | undefined> => db('import_mappings').where({ id }).first()

export const insertMapping = (db: Knex, row: Record<string, unknown>) => db('import_mappings').insert(row)

export const updateMapping = (db: Knex, id: string, patch: Record<string, unknown>) => db('import_mappings').where({ id }).update(patch)

export const deleteMapping = (db: Knex, id: string) => db('import_mappings').where({ id }).delete()
