// Electron loads native modules built for its own ABI, while Node (tests, the crm command,
// the browser mode) needs the one in node_modules built for Node. This builds better-sqlite3
// a second time, for Electron, into out/native/electron-<version>-<arch>/ and leaves
// node_modules alone; the desktop app loads it from there when run from the source tree.
// Runs before `npm start` / `npm run dev`; does nothing once the file exists.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, '$1')), '..')
const runtime = process.env.CRM_NATIVE_RUNTIME ?? 'electron' // 'node' only to test this script
const target = process.env.CRM_NATIVE_TARGET ?? (runtime === 'electron' ? require('electron/package.json').version : process.versions.node)
const arch = process.env.CRM_NATIVE_ARCH ?? process.arch
const outDir = path.join(root, 'out', 'native', `${runtime}-${target}-${arch}`)
const outFile = path.join(outDir, 'better_sqlite3.node')

if (fs.existsSync(outFile)) process.exit(0)

const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-native-'))
for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
  fs.cpSync(path.join(pkgDir, part), path.join(work, part), { recursive: true })
}
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' })

console.log(`building better-sqlite3 for ${runtime} ${target} (${arch}) …`)
try {
  // a prebuilt binary for this Electron, when one is published
  run(bin('prebuild-install'), ['--runtime', runtime, '--target', target, '--arch', arch])
} catch {
  // otherwise compile (needs a C++ toolchain, and Electron's headers for runtime electron)
  const nodedir = process.env.npm_config_nodedir
  const headers = runtime === 'electron' ? ['--dist-url=https://electronjs.org/headers'] : nodedir ? [`--nodedir=${nodedir}`] : []
  run(bin('node-gyp'), ['rebuild', '--release', `--runtime=${runtime}`, `--target=${target}`, `--arch=${arch}`, ...headers])
}
fs.mkdirSync(outDir, { recursive: true })
fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), outFile)
fs.rmSync(work, { recursive: true, force: true })
console.log(`better-sqlite3 for ${runtime} ${target}: ${path.relative(root, outFile)}`)
