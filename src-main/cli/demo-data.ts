// Realistic Chinese B2B demo data, generated from a seeded PRNG so `--seed` repeats it:
// company names <城市><字号><行业词><公司类型>, people with common surnames, mobiles 13x/15x/18x,
// landlines with the city's area code, and titles that match departments and buying roles.
import { pinyin } from 'pinyin-pro'
import { usccCheckChar } from '../contract/formats'

/** mulberry32: tiny, fast and good enough for demo data. */
export function makeRng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]
  const chance = (p: number) => next() < p
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('')
  return { next, int, pick, chance, digits }
}
export type Rng = ReturnType<typeof makeRng>

/** city, province, region (dictionary label), area code, postcode prefix, districts */
const CITIES: Array<[string, string, string, string, string, string[]]> = [
  ['广州', '广东', '华南', '020', '510', ['天河区', '越秀区', '海珠区', '白云区', '番禺区', '黄埔区']],
  ['深圳', '广东', '华南', '0755', '518', ['南山区', '福田区', '宝安区', '龙岗区', '龙华区']],
  ['东莞', '广东', '华南', '0769', '523', ['南城街道', '松山湖', '长安镇', '虎门镇']],
  ['佛山', '广东', '华南', '0757', '528', ['顺德区', '南海区', '禅城区']],
  ['珠海', '广东', '华南', '0756', '519', ['香洲区', '金湾区']],
  ['南宁', '广西', '华南', '0771', '530', ['青秀区', '西乡塘区']],
  ['海口', '海南', '华南', '0898', '570', ['龙华区', '美兰区']],
  ['厦门', '福建', '华东', '0592', '361', ['思明区', '湖里区', '集美区']],
  ['福州', '福建', '华东', '0591', '350', ['鼓楼区', '仓山区']],
  ['上海', '上海', '华东', '021', '200', ['浦东新区', '闵行区', '徐汇区', '嘉定区', '松江区']],
  ['杭州', '浙江', '华东', '0571', '310', ['西湖区', '滨江区', '余杭区', '萧山区']],
  ['宁波', '浙江', '华东', '0574', '315', ['鄞州区', '北仑区', '江北区']],
  ['温州', '浙江', '华东', '0577', '325', ['鹿城区', '瓯海区']],
  ['南京', '江苏', '华东', '025', '210', ['江宁区', '鼓楼区', '建邺区']],
  ['苏州', '江苏', '华东', '0512', '215', ['工业园区', '吴中区', '昆山市', '高新区']],
  ['无锡', '江苏', '华东', '0510', '214', ['新吴区', '滨湖区']],
  ['合肥', '安徽', '华东', '0551', '230', ['蜀山区', '包河区', '高新区']],
  ['济南', '山东', '华东', '0531', '250', ['历下区', '槐荫区']],
  ['青岛', '山东', '华东', '0532', '266', ['市南区', '黄岛区', '城阳区']],
  ['武汉', '湖北', '华中', '027', '430', ['洪山区', '江汉区', '东湖高新区']],
  ['长沙', '湖南', '华中', '0731', '410', ['岳麓区', '雨花区', '开福区']],
  ['郑州', '河南', '华中', '0371', '450', ['金水区', '中原区', '郑东新区']],
  ['南昌', '江西', '华中', '0791', '330', ['红谷滩区', '青山湖区']],
  ['北京', '北京', '华北', '010', '100', ['海淀区', '朝阳区', '丰台区', '大兴区']],
  ['天津', '天津', '华北', '022', '300', ['滨海新区', '南开区', '河西区']],
  ['石家庄', '河北', '华北', '0311', '050', ['长安区', '裕华区']],
  ['太原', '山西', '华北', '0351', '030', ['小店区', '迎泽区']],
  ['成都', '四川', '西南', '028', '610', ['武侯区', '高新区', '锦江区', '双流区']],
  ['重庆', '重庆', '西南', '023', '400', ['渝北区', '九龙坡区', '江北区']],
  ['昆明', '云南', '西南', '0871', '650', ['五华区', '官渡区']],
  ['贵阳', '贵州', '西南', '0851', '550', ['观山湖区', '南明区']],
  ['西安', '陕西', '西北', '029', '710', ['雁塔区', '未央区', '高新区']],
  ['兰州', '甘肃', '西北', '0931', '730', ['城关区', '七里河区']],
  ['乌鲁木齐', '新疆', '西北', '0991', '830', ['天山区', '新市区']],
  ['沈阳', '辽宁', '东北', '024', '110', ['和平区', '浑南区']],
  ['大连', '辽宁', '东北', '0411', '116', ['甘井子区', '中山区']],
  ['长春', '吉林', '东北', '0431', '130', ['朝阳区', '南关区']],
  ['哈尔滨', '黑龙江', '东北', '0451', '150', ['南岗区', '道里区']],
]

