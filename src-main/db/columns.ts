// Naming between the contract and the tables: a camelCase field is a snake_case column.

const columnOf = new Map<string, string>()

/**
 * `shortName` → `short_name`, `registeredCapitalCents` → `registered_capital_cents`. Remembered
 * per key (the keys are the contracts' field names; a bulk import asks for every field of every row).
 */
export function toColumn(key: string): string {
  let c = columnOf.get(key)
  if (c === undefined) {
    c = key.replace(/[A-Z]/g, (ch) => '_' + ch.toLowerCase())
    if (columnOf.size < 10_000) columnOf.set(key, c)
  }
  return c
}
