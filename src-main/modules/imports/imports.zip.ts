// A zip archive read through its central directory (the list at the end of the file), so that any
// entry can be opened on its own, in any order, as a stream read from the file — never the whole
// archive in memory. The .xlsx reader needs this: exceljs' streaming reader takes the entries in
// the order they are stored, and workbooks written by exceljs store xl/workbook.xml last; its
// single pass sometimes ends before that entry and then fails ("reading 'sheets'") — a race
// seen under load (exceljs issue 3064). Stored (0) and deflated (8) entries; ZIP64 sizes and
// offsets; encrypted entries are refused.
import fs from 'node:fs'
import { Readable, Transform } from 'node:stream'
import zlib from 'node:zlib'

export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  size: number
  localOffset: number
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>
  /** the entry's uncompressed bytes as a stream; `onRead(n)` hears each compressed chunk's length */
  open(entry: ZipEntry, onRead?: (n: number) => void): Promise<Readable>
}

const EOCD = 0x06054b50
const EOCD64_LOCATOR = 0x07064b50
const EOCD64 = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

export class ZipFormatError extends Error {}

async function readAt(fd: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fd.read(buf, 0, length, position)
  if (bytesRead < length) throw new ZipFormatError('the zip archive is cut short')
  return buf
}

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at))

export async function openZip(file: string): Promise<ZipArchive> {
  const fd = await fs.promises.open(file, 'r')
  try {
    const size = (await fd.stat()).size
    // the end record: 22 bytes plus a comment of up to 65,535 bytes, at the very end
    const tailLength = Math.min(size, 22 + 0xffff)
    const tail = await readAt(fd, size - tailLength, tailLength)
    let at = -1
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i
        break
      }
    }
    if (at < 0) throw new ZipFormatError('not a zip archive (no central directory)')
    let count = tail.readUInt16LE(at + 10)
    let dirSize = tail.readUInt32LE(at + 12)
    let dirOffset = tail.readUInt32LE(at + 16)
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const locatorAt = size - tailLength + at - 20
      const locator = locatorAt >= 0 ? await readAt(fd, locatorAt, 20) : null
      if (!locator || locator.readUInt32LE(0) !== EOCD64_LOCATOR) throw new ZipFormatError('a ZIP64 archive without its end record')
      const end64 = await readAt(fd, u64(locator, 8), 56)
      if (end64.readUInt32LE(0) !== EOCD64) throw new ZipFormatError('a ZIP64 archive without its end record')
      count = u64(end64, 32)
      dirSize = u64(end64, 40)
      dirOffset = u64(end64, 48)
    }
    if (dirOffset + dirSize > size) throw new ZipFormatError('the zip archive is cut short')
    const dir = await readAt(fd, dirOffset, dirSize)
    const entries = new Map<string, ZipEntry>()
    let p = 0
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipFormatError('a damaged zip directory')
      const flags = dir.readUInt16LE(p + 8)
      const method = dir.readUInt16LE(p + 10)
      let compressedSize = dir.readUInt32LE(p + 20)
      let uncompressed = dir.readUInt32LE(p + 24)
      const nameLength = dir.readUInt16LE(p + 28)
      const extraLength = dir.readUInt16LE(p + 30)
      const commentLength = dir.readUInt16LE(p + 32)
      let localOffset = dir.readUInt32LE(p + 42)
      const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength)
      // ZIP64 extra field: the 64-bit values of those that are 0xffffffff, in this order
      let e = p + 46 + nameLength
      const extraEnd = e + extraLength
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e)
        const len = dir.readUInt16LE(e + 2)
        if (id === 0x0001) {
          let q = e + 4
          if (uncompressed === 0xffffffff) (uncompressed = u64(dir, q)), (q += 8)
          if (compressedSize === 0xffffffff) (compressedSize = u64(dir, q)), (q += 8)
          if (localOffset === 0xffffffff) localOffset = u64(dir, q)
        }
        e += 4 + len
      }
      if (flags & 0x1) throw new ZipFormatError('an encrypted workbook: save it without a password')
      entries.set(name, { name, method, compressedSize, size: uncompressed, localOffset })
      p = extraEnd + commentLength
    }
    return {
      entries,
      async open(entry, onRead) {
        const h = await fs.promises.open(file, 'r')
        let local: Buffer
        try {
          local = await readAt(h, entry.localOffset, 30)
        } finally {
          await h.close()
        }
        if (local.readUInt32LE(0) !== LOCAL) throw new ZipFormatError(`a damaged zip entry: ${entry.name}`)
        const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
        if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError(`an unsupported zip compression (${entry.method}): ${entry.name}`)
        if (entry.compressedSize === 0) return Readable.from([])
        const raw = fs.createReadStream(file, { start, end: start + entry.compressedSize - 1 })
        const counted = raw.pipe(
          new Transform({
            transform(chunk: Buffer, _enc, cb) {
              onRead?.(chunk.length)
              cb(null, chunk)
            },
          }),
        )
        raw.on('error', (err) => counted.destroy(err))
        if (entry.method === 0) return counted
        const inflate = zlib.createInflateRaw()
        counted.on('error', (err) => inflate.destroy(err))
        return counted.pipe(inflate)
      },
    }
  } finally {
    await fd.close()
  }
}
