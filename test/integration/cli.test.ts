// The `crm` command line as a user runs it: a real process over a temp data folder.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import knexFactory from 'knex'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app/bootstrap'
import { login } from '../../src-main/modules/auth/auth.service'
import { buildCustomerSearchText } from '../../src-main/modules/customers/customers.search'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { keyId } from '../../src-main/modules/reminders/reminders.model'

const ROOT = path.resolve(__dirname, '..', '..')
let dataDir: string

function crm(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CRM_QUIET: '1', CRM_PASSWORD: '', ...env },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function withDb<T>(dir: string, fn: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>): Promise<T> {
  const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') }, dataDir: dir })
  try {
    return await fn(app)
  } finally {
    await app.db.knex.destroy()
  }
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cli-'))
})
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('crm migrate --print-sql', () => {
  it('prints T-SQL for an mssql URL without connecting and without the password', () => {
    const started = Date.now()
    const r = crm(['migrate', '--print-sql', '--db', 'mssql://u:SuperSecret99@h:1433/crm'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/create table \[customers\]/i)
    expect(r.stdout).toContain('nvarchar')
    expect(r.stdout).toContain('datetime2')
    expect(r.stdout).toContain('uniqueidentifier')
    expect(r.stdout).not.toContain('SuperSecret99')
    // host "h" does not exist: a connection attempt would fail or take the 10 s timeout
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(fs.readdirSync(dataDir)).toEqual([])
  })
})

describe('crm user add', () => {
  it('creates the database and a user that can log in', async () => {
    expect(fs.existsSync(path.join(dataDir, 'crm.sqlite'))).toBe(false)
    const r = crm(['user', 'add', '--login', 'boss', '--name', '王总', '--role', 'admin', '--team', '总部', '--data', dataDir], { CRM_PASSWORD: 'boss-pass-123' })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('boss')
    expect(r.stdout).not.toContain('boss-pass-123')
    expect(fs.existsSync(path.join(dataDir, 'crm.sqlite'))).toBe(true)

    await withDb(dataDir, async (app) => {
      const actor = await login(app, { login: 'boss', password: 'boss-pass-123' })
      expect(actor).toMatchObject({ login: 'boss', name: '王总', roleCode: 'admin' })
      const team = await app.db.knex('teams').where({ id: actor.teamId }).first()
      expect(team.name).toBe('总部')
      await expect(login(app, { login: 'boss', password: 'wrong-pass-000' })).rejects.toMatchObject({ code: 'invalid_credentials' })
      // versioned for sync, and in the audit log like a user created on the admin screen
      const row = await app.db.knex('users').where({ id: actor.userId }).first()
      expect(Number(row.version)).toBeGreaterThan(0)
      expect(Number(row.version)).toBeLessThanOrEqual(Number((await app.db.knex('sync_version').where({ id: 1 }).first()).version))
      const entries = await app.db.knex('audit_log').where({ entity: 'user', entity_id: actor.userId })
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({ action: 'create', user_id: null })
      expect(JSON.parse(entries[0].changes)).toEqual({ login: [null, 'boss'], name: [null, '王总'], role: [null, 'admin'], teamId: [null, actor.teamId] })
      expect(entries[0].changes).not.toMatch(/pass|scrypt/)
    })
  })

  it('reads the password from standard input and reuses an existing team', async () => {
    const r = crm(['user', 'add', '--login', 'rep1', '--name', '李四', '--role', 'manager', '--team', '总部', '--data', dataDir], {}, 'piped-pass-456\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    await withDb(dataDir, async (app) => {
      expect((await login(app, { login: 'rep1', password: 'piped-pass-456' })).roleCode).toBe('manager')
      expect(await app.db.knex('teams').where({ name: '总部' }).count({ n: '*' })).toEqual([{ n: 1 }])
    })
  })

  it.runIf(!!process.env.CRM_TEST_PG_URL)('never prints a password given in the --db URL\'s query string (PostgreSQL)', async () => {
    const pgUrl = new URL(process.env.CRM_TEST_PG_URL!)
    const password = decodeURIComponent(pgUrl.password)
    const name = 'crm_t_cli_' + randomBytes(5).toString('hex')
    const root = knexFactory({ client: 'pg', connection: process.env.CRM_TEST_PG_URL })
    await root.raw(`create database ${name}`)
    try {
      // the password only in the query string: node-postgres reads it from there
      const url = `postgres://${pgUrl.username}@${pgUrl.host}/${name}?application_name=crm-cli&password=${encodeURIComponent(password)}`
      const r = crm(['user', 'add', '--login', 'pgboss', '--name', '王总', '--role', 'admin', '--db', url, '--data', dataDir], { CRM_PASSWORD: 'boss-pass-123' })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`${pgUrl.hostname}`)
      expect(r.stdout).toContain('password=***')
      expect(r.stdout).not.toContain(`password=${encodeURIComponent(password)}`)
      expect(r.stdout).not.toContain(`:${password}@`)
      const migrate = crm(['migrate', '--db', url, '--data', dataDir])
      expect(migrate.code).toBe(0)
      expect(migrate.stdout).toMatch(/is up to date/)
      expect(migrate.stdout).not.toContain(`password=${encodeURIComponent(password)}`)
    } finally {
      await root.raw(`drop database if exists ${name} with (force)`)
      await root.destroy()
    }
  })

  it('refuses a duplicate login with one crm: line', () => {
    const r = crm(['user', 'add', '--login', 'boss', '--name', 'x', '--role', 'admin', '--data', dataDir], { CRM_PASSWORD: 'boss-pass-123' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^crm: .*boss.*\n$/)
  })
})

