// A small, strict option parser: `--name value`, `--name=value` and boolean flags. Every
// mistake is a CliError, which crm.ts prints as one `crm: <reason>` line.
export class CliError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliError'
  }
}

export interface OptionSpec {
  strings?: readonly string[]
  flags?: readonly string[]
}

export interface ParsedArgs {
  positionals: string[]
  opts: Record<string, string | undefined>
  flags: Record<string, boolean>
}

export function parseArgs(argv: string[], spec: OptionSpec): ParsedArgs {
  const strings = new Set(spec.strings ?? [])
  const flags = new Set([...(spec.flags ?? []), 'help'])
  const out: ParsedArgs = { positionals: [], opts: {}, flags: {} }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-h') {
      out.flags.help = true
      continue
    }
    if (!a.startsWith('--')) {
      out.positionals.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.slice(2, eq === -1 ? undefined : eq)
    if (flags.has(name)) {
      if (eq !== -1) throw new CliError(`option --${name} takes no value`)
      out.flags[name] = true
    } else if (strings.has(name)) {
      const value = eq === -1 ? argv[++i] : a.slice(eq + 1)
      if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new CliError(`option --${name} needs a value`)
      if (name in out.opts) throw new CliError(`option --${name} given twice`)
      out.opts[name] = value
    } else {
      throw new CliError(`unknown option --${name}`)
    }
  }
  return out
}

export function requireOpt(p: ParsedArgs, name: string): string {
  const v = p.opts[name]
  if (v === undefined || v.trim() === '') throw new CliError(`missing --${name}`)
  return v
}

export function intOpt(p: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = p.opts[name]
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) throw new CliError(`--${name} must be a whole number`)
  const n = Number(v)
  if (n < min || n > max) throw new CliError(`--${name} must be between ${min} and ${max}`)
  return n
}

export function noPositionals(p: ParsedArgs, command: string) {
  if (p.positionals.length) throw new CliError(`unexpected argument for ${command}: ${p.positionals[0]}`)
}
