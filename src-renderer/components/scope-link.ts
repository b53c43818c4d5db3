// The scope a link from the 工作台 carries (?scope=own|team): the list narrows the caller's own
// scope to it, so the list shows exactly the rows the card counted.
import type { DataScope } from '@contract/common'

export type LinkScope = Exclude<DataScope, 'all'>

/** ?scope=own|team → that scope; anything else → undefined (the caller's own scope). */
export function scopeFromQuery(v: unknown): LinkScope | undefined {
  return v === 'own' || v === 'team' ? v : undefined
}
