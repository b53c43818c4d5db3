// Every contract call, fed malformed payloads as a logged-in administrator, answers a
// `validation` error naming the field and writes nothing. Valid-looking base payloads are
// generated from the zod schemas, so a new call is covered without editing this file.
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { z } from 'zod'
import { allCalls, contract, type CallDef } from '../../src-main/contract/index'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { toApiError } from '../../src-main/ipc/dispatch'

type Schema = z.ZodType
interface Def {
  type: string
  innerType?: Schema
  in?: Schema
  shape?: Record<string, Schema>
  element?: Schema
  options?: Schema[]
  entries?: Record<string, string | number>
  values?: unknown[]
  discriminator?: string
}
const defOf = (s: Schema) => (s as unknown as { _zod: { def: Def; optin?: string } })._zod.def
const accepts = (s: Schema, v: unknown) => s.safeParse(v).success

const SQL = `'; drop table customers; --`
/** Text no database stores alike: a NUL (PostgreSQL refuses it) and lone UTF-16 surrogates. */
const BAD_TEXT: Array<[string, (valid: string) => string]> = [
  ['a NUL character', (v) => v.slice(0, 1) + '\u0000' + v.slice(1)],
  ['a lone high surrogate', (v) => v + '\uD83D'],
  ['a lone low surrogate', (v) => '\uDE00' + v],
]
const HUGE = 'x'.repeat(100_000)

/** 100,000 characters, or one more than the field allows when it legitimately takes more (file content). */
function hugeFor(s: Schema): string {
  const max = (core(s) as unknown as { maxLength?: number | null }).maxLength ?? undefined
  return max !== undefined && max >= HUGE.length ? 'x'.repeat(max + 1) : HUGE
}
const GARBAGE = { a: { b: [{ c: { d: [1, 'x', null] } }] }, $where: '1=1' }

/** The innermost schema under optional / nullable / default / pipe wrappers. */
function core(s: Schema): Schema {
  let cur = s
  for (;;) {
    const d = defOf(cur)
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch'].includes(d.type) && d.innerType) cur = d.innerType
    else if (d.type === 'pipe' && d.in) cur = d.in
    else return cur
  }
}

const STRING_CANDIDATES = [
  '6f1c6c1e-6a8e-4f7e-9a57-0d5e2b1c9a11',
  'user@example.com',
  '2026-01-02T03:04:05Z',
  '2026-01-02',
  'postgres://crm@localhost:5432/crm',
  'sample_code',
  'Sample text 样例',
  'pass-word-123',
  'Asia/Shanghai',
  'HH:mm 09:00',
  '09:00',
  // contract/formats.ts: mobile / phone, postcode, website, 统一社会信用代码
  '13800138000',
  '510000',
  'www.example.com',
  '91350100M000100Y43',
  // contract/system.ts: the update server (an http(s) URL)
  'https://updates.example.com/crm/',
]

/** Valid values for a schema: one per option of a union, otherwise one. */
function samples(s: Schema): unknown[] {
  const c = core(s)
  const d = defOf(c)
  const pick = (candidates: unknown[]) => {
    const ok = candidates.find((v) => accepts(c, v))
    if (ok === undefined) throw new Error(`no sample for a ${d.type} schema`)
    return [ok]
  }
  switch (d.type) {
    case 'string':
      return pick(STRING_CANDIDATES)
    case 'number':
    case 'int':
      return pick([1, 0, 5, 10, 100, 2026])
    case 'boolean':
      return [false]
    case 'enum':
      return [Object.values(d.entries!)[0]]
    case 'literal':
      return [d.values![0]]
    case 'array': {
      const one = [samples(d.element!)[0]]
      return [accepts(c, one) ? one : []]
    }
    case 'object':
      return [Object.fromEntries(Object.entries(d.shape!).map(([k, v]) => [k, samples(v)[0]]))]
    case 'union':
      return d.options!.flatMap((o) => samples(o))
    case 'record':
      return [{}]
    default:
      throw new Error(`no sample for a ${d.type} schema`)
  }
}

