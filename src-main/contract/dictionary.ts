import { z } from 'zod'
import { BaseVersion, call, Empty, Id, Ok, optText, requiredText, versionWithId } from './common'

/** Dictionary types seeded from DOMAIN.md; the code is what entities refer to. */
export const DictTypeCode = z.enum([
  'region', // 所属区域
  'nature', // 客户性质
  'source', // 客户来源
  'category', // 客户类别
  'industry', // 所属行业
  'size', // 规模
  'position', // 行业地位
  'settlement', // 结算方式
  'contact_policy', // 联系策略 (cycle in days)
  'purchase_policy', // 购买策略 (cycle in days)
  'level', // 客户等级
  'interaction_channel', // 交往方式
  'opportunity_source', // 机会来源
  'opportunity_stage', // 销售阶段 (each with a default 成功机率)
  'opportunity_lost_reason', // 失败原因 of a lost opportunity
  'service_type', // 服务类型
  'churn_reason', // 流失原因
  'review_department', // 评议部门 (客户需求单)
  'product_category', // 产品类别
  'payment_method', // 回款方式
])
export type DictTypeCode = z.infer<typeof DictTypeCode>

export const DictItem = z.object({
  id: Id,
  typeCode: DictTypeCode,
  label: z.string(),
  labelEn: z.string().nullable(),
  sortOrder: z.number().int(),
  enabled: z.boolean(),
  cycleDays: z.number().int().nullable(),
  /** a 销售阶段's default 成功机率 (0–100); null elsewhere */
  probability: z.number().int().nullable(),
  inUse: z.number().int().optional(),
  version: z.number(),
})
export type DictItem = z.infer<typeof DictItem>

export const DictType = z.object({
  code: DictTypeCode,
  name: z.string(),
  nameEn: z.string().nullable(),
  hasCycle: z.boolean(),
  /** items carry a default probability (销售阶段) */
  hasProbability: z.boolean(),
  items: z.array(DictItem),
})
export type DictType = z.infer<typeof DictType>

/** Types whose items carry a default probability. */
export const PROBABILITY_TYPES: readonly DictTypeCode[] = ['opportunity_stage']

export const dictionaryContract = {
  /** Every type with its items (enabled and disabled), for pickers and the admin screen. */
  all: call(Empty, z.array(DictType)),
  /** Items of one type with how many records use each. */
  items: call(z.strictObject({ typeCode: DictTypeCode }), z.array(DictItem)),
  save: call(
    z.strictObject({
      id: Id.optional(),
      /** with an id: the version the edit is based on */
      version: BaseVersion.optional(),
      typeCode: DictTypeCode,
      label: requiredText(100),
      labelEn: optText(100),
      enabled: z.boolean().optional(),
      cycleDays: z.number().int().min(1).max(3650).nullish(),
      probability: z.number().int().min(0).max(100).nullish(),
    }).superRefine(versionWithId),
    DictItem,
  ),
  reorder: call(z.strictObject({ typeCode: DictTypeCode, ids: z.array(Id).min(1).max(500) }), Ok),
  /** Deletes an unused item; an item in use answers `in_use` (disable it instead). */
  remove: call(z.strictObject({ id: Id }), Ok),
} as const
