// crm export: a list to .xlsx or .csv as a user sees it (their data scope and export right),
// with the list's filters and sort; progress on a terminal. Thin over the exports service.
import fs from 'node:fs'
import path from 'node:path'
import { once } from 'node:events'
import { Option, type Command } from 'commander'
import { EXPORT_LISTS, ExportInput } from '../contract/exports'
import { AppError } from '../shared/errors'
import { loadActorByLogin } from '../modules/auth/auth.service'
import { exportList } from '../modules/exports/exports.service'
import { CliError, oneOf, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'

/** The list names the command takes. */
const LISTS = EXPORT_LISTS

/** Filters that sit beside the list's `filter` rather than in it (per list). */
const TOP_LEVEL: Partial<Record<(typeof LISTS)[number], string[]>> = {
  contacts: ['customerId'],
  interactions: ['text', 'from', 'to', 'customerId', 'channelId', 'kind', 'createdBy'],
  tickets: ['status'],
}
/** Filters that take several values, comma-separated (requirements: --filter status=received,organising). */
const MULTI: Partial<Record<(typeof LISTS)[number], string[]>> = { requirements: ['status'] }

interface ExportOpts extends DbOpts {
  as?: string
  filter: string[]
  sort?: string
  encoding: 'utf8' | 'gbk'
  lang: 'zh-CN' | 'en-US'
  columns?: string
}

const collect = (v: string, prev: string[]) => [...prev, v]

export function registerExport(program: Command, out: Out) {
  withDbOptions(program.command('export'))
    .summary('export a list to .xlsx or .csv')
    .description(
      `Export a list (${LISTS.join(', ')}) to OUT.xlsx or OUT.csv as a user sees it: their data scope, the filters and sort given.\n` +
        'Filters are the list\'s: --filter search=广州 --filter status=normal (customers); --filter status=assigned --filter probabilityMin=50 (opportunities); ' +
        '--filter customerId=ID (contacts, required); --filter text=报价 --filter from=2026-11-01T00:00:00Z (interactions); --filter status=approved --filter dateFrom=2026-01-01 (orders); ' +
        '--filter methodId=ID (payments); --filter status=new --filter overdue=true (tickets); --filter status=received,organising --filter delayedOnly=true (requirements).',
    )
    .argument('<list>', `one of ${LISTS.join(', ')}`)
    .argument('<out>', 'the file to write: .xlsx or .csv')
    .option('--as <login>', 'act as this user (default: the first administrator)')
    .option('--filter <key=value>', 'a list filter (repeatable)', collect, [])
    .option('--sort <field[:asc|desc]>', 'sort field of the list, e.g. name:asc or updatedAt:desc')
    .option('--columns <keys>', 'comma-separated column keys (default: every column)')
    .addOption(new Option('--encoding <enc>', 'CSV encoding: utf8 (with a BOM) or gbk').default('utf8').argParser(oneOf('encoding', ['utf8', 'gbk'] as const)))
    .addOption(new Option('--lang <lang>', 'headers and sheet name: zh-CN or en-US').default('zh-CN').argParser(oneOf('lang', ['zh-CN', 'en-US'] as const)))
    .action((list: string, file: string, o: ExportOpts) => runExport(list, file, o, out))
}

/** key=value pairs as the list's input: numbers, true/false and comma lists where the list takes them. */
function parseFilter(list: (typeof LISTS)[number], pairs: string[]): { top: Record<string, unknown>; filter: Record<string, unknown> } {
  const top: Record<string, unknown> = {}
  const filter: Record<string, unknown> = {}
  for (const p of pairs) {
    const i = p.indexOf('=')
    if (i <= 0) throw new CliError(`--filter takes key=value, not ${p}`)
    const key = p.slice(0, i).trim()
    const raw = p.slice(i + 1).trim()
    let value: unknown = raw
    if (/^(probability(Min|Max)|amount(Min|Max)Cents)$/.test(key) && /^\d+$/.test(raw)) value = Number(raw)
    else if (raw === 'true' || raw === 'false') value = raw === 'true'
    else if (MULTI[list]?.includes(key)) value = raw.split(',').map((x) => x.trim()).filter(Boolean)
    ;(TOP_LEVEL[list]?.includes(key) ? top : filter)[key] = value
  }
  return { top, filter }
}

async function runExport(list: string, file: string, o: ExportOpts, out: Out) {
  const name = oneOf('list', LISTS)(list)
  const { top, filter } = parseFilter(name, o.filter)
  const ext = path.extname(file).toLowerCase()
  if (ext !== '.xlsx' && ext !== '.csv') throw new CliError('the output file must end in .xlsx or .csv')
  const [field, order] = (o.sort ?? '').split(':')
  const parsed = ExportInput.safeParse({
    list,
    format: ext.slice(1),
    encoding: o.encoding,
    lang: o.lang,
    ...top,
    ...(name === 'contacts' ? {} : { filter }),
    ...(o.sort ? { sort: { field, order: order || 'asc' } } : {}),
    ...(o.columns ? { columns: o.columns.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
    utcOffsetMinutes: -new Date().getTimezoneOffset(),
  })
  if (!parsed.success) throw new CliError(`bad export options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const app = await openCliApp(await cliDbConfig(o))
  try {
    const actor = await loadActorByLogin(app, o.as)
    if (!actor) throw new CliError(o.as ? `no enabled user ${o.as}` : 'no administrator: pass --as LOGIN')
    const target = path.resolve(file)
    const stream = fs.createWriteStream(target)
    const started = Date.now()
    let r
    try {
      r = await exportList({ ...app, actor }, parsed.data, stream, { onProgress: (done, total) => out.progress(`exporting ${list}: ${done} / ${total}`) })
    } catch (e) {
      await fs.promises.rm(target, { force: true })
      if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`)
      throw e
    }
    if (!stream.closed) await once(stream, 'close')
    out.endProgress()
    out.log(`exported ${r.rows} ${list} to ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  } finally {
    await app.db.knex.destroy()
  }
}
