/**
 * A protocol peer for connector tests: a real Socket.IO server on 127.0.0.1 that speaks the hub's
 * `/ingest` side (token check, `batch` with a real ack, dedupe by (platform, id), `command`) and the
 * `/mall` side (`deal.claim` against a stock count). Not the hub: tests here are about the connector,
 * so the peer can be told to lose acks, answer with an error, or go away and come back on the same port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
import {
  parseEvent,
  type ClaimAck,
  type ConnectorCommand,
  type IngestAck,
  type IngestClientToServer,
  type IngestServerToClient,
  type LiveEvent,
  type MallClientToServer,
  type MallServerToClient,
} from '../../server/protocol/index.js';

export const PEER_TOKEN = 'peer-ingest-token';

export interface PeerDeal {
  stock: number;
  perUserLimit: number;
  granted: number;
  byUser: Map<string, number>;
  ended: boolean;
}

export interface IngestPeer {
  readonly url: string;
  readonly port: number;
  /** What was stored, once per (platform, id); survives restarts, like a database would. */
  stored: Map<string, LiveEvent>;
  /** Every batch as it arrived, resends included. */
  batches: unknown[][];
  /** The next N batches are stored but their ack is never sent (a lost ack). */
  loseAcks: number;
  /** The next N batches are not stored and answered with `error` (the disk refused the write). */
  failCommits: number;
  /** Flash deals the `/mall` side grants claims for, by dealId. */
  deals: Map<string, PeerDeal>;
  /** Every claim answered, in order. */
  claims: { dealId: string; userId: string; qty: number; ack: ClaimAck }[];
  command(cmd: ConnectorCommand): void;
  /** The token the peer accepts from now on (as a hub whose tokens were rotated). */
  setToken(token: string): void;
  /** Connected `/ingest` clients. */
  connections(): number;
  /** Closes the server and every connection. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same stored data. */
  restart(): Promise<void>;
}

export async function startIngestPeer(options: { port?: number; token?: string } = {}): Promise<IngestPeer> {
  let token = options.token ?? PEER_TOKEN;
  let io: Server | null = null;
  let httpServer: http.Server | null = null;
  let ingest: Namespace<IngestClientToServer, IngestServerToClient> | null = null;
  let port = options.port ?? 0;

  const peer: IngestPeer = {
    url: '',
    port: 0,
    stored: new Map(),
    batches: [],
    loseAcks: 0,
    failCommits: 0,
    deals: new Map(),
    claims: [],
    command: (cmd) => void ingest?.emit('command', cmd),
    setToken: (next) => void (token = next),
    connections: () => ingest?.sockets.size ?? 0,
    async stop() {
      const server = io;
      const h = httpServer;
      io = null;
      httpServer = null;
      ingest = null;
      if (!server || !h) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      h.closeAllConnections();
    },
    async restart() {
      await peer.stop();
      await listen();
    },
  };

  function handleBatch(records: unknown[], ack: (a: IngestAck) => void): void {
    peer.batches.push(records);
    if (peer.failCommits > 0) {
      peer.failCommits--;
      ack({ accepted: 0, duplicates: 0, rejected: [], error: { code: 'store_unavailable', message: 'Nothing was stored: disk full. Resend this batch.' } });
      return;
    }
    const result: IngestAck = { accepted: 0, duplicates: 0, rejected: [] };
    records.forEach((record, index) => {
      const parsed = parseEvent(record);
      if (!parsed.ok) {
        result.rejected.push({ index, error: parsed.error.message, code: parsed.error.code });
        return;
      }
      const key = `${parsed.event.platform}\u0000${parsed.event.id}`;
      if (peer.stored.has(key)) result.duplicates++;
      else {
        peer.stored.set(key, parsed.event);
        result.accepted++;
      }
    });
    if (peer.loseAcks > 0) {
      peer.loseAcks--;
      return;
    }
    ack(result);
  }

  function handleClaim(claim: { dealId: string; userId: string; qty: number }): ClaimAck {
    const deal = peer.deals.get(claim.dealId);
    if (!deal) return { granted: false, reason: 'not_found' };
    if (deal.ended) return { granted: false, reason: 'ended' };
    const had = deal.byUser.get(claim.userId) ?? 0;
    if (!Number.isInteger(claim.qty) || claim.qty < 1) return { granted: false, reason: 'invalid' };
    if (had + claim.qty > deal.perUserLimit) return { granted: false, reason: 'limit_reached', userTotal: had };
    // Like the hub: the last units go to whoever asks, even if fewer than asked.
    const qty = Math.min(claim.qty, deal.stock - deal.granted);
    if (qty <= 0) return { granted: false, reason: 'sold_out', userTotal: had };
    deal.granted += qty;
    deal.byUser.set(claim.userId, had + qty);
    return { granted: true, qty, userTotal: had + qty };
  }

  async function listen(): Promise<void> {
    httpServer = http.createServer();
    io = new Server(httpServer, { serveClient: false });
    ingest = io.of('/ingest');
    const mall: Namespace<MallClientToServer, MallServerToClient> = io.of('/mall');
    for (const ns of [ingest, mall] as Namespace[]) {
      ns.use((socket, next) => (socket.handshake.auth?.token === token ? next() : next(new Error('unauthorized: a valid token is required'))));
    }
    ingest.on('connection', (socket) => {
      socket.on('batch', (records, ack) => {
        if (typeof ack === 'function') handleBatch(Array.isArray(records) ? records : [], ack);
      });
    });
    mall.on('connection', (socket) => {
      socket.on('deal.claim', (claim, ack) => {
        const answer = handleClaim(claim);
        peer.claims.push({ ...claim, ack: answer });
        ack(answer);
      });
    });
    const h = httpServer;
    await new Promise<void>((resolve, reject) => {
      h.once('error', reject);
      h.listen(port, '127.0.0.1', () => resolve());
    });
    port = (h.address() as AddressInfo).port;
    Object.assign(peer, { port, url: `http://127.0.0.1:${port}` });
  }

  await listen();
  return peer;
}
