import type { Actor, AppContext, ServiceContext } from './context'
import type { Area, CallName, CallOutput, ParsedInput } from '../contract/index'


/** What handlers may do with the transport's sessions (implemented by ipc/dispatch over ipc/sessions). */
export interface SessionControl {
  /** logs the caller in: its old session ends, a new one begins under a fresh key (a new cookie in the browser mode) */
  begin(userId: string): void
  /** logs the caller out */
  end(): void
  /** ends every session of a user, but the one keyed `except` */
  deleteUser(userId: string, except?: string | null): void
  /** locks the caller's session (锁屏) */
  lock(): void
  /** lifts the caller's lock (after its password was checked) */
  unlock(): void
  /** whether the caller's session is locked (false without one) */
  locked(): boolean
}

/** What a handler gets besides its parsed input. */
export interface CallContext {
  app: AppContext
  /** null only for calls marked public in the contract */
  actor: Actor | null
  sessions: SessionControl
  /** the key of the caller's session as it came in (null: none) */
  sessionKey: string | null
}

/** The service context of a call that requires a session. */
export const svc = (c: CallContext): ServiceContext => ({ ...c.app, actor: c.actor! })

export type AreaHandlers<A extends Area> = {
  [C in CallName<A>]: (ctx: CallContext, input: ParsedInput<A, C>) => Promise<CallOutput<A, C>>
}
