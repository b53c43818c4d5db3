// What an import can fill in, per entity: the field key (a customer field, `contact.<field>` for
// the customer's primary contact, a contact, product or order-line field), its zh-CN/en-US names,
// the header names and synonyms that map to it, how its cells are read, and for dictionary fields
// the dictionary.
import type { DictTypeCode } from '../../contract/dictionary'
import type { ImportEntity, ImportField, ImportMapping } from '../../contract/imports'
import { halfWidth, type CellKind } from './imports.cells'

/** quantity: a number > 0 with at most 3 decimals; discount: 5% / 9折 / 0.05 → basis points off */
export type FieldType = 'text' | 'digits' | 'int' | 'money' | 'date' | 'dict' | 'enum' | 'bool' | 'tags' | 'quantity' | 'discount'

export interface FieldSpec {
  key: string
  zh: string
  en: string
  /** header names that map to this field (besides zh and en) */
  synonyms: string[]
  type: FieldType
  required?: boolean
  dict?: DictTypeCode
  /** enum: cell text (lower-cased) → stored value */
  values?: Record<string, string>
  /** an example cell for the template */
  example?: string
}

const DICT = (key: string, dict: DictTypeCode, zh: string, en: string, synonyms: string[], example: string): FieldSpec => ({ key, zh, en, synonyms, type: 'dict', dict, example })

