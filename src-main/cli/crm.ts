// The `crm` command line: thin over the services. Any failure ends with exit code 1 and one
// `crm: <reason>` line on stderr (secrets redacted).
import { redact } from '../shared/log'
import { CliError } from './cli-args'
import { demoCommand, demoUsage } from './demo.command'
import { migrateCommand, migrateUsage } from './migrate.command'
import { consoleOut, type Out } from './output'
import { serveCommand, serveUsage } from './serve.command'
import { userCommand, userUsage } from './user.command'

export const HELP = `crm — command line of 客户关系管理 (CRM)

Usage:
  ${migrateUsage}
      create or update the database schema; --print-sql prints the DDL for the --db dialect
      without connecting (e.g. --db mssql://user:pass@host:1433/crm)
  ${userUsage}
      create a user; the password comes from CRM_PASSWORD or standard input
  ${serveUsage}
      run the browser mode on the loopback interface until Ctrl+C
  ${demoUsage}
      add realistic demo customers and contacts (and demo users when there are none)

Database selection: --db URL (sqlite:PATH, postgres://…, mssql://user:pass@host:port/db),
else the connection saved in the data folder, else DIR/crm.sqlite. --data DIR defaults to
CRM_DATA_DIR or the desktop app's data folder.`

const COMMANDS: Record<string, (argv: string[], out: Out) => Promise<void>> = {
  migrate: migrateCommand,
  user: userCommand,
  serve: serveCommand,
  demo: demoCommand,
}

export async function main(argv: string[], out: Out = consoleOut): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      out.log(HELP)
      return 0
    }
    if (!command) throw new CliError('missing command (see crm --help)')
    const run = COMMANDS[command]
    if (!run) throw new CliError(`unknown command: ${command} (see crm --help)`)
    await run(rest, out)
    return 0
  } catch (e) {
    out.endProgress()
    const msg = e instanceof CliError ? e.message : e instanceof Error ? e.message : String(e)
    process.stderr.write(`crm: ${redact(msg).replace(/\s*\n\s*/g, ' ').trim()}\n`)
    return 1
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
