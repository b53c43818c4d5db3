import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import ExcelJS from 'exceljs'
import { afterAll, describe, expect, it } from 'vitest'
import { openSheet, type OpenedSheet } from '../../src-main/modules/imports/imports.reader'
import { openZip } from '../../src-main/modules/imports/imports.zip'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-xlsx-reader-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The parts of an archive, in its stored order. */
async function partsOf(file: string): Promise<Array<[string, Buffer]>> {
  const zip = await openZip(file)
  const out: Array<[string, Buffer]> = []
  for (const e of zip.entries.values()) {
    const chunks: Buffer[] = []
    for await (const c of await zip.open(e)) chunks.push(c as Buffer)
    out.push([e.name, Buffer.concat(chunks)])
  }
  return out
}

/** A zip of the given parts in the given order (deflated), as any writer may store them. */
function zipOf(parts: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const [name, data] of parts) {
    const n = Buffer.from(name, 'utf8')
    const packed = zlib.deflateRawSync(data)
    const crc = zlib.crc32(data)
    const head = Buffer.alloc(30)
    head.writeUInt32LE(0x04034b50, 0)
    head.writeUInt16LE(20, 4)
    head.writeUInt16LE(0x800, 6)
    head.writeUInt16LE(8, 8)
    head.writeUInt32LE(crc, 14)
    head.writeUInt32LE(packed.length, 18)
    head.writeUInt32LE(data.length, 22)
    head.writeUInt16LE(n.length, 26)
    locals.push(head, n, packed)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(20, 4)
    c.writeUInt16LE(20, 6)
    c.writeUInt16LE(0x800, 8)
    c.writeUInt16LE(8, 10)
    c.writeUInt32LE(crc, 16)
    c.writeUInt32LE(packed.length, 20)
    c.writeUInt32LE(data.length, 24)
    c.writeUInt16LE(n.length, 28)
    c.writeUInt32LE(offset, 42)
    central.push(c, n)
    offset += 30 + n.length + packed.length
  }
  const dirBytes = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(dirBytes.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dirBytes, end])
}

async function workbookFile(name: string): Promise<string> {
  const wb = new ExcelJS.Workbook()
  const a = wb.addWorksheet('客户')
  a.addRow(['公司名称', '手机', '下单日期'])
  a.addRow(['长春一汽科技有限公司', 13812345678, new Date(Date.UTC(2026, 6, 1))])
  a.addRow(['北京东方有限公司', 13987654321, new Date(Date.UTC(2026, 6, 2))])
  wb.addWorksheet('联系人').addRow(['联系人', '职务'])
  wb.getWorksheet('联系人')!.addRow(['张伟', '经理'])
  const file = path.join(dir, name)
  fs.writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()))
  return file
}

async function allRows(s: OpenedSheet): Promise<unknown[][]> {
  const out: unknown[][] = []
  for await (const r of s.rows) out.push(r.cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : c)))
  return out
}

const FIRST = [
  ['公司名称', '手机', '下单日期'],
  ['长春一汽科技有限公司', 13812345678, '2026-07-01'],
  ['北京东方有限公司', 13987654321, '2026-07-02'],
]
const SECOND = [
  ['联系人', '职务'],
  ['张伟', '经理'],
]

describe('.xlsx reader: parts opened through the zip directory, not in stored order', () => {
  it('reads a workbook whose xl/workbook.xml is stored after its sheets, shared strings and relationships (the order exceljs streaming lost)', async () => {
    const parts = await partsOf(await workbookFile('plain.xlsx'))
    const first = ['xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml']
    const reordered = [...parts.filter(([n]) => first.includes(n)), ...parts.filter(([n]) => !first.includes(n) && n !== 'xl/workbook.xml'), ...parts.filter(([n]) => n === 'xl/workbook.xml')]
    expect(reordered.at(-1)![0]).toBe('xl/workbook.xml')
    const file = path.join(dir, 'reordered.xlsx')
    fs.writeFileSync(file, zipOf(reordered))
    const s = await openSheet(file)
    expect(s.sheets).toEqual(['客户', '联系人'])
    expect(await allRows(s)).toEqual(FIRST)
    expect(s.fraction()).toBe(1)
    expect(await allRows(await openSheet(file, { sheet: 1 }))).toEqual(SECOND)
  })

  it('reads the same workbook 50 times in a row with the same rows (no race on the stored order)', async () => {
    const file = await workbookFile('again.xlsx')
    for (let i = 0; i < 50; i++) expect(await allRows(await openSheet(file, { sheet: i % 2 }))).toEqual(i % 2 ? SECOND : FIRST)
  })

  it('finds a sheet part by its relationship, whatever its file name', async () => {
    const parts = (await partsOf(await workbookFile('named.xlsx'))).map(([n, b]): [string, Buffer] =>
      n === 'xl/worksheets/sheet2.xml' ? ['xl/worksheets/people.xml', b] : n === 'xl/_rels/workbook.xml.rels' ? [n, Buffer.from(b.toString('utf8').replace('worksheets/sheet2.xml', '/xl/worksheets/people.xml'))] : [n, b],
    )
    const file = path.join(dir, 'renamed.xlsx')
    fs.writeFileSync(file, zipOf(parts))
    expect(await allRows(await openSheet(file, { sheet: 1 }))).toEqual(SECOND)
  })

  it('answers a translated error for a cut-short archive and for a sheet the workbook does not have', async () => {
    const whole = fs.readFileSync(await workbookFile('cut.xlsx'))
    const cut = path.join(dir, 'cut-short.xlsx')
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)))
    await expect(openSheet(cut)).rejects.toMatchObject({ code: 'rule', extra: { key: 'imports.errors.notSpreadsheet' } })
    await expect(openSheet(await workbookFile('two.xlsx'), { sheet: 4 })).rejects.toMatchObject({ code: 'rule', extra: { key: 'imports.errors.noSuchSheet', params: { sheet: 5 } } })
  })
  it('keeps Chinese text whole where the inflated part is cut between the bytes of one character (no U+FFFD), inline and shared strings', async () => {
    // the sheet's XML comes out of inflate in 16 KB pieces: with thousands of Chinese cells some
    // piece ends inside a character's three UTF-8 bytes (exceljs decoded each piece on its own)
    const names = Array.from({ length: 3000 }, (_, i) => `成都利诚五金有限公司（${'华兴电子'.repeat(1 + (i % 3))}）${i}`)
    const inline = path.join(dir, 'inline-cjk.xlsx')
    const w = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: inline, useSharedStrings: false, useStyles: false })
    const ws = w.addWorksheet('客户')
    ws.addRow(['公司名称']).commit()
    for (const n of names) ws.addRow([n]).commit()
    ws.commit()
    await w.commit()
    const shared = new ExcelJS.Workbook()
    const sh = shared.addWorksheet('客户')
    sh.addRow(['公司名称'])
    for (const n of names) sh.addRow([n])
    const sharedFile = path.join(dir, 'shared-cjk.xlsx')
    fs.writeFileSync(sharedFile, Buffer.from(await shared.xlsx.writeBuffer()))
    for (const file of [inline, sharedFile]) {
      const rows = await allRows(await openSheet(file))
      expect(rows.length).toBe(names.length + 1)
      const wrong = rows.slice(1).map((r, i) => [r[0], names[i]]).filter(([got, want]) => got !== want)
      expect(wrong, `${path.basename(file)}: ${wrong.length} cells read differently, e.g. ${JSON.stringify(wrong.slice(0, 2))}`).toEqual([])
    }
  })
})
