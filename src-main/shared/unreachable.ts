// Whether an error means "the database server cannot be reached" (refused, timed out, gone
// away, shutting down) rather than a fault of the request. The IPC boundary answers such an error
// as `db_unreachable`; a desktop client in client mode goes offline on it.
const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE|ESOCKET|ELOGIN|Failed to connect|getaddrinfo|password authentication failed|database .* does not exist|SQLITE_CANTOPEN|unable to open database|Connection terminated|Connection ended|terminating connection|the database system is (shutting down|starting up|in recovery mode)|Timeout acquiring a connection|timeout exceeded when trying to connect|^timeout expired$|connection timeout|Query read timeout|Client has encountered a connection error|Connection lost|57P0[1-3]/i

export function isUnreachable(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e)
  const code = String((e as { code?: unknown } | null)?.code ?? '')
  return UNREACHABLE.test(msg) || UNREACHABLE.test(code)
}
