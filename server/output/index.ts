/** What leaves the hub for people and their tools: CSV cells, terminal text, files on disk, secrets in logs. */
export { csvField, formatCsv, guardFormula, unguardFormula } from './csv.js';
export { printable } from './terminal.js';
export { maskToken, maskTokenInUrl } from './secrets.js';
export { createOwnerOnly, ensureOwnerDir, restrictDbFiles, restrictFile, OWNER_ONLY_DIR, OWNER_ONLY_FILE } from './files.js';
