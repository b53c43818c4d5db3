// Texts of the native menus and the tray, in the renderer's UI language (it tells main when it
// changes). Main shows these only; nothing here is stored.
export type ShellLocale = 'zh-CN' | 'en-US'

export interface ShellTexts {
  app: string
  file: string
  edit: string
  view: string
  window: string
  help: string
  open: string
  search: string
  lock: string
  reminders: string
  customers: string
  about: string
  checkUpdates: string
  quit: string
  hide: string
  hideOthers: string
  unhide: string
  undo: string
  redo: string
  cut: string
  copy: string
  paste: string
  selectAll: string
  reload: string
  resetZoom: string
  zoomIn: string
  zoomOut: string
  fullScreen: string
  minimize: string
  zoom: string
  close: string
  noneDue: string
  due: (n: number) => string
}

const zh: ShellTexts = {
  app: '客户关系管理',
  file: '文件',
  edit: '编辑',
  view: '视图',
  window: '窗口',
  help: '帮助',
  open: '打开客户关系管理',
  search: '全局搜索…',
  lock: '锁屏',
  reminders: '提醒中心',
  customers: '客户档案',
  about: '关于客户关系管理',
  checkUpdates: '检查更新…',
  quit: '退出',
  hide: '隐藏客户关系管理',
  hideOthers: '隐藏其他',
  unhide: '全部显示',
  undo: '撤销',
  redo: '重做',
  cut: '剪切',
  copy: '复制',
  paste: '粘贴',
  selectAll: '全选',
  reload: '重新加载',
  resetZoom: '实际大小',
  zoomIn: '放大',
  zoomOut: '缩小',
  fullScreen: '切换全屏',
  minimize: '最小化',
  zoom: '缩放',
  close: '关闭窗口',
  noneDue: '没有到期的提醒',
  due: (n) => `${n} 条到期提醒`,
}

const en: ShellTexts = {
  app: 'CRM',
  file: 'File',
  edit: 'Edit',
  view: 'View',
  window: 'Window',
  help: 'Help',
  open: 'Open CRM',
  search: 'Search…',
  lock: 'Lock',
  reminders: 'Reminders',
  customers: 'Customers',
  about: 'About CRM',
  checkUpdates: 'Check for Updates…',
  quit: 'Quit',
  hide: 'Hide CRM',
  hideOthers: 'Hide Others',
  unhide: 'Show All',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select All',
  reload: 'Reload',
  resetZoom: 'Actual Size',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  fullScreen: 'Toggle Full Screen',
  minimize: 'Minimize',
  zoom: 'Zoom',
  close: 'Close Window',
  noneDue: 'No reminders due',
  due: (n) => (n === 1 ? '1 reminder due' : `${n} reminders due`),
}

export const shellLocale = (l: unknown): ShellLocale => (typeof l === 'string' && l.toLowerCase().startsWith('en') ? 'en-US' : 'zh-CN')
export const shellTexts = (l: ShellLocale): ShellTexts => (l === 'en-US' ? en : zh)
