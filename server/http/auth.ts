/**
 * Role tokens (`ingest`, `operator`, `viewer`): from the environment, or generated at first start and
 * kept beside the database in a file only its owner can read. Compared in constant time.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

export type Role = 'ingest' | 'operator' | 'viewer';
export type Tokens = Record<Role, string>;

const ENV: Record<Role, string> = {
  ingest: 'LIVEDECK_TOKEN_INGEST',
  operator: 'LIVEDECK_TOKEN_OPERATOR',
  viewer: 'LIVEDECK_TOKEN_VIEWER',
};

export const newToken = (): string => crypto.randomBytes(24).toString('base64url');

/** Where the generated tokens of a database live. */
export const tokenFileFor = (dbFile: string): string => `${dbFile}.tokens.json`;

/**
 * Tokens for a hub: environment first, then the file beside the database, else new ones written
 * there (mode 0600). `generatedFile` is set when any token came from the file.
 */
export function loadTokens(dbFile: string | null, env: NodeJS.ProcessEnv = process.env): { tokens: Tokens; file: string | null } {
  const fromEnv: Partial<Tokens> = {};
  for (const role of Object.keys(ENV) as Role[]) if (env[ENV[role]]) fromEnv[role] = env[ENV[role]];
  if (fromEnv.ingest && fromEnv.operator && fromEnv.viewer) return { tokens: fromEnv as Tokens, file: null };
  if (!dbFile || dbFile === ':memory:') {
    return { tokens: { ingest: newToken(), operator: newToken(), viewer: newToken(), ...fromEnv }, file: null };
  }
  const file = tokenFileFor(dbFile);
  let stored: Partial<Tokens> = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Tokens>;
  } catch {
    stored = {};
  }
  const tokens: Tokens = {
    ingest: stored.ingest ?? newToken(),
    operator: stored.operator ?? newToken(),
    viewer: stored.viewer ?? newToken(),
  };
  if (stored.ingest !== tokens.ingest || stored.operator !== tokens.operator || stored.viewer !== tokens.viewer) {
    saveTokens(file, tokens);
  }
  return { tokens: { ...tokens, ...fromEnv }, file };
}

export function saveTokens(file: string, tokens: Tokens): void {
  fs.writeFileSync(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false;
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/** The strongest role a token grants, or null. An operator may also read what a viewer reads. */
export function roleOf(given: unknown, tokens: Tokens): Role | null {
  if (tokenMatches(given, tokens.operator)) return 'operator';
  if (tokenMatches(given, tokens.viewer)) return 'viewer';
  if (tokenMatches(given, tokens.ingest)) return 'ingest';
  return null;
}

/** The hub's role tokens while it runs: read by every door, replaced one role at a time. */
export interface TokenKeeper {
  current(): Tokens;
  /** Replaces all three (tests, `livedeck` shells that pass their own). */
  set(next: Tokens): void;
  /** A new token for `role`, kept in the token file when the tokens came from one; listeners are told. */
  rotate(role: Role): string;
  /** Told after a role's token was replaced (the sockets close that role's connections). */
  onRotate(listener: (role: Role) => void): void;
}

export function createTokenKeeper(initial: Tokens, file: string | null): TokenKeeper {
  let tokens = initial;
  const listeners: ((role: Role) => void)[] = [];
  return {
    current: () => tokens,
    set(next) {
      tokens = next;
    },
    rotate(role) {
      tokens = { ...tokens, [role]: newToken() };
      if (file) saveTokens(file, tokens);
      for (const l of listeners) l(role);
      return tokens[role];
    },
    onRotate(listener) {
      listeners.push(listener);
    },
  };
}
