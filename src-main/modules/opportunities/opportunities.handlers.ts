import { svc, type AreaHandlers } from '../handler-types'
import {
  opportunitiesAddStep, opportunitiesAssign, opportunitiesAssignees, opportunitiesCheckName, opportunitiesClose, opportunitiesCreate,
  opportunitiesGet, opportunitiesList, opportunitiesRecordResult, opportunitiesRemove, opportunitiesRemoveStep, opportunitiesReorderSteps,
  opportunitiesTrack, opportunitiesUpdate, opportunitiesUpdateStep,
} from './opportunities.service'
import { opportunitiesBoard, opportunitiesFunnel } from './pipeline.service'

export const opportunitiesHandlers: AreaHandlers<'opportunities'> = {
  list: (c, i) => opportunitiesList(svc(c), i),
  get: (c, i) => opportunitiesGet(svc(c), i),
  create: (c, i) => opportunitiesCreate(svc(c), i),
  update: (c, i) => opportunitiesUpdate(svc(c), i),
  remove: (c, i) => opportunitiesRemove(svc(c), i),
  assign: (c, i) => opportunitiesAssign(svc(c), i),
  assignees: (c) => opportunitiesAssignees(svc(c)),
  checkName: (c, i) => opportunitiesCheckName(svc(c), i),
  track: (c, i) => opportunitiesTrack(svc(c), i),
  addStep: (c, i) => opportunitiesAddStep(svc(c), i),
  updateStep: (c, i) => opportunitiesUpdateStep(svc(c), i),
  removeStep: (c, i) => opportunitiesRemoveStep(svc(c), i),
  reorderSteps: (c, i) => opportunitiesReorderSteps(svc(c), i),
  recordResult: (c, i) => opportunitiesRecordResult(svc(c), i),
  close: (c, i) => opportunitiesClose(svc(c), i),
  board: (c, i) => opportunitiesBoard(svc(c), i),
  funnel: (c, { scope, ...i }) => opportunitiesFunnel(svc(c), { ...i, within: scope }),
}
