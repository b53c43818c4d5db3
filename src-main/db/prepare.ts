// Migrates a central database and seeds what every database starts with: the sync_version
// row, the default roles and the data dictionary. Used by openApp, the connection settings
// (执行迁移) and `crm migrate`.
import type { Knex } from 'knex'
import type { Db } from './connection'
import { migrateLatest } from './migrate'
import { systemClock, type Clock } from './clock'
import { newId } from './ids'
import { seedRoles } from '../../db/seeds/roles'
import { seedDictionary } from '../../db/seeds/dictionary'
import { checkSnapshotIsolation } from './snapshot-isolation'
import { SQLITE_NAMED_INDEXES } from './dialect'

export async function seedDefaults(knex: Knex, clock: Clock = systemClock): Promise<void> {
  const now = clock.now().toISOString()
  await knex.transaction(async (trx) => {
    if (!(await trx('sync_version').where({ id: 1 }).first())) {
      await trx('sync_version').insert({ id: 1, version: 0, epoch_id: newId(), tombstone_floor: 0 })
    }
    for (const r of seedRoles) {
      if (await trx('roles').where({ code: r.code }).first()) continue
      const id = newId()
      await trx('roles').insert({ id, code: r.code, name: r.name, name_en: r.nameEn, description: r.description, is_system: true, created_at: now, updated_at: now, version: 0 })
      const perms = Object.entries(r.permissions).map(([module, p]) => ({ id: newId(), role_id: id, module, actions: p!.actions.join(','), scope: p!.scope }))
      if (perms.length) await trx('role_permissions').insert(perms)
    }
    let typeOrder = 0
    for (const t of seedDictionary) {
      typeOrder += 10
      if (await trx('dict_types').where({ code: t.code }).first()) continue
      await trx('dict_types').insert({ code: t.code, name: t.name, name_en: t.nameEn, has_cycle: !!t.hasCycle, sort_order: typeOrder })
      await trx('dict_items').insert(
        t.items.map(([label, labelEn, cycle, probability], i) => ({
          id: newId(), type_code: t.code, label, label_en: labelEn, sort_order: (i + 1) * 10, enabled: true,
          cycle_days: cycle ?? null, probability: probability ?? null, created_at: now, updated_at: now, version: 0,
        })),
      )
    }
  })
}

/**
 * SQLite reads that name an index (INDEXED BY, SQLITE_NAMED_INDEXES in db/dialect.ts) fail while
 * it is missing; an interrupted `crm demo` bulk load leaves the indexes it dropped missing (their
 * definitions in bulk_load_suspended) until the next `crm demo`. The named ones are built again
 * here, at start-up, and leave bulk_load_suspended (the next `crm demo` restores the rest). A
 * no-op in every other state: one read of bulk_load_suspended. Answers the names rebuilt.
 */
export async function repairNamedIndexes(knex: Knex): Promise<string[]> {
  const rows: Array<{ name: string; definition: string }> = await knex('bulk_load_suspended')
    .where({ kind: 'index' })
    .whereIn('name', [...SQLITE_NAMED_INDEXES])
    .orderBy('seq')
    .select('name', 'definition')
  for (const r of rows) {
    await knex.transaction(async (trx) => {
      await trx.raw(r.definition)
      await trx('bulk_load_suspended').where({ name: r.name }).delete()
    })
  }
  return rows.map((r) => r.name)
}

export async function prepareDb(db: Db, clock: Clock = systemClock): Promise<void> {
  await migrateLatest(db)
  await seedDefaults(db.knex, clock)
  if (db.dialect === 'sqlite') await repairNamedIndexes(db.knex)
  if (db.dialect === 'mssql') await checkSnapshotIsolation(db.knex)
}
