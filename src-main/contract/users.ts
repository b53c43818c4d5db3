import { z } from 'zod'
import { BaseVersion, call, Empty, Id, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, text, versionWithId } from './common'
import { Login, Password } from './auth'

export const User = z.object({
  id: Id,
  login: z.string(),
  name: z.string(),
  roleId: Id,
  roleName: z.string(),
  roleCode: z.string(),
  teamId: Id.nullable(),
  teamName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  disabled: z.boolean(),
  lockedUntil: IsoDateTime.nullable(),
  lastLoginAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  version: z.number(),
})
export type User = z.infer<typeof User>

export const Team = z.object({ id: Id, name: z.string(), leaderId: Id.nullable(), memberCount: z.number().int(), version: z.number() })
export type Team = z.infer<typeof Team>

export const UserCreate = z.strictObject({
  login: Login,
  name: requiredText(100),
  password: Password,
  roleId: Id,
  teamId: Id.nullish(),
  email: z.email().max(255).nullish().or(z.literal('')),
  phone: optText(50),
})
export const UserUpdate = z.strictObject({
  id: Id,
  version: BaseVersion,
  name: requiredText(100).optional(),
  roleId: Id.optional(),
  teamId: Id.nullish(),
  email: z.email().max(255).nullish().or(z.literal('')),
  phone: optText(50),
  disabled: z.boolean().optional(),
})

/** A short list for owner pickers: every enabled user the actor may assign to. */
export const UserOption = z.object({ id: Id, name: z.string(), login: z.string(), teamId: Id.nullable(), roleCode: z.string() })

export const usersContract = {
  list: call(PageInput.extend({ search: text(100).optional(), includeDisabled: z.boolean().default(true) }), pageOf(User)),
  options: call(Empty, z.array(UserOption)),
  create: call(UserCreate, User),
  update: call(UserUpdate, User),
  resetPassword: call(z.strictObject({ id: Id, password: Password }), Ok),
  unlock: call(z.strictObject({ id: Id }), Ok),
  teams: call(Empty, z.array(Team)),
  /** Creates a team (no id) or edits one (id and the version it is based on). */
  saveTeam: call(z.strictObject({ id: Id.optional(), version: BaseVersion.optional(), name: requiredText(100), leaderId: Id.nullish() }).superRefine(versionWithId), Team),
} as const