const GENDER = { 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female', 先生: 'male', 女士: 'female' }

const CONTACT_FIELDS = (prefix: string): FieldSpec[] => [
  { key: `${prefix}gender`, zh: '性别', en: 'Gender', synonyms: ['sex'], type: 'enum', values: GENDER, example: '男' },
  { key: `${prefix}title`, zh: '职务', en: 'Title', synonyms: ['职位', '职称', 'job title', 'position'], type: 'text', example: '采购经理' },
  { key: `${prefix}department`, zh: '部门', en: 'Department', synonyms: ['所在部门', 'dept'], type: 'text', example: '采购部' },
  { key: `${prefix}mobile`, zh: '手机', en: 'Mobile', synonyms: ['移动电话', '手机号', '手机号码', '联系人手机', 'mobile phone', 'cell', 'cellphone'], type: 'digits', example: '13800138000' },
  { key: `${prefix}officePhone`, zh: '办公电话', en: 'Office phone', synonyms: ['工作电话', 'office'], type: 'digits', example: '020-87654321' },
  { key: `${prefix}wechat`, zh: '微信', en: 'WeChat', synonyms: ['微信号', 'wechat id'], type: 'text', example: 'zhangsan_gz' },
]

const CUSTOMER_SPECS: FieldSpec[] = [
  { key: 'name', zh: '客户名称', en: 'Customer name', synonyms: ['公司名称', '单位名称', '企业名称', '公司', '名称', '客户', 'company', 'company name', 'customer', 'name'], type: 'text', required: true, example: '广州示例电子有限公司' },
  { key: 'code', zh: '客户编号', en: 'Code', synonyms: ['编号', '客户代码', 'customer code'], type: 'text', example: '' },
  { key: 'shortName', zh: '简称', en: 'Short name', synonyms: ['客户简称', '公司简称'], type: 'text', example: '示例电子' },
  { key: 'customerType', zh: '客户类型', en: 'Type', synonyms: ['customer type'], type: 'enum', values: { 企业: 'company', 公司: 'company', 个人: 'person', company: 'company', person: 'person' }, example: '企业' },
  DICT('levelId', 'level', '客户等级', 'Customer level', ['等级', '级别', 'level'], '重要客户'),
  DICT('regionId', 'region', '所属区域', 'Region', ['区域', '地区', '片区'], '华南'),
  DICT('industryId', 'industry', '所属行业', 'Industry', ['行业'], '电子'),
  DICT('categoryId', 'category', '客户类别', 'Category', ['类别'], '潜在终端客户'),
  DICT('natureId', 'nature', '客户性质', 'Ownership', ['企业性质', '性质', 'nature'], '私营或个体户'),
  DICT('sourceId', 'source', '客户来源', 'Source', ['来源'], '展览会'),
  DICT('sizeId', 'size', '规模', 'Size', ['企业规模', '公司规模'], '中型'),
  DICT('positionId', 'position', '行业地位', 'Industry position', [], ''),
  DICT('settlementId', 'settlement', '结算方式', 'Settlement terms', ['付款方式'], ''),
  DICT('contactPolicyId', 'contact_policy', '联系策略', 'Contact policy', [], ''),
  DICT('purchasePolicyId', 'purchase_policy', '购买策略', 'Purchase policy', ['采购策略'], ''),
  { key: 'country', zh: '国家', en: 'Country', synonyms: ['国别', '国家/地区'], type: 'text', example: '中国' },
  { key: 'province', zh: '省份', en: 'Province', synonyms: ['省', '所在省份', 'state'], type: 'text', example: '广东省' },
  { key: 'city', zh: '城市', en: 'City', synonyms: ['市', '所在城市'], type: 'text', example: '广州市' },
  { key: 'district', zh: '区县', en: 'District', synonyms: ['区/县', '区'], type: 'text', example: '天河区' },
  { key: 'address', zh: '公司地址', en: 'Address', synonyms: ['地址', '详细地址', '联系地址', '通讯地址'], type: 'text', example: '天河路100号' },
  { key: 'postcode', zh: '邮编', en: 'Postcode', synonyms: ['邮政编码', 'zip', 'zip code', 'postal code'], type: 'digits', example: '510000' },
  { key: 'phone', zh: '电话', en: 'Phone', synonyms: ['电话1', '公司电话', '联系电话', '固定电话', '座机', 'tel', 'telephone', 'phone 1', 'phone1'], type: 'digits', example: '020-88881234' },
  { key: 'phone2', zh: '电话2', en: 'Phone 2', synonyms: ['phone2', 'tel2'], type: 'digits', example: '' },
  { key: 'fax', zh: '传真', en: 'Fax', synonyms: ['传真号'], type: 'digits', example: '020-88881235' },
  { key: 'email', zh: '电子邮件', en: 'E-mail', synonyms: ['电子邮件1', '邮箱', '电子邮箱', 'email', 'email 1', 'e-mail 1', 'mail'], type: 'text', example: 'sales@example.cn' },
  { key: 'email2', zh: '电子邮件2', en: 'E-mail 2', synonyms: ['邮箱2', 'email 2', 'email2'], type: 'text', example: '' },
  { key: 'website', zh: '公司网站', en: 'Website', synonyms: ['网址', '网站', '主页', '公司主页', 'web', 'url', 'homepage'], type: 'text', example: 'www.example.cn' },
  { key: 'mainProducts', zh: '主营产品', en: 'Main products', synonyms: ['主要产品', '主营业务', '经营范围', '主营产品/主要服务'], type: 'text', example: '电子元器件' },
  { key: 'legalRep', zh: '法人代表', en: 'Legal representative', synonyms: ['法定代表人', '法人'], type: 'text', example: '' },
  { key: 'registeredCapitalCents', zh: '注册资本', en: 'Registered capital', synonyms: ['注册资金', '注册资本(元)'], type: 'money', example: '1000000' },
  { key: 'annualRevenueCents', zh: '年营业额', en: 'Annual revenue', synonyms: ['营业额', '年营业额(元)', '年销售额'], type: 'money', example: '' },
  { key: 'employees', zh: '员工人数', en: 'Employees', synonyms: ['人数', '员工数', '职工人数'], type: 'int', example: '120' },
  { key: 'yearsInBusiness', zh: '从业时间', en: 'Years in business', synonyms: ['从业年限', '成立年限'], type: 'int', example: '' },
  { key: 'creditRating', zh: '信用等级', en: 'Credit rating', synonyms: ['信用', '信誉等级'], type: 'int', example: '' },
  { key: 'bank', zh: '开户银行', en: 'Bank', synonyms: ['开户行'], type: 'text', example: '' },
  { key: 'bankAccount', zh: '银行账号', en: 'Bank account', synonyms: ['账号', '银行帐号', '帐号'], type: 'digits', example: '' },
  { key: 'taxId', zh: '税号', en: 'Tax ID', synonyms: ['统一社会信用代码', '纳税人识别号', '信用代码', '税务登记号', 'tax id', 'uscc'], type: 'digits', example: '' },
  { key: 'tags', zh: '标签', en: 'Tags', synonyms: [], type: 'tags', example: '' },
  { key: 'notes', zh: '备注', en: 'Notes', synonyms: ['说明', '备注说明', 'remark', 'remarks'], type: 'text', example: '' },
  { key: `contact.name`, zh: '联系人', en: 'Contact', synonyms: ['联系人姓名', '主联系人', '姓名', 'contact name', 'contact person'], type: 'text', example: '张三' },
  ...CONTACT_FIELDS('contact.'),
  { key: `contact.email`, zh: '联系人邮箱', en: 'Contact e-mail', synonyms: ['联系人电子邮件'], type: 'text', example: '' },
]

const CONTACT_SPECS: FieldSpec[] = [
  { key: 'customerName', zh: '客户名称', en: 'Customer name', synonyms: ['公司名称', '单位名称', '企业名称', '公司', '客户', 'company', 'customer'], type: 'text', required: true, example: '广州示例电子有限公司' },
  { key: 'name', zh: '姓名', en: 'Name', synonyms: ['联系人', '联系人姓名', 'contact', 'contact name'], type: 'text', required: true, example: '张三' },
  ...CONTACT_FIELDS(''),
  { key: 'homePhone', zh: '住宅电话', en: 'Home phone', synonyms: ['家庭电话', '家里电话'], type: 'digits', example: '' },
  { key: 'email', zh: '电子邮件', en: 'E-mail', synonyms: ['邮箱', '电子邮箱', 'email', 'mail'], type: 'text', example: 'zhangsan@example.cn' },
  { key: 'birthday', zh: '生日', en: 'Birthday', synonyms: ['出生日期', '生日(公历)', 'date of birth'], type: 'date', example: '1985-06-01' },
  { key: 'hometown', zh: '籍贯', en: 'Hometown', synonyms: ['家乡'], type: 'text', example: '' },
  { key: 'education', zh: '学历', en: 'Education', synonyms: [], type: 'text', example: '' },
  { key: 'hobbies', zh: '爱好', en: 'Hobbies', synonyms: ['兴趣爱好'], type: 'text', example: '' },
  { key: 'isPrimary', zh: '主联系人', en: 'Primary', synonyms: ['是否主联系人', 'primary contact'], type: 'bool', example: '是' },
  { key: 'notes', zh: '备注', en: 'Notes', synonyms: ['说明', 'remark', 'remarks'], type: 'text', example: '' },
]

const PRODUCT_CODE_SYNONYMS = ['物料编码', '物料编号', '物料代码', '产品编码', '产品代码', '商品编码', '商品编号', '存货编码', '货号', '料号', 'product code', 'item code', 'sku']
const PRODUCT_NAME_SYNONYMS = ['品名', '物料名称', '商品名称', '存货名称', '货品名称', 'product name', 'item name']
const MODEL_SYNONYMS = ['规格型号', '型号', '规格', '型号/规格', '规格/型号', 'model', 'spec', 'specification']
const UNIT_SYNONYMS = ['计量单位', '单位名称', 'uom', 'unit']
const PRICE_SYNONYMS = ['价格', '售价', '销售单价', '销售价', '标准售价', '含税单价', '单价(元)', 'unit price', 'price']

const PRODUCT_SPECS: FieldSpec[] = [
  { key: 'code', zh: '产品编号', en: 'Product code', synonyms: [...PRODUCT_CODE_SYNONYMS, '编号', '编码', '代码', 'code'], type: 'text', example: 'CP-100001' },
  { key: 'name', zh: '产品名称', en: 'Product name', synonyms: [...PRODUCT_NAME_SYNONYMS, '名称', '产品', 'product', 'name'], type: 'text', required: true, example: '贴片电阻 0805' },
  { key: 'model', zh: '型号规格', en: 'Model / spec', synonyms: MODEL_SYNONYMS, type: 'text', example: '0805 10KΩ ±1%' },
  { key: 'unit', zh: '单位', en: 'Unit', synonyms: UNIT_SYNONYMS, type: 'text', example: '盘' },
  { key: 'priceCents', zh: '单价', en: 'Price', synonyms: PRICE_SYNONYMS, type: 'money', example: '35.50' },
  DICT('categoryId', 'product_category', '产品类别', 'Category', ['类别', '分类', '产品分类', '物料类别', '商品类别', 'category'], ''),
  { key: 'enabled', zh: '启用', en: 'Active', synonyms: ['是否启用', '在售', '是否在售', 'enabled', 'active'], type: 'bool', example: '是' },
  { key: 'notes', zh: '备注', en: 'Notes', synonyms: ['说明', '描述', '产品描述', 'remark', 'remarks', 'description'], type: 'text', example: '' },
]

/** The statuses an order may be imported in (an ERP's history): not 待审批 (a review needs the app's flow). */
export const IMPORT_ORDER_STATUSES = ['draft', 'approved', 'shipped', 'completed', 'cancelled'] as const
const ORDER_STATUS_VALUES: Record<string, string> = {
  草稿: 'draft', 未提交: 'draft', draft: 'draft',
  已审批: 'approved', 已审核: 'approved', 审批通过: 'approved', 已批准: 'approved', approved: 'approved',
  已发货: 'shipped', 发货: 'shipped', shipped: 'shipped',
  已完成: 'completed', 完成: 'completed', 已结束: 'completed', completed: 'completed',
  已取消: 'cancelled', 取消: 'cancelled', 作废: 'cancelled', 已作废: 'cancelled', cancelled: 'cancelled', canceled: 'cancelled',
}

const ORDER_SPECS: FieldSpec[] = [
  { key: 'orderCode', zh: '订单号', en: 'Order number', synonyms: ['订单编号', '订单号码', '单号', '单据编号', '单据号', '销售单号', '销售订单号', 'order no', 'order no.', 'order number', 'order code', 'order'], type: 'text', example: 'SO-2026-0001' },
  { key: 'orderDate', zh: '下单日期', en: 'Order date', synonyms: ['订单日期', '日期', '单据日期', '销售日期', '签订日期', 'order date', 'date'], type: 'date', required: true, example: '2026-11-02' },
  { key: 'customerCode', zh: '客户编号', en: 'Customer code', synonyms: ['客户代码', '客户编码', 'customer code'], type: 'text', example: '' },
  { key: 'customerName', zh: '客户名称', en: 'Customer name', synonyms: ['公司名称', '单位名称', '企业名称', '购货单位', '客户', 'customer', 'customer name'], type: 'text', example: '广州示例电子有限公司' },
  { key: 'productCode', zh: '产品编号', en: 'Product code', synonyms: PRODUCT_CODE_SYNONYMS, type: 'text', example: 'CP-100001' },
  { key: 'productName', zh: '产品名称', en: 'Product name', synonyms: [...PRODUCT_NAME_SYNONYMS, '产品', 'product'], type: 'text', example: '贴片电阻 0805' },
  { key: 'model', zh: '规格型号', en: 'Model / spec', synonyms: ['型号规格', ...MODEL_SYNONYMS.slice(1)], type: 'text', example: '' },
  { key: 'unit', zh: '单位', en: 'Unit', synonyms: UNIT_SYNONYMS, type: 'text', example: '' },
  { key: 'quantity', zh: '数量', en: 'Quantity', synonyms: ['订购数量', '销售数量', '订货数量', 'qty', 'quantity'], type: 'quantity', required: true, example: '10' },
  { key: 'unitPriceCents', zh: '单价', en: 'Unit price', synonyms: PRICE_SYNONYMS, type: 'money', example: '35.50' },
  { key: 'discountBp', zh: '折扣', en: 'Discount', synonyms: ['折扣率', '折扣(%)', '折让', 'discount', 'discount %'], type: 'discount', example: '5%' },
  { key: 'status', zh: '订单状态', en: 'Status', synonyms: ['状态', '单据状态', 'status', 'order status'], type: 'enum', values: ORDER_STATUS_VALUES, example: '已完成' },
  { key: 'owner', zh: '负责人', en: 'Owner', synonyms: ['业务员', '销售员', '销售人员', '经办人', '业务负责人', 'owner', 'sales rep', 'salesperson'], type: 'text', example: '' },
  { key: 'deliveryAddress', zh: '收货地址', en: 'Delivery address', synonyms: ['送货地址', '交货地址', '发货地址', 'delivery address', 'shipping address'], type: 'text', example: '' },
  { key: 'notes', zh: '备注', en: 'Notes', synonyms: ['订单备注', '说明', 'remark', 'remarks'], type: 'text', example: '' },
]

export const FIELD_SPECS: Record<ImportEntity, FieldSpec[]> = { customers: CUSTOMER_SPECS, contacts: CONTACT_SPECS, products: PRODUCT_SPECS, orders: ORDER_SPECS }

export const fieldsOf = (entity: ImportEntity): ImportField[] =>
  FIELD_SPECS[entity].map((f) => ({ key: f.key, zh: f.zh, en: f.en, required: !!f.required }))

export const specOf = (entity: ImportEntity, key: string) => FIELD_SPECS[entity].find((f) => f.key === key)

/** How the cell reader treats a field's cells. */
export const cellKindOf = (f: FieldSpec | undefined): CellKind => (!f ? 'text' : f.type === 'digits' ? 'digits' : f.type === 'date' ? 'date' : f.type === 'int' || f.type === 'money' || f.type === 'quantity' || f.type === 'discount' ? 'number' : 'text')

// Traditional characters seen in headers (the seed files' 公司名稱、聯系人、電話1…), for matching only.
const TRAD: Record<string, string> = {
  稱: '称', 聯: '联', 繫: '系', 職: '职', 務: '务', 機: '机', 電: '电', 話: '话', 傳: '传', 郵: '邮', 網: '网', 產: '产', 營: '营',
  國: '国', 編: '编', 碼: '码', 區: '区', 號: '号', 類: '类', 別: '别', 業: '业', 規: '规', 戶: '户', 經: '经', 單: '单', 稅: '税',
  簡: '简', 備: '备', 註: '注', 縣: '县', 門: '门', 員: '员', 資: '资', 額: '额', 銀: '银', 帳: '帐', 賬: '账', 級: '级', 統: '统',
  會: '会', 態: '态', 說: '说', 明: '明', 屬: '属', 來: '来', 據: '据', 歷: '历', 愛: '爱', 興: '兴', 趣: '趣', 貫: '贯', 鄉: '乡',
  籍: '籍', 齡: '龄', 種: '种', 結: '结', 負: '负', 責: '责', 購: '购', 買: '买', 權: '权', 箱: '箱', 設: '设', 詳: '详', 細: '细',
  見: '见', 信: '信', 譽: '誉', 點: '点', 專: '专', 屬性: '属性', 與: '与', 於: '于', 為: '为', 個: '个', 時: '时', 間: '间',
}

/** A header as compared: half-width, lower-case, simplified, without spaces, marks (*, 必填) and trailing colons. */
export function headerKey(h: string): string {
  let s = halfWidth(h).toLowerCase()
  s = [...s].map((c) => TRAD[c] ?? c).join('')
  return s.replace(/\(必填\)|（必填）|\*|:$|：$/g, '').replace(/[\s_]/g, '').replace(/e-?mail/g, 'email').trim()
}

/** header key → field key, for one entity (zh, en and synonyms). */
function synonymIndex(entity: ImportEntity): Map<string, string> {
  const m = new Map<string, string>()
  for (const f of FIELD_SPECS[entity]) for (const name of [f.zh, f.en, f.key, ...f.synonyms]) if (!m.has(headerKey(name))) m.set(headerKey(name), f.key)
  return m
}

/**
 * The mapping the headers suggest: each header to the field its name or a synonym names, a saved
 * mapping (header → field) first; a field goes to its first column only (电话1 → phone, 电话2 → phone2).
 */
export function suggestMapping(entity: ImportEntity, headers: string[], saved?: Record<string, string>): ImportMapping {
  const idx = synonymIndex(entity)
  const keys = new Set(FIELD_SPECS[entity].map((f) => f.key))
  const savedByKey = new Map(Object.entries(saved ?? {}).map(([h, f]) => [headerKey(h), f]))
  const used = new Set<string>()
  return headers.map((h) => {
    const k = headerKey(h)
    if (!k) return null
    const field = savedByKey.get(k) ?? idx.get(k) ?? null
    if (!field || !keys.has(field) || used.has(field)) return null
    used.add(field)
    return field
  })
}
