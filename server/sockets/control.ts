/**
 * `/control`: the operator's screens. A snapshot on connect and on request; every control action is
 * dispatched through the one handler map (the same as `POST /api/control/:action`), its ack sent after
 * commit, and the change pushed to every screen at once.
 */
import type { Namespace } from 'socket.io';
import { controlActions, type ControlClientToServer, type ControlServerToClient, type LiveSnapshot } from '../protocol/index.js';

export type ControlNamespace = Namespace<ControlClientToServer, ControlServerToClient>;

export interface ControlDeps {
  snapshot: () => LiveSnapshot;
  /** Runs one action (validated there) for the named actor; never throws. */
  dispatch: (action: string, payload: unknown, actor: string) => Promise<unknown>;
  /** Told after each action is answered (the hub pushes what it changed). */
  acted: () => void;
}

export function bindControl(ns: ControlNamespace, deps: ControlDeps): void {
  ns.on('connection', (socket) => {
    socket.emit('snapshot', deps.snapshot());
    socket.on('snapshot.request', () => socket.emit('snapshot', deps.snapshot()));
    for (const action of controlActions) {
      socket.on(action, (payload: unknown, ack: unknown) => {
        // An action without a payload may come with its ack first.
        const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : typeof payload === 'function' ? (payload as (r: unknown) => void) : null;
        const body = typeof payload === 'function' ? {} : payload;
        void deps.dispatch(action, body, socket.data.actor as string).then((result) => {
          reply?.(result);
          deps.acted();
        });
      });
    }
  });
}
