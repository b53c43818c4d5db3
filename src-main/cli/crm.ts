// The `crm` command line: thin over the services, on commander (`--help` on every command and
// subcommand). Any failure ends with exit code 1 and one `crm: <reason>` line on stderr
// (secrets redacted); help and results go to stdout.
import { Command, CommanderError } from 'commander'
import { redact } from '../shared/log'
import { CliError } from './cli-args'
import { registerBackup } from './backup.command'
import { registerDemo } from './demo.command'
import { registerExport } from './export.command'
import { registerImport } from './import.command'
import { registerMigrate } from './migrate.command'
import { consoleOut, type Out } from './output'
import { registerReport } from './report.command'
import { registerServe } from './serve.command'
import { registerSync } from './sync.command'
import { registerUser } from './user.command'

const FOOTER = `
Database selection: --db URL (sqlite:PATH, postgres://…, mssql://user:pass@host:port/db),
else the connection saved in the data folder, else DIR/crm.sqlite. --data DIR defaults to
CRM_DATA_DIR or the desktop app's data folder (the same database the desktop app opens).`

export function buildProgram(out: Out): Command {
  const program = new Command('crm')
    .description('crm — command line of 客户关系管理 (CRM)')
    .helpCommand(true)
    .showSuggestionAfterError(true)
    .addHelpText('after', FOOTER)
  registerMigrate(program, out)
  registerUser(program, out)
  registerServe(program, out)
  registerDemo(program, out)
  registerExport(program, out)
  registerReport(program, out)
  registerImport(program, out)
  registerBackup(program, out)
  registerSync(program, out)
  // every (sub)command: throw instead of exiting, help to `out`, errors left to main()
  const configure = (c: Command) => {
    c.exitOverride().configureOutput({ writeOut: (s) => out.log(s.trimEnd()), writeErr: () => {}, outputError: () => {} })
    c.allowExcessArguments(false)
    c.configureHelp({ subcommandTerm: (sub) => ['crm', commandPath(c), sub.name(), sub.usage()].filter(Boolean).join(' ') })
    c.commands.forEach(configure)
  }
  configure(program)
  return program
}

function commandPath(c: Command): string {
  const names: string[] = []
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name())
  return names.join(' ')
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version'])

export async function main(argv: string[], out: Out = consoleOut): Promise<number> {
  const program = buildProgram(out)
  try {
    if (!argv.length) throw new CliError('missing command (see crm --help)')
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (e) {
    out.endProgress()
    if (e instanceof CommanderError && HELP_CODES.has(e.code)) return 0
    let msg = e instanceof Error ? e.message : String(e)
    if (e instanceof CommanderError) {
      msg = msg.replace(/^error: /, '')
      if (e.code === 'commander.executeSubCommandAsync' || e.code === 'commander.missingArgument' || e.code === 'commander.unknownCommand') msg += ' (see crm --help)'
    }
    process.stderr.write(`crm: ${redact(msg).replace(/\s*\n\s*/g, ' ').trim()}\n`)
    return 1
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