const TRADE_CHARS = '华鑫盛泰恒达信瑞丰源隆昌宏远嘉德润祥和通诚兴利安博创智凯联永金海天宇中新东方汇百亿启明辉星峰锦晟弘'.split('')

/** trade word, dictionary industry label, main products */
const TRADES: Array<[string, string, string]> = [
  ['电子科技', '电子', '电子元器件、PCB线路板、电源模块'],
  ['信息技术', '信息技术', '软件开发、系统集成、IT运维服务'],
  ['软件', '信息技术', 'ERP软件、行业管理系统、定制开发'],
  ['网络科技', '信息技术', '网络设备、云服务、信息安全'],
  ['机械设备', '制造业', '数控机床、自动化生产线、非标设备'],
  ['精密制造', '制造业', '精密零部件、模具、五金冲压件'],
  ['自动化', '制造业', '工业机器人、PLC控制系统、传感器'],
  ['化工', '化工', '工业涂料、胶粘剂、表面处理剂'],
  ['新材料', '化工', '工程塑料、复合材料、高分子材料'],
  ['医疗器械', '医疗卫生', '医用耗材、诊断设备、康复器械'],
  ['生物医药', '医疗卫生', '原料药、体外诊断试剂'],
  ['贸易', '零售', '进出口贸易、日用百货、办公用品'],
  ['商贸', '零售', '五金建材、劳保用品、办公耗材'],
  ['建设工程', '建筑', '市政工程、钢结构、装饰装修'],
  ['建材', '建筑', '水泥制品、防水材料、门窗幕墙'],
  ['物流', '交通物流', '仓储配送、城际运输、冷链物流'],
  ['供应链管理', '交通物流', '供应链金融、采购代理、报关服务'],
  ['新能源', '能源', '光伏组件、储能系统、充电桩'],
  ['电力设备', '能源', '变压器、开关柜、电线电缆'],
  ['教育科技', '教育', '智慧教室、教学软件、实验室设备'],
  ['实业', '其他', '综合贸易、实业投资'],
  ['环保科技', '其他', '污水处理设备、废气治理、环境监测'],
]
const COMPANY_TYPES = ['有限公司', '有限公司', '有限公司', '有限公司', '股份有限公司', '有限责任公司']

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('')
const DOUBLE_SURNAMES = ['欧阳', '司马', '上官', '诸葛']
const MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋峰文博晨亮然志国建海东振'.split('')
const FEMALE = '芳娜敏静丽艳娟霞燕玲婷雪慧琳颖倩洁萍红梅莉晶欣怡佳雯琪璐悦丹蕾薇'.split('')

