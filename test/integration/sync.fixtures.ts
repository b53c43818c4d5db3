// Offline sync test world: a real central database (SQLite file or PostgreSQL) with two teams of
// reps, and desktop clients as real SQLite caches in temp folders, synced in-process against the
// central AppContext (the connection the desktop app would use).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SyncClient, type SyncHooks } from '../../src-main/modules/sync/sync.client'
import { AdjustableClock } from '../../src-main/db/clock'
import type { TestApp } from '../helpers/test-app'

export interface Rep {
  key: string
  userId: string
  login: string
}

export interface SyncWorld {
  teamA: string
  teamB: string
  admin: Rep
  repA: Rep
  repB: Rep
  supA: Rep
  channel: string
}

export async function makeSyncWorld(t: TestApp, tag: string): Promise<SyncWorld> {
  const teamA = await t.teamId(`同步甲组${tag}`)
  const teamB = await t.teamId(`同步乙组${tag}`)
  const rep = async (login: string, role: string, teamId: string | null, name: string): Promise<Rep> => ({ ...(await t.userSession(login, role, { teamId, name })), login })
  const channel = (await t.app.db.knex('dict_items').where({ type_code: 'interaction_channel', label: '电话' }).first('id')).id
  return {
    teamA,
    teamB,
    admin: await rep(`sadmin${tag}`, 'admin', null, '管理员'),
    repA: await rep(`srepa${tag}`, 'manager', teamA, '业务员甲'),
    repB: await rep(`srepb${tag}`, 'manager', teamB, '业务员乙'),
    supA: await rep(`ssupa${tag}`, 'supervisor', teamA, '主管甲'),
    channel,
  }
}

const dirs: string[] = []

/** A desktop client with its own cache folder and clock. */
export async function openClient(clock = new AdjustableClock()): Promise<SyncClient> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sync-client-'))
  dirs.push(dir)
  return SyncClient.open(dir, { clock })
}

export function removeClientDirs() {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
}

/** A hook that throws once at the n-th call (a crash or a timeout at that point). */
export function crashAt(n = 1, message = 'simulated crash') {
  let calls = 0
  return () => {
    calls++
    if (calls === n) throw new Error(message)
  }
}

export type { SyncHooks }
