import { z } from 'zod'
import { Action, BaseVersion, call, DataScope, Empty, Id, Ok, optText, PermModule, requiredText, str, versionWithId } from './common'

export const RolePermission = z.object({ module: PermModule, actions: z.array(Action).max(9), scope: DataScope })
export const Role = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string().nullable(),
  isSystem: z.boolean(),
  userCount: z.number().int(),
  permissions: z.array(RolePermission),
  version: z.number(),
})
export type Role = z.infer<typeof Role>
export type RolePermission = z.infer<typeof RolePermission>

export const rolesContract = {
  list: call(Empty, z.array(Role)),
  save: call(
    z.strictObject({
      id: Id.optional(),
      /** with an id: the version the edit is based on */
      version: BaseVersion.optional(),
      code: str().trim().min(2).max(64).regex(/^[a-z0-9_]+$/).optional(),
      name: requiredText(100),
      nameEn: optText(100),
      description: optText(500),
      permissions: z.array(RolePermission.strict()).max(32),
    }).superRefine(versionWithId),
    Role,
  ),
  remove: call(z.strictObject({ id: Id }), Ok),
} as const
