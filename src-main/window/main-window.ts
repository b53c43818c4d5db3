// The one BrowserWindow and the security around it: isolated, sandboxed renderer without
// Node, a strict CSP, no navigation or new windows outside our own page (web links open in
// the system browser), every permission refused except desktop notifications for our own page,
// and no DevTools in an installed (packaged) app.
import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron'
import { contentSecurityPolicy } from '../server/csp'
import { isExternalLink, isOwnUrl, type RendererLocation } from './app-origin'
import { MIN_WINDOW, writeWindowState, type WindowState } from './window-state'

export interface MainWindowOptions {
  preload: string
  renderer: RendererLocation
  icon?: string
  /** the remembered size and position (window-state.ts), already fitted to the screens */
  state?: WindowState
}

/** Session-wide rules: CSP on every response; the only permission is notifications for our own page (due reminders). */
export function secureSession(ses: Session, renderer: RendererLocation) {
  const csp = contentSecurityPolicy(renderer.kind === 'dev' ? { devServerUrl: renderer.url } : {})
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders }
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k]
    headers['Content-Security-Policy'] = [csp]
    headers['X-Content-Type-Options'] = ['nosniff']
    callback({ responseHeaders: headers })
  })
  const allowed = (permission: string, url: string | undefined) => permission === 'notifications' && !!url && isOwnUrl(url, renderer)
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(allowed(permission, details?.requestingUrl)))
  ses.setPermissionCheckHandler((_wc, permission, _origin, details) => allowed(permission, details?.requestingUrl))
}

function openOutside(url: string) {
  if (isExternalLink(url)) void shell.openExternal(url)
}

/** Navigation guards for any webContents (also applied through app 'web-contents-created'). */
const guarded = new WeakSet<WebContents>()

export function guardContents(contents: WebContents, renderer: RendererLocation) {
  if (guarded.has(contents)) return
  guarded.add(contents)
  const onNavigate = (event: { preventDefault(): void; url?: string }, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? ''
    if (isOwnUrl(url, renderer)) return
    event.preventDefault()
    openOutside(url)
  }
  contents.on('will-navigate', onNavigate)
  contents.on('will-redirect', onNavigate)
  contents.on('will-frame-navigate', (event) => {
    if (!isOwnUrl(event.url, renderer)) event.preventDefault()
  })
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: o.state?.width ?? 1440,
    height: o.state?.height ?? 900,
    ...(o.state?.x !== undefined && o.state?.y !== undefined ? { x: o.state.x, y: o.state.y } : {}),
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: '客户关系管理',
    icon: o.icon,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // an installed app has no DevTools: they would let anyone at the keyboard script the
      // logged-in session around every check the renderer makes (main checks again anyway)
      devTools: !app.isPackaged,
    },
  })
  guardContents(win.webContents, o.renderer)
  win.once('ready-to-show', () => {
    if (o.state?.maximized) win.maximize()
    win.show()
  })
  if (o.renderer.kind === 'dev') void win.loadURL(o.renderer.url)
  else void win.loadFile(o.renderer.indexFile)
  return win
}

/** Saves the window's size and position (the unmaximized ones, and whether it is maximized) when it closes. */
export function rememberWindowState(win: BrowserWindow, dataDir: string) {
  win.on('close', () => writeWindowState(dataDir, win.getNormalBounds(), win.isMaximized()))
}
