// crm import: customers (with their primary contact), contacts, products or orders (one row per
// order line) from an .xlsx or a CSV, as a
// user (their rights and data scope), with the same engine as the app's import wizard. Prints
// the summary (one JSON line with --json); a progress bar on a terminal. Exits non-zero only
// when nothing could be read (no file, not a spreadsheet, no header, bad options).
import fs from 'node:fs'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { IMPORT_ENTITIES, type ImportSummary } from '../contract/imports'
import { AppError } from '../shared/errors'
import { loadActorByLogin } from '../modules/auth/auth.service'
import { importsErrorReport, inspectFile, runImport } from '../modules/imports/imports.service'
import { CliError, oneOf, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'

interface ImportOpts extends DbOpts {
  as?: string
  encoding: 'auto' | 'utf8' | 'gbk' | 'gb18030'
  onDuplicate: 'skip' | 'update' | 'create'
  mapping?: string
  errors?: string
  sheet: string
  json?: boolean
  lang: 'zh-CN' | 'en-US'
}

export function registerImport(program: Command, out: Out) {
  withDbOptions(program.command('import'))
    .summary('import customers, contacts, products or orders from .xlsx or .csv')
    .description(
      `Import ${IMPORT_ENTITIES.join(', ')} from FILE (.xlsx, or .csv in UTF-8 or GBK) as a user: headers are matched to fields by name and synonyms\n` +
        '(or by a mapping the user saved in the app), every row is checked and 查重\'d before it is written, rejected rows go to --errors.\n' +
        'Prints imported / updated / skipped / rejected; exits non-zero only when the file could not be read.',
    )
    .argument('<entity>', IMPORT_ENTITIES.join(' | '))
    .argument('<file>', 'the .xlsx or .csv file')
    .option('--as <login>', 'act as this user (default: the first administrator)')
    .addOption(new Option('--encoding <enc>', 'CSV encoding: auto, utf8, gbk or gb18030').default('auto').argParser(oneOf('encoding', ['auto', 'utf8', 'gbk', 'gb18030'] as const)))
    .addOption(new Option('--on-duplicate <what>', 'a row that duplicates an existing record: skip, update or create (orders: skip or create, under a new number)').default('skip').argParser(oneOf('on-duplicate', ['skip', 'update', 'create'] as const)))
    .option('--mapping <name>', 'a column mapping the user saved in the app')
    .option('--sheet <n>', 'the sheet of the workbook, 1 = first', '1')
    .option('--errors <out.xlsx>', 'write the rejected rows with their reason to this workbook')
    .addOption(new Option('--lang <lang>', 'language of the error reasons').default('zh-CN').argParser(oneOf('lang', ['zh-CN', 'en-US'] as const)))
    .option('--json', 'print the summary as one JSON line')
    .action((entity: string, file: string, o: ImportOpts) => runImportCommand(entity, file, o, out))
}

const bar = (f: number, width = 24) => '#'.repeat(Math.round(f * width)).padEnd(width, '-')

async function runImportCommand(entityArg: string, file: string, o: ImportOpts, out: Out) {
  const entity = oneOf('entity', IMPORT_ENTITIES)(entityArg)
  const source = path.resolve(file)
  if (!fs.existsSync(source)) throw new CliError(`no such file: ${source}`)
  const sheet = Number(o.sheet)
  if (!Number.isInteger(sheet) || sheet < 1) throw new CliError('--sheet takes 1 or more')
  const app = await openCliApp(await cliDbConfig(o))
  try {
    const actor = await loadActorByLogin(app, o.as)
    if (!actor) throw new CliError(o.as ? `no enabled user ${o.as}` : 'no administrator: pass --as LOGIN')
    const ctx = { ...app, actor }
    const f = { file: source, fileName: path.basename(source) }
    let summary: ImportSummary
    try {
      const insp = await inspectFile(ctx, f, { entity, sheet: sheet - 1, encoding: o.encoding, mappingName: o.mapping })
      const tty = !!process.stderr.isTTY
      summary = await runImport(ctx, f, {
        entity, sheet: sheet - 1, encoding: o.encoding, mapping: insp.mapping, onDuplicate: o.onDuplicate, owner: 'me', createDictValues: false, lang: o.lang,
      }, {
        onProgress: (s) => {
          if (tty) out.progress(`importing ${entity} [${bar(s.fraction)}] ${Math.round(s.fraction * 100)}% ${s.rowsDone} rows${s.secondsLeft !== null ? `, ${s.secondsLeft} s left` : ''}`)
        },
      })
    } catch (e) {
      if (e instanceof AppError) throw new CliError(`${e.extra.key ?? e.code}: ${e.message}`)
      throw e
    }
    out.endProgress()
    if (o.errors && summary.hasErrorReport) {
      const rep = await importsErrorReport(ctx, { batchId: summary.batchId, lang: o.lang })
      await fs.promises.writeFile(path.resolve(o.errors), Buffer.from(rep.contentBase64, 'base64'))
    }
    const { imported, updated, skipped, rejected } = summary
    if (o.json) out.log(JSON.stringify({ imported, updated, skipped, rejected, status: summary.status, batchId: summary.batchId, similar: summary.similar.length, errors: o.errors && summary.hasErrorReport ? path.resolve(o.errors) : null }))
    else {
      out.log(`${summary.status === 'done' ? 'imported' : summary.status} ${entity} from ${f.fileName}: ${imported} imported, ${updated} updated, ${skipped} skipped, ${rejected} rejected` +
        (summary.similar.length ? `; ${summary.similar.length} with a similar existing name (review them)` : ''))
      if (rejected && o.errors) out.log(`rejected rows and their reasons: ${path.resolve(o.errors)}`)
      else if (rejected) out.log('pass --errors OUT.xlsx to get the rejected rows with their reasons')
    }
  } finally {
    await app.db.knex.destroy()
  }
}