describe('crm demo', () => {
  let demoDir: string
  beforeAll(() => {
    demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-'))
  })
  afterAll(() => fs.rmSync(demoDir, { recursive: true, force: true }))

  it('creates demo users, then customers with contacts, codes and valid search_text', async () => {
    const r = crm(['demo', '--customers', '200', '--data', demoDir, '--seed', '42'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('demo12345') // printed once, with the demo users
    expect(r.stdout).toContain('demo users created: zhuguan (周主管)')
    expect(r.stdout).toMatch(/created 200 customers/)

    await withDb(demoDir, async (app) => {
      const k = app.db.knex
      const customers = await k('customers').orderBy('code')
      expect(customers).toHaveLength(200)
      const year = new Date().getUTCFullYear()
      expect(customers[0].code).toBe(`KH-${year}-000001`)
      expect(customers[199].code).toBe(`KH-${year}-000200`)
      expect(await k('code_sequences').where({ name: `customer:${year}` }).first()).toMatchObject({ value: 200 })
      expect(new Set(customers.map((c) => c.name)).size).toBe(200)

      const managers = await k('users as u').join('roles as r', 'r.id', 'u.role_id').where('r.code', 'manager').pluck('u.id')
      expect(managers).toHaveLength(4)
      expect(await login(app, { login: 'zhuguan', password: 'demo12345' })).toMatchObject({ roleCode: 'supervisor' })
      const regionIds = new Set(await k('dict_items').where({ type_code: 'region' }).pluck('id'))

      for (const c of customers.slice(0, 50)) {
        expect(c.name).toMatch(/^\p{Script=Han}+(有限公司|股份有限公司|有限责任公司)$/u)
        expect(managers).toContain(c.owner_id)
        expect(regionIds.has(c.region_id)).toBe(true)
        const contacts = await k('contacts').where({ customer_id: c.id }).orderBy('is_primary', 'desc')
        expect(contacts.length).toBeGreaterThanOrEqual(1)
        expect(contacts.length).toBeLessThanOrEqual(3)
        expect(contacts.filter((x) => x.is_primary === 1)).toHaveLength(1)
        for (const ct of contacts) {
          expect(ct.mobile).toMatch(/^1[358]\d{9}$/)
          expect(ct.name).toMatch(/^\p{Script=Han}{2,4}$/u)
          expect(ct.owner_id).toBe(c.owner_id)
        }
        // the same text the customers service would build (primary contact first)
        const expected = buildCustomerSearchText(
          { name: c.name, shortName: c.short_name, code: c.code, phone: c.phone, phone2: c.phone2 },
          contacts.map((x) => ({ name: x.name, mobile: x.mobile })),
        )
        expect(new Set(c.search_text.split('|'))).toEqual(new Set(expected.split('|')))
        expect(c.search_text).toContain(c.code.toLowerCase())
      }

      // two years of opportunities in every state, with plans; won ones linked to a customer
      const opps = await k('opportunities').select('*')
      expect(opps).toHaveLength(60)
      expect(new Set(opps.map((o) => o.status))).toEqual(new Set(['unassigned', 'assigned', 'won', 'lost']))
      for (const o of opps) {
        expect(o.code).toMatch(/^JH-\d{4}-\d{6}$/)
        if (o.status === 'won') expect(customers.map((c) => c.id)).toContain(o.customer_id)
        if (o.status === 'lost') expect(o.lost_reason_id).not.toBeNull()
        if (o.status === 'unassigned') expect(o.assigned_to).toBeNull()
        else expect(managers).toContain(o.assigned_to)
      }
      const oldest = Math.min(...opps.map((o) => Date.parse(o.created_at)))
      expect(Date.now() - oldest).toBeGreaterThan(300 * 86_400_000)
      expect(Number((await k('plan_steps').count({ n: '*' }).first())!.n)).toBeGreaterThan(60)
    })
  })

  it('adds service tickets over two years in every state, as the service rules would leave them', async () => {
    await withDb(demoDir, async (app) => {
      const k = app.db.knex
      const tickets = await k('service_tickets').orderBy('created_at')
      expect(tickets.length).toBe(67) // one per three customers
      expect(new Set(tickets.map((x) => x.status))).toEqual(new Set(['new', 'assigned', 'handled', 'feedback', 'archived']))
      const span = (Date.parse(tickets.at(-1).created_at) - Date.parse(tickets[0].created_at)) / 86_400_000
      expect(span).toBeGreaterThan(300)
      expect(span).toBeLessThanOrEqual(731)
      const notes = await k('service_ticket_notes').select('*')
      for (const t of tickets) {
        expect(t.code).toMatch(new RegExp(`^FW-${new Date(t.created_at).getFullYear()}-\\d{6}$`))
        expect(t.search_text).toContain(t.code.toLowerCase())
        const mine = notes.filter((n) => n.ticket_id === t.id)
        const handling = mine.filter((n) => n.kind === 'handling')
        const feedback = mine.filter((n) => n.kind === 'feedback').sort((a, b) => (a.noted_at < b.noted_at ? -1 : 1))
        if (['handled', 'feedback', 'archived'].includes(t.status)) {
          expect(handling.length, t.code).toBeGreaterThan(0)
          expect(t.handled_at >= t.created_at && t.resolve_minutes >= 0).toBe(true)
          expect(t.quote_status === null || t.quote_status === 'approved').toBe(true) // paid work was approved first
        }
        if (t.status !== 'new' || t.reopen_count > 0) expect(t.first_assigned_at >= t.created_at && t.assign_minutes >= 0).toBe(true)
        if (['feedback', 'archived'].includes(t.status)) expect(t.satisfaction).toBeGreaterThanOrEqual(3) // 1–2 would have reopened it
        // every low score reopened the ticket
        expect(feedback.filter((n) => n.satisfaction <= 2).length).toBe(t.reopen_count)
        if (t.status === 'new') expect(t.assigned_to).toBeNull()
      }
      expect(tickets.filter((t) => t.status === 'new' && t.reopen_count > 0).length).toBeGreaterThan(0)
    })
  })

  it('crm export writes what a user sees: a 客户经理 gets own customers only, filtered, as .xlsx or GBK CSV', async () => {
    const out = path.join(demoDir, '客户.xlsx')
    const r = crm(['export', 'customers', out, '--as', 'jingli1', '--sort', 'code:asc', '--data', demoDir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const own = await withDb(demoDir, async (app) => {
      const k = app.db.knex
      const u = await k('users').where({ login: 'jingli1' }).first('id')
      return k('customers').where({ owner_id: u.id }).whereNull('deleted_at').orderBy('code').pluck('code')
    })
    expect(own.length).toBeGreaterThan(0)
    expect(r.stdout).toContain(`exported ${own.length} customers`)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out)
    const ws = wb.worksheets[0]
    expect(ws.getRow(1).getCell(1).value).toBe('客户编号')
    const codes: unknown[] = []
    ws.eachRow((row, n) => n > 1 && n < ws.rowCount && codes.push(row.getCell(1).value))
    expect(codes).toEqual(own)
    expect(ws.getRow(ws.rowCount).getCell(1).value).toBe('合计')

    const csv = path.join(demoDir, 'opps.csv')
    const c = crm(['export', 'opportunities', csv, '--as', 'zhuguan', '--encoding', 'gbk', '--filter', 'status=unassigned', '--data', demoDir])
    expect(c.stderr).toBe('')
    const text = iconv.decode(fs.readFileSync(csv), 'gbk')
    expect(text.split('\r\n')[0]).toMatch(/^编号,客户名称,/)
    expect(text).not.toContain('已分配')

    const bad = crm(['export', 'customers', path.join(demoDir, 'x.xlsx'), '--as', 'jingli1', '--filter', 'colour=red', '--data', demoDir])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^crm: bad export options/)
    const refused = crm(['export', 'opportunities', path.join(demoDir, 'y.xlsx'), '--as', 'jingli1', '--data', demoDir])
    expect(refused.stderr).toMatch(/^crm: forbidden/)
    expect(fs.existsSync(path.join(demoDir, 'y.xlsx'))).toBe(false)
  }, 240_000) // four CLI processes

  it('crm export takes the other lists with their filters: a 销售主管\'s team orders by amount, requirements by several statuses', async () => {
    const out = path.join(demoDir, '订单.xlsx')
    const r = crm(['export', 'orders', out, '--as', 'zhuguan', '--filter', 'status=approved', '--sort', 'totalCents:asc', '--data', demoDir])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const want = await withDb(demoDir, async (app) => {
      const k = app.db.knex
      const team = (await k('users').where({ login: 'zhuguan' }).first('team_id')).team_id
      return k('orders as o').join('users as u', 'u.id', 'o.owner_id').where({ 'u.team_id': team, 'o.status': 'approved' }).whereNull('o.deleted_at').pluck('o.total_cents')
    })
    expect(want.length).toBeGreaterThan(0)
    expect(r.stdout).toContain(`exported ${want.length} orders`)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out)
    const ws = wb.worksheets[0]
    expect(ws.getRow(1).getCell(5).value).toBe('订单金额(元)')
    const amounts: number[] = []
    const statuses = new Set<unknown>()
    ws.eachRow((row, n) => {
      if (n === 1 || n === ws.rowCount) return
      amounts.push(row.getCell(5).value as number)
      statuses.add(row.getCell(4).value)
    })
    expect(amounts).toEqual(want.map(Number).sort((a, b) => a - b).map((c) => c / 100))
    expect([...statuses]).toEqual(['已审批'])
    expect(ws.getRow(ws.rowCount).getCell(5).value).toBeCloseTo(amounts.reduce((a, b) => a + b, 0), 2)

    const csv = path.join(demoDir, 'reqs.csv')
    const q = crm(['export', 'requirements', csv, '--as', 'zhuguan', '--filter', 'status=received,organising', '--data', demoDir])
    expect(q.stderr).toBe('')
    const lines = fs.readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines[0]).toMatch(/^需求编号,客户名称,需求描述,优先级,状态,/)
    for (const l of lines.slice(1)) expect(l).toMatch(/,(已接收|整理中),/)
  }, 240_000) // two CLI processes

  it('the README\'s pinyin example is the first demo customer, and crm demo says it created the demo users', async () => {
    await withDb(demoDir, async (app) => {
      const first = await app.db.knex('customers').orderBy('code').first()
      expect(first.name).toBe('广州市人易软件有限公司')
      expect(first.search_text.split('|')).toContain('gzryrjyxgs') // gzry… as typed in the list's search
      expect(await app.db.knex('customers').where({ name: '广州市人易软件有限公司' }).count({ n: '*' })).toEqual([{ n: 1 }])
    })
  })

  it('gives two years of believable history: most customers contacted lately, some forgotten, reminders in every state', async () => {
    await withDb(demoDir, async (app) => {
      const k = app.db.knex
      const now = Date.now()
      const DAY = 86_400_000
      const customers = await k('customers').select('id', 'created_at', 'last_contact_at', 'next_contact_at', 'level_id', 'owner_id')
      const ages = customers.map((c) => (c.last_contact_at ? (now - Date.parse(c.last_contact_at)) / DAY : null))
      const within30 = ages.filter((a) => a !== null && a <= 30).length
      const forgotten = ages.filter((a) => a !== null && a > 90).length
      const never = ages.filter((a) => a === null).length
      // most contacted within a month; some forgotten for months; a few never (not "every customer 从未联系")
      expect(within30).toBeGreaterThan(customers.length * 0.4)
      expect(forgotten).toBeGreaterThan(0)
      expect(never).toBeGreaterThan(0)
      expect(never).toBeLessThan(customers.length * 0.2)
      expect(new Set(customers.map((c) => c.level_id)).size).toBeGreaterThanOrEqual(2)

      const records = await k('interactions').select('*')
      expect(records.length).toBeGreaterThan(customers.length)
      const byId = new Map(customers.map((c) => [c.id, c]))
      const times = records.map((r) => Date.parse(r.occurred_at))
      expect(now - Math.min(...times)).toBeGreaterThan(300 * DAY) // spread over the past two years
      for (const r of records) {
        const c = byId.get(r.customer_id)!
        expect(Date.parse(r.occurred_at)).toBeGreaterThan(Date.parse(c.created_at))
        expect(Date.parse(r.occurred_at)).toBeLessThanOrEqual(now)
        expect(r.owner_id).toBe(c.owner_id)
      }
      expect(new Set(records.map((r) => r.kind))).toEqual(new Set(['record', 'visit']))
      // the customer's 最近联系 is its latest record
      for (const c of customers.filter((x) => x.last_contact_at).slice(0, 30)) {
        const latest = records.filter((r) => r.customer_id === c.id).reduce((m, r) => (r.occurred_at > m ? r.occurred_at : m), '')
        expect(c.last_contact_at).toBe(latest)
      }

      const promises = await k('interaction_promises').select('kept_at', 'due_date')
      expect(promises.some((p) => p.kept_at)).toBe(true)
      expect(promises.some((p) => !p.kept_at)).toBe(true)

      const reminders = await k('reminders').whereNull('deleted_at').select('*')
      const followUps = reminders.filter((r) => r.source === 'follow_up')
      expect(followUps.length).toBeGreaterThan(0)
      for (const r of followUps) {
        // a key and its values, rendered in the reader's language; the id the evaluation gives it
        expect([r.title, r.title_key]).toEqual(['', 'follow_up'])
        expect(JSON.parse(r.title_params)).toEqual({ customer: expect.any(String), subject: expect.any(String) })
        expect(r.id).toBe(keyId(r.source_key))
        const rec = records.find((x) => x.id === r.source_id)!
        expect(rec.next_follow_up_at).toBe(r.due_at)
      }
      const manual = reminders.filter((r) => r.source === 'manual')
      expect(manual.every((r) => r.title && r.title_key === null)).toBe(true)
      const open = reminders.filter((r) => !r.done_at)
      expect(reminders.some((r) => r.done_at)).toBe(true) // done
      expect(open.some((r) => Date.parse(r.fire_at) < now)).toBe(true) // overdue
      expect(open.some((r) => Date.parse(r.fire_at) > now)).toBe(true) // ahead
      expect(open.some((r) => r.snoozed_until)).toBe(true) // snoozed
      // 下次联系 is the earliest open follow-up
      for (const c of customers.filter((x) => x.next_contact_at).slice(0, 30)) {
        const earliest = open.filter((r) => r.customer_id === c.id && r.source === 'follow_up').map((r) => r.fire_at).sort()[0]
        expect(c.next_contact_at).toBe(earliest)
      }
      expect((await k('contacts').whereNotNull('birthday').count({ n: '*' }).first())!.n).not.toBe(0)

      // the app's reminder evaluation finds the follow-ups in place (none made twice) and adds the
      // 联系策略 reminders of the customers who slipped — not of every customer
      const stats = await evaluateReminders(app)
      const after = await k('reminders').whereNull('deleted_at').select('source')
      expect(after.filter((r) => r.source === 'follow_up')).toHaveLength(followUps.length)
      const policy = after.filter((r) => r.source === 'contact_policy').length
      expect(policy).toBeGreaterThan(0)
      expect(policy).toBeLessThan(customers.length * 0.6)
      expect(stats.created).toBeGreaterThan(0)
    })
  })

  it('leaves each rep a recent backlog, not two years of open reminders: old promises decided, old 联系策略 occasions dealt with', async () => {
    await withDb(demoDir, async (app) => {
      const k = app.db.knex
      // what the app does on start: the evaluation makes the system reminders the history leaves due
      await evaluateReminders(app, { full: true })
      const now = Date.now()
      const daysAgo = (v: unknown) => (now - Date.parse(String(v))) / 86_400_000
      const HISTORY = ['contact_policy', 'promise', 'follow_up', 'manual']
      const open: Array<{ owner_id: string; source: string; fire_at: string }> = await k('reminders')
        .whereIn('source', HISTORY).whereNull('done_at').whereNull('retracted_at').whereNull('deleted_at').where('fire_at', '<', new Date(now).toISOString())
        .select('owner_id', 'source', 'fire_at')
      // nothing of the history open for more than two weeks (the old generator: dozens per rep, from Jan 2025)
      expect(open.filter((r) => daysAgo(r.fire_at) > 15).map((r) => `${r.source} ${String(r.fire_at).slice(0, 10)}`)).toEqual([])
      // a backlog all the same: each rep has some recent overdue items, tens at most (50 customers each here)
      const perRep = new Map<string, number>()
      for (const r of open) perRep.set(r.owner_id, (perRep.get(r.owner_id) ?? 0) + 1)
      const reps = await k('users as u').join('roles as r', 'r.id', 'u.role_id').where('r.code', 'manager').pluck('u.id')
      for (const id of reps) expect(perRep.get(id) ?? 0).toBeLessThan(40)
      expect([...perRep.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(4)
      // promises due over a month ago: mostly kept; those not kept have their reminder closed
      const old: Array<{ id: string; kept_at: string | null }> = await k('interaction_promises').whereNull('deleted_at')
        .where('due_date', '<', new Date(now - 30 * 86_400_000).toISOString().slice(0, 10)).select('id', 'kept_at')
      expect(old.length).toBeGreaterThan(20)
      expect(old.filter((p) => p.kept_at).length / old.length).toBeGreaterThan(0.7)
      const unkept = old.filter((p) => !p.kept_at)
      const closed = await k('reminders').whereIn('id', unkept.map((p) => keyId(`promise:${p.id}`))).whereNotNull('done_at').count({ n: '*' })
      expect(Number(closed[0].n)).toBe(unkept.length)
      // the closed 联系策略 occasions are the evaluation's own (one per customer and basis: none made twice)
      const dealt = await k('reminders').where({ source: 'contact_policy' }).whereNotNull('done_at').count({ n: '*' })
      expect(Number(dealt[0].n)).toBeGreaterThan(10)
      const twice = await k('reminders').where({ source: 'contact_policy' }).whereNull('retracted_at').groupBy('customer_id', 'basis_at').having(k.raw('count(*) > 1')).select('customer_id')
      expect(twice).toEqual([])
    })
  })

  it('is deterministic with --seed and continues the code sequence', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-'))
    try {
      expect(crm(['demo', '--customers', '20', '--data', other, '--seed', '42']).code).toBe(0)
      const first20 = (dir: string) => withDb(dir, (app) => app.db.knex('customers').orderBy('code').limit(20).pluck('name'))
      expect(await first20(other)).toEqual(await first20(demoDir))
      expect(crm(['demo', '--customers', '5', '--data', other, '--seed', '7']).code).toBe(0)
      const year = new Date().getUTCFullYear()
      await withDb(other, async (app) => {
        expect(await app.db.knex('customers').max({ code: 'code' }).first()).toEqual({ code: `KH-${year}-000025` })
        expect(await app.db.knex('users').count({ n: '*' })).toEqual([{ n: 5 }]) // demo users made once
      })
    } finally {
      fs.rmSync(other, { recursive: true, force: true })
    }
  })

  it('gives the customers to the existing account managers when there are some', async () => {
    const r = crm(['demo', '--customers', '10', '--data', dataDir])
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('demo12345')
    expect(r.stdout).toContain('demo users: none created')
    await withDb(dataDir, async (app) => {
      const rep = await app.db.knex('users').where({ login: 'rep1' }).first()
      expect(await app.db.knex('customers').distinct('owner_id').pluck('owner_id')).toEqual([rep.id])
    })
  })
})

describe('crm: bad arguments', () => {
  const cases: string[][] = [
    [],
    ['frobnicate'],
    ['demo'],
    ['demo', '--customers', 'many'],
    ['demo', '--customers', '10', '--colour', 'red'],
    ['user', 'add', '--login', 'x y', '--name', 'n', '--role', 'admin'],
    ['user', 'add', '--login', 'abc', '--name', 'n', '--role', 'king'],
    ['user', 'remove'],
    ['serve'],
    ['serve', '--port', '80000'],
    ['serve', '--port', '5000', '--host', '0.0.0.0'],
    ['migrate', '--print-sql', '--db', 'oracle://u:pw@h/x'],
  ]
  for (const args of cases) {
    it(`crm ${args.join(' ') || '(nothing)'} → exit 1 and one crm: line`, () => {
      const r = crm([...args, ...(args[0] === 'user' || args[0] === 'demo' ? ['--data', dataDir] : [])], { CRM_PASSWORD: 'whatever-123' })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^crm: [^\n]+\n$/)
      expect(r.stderr).not.toContain('pw@')
    })
  }

  it('crm --help prints the commands', () => {
    const r = crm(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['migrate', 'user', 'serve', 'demo', 'export']) expect(r.stdout).toContain(`crm ${c}`)
    expect(crm(['user', '--help']).stdout).toContain('crm user add')
  })

  const HELP_CHECKED = [['migrate'], ['user'], ['user', 'add'], ['serve'], ['demo'], ['export']] // below, with their options

  it('every other command crm --help lists (and every subcommand of crm user) prints its usage with --help', () => {
    // derived from the listings, so a command added later is held to it too (issue 6 item 24)
    const listed = (args: string[]) => [...crm([...args, '--help']).stdout.matchAll(/^ {2}crm (?:\S+ )*?(\w[\w-]*) \[options\]/gm)].map((m) => [...args, m[1]])
    const all = [...listed([]), ...listed(['user'])]
    expect(all.map((a) => a.join(' '))).toEqual(expect.arrayContaining(['migrate', 'user', 'serve', 'demo', 'export', 'report', 'import', 'backup', 'restore', 'sync', 'user add']))
    for (const args of all.filter((a) => !HELP_CHECKED.some((c) => c.join(' ') === a.join(' ')))) {
      const r = crm([...args, '--help'])
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stderr, args.join(' ')).toBe('')
      expect(r.stdout, args.join(' ')).toContain(`Usage: crm ${args.join(' ')}`)
    }
  }, 180_000) // seven CLI starts: ~5–15 s each on the loaded 2-core machine

  for (const args of HELP_CHECKED) {
    it(`crm ${args.join(' ')} --help prints its usage and options`, () => {
      const r = crm([...args, '--help'])
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      expect(r.stdout).toContain(`Usage: crm ${args.join(' ')}`)
      expect(r.stdout).toMatch(/--help/)
      if (args[0] !== 'user' || args.length > 1) expect(r.stdout).toContain('--db <url>')
    })
  }

  it('crm demo --help lists the demo users and their password', () => {
    const r = crm(['demo', '--help'])
    expect(r.stdout).toContain('zhuguan')
    expect(r.stdout).toContain('demo12345')
    expect(r.stdout).toMatch(/zhuguan\s+周主管\s+销售主管 \(supervisor\)/)
  })

  it('never prints the password of a --db URL in an error', () => {
    const r = crm(['migrate', '--db', 'postgres://crm:TopSecret77@127.0.0.1:1/crm'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^crm: [^\n]+\n$/)
    expect(r.stderr).not.toContain('TopSecret77')
  })
})
