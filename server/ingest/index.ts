/** Ingest's front door: the group-committing writer and the NDJSON reader. */
export { createWriter, MAX_BATCH_RECORDS, type Writer, type WriterDeps } from './writer.js';
export { parseNdjson, type NdjsonLine } from './ndjson.js';
export { watchOversized } from './oversize.js';
