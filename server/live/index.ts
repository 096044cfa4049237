/** The live model's front door. */
export { createLiveModel, type LiveModel, type LiveModelOptions } from './model.js';
export { createPusher, IDLE_PUSH_MS, type Pusher, type PusherDeps } from './pusher.js';
