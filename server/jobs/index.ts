/** Worker threads for heavy, input-driven work: spreadsheets read and exports built off the hub's thread. */
export { createJobPool, JobError, type JobPool, type JobPoolOptions } from './pool.js';
export type { JobInput, JobKind, JobOutput, Jobs } from './kinds.js';
