// The main window's size and position, remembered in <data folder>/window-state.json. A saved
// position is used only while it is still on a screen (a monitor may have been unplugged since);
// otherwise the window opens centred with the saved size, never larger than the screen.
import fs from 'node:fs'
import path from 'node:path'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const WINDOW_STATE_FILE = 'window-state.json'
export const DEFAULT_WINDOW: WindowState = { width: 1440, height: 900, maximized: false }
export const MIN_WINDOW = { width: 1024, height: 640 }
/** How much of the window's top must be on a screen for the position to be kept (to grab it). */
const VISIBLE = { width: 200, height: 60 }

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null)

function overlap(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  return { x, y, width: Math.min(a.x + a.width, b.x + b.width) - x, height: Math.min(a.y + a.height, b.y + b.height) - y }
}

/**
 * The saved state fitted to the screens' work areas now: the size within the largest screen,
 * the position only when the window's top strip lies on one of them. Defaults when nothing
 * (readable) was saved.
 */
export function fitWindowState(saved: unknown, workAreas: Rect[]): WindowState {
  const s = (saved && typeof saved === 'object' ? saved : {}) as Record<string, unknown>
  const maxW = Math.max(MIN_WINDOW.width, ...workAreas.map((a) => a.width))
  const maxH = Math.max(MIN_WINDOW.height, ...workAreas.map((a) => a.height))
  const width = Math.min(maxW, Math.max(MIN_WINDOW.width, int(s.width) ?? DEFAULT_WINDOW.width))
  const height = Math.min(maxH, Math.max(MIN_WINDOW.height, int(s.height) ?? DEFAULT_WINDOW.height))
  const out: WindowState = { width, height, maximized: s.maximized === true }
  const x = int(s.x)
  const y = int(s.y)
  if (x !== null && y !== null) {
    const top: Rect = { x, y, width, height: VISIBLE.height }
    const onScreen = workAreas.some((a) => {
      const o = overlap(top, a)
      return o.width >= Math.min(VISIBLE.width, width) && o.height >= VISIBLE.height && y >= a.y
    })
    if (onScreen) Object.assign(out, { x, y })
  }
  return out
}

export function readWindowState(dataDir: string, workAreas: Rect[]): WindowState {
  let saved: unknown = null
  try {
    saved = JSON.parse(fs.readFileSync(path.join(dataDir, WINDOW_STATE_FILE), 'utf8'))
  } catch {
    saved = null // none yet, or unreadable: the defaults
  }
  return fitWindowState(saved, workAreas)
}

export function writeWindowState(dataDir: string, bounds: Rect, maximized: boolean) {
  const state: WindowState = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, maximized }
  try {
    fs.writeFileSync(path.join(dataDir, WINDOW_STATE_FILE), JSON.stringify(state), { mode: 0o600 })
  } catch {
    /* the data folder is not writable: the next start uses the defaults */
  }
}
