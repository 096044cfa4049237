// The bare reference pipeline for `bench ingest`: only the unavoidable work — Socket.IO batch → zod →
// SQLite (WAL, synchronous=FULL, unique ids, one transaction per batch) → ack after commit. LiveDeck's
// hub is measured against it in the same run. Prints its URL as one JSON line, like hub-process.ts.
import Database from 'better-sqlite3';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { z } from 'zod';

const record = z.object({ type: z.string(), platform: z.string().min(1), id: z.string().min(1), ts: z.number().int() }).loose();
const db = new Database(process.argv[2]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS events (platform TEXT NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (platform, id))');
const insert = db.prepare('INSERT OR IGNORE INTO events (platform, id, ts, body) VALUES (?, ?, ?, ?)');
const commit = db.transaction((events: z.infer<typeof record>[]) => {
  let accepted = 0;
  for (const e of events) accepted += insert.run(e.platform, e.id, e.ts, JSON.stringify(e)).changes;
  return accepted;
});

const server = http.createServer();
const io = new Server(server, { maxHttpBufferSize: 9 * 1024 * 1024 });
io.of('/ingest').use((socket, next) => (socket.handshake.auth?.token === 'child-ingest' ? next() : next(new Error('unauthorized'))));
io.of('/ingest').on('connection', (socket) => {
  socket.on('batch', (records: unknown[], ack: (r: unknown) => void) => {
    const good: z.infer<typeof record>[] = [];
    const rejected: { index: number; error: string }[] = [];
    records.forEach((r, index) => {
      const p = record.safeParse(r);
      if (p.success) good.push(p.data);
      else rejected.push({ index, error: p.error.message });
    });
    const accepted = commit(good);
    ack({ accepted, duplicates: good.length - accepted, rejected });
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid }));
});
process.on('SIGTERM', () => {
  io.close();
  db.close();
  process.exit(0);
});
