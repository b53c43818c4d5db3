import { svc, type AreaHandlers } from '../handler-types'
import { poolAssign, poolClaim, poolEvaluate, poolGetRules, poolList, poolRelease, poolSaveRules, poolStatus } from './pool.service'

export const poolHandlers: AreaHandlers<'pool'> = {
  list: (c, i) => poolList(svc(c), i),
  release: (c, i) => poolRelease(svc(c), i),
  claim: (c, i) => poolClaim(svc(c), i),
  assign: (c, i) => poolAssign(svc(c), i),
  getRules: (c) => poolGetRules(svc(c)),
  saveRules: (c, i) => poolSaveRules(svc(c), i),
  status: (c) => poolStatus(svc(c)),
  evaluate: (c) => poolEvaluate(svc(c)),
}
