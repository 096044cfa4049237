/**
 * The one door to the hub: where it is, which token to use, and a typed Socket.IO client built on the
 * protocol's event maps. Control actions go through {@link sendAction}, which always resolves to an
 * `Ack` (a timeout or a dropped connection becomes `{ ok: false, error }` too).
 */
import { io, type Socket } from 'socket.io-client';
import { errorText } from '../i18n';
import type { ControlAck, ControlAction, ControlClientToServer, ControlPayload, ControlServerToClient, HandshakeAuth, ViewClientToServer, ViewServerToClient } from '@protocol';

export type ControlSocket = Socket<ControlServerToClient, ControlClientToServer>;
export type ViewSocket = Socket<ViewServerToClient, ViewClientToServer>;
/** Either channel: both receive `snapshot` and `tick` and may ask for a fresh snapshot. */
export type LiveSocket = ControlSocket | ViewSocket;
export type Channel = 'control' | 'view';

/** Where the hub is and who we are to it. */
export interface ConnectionInfo {
  hubUrl: string;
  token: string;
  /** The window's role when the desktop shell told us; decides which channel to try first. */
  role: 'control' | 'prompter' | 'screen' | null;
}

const TOKEN_KEY = 'livedeck.token';
/** How long a control action may wait for its acknowledgement. */
export const ACK_TIMEOUT_MS = 5000;

/**
 * The hub and token for this tab: from the Electron preload when there is one, else from `?token=`
 * (kept in sessionStorage for the tab, then removed from the address bar so it is not shared by a
 * screenshot or a copied link), else from what the tab kept earlier.
 */
export async function resolveConnection(): Promise<ConnectionInfo | null> {
  if (window.livedeck) {
    const c = await window.livedeck.connection();
    return { hubUrl: c.hubUrl, token: c.token, role: c.role };
  }
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.toString());
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  return token ? { hubUrl: window.location.origin, token, role: null } : null;
}

/** Opens one namespace; Socket.IO reconnects by itself with a short back-off (a live show cannot wait). */
export function openSocket(info: ConnectionInfo, channel: Channel, name: string): LiveSocket {
  const auth: HandshakeAuth = { token: info.token, name };
  return io(`${info.hubUrl}/${channel}`, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 300,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.3,
    timeout: 5000,
  });
}

/** Sends one control action and waits for its ack; never throws. */
export async function sendAction<A extends ControlAction>(socket: ControlSocket, action: A, payload: ControlPayload<A>): Promise<ControlAck<A>> {
  if (!socket.connected) return { ok: false, error: { code: 'offline', message: '' } };
  try {
    const timed = socket.timeout(ACK_TIMEOUT_MS);
    // Socket.IO's types cannot follow a generic action name to its ack; ControlClientToServer pins it per action.
    const emitWithAck = timed.emitWithAck.bind(timed) as (event: A, payload: ControlPayload<A>) => Promise<ControlAck<A>>;
    return await emitWithAck(action, payload);
  } catch {
    return { ok: false, error: { code: 'timeout', message: '' } };
  }
}

/** GETs a hub JSON endpoint with the tab's token; throws an Error carrying the hub's sentence. */
export async function getJson<T>(info: ConnectionInfo, pathname: string): Promise<T> {
  const res = await fetch(`${info.hubUrl}${pathname}`, { headers: { Authorization: `Bearer ${info.token}` } });
  const body = (await res.json().catch(() => null)) as (T & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || body === null) {
    // The hub sends codes; words for people come from i18n where it has them, else the hub's sentence.
    throw new Error(errorText(body?.error?.code, body?.error?.message ?? `HTTP ${res.status}`));
  }
  return body;
}
