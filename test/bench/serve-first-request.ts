// npx tsx test/bench/serve-first-request.ts --db URL [--data DIR] [--port 4317] [--login jingli1] [--password demo12345]
// Starts `crm serve` on a (large) database and measures, from the moment it prints its URL, how
// long the first requests take while the first reminder evaluation runs in the background: the
// page (index.html), a login and a customer list page, then a list page every second for --for
// seconds (default 20), then stops the server. Target: the first request within 1 s of the URL.
// Linux: the serving process's resident size at the end (anonymous and file-backed) and its peak are
// printed too; with --idle N it is then sampled every 10 s for N seconds with no request sent (the
// main process's idle size, issue 8 item 5).
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const db = arg('db', '')
if (!db) throw new Error('--db URL is required')
const port = arg('port', '4317')
const seconds = Number(arg('for', '20'))
const base = `http://127.0.0.1:${port}`
const args = ['tsx', 'src-main/cli/crm.ts', 'serve', '--port', port, '--db', db, ...(process.argv.includes('--data') ? ['--data', arg('data', '')] : [])]

const t0 = performance.now()
// a process group of its own: `npx` does not pass a SIGTERM on to the server it started, so the
// whole group is stopped at the end (else the server runs on and this script never exits)
const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true })
const at = () => `${((performance.now() - t0) / 1000).toFixed(2)} s`
await new Promise<void>((resolve, reject) => {
  child.stdout.on('data', (d: Buffer) => {
    if (d.toString().includes('CRM running at')) resolve()
  })
  child.on('exit', (code) => reject(new Error(`crm serve exited (${code})`)))
})
const printed = performance.now()
console.log(`URL printed at ${at()} after start; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`)
const since = () => `${(performance.now() - printed).toFixed(0)} ms after the URL`
try {
  let t = performance.now()
  const html = await (await fetch(base + '/')).text()
  console.log(`GET / answered in ${(performance.now() - t).toFixed(0)} ms (${since()})`)
  const token = /name="crm-bridge-token" content="([^"]+)"/.exec(html)?.[1] ?? ''
  let cookie = ''
  const call = async (area: string, name: string, input: unknown) => {
    const r = await fetch(`${base}/api/${area}/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-crm-token': token, origin: base, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(input),
    })
    const set = r.headers.get('set-cookie')
    if (set) cookie = set.split(';')[0]!
    const body = (await r.json()) as { ok: boolean; error?: { code: string } }
    if (!body.ok) throw new Error(`${area}.${name}: ${body.error?.code}`)
    return body
  }
  t = performance.now()
  await call('auth', 'login', { login: arg('login', 'jingli1'), password: arg('password', 'demo12345') })
  console.log(`login answered in ${(performance.now() - t).toFixed(0)} ms (${since()})`)
  const times: number[] = []
  for (let i = 0; i <= seconds; i++) {
    t = performance.now()
    await call('customers', 'list', { page: 1 + i, pageSize: 20 })
    times.push(performance.now() - t)
    if (times[times.length - 1]! > 200) console.log(`list page ${1 + i}: ${times[times.length - 1]!.toFixed(0)} ms (${since()})`)
    if (i === 0) console.log(`first customer list answered in ${times[0]!.toFixed(0)} ms (${since()})`)
    await new Promise((r) => setTimeout(r, 1000))
  }
  times.sort((a, b) => a - b)
  console.log(`${times.length} list pages over ${seconds} s (the evaluation running): median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms`)
  const print = (when: string) => {
    const mem = serverMemory()
    if (mem) console.log(`the server process (pid ${mem.pid}) ${when}: resident ${mem.rss} MiB (anonymous ${mem.anon}, file ${mem.file}), peak ${mem.peak} MiB, CPU ${mem.cpu} s`)
  }
  print('now')
  const idle = Number(arg('idle', '0'))
  for (let s = 10; s <= idle; s += 10) {
    await new Promise((r) => setTimeout(r, 10_000))
    print(`idle ${s} s`)
  }
} finally {
  process.kill(-child.pid!, 'SIGTERM')
}

/** Linux: the resident size (MiB; anonymous and file-backed), the peak and the CPU seconds of the node process serving (in the started process group). */
function serverMemory(): { pid: number; rss: number; anon: number; file: number; peak: number; cpu: number } | null {
  if (process.platform !== 'linux') return null
  // npx, tsx's launcher and the server itself are all in the group: the server is the biggest
  const ps = execFileSync('ps', ['-o', 'pid=', '-g', String(child.pid)], { encoding: 'utf8' })
  const all = ps.split('\n').map((l) => Number(l.trim())).filter(Boolean).map((pid) => {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    const cpu = (Number(stat[11]) + Number(stat[12])) / 100 // utime + stime, in clock ticks
    return { pid, rss: Math.round(kib('VmRSS') / 1024), anon: Math.round(kib('RssAnon') / 1024), file: Math.round(kib('RssFile') / 1024), peak: Math.round(kib('VmHWM') / 1024), cpu }
  })
  return all.sort((a, b) => b.rss - a.rss)[0] ?? null
}
