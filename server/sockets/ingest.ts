/**
 * `/ingest`: connectors send batches of events; each is answered with the writer's ack after commit.
 * A connector that follows the catalog (`catalog.follow`) gets it as a `catalog.set` command at once and
 * after each change; the others hear only the control room's commands.
 */
import type { Namespace, Server } from 'socket.io';
import type { Writer } from '../ingest/index.js';
import { watchOversized } from '../ingest/index.js';
import { MAX_SOCKET_MESSAGE_BYTES, type IngestClientToServer, type IngestServerToClient, type Product } from '../protocol/index.js';

export type IngestNamespace = Namespace<IngestClientToServer, IngestServerToClient>;

/** The room of connectors that follow the catalog. */
const CATALOG_ROOM = 'catalog';

export interface IngestDeps {
  writer: Pick<Writer, 'submit'>;
  /** The catalog as the screens see it. */
  catalog: () => readonly Product[];
}

export function bindIngest(io: Server, ns: IngestNamespace, deps: IngestDeps): { catalogChanged(catalog: readonly Product[]): void } {
  const oversized = watchOversized(io, ns.name, 'batch', MAX_SOCKET_MESSAGE_BYTES);
  ns.on('connection', (socket) => {
    socket.on('batch', (records, ack) => {
      const tooLarge = oversized.take(socket);
      if (typeof ack !== 'function') return;
      if (tooLarge) {
        const message = `a batch message is at most ${MAX_SOCKET_MESSAGE_BYTES / 1024 / 1024} MiB; nothing was stored: split it and send the parts`;
        return ack({ accepted: 0, duplicates: 0, rejected: [], error: { code: 'too_large', message } });
      }
      void deps.writer.submit(records).then(ack);
    });
    socket.on('catalog.follow', () => {
      void socket.join(CATALOG_ROOM);
      socket.emit('command', { type: 'catalog.set', catalog: [...deps.catalog()] });
    });
  });
  return {
    /** Tells the connectors that follow the catalog what it is now. */
    catalogChanged(catalog) {
      ns.to(CATALOG_ROOM).emit('command', { type: 'catalog.set', catalog: [...catalog] });
    },
  };
}
