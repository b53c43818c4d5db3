// crm:// links (e.g. from an e-mail or another program) and the page they open. Only links to
// the app's own pages with well-formed ids are accepted; anything else is ignored (a link is
// text from outside: it never becomes a path the renderer would follow unchecked).
export const PROTOCOL = 'crm'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Pages a link may name, with or without an id. */
const PAGES: Record<string, { list: string | null; item: string | null }> = {
  customer: { list: '/customers', item: '/customers/' },
  customers: { list: '/customers', item: '/customers/' },
  opportunity: { list: '/opportunities', item: '/opportunities/' },
  opportunities: { list: '/opportunities', item: '/opportunities/' },
  reminders: { list: '/reminders', item: null },
  interactions: { list: '/interactions', item: null },
  search: { list: null, item: null },
}

/**
 * The app path a crm:// link opens: crm://customer/<id> → /customers/<id>, crm://customers,
 * crm://opportunity/<id>, crm://reminders, crm://interactions; null for anything else.
 */
export function deepLinkPath(link: string): string | null {
  let u: URL
  try {
    u = new URL(link.trim())
  } catch {
    return null
  }
  if (u.protocol !== `${PROTOCOL}:` || u.username || u.password || u.port) return null
  let parts: string[]
  try {
    parts = [u.hostname, ...u.pathname.split('/')].filter(Boolean).map((p) => decodeURIComponent(p))
  } catch {
    return null
  }
  const [kind, id, ...rest] = parts
  const page = kind ? PAGES[kind.toLowerCase()] : undefined
  if (!page || rest.length) return null
  if (!id) return page.list
  return page.item && UUID.test(id) ? page.item + id.toLowerCase() : null
}

/** The crm:// link among a process's arguments (Windows and Linux start a second instance with it). */
export const deepLinkInArgv = (argv: readonly string[]): string | null => argv.find((a) => a.toLowerCase().startsWith(`${PROTOCOL}://`)) ?? null
