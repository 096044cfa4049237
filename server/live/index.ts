/** The live model's front door. */
export { createLiveModel, type LiveModel, type LiveModelOptions } from './model.js';
