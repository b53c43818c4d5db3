// Serving the built renderer: content types, SPA fallback, and a path check that keeps
// every file inside the static folder.
import fs from 'node:fs'
import path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

export const contentTypeOf = (file: string) => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'

export type StaticTarget = { kind: 'file'; file: string } | { kind: 'index' } | { kind: 'refused' } | { kind: 'missing' }

/**
 * Maps a request path to a file under `root`. Anything that decodes to a `..` segment,
 * a backslash or a NUL is refused outright rather than normalised away; paths without an
 * extension that name no file fall back to index.html (client-side routes).
 */
export function resolveStatic(root: string, urlPath: string): StaticTarget {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return { kind: 'refused' }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused' }
  const segments = decoded.split('/')
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'refused' }
  if (decoded === '/' || decoded === '/index.html') return { kind: 'index' }
  const base = path.resolve(root)
  const file = path.resolve(base, '.' + decoded)
  if (file !== base && !file.startsWith(base + path.sep)) return { kind: 'refused' }
  try {
    const st = fs.statSync(file)
    if (st.isFile()) return { kind: 'file', file }
  } catch {
    /* not there */
  }
  return path.extname(decoded) ? { kind: 'missing' } : { kind: 'index' }
}

/** index.html with the per-run token as a meta tag the renderer's api client reads. */
export function injectToken(html: string, token: string): string {
  const meta = `<meta name="crm-bridge-token" content="${token}">`
  const withoutOld = html.replace(/<meta\s+name="crm-bridge-token"[^>]*>/gi, '')
  const close = withoutOld.search(/<\/head>/i)
  if (close !== -1) return withoutOld.slice(0, close) + meta + withoutOld.slice(close)
  const head = /<head[^>]*>/i.exec(withoutOld)
  if (!head) return meta + withoutOld
  const at = head.index + head[0].length
  return withoutOld.slice(0, at) + meta + withoutOld.slice(at)
}
