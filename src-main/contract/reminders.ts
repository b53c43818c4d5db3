// 提醒 / 待办: manual and system-made reminders, the reminder centre (待办中心), snooze,
// done with recurrence, due notifications, and 今日需联系客户.
import { z } from 'zod'
import { BaseVersion, call, Empty, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText } from './common'

export const RepeatRule = z.enum(['none', 'daily', 'weekly', 'monthly', 'yearly', 'every_n_days'])
export type RepeatRule = z.infer<typeof RepeatRule>

/**
 * Who made the reminder: the user (manual) or the system — next follow-up date of an
 * interaction, 联系策略 (跟进提醒), 购买策略 (业务下滑提醒; `purchase_escalation` is the copy
 * for the owner's supervisor at twice the cycle), contact birthdays, promises not kept.
 * `plan_step`: a dated step of an opportunity's 客户开发计划 (for its 客户经理); `opportunity`: an
 * opportunity newly assigned to its 客户经理. `service_ticket` is reserved for the service module.
 * `payment_due`: a payment plan of a sale past its due date and not fully paid (回款提醒).
 */
export const ReminderSource = z.enum([
  'manual',
  'follow_up',
  'contact_policy',
  'purchase_policy',
  'purchase_escalation',
  'birthday',
  'promise',
  'plan_step',
  'opportunity',
  'service_ticket',
  /** 公海预警: the customer returns to the 公海 in a few days unless followed up (or ordered) */
  'pool_warning',
  'payment_due',
])
export type ReminderSource = z.infer<typeof ReminderSource>

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
/** An IANA time zone such as Asia/Shanghai or America/New_York. */
export const TimeZone = z.string().trim().min(1).max(64).refine(isTimeZone, { message: 'unknown time zone' })

/**
 * The caller's wall clock, for "today", "tomorrow 09:00" and the like: an IANA zone
 * (preferred) or the current UTC offset in minutes east of UTC (Asia/Shanghai: 480,
 * i.e. `-new Date().getTimezoneOffset()`). Without either, the app's reminder time zone.
 */
export const ClientZone = z.strictObject({
  timeZone: TimeZone.optional(),
  utcOffsetMinutes: z.number().int().min(-840).max(840).optional(),
})
export type ClientZone = z.input<typeof ClientZone>

const MAX_AHEAD_MINUTES = 60 * 24 * 60 // 60 days

export const ReminderFieldsBase = z.strictObject({
  title: requiredText(200),
  notes: optText(4000),
  /** ISO-8601 with offset; stored in UTC */
  dueAt: IsoDateTime,
  /** the wall clock a recurrence keeps (09:00 stays 09:00 across DST); default: the app's zone */
  timeZone: TimeZone.optional(),
  customerId: Id.nullish(),
  contactId: Id.nullish(),
  opportunityId: Id.nullish(),
  repeat: RepeatRule.default('none'),
  /** every N days / weeks / months / years; required for every_n_days, at least 1 */
  repeatInterval: z.number().int().min(1).max(3650).nullish(),
  /** notify this many minutes before the due time (15, 1440 = 1 day, …) */
  notifyAheadMinutes: z.number().int().min(0).max(MAX_AHEAD_MINUTES).default(0),
})

const needsInterval = (v: { repeat?: string; repeatInterval?: number | null }, ctx: z.RefinementCtx) => {
  if (v.repeat === 'every_n_days' && (v.repeatInterval == null || v.repeatInterval < 1)) {
    ctx.addIssue({ code: 'custom', path: ['repeatInterval'], message: 'every N days needs N of at least 1', params: { minimum: 1 } })
  }
}

export const ReminderCreate = ReminderFieldsBase.extend({
  /** whom to remind; default the caller (others only within the caller's team/all scope) */
  ownerId: Id.nullish(),
}).superRefine(needsInterval)
export type ReminderCreate = z.input<typeof ReminderCreate>

/** An edit: only the fields sent (no defaults). */
export const ReminderPatch = ReminderFieldsBase.extend({
  repeat: RepeatRule.optional(),
  notifyAheadMinutes: z.number().int().min(0).max(MAX_AHEAD_MINUTES).optional(),
}).partial()
export type ReminderPatch = z.input<typeof ReminderPatch>

/** Values a system reminder's title is made of (names, subject, date parts, lead days). */
export const TitleParams = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
export type TitleParams = z.infer<typeof TitleParams>

