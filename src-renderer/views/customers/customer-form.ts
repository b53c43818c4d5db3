// The customer form's model: how a Customer becomes editable values (money in yuan, empty
// strings for blanks) and back into the contract's fields (integer cents, null for blanks),
// and which fields changed. No business rules: the main process validates and decides.
import type { Customer, CustomerFields } from '@contract/customers'

export type CustomerFieldKey = keyof CustomerFields
export type FormSection = 'basic' | 'contact' | 'business' | 'notes'

export interface CustomerFormModel {
  name: string
  shortName: string
  customerType: 'company' | 'person'
  levelId: string | null | undefined
  categoryId: string | null | undefined
  sourceId: string | null | undefined
  natureId: string | null | undefined
  industryId: string | null | undefined
  sizeId: string | null | undefined
  yearsInBusiness: number | null | undefined
  positionId: string | null | undefined
  creditRating: number | undefined
  employees: number | null | undefined
  wantsAgent: string
  settlementId: string | null | undefined
  contactPolicyId: string | null | undefined
  purchasePolicyId: string | null | undefined
  regionId: string | null | undefined
  tags: string[] | undefined
  ownerId: string | null | undefined
  country: string
  province: string
  city: string
  address: string
  postcode: string
  phone: string
  phone2: string
  fax: string
  email: string
  email2: string
  website: string
  mainProducts: string
  legalRep: string
  /** yuan in the form; sent as integer cents */
  registeredCapitalCents: number | null | undefined
  /** yuan in the form; sent as integer cents */
  annualRevenueCents: number | null | undefined
  bank: string
  bankAccount: string
  taxId: string
  notes: string
}

/** Text fields and their maximum lengths — the same caps as contract/customers.ts. */
export const TEXT_MAX: Partial<Record<keyof CustomerFormModel, number>> = {
  name: 200,
  shortName: 100,
  wantsAgent: 255,
  country: 64,
  province: 64,
  city: 64,
  address: 500,
  postcode: 20,
  phone: 50,
  phone2: 50,
  fax: 50,
  email: 255,
  email2: 255,
  website: 255,
  mainProducts: 4000,
  legalRep: 100,
  bank: 200,
  bankAccount: 64,
  taxId: 64,
  notes: 4000,
}
/** 从业时间 (years) and 员工数量: the contract's bounds */
export const YEARS_MAX = 200
export const EMPLOYEES_MAX = 10_000_000
export const TAG_MAX_LENGTH = 50
export const TAGS_MAX = 20
export const MONEY_MAX_YUAN = 90_000_000_000_000 // contract cap 9e15 cents

/** Which tab of the dialog a field lives on (to jump to the first error). */
export const FIELD_SECTION: Record<string, FormSection> = {
  name: 'basic', shortName: 'basic', customerType: 'basic', levelId: 'basic', categoryId: 'basic',
  sourceId: 'basic', natureId: 'basic', industryId: 'basic', sizeId: 'basic', yearsInBusiness: 'basic',
  positionId: 'basic', creditRating: 'basic', employees: 'basic', wantsAgent: 'basic', settlementId: 'basic',
  contactPolicyId: 'basic', purchasePolicyId: 'basic', tags: 'basic', ownerId: 'basic', regionId: 'contact',
  country: 'contact', province: 'contact', city: 'contact', address: 'contact', postcode: 'contact',
  phone: 'contact', phone2: 'contact', fax: 'contact', email: 'contact', email2: 'contact',
  website: 'contact', mainProducts: 'contact',
  legalRep: 'business', registeredCapitalCents: 'business', annualRevenueCents: 'business', bank: 'business',
  bankAccount: 'business', taxId: 'business',
  notes: 'notes',
}

export const yuanToCents = (yuan: number | null | undefined): number | null =>
  yuan === null || yuan === undefined || Number.isNaN(yuan) ? null : Math.round(yuan * 100)
export const centsToYuan = (cents: number | null | undefined): number | null =>
  cents === null || cents === undefined ? null : cents / 100

