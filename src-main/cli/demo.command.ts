// crm demo: fills a database with realistic customers and contacts for trials and
// performance work. Bulk inserts in chunks under the dialect's parameter limit, one
// transaction (and one sync version) per batch; codes continue the yearly sequence.
import type { Knex } from 'knex'
import type { AppContext } from '../modules/context'
import { analyzeTables, bulkCommit, insertRows } from '../db/dialect'
import { formatCode, newId } from '../db/ids'
import { customerKeyColumns, phoneKey } from '../db/name-keys'
import { nextVersion } from '../db/tx'
import { insertUser } from '../modules/auth/auth.service'
import { findUserByLogin } from '../modules/auth/auth.repository'
import { buildContactSearchText, buildCustomerSearchText } from '../modules/customers/customers.search'
import { birthdayMonthDay } from '../modules/contacts/contacts.service'
import { Option, type Command } from 'commander'
import { CliError, intArg, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import { demoContact, demoCustomer, featuredCustomer, makeRng, type Rng } from './demo-data'
import { restoreSuspended, sqliteLoadMemory, suspendIndexes, takenNames } from './demo-bulk'
import { prepareHistory } from './demo-history'
import { demoOpportunities } from './demo-opportunities'
import { demoServices } from './demo-services'
import { fillRetention } from './demo-retention'
import { fillOrders } from './demo-orders'
import type { Out } from './output'
import { teamByName } from './user.command'
import { seedRoles } from '../../db/seeds/roles'

export const DEMO_PASSWORD = 'demo12345'
/** a built-in role's Chinese name (销售主管 …), as the seed names it */
const roleName = (code: string) => seedRoles.find((r) => r.code === code)?.name ?? code
const BATCH = 2000
const DAY = 86_400_000

type DictItems = Map<string, Array<{ id: string; label: string }>>

const DEMO_TEAMS = ['华南销售部', '华东销售部']
const DEMO_USERS: Array<{ login: string; name: string; role: string; team: number }> = [
  { login: 'zhuguan', name: '周主管', role: 'supervisor', team: 0 },
  { login: 'jingli1', name: '李经理', role: 'manager', team: 0 },
  { login: 'jingli2', name: '王经理', role: 'manager', team: 0 },
  { login: 'jingli3', name: '张经理', role: 'manager', team: 1 },
  { login: 'jingli4', name: '陈经理', role: 'manager', team: 1 },
]

async function managerIds(k: Knex): Promise<string[]> {
  const rows = await k('users as u')
    .join('roles as r', 'r.id', 'u.role_id')
    .where('r.code', 'manager')
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
    .orderBy('u.login')
    .select('u.id')
  return rows.map((r: { id: string }) => r.id)
}

/** The account managers who will own the customers; demo users when there are none. */
async function ensureOwners(app: AppContext, out: Out): Promise<string[]> {
  const existing = await managerIds(app.db.knex)
  if (existing.length) {
    out.log(`demo users: none created, the customers go to the ${existing.length} existing account manager(s)`)
    return existing
  }
  await app.db.knex.transaction(async (trx) => {
    const teams = [await teamByName(app, trx, DEMO_TEAMS[0]), await teamByName(app, trx, DEMO_TEAMS[1])]
    for (const u of DEMO_USERS) {
      if (await findUserByLogin(trx, u.login)) continue
      const role = await trx('roles').where({ code: u.role }).first('id')
      if (!role) throw new CliError(`role ${u.role} does not exist in this database`)
      await insertUser(app, trx, { login: u.login, name: u.name, password: DEMO_PASSWORD, roleId: role.id, teamId: teams[u.team] })
    }
  })
  out.log(`demo users created: ${DEMO_USERS.map((u) => `${u.login} (${u.name})`).join(', ')}, password ${DEMO_PASSWORD}; teams ${DEMO_TEAMS.join('、')}`)
  const created = await managerIds(app.db.knex)
  if (!created.length) throw new CliError('no account manager could be created')
  return created
}

async function loadDictionary(k: Knex): Promise<DictItems> {
  const rows = await k('dict_items').whereNull('deleted_at').where('enabled', true).orderBy(['type_code', 'sort_order']).select('id', 'type_code', 'label')
  const m: DictItems = new Map()
  for (const r of rows) {
    if (!m.has(r.type_code)) m.set(r.type_code, [])
    m.get(r.type_code)!.push({ id: r.id, label: r.label })
  }
  return m
}

function dictPicker(dict: DictItems, r: Rng) {
  return (type: string, label?: string, weights?: Record<string, number>): string | null => {
    const items = dict.get(type)
    if (!items?.length) return null
    if (label) {
      const hit = items.find((i) => i.label === label)
      if (hit) return hit.id
    }
    if (weights) {
      const total = items.reduce((s, i) => s + (weights[i.label] ?? 1), 0)
      let x = r.next() * total
      for (const i of items) if ((x -= weights[i.label] ?? 1) < 0) return i.id
    }
    return r.pick(items).id
  }
}

/** Reserves `count` customer numbers of `year` and returns the first one. */
async function reserveCodes(k: Knex, year: number, count: number): Promise<number> {
  const name = `customer:${year}`
  return k.transaction(async (trx) => {
    const row = await trx('code_sequences').where({ name }).first('value')
    const start = Number(row?.value ?? 0) + 1
    if (row) await trx('code_sequences').where({ name }).increment('value', count)
    else await trx('code_sequences').insert({ name, value: count })
    return start
  })
}

interface DemoOpts extends DbOpts {
  customers?: number
  seed?: number
  bulk?: boolean
}

/** From this many customers on, the demo loads in bulk (indexes built after the load) unless told otherwise. */
export const BULK_FROM = 100_000
/** the tables the customer phase fills */
const CUSTOMER_TABLES = ['customers', 'contacts', 'interactions', 'interaction_promises', 'reminders']

export function registerDemo(program: Command, out: Out) {
  withDbOptions(program.command('demo'))
    .summary('add realistic demo data (and demo users when there are none)')
    .description(`Add realistic demo customers and contacts, and the demo users when there are none:
${DEMO_USERS.map((u) => `  ${u.login.padEnd(8)} ${u.name}  ${roleName(u.role)} (${u.role})`).join('\n')}
  all with the password ${DEMO_PASSWORD}, in the teams ${DEMO_TEAMS.join('、')}.
The customers get two years of follow-up history: 交往记录, promises, follow-ups and to-dos.
Without --data / --db it writes to the desktop app's data folder (or CRM_DATA_DIR).`)
    .addOption(new Option('--customers <n>', 'how many customers').argParser(intArg('customers', 1, 1_000_000)))
    .addOption(new Option('--seed <s>', 'random seed (same seed, same data)').argParser(intArg('seed', 0, 2 ** 32 - 1)))
    .addOption(new Option('--bulk', `load in bulk: drop the filled tables' indexes, load, build them again (default from ${BULK_FROM.toLocaleString('en')} customers; not on SQL Server)`))
    .addOption(new Option('--no-bulk', 'keep every index while loading'))
    .action((o: DemoOpts) => demo(o, out))
}

async function demo(p: DemoOpts, out: Out): Promise<void> {
  const count = p.customers
  if (count === undefined) throw new CliError('missing --customers')
  const seed = p.seed ?? Math.floor(Math.random() * 2 ** 31)

  const app = await openCliApp(await cliDbConfig(p))
  // Ctrl-C (or SIGTERM) stops a long load at the end of its batch and finishes what was made
  // (indexes rebuilt, orders for the customers made); a second one quits at once
  const stop: StopFlag = { requested: false }
  const onSignal = () => {
    if (stop.requested) process.exit(130)
    stop.requested = true
    out.log('demo: stopping after this batch and finishing the customers made so far (again to quit at once; the next crm demo then rebuilds the indexes)')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    // indexes an interrupted bulk load left dropped come back first
    await restoreSuspended(app.db.knex, app.db.dialect, out)
    await fill(app, count, seed, out, (p.bulk ?? count >= BULK_FROM) && app.db.dialect !== 'mssql', stop)
    await fillRetention(app, seed, out)
    const cpu = process.cpuUsage()
    out.log(`demo: peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await app.db.knex.destroy()
  }
}

/** Set when the user asks a long load to stop at the end of its batch. */
export interface StopFlag {
  requested: boolean
}

async function fill(app: AppContext, wanted: number, seed: number, out: Out, bulk: boolean, stop: StopFlag) {
  const k = app.db.knex
  const started = Date.now()
  const r = makeRng(seed)
  const owners = await ensureOwners(app, out)
  const pick = dictPicker(await loadDictionary(k), r)
  // the names in use: a bit per possible generated name, not a string per customer
  const taken = await takenNames(k)
  const now = app.clock.now()
  const year = now.getUTCFullYear()
  const firstNo = await reserveCodes(k, year, wanted)
  let count = wanted
  // two years of follow-up history per customer, from its own seeded stream
  const history = await prepareHistory(app, seed)

  let contactsTotal = 0
  const totals = { interactions: 0, promises: 0, reminders: 0 }
  if (bulk) {
    if (app.db.dialect === 'sqlite') await sqliteLoadMemory(k)
    const dropped = await suspendIndexes(k, app.db.dialect, CUSTOMER_TABLES)
    out.log(`demo: bulk load, ${dropped} indexes and triggers of ${CUSTOMER_TABLES.join(', ')} dropped until the load is done`)
  }
  try {
  for (let done = 0; done < count; ) {
    const n = Math.min(BATCH, count - done)
    const customers: Record<string, unknown>[] = []
    const contacts: Record<string, unknown>[] = []
    for (let i = 0; i < n; i++) {
      // the README's pinyin example (gzry) first, unless the database has it already
      const c = (done === 0 && i === 0 && featuredCustomer(taken)) || demoCustomer(r, taken)
      const id = newId()
      const code = formatCode('KH', year, firstNo + done + i)
      const ownerId = r.pick(owners)
      const created = new Date(now.getTime() - r.int(1, 730) * DAY - r.int(0, DAY - 1))
      const updated = new Date(created.getTime() + r.next() * (now.getTime() - created.getTime()))
      const stamp = { created_at: created.toISOString(), updated_at: updated.toISOString() }
      const people = Array.from({ length: r.int(1, 3) }, (_, j) => demoContact(r, c, j))
      const contactRows: Record<string, unknown>[] = []
      for (const [j, ct] of people.entries()) {
        contactRows.push({
          id: newId(), ...stamp, version: 0, owner_id: ownerId, customer_id: id,
          name: ct.name, gender: ct.gender, title: ct.title, department: ct.department, mobile: ct.mobile, mobile_key: phoneKey(ct.mobile) ?? '',
          office_phone: ct.officePhone, home_phone: null, email: ct.email, wechat: ct.wechat,
          birthday: ct.birthday, birthday_md: birthdayMonthDay(ct.birthday), birthday_calendar: ct.birthdayCalendar, birthday_leap_month: false,
          hometown: ct.hometown, education: ct.education, hobbies: ct.hobbies, family_notes: null,
          buying_role: ct.buyingRole, friendliness: ct.friendliness, best_call_time: ct.bestCallTime,
          is_primary: j === 0, notes: null, search_text: buildContactSearchText({ name: ct.name, mobile: ct.mobile }),
        })
      }
      contacts.push(...contactRows)
      const customer: Record<string, unknown> = {
        id, ...stamp, version: 0, owner_id: ownerId, code, name: c.name, short_name: c.shortName, customer_type: 'company',
        region_id: pick('region', c.regionLabel),
        nature_id: pick('nature', undefined, { 私营或个体户: 6, 国有企业: 1.5, 中外合资: 1, 外商独资: 0.8 }),
        source_id: pick('source'),
        category_id: pick('category', undefined, { 现有终端客户: 5, 潜在终端客户: 4, 现有代理: 1.5, 潜在代理: 1.5, 流失终端客户: 0.5, 流失代理: 0.3 }),
        industry_id: pick('industry', c.industryLabel),
        size_id: pick('size', c.sizeLabel),
        position_id: pick('position', undefined, { 领导者: 1, 较有影响: 3, 影响一般: 5, 没有影响力: 2 }),
        settlement_id: pick('settlement'),
        contact_policy_id: pick('contact_policy'),
        purchase_policy_id: pick('purchase_policy', undefined, { 每月采购: 0.5, 每季度采购: 2, 每半年采购: 3, 每年采购: 4 }),
        level_id: pick('level', undefined, { 核心客户: 1, 重要客户: 3, 普通客户: 6 }),
        years_in_business: c.yearsInBusiness, credit_rating: c.creditRating, employees: c.employees, wants_agent: null,
        country: '中国', province: c.province, city: c.city, address: c.address, postcode: c.postcode,
        phone: c.phone, phone2: c.phone2, fax: c.fax, email: c.email, email2: null, website: c.website,
        main_products: c.mainProducts, legal_rep: c.legalRep,
        registered_capital_cents: c.registeredCapitalCents, annual_revenue_cents: c.annualRevenueCents,
        bank: c.bank, bank_account: c.bankAccount, tax_id: c.taxId, status: 'normal', tags: null, notes: c.notes,
        order_count: 0, order_total_cents: 0, owner_since: stamp.created_at,
        // 查重 keys and the 拼音顺序 sort key, as the customers service writes them
        ...customerKeyColumns({ name: c.name, taxId: c.taxId, phone: c.phone, phone2: c.phone2 }),
        search_text: buildCustomerSearchText(
          { name: c.name, shortName: c.shortName, code, phone: c.phone, phone2: c.phone2 },
          people.map((ct) => ({ name: ct.name, mobile: ct.mobile })),
        ),
      }
      history.of(customer, contactRows) // sets last_contact_at / next_contact_at
      customers.push(customer)
    }
    await k.transaction(async (trx) => {
      await bulkCommit(trx, app.db.dialect)
      const version = await nextVersion(trx)
      for (const row of customers) row.version = version
      for (const row of contacts) row.version = version
      const h = history.take(version)
      await insertRows(trx, app.db.dialect, 'customers', customers)
      await insertRows(trx, app.db.dialect, 'contacts', contacts)
      await insertRows(trx, app.db.dialect, 'interactions', h.interactions)
      await insertRows(trx, app.db.dialect, 'interaction_promises', h.promises)
      await insertRows(trx, app.db.dialect, 'reminders', h.reminders)
      totals.interactions += h.interactions.length
      totals.promises += h.promises.length
      totals.reminders += h.reminders.length
    })
    done += n
    contactsTotal += contacts.length
    out.progress(`demo: ${done}/${count} customers, ${contactsTotal} contacts, ${totals.interactions} records`)
    // a turn of the event loop (SQLite's driver answers synchronously: without it a signal is never handled)
    await new Promise((resolve) => setImmediate(resolve))
    if (stop.requested && done < count) {
      out.log(`demo: stopped at ${done} of ${wanted} customers`)
      count = done
    }
  }
  } finally {
    if (bulk) await restoreSuspended(k, app.db.dialect, out)
  }
  // the customers made get their orders; a Ctrl-C from here on stops those
  stop.requested = false
  await demoServices(app, r, count, out)
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  out.log(
    `created ${count} customers and ${contactsTotal} contacts with ${totals.interactions} 交往记录, ${totals.promises} promises and ` +
      `${totals.reminders} reminders over two years in ${seconds}s (seed ${seed})`,
  )
  // a fifth of the customers, at most 20,000 (the opportunities list's own scale; it picks old customers among 20,000 too)
  await demoOpportunities(app, { count: Math.min(20_000, Math.max(60, Math.round(count / 5))), seed }, out)
  await fillOrders(app, r, out, { bulk, stop })
  // fresh planner statistics for the tables just filled: PostgreSQL's autovacuum comes later, and
  // until then the first queries (the first reminder evaluation, the lists) are planned as if empty
  await analyzeTables(k, app.db.dialect, ['customers', 'contacts', 'opportunities', 'plan_steps'])
}
