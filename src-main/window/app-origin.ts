// Which URLs are "our app": the built index.html on disk in production, the vite dev
// server in development. Navigation guards and the IPC sender check both ask here.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export type RendererLocation = { kind: 'file'; indexFile: string } | { kind: 'dev'; url: string }

const samePath = (a: string, b: string) =>
  process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b

export function isOwnUrl(url: string, loc: RendererLocation): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (loc.kind === 'dev') return u.origin === new URL(loc.url).origin
  if (u.protocol !== 'file:' || (u.host && u.host !== 'localhost')) return false
  u.hash = ''
  u.search = ''
  try {
    return samePath(path.resolve(fileURLToPath(u)), path.resolve(loc.indexFile))
  } catch {
    return false
  }
}

/** Links the user may follow outside the app, in the operating system's browser or mail client. */
export function isExternalLink(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol)
  } catch {
    return false
  }
}
