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
import { Option, type Command } from 'commander'
import { CliError, oneOf, required, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'
import { readPassword } from './read-password'

const ROLES = ['admin', 'supervisor', 'manager', 'agent', 'executive'] as const

interface UserAddOpts extends DbOpts {
  login?: string
  name?: string
  role?: string
  team?: string
}

export function registerUser(program: Command, out: Out) {
  const user = program
    .command('user')
    .summary('manage users')
    .description('Manage users.')
    .action(() => {
      throw new CliError('missing user command (expected: user add; see crm user --help)')
    })
  withDbOptions(user.command('add'))
    .summary('create a user (password from CRM_PASSWORD or standard input)')
    .description('Create a user. The password comes from CRM_PASSWORD or standard input, never from an argument.\nRoles: admin 系统管理员, supervisor 销售主管, manager 客户经理, agent 客服专员, executive 高管.')
    .option('--login <login>', 'login name (2–64 letters, digits and _ . @ -)')
    .option('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role code').argParser(oneOf('role', ROLES)))
    .option('--team <team>', 'team name (created when missing)')
    .action((o: UserAddOpts) => userAdd(o, out))
}

/** The id of the team called `name`, created when there is none. */
export async function teamByName(app: AppContext, trx: Knex, name: string): Promise<string> {
  const found = await trx('teams').where({ name }).whereNull('deleted_at').first('id')
  if (found) return found.id
  const id = newId()
  const now = app.clock.now().toISOString()
  await trx('teams').insert({ id, name, leader_id: null, created_at: now, updated_at: now, version: await nextVersion(trx as Knex.Transaction) })
  return id
}

async function userAdd(p: UserAddOpts, out: Out): Promise<void> {
  const login = Login.safeParse(required(p.login, 'login'))
  if (!login.success) throw new CliError('--login may hold 2–64 letters, digits and _ . @ -')
  const name = required(p.name, 'name').trim()
  if (name.length > 100) throw new CliError('--name is longer than 100 characters')
  const role = required(p.role, 'role')
  const team = p.team?.trim()
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