/** The object shape a base payload was generated from (the matching union option). */
function shapeFor(s: Schema, value: unknown): Record<string, Schema> | null {
  const c = core(s)
  const d = defOf(c)
  if (d.type === 'object') return d.shape!
  if (d.type === 'union') {
    for (const o of d.options!) if (accepts(o, value)) return shapeFor(o, value)
  }
  return null
}

interface Case {
  name: string
  /** the dotted field an issue must name ("(input)" for the whole payload, "*" any field) */
  field: string | string[]
  payload: unknown
}

function setAt(root: unknown, path: string[], value: unknown, del = false): unknown {
  const copy = structuredClone(root) as Record<string, unknown>
  let cur = copy as Record<string, unknown>
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string, unknown>
  const last = path[path.length - 1]
  if (del) delete cur[last]
  else cur[last] = value
  return copy
}

function wrongTypeFor(c: Schema): unknown {
  const t = defOf(c).type
  if (t === 'string' || t === 'enum' || t === 'literal') return 12345
  if (t === 'number' || t === 'int') return '12'
  if (t === 'boolean') return 'true'
  if (t === 'array') return 'not-an-array'
  return 'not-an-object'
}

/** Malformed variants of `base`, field by field, recursing into nested objects and arrays. */
function fieldCases(schema: Schema, base: unknown, prefix: string[] = []): Case[] {
  const shape = shapeFor(schema, prefix.length ? getAt(base, prefix) : base)
  if (!shape) return []
  const out: Case[] = []
  const at = (path: string[]) => path.join('.')
  // strict objects: an unknown key is refused
  out.push({ name: `unknown key in ${at(prefix) || 'input'}`, field: at([...prefix, 'extra_field']), payload: setAt(base, [...prefix, 'extra_field'], 'x') })
  for (const [key, fieldSchema] of Object.entries(shape)) {
    const path = [...prefix, key]
    const f = at(path)
    const c = core(fieldSchema)
    const t = defOf(c).type
    out.push({ name: `${f}: wrong type`, field: f, payload: setAt(base, path, wrongTypeFor(c)) })
    if (t !== 'array') out.push({ name: `${f}: array`, field: f, payload: setAt(base, path, [1, 2, 3]) })
    if (t !== 'object') out.push({ name: `${f}: nested garbage`, field: f, payload: setAt(base, path, GARBAGE) })
    if (!accepts(fieldSchema, null)) out.push({ name: `${f}: null`, field: f, payload: setAt(base, path, null) })
    if (!accepts(fieldSchema, undefined)) out.push({ name: `${f}: missing`, field: f, payload: setAt(base, path, undefined, true) })
    if (t === 'string' || t === 'enum' || t === 'literal' || t === 'union') {
      out.push({ name: `${f}: 100,000 characters`, field: f, payload: setAt(base, path, hugeFor(fieldSchema)) })
      const valid = getAt(base, path)
      if (typeof valid === 'string' && valid.length) {
        for (const [what, spoil] of BAD_TEXT) out.push({ name: `${f}: ${what}`, field: f, payload: setAt(base, path, spoil(valid)) })
      }
      if (!accepts(fieldSchema, SQL)) out.push({ name: `${f}: SQL text`, field: f, payload: setAt(base, path, SQL) })
      else out.push({ name: `${f}: SQL text with an unknown key`, field: at([...prefix, 'sql_extra']), payload: setAt(setAt(base, path, SQL), [...prefix, 'sql_extra'], SQL) })
    }
    if (t === 'object') out.push(...fieldCases(fieldSchema, base, path))
    if (t === 'array') {
      const arr = getAt(base, path) as unknown[]
      const el = defOf(c).element!
      if (arr.length) {
        const elPath = [...path, '0']
        const ec = core(el)
        out.push({ name: `${f}.0: wrong type`, field: at(elPath), payload: setAt(base, elPath, wrongTypeFor(ec)) })
        if (defOf(ec).type === 'object') out.push(...fieldCases(el, base, elPath))
        else if (defOf(ec).type === 'string') {
          out.push({ name: `${f}.0: 100,000 characters`, field: at(elPath), payload: setAt(base, elPath, HUGE) })
          const valid = String(getAt(base, elPath))
          for (const [what, spoil] of BAD_TEXT) out.push({ name: `${f}.0: ${what}`, field: at(elPath), payload: setAt(base, elPath, spoil(valid)) })
        }
      }
    }
  }
  return out
}

