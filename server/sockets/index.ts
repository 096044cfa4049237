/** The four Socket.IO namespaces' front door: who may open each (guard) and what each answers. */
export { guardNamespace, disconnectRole, type GuardDeps } from './guard.js';
export { bindIngest, type IngestNamespace } from './ingest.js';
export { bindMall, type MallDeps, type MallNamespace } from './mall.js';
export { bindControl, type ControlDeps, type ControlNamespace } from './control.js';
export { bindView, type ViewNamespace } from './view.js';
export { createSocketServer } from './server.js';
