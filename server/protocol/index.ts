/** The protocol's front door: every schema, type and socket map, imported by hub, renderer and tests. */
export * from './events.js';
export * from './bounds.js';
export * from './control.js';
export * from './live.js';
export * from './sockets.js';
export * from './mall.js';
export * from './prompter.js';
export * from './sources.js';
export * from './relay.js';
export * from './runsheet.js';
export * from './http.js';
