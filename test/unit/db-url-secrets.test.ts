// Every way a password can sit in a database URL (userinfo `u:p@`, `?password=`, mssql
// `?password=`, `pwd=` variants, connection strings, JSON) is masked wherever a URL is shown,
// logged or described, and split off before a connection is stored.
import { describe, expect, it } from 'vitest'
import { parse as parsePg } from 'pg-connection-string'
import { describeDb, maskUrl, parseDbUrl, pgUrlWithPassword, splitPgUrl } from '../../src-main/db/config'
import { redact } from '../../src-main/shared/log'
import { splitPassword, withPassword } from '../../src-main/modules/settings/settings.store'

const S = 'Qz7-Secret'

describe('database URL secrets', () => {
  const urls = [
    `postgres://crm:${S}@db.example.cn:5432/crm`,
    `postgres://:${S}@db.example.cn/crm`,
    `postgres://crm@db.example.cn/crm?password=${S}`,
    `postgres://crm@db.example.cn/crm?sslmode=require&PASSWORD=${S}`,
    `postgresql://db.example.cn/crm?user=crm&pwd=${S}`,
    `postgres://crm@db.example.cn/crm?passwd=${S}&application_name=crm`,
    `postgres://crm@db.example.cn/crm?sslpassword=${S}`,
    `mssql://sa:${S}@db.example.cn:1433/crm`,
    `mssql://sa@db.example.cn:1433/crm?password=${S}`,
    `mssql://sa@db.example.cn/crm?instance=SQLEXPRESS&Pwd=${S}`,
  ]

  it('describeDb never contains the password, in whatever form it was given', () => {
    for (const url of urls) {
      const text = describeDb(parseDbUrl(url))
      expect(text, url).not.toContain(S)
      expect(text, url).toContain('db.example.cn')
    }
  })

  it('maskUrl and redact (logs, CLI errors) mask every form', () => {
    for (const url of urls) {
      expect(maskUrl(url), url).not.toContain(S)
      expect(redact(`cannot open ${url}: refused`), url).not.toContain(S)
    }
    for (const text of [
      `Server=db;Database=crm;User Id=sa;Password=${S};`,
      `Server=db;Pwd=${S}`,
      `{"url":"x","password":"${S}"}`,
      `{"password": "${S}"}`,
      `postgres://crm:${S}@db/crm postgres://other:${S}2@db/crm`,
    ]) expect(redact(text), text).not.toContain(S)
    expect(maskUrl('not a url password=' + S)).not.toContain(S)
  })

  it('an mssql URL takes its password from ?password= / ?pwd= as well', () => {
    expect(parseDbUrl(`mssql://sa@h/crm?password=${S}`)).toMatchObject({ user: 'sa', password: S })
    expect(parseDbUrl(`mssql://sa@h/crm?pwd=${encodeURIComponent(S + '&x')}`)).toMatchObject({ password: S + '&x' })
    expect(parseDbUrl(`mssql://sa:${S}@h/crm`)).toMatchObject({ password: S })
  })

  it('splitting a PostgreSQL URL removes every password and keeps the one node-postgres would use', () => {
    const odd = 'p@ss/w:rd?&=%'
    for (const [url, expected] of [
      [`postgres://crm:${S}@db/crm`, S],
      [`postgres://crm@db/crm?password=${S}&sslmode=require`, S],
      [`postgres://crm:ignored@db/crm?password=${S}`, S], // pg: the query wins
      [`postgres://crm:${encodeURIComponent(odd)}@db/crm`, odd],
      [`postgres://crm@db/crm?password=${encodeURIComponent(odd)}`, odd],
      [`postgres://db/crm?user=crm&pwd=x&password=${S}`, S],
    ] as const) {
      const split = splitPgUrl(url)
      expect(split.password, url).toBe(expected)
      expect(split.url, url).not.toMatch(/password|pwd|ignored/i)
      expect(split.url, url).not.toContain(S)
      // and back: node-postgres reads the same password and user from the rebuilt URL
      const back = parsePg(pgUrlWithPassword(split.url, split.password))
      expect(back.password, url).toBe(expected)
      expect(back.user, url).toBe('crm')
      expect(back.host, url).toBe('db')
    }
    // an unparseable URL (port out of range) is not stored or shown with its secret either
    expect(splitPgUrl(`postgres://crm:${S}@db:99999/crm?password=${S}`).url).not.toContain(S)
    const { rest, password } = splitPassword({ dialect: 'postgres', url: `postgres://crm@db/crm?sslmode=require&password=${S}` })
    expect(password).toBe(S)
    expect(rest).toEqual({ dialect: 'postgres', url: 'postgres://crm@db/crm?sslmode=require' })
    expect(parsePg((withPassword(rest, S) as { url: string }).url)).toMatchObject({ user: 'crm', password: S, sslmode: 'require' })
  })
})
