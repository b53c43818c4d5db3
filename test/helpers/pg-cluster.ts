// A throwaway PostgreSQL cluster a test may stop and start (the offline-sync e2e: the central
// database goes away and comes back). Never the shared cluster: its own name and port
// (CRM_SYNC_PG_CLUSTER, default <newest installed version>/crmsync on 5439), created with its role and database when
// missing. Debian's postgresql-common tools (pg_createcluster, pg_ctlcluster) run as root, as on CI.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

/** The newest PostgreSQL installed (as .ci/run picks it), 15 when none is found. */
function newestVersion(): string {
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(a) - Number(b))
    return versions.at(-1) ?? '15'
  } catch {
    return '15'
  }
}
const [VERSION, NAME] = (process.env.CRM_SYNC_PG_CLUSTER ?? `${newestVersion()}/crmsync`).split('/')
export const PG_PORT = Number(process.env.CRM_SYNC_PG_PORT ?? 5439)
export const PG_DB = 'syncclient_central'
export const PG_URL = `postgres://crm:crm@127.0.0.1:${PG_PORT}/${PG_DB}`

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
const psql = (sql: string, db = 'postgres') => run('runuser', ['-u', 'postgres', '--', 'psql', '-p', String(PG_PORT), '-d', db, '-v', 'ON_ERROR_STOP=1', '-tAc', sql]).trim()

/** Why this machine cannot run the cluster (null: it can). */
export function clusterUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'managing a PostgreSQL cluster needs root (pg_createcluster / pg_ctlcluster)'
  try {
    run('pg_lsclusters', ['-h'])
    run('test', ['-x', `/usr/lib/postgresql/${VERSION}/bin/postgres`])
  } catch {
    return `Debian's postgresql-common and PostgreSQL ${VERSION} are needed`
  }
  return null
}

function clusterLine(): string | undefined {
  return run('pg_lsclusters', ['-h']).split('\n').find((l) => l.split(/\s+/)[0] === VERSION && l.split(/\s+/)[1] === NAME)
}

export const clusterOnline = () => /\sonline\b/.test(clusterLine() ?? '')

/** Creates (when missing) and starts the cluster, its `crm` role and a fresh central database. */
export function ensureCluster(o: { freshDb?: boolean } = {}) {
  const line = clusterLine()
  if (!line) run('pg_createcluster', [VERSION, NAME, '-p', String(PG_PORT), '--start-conf=manual'])
  else if (line.split(/\s+/)[2] !== String(PG_PORT)) throw new Error(`cluster ${VERSION}/${NAME} listens on ${line.split(/\s+/)[2]}, not ${PG_PORT}`)
  startCluster()
  if (!psql("select 1 from pg_roles where rolname = 'crm'")) psql("create role crm login password 'crm'")
  if (o.freshDb) psql(`drop database if exists ${PG_DB} with (force)`)
  if (!psql(`select 1 from pg_database where datname = '${PG_DB}'`)) psql(`create database ${PG_DB} owner crm`)
}

export function startCluster() {
  if (!clusterOnline()) run('pg_ctlcluster', [VERSION, NAME, 'start'])
}

/** Stops the cluster: open connections are cut (fast shutdown), new ones refused. */
export function stopCluster() {
  if (clusterOnline()) run('pg_ctlcluster', [VERSION, NAME, 'stop', '-m', 'fast'])
}

/** One statement on the central database (as its owner). */
export const centralSql = (sql: string) => psql(sql, PG_DB)
