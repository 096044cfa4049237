/**
 * The hub's Socket.IO server on its HTTP server: the four namespaces, each behind its role guard, and a
 * way to close one role's connections when its token is replaced.
 */
import type http from 'node:http';
import { Server, type Namespace } from 'socket.io';
import type { Role } from '../http/auth.js';
import { sameOrigin } from '../http/guard.js';
import { SOCKET_ENGINE_MAX_BYTES } from '../protocol/index.js';
import type { ControlNamespace } from './control.js';
import { disconnectRole, guardNamespace, type GuardDeps } from './guard.js';
import type { IngestNamespace } from './ingest.js';
import type { MallNamespace } from './mall.js';
import type { ViewNamespace } from './view.js';

export function createSocketServer(httpServer: http.Server, deps: GuardDeps & { hostAllowed: (host: string | undefined) => boolean }) {
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_ENGINE_MAX_BYTES,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // Browsers may only connect from the hub's own pages (programs send no Origin), under a name the
    // hub answers to (no DNS rebinding).
    allowRequest: (req, callback) => callback(null, sameOrigin(req) && deps.hostAllowed(req.headers.host)),
  });
  const ingest: IngestNamespace = io.of('/ingest');
  const control: ControlNamespace = io.of('/control');
  const view: ViewNamespace = io.of('/view');
  const mall: MallNamespace = io.of('/mall');
  guardNamespace(ingest, ['ingest'], deps);
  guardNamespace(control, ['operator'], deps);
  guardNamespace(view, ['viewer', 'operator'], deps);
  guardNamespace(mall, ['ingest'], deps);
  const all = [ingest, control, view, mall] as Namespace<any, any>[];
  return {
    io,
    ingest,
    control,
    view,
    mall,
    /** Closes every connection of `role` on every namespace (its token was just replaced). */
    disconnectRole: (role: Role) => disconnectRole(all, role),
  };
}
