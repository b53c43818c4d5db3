import { z } from 'zod'
import { BaseVersion, call, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, text } from './common'
import { phoneField, postcodeField, taxIdField, websiteField } from './formats'

export const CustomerStatus = z.enum(['normal', 'churn_warning', 'churn_paused', 'churned'])
export const CustomerType = z.enum(['company', 'person'])

/** Dictionary-backed fields: each holds a dict item id (see contract/dictionary.ts). */
export const DICT_FIELDS = [
  'regionId',
  'natureId',
  'sourceId',
  'categoryId',
  'industryId',
  'sizeId',
  'positionId',
  'settlementId',
  'contactPolicyId',
  'purchasePolicyId',
  'levelId',
] as const
export type DictField = (typeof DICT_FIELDS)[number]

const money = z.number().int().min(0).max(9_000_000_000_000_000).nullish() // integer cents
/** 电话 / 电话2 / 传真: landline 区号-号码[-分机], mobile, 400/800 or international (see formats.ts) */
const phone = phoneField()
const email = z.union([z.email().max(255), z.literal('')]).nullish()

/** The fields a user may type (create and edit share them). */
export const CustomerFields = z.strictObject({
  name: requiredText(200),
  shortName: optText(100),
  customerType: CustomerType.default('company'),
  regionId: Id.nullish(),
  natureId: Id.nullish(),
  sourceId: Id.nullish(),
  categoryId: Id.nullish(),
  industryId: Id.nullish(),
  sizeId: Id.nullish(),
  positionId: Id.nullish(),
  settlementId: Id.nullish(),
  contactPolicyId: Id.nullish(),
  purchasePolicyId: Id.nullish(),
  levelId: Id.nullish(),
  /** 从业时间 in years */
  yearsInBusiness: z.number().int().min(0).max(200).nullish(),
  creditRating: z.number().int().min(1).max(5).nullish(),
  employees: z.number().int().min(0).max(10_000_000).nullish(),
  wantsAgent: optText(255),
  country: optText(64),
  province: optText(64),
  city: optText(64),
  address: optText(500),
  postcode: postcodeField(),
  phone,
  phone2: phone,
  fax: phone,
  email,
  email2: email,
  website: websiteField(),
  mainProducts: optText(4000),
  legalRep: optText(100),
  registeredCapitalCents: money,
  annualRevenueCents: money,
  bank: optText(200),
  bankAccount: optText(64),
  /** 统一社会信用代码 (18, check character) or a legacy 15-character tax number */
  taxId: taxIdField(),
  status: CustomerStatus.optional(),
  tags: z.array(text(50)).max(20).nullish(),
  notes: optText(4000),
})
export type CustomerFields = z.infer<typeof CustomerFields>
/** An edit: only the fields sent, no defaults (an omitted field keeps its stored value). */
export const CustomerPatch = CustomerFields.extend({ customerType: CustomerType.optional() }).partial()

export const Customer = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  customerType: CustomerType,
  regionId: Id.nullable(),
  natureId: Id.nullable(),
  sourceId: Id.nullable(),
  categoryId: Id.nullable(),
  industryId: Id.nullable(),
  sizeId: Id.nullable(),
  positionId: Id.nullable(),
  settlementId: Id.nullable(),
  contactPolicyId: Id.nullable(),
  purchasePolicyId: Id.nullable(),
  levelId: Id.nullable(),
  yearsInBusiness: z.number().nullable(),
  creditRating: z.number().nullable(),
  employees: z.number().nullable(),
  wantsAgent: z.string().nullable(),
  country: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  address: z.string().nullable(),
  postcode: z.string().nullable(),
  phone: z.string().nullable(),
  phone2: z.string().nullable(),
  fax: z.string().nullable(),
  email: z.string().nullable(),
  email2: z.string().nullable(),
  website: z.string().nullable(),
  mainProducts: z.string().nullable(),
  legalRep: z.string().nullable(),
  registeredCapitalCents: z.number().nullable(),
  annualRevenueCents: z.number().nullable(),
  bank: z.string().nullable(),
  bankAccount: z.string().nullable(),
  taxId: z.string().nullable(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  status: CustomerStatus,
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  // computed by the system
  orderCount: z.number().int(),
  orderTotalCents: z.number(),
  firstOrderDate: IsoDate.nullable(),
  lastOrderDate: IsoDate.nullable(),
  lastContactAt: IsoDateTime.nullable(),
  nextContactAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Customer = z.infer<typeof Customer>

/** A list row: the card's main fields plus the primary contact. */
export const CustomerRow = Customer.pick({
  id: true,
  code: true,
  name: true,
  shortName: true,
  customerType: true,
  regionId: true,
  industryId: true,
  categoryId: true,
  levelId: true,
  natureId: true,
  sourceId: true,
  phone: true,
  city: true,
  ownerId: true,
  ownerName: true,
  status: true,
  creditRating: true,
  orderTotalCents: true,
  lastContactAt: true,
  nextContactAt: true,
  updatedAt: true,
}).extend({ primaryContact: z.string().nullable() })
export type CustomerRow = z.infer<typeof CustomerRow>

export const CUSTOMER_SORT_FIELDS = ['code', 'name', 'updatedAt', 'createdAt', 'lastContactAt', 'nextContactAt', 'orderTotalCents', 'creditRating'] as const

export const CustomerFilter = z.strictObject({
  /** name, short name, code, phone, contact name, or pinyin (full or initials, e.g. gzry) */
  search: text(100).optional(),
  regionId: Id.optional(),
  natureId: Id.optional(),
  sourceId: Id.optional(),
  categoryId: Id.optional(),
  industryId: Id.optional(),
  sizeId: Id.optional(),
  positionId: Id.optional(),
  settlementId: Id.optional(),
  contactPolicyId: Id.optional(),
  purchasePolicyId: Id.optional(),
  levelId: Id.optional(),
  ownerId: Id.optional(),
  status: CustomerStatus.optional(),
  customerType: CustomerType.optional(),
  /** created at or after (an instant: the client's local midnight) — the 工作台's 新增客户 */
  createdFrom: IsoDateTime.optional(),
  /** created before */
  createdTo: IsoDateTime.optional(),
  /** 遗忘客户: last followed up before this instant (never followed up: created before it) */
  notContactedSince: IsoDateTime.optional(),
})
export type CustomerFilter = z.infer<typeof CustomerFilter>

export const CustomerListInput = PageInput.extend({
  filter: CustomerFilter.default({}),
  sort: z
    .strictObject({ field: z.enum(CUSTOMER_SORT_FIELDS), order: z.enum(['asc', 'desc']).default('asc') })
    .default({ field: 'updatedAt', order: 'desc' }),
})
export type CustomerListInput = z.input<typeof CustomerListInput>

export const customersContract = {
  list: call(CustomerListInput, pageOf(CustomerRow)),
  get: call(z.strictObject({ id: Id }), Customer),
  create: call(CustomerFields.extend({ ownerId: Id.nullish() }), Customer),
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: CustomerPatch }), Customer),
  remove: call(z.strictObject({ id: Id }), Ok),
  changeOwner: call(z.strictObject({ ids: z.array(Id).min(1).max(1000), ownerId: Id }), z.object({ changed: z.number().int() })),
} as const
