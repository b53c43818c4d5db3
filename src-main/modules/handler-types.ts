import type { Actor, AppContext, ServiceContext } from './context'
import type { Area, CallName, CallOutput, ParsedInput } from '../contract/index'


/** What handlers may do with the transport's sessions (implemented by ipc/sessions). */
export interface SessionControl {
  /** binds the transport's key to a logged-in user */
  set(key: string, userId: string): void
  delete(key: string | null): void
  deleteUser(userId: string, except?: string): void
}

/** What a handler gets besides its parsed input. */
export interface CallContext {
  app: AppContext
  /** null only for calls marked public in the contract */
  actor: Actor | null
  sessions: SessionControl
  /** the transport's key for this caller's session */
  sessionKey: string
}

/** The service context of a call that requires a session. */
export const svc = (c: CallContext): ServiceContext => ({ ...c.app, actor: c.actor! })

export type AreaHandlers<A extends Area> = {
  [C in CallName<A>]: (ctx: CallContext, input: ParsedInput<A, C>) => Promise<CallOutput<A, C>>
}