export function toFormModel(c: Customer | null): CustomerFormModel {
  const s = (v: string | null | undefined) => v ?? ''
  return {
    name: s(c?.name),
    shortName: s(c?.shortName),
    customerType: c?.customerType ?? 'company',
    levelId: c?.levelId ?? null,
    categoryId: c?.categoryId ?? null,
    sourceId: c?.sourceId ?? null,
    natureId: c?.natureId ?? null,
    industryId: c?.industryId ?? null,
    sizeId: c?.sizeId ?? null,
    yearsInBusiness: c?.yearsInBusiness ?? null,
    positionId: c?.positionId ?? null,
    creditRating: c?.creditRating ?? 0,
    employees: c?.employees ?? null,
    wantsAgent: s(c?.wantsAgent),
    settlementId: c?.settlementId ?? null,
    contactPolicyId: c?.contactPolicyId ?? null,
    purchasePolicyId: c?.purchasePolicyId ?? null,
    regionId: c?.regionId ?? null,
    tags: [...(c?.tags ?? [])],
    ownerId: c?.ownerId ?? null,
    country: s(c?.country),
    province: s(c?.province),
    city: s(c?.city),
    address: s(c?.address),
    postcode: s(c?.postcode),
    phone: s(c?.phone),
    phone2: s(c?.phone2),
    fax: s(c?.fax),
    email: s(c?.email),
    email2: s(c?.email2),
    website: s(c?.website),
    mainProducts: s(c?.mainProducts),
    legalRep: s(c?.legalRep),
    registeredCapitalCents: centsToYuan(c?.registeredCapitalCents),
    annualRevenueCents: centsToYuan(c?.annualRevenueCents),
    bank: s(c?.bank),
    bankAccount: s(c?.bankAccount),
    taxId: s(c?.taxId),
    notes: s(c?.notes),
  }
}

/** The contract's fields for a form model: trimmed text, null for blanks, cents for money. */
export function toFields(m: CustomerFormModel): CustomerFields {
  const t = (v: string) => {
    const x = v.trim()
    return x === '' ? null : x
  }
  const id = (v: string | null | undefined) => (v ? v : null)
  const n = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? null : v)
  return {
    name: m.name.trim(),
    shortName: t(m.shortName),
    customerType: m.customerType,
    levelId: id(m.levelId),
    categoryId: id(m.categoryId),
    sourceId: id(m.sourceId),
    natureId: id(m.natureId),
    industryId: id(m.industryId),
    sizeId: id(m.sizeId),
    yearsInBusiness: n(m.yearsInBusiness),
    positionId: id(m.positionId),
    creditRating: m.creditRating && m.creditRating >= 1 ? m.creditRating : null,
    employees: n(m.employees),
    wantsAgent: t(m.wantsAgent),
    settlementId: id(m.settlementId),
    contactPolicyId: id(m.contactPolicyId),
    purchasePolicyId: id(m.purchasePolicyId),
    regionId: id(m.regionId),
    tags: (m.tags ?? []).map((x) => x.trim()).filter(Boolean),
    country: t(m.country),
    province: t(m.province),
    city: t(m.city),
    address: t(m.address),
    postcode: t(m.postcode),
    phone: t(m.phone),
    phone2: t(m.phone2),
    fax: t(m.fax),
    email: t(m.email),
    email2: t(m.email2),
    website: t(m.website),
    mainProducts: t(m.mainProducts),
    legalRep: t(m.legalRep),
    registeredCapitalCents: yuanToCents(m.registeredCapitalCents),
    annualRevenueCents: yuanToCents(m.annualRevenueCents),
    bank: t(m.bank),
    bankAccount: t(m.bankAccount),
    taxId: t(m.taxId),
    notes: t(m.notes),
  }
}

/** Fields for a new customer: blanks left out, so the server's defaults apply. */
export function createFields(m: CustomerFormModel): CustomerFields {
  const all = toFields(m) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(all)) {
    if (v === null || (Array.isArray(v) && v.length === 0)) continue
    out[k] = v
  }
  return out as CustomerFields
}

/** Only the fields whose value differs from the original (what an edit sends). */
export function changedFields(before: CustomerFormModel, after: CustomerFormModel): Partial<CustomerFields> {
  const a = toFields(before) as Record<string, unknown>
  const b = toFields(after) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(b)) {
    if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) out[k] = b[k]
  }
  return out as Partial<CustomerFields>
}
