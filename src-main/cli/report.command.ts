// crm report: a saved 定时报告 generated now as .xlsx — found by its name among those the user
// may see (reports.schedule; the user's own first), computed with its owner's permissions and
// scope for the period given (default: the previous whole week or month), written to --out.
// Thin over reports.saved.service.
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../shared/errors'
import { loadActorByLogin } from '../modules/auth/auth.service'
import { parsePeriod, recordCliRun, savedByName, savedWorkbook } from '../modules/reports/reports.saved.service'
import { CliError, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'

interface ReportOpts extends DbOpts {
  as?: string
  period?: string
  out?: string
}

export function registerReport(program: Command, out: Out) {
  withDbOptions(program.command('report'))
    .summary('generate a saved report (定时报告) as .xlsx')
    .description(
      'Generate the saved report NAME (统计报表 → 定时报告) as a workbook: the report\'s data, its filters and the period, counted with its owner\'s permissions and scope.\n' +
        '--period: 2026-11 (a month), 2026-W47 (an ISO week), 2026 (a year), 2026-11-15 (a day) or 2026-11-01..2026-11-15; default: the previous whole week (weekly reports) or month.',
    )
    .argument('<name>', 'the saved report\'s name')
    .option('--period <period>', 'the period: YYYY-MM, YYYY-Www, YYYY, YYYY-MM-DD or FROM..TO')
    .option('--out <file>', 'the .xlsx file to write (default: NAME_FIRST_LAST.xlsx here)')
    .option('--as <login>', 'act as this user (default: the first administrator)')
    .action((name: string, o: ReportOpts) => runReport(name, o, out))
}

async function runReport(name: string, o: ReportOpts, out: Out) {
  if (o.period !== undefined && !parsePeriod(o.period)) throw new CliError(`bad --period ${o.period}: use 2026-11 (a month), 2026-W47 (an ISO week), 2026 (a year), 2026-11-15 (a day) or 2026-11-01..2026-11-15`)
  if (o.out !== undefined && path.extname(o.out).toLowerCase() !== '.xlsx') throw new CliError('--out must end in .xlsx')
  const app = await openCliApp(await cliDbConfig(o))
  try {
    const actor = await loadActorByLogin(app, o.as)
    if (!actor) throw new CliError(o.as ? `no enabled user ${o.as}` : 'no administrator: pass --as LOGIN')
    const ctx = { ...app, actor }
    let saved, made
    try {
      saved = await savedByName(ctx, name)
      made = await savedWorkbook(ctx, saved.id, o.period)
    } catch (e) {
      if (e instanceof AppError && e.code === 'not_found') throw new CliError(`no saved report called ${name} for ${actor.login} (see 统计报表 → 定时报告)`)
      if (e instanceof AppError && e.code === 'forbidden') throw new CliError(`${actor.login} may not generate saved reports (reports.schedule and reports.export)`)
      if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`)
      throw e
    }
    const target = path.resolve(o.out ?? `${saved.name.replace(/[\\/:*?"<>|]/g, '_')}_${made.period.first}_${made.period.last}.xlsx`)
    try {
      await fs.promises.writeFile(target, made.bytes)
    } catch (e) {
      throw new CliError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
    await recordCliRun(ctx, saved.id, made.period, [target])
    out.log(`wrote ${saved.name} (${made.period.first} ~ ${made.period.last}, ${made.rows} rows, as ${saved.ownerName ?? saved.ownerId}) to ${target}`)
  } finally {
    await app.db.knex.destroy()
  }
}