/** title, department, buying role */
const TITLES: Array<[string, string, string]> = [
  ['董事长', '总经办', 'decision_maker'],
  ['总经理', '总经办', 'decision_maker'],
  ['副总经理', '总经办', 'decision_maker'],
  ['采购经理', '采购部', 'buyer'],
  ['采购主管', '采购部', 'buyer'],
  ['采购专员', '采购部', 'initiator'],
  ['技术总监', '技术部', 'influencer'],
  ['工程师', '技术部', 'influencer'],
  ['财务经理', '财务部', 'influencer'],
  ['行政主管', '行政部', 'initiator'],
  ['项目经理', '项目部', 'user'],
  ['生产主管', '生产部', 'user'],
  ['质量经理', '质量部', 'influencer'],
  ['厂长', '生产部', 'decision_maker'],
]
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '180', '181', '182', '183', '185', '186', '187', '188', '189']
const ROADS = ['人民路', '中山路', '解放路', '建设路', '科技园路', '工业大道', '创业路', '长江路', '黄河路', '东风路', '滨江大道', '学院路', '高新大道', '新华路']
const BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '交通银行', '招商银行', '浦发银行', '兴业银行']
const EDUCATION = ['高中', '大专', '本科', '本科', '本科', '硕士', '博士']
const HOBBIES = ['羽毛球', '钓鱼', '高尔夫', '喝茶', '书法', '旅游', '摄影', '跑步', '围棋', '爬山', '游泳', '篮球']
const CALL_TIMES = ['工作日上午 9:00-11:30', '下午 14:00-17:00', '工作日下午', '上午', '晚上 19:00 以后不宜']
const NOTES = ['年底集中采购，需提前报价', '对价格敏感，重视售后', '老客户介绍，合作意向强', '有竞争对手在跟进', '需要提供样品测试', null, null, null]

export interface DemoCustomer {
  name: string
  shortName: string
  industryLabel: string
  regionLabel: string
  province: string
  city: string
  address: string
  postcode: string
  phone: string
  phone2: string | null
  fax: string | null
  email: string
  website: string
  mainProducts: string
  legalRep: string
  employees: number
  sizeLabel: string
  yearsInBusiness: number
  creditRating: number
  registeredCapitalCents: number
  annualRevenueCents: number
  bank: string
  bankAccount: string
  taxId: string
  notes: string | null
}

export interface DemoContact {
  name: string
  gender: 'male' | 'female'
  title: string
  department: string
  buyingRole: string
  mobile: string
  officePhone: string | null
  email: string | null
  wechat: string | null
  birthday: string | null
  birthdayCalendar: 'solar' | 'lunar'
  hometown: string | null
  education: string | null
  hobbies: string | null
  friendliness: number
  bestCallTime: string | null
}

const pinyinCache = new Map<string, string>()
function py(s: string): string {
  let v = pinyinCache.get(s)
  if (v === undefined) {
    v = pinyin(s, { toneType: 'none', type: 'array', v: true }).join('').toLowerCase().replace(/[^a-z0-9]/g, '')
    pinyinCache.set(s, v)
  }
  return v
}

export function personName(r: Rng, gender: 'male' | 'female'): string {
  const surname = r.chance(0.01) ? r.pick(DOUBLE_SURNAMES) : r.pick(SURNAMES)
  const pool = gender === 'male' ? MALE : FEMALE
  return surname + r.pick(pool) + (r.chance(0.6) ? r.pick(pool) : '')
}

export const mobile = (r: Rng) => r.pick(MOBILE_PREFIXES) + r.digits(8)
const landline = (r: Rng, areaCode: string) => `${areaCode}-${r.int(2, 8)}${r.digits(areaCode.length === 3 ? 7 : 6)}`

function sizeOf(employees: number): string {
  if (employees >= 1000) return '大型'
  if (employees >= 100) return '中型'
  if (employees >= 20) return '小型'
  return '微型'
}

