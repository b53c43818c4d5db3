// Shared pieces of the command line on commander: the CliError every command throws (crm.ts
// prints it as one `crm: <reason>` line), value parsers with clear messages, and the
// database options every command takes.
import { Command, Option } from 'commander'

export class CliError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliError'
  }
}

/** A parser for a whole-number option within [min, max]. */
export const intArg = (name: string, min: number, max: number) => (v: string): number => {
  if (!/^\d+$/.test(v)) throw new CliError(`--${name} must be a whole number`)
  const n = Number(v)
  if (n < min || n > max) throw new CliError(`--${name} must be between ${min} and ${max}`)
  return n
}

/** A parser for an option that takes one of `values`. */
export const oneOf = <T extends string>(name: string, values: readonly T[]) => (v: string): T => {
  if (!(values as readonly string[]).includes(v)) throw new CliError(`--${name} must be one of ${values.join(', ')}`)
  return v as T
}

/** The options of every command that opens a database. */
export interface DbOpts {
  db?: string
  data?: string
}

export function withDbOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--db <url>', 'database: sqlite:PATH, postgres://…, mssql://user:pass@host:port/db'))
    .addOption(new Option('--data <dir>', "data folder (default: CRM_DATA_DIR or the desktop app's folder)"))
}

/** A required option's value, trimmed; missing or blank is a CliError. */
export function required(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing --${name}`)
  return value
}
