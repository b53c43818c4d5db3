// One running app per user: the first start holds Electron's single-instance lock; a second
// start (a double click, a crm:// link or a .xlsx/.csv file "opened with" the app, which the
// system hands to a new process on Windows/Linux) quits at once, and the first one comes forward
// and opens the link or the file the second was started with.
import type { App } from 'electron'
import { deepLinkInArgv } from './deep-link'
import { importFileInArgv } from './open-file'

export type InstanceApp = Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>

/** True when this process is the one instance (go on starting); false: it quits. */
export function claimSingleInstance(app: InstanceApp, show: () => void, openLink: (link: string) => void, openFile: (file: string) => void = () => {}): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return false
  }
  app.on('second-instance', (_e, argv, workingDirectory) => {
    show()
    const link = deepLinkInArgv(argv)
    if (link) openLink(link)
    const file = importFileInArgv(argv, workingDirectory)
    if (file) openFile(file)
  })
  return true
}