function getAt(root: unknown, path: string[]): unknown {
  return path.reduce((v, p) => (v as Record<string, unknown>)[p], root)
}

function casesFor(def: CallDef): Case[] {
  const input = def.input as Schema
  const out: Case[] = [
    { name: 'array payload', field: '(input)', payload: [] },
    { name: 'string payload', field: '(input)', payload: SQL },
    { name: 'number payload', field: '(input)', payload: 42 },
    { name: 'boolean payload', field: '(input)', payload: true },
    // unknown keys, or (for a union) the missing discriminator
    { name: 'garbage object', field: ['a', '*'], payload: GARBAGE },
  ]
  // null stands for "no argument" (like undefined); it is malformed only where {} is, and
  // then the issues name the required fields
  if (!accepts(input, {})) out.push({ name: 'null payload', field: '*', payload: null })
  for (const base of samples(input)) {
    expect(accepts(input, base), `generated base payload must be valid: ${JSON.stringify(base)}`).toBe(true)
    out.push(...fieldCases(input, base))
  }
  return out
}

function namesField(issue: { field: string; code: string; message: string }, field: string): boolean {
  if (field === '*') return issue.field !== '(input)'
  if (issue.field === field || issue.field.startsWith(field + '.')) return true
  // an unknown key is reported on its object with the key in the message
  const dot = field.lastIndexOf('.')
  const [parent, key] = dot < 0 ? ['(input)', field] : [field.slice(0, dot), field.slice(dot + 1)]
  if (issue.code === 'unrecognized_keys' && issue.field === parent && issue.message.includes(`"${key}"`)) return true
  // a payload of the wrong kind altogether is reported on the input itself
  return field === '(input)' && issue.field === '(input)'
}

