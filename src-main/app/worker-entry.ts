// Starts a worker thread on one of the main process's own TypeScript entries (src-main/app/*-worker.ts).
// Built (electron-vite: out/main/<name>.js beside index.js, electron.vite.config.ts lists the
// entries) the file is plain JavaScript next to the bundle. From the source tree (`crm serve`, the
// CLI, tests) the thread registers tsx's loader first, as crm-bin.cjs does for the CLI: a worker
// does not take over its parent's loader hooks for its own entry file.
import { Worker } from 'node:worker_threads'

export function startWorker(name: string, workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts')
  if (!fromSource) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData })
  const api = import.meta.resolve('tsx/esm/api')
  const entry = new URL(`./${name}.ts`, import.meta.url).href
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(code, { eval: true, workerData, execArgv: [] })
}
