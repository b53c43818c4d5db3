// Saves bytes the main process produced (base64) as a file: an export, a downloaded attachment.
// The browser (and Electron's renderer) offers the usual download / save dialog.

export function saveBase64File(fileName: string, mime: string | null, contentBase64: string) {
  const bytes = Uint8Array.from(atob(contentBase64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: mime ?? 'application/octet-stream' }))
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName })
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
