import { z } from 'zod'
import { BaseVersion, call, Empty, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, str, text } from './common'
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
  /** 区/县 (the cascader's third level) */
  district: optText(64),
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
  district: z.string().nullable(),
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
  /** null: the customer is in the 公海 */
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  /** when it entered the 公海 (null while owned) */
  poolAt: IsoDateTime.nullable(),
  /** why: released by a rep, or returned by a rule */
  poolReason: z.enum(['release', 'no_follow_up', 'no_order']).nullable(),
  /** what the rep wrote when releasing it */
  poolNote: z.string().nullable(),
  /** who had it before the 公海 */
  poolPrevOwnerName: z.string().nullable(),
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
  province: true,
  city: true,
  district: true,
  ownerId: true,
  ownerName: true,
  poolAt: true,
  poolReason: true,
  poolNote: true,
  poolPrevOwnerName: true,
  status: true,
  tags: true,
  createdAt: true,
  creditRating: true,
  orderTotalCents: true,
  lastContactAt: true,
  nextContactAt: true,
  updatedAt: true,
}).extend({ primaryContact: z.string().nullable() })
export type CustomerRow = z.infer<typeof CustomerRow>

/** `name` sorts in pinyin order (拼音顺序) on every database. */
export const CUSTOMER_SORT_FIELDS = ['code', 'name', 'updatedAt', 'createdAt', 'lastContactAt', 'nextContactAt', 'orderTotalCents', 'creditRating', 'poolAt'] as const

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
  /** built-in views: 我负责的 (mine), 我下属的 (subordinates: others of my team and of the teams I lead); none = 全部 */
  view: z.enum(['mine', 'subordinates']).optional(),
  /** 未跟进天数: not contacted for more than this many days (since its creation when never) */
  notContactedDays: z.number().int().min(1).max(3650).optional(),
  /** 标签: has every one of these tags */
  tags: z.array(text(50).min(1)).max(10).optional(),
  /** 创建日期 from (inclusive) / to (exclusive), the caller's day bounds */
  createdFrom: IsoDateTime.optional(),
  createdTo: IsoDateTime.optional(),
  /** 团队: owned by a member of this team */
  teamId: Id.optional(),
  /** 遗忘客户 (工作台): last followed up before this instant (never followed up: created before it) */
  notContactedSince: IsoDateTime.optional(),
})
export type CustomerFilter = z.infer<typeof CustomerFilter>

export const CustomerListInput = PageInput.extend({
  filter: CustomerFilter.default({}),
  sort: z
    .strictObject({ field: z.enum(CUSTOMER_SORT_FIELDS), order: z.enum(['asc', 'desc']).default('asc') })
    .default({ field: 'updatedAt', order: 'desc' }),
  /** count every match; without it a search or filter matching more than 10,000 customers answers total 10,000 and totalCapped */
  exactCount: z.boolean().optional(),
})
export type CustomerListInput = z.input<typeof CustomerListInput>

// ---- 查重 ------------------------------------------------------------------------------------

/** What two customers share: the same name or 税号 (same), or a similar name, a phone, a contact mobile (similar). */
export const DuplicateReason = z.enum(['name', 'taxId', 'similarName', 'phone', 'mobile'])
export type DuplicateReason = z.infer<typeof DuplicateReason>

/**
 * An existing customer 查重 found. Outside the caller's scope only its name and owner are
 * shown (`visible` false: no id, no code); in the 公海 `inPool` is true and `ownerName` null.
 */
export const DuplicateMatch = z.object({
  level: z.enum(['same', 'similar']),
  reasons: z.array(DuplicateReason),
  name: z.string(),
  ownerName: z.string().nullable(),
  inPool: z.boolean(),
  visible: z.boolean(),
  id: Id.nullable(),
  code: z.string().nullable(),
})
export type DuplicateMatch = z.infer<typeof DuplicateMatch>

export const DuplicateCheckInput = z.strictObject({
  /** the customer being edited (left out of the matches) */
  id: Id.optional(),
  name: text(200).optional(),
  taxId: optText(64),
  phone: optText(50),
  phone2: optText(50),
})
export type DuplicateCheckInput = z.input<typeof DuplicateCheckInput>

