// crm sync: one sync of a desktop client's local cache with the central database, from the
// command line: pushes the queued offline changes in order, then pulls. Prints what was pushed,
// pulled, refused (with the reason) and in conflict. The same code the desktop client runs.
import path from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../shared/errors'
import { CliError, required, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'

interface SyncOpts extends DbOpts {
  clientDir?: string
  as?: string
}

export function registerSync(program: Command, out: Out) {
  withDbOptions(program.command('sync'))
    .summary("sync a desktop client's offline cache with the central database once")
    .description(
      'Push the offline changes queued in the client folder (in order), then pull what changed centrally for its user.\n' +
        'The first sync of a folder needs --as LOGIN: the folder then holds that user\'s cache.',
    )
    .option('--client-dir <dir>', 'the client folder (local cache and outbox)')
    .option('--as <login>', 'the user whose cache it is (needed on the first sync)')
    .action((o: SyncOpts) => runSync(o, out))
}

async function runSync(o: SyncOpts, out: Out) {
  const dir = path.resolve(required(o.clientDir, 'client-dir'))
  // loaded on use: the sync client pulls in most services, which other commands need not load
  const { SyncClient } = await import('../modules/sync/sync.client')
  const central = await openCliApp(await cliDbConfig(o))
  const client = await SyncClient.open(dir)
  try {
    const started = Date.now()
    const r = await client.sync(central, { login: o.as })
    const st = await client.state()
    out.log(`pushed ${r.pushed} (applied ${r.applied}, kept on deleted customers ${r.kept}, refused ${r.rejected.length}, held ${r.held})`)
    out.log(`pulled ${r.pulled} rows in ${r.pages} page(s), removed ${r.removed}${r.reloaded ? ', cache reloaded' : ''}${r.epochChanged ? ' (central database restored: queue uploaded again)' : ''}`)
    out.log(`conflicts ${r.conflicts} new, ${(await client.conflicts()).length} open; pending ${st.pending}; ${((Date.now() - started) / 1000).toFixed(1)} s`)
    for (const x of r.rejected) out.log(`  refused #${x.mutationId} ${x.operation}: ${x.error?.code}: ${x.error?.message}`)
    for (const c of await client.conflicts()) out.log(`  conflict ${c.entity} ${c.entityId} ${c.field}: offline ${JSON.stringify(c.local)} / central ${JSON.stringify(c.central)}`)
  } catch (e) {
    if (e instanceof AppError) throw new CliError(`${e.code}: ${e.message}`)
    throw e
  } finally {
    await client.close()
    await central.db.knex.destroy()
  }
}
