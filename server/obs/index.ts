/** The OBS link's front door. */
export { createObsLink, obsConfigFromEnv, type ObsConfig, type ObsLink, type ObsLinkOptions, type ObsStatus, type ObsSwitchResult } from './link.js';
export { obsHandlers, type ObsHandlers } from './handlers.js';
