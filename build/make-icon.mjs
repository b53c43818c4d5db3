// Writes build/icon.png (512×512 RGBA) and build/icons/<n>x<n>.png in every size the desktops
// use (16 … 1024) with node:zlib only: a blue rounded square with two white "contact" figures
// and an orange badge, drawn for each size (not scaled from one bitmap). electron-builder
// derives the Windows .ico and macOS .icns from icon.png; Linux takes the icons folder.
// Run: node build/make-icon.mjs
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const DESIGN = 512 // the drawing below is in 512×512 units
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const SS = 4 // supersampling per axis, for smooth edges

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false
  const cx = Math.min(Math.max(x, x0 + r), x1 - r)
  const cy = Math.min(Math.max(y, y0 + r), y1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
/** head and shoulders of a person centred at cx, scaled by s (1 = main figure) */
const inPerson = (x, y, cx, top, s) =>
  inCircle(x, y, cx, top + 62 * s, 58 * s) ||
  (y >= top + 138 * s && y <= top + 250 * s && ((x - cx) / (104 * s)) ** 2 + ((y - (top + 250 * s)) / (112 * s)) ** 2 <= 1)

/** colour of one sample point, [r,g,b,a] 0..255 */
function sample(x, y) {
  if (!inRoundRect(x, y, 24, 24, 488, 488, 96)) return [0, 0, 0, 0]
  if (inCircle(x, y, 392, 392, 62)) return inCircle(x, y, 392, 392, 50) ? [249, 115, 22, 255] : [255, 255, 255, 255]
  if (inPerson(x, y, 256, 110, 1)) return [255, 255, 255, 255]
  if (inPerson(x, y, 150, 150, 0.72) || inPerson(x, y, 362, 150, 0.72)) return [191, 219, 254, 255]
  const t = (y - 24) / 464 // vertical gradient, deep to bright blue
  return [Math.round(30 + t * 29), Math.round(64 + t * 66), Math.round(175 + t * 71), 255]
}

function render(SIZE) {
const k = DESIGN / SIZE
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1))
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1)
  raw[row] = 0 // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const [cr, cg, cb, ca] = sample((px + (sx + 0.5) / SS) * k, (py + (sy + 0.5) / SS) * k)
        r += cr * ca
        g += cg * ca
        b += cb * ca
        a += ca
      }
    }
    const o = row + 1 + px * 4
    raw[o] = a ? Math.round(r / a) : 0
    raw[o + 1] = a ? Math.round(g / a) : 0
    raw[o + 2] = a ? Math.round(b / a) : 0
    raw[o + 3] = Math.round(a / (SS * SS))
  }
}

const ihdr = Buffer.alloc(13)
ihdr.writeUInt32BE(SIZE, 0)
ihdr.writeUInt32BE(SIZE, 4)
ihdr[8] = 8 // bit depth
ihdr[9] = 6 // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])
return png
}

const here = path.dirname(fileURLToPath(import.meta.url))
const write = (file, png) => {
  fs.writeFileSync(file, png)
  console.log(`wrote ${file} (${png.length} bytes)`)
}
fs.mkdirSync(path.join(here, 'icons'), { recursive: true })
for (const n of SIZES) {
  const png = render(n)
  write(path.join(here, 'icons', `${n}x${n}.png`), png)
  if (n === DESIGN) write(path.join(here, 'icon.png'), png)
}
