/** `/ingest`: connectors send batches of events; each is answered with the writer's ack after commit. */
import type { Namespace, Server } from 'socket.io';
import type { Writer } from '../ingest/index.js';
import { watchOversized } from '../ingest/index.js';
import { MAX_SOCKET_MESSAGE_BYTES, type IngestClientToServer, type IngestServerToClient } from '../protocol/index.js';

export type IngestNamespace = Namespace<IngestClientToServer, IngestServerToClient>;

export function bindIngest(io: Server, ns: IngestNamespace, deps: { writer: Pick<Writer, 'submit'> }): void {
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
  });
}
