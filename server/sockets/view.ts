/** `/view`: read-only screens (the big screen, the host's prompter, a viewer's tablet). */
import type { Namespace } from 'socket.io';
import { controlActions, type LiveSnapshot, type ViewClientToServer, type ViewServerToClient } from '../protocol/index.js';

export type ViewNamespace = Namespace<ViewClientToServer, ViewServerToClient>;

export function bindView(ns: ViewNamespace, deps: { snapshot: () => LiveSnapshot }): void {
  ns.on('connection', (socket) => {
    socket.emit('snapshot', deps.snapshot());
    socket.on('snapshot.request', () => socket.emit('snapshot', deps.snapshot()));
    // /view is read-only: an action sent here (a viewer's tablet pressing a key it may not) is answered
    // with a code, never left waiting in silence until the sender's timeout.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (event === 'snapshot.request' || typeof ack !== 'function') return;
      const known = (controlActions as readonly string[]).includes(event);
      (ack as (r: unknown) => void)({
        ok: false,
        error: known
          ? { code: 'forbidden', message: `“${event}” is an operator action: a ${String(socket.data.role)} screen on /view only watches. Use the operator token on /control.` }
          : { code: 'unknown_action', message: `No action “${event.slice(0, 60)}”.` },
      });
    });
  });
}
