// 导入 through the IPC calls, on SQLite and PostgreSQL (and in mssql id mode): the seed headers
// (simplified and traditional) matched to fields, numbers in phone/postcode columns kept as
// digits, rich text, blank rows, merged header cells, GBK and UTF-8-BOM CSV, a workbook written by
// LibreOffice, a 1 MB cell, a file that is not a spreadsheet and an empty file; 查重 against the
// database and within the file (skip / update / create), other owners' customers, 公海, the error
// report and its re-import, 撤销导入, cancel, templates, saved mappings, contacts, and the round
// trip export → import into an empty database.
import { readFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { exportList } from '../../src-main/modules/exports/exports.service'
import { ExportInput } from '../../src-main/contract/exports'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { expectCode, makeStaff, type Staff } from './customers.fixtures'
import { bomCsv, gbkCsv, hasLibreOffice, importFile, libreOfficeXlsx, readWorkbook, SEED_HEADERS, upload, waitFor, xlsx } from './imports.fixtures'

describeEachDb('imports', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const live = (name: string) => k()('customers').where({ name }).whereNull('deleted_at')
  const contactOf = async (customerId: string) => k()('contacts').where({ customer_id: customerId }).whereNull('deleted_at')

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(new Date('2026-12-06T02:00:00Z'))
  })
  afterAll(async () => t?.close())

  it('maps the seed headers (simplified and traditional), keeps phone numbers as digits, flattens rich text, skips blank rows, rejects bad rows into the error report', async () => {
    const trad = ['國家', '公司名稱', '聯系人', '職務', '手機', '電話1', '電話2', '傳真', '電子郵件1', '電子郵件2', '公司網站', '公司地址', '郵編', '主營產品']
    const fileId = await upload(t, s.mgrA1.key, 'trad.xlsx', await xlsx([trad, ['中国', '繁體有限公司', '陳大文', '經理', 13800138000, '020-88881234']]))
    const insp = await t.call(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'customers' })
    const expected = ['country', 'name', 'contact.name', 'contact.title', 'contact.mobile', 'phone', 'phone2', 'fax', 'email', 'email2', 'website', 'address', 'postcode', 'mainProducts']
    expect(insp.mapping).toEqual(expected)
    expect(insp.format).toBe('xlsx')

    const rich = { richText: [{ text: '广州' }, { font: { bold: true }, text: 'ABC' }, { text: '电子有限公司' }] }
    const file = await xlsx([
      SEED_HEADERS,
      ['中国', rich, '张三', '采购经理', 13800138000, '020-88881234', null, '020-88881235', 'sales@abc.cn', null, 'www.abc.cn', '天河路1号', 510000, '电阻、电容'],
      [],
      [null, '　深圳ＸＹＺ科技有限公司　', '李四', null, 13900139000, null, null, null, null, null, null, null, null, null],
      ['中国', '东莞坏邮箱五金厂', '王五', null, 13700137000, null, null, null, 'not-an-email', null, null, null, null, null],
      ['中国', null, '无名', null, 13600136000, null, null, null, null, null, null, null, null, null],
      ['中国', '佛山无联系人陶瓷厂', null, null, 13500135000, null, null, null, null, null, null, null, null, null],
    ])
    const r = await importFile(t, s.mgrA1.key, '客户.xlsx', file)
    expect(r).toMatchObject({ status: 'done', rowsDone: 5, imported: 2, updated: 0, skipped: 0, rejected: 3, hasErrorReport: true, undoable: true })
    const [abc] = await live('广州ABC电子有限公司')
    expect(abc).toMatchObject({ phone: '020-88881234', postcode: '510000', owner_id: s.mgrA1.userId, country: '中国', main_products: '电阻、电容' })
    expect(abc.code).toMatch(/^KH-2026-\d{6}$/)
    const [pc] = await contactOf(abc.id)
    expect(pc).toMatchObject({ name: '张三', title: '采购经理', mobile: '13800138000', is_primary: dialect === 'sqlite' ? 1 : true })
    // full-width letters and spaces made half-width and trimmed
    expect(await live('深圳XYZ科技有限公司')).toHaveLength(1)
    // the rejected rows never reached the database
    expect(await live('东莞坏邮箱五金厂')).toHaveLength(0)
    expect(await live('佛山无联系人陶瓷厂')).toHaveLength(0)

    const rep = await t.call(s.mgrA1.key, 'imports', 'errorReport', { batchId: r.batchId })
    expect(rep.fileName).toBe('客户_错误报告.xlsx')
    const rows = await readWorkbook(rep.contentBase64)
    expect(rows[0]).toEqual([...SEED_HEADERS, '错误原因'])
    expect(rows).toHaveLength(4)
    expect(rows[1]![1]).toBe('东莞坏邮箱五金厂')
    expect(rows[1]![4]).toBe('13700137000')
    expect(rows[1]!.at(-1)).toContain('电子邮件：格式不正确')
    expect(rows[2]!.at(-1)).toContain('客户名称：必填')
    expect(rows[3]!.at(-1)).toContain('联系人：有联系人信息但缺少联系人姓名')

    // the corrected report re-imports (its 错误原因 column is left unmapped)
    const fixed = rows.map((row, i) => (i === 0 ? row : row.slice(0, -1)))
    fixed[1]![8] = 'sales@dg.cn'
    fixed[2]![1] = '江门补名电器厂'
    fixed[3]![2] = '赵六'
    const again = await importFile(t, s.mgrA1.key, '客户_错误报告.xlsx', await xlsx([rows[0]!, ...fixed.slice(1)]))
    expect(again).toMatchObject({ status: 'done', imported: 3, rejected: 0, hasErrorReport: false })
    expect((await live('东莞坏邮箱五金厂'))[0].email).toBe('sales@dg.cn')
  })

  it('reads GBK and UTF-8-BOM CSV files (encoding detected, or given), and a workbook LibreOffice wrote', async () => {
    const rows = [['公司名称', '联系人', '手机', '邮编', '客户等级'], ['杭州国标编码纺织有限公司', '钱七', '13812345678', '310000', '重要客户']]
    const fileId = await upload(t, s.mgrA1.key, 'gbk.csv', gbkCsv(rows))
    const insp = await t.call(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'customers' })
    expect(insp.encoding).toBe('gb18030')
    expect(insp.headers).toEqual(rows[0])
    expect(insp.mapping).toEqual(['name', 'contact.name', 'contact.mobile', 'postcode', 'levelId'])
    // read as UTF-8 on request, the GBK bytes are garbled (the override is honoured)
    const wrong = await t.call(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'customers', encoding: 'utf8' })
    expect(wrong.headers[0]).not.toBe('公司名称')
    const r1 = await importFile(t, s.mgrA1.key, 'gbk.csv', gbkCsv(rows))
    expect(r1).toMatchObject({ imported: 1, rejected: 0 })
    const [c] = await live('杭州国标编码纺织有限公司')
    expect(c.postcode).toBe('310000')
    const level = await k()('dict_items').where({ id: c.level_id }).first()
    expect(level.label).toBe('重要客户')

    const r2 = await importFile(t, s.mgrA1.key, 'bom.csv', bomCsv([['客户名称', '电话', '备注'], ['南京带签名商贸有限公司', '025-84561234', '多行\n备注, 含"引号"']]))
    expect(r2).toMatchObject({ imported: 1, rejected: 0 })
    expect((await live('南京带签名商贸有限公司'))[0]).toMatchObject({ phone: '025-84561234', notes: '多行\n备注, 含"引号"' })

    // a workbook LibreOffice wrote (test/fixtures/libreoffice-customers.xlsx, made by libreOfficeXlsx
    // from these rows; made again here when LibreOffice is installed, so a newer LibreOffice is tried too)
    const loRows = [['公司名称', '手机', '联系人', '邮政编码'], ['成都办公软件有限公司', '13912345678', '孙八', '610000']]
    const lo = hasLibreOffice ? libreOfficeXlsx(loRows) : readFileSync(new URL('../fixtures/libreoffice-customers.xlsx', import.meta.url))
    expect(lo.subarray(0, 2).toString()).toBe('PK')
    const r3 = await importFile(t, s.mgrA1.key, 'lo.xlsx', lo)
    expect(r3).toMatchObject({ imported: 1, rejected: 0 })
    const [cd] = await live('成都办公软件有限公司')
    expect(cd.postcode).toBe('610000')
    expect((await contactOf(cd.id))[0].mobile).toBe('13912345678')
  }, 240_000)

  it('documents hard files: merged header cells, a 1 MB cell, numbers Excel stored as 1.38E+10, a file that is not a spreadsheet, an empty file, an old .xls', async () => {
    // a header merged over two columns: the second one shows as its column letter, unmapped
    const merged = await xlsx([['公司名称', '', '手机', '联系人'], ['重庆合并表头机械厂', '附注', 13800000001, '周九']], { merge: 'A1:B1' })
    const fileId = await upload(t, s.mgrA1.key, 'merged.xlsx', merged)
    const insp = await t.call(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'customers' })
    expect(insp.headers).toEqual(['公司名称', '(B)', '手机', '联系人'])
    expect(insp.mapping).toEqual(['name', null, 'contact.mobile', 'contact.name'])
    expect(await importFile(t, s.mgrA1.key, 'merged.xlsx', merged)).toMatchObject({ imported: 1, rejected: 0 })

    const big = '长'.repeat(1024 * 1024)
    const r = await importFile(t, s.mgrA1.key, 'big.csv', bomCsv([['公司名称', '主营产品', '电话'], ['大单元格有限公司', big, '1.38E+10'], ['正常单元格有限公司', '五金', '020-22345678']]))
    expect(r).toMatchObject({ status: 'done', imported: 1, rejected: 1 })
    expect(await live('大单元格有限公司')).toHaveLength(0)
    const rows = await readWorkbook((await t.call(s.mgrA1.key, 'imports', 'errorReport', { batchId: r.batchId })).contentBase64)
    expect(rows[1]![1]).toHaveLength(32_767) // Excel's most per cell
    expect(rows[1]!.at(-1)).toMatch(/主营产品：超过 4000 个字符/)
    expect(rows[1]!.at(-1)).toMatch(/电话：已被 Excel 存成科学计数法/)

    const before = Number((await k()('customers').count({ n: '*' }).first())!.n)
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    for (const [name, bytes, key] of [
      ['picture.xlsx', png, 'imports.errors.notSpreadsheet'],
      ['zipped.xlsx', Buffer.from('504b0304140000000800', 'hex'), 'imports.errors.notSpreadsheet'],
      ['empty.csv', Buffer.alloc(0), 'imports.errors.emptyFile'],
      ['blank.csv', Buffer.from('\r\n\r\n,,\r\n'), 'imports.errors.noHeader'],
      ['old.xlsx', Buffer.from('d0cf11e0a1b11ae10000', 'hex'), 'imports.errors.oldExcel'],
    ] as const) {
      const id = await upload(t, s.mgrA1.key, name, bytes)
      const e = expectCode(await t.raw(s.mgrA1.key, 'imports', 'inspect', { fileId: id, entity: 'customers' }), 'rule')
      expect(e.key, name).toBe(key)
      const st = expectCode(await t.raw(s.mgrA1.key, 'imports', 'start', { fileId: id, entity: 'customers', options: { mapping: ['name'] } }), 'rule')
      expect(st.key, name).toBe(key)
    }
    expect(expectCode(await t.raw(s.mgrA1.key, 'imports', 'upload', { fileName: 'a.xls', contentBase64: 'AAAA' }), 'rule').key).toBe('imports.errors.oldExcel')
    expect(expectCode(await t.raw(s.mgrA1.key, 'imports', 'upload', { fileName: 'a.pdf', contentBase64: 'AAAA' }), 'rule').key).toBe('imports.errors.unsupportedType')
    expect(Number((await k()('customers').count({ n: '*' }).first())!.n)).toBe(before)
  })

  it('查重: same name in the database or earlier in the file — skip, update (own customers only), create anyway (roles allowed to); similar names imported and listed', async () => {
    await t.call(s.admin.key, 'customers', 'create', { name: '武汉查重光电有限公司', ownerId: s.mgrA1.userId, phone: '027-87654321' })
    await t.call(s.admin.key, 'customers', 'create', { name: '长沙他人机电有限公司', ownerId: s.mgrB.userId })
    const file = await xlsx([
      ['客户名称', '电话', '城市'],
      ['武汉查重光电有限公司', '027-81112222', '武汉'],
      ['长沙他人机电有限公司', null, '长沙'],
      ['湖北省武汉查重光电有限公司', null, '武汉'], // similar (a leading province)
      ['合肥文件内重复有限公司', null, '合肥'],
      ['合肥文件内重复 有限公司', '0551-2234567', '合肥市'],
    ])
    const skip = await importFile(t, s.mgrA1.key, 'dupe.xlsx', file)
    expect(skip).toMatchObject({ imported: 2, skipped: 3, updated: 0, rejected: 0 })
    expect(skip.similar.map((x) => x.name)).toEqual(['湖北省武汉查重光电有限公司'])
    expect(skip.similar[0]!.similarTo).toContain('武汉查重光电有限公司')
    expect((await live('武汉查重光电有限公司'))[0].phone).toBe('027-87654321')

    // update: own customer updated; another team's customer refused (into the error report)
    const upd = await importFile(t, s.mgrA1.key, 'dupe.xlsx', file, { onDuplicate: 'update' })
    expect(upd).toMatchObject({ imported: 0, rejected: 1 })
    expect(upd.updated).toBeGreaterThanOrEqual(2)
    expect((await live('武汉查重光电有限公司'))[0]).toMatchObject({ phone: '027-81112222', city: '武汉' })
    expect((await live('长沙他人机电有限公司'))[0].city).toBeNull()
    const rep = await readWorkbook((await t.call(s.mgrA1.key, 'imports', 'errorReport', { batchId: upd.batchId })).contentBase64)
    expect(rep[1]!.at(-1)).toContain('经理乙')
    const hist = await k()('audit_log').where({ entity_id: (await live('武汉查重光电有限公司'))[0].id, action: 'update' })
    expect(hist.length).toBeGreaterThan(0)

    // create anyway: refused for a 客户经理 (their role may not save duplicates), done for an admin
    const fileId = await upload(t, s.mgrA1.key, 'dupe.xlsx', file)
    const e = expectCode(await t.raw(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'phone', 'city'], onDuplicate: 'create' } }), 'rule')
    expect(e.key).toBe('imports.errors.createDuplicatesNotAllowed')
    const cr = await importFile(t, s.admin.key, 'dupe.xlsx', file, { onDuplicate: 'create' })
    expect(cr).toMatchObject({ imported: 5, rejected: 0 })
    expect(await live('武汉查重光电有限公司')).toHaveLength(2)
  })

  it('owner: a chosen rep (assign right, own team) or the 公海', async () => {
    const mine = await importFile(t, s.supA.key, 'o.csv', bomCsv([['客户名称'], ['指派甲一有限公司']]), { owner: 'user', ownerId: s.mgrA1.userId })
    expect(mine.imported).toBe(1)
    expect((await live('指派甲一有限公司'))[0].owner_id).toBe(s.mgrA1.userId)
    const fileId = await upload(t, s.supA.key, 'o.csv', bomCsv([['客户名称'], ['指派乙有限公司']]))
    expectCode(await t.raw(s.supA.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name'], owner: 'user', ownerId: s.mgrB.userId } }), 'validation')
    const fid2 = await upload(t, s.mgrA1.key, 'o.csv', bomCsv([['客户名称'], ['指派乙有限公司']]))
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'start', { fileId: fid2, entity: 'customers', options: { mapping: ['name'], owner: 'user', ownerId: s.mgrA2.userId } }), 'forbidden')

    const pool = await importFile(t, s.supA.key, 'p.csv', bomCsv([['客户名称', '联系人'], ['公海导入有限公司', '吴十']]), { owner: 'pool' })
    expect(pool.imported).toBe(1)
    const [c] = await live('公海导入有限公司')
    expect(c.owner_id).toBeNull()
    expect(c.pool_reason).toBe('release')
    expect((await contactOf(c.id))[0].owner_id).toBeNull()
  })

  it('撤销导入 removes what the import created while it is unchanged; refused once a record changed', async () => {
    const a = await importFile(t, s.mgrA1.key, 'u.csv', bomCsv([['客户名称', '联系人'], ['撤销一号有限公司', '甲'], ['撤销二号有限公司', '乙']]))
    expect(a.imported).toBe(2)
    const removed = await t.call(s.mgrA1.key, 'imports', 'undo', { batchId: a.batchId })
    expect(removed.removed).toBe(2)
    expect(await live('撤销一号有限公司')).toHaveLength(0)
    expect(await k()('contacts').where({ name: '甲' }).whereNull('deleted_at')).toHaveLength(0)
    expect((await t.call(s.mgrA1.key, 'imports', 'progress', { batchId: a.batchId })).status).toBe('undone')
    expect(expectCode(await t.raw(s.mgrA1.key, 'imports', 'undo', { batchId: a.batchId }), 'rule').key).toBe('imports.errors.alreadyUndone')

    const b = await importFile(t, s.mgrA1.key, 'u.csv', bomCsv([['客户名称'], ['撤销三号有限公司'], ['撤销四号有限公司']]))
    const [c3] = await live('撤销三号有限公司')
    await t.call(s.mgrA1.key, 'customers', 'update', { id: c3.id, version: Number(c3.version), fields: { city: '广州' } })
    expect(expectCode(await t.raw(s.mgrA1.key, 'imports', 'undo', { batchId: b.batchId }), 'rule').key).toBe('imports.errors.changedSinceImport')
    expect(await live('撤销四号有限公司')).toHaveLength(1)
    // someone else's import is not found
    expectCode(await t.raw(s.mgrA2.key, 'imports', 'undo', { batchId: b.batchId }), 'not_found')
    expectCode(await t.raw(s.mgrA2.key, 'imports', 'errorReport', { batchId: b.batchId }), 'not_found')
  })

  it('cancel stops after the current chunk; the summary counts exactly what was written', async () => {
    const rows: unknown[][] = [['客户名称', '电话']]
    for (let i = 0; i < 3000; i++) rows.push([`取消测试${String(i).padStart(5, '0')}号有限公司`, `020-${String(80000000 + i)}`])
    const fileId = await upload(t, s.mgrA1.key, 'big.xlsx', await xlsx(rows))
    const started = await t.call(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'phone'] } })
    await t.call(s.mgrA1.key, 'imports', 'cancel', { batchId: started.batchId })
    const r = await waitFor(t, s.mgrA1.key, started.batchId)
    expect(r.status).toBe('cancelled')
    expect(r.imported).toBeLessThan(3000)
    const written = Number((await k()('customers').where('name', 'like', '取消测试%').count({ n: '*' }).first())!.n)
    expect(written).toBe(r.imported)
  })

  it('while a 3,000-row import runs, another user\'s customer list and reminder badge answer between its chunks (not after the import)', async () => {
    const rows: unknown[][] = [['客户名称', '电话']]
    for (let i = 0; i < 3000; i++) rows.push([`并行测试${String(i).padStart(5, '0')}号有限公司`, `021-${String(60000000 + i)}`])
    const fileId = await upload(t, s.mgrA1.key, 'parallel.xlsx', await xlsx(rows))
    const started = await t.call(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'phone'] } })
    // each answer: how far the import was when it came (0 < rows written < 3000: it came between
    // chunks). The calls come every 20 ms, as a screen's requests do (a loop of back-to-back
    // in-process calls never lets the file stream's reads in: not what a user does).
    const between: number[] = []
    const latencies: number[] = []
    for (let i = 0; i < 3000; i++) {
      await new Promise((r) => setTimeout(r, 20))
      const asked = Date.now()
      await t.call(s.mgrA2.key, 'customers', 'list', { page: 1, pageSize: 20 })
      await t.call(s.mgrA2.key, 'reminders', 'badge', {})
      latencies.push(Date.now() - asked)
      const p = await t.call(s.mgrA1.key, 'imports', 'progress', { batchId: started.batchId })
      if (p.status !== 'running') break
      if (p.imported > 0 && p.imported < 3000) between.push(p.imported)
    }
    const r = await waitFor(t, s.mgrA1.key, started.batchId)
    expect(r).toMatchObject({ status: 'done', imported: 3000 })
    // answered at several different points of the run (chunks of IMPORT_CHUNK rows), not queued behind it
    expect(new Set(between).size, `answers between chunks at ${[...new Set(between)].join(', ')}; latencies ${latencies.join(', ')} ms`).toBeGreaterThanOrEqual(3)
  })

  it('contacts: matched to their customer by name (查重 rule), in the importer\'s scope; unknown customers rejected', async () => {
    await t.call(s.mgrA1.key, 'customers', 'create', { name: '西安联系人测试有限公司' })
    const r = await importFile(t, s.mgrA1.key, 'c.csv', bomCsv([
      ['公司名称', '姓名', '手机', '生日', '主联系人'],
      ['西安联系人测试 有限公司', '郑一', '13811112222', '1985/6/1', '是'],
      ['西安联系人测试有限公司', '郑二', '13811113333', '45000', ''],
      ['不存在的公司', '郑三', '13811114444', '', ''],
      ['长沙他人机电有限公司', '郑四', '', '', ''],
    ]), { entity: 'contacts' })
    expect(r).toMatchObject({ imported: 2, rejected: 2 })
    const [c] = await live('西安联系人测试有限公司')
    const contacts = await contactOf(c.id)
    expect(contacts.map((x: { name: string }) => x.name).sort()).toEqual(['郑一', '郑二'])
    expect(contacts.find((x: { name: string }) => x.name === '郑一')).toMatchObject({ birthday: '1985-06-01' })
    expect(contacts.find((x: { name: string }) => x.name === '郑二')).toMatchObject({ birthday: '2023-03-15' })
    expect(contacts.filter((x: { is_primary: unknown }) => !!x.is_primary)).toHaveLength(1)
    const again = await importFile(t, s.mgrA1.key, 'c.csv', bomCsv([['公司名称', '姓名', '职务'], ['西安联系人测试有限公司', '郑一', '厂长']]), { entity: 'contacts', onDuplicate: 'update' })
    expect(again).toMatchObject({ updated: 1, imported: 0 })
    expect((await contactOf(c.id)).find((x: { name: string }) => x.name === '郑一').title).toBe('厂长')
    expect((await t.call(s.mgrA1.key, 'imports', 'undo', { batchId: r.batchId }).catch((e) => e)).apiError?.key).toBe('imports.errors.changedSinceImport')
  })

  it('templates: headers, an example row and the dictionary values; the template imports as it is; saved mappings apply by name', async () => {
    const f = await t.call(s.mgrA1.key, 'imports', 'template', { entity: 'customers' })
    expect(f.fileName).toBe('客户导入模板.xlsx')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(f.contentBase64, 'base64') as never)
    const head = (wb.worksheets[0]!.getRow(1).values as string[]).slice(1)
    expect(head[0]).toBe('客户名称*')
    expect(head).toContain('手机')
    const lists = wb.worksheets[1]!
    const levelCol = (lists.getRow(1).values as string[]).indexOf('客户等级')
    expect((lists.getColumn(levelCol).values as string[]).slice(1)).toEqual(['客户等级', '核心客户', '重要客户', '普通客户'])
    const r = await importFile(t, s.mgrA1.key, '客户导入模板.xlsx', Buffer.from(f.contentBase64, 'base64'))
    expect(r).toMatchObject({ imported: 1, rejected: 0 })
    expect((await live('广州示例电子有限公司'))[0]).toMatchObject({ phone: '020-88881234', postcode: '510000' })

    const saved = await t.call(s.mgrA1.key, 'imports', 'saveMapping', { entity: 'customers', name: '老系统', columns: { 单位全称: 'name', 老板手机: 'contact.mobile', 老板: 'contact.name' } })
    expect(saved.name).toBe('老系统')
    expect((await t.call(s.mgrA1.key, 'imports', 'mappings', { entity: 'customers' })).map((m) => m.name)).toEqual(['老系统'])
    expect(await t.call(s.mgrA2.key, 'imports', 'mappings', { entity: 'customers' })).toEqual([])
    const fileId = await upload(t, s.mgrA1.key, 'old.csv', bomCsv([['单位全称', '老板', '老板手机'], ['老系统导出有限公司', '钱老板', '13700001111']]))
    const insp = await t.call(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'customers', mappingName: '老系统' })
    expect(insp.mapping).toEqual(['name', 'contact.name', 'contact.mobile'])
    const prev = await t.call(s.mgrA1.key, 'imports', 'preview', { fileId, entity: 'customers', options: { mapping: insp.mapping } })
    expect(prev.rows[0]).toMatchObject({ rowNumber: 2, values: { name: '老系统导出有限公司', 'contact.mobile': '13700001111' }, issues: [] })
    await t.call(s.mgrA1.key, 'imports', 'removeMapping', { id: saved.id })
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'customers', mappingName: '老系统' }), 'not_found')
  })

  it('preview: values as stored, per-row issues, duplicates; checks the mapping; the right to import', async () => {
    const fileId = await upload(t, s.mgrA1.key, 'p.xlsx', await xlsx([['客户名称', '客户等级', '注册资本', '手机', '联系人'], ['预览有限公司', '核心客户', '1,000,000', 13800138000, '冯一'], ['武汉查重光电有限公司', '超级客户', 'abc', 123, '冯二']]))
    const p = await t.call(s.mgrA1.key, 'imports', 'preview', { fileId, entity: 'customers', options: { mapping: ['name', 'levelId', 'registeredCapitalCents', 'contact.mobile', 'contact.name'] } })
    expect(p.rows[0]).toMatchObject({ values: { name: '预览有限公司', levelId: '核心客户', registeredCapitalCents: '1000000.00', 'contact.mobile': '13800138000' }, issues: [], duplicate: null })
    expect(p.rows[1]!.duplicate).toBe('same')
    expect(p.rows[1]!.issues.map((i) => `${i.field}:${i.code}`).sort()).toEqual(['contact.mobile:invalid_format', 'levelId:unknown_value', 'registeredCapitalCents:invalid_number'])
    // creating unknown dictionary values needs the dictionary right (a 客户经理 has none)
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'levelId'], createDictValues: true } }), 'forbidden')
    const r = await importFile(t, s.admin.key, 'p.xlsx', await xlsx([['客户名称', '客户等级'], ['新字典值有限公司', '超级客户']]), { createDictValues: true })
    expect(r).toMatchObject({ imported: 1, rejected: 0 })
    expect(await k()('dict_items').where({ type_code: 'level', label: '超级客户' })).toHaveLength(1)
    const bad = expectCode(await t.raw(s.mgrA1.key, 'imports', 'preview', { fileId, entity: 'customers', options: { mapping: [null, 'levelId'] } }), 'validation')
    expect(bad.issues?.[0]?.code).toBe('required_unmapped')
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'preview', { fileId, entity: 'customers', options: { mapping: ['name', 'name'] } }), 'validation')
    expectCode(await t.raw(s.agent.key, 'imports', 'upload', { fileName: 'a.csv', contentBase64: 'AAAA' }), 'forbidden')
    expectCode(await t.raw(s.mgrA2.key, 'imports', 'inspect', { fileId, entity: 'customers' }), 'not_found')
  })
})

