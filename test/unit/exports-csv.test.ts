// CSV cells a spreadsheet would run as formulas (CSV injection) are written as text.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { openSheetWriter } from '../../src-main/modules/exports/exports.writer'

async function csvOf(rows: Array<Record<string, unknown>>): Promise<string[]> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const w = openSheetWriter(out, {
    format: 'csv', encoding: 'utf8', sheetName: 'x', totalsLabel: '合计', utcOffsetMinutes: 480,
    columns: [{ key: 'name', header: '客户名称', width: 20, type: 'text' }, { key: 'amount', header: '金额', width: 10, type: 'money' }],
  })
  for (const r of rows) await w.add(r)
  await w.finish()
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
}

describe('CSV export', () => {
  it('prefixes text starting with = + - @ with a quote mark, and leaves numbers (also negative) alone', async () => {
    const lines = await csvOf([
      { name: '=HYPERLINK("http://x","点我")', amount: -500 },
      { name: '+86 138 0013 8000', amount: 0 },
      { name: '-1+1', amount: 0 },
      { name: '@SUM(A1)', amount: 0 },
      { name: '广州甲一电子有限公司', amount: 123456 },
    ])
    expect(lines.slice(1, 6)).toEqual([
      `"'=HYPERLINK(""http://x"",""点我"")",-5.00`,
      `'+86 138 0013 8000,0.00`,
      `'-1+1,0.00`,
      `'@SUM(A1),0.00`,
      '广州甲一电子有限公司,1234.56',
    ])
  })
})