export const DuplicateCheck = z.object({
  /** the worst match: same blocks (unless the role may create anyway), similar only warns */
  level: z.enum(['none', 'similar', 'same']),
  /** saving is refused as it stands */
  blocked: z.boolean(),
  /** the caller's role may save a same-level duplicate anyway (after confirming) */
  canOverride: z.boolean(),
  matches: z.array(DuplicateMatch),
})
export type DuplicateCheck = z.infer<typeof DuplicateCheck>

/** 查重 tool: what the typed text was taken for, and the customers found. */
export const DuplicateLookup = z.object({
  kind: z.enum(['name', 'phone', 'taxId']),
  matches: z.array(DuplicateMatch),
})
export type DuplicateLookup = z.infer<typeof DuplicateLookup>

/** Saving a same-level duplicate anyway: only a role that may (see customers.dedupeSettings), and only with this set. */
const duplicateOk = { duplicateOk: z.boolean().optional() }

// ---- saved views and columns -------------------------------------------------------------------

export const ListKey = z.enum(['customers', 'pool'])
export type ListKey = z.infer<typeof ListKey>

export const SavedView = z.object({
  id: Id,
  list: ListKey,
  name: z.string(),
  filter: CustomerFilter,
  sort: z.object({ field: z.enum(CUSTOMER_SORT_FIELDS), order: z.enum(['asc', 'desc']) }).nullable(),
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type SavedView = z.infer<typeof SavedView>

/** A list column and whether it is shown; the order of the array is the order of the columns. */
export const ColumnPref = z.strictObject({ key: str().trim().min(1).max(40).regex(/^[a-zA-Z0-9_]+$/), visible: z.boolean() })
export type ColumnPref = z.infer<typeof ColumnPref>

/** Who may save a same-level duplicate anyway (role codes; default admin). */
export const DedupeSettings = z.object({ overrideRoleCodes: z.array(z.string()) })
export type DedupeSettings = z.infer<typeof DedupeSettings>

export const customersContract = {
  list: call(CustomerListInput, pageOf(CustomerRow).extend({ totalCapped: z.boolean().optional() })),
  get: call(z.strictObject({ id: Id }), Customer),
  create: call(CustomerFields.extend({ ownerId: Id.nullish(), ...duplicateOk }), Customer),
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: CustomerPatch, ...duplicateOk }), Customer),
  remove: call(z.strictObject({ id: Id }), Ok),
  changeOwner: call(z.strictObject({ ids: z.array(Id).min(1).max(1000), ownerId: Id }), z.object({ changed: z.number().int() })),
  /** 查重 of a customer being typed (create or edit): against all customers, whatever the caller's scope. */
  checkDuplicates: call(DuplicateCheckInput, DuplicateCheck),
  /** 查重 tool: a name, phone or 税号 → the customers that have it (or a similar name) and their owners. */
  lookup: call(z.strictObject({ text: requiredText(100) }), DuplicateLookup),
  getDedupeSettings: call(Empty, DedupeSettings),
  saveDedupeSettings: call(z.strictObject({ overrideRoleCodes: z.array(str().trim().min(1).max(64)).max(50) }), DedupeSettings),
  /** The caller's saved filters of a list (newest first). */
  listViews: call(z.strictObject({ list: ListKey }), z.array(SavedView)),
  /** A new view (no id), or an edit of one (id with the version it is based on). */
  saveView: call(
    z
      .strictObject({
        id: Id.optional(),
        version: BaseVersion.optional(),
        list: ListKey,
        name: requiredText(50),
        filter: CustomerFilter,
        sort: z.strictObject({ field: z.enum(CUSTOMER_SORT_FIELDS), order: z.enum(['asc', 'desc']) }).nullish(),
      })
      .refine((v) => v.id === undefined || v.version !== undefined, { path: ['version'], message: 'required when editing a view' }),
    SavedView,
  ),
  removeView: call(z.strictObject({ id: Id }), Ok),
  /** The caller's columns of a list (null: never chosen, the default set). */
  getColumns: call(z.strictObject({ list: ListKey }), z.object({ columns: z.array(ColumnPref).nullable() })),
  saveColumns: call(z.strictObject({ list: ListKey, columns: z.array(ColumnPref).max(40) }), z.object({ columns: z.array(ColumnPref) })),
  /** Tags in use on the customers the caller may see (most used first, at most 200), for the 标签 filter. */
  tags: call(Empty, z.array(z.object({ tag: z.string(), count: z.number().int() }))),
} as const
