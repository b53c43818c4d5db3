// The one Content-Security-Policy for the renderer, served by the HTTP bridge and set by
// the Electron window. Element Plus writes inline styles, so style-src allows them;
// scripts only ever come from our own files.
export function contentSecurityPolicy(opts: { devServerUrl?: string } = {}): string {
  const connect = ["'self'"]
  if (opts.devServerUrl) {
    // vite's dev server pushes updates over a websocket on the same host and port
    const u = new URL(opts.devServerUrl)
    connect.push(`ws://${u.host}`, `http://${u.host}`)
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}
