/** The store's front door: open the file, then talk to it through the repository. */
export { openDb, migrate, migrations, type Db } from './db.js';
export { createRepository, statusRank, type Repository, type SessionRow, type CommentStateRow, type AuditRow } from './repository.js';