export const Reminder = z.object({
  id: Id,
  /** the title someone wrote; empty for a system reminder titled by `titleKey` */
  title: z.string(),
  /**
   * A system reminder's title, rendered in the reader's language: follow_up, contact_policy,
   * purchase_policy, purchase_escalation, birthday, promise (null: show `title`)
   */
  titleKey: z.string().nullable(),
  titleParams: TitleParams.nullable(),
  notes: z.string().nullable(),
  customerId: Id.nullable(),
  customerName: z.string().nullable(),
  contactId: Id.nullable(),
  contactName: z.string().nullable(),
  opportunityId: Id.nullable(),
  dueAt: IsoDateTime,
  snoozedUntil: IsoDateTime.nullable(),
  /** snoozedUntil when snoozed, else dueAt: what lists sort and classify by */
  effectiveAt: IsoDateTime,
  /** when the desktop notification fires */
  fireAt: IsoDateTime,
  timeZone: z.string().nullable(),
  repeat: RepeatRule,
  repeatInterval: z.number().int().nullable(),
  notifyAheadMinutes: z.number().int(),
  doneAt: IsoDateTime.nullable(),
  notifiedAt: IsoDateTime.nullable(),
  source: ReminderSource,
  /** the interaction, promise, contact or customer a system reminder is about */
  sourceId: Id.nullable(),
  seriesId: Id.nullable(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  /** open and its effective time has passed */
  overdue: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Reminder = z.infer<typeof Reminder>

export const SnoozePreset = z.enum(['10m', '1h', 'tomorrow', 'until'])
export type SnoozePreset = z.infer<typeof SnoozePreset>

/** 10 minutes, 1 hour, tomorrow 09:00 on the caller's wall clock, or an explicit time. */
const SnoozeFields = ClientZone.extend({
  preset: SnoozePreset,
  /** required for preset = until; must be in the future */
  until: IsoDateTime.optional(),
})
const needsUntil = (v: { preset: string; until?: string }, ctx: z.RefinementCtx) => {
  if (v.preset === 'until' && !v.until) ctx.addIssue({ code: 'custom', path: ['until'], message: 'pick a time' })
}
export const SnoozeInput = SnoozeFields.extend({ id: Id, version: BaseVersion }).superRefine(needsUntil)
export type SnoozeInput = z.input<typeof SnoozeInput>
export const BulkSnoozeInput = SnoozeFields.extend({ ids: z.array(Id).min(1).max(500) }).superRefine(needsUntil)
export type BulkSnoozeInput = z.input<typeof BulkSnoozeInput>

export const CentreFilter = ClientZone.extend({
  /** 类型: only these sources */
  sources: z.array(ReminderSource).max(12).optional(),
  customerId: Id.optional(),
  /** rows per list */
  limit: z.number().int().min(1).max(500).default(100),
})
export type CentreFilter = z.input<typeof CentreFilter>

export const CentreCounts = z.object({
  overdue: z.number().int(),
  today: z.number().int(),
  upcoming: z.number().int(),
  done: z.number().int(),
})

/**
 * 待办中心 of the caller: overdue (effective time passed), today (the rest of the caller's
 * today), upcoming (the 7 days after today), done (the last 7 days). `badge` = overdue +
 * today, unfiltered. A caller with team/all scope also gets the team's overdue follow-ups.
 */
export const Centre = z.object({
  now: IsoDateTime,
  todayStart: IsoDateTime,
  todayEnd: IsoDateTime,
  /** end of the 未来7天 window (the lists page with these same bounds) */
  upcomingEnd: IsoDateTime,
  overdue: z.array(Reminder),
  today: z.array(Reminder),
  upcoming: z.array(Reminder),
  done: z.array(Reminder),
  counts: CentreCounts,
  badge: z.number().int(),
  /** null for own scope; else overdue follow-ups (follow_up, contact_policy) of others in scope */
  teamOverdue: z.array(Reminder).nullable(),
  teamOverdueCount: z.number().int(),
})
export type Centre = z.infer<typeof Centre>

export const ReminderListInput = PageInput.extend({
  status: z.enum(['open', 'done', 'all']).default('open'),
  sources: z.array(ReminderSource).max(12).optional(),
  customerId: Id.optional(),
  ownerId: Id.optional(),
  /** effective time range */
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
})
export type ReminderListInput = z.input<typeof ReminderListInput>

/**
 * How overdue a customer's contact is (今日需联系客户 groups by it): due today, 1–7 days,
 * 8–30 days, more than 30 days overdue.
 */
export const ContactUrgency = z.enum(['today', 'week', 'month', 'older'])
export type ContactUrgency = z.infer<typeof ContactUrgency>

/** A row of 今日需联系客户: a customer whose contact policy is due today or overdue. */
export const CustomerToContact = z.object({
  customerId: Id,
  code: z.string(),
  name: z.string(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  contactPolicyId: Id,
  policyLabel: z.string(),
  cycleDays: z.number().int(),
  lastContactAt: IsoDateTime.nullable(),
  /** the last day of the cycle (basis + cycle days, on the caller's calendar) at the owner's working hour */
  dueAt: IsoDateTime,
  /** whole days past due (0 = due today) */
  overdueDays: z.number().int(),
  urgency: ContactUrgency,
})
export type CustomerToContact = z.infer<typeof CustomerToContact>

export const CustomersToContactInput = PageInput.extend({
  ...ClientZone.shape,
  ownerId: Id.optional(),
  /** only this group; all groups when absent */
  urgency: ContactUrgency.optional(),
})
export type CustomersToContactInput = z.input<typeof CustomersToContactInput>

/** Most recently due first (today, then 1 day overdue …); `groups` counts every group whatever `urgency`. */
export const CustomersToContactPage = pageOf(CustomerToContact).extend({
  groups: z.object({ today: z.number().int(), week: z.number().int(), month: z.number().int(), older: z.number().int() }),
})
export type CustomersToContactPage = z.infer<typeof CustomersToContactPage>

/** 日程: reminders (planned follow-ups included) of a date range, by day on the caller's calendar. */
export const CalendarInput = ClientZone.extend({
  /** first day, YYYY-MM-DD (caller's calendar) */
  from: IsoDate,
  /** last day, inclusive; at most 42 days after `from` (a month grid) */
  to: IsoDate,
  /** whose reminders: the caller (default) or another user within the caller's scope */
  ownerId: Id.optional(),
  sources: z.array(ReminderSource).max(12).optional(),
  /** done reminders too (shown struck through) */
  includeDone: z.boolean().default(true),
  /** items listed per day; the rest is counted (+N more) */
  perDay: z.number().int().min(1).max(200).default(4),
}).superRefine((v, ctx) => {
  const days = (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000
  if (!(days >= 0 && days <= 42)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range must be 1 to 43 days', params: { code: 'range_days' } })
})
export type CalendarInput = z.input<typeof CalendarInput>

export const CalendarDay = z.object({
  date: IsoDate,
  /** every reminder of the day (open and, with includeDone, done) */
  total: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
  /** the first `perDay` of them by effective time */
  items: z.array(Reminder),
})
export const Calendar = z.object({ days: z.array(CalendarDay), total: z.number().int(), now: IsoDateTime })
export type Calendar = z.infer<typeof Calendar>

/** The due-reminder poll: what to notify now, and the centre's counts from the same call. */
export const DueNow = z.object({
  items: z.array(Reminder),
  /** the caller's open reminders past due, due later today, and their sum (the sidebar badge) */
  counts: z.object({ overdue: z.number().int(), today: z.number().int(), badge: z.number().int() }),
})
export type DueNow = z.infer<typeof DueNow>

export const ReminderSettings = z.object({
  /** the zone system reminders use for "today" and 09:00 (birthdays, purchase policy) */
  timeZone: z.string(),
  /** local hour system reminders with a date only fall due at */
  notifyHour: z.number().int().min(0).max(23),
  /** birthday reminders this many days ahead (e.g. [7, 1]; 0 = on the day) */
  birthdayDaysAhead: z.array(z.number().int().min(0).max(60)).max(5),
})
export type ReminderSettings = z.infer<typeof ReminderSettings>

export const EvaluateResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** closed as done because the fact was met (contacted, ordered, promise kept) */
  closed: z.number().int(),
  /** withdrawn because no longer applicable (policy removed, record deleted, …) */
  retracted: z.number().int(),
  revived: z.number().int(),
  ms: z.number(),
})
export type EvaluateResult = z.infer<typeof EvaluateResult>

export const remindersContract = {
  centre: call(CentreFilter, Centre),
  /** The sidebar badge: overdue + today of the caller. */
  badge: call(ClientZone.default({}), z.object({ badge: z.number().int(), overdue: z.number().int(), today: z.number().int() })),
  list: call(ReminderListInput, pageOf(Reminder)),
  get: call(z.strictObject({ id: Id }), Reminder),
  create: call(ReminderCreate, Reminder),
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: ReminderPatch }), Reminder),
  remove: call(z.strictObject({ id: Id }), Ok),
  snooze: call(SnoozeInput, Reminder),
  /** Done; a recurring reminder answers its next occurrence too. */
  done: call(z.strictObject({ id: Id, version: BaseVersion }), z.object({ reminder: Reminder, next: Reminder.nullable() })),
  reopen: call(z.strictObject({ id: Id, version: BaseVersion }), Reminder),
  bulkDone: call(z.strictObject({ ids: z.array(Id).min(1).max(500) }), z.object({ done: z.number().int(), created: z.number().int() })),
  bulkSnooze: call(BulkSnoozeInput, z.object({ snoozed: z.number().int() })),
  /** 今日需联系客户: customers whose contact policy is due today (caller's zone) or overdue. */
  customersToContact: call(CustomersToContactInput, CustomersToContactPage),
  /** 日程 (day / week / month): the reminders of a date range by day, the first few listed per day. */
  calendar: call(CalendarInput, Calendar),
  /**
   * The caller's reminders to notify now (fire time reached, not yet notified for this
   * occurrence); each is marked notified, so it is never answered twice. Reminders that fell
   * due while the app was closed come at the next call. Poll it (e.g. every 30 s). The counts are
   * the centre's (overdue / today, caller's zone), so a summary never says another number.
   */
  due: call(ClientZone.default({}), DueNow),
  /** Runs the system reminders' evaluation now (it also runs at start and hourly). */
  evaluate: call(Empty, EvaluateResult),
  getSettings: call(Empty, ReminderSettings),
  saveSettings: call(
    z.strictObject({
      timeZone: TimeZone.optional(),
      notifyHour: z.number().int().min(0).max(23).optional(),
      birthdayDaysAhead: z.array(z.number().int().min(0).max(60)).max(5).optional(),
    }),
    ReminderSettings,
  ),
} as const
