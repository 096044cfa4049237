/**
 * Who may talk to the hub at all: browsers only from the hub's own origin (no page elsewhere can use
 * a token it stole or guessed) and under a host name the hub answers to (no DNS rebinding); an address
 * that keeps failing authentication has its wrong tokens refused without a look — but a valid token is
 * never refused for others' failures; and one address cannot hold every connection or request.
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
  /**
   * Whether this address is waiting out too many failures. Asked only of a token that did NOT match:
   * a page anywhere can make a browser send wrong tokens from 127.0.0.1, and that must not lock the
   * studio's own screens out.
   */
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

/** The host name of a Host header, lower-cased, without its port (`[::1]:5170` → `[::1]`). */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : null;
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** Host names the hub answers to whatever it listens on. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/** Addresses meaning "every interface": never a Host a browser should send. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The Host allowlist: loopback names, the address the hub listens on, the LAN addresses it advertises
 * (for tablets) and any the studio adds (`LIVEDECK_ALLOWED_HOSTS`, comma-separated, for a proxy or a
 * name on the studio's DNS). A page on another name that rebinds its DNS to the hub is then refused,
 * though its requests reach the hub's socket: browsers send the name they resolved, never ours.
 */
export function createHostAllowlist(listening: () => string | null, lan: () => string[], extra: readonly string[] = []): (header: string | undefined) => boolean {
  const fixed = new Set([...LOOPBACK_HOSTS, ...extra.map((h) => hostName(h)).filter((h): h is string => !!h)]);
  let cached: { at: number; hosts: Set<string> } | null = null;
  const current = (): Set<string> => {
    const t = Date.now();
    // Interfaces change (Wi-Fi joins, a cable is plugged); looked up again every few seconds.
    if (cached && t - cached.at < 5000) return cached.hosts;
    const hosts = new Set(fixed);
    const bound = listening();
    if (bound && !WILDCARDS.has(bound)) hosts.add(hostName(bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound)!);
    for (const a of lan()) hosts.add(a.includes(':') ? `[${a.toLowerCase()}]` : a);
    cached = { at: t, hosts };
    return hosts;
  };
  return (header) => {
    const name = hostName(header);
    return name !== null && current().has(name);
  };
}

export interface AddressCaps {
  /** Counts a new connection; false (and nothing counted) when the address already has its cap. */
  connectionOpened(address: string): boolean;
  connectionClosed(address: string): void;
  /** Counts a request in progress; false (and nothing counted) over the cap. */
  requestStarted(address: string): boolean;
  requestEnded(address: string): void;
}

/**
 * Per-address caps on open connections and requests in progress: one machine on the LAN (or one page
 * of a browser) cannot take every socket or every request the hub can serve.
 */
export function createAddressCaps(maxConnections = 512, maxRequests = 64): AddressCaps {
  const connections = new Map<string, number>();
  const requests = new Map<string, number>();
  const up = (m: Map<string, number>, a: string, cap: number) => {
    const n = m.get(a) ?? 0;
    if (n >= cap) return false;
    m.set(a, n + 1);
    return true;
  };
  const down = (m: Map<string, number>, a: string) => {
    const n = (m.get(a) ?? 1) - 1;
    if (n <= 0) m.delete(a);
    else m.set(a, n);
  };
  return {
    connectionOpened: (a) => up(connections, a, maxConnections),
    connectionClosed: (a) => down(connections, a),
    requestStarted: (a) => up(requests, a, maxRequests),
    requestEnded: (a) => down(requests, a),
  };
}
