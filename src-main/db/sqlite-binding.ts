// Which better-sqlite3 native binding this process loads: every SQLite handle of the app (the
// knex connection, backup and checkpoint workers, file checks) asks here.
let sqliteBinding: string | undefined
/** The Electron app run from the source tree loads a better-sqlite3 built for Electron's ABI. */
export function setSqliteNativeBinding(file: string | undefined) {
  sqliteBinding = file
}
/** The native binding every SQLite handle of this process loads (backups open their own handles). */
export const sqliteNativeBinding = () => sqliteBinding
