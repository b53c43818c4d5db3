// Shared set-up for the customers / contacts / dictionary / permission suites:
// seeded dictionary lookups, a small staff in two teams, and error-envelope helpers.
import { expect } from 'vitest'
import type { ApiError, ApiResult } from '../../src-main/contract/common'
import type { TestApp } from '../helpers/test-app'

export async function dictId(t: TestApp, typeCode: string, label: string): Promise<string> {
  const row = await t.app.db.knex('dict_items').where({ type_code: typeCode, label }).whereNull('deleted_at').first('id')
  if (!row) throw new Error(`no dict item ${typeCode}/${label}`)
  return row.id
}

export interface Who {
  key: string
  userId: string
}
export interface Staff {
  teamA: string
  teamB: string
  admin: Who
  supA: Who
  mgrA1: Who
  mgrA2: Who
  supB: Who
  mgrB: Who
  agent: Who
  exec: Who
}

export async function makeStaff(t: TestApp): Promise<Staff> {
  const teamA = await t.teamId('华南一组')
  const teamB = await t.teamId('华东二组')
  return {
    teamA,
    teamB,
    admin: await t.userSession('admin1', 'admin', { name: '管理员' }),
    supA: await t.userSession('supa', 'supervisor', { teamId: teamA, name: '主管甲' }),
    mgrA1: await t.userSession('mgra1', 'manager', { teamId: teamA, name: '经理甲一' }),
    mgrA2: await t.userSession('mgra2', 'manager', { teamId: teamA, name: '经理甲二' }),
    supB: await t.userSession('supb', 'supervisor', { teamId: teamB, name: '主管乙' }),
    mgrB: await t.userSession('mgrb', 'manager', { teamId: teamB, name: '经理乙' }),
    agent: await t.userSession('agent1', 'agent', { name: '客服' }),
    exec: await t.userSession('exec1', 'executive', { name: '高管' }),
  }
}

/** The error of a failed call (fails the test when the call succeeded). */
export function errorOf(r: ApiResult<unknown>): ApiError {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.data).slice(0, 200)}`)
  return r.error
}

export function expectCode(r: ApiResult<unknown>, ...codes: ApiError['code'][]): ApiError {
  const e = errorOf(r)
  expect(codes).toContain(e.code)
  return e
}

export function expectFieldIssue(r: ApiResult<unknown>, field: string, code: string) {
  const e = expectCode(r, 'validation')
  expect(e.issues?.map((i) => [i.field, i.code])).toContainEqual([field, code])
  return e
}

export interface AuditRowT {
  id: string
  entity: string
  entity_id: string
  parent_id: string | null
  action: 'create' | 'update' | 'delete'
  user_id: string | null
  user_name: string | null
  at: string
  changes: Record<string, [unknown, unknown]>
}

/** Audit entries of one entity, oldest first (same instant: create, update, delete). */
export async function auditRows(t: TestApp, entity: string, entityId: string): Promise<AuditRowT[]> {
  const rank: Record<string, number> = { create: 0, update: 1, delete: 2 }
  const rows: Array<Record<string, unknown>> = await t.app.db.knex('audit_log').where({ entity, entity_id: entityId }).select('*')
  const out = rows.map((r) => ({ ...r, at: String(r.at), changes: JSON.parse(String(r.changes ?? '{}')) }) as AuditRowT)
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : rank[a.action] - rank[b.action]))
}

export const syncVersion = async (t: TestApp) => Number((await t.app.db.knex('sync_version').where({ id: 1 }).first('version')).version)
