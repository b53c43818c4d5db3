import type { Actor, AppContext, ServiceContext } from '../app/context'
import type { Area, CallName, CallOutput, ParsedInput } from '../contract/index'
import type { SessionStore } from './sessions'

/** What a handler gets besides its parsed input. */
export interface CallContext {
  app: AppContext
  /** null only for calls marked public in the contract */
  actor: Actor | null
  sessions: SessionStore
  /** the transport's key for this caller's session */
  sessionKey: string
}

/** The service context of a call that requires a session. */
export const svc = (c: CallContext): ServiceContext => ({ ...c.app, actor: c.actor! })

export type AreaHandlers<A extends Area> = {
  [C in CallName<A>]: (ctx: CallContext, input: ParsedInput<A, C>) => Promise<CallOutput<A, C>>
}
