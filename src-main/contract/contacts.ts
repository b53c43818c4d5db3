import { z } from 'zod'
import { BaseVersion, call, DataScope, Id, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText } from './common'
import { mobileField, phoneField } from './formats'

export const Gender = z.enum(['male', 'female'])
export const BuyingRole = z.enum(['initiator', 'influencer', 'buyer', 'user', 'decision_maker'])
export const BirthdayCalendar = z.enum(['solar', 'lunar'])
/** YYYY-MM-DD in the contact's calendar: a lunar 02-30 is not a solar date, so only the shape is
 *  checked here; the service checks a real solar date or a plausible lunar one. */
export const BirthdayDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')

export const ContactFields = z.strictObject({
  name: requiredText(100),
  gender: Gender.nullish(),
  title: optText(100),
  department: optText(100),
  /** 手机: a mainland mobile number (11 digits, 1[3-9]…) */
  mobile: mobileField(),
  /** 办公电话 / 住宅电话: landline 区号-号码[-分机] or mobile (see formats.ts) */
  officePhone: phoneField(),
  homePhone: phoneField(),
  email: z.union([z.email().max(255), z.literal('')]).nullish(),
  wechat: optText(100),
  /** In the calendar below; for 农历 the YYYY-MM-DD is the lunar year, month and day. */
  birthday: BirthdayDate.nullish(),
  birthdayCalendar: BirthdayCalendar.default('solar'),
  birthdayLeapMonth: z.boolean().default(false),
  hometown: optText(100),
  education: optText(50),
  hobbies: optText(500),
  familyNotes: optText(4000),
  buyingRole: BuyingRole.nullish(),
  friendliness: z.number().int().min(1).max(5).nullish(),
  bestCallTime: optText(100),
  isPrimary: z.boolean().default(false),
  notes: optText(4000),
})
export type ContactFields = z.input<typeof ContactFields>
/** An edit: only the fields sent, no defaults (an omitted field keeps its stored value). */
export const ContactPatch = ContactFields.extend({
  birthdayCalendar: BirthdayCalendar.optional(),
  birthdayLeapMonth: z.boolean().optional(),
  isPrimary: z.boolean().optional(),
}).partial()

export const Contact = z.object({
  id: Id,
  customerId: Id,
  name: z.string(),
  gender: Gender.nullable(),
  title: z.string().nullable(),
  department: z.string().nullable(),
  mobile: z.string().nullable(),
  officePhone: z.string().nullable(),
  homePhone: z.string().nullable(),
  email: z.string().nullable(),
  wechat: z.string().nullable(),
  birthday: BirthdayDate.nullable(),
  birthdayCalendar: BirthdayCalendar,
  birthdayLeapMonth: z.boolean(),
  hometown: z.string().nullable(),
  education: z.string().nullable(),
  hobbies: z.string().nullable(),
  familyNotes: z.string().nullable(),
  buyingRole: BuyingRole.nullable(),
  friendliness: z.number().nullable(),
  bestCallTime: z.string().nullable(),
  isPrimary: z.boolean(),
  notes: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Contact = z.infer<typeof Contact>

/** 联系人 list (the 工作台's 新增联系人 opens it): contacts of live customers in the caller's scope. */
export const ContactSearchInput = PageInput.extend({
  /** added at or after (the client's local midnight, as an instant) */
  createdFrom: IsoDateTime.optional(),
  /** added before */
  createdTo: IsoDateTime.optional(),
  /** narrows the caller's scope (mine / my team), never widens it: a 工作台 card's scope */
  scope: DataScope.optional(),
}).refine((v) => !v.createdFrom || !v.createdTo || Date.parse(v.createdFrom) <= Date.parse(v.createdTo), { path: ['createdTo'], message: 'the end is before the start' })
export type ContactSearchInput = z.input<typeof ContactSearchInput>

export const ContactRow = z.object({
  id: Id,
  name: z.string(),
  title: z.string().nullable(),
  mobile: z.string().nullable(),
  customerId: Id,
  customerName: z.string(),
  ownerName: z.string().nullable(),
  createdAt: IsoDateTime,
})
export type ContactRow = z.infer<typeof ContactRow>

export const contactsContract = {
  list: call(z.strictObject({ customerId: Id }), z.array(Contact)),
  create: call(z.strictObject({ customerId: Id, fields: ContactFields }), Contact),
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: ContactPatch }), Contact),
  remove: call(z.strictObject({ id: Id }), Ok),
  setPrimary: call(z.strictObject({ id: Id, version: BaseVersion }), Ok),
  /** newest first */
  search: call(ContactSearchInput, pageOf(ContactRow)),
} as const