/** The names already used: `has` / `add`, as a Set of strings (demoCustomer keeps every name unique). */
export interface NameSet {
  has(name: string): boolean
  add(name: string): unknown
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const alt = (xs: readonly string[]) => xs.map(escapeRe).join('|')
const DISTINCT_TYPES = [...new Set(COMPANY_TYPES)]
/** the shape of every generated company name: <城市>[市]<字><字><行业词><公司类型> */
const GENERATED_NAME = new RegExp(
  `^(${alt(CITIES.map((c) => c[0]))})(市?)([${TRADE_CHARS.join('')}])([${TRADE_CHARS.join('')}])(${alt(TRADES.map((t) => t[0]))})(${alt(DISTINCT_TYPES)})$`,
)
const CITY_NO = new Map(CITIES.map((c, i) => [c[0], i]))
const TRADE_CHAR_NO = new Map(TRADE_CHARS.map((c, i) => [c, i]))
const WORD_NO = new Map(TRADES.map((t, i) => [t[0], i]))
const TYPE_NO = new Map(DISTINCT_TYPES.map((t, i) => [t, i]))

/**
 * The company names taken, in memory bounded by the space of names the generator can make, not by
 * how many it made: one bit per possible generated name (38 cities × 市 or not × 48 × 48 字号 ×
 * 22 trade words × 3 company types ≈ 11.6 million bits, 1.4 MB), so a 1,000,000-customer demo
 * does not keep a million strings. Names of another shape (typed by users, imported, the README's
 * example) go to a Set of their own, which holds only those. Answers exactly as a Set of every name.
 */
export class DemoNameSet implements NameSet {
  private readonly bits = new Uint8Array(Math.ceil((CITIES.length * 2 * TRADE_CHARS.length ** 2 * TRADES.length * DISTINCT_TYPES.length) / 8))
  private readonly others = new Set<string>()
  private slot(name: string): number | null {
    const m = GENERATED_NAME.exec(name)
    if (!m) return null
    let x = CITY_NO.get(m[1]!)!
    x = x * 2 + (m[2] ? 1 : 0)
    x = x * TRADE_CHARS.length + TRADE_CHAR_NO.get(m[3]!)!
    x = x * TRADE_CHARS.length + TRADE_CHAR_NO.get(m[4]!)!
    x = x * TRADES.length + WORD_NO.get(m[5]!)!
    return x * DISTINCT_TYPES.length + TYPE_NO.get(m[6]!)!
  }
  has(name: string): boolean {
    const x = this.slot(name)
    return x === null ? this.others.has(name) : (this.bits[x >> 3]! & (1 << (x & 7))) !== 0
  }
  add(name: string): this {
    const x = this.slot(name)
    if (x === null) this.others.add(name)
    else this.bits[x >> 3]! |= 1 << (x & 7)
    return this
  }
  /** names of another shape held (the only strings kept) */
  get otherCount(): number {
    return this.others.size
  }
}

/** One company; `taken` holds names already used so every name is unique. */
export function demoCustomer(r: Rng, taken: NameSet): DemoCustomer {
  for (;;) {
    const [city, province, region, areaCode, postPrefix, districts] = r.pick(CITIES)
    const a = r.pick(TRADE_CHARS)
    let b = r.pick(TRADE_CHARS)
    while (b === a) b = r.pick(TRADE_CHARS)
    const trade = a + b
    const [word, industry, products] = r.pick(TRADES)
    const name = `${city}${r.chance(0.3) ? '市' : ''}${trade}${word}${r.pick(COMPANY_TYPES)}`
    if (taken.has(name)) continue
    taken.add(name)
    const employees = r.chance(0.1) ? r.int(1000, 20000) : r.chance(0.4) ? r.int(100, 999) : r.chance(0.6) ? r.int(20, 99) : r.int(3, 19)
    const domain = `${py(trade)}${r.chance(0.5) ? '-' + py(word.slice(0, 2)) : ''}.com`
    const capitalWan = r.pick([50, 100, 200, 300, 500, 1000, 2000, 5000, 10000])
    const gender = r.chance(0.8) ? 'male' : 'female'
    return {
      name,
      shortName: r.chance(0.5) ? trade + word.slice(0, 2) : trade,
      industryLabel: industry,
      regionLabel: region,
      province,
      city,
      address: `${province === city ? '' : province + '省'}${city}市${r.pick(districts)}${r.pick(ROADS)}${r.int(1, 999)}号${r.chance(0.4) ? `${r.int(1, 30)}栋${r.int(1, 30)}0${r.int(1, 9)}室` : ''}`,
      postcode: postPrefix + r.digits(3),
      phone: landline(r, areaCode),
      phone2: r.chance(0.3) ? landline(r, areaCode) : null,
      fax: r.chance(0.4) ? landline(r, areaCode) : null,
      email: `${r.pick(['info', 'sales', 'service', 'contact', 'market'])}@${domain}`,
      website: `www.${domain}`,
      mainProducts: products,
      legalRep: personName(r, gender),
      employees,
      sizeLabel: sizeOf(employees),
      yearsInBusiness: r.int(1, 30),
      creditRating: r.pick([2, 3, 3, 4, 4, 4, 5, 5]),
      registeredCapitalCents: capitalWan * 10_000 * 100,
      annualRevenueCents: Math.round(capitalWan * r.int(2, 30) * 10_000) * 100,
      bank: `${r.pick(BANKS)}${city}${r.pick(districts).replace(/(区|市|镇|街道)$/, '')}支行`,
      bankAccount: r.pick(['6222', '6217', '6228', '6214']) + r.digits(15),
      taxId: uscc('91' + r.digits(6) + Array.from({ length: 10 }, () => r.pick('0123456789ABCDEFGHJKLMNPQRTUWXY'.split(''))).join('')),
      notes: r.pick(NOTES),
    }
  }
}

/** A 统一社会信用代码 with its check character in place of the 18th (the same draws as before it was checked). */
const uscc = (drawn18: string) => drawn18.slice(0, 17) + usccCheckChar(drawn18.slice(0, 17))

/** The company of the README's pinyin example (gzry finds it): the first demo customer of a database. */
export const FEATURED_NAME = '广州市人易软件有限公司'

/** The README's example company, unless the database has it already. */
export function featuredCustomer(taken: NameSet): DemoCustomer | null {
  if (taken.has(FEATURED_NAME)) return null
  taken.add(FEATURED_NAME)
  return {
    name: FEATURED_NAME,
    shortName: '人易软件',
    industryLabel: '信息技术',
    regionLabel: '华南',
    province: '广东',
    city: '广州',
    address: '广东省广州市天河区科韵路 16 号信息港 A 栋 1208 室',
    postcode: '510665',
    phone: '020-38886666',
    phone2: '020-38886667',
    fax: '020-38886668',
    email: 'sales@renyi-soft.com',
    website: 'www.renyi-soft.com',
    mainProducts: '客户关系管理软件、销售自动化、实施与培训服务',
    legalRep: '林志远',
    employees: 120,
    sizeLabel: '中型',
    yearsInBusiness: 12,
    creditRating: 5,
    registeredCapitalCents: 500 * 10_000 * 100,
    annualRevenueCents: 3_600 * 10_000 * 100,
    bank: '招商银行广州天河支行',
    bankAccount: '6214830201234567890',
    taxId: uscc('91440101MA5CRY6K10'),
    notes: '老客户介绍，合作意向强（README 拼音检索示例：gzry）',
  }
}

export function demoContact(r: Rng, c: DemoCustomer, index: number): DemoContact {
  const gender = r.chance(0.65) ? 'male' : 'female'
  const name = personName(r, gender)
  const [title, department, buyingRole] = index === 0 ? r.pick(TITLES.slice(0, 6)) : r.pick(TITLES)
  const m = mobile(r)
  const domain = c.website.replace(/^www\./, '')
  const hasBirthday = r.chance(0.6)
  const lunar = r.chance(0.15)
  return {
    name,
    gender,
    title,
    department,
    buyingRole,
    mobile: m,
    officePhone: r.chance(0.5) ? c.phone.replace(/\d{2}$/, r.digits(2)) : null,
    email: r.chance(0.6) ? `${py(name)}@${domain}` : null,
    wechat: r.chance(0.5) ? (r.chance(0.5) ? m : `wxid_${py(name)}${r.digits(3)}`) : null,
    birthday: hasBirthday ? `${r.int(1962, 1998)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}` : null,
    birthdayCalendar: hasBirthday && lunar ? 'lunar' : 'solar',
    hometown: r.chance(0.4) ? r.pick(CITIES)[1] : null,
    education: r.chance(0.5) ? r.pick(EDUCATION) : null,
    hobbies: r.chance(0.4) ? [r.pick(HOBBIES), r.pick(HOBBIES)].filter((h, i, xs) => xs.indexOf(h) === i).join('、') : null,
    friendliness: r.int(2, 5),
    bestCallTime: r.chance(0.3) ? r.pick(CALL_TIMES) : null,
  }
}
