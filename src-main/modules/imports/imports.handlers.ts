import { svc, type AreaHandlers } from '../handler-types'
import {
  importsCancel, importsErrorReport, importsInspect, importsMappings, importsPreview, importsProgress, importsRemoveMapping, importsSaveMapping,
  importsStart, importsTemplate, importsUndo, importsUpload,
} from './imports.service'

export const importsHandlers: AreaHandlers<'imports'> = {
  upload: (c, i) => importsUpload(svc(c), i),
  inspect: (c, i) => importsInspect(svc(c), i),
  preview: (c, i) => importsPreview(svc(c), i),
  start: (c, i) => importsStart(svc(c), i),
  progress: (c, i) => importsProgress(svc(c), i),
  cancel: (c, i) => importsCancel(svc(c), i),
  errorReport: (c, i) => importsErrorReport(svc(c), i),
  undo: (c, i) => importsUndo(svc(c), i),
  template: (c, i) => importsTemplate(svc(c), i),
  mappings: (c, i) => importsMappings(svc(c), i),
  saveMapping: (c, i) => importsSaveMapping(svc(c), i),
  removeMapping: (c, i) => importsRemoveMapping(svc(c), i),
}
