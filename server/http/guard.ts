/**
 * Who may talk to the hub at all: browsers only from the hub's own origin (no page elsewhere can use
 * a token it stole or guessed), and an address that keeps failing authentication is made to wait.
 */
import type { IncomingMessage } from 'node:http';

/** True when the request has no Origin (programs, connectors) or comes from the hub's own origin. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export interface AuthLimiter {
  /** Whether this address is waiting out too many failures. */
  blocked(address: string): boolean;
  /** Counts one failed attempt. */
  failed(address: string): void;
}

/** At most `maxFailures` failed authentications per address per window; then refuse for the window. */
export function createAuthLimiter(now: () => number, maxFailures = 20, windowMs = 60_000): AuthLimiter {
  const failures = new Map<string, { count: number; since: number }>();
  return {
    blocked(address) {
      const f = failures.get(address);
      if (!f) return false;
      if (now() - f.since > windowMs) {
        failures.delete(address);
        return false;
      }
      return f.count >= maxFailures;
    },
    failed(address) {
      const f = failures.get(address);
      if (!f || now() - f.since > windowMs) failures.set(address, { count: 1, since: now() });
      else f.count++;
      if (failures.size > 10_000) failures.clear();
    },
  };
}
