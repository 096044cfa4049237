/**
 * Oversized Socket.IO messages answered with a code, not a silent close. The engine takes messages up
 * to its own (larger) cap; this notes, for each `event` message to a namespace, whether its raw text
 * was over `limitBytes`, in arrival order, so the event's handler can answer `too_large` through the
 * ordinary ack instead of processing it. Past the engine's cap a message still closes the connection
 * (WebSocket close code 1009): nothing is decoded that large.
 */
import type { Server, Socket } from 'socket.io';

export function watchOversized(io: Server, namespace: string, event: string, limitBytes: number) {
  // `2` is an EVENT packet, `5<attachments>-` a BINARY_EVENT; the namespace and an optional ack id
  // come before the JSON array. Both kinds are noted, so the verdicts stay in step with the handler.
  const nsPrefix = `${namespace},`;
  const head = JSON.stringify([event]).slice(0, -1);
  const isDigit = (c: number) => c >= 48 && c <= 57;
  const verdicts = new WeakMap<object, boolean[]>();
  io.engine.on('connection', (conn: { on: (e: 'packet', cb: (p: { type: string; data?: unknown }) => void) => void }) => {
    const list: boolean[] = [];
    verdicts.set(conn, list);
    conn.on('packet', (packet) => {
      if (packet.type !== 'message' || typeof packet.data !== 'string') return;
      const data = packet.data;
      let i = 1;
      if (data[0] === '5') {
        while (i < data.length && isDigit(data.charCodeAt(i))) i++;
        if (data[i++] !== '-') return;
      } else if (data[0] !== '2') return;
      if (!data.startsWith(nsPrefix, i)) return;
      i += nsPrefix.length;
      while (i < data.length && isDigit(data.charCodeAt(i))) i++;
      if (!data.startsWith(head, i)) return;
      list.push(data.length > limitBytes || (data.length * 3 > limitBytes && Buffer.byteLength(data, 'utf8') > limitBytes));
    });
  });
  return {
    /** Whether the `event` message being handled now on `socket` was over the limit (call once per message). */
    take(socket: Socket): boolean {
      return verdicts.get(socket.conn)?.shift() ?? false;
    },
  };
}
