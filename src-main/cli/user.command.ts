// crm user add: create a user from the command line (first administrator on a server,
// scripted provisioning). The password comes from CRM_PASSWORD or standard input, never
// from an argument, so it does not end up in shell history or the process list.
import type { Knex } from 'knex'
import type { Actor, AppContext } from '../modules/context'
import { Login, Password } from '../contract/auth'
import { newId } from '../db/ids'
import { nextVersion } from '../db/tx'
import { AppError } from '../shared/errors'
import { insertUser } from '../modules/auth/auth.service'
import { findRoleByCode } from '../modules/auth/auth.repository'
import { diff, recordAudit } from '../modules/audit/audit.service'
import { CliError, noPositionals, parseArgs, requireOpt } from './cli-args'
import { cliDbConfig, DB_OPTIONS, openCliApp } from './cli-db'
import type { Out } from './output'
import { readPassword } from './read-password'

export const userUsage = 'crm user add --login L --name N --role admin|supervisor|manager|agent|executive [--team T] [--data DIR] [--db URL]'
const ROLES = ['admin', 'supervisor', 'manager', 'agent', 'executive']

/** The id of the team called `name`, created when there is none. */
export async function teamByName(app: AppContext, trx: Knex, name: string): Promise<string> {
  const found = await trx('teams').where({ name }).whereNull('deleted_at').first('id')
  if (found) return found.id
  const id = newId()
  const now = app.clock.now().toISOString()
  await trx('teams').insert({ id, name, leader_id: null, created_at: now, updated_at: now, version: await nextVersion(trx as Knex.Transaction) })
  return id
}

export async function userCommand(argv: string[], out: Out): Promise<void> {
  const p = parseArgs(argv, { strings: [...DB_OPTIONS, 'login', 'name', 'role', 'team'] })
  if (p.flags.help) return out.log(userUsage)
  const [sub, ...rest] = p.positionals
  if (sub !== 'add') throw new CliError(sub ? `unknown user command: ${sub} (expected: user add)` : 'missing user command (expected: user add)')
  noPositionals({ ...p, positionals: rest }, 'user add')

  const login = Login.safeParse(requireOpt(p, 'login'))
  if (!login.success) throw new CliError('--login may hold 2–64 letters, digits and _ . @ -')
  const name = requireOpt(p, 'name').trim()
  if (name.length > 100) throw new CliError('--name is longer than 100 characters')
  const role = requireOpt(p, 'role')
  if (!ROLES.includes(role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}`)
  const team = p.opts.team?.trim()
  if (team !== undefined && (!team || team.length > 100)) throw new CliError('--team must be 1–100 characters')

  const password = await readPassword()
  if (!Password.safeParse(password).success) throw new CliError('the password must be 8–128 characters')

  const app = await openCliApp(await cliDbConfig(p))
  try {
    await app.db.knex.transaction(async (trx) => {
      const r = await findRoleByCode(trx, role)
      if (!r) throw new CliError(`role ${role} does not exist in this database`)
      const teamId = team ? await teamByName(app, trx, team) : null
      const userId = await insertUser(app, trx, { login: login.data, name, password, roleId: r.id, teamId })
      // like the admin screen's create, without a logged-in actor (as the first-run setup)
      await recordAudit(trx, { actor: null as unknown as Actor, clock: app.clock }, {
        entity: 'user',
        entityId: userId,
        action: 'create',
        changes: diff(null, { login: login.data, name, role, teamId }),
      })
    })
  } catch (e) {
    if (e instanceof AppError) throw new CliError(e.message)
    throw e
  } finally {
    await app.db.knex.destroy()
  }
  out.log(`created user ${login.data} (${role}${team ? `, team ${team}` : ''}) in ${app.dbDescription}`)
}
