/** The live model's front door. */
export { createLiveModel, type LiveModel, type LiveModelOptions } from './model.js';
export { triageComment, isQuestion, DEFAULT_KEYWORDS, type Triage } from './triage.js';
