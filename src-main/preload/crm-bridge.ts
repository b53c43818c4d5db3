// The shape of window.crm as the preload exposes it, derived from the contract:
// every call answers the {ok,data}|{ok,error} envelope that dispatch() returns.
import type { ApiResult, Area, CallInput, CallName, CallOutput } from '../contract/index'

export type CrmBridge = {
  readonly [A in Area]: { readonly [C in CallName<A>]: (input: CallInput<A, C>) => Promise<ApiResult<CallOutput<A, C>>> }
}
