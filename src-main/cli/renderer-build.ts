// `crm serve` serves the renderer built for the browser mode; it rebuilds it with the
// project's own vite when the build is missing or older than any renderer source file.
import fs from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CliError } from './cli-args'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const WEB_OUT_DIR = path.join(PROJECT_ROOT, 'out', 'renderer-web')

function newestMtime(p: string): number {
  let st: fs.Stats
  try {
    st = fs.statSync(p)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const e of fs.readdirSync(p)) {
    if (e === 'node_modules' || e.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(path.join(p, e)))
  }
  return newest
}

export function rendererBuildIsStale(root = PROJECT_ROOT, outDir = WEB_OUT_DIR): boolean {
  const built = newestMtime(path.join(outDir, 'index.html'))
  if (!built) return true
  const sources = Math.max(newestMtime(path.join(root, 'src-renderer')), newestMtime(path.join(root, 'vite.web.config.ts')))
  return sources > built
}

/** Runs `vite build --config vite.web.config.ts`, showing vite's own progress on stderr. */
export function buildRenderer(root = PROJECT_ROOT): Promise<void> {
  const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  if (!fs.existsSync(viteBin)) throw new CliError('the renderer is not built and vite is not installed (run npm install)')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--config', 'vite.web.config.ts'], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    })
    child.on('error', (e) => reject(new CliError(`cannot run vite: ${e.message}`)))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new CliError(`building the renderer failed (vite exited with ${code})`))))
  })
}

export async function ensureRendererBuilt(root = PROJECT_ROOT, outDir = WEB_OUT_DIR): Promise<string> {
  if (process.env.CRM_SKIP_RENDERER_BUILD !== '1' && rendererBuildIsStale(root, outDir)) await buildRenderer(root)
  if (!fs.existsSync(path.join(outDir, 'index.html'))) throw new CliError(`no built renderer in ${outDir}`)
  return outDir
}
