/**
 * Who may open a namespace: every Socket.IO handshake shows a role token. A wrong token counts against
 * its address (the same limiter as HTTP); a valid token of another role is refused without counting.
 */
import type { Namespace } from 'socket.io';
import type { AuthLimiter } from '../http/guard.js';
import { roleOf, type Role, type Tokens } from '../http/auth.js';
import type { HandshakeAuth } from '../protocol/index.js';

export interface GuardDeps {
  /** The current tokens (they change when one is rotated). */
  tokens: () => Tokens;
  limiter: AuthLimiter;
}

/** Lets into `ns` only handshakes whose token grants one of `roles`; sets `socket.data.role` and `.actor`. */
export function guardNamespace(ns: Namespace<any, any>, roles: readonly Role[], deps: GuardDeps): void {
  ns.use((socket, next) => {
    const address = socket.handshake.address;
    const auth = socket.handshake.auth as Partial<HandshakeAuth>;
    const role = roleOf(auth?.token, deps.tokens());
    if (!role) {
      // Only a wrong token waits out the address's failures: a valid one is never locked out by others.
      if (deps.limiter.blocked(address)) return next(new Error('rate_limited: too many failed attempts; wait a minute'));
      deps.limiter.failed(address);
      return next(new Error('unauthorized: a valid token is required'));
    }
    if (!roles.includes(role)) return next(new Error('forbidden: this token cannot open this channel'));
    socket.data.role = role;
    socket.data.actor = typeof auth.name === 'string' && auth.name.trim() ? auth.name.trim().slice(0, 40) : role;
    next();
  });
}

/** Closes every socket of `role` in these namespaces (its token was just replaced). */
export function disconnectRole(namespaces: readonly Namespace<any, any>[], role: Role): void {
  for (const ns of namespaces) {
    for (const socket of ns.sockets.values()) if (socket.data.role === role) socket.disconnect(true);
  }
}
