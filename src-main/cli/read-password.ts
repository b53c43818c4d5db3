// The password for `crm user add`: CRM_PASSWORD, or the first line of standard input
// (typed without echo on a terminal, or piped: `echo secret | crm user add …`).
import readline from 'node:readline'
import { CliError } from './cli-args'

export async function readPassword(): Promise<string> {
  const fromEnv = process.env.CRM_PASSWORD
  if (fromEnv) return fromEnv
  const stdin = process.stdin
  if (stdin.isTTY) return promptHidden('Password: ')
  const chunks: Buffer[] = []
  for await (const c of stdin) chunks.push(c as Buffer)
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]
  if (!line) throw new CliError('no password: set CRM_PASSWORD or pipe it on standard input')
  return line
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream }
    process.stderr.write(prompt)
    out._writeToOutput = () => {} // no echo
    rl.question('', (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    rl.on('SIGINT', () => {
      rl.close()
      reject(new CliError('cancelled'))
    })
  })
}