describeEachDb('imports: round trip', (dialect) => {
  it('export → import into an empty database reproduces the customers and their primary contacts', async () => {
    const a = await makeTestApp(dialect)
    const b = await makeTestApp(dialect)
    try {
      const sa = await makeStaff(a)
      const sb = await makeStaff(b)
      const level = (await a.app.db.knex('dict_items').where({ type_code: 'level', label: '重要客户' }).first()).id
      for (let i = 0; i < 30; i++) {
        const c = await a.call(sa.admin.key, 'customers', 'create', { name: `往返测试${i}号电子有限公司`, shortName: `往返${i}`, phone: `020-8765${String(i).padStart(4, '0')}`, city: '广州', levelId: i % 2 ? level : null, creditRating: (i % 5) + 1 })
        if (i % 3) await a.call(sa.admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: `联系人${i}`, title: '经理', mobile: `138${String(i).padStart(8, '0')}` } })
      }
      const out = new PassThrough()
      const chunks: Buffer[] = []
      out.on('data', (c: Buffer) => chunks.push(c))
      const actor = (await loadActor(a.app, sa.admin.userId))!
      await exportList({ ...a.app, actor }, ExportInput.parse({ list: 'customers' }), out)
      const r = await importFile(b, sb.admin.key, '客户列表.xlsx', Buffer.concat(chunks))
      expect(r).toMatchObject({ imported: 30, rejected: 0 })
      const pick = async (t: TestApp) => (await t.app.db.knex('customers as c').leftJoin('contacts as p', (j) => j.on('p.customer_id', 'c.id').andOn('p.is_primary', t.app.db.knex.raw('?', [true])))
        .leftJoin('dict_items as d', 'd.id', 'c.level_id').whereNull('c.deleted_at').orderBy('c.name')
        .select('c.code', 'c.name', 'c.short_name', 'c.phone', 'c.city', 'c.credit_rating', 'd.label as level', 'p.name as contact', 'p.title', 'p.mobile'))
      expect(await pick(b)).toEqual(await pick(a))
    } finally {
      await a.close()
      await b.close()
    }
  }, 120_000)
})

describe('imports: fields', () => {
  it('every field key is one the services accept', async () => {
    const { FIELD_SPECS } = await import('../../src-main/modules/imports/imports.fields')
    const { CustomerFields } = await import('../../src-main/contract/customers')
    const { ContactFields } = await import('../../src-main/contract/contacts')
    for (const f of FIELD_SPECS.customers) {
      if (f.key.startsWith('contact.')) expect(Object.keys(ContactFields.shape)).toContain(f.key.slice(8))
      else if (f.key !== 'code') expect(Object.keys(CustomerFields.shape)).toContain(f.key)
    }
    for (const f of FIELD_SPECS.contacts) if (f.key !== 'customerName') expect(Object.keys(ContactFields.shape)).toContain(f.key)
  })
})
