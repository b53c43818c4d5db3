// The part every list export shares when it reads a whole list without OFFSET pages: the list's
// ordered ids are read once (each module's own statement), then the rows of those ids a chunk at a
// time (each module's own statement, rows in any order), put back in the ids' order here.

/**
 * Ids one read by id names at most: SQL Server takes at most 2,100 parameters a statement, and a
 * read may name its ids twice (the customers' export rows).
 */
export const IDS_PER_READ = 1000

const idOfRow = (r: unknown) => String((r as { id: unknown }).id).toLowerCase()

/**
 * `rows` in the order of `ids`; an id without a row (deleted since the ids were read) is left out.
 * Ids match whatever their case: SQL Server can hand uniqueidentifiers back upper-case.
 */
export function inIdOrder<R>(ids: readonly string[], rows: readonly R[]): R[] {
  const byId = new Map<string, R>()
  for (const r of rows) byId.set(idOfRow(r), r)
  const out: R[] = []
  for (const id of ids) {
    const r = byId.get(id.toLowerCase())
    if (r) out.push(r)
  }
  return out
}

/**
 * The rows of `ids`, `step` ids a read (at most IDS_PER_READ), each chunk in the ids' order by
 * inIdOrder. Yields once even for no ids (an export still writes its header), without a read.
 */
export async function* chunksInOrder<R>(ids: readonly string[], step: number, readByIds: (ids: string[]) => PromiseLike<R[]>): AsyncGenerator<R[]> {
  const size = Math.max(1, Math.min(step, IDS_PER_READ))
  for (let i = 0; i < ids.length || i === 0; i += size) {
    const slice = ids.slice(i, i + size)
    yield slice.length ? inIdOrder(slice, await readByIds(slice)) : []
  }
}
