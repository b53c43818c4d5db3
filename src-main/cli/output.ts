/** Where commands write: stdout for results; progress overwrites one line on a terminal. */
export interface Out {
  log(line: string): void
  progress(line: string): void
  /** ends a progress line so the next output starts on a fresh line */
  endProgress(): void
}

let progressOpen = false

export const consoleOut: Out = {
  log: (line) => {
    consoleOut.endProgress()
    process.stdout.write(line + '\n')
  },
  progress: (line) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}\x1b[K`)
      progressOpen = true
    } else process.stdout.write(line + '\n')
  },
  endProgress: () => {
    if (progressOpen) process.stderr.write('\r\x1b[K')
    progressOpen = false
  },
}
