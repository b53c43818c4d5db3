// Naming between the contract and the tables: a camelCase field is a snake_case column.

/** `shortName` → `short_name`, `registeredCapitalCents` → `registered_capital_cents`. */
export const toColumn = (key: string) => key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())