describeEachDb('bad input', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  let tables: string[]

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('admin', 'admin')
    const k = t.app.db.knex
    tables =
      dialect === 'sqlite'
        ? (await k('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').pluck('name'))
        : (await k('pg_tables').whereRaw('schemaname = current_schema()').pluck('tablename'))
    expect(tables).toContain('customers')
  })
  afterAll(async () => {
    await t.close()
  })

  const counts = async () => {
    const k = t.app.db.knex
    const out: Record<string, number> = {}
    for (const name of tables) out[name] = Number((await k(name).count({ n: '*' }))[0].n)
    return out
  }

  it.each(allCalls())('%s.%s refuses malformed payloads and writes nothing', async (area, call) => {
    const def = (contract as unknown as Record<string, Record<string, CallDef>>)[area][call]
    const cases = casesFor(def)
    expect(cases.length).toBeGreaterThan(5)
    const before = await counts()
    for (const c of cases) {
      const r = await t.raw(admin.key, area, call, c.payload)
      const label = `${area}.${call} — ${c.name}`
      expect(r.ok, label).toBe(false)
      if (r.ok) continue
      expect(r.error.code, `${label}: ${r.error.message}`).toBe('validation')
      expect(r.error.issues?.length, label).toBeGreaterThan(0)
      const issues = r.error.issues!
      const fields = ([] as string[]).concat(c.field)
      expect(issues.some((i) => fields.some((f) => namesField(i, f))), `${label}: expected an issue naming "${fields.join('" or "')}", got ${JSON.stringify(issues.map((i) => [i.field, i.code]))}`).toBe(true)
      // the error never echoes a huge payload back
      expect(JSON.stringify(r.error).length, label).toBeLessThan(20_000)
    }
    expect(await counts()).toEqual(before)
    // the admin session is still fine after all that
    expect(await t.call(admin.key, 'auth', 'me', {})).toMatchObject({ userId: admin.userId })
  })

  it('stores SQL metacharacters in free text literally (customers.create name, users.create name)', async () => {
    const name = `${SQL} O'Reilly "x" \\ % _ [a]`
    const customer = await t.call(admin.key, 'customers', 'create', { name, notes: `${SQL}); delete from users; --` })
    expect(customer.name).toBe(name)
    const again = await t.call(admin.key, 'customers', 'get', { id: customer.id })
    expect(again.name).toBe(name)
    expect(again.notes).toBe(`${SQL}); delete from users; --`)
    const found = await t.call(admin.key, 'customers', 'list', { filter: { search: "'; drop" } })
    expect(found.items.map((c) => c.id)).toContain(customer.id)
    const roles = await t.call(admin.key, 'roles', 'list', {})
    const user = await t.call(admin.key, 'users', 'create', { login: 'inj', name, password: 'pass-word-1', roleId: roles.find((r) => r.code === 'manager')!.id })
    expect(user.name).toBe(name)
    // the tables are still there and hold what they should
    const k = t.app.db.knex
    expect((await k('customers').where({ id: customer.id }).first()).name).toBe(name)
    expect(Number((await k('users').count({ n: '*' }))[0].n)).toBe(2)
  })

  it('refuses NUL and lone surrogates in free text alike on every database, and keeps real emoji and CJK text', async () => {
    for (const [what, spoil] of BAD_TEXT) {
      const r = await t.raw(admin.key, 'customers', 'create', { name: spoil('客户名称'), notes: 'ok' })
      expect(r, what).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'name', code: 'custom' }] } })
      // before login too: the login name never reaches the database
      for (const input of [{ login: spoil('admin'), password: 'secret-pass-1' }, { login: 'admin', password: spoil('secret-pass-1') }]) {
        expect(await t.raw('anonymous', 'auth', 'login', input), what).toMatchObject({ ok: false, error: { code: 'validation' } })
      }
    }
    const name = '表情😀客户 𠀀 ﹏'
    const c = await t.call(admin.key, 'customers', 'create', { name, notes: '👍🏽 好' })
    expect((await t.call(admin.key, 'customers', 'get', { id: c.id })).name).toBe(name)
  })

  it('unknown calls, Object.prototype names included, answer not_found through dispatch', async () => {
    for (const [area, call] of [['constructor', 'keys'], ['constructor', 'assign'], ['toString', 'call'], ['__proto__', 'constructor'], ['hasOwnProperty', 'call'], ['auth', 'constructor'], ['auth', 'toString'], ['auth', '__proto__'], ['customers', 'hasOwnProperty']]) {
      for (const key of ['anonymous', admin.key]) {
        expect(await t.raw(key, area, call, {}), `${area}.${call}`).toMatchObject({ ok: false, error: { code: 'not_found' } })
      }
    }
  })

  it('logs no stack trace for an unexpected error of a caller without a session', async () => {
    const quiet = process.env.CRM_QUIET
    delete process.env.CRM_QUIET
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const boom = new Error('boom\nsecond line')
      expect(toApiError(boom, { anonymous: true })).toMatchObject({ code: 'internal' })
      expect(spy).toHaveBeenCalledTimes(1)
      expect(String(spy.mock.calls[0][0])).not.toMatch(/\n|\bat /)
      expect(String(spy.mock.calls[0][0])).toContain('boom')
      // a logged-in caller's internal error keeps its stack, for the administrator
      toApiError(boom)
      expect(String(spy.mock.calls[1][0])).toContain('at ')
      spy.mockClear()
      // malformed calls without a session: answered, nothing logged with a stack
      for (const [area, call, input] of [
        ['auth', 'login', { login: 'a\u0000b', password: 'x\uD800' }], ['constructor', 'keys', {}], ['auth', 'setup', { login: '\u0000', name: '\uDFFF', password: 'p' }],
        ['customers', 'list', { filter: { search: '\u0000' } }], ['settings', 'testConnection', { dialect: 'postgres', url: 'postgres://x\u0000' }],
      ] as const) {
        const r = await t.raw('anonymous', area, call, input)
        expect(r.ok).toBe(false)
      }
      for (const c of spy.mock.calls) expect(String(c[0])).not.toMatch(/\n\s+at /)
    } finally {
      spy.mockRestore()
      if (quiet !== undefined) process.env.CRM_QUIET = quiet
    }
  })
})
