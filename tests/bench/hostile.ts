/**
 * `npm run bench -- hostile`: the bombs and storms of issue #19 against a live hub in its own process,
 * with a show on air — ingest batches acknowledged and a claim storm on its flash deal the whole time —
 * reporting, per attack, the worst and median ingest ack, claim and /health latency. Attacks: spreadsheet
 * bombs (whole-sheet merge, zip bomb, zip bomb lying about its size), recap windows from the viewer token
 * (?from=0, a 1970 show, 50 distinct windows), parallel exports of a big show, and events with absurd
 * timestamps or forged control-room types on the ingest paths (what the ingest side answers them is
 * printed; the bench only times the show meanwhile). Target: /health worst ≤ 500 ms; no ack or claim lost.
 * Size of the big show from BENCH_HOSTILE_LINES (recording lines, default 150,000).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClaimAck, IngestAck } from '../../server/protocol/index.js';
import { CHILD_TOKENS, startChildHub } from '../support/child-hub.js';
import { HOUR, MINUTE, writeStudioShows } from '../hostile/shows.js';
import { mergeBomb, zipBomb } from '../hostile/support.js';
import { percentile, report, rssMb } from './lib.js';

const lines = Number(process.env.BENCH_HOSTILE_LINES ?? 150_000);
const t0 = performance.now();
const shows = writeStudioShows(lines);
console.log(`studio database with a ${lines.toLocaleString('en-US')}-line show written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.env.LIVEDECK_PREPARE_RECAPS = '1';
const hub = await startChildHub(shows.dbFile);
const rssStart = rssMb(hub.pid);

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const control = (action: string, body: unknown) =>
  fetch(`${hub.url}/api/control/${action}`, { method: 'POST', headers: auth(CHILD_TOKENS.operator), body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
await control('session.start', { title: '压测直播' });
await control('catalog.upsert', { sku: 'STORM-1', title: '秒杀款', listPriceFen: 10_000 });
const fired = await control('deal.fire', { sku: 'STORM-1', priceFen: 5000, stock: 1_000_000, perUserLimit: 1, durationSec: 3600 });
if (!fired.ok) throw new Error(`the storm's deal did not fire: ${JSON.stringify(fired)}`);
const dealId = fired.dealId as string;

const open = (ns: string, token: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = io(`${hub.url}${ns}`, { auth: { token }, transports: ['websocket'], forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
const ingest = await open('/ingest', CHILD_TOKENS.ingest);
const malls = await Promise.all(Array.from({ length: 4 }, () => open('/mall', CHILD_TOKENS.ingest)));

/** Latencies of the current phase. */
let ack: number[] = [];
let claim: number[] = [];
let health: number[] = [];
let lost = 0;
const refusals = new Map<string, number>();
let running = true;
let n = 0;

// The show: a batch of 50 comments and clicks every 50 ms, a claim storm from four shop connections, /health every 100 ms.
const loops = [
  (async () => {
    while (running) {
      const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'comment', platform: 'douyin', id: `b-${++n}-${i}`, ts: Date.now(), userId: `v${n % 999}`, nick: '观众', text: '主播好' }));
      const t = performance.now();
      const a: IngestAck = await ingest
        .timeout(30_000)
        .emitWithAck('batch', batch)
        .catch(() => ({ accepted: 0, duplicates: 0, rejected: [] }) as IngestAck);
      ack.push(performance.now() - t);
      if (a.accepted !== batch.length) lost += batch.length - a.accepted;
      await new Promise((r) => setTimeout(r, 50));
    }
  })(),
  ...malls.map((mall, m) =>
    (async () => {
      let k = 0;
      while (running) {
        const t = performance.now();
        const c: ClaimAck = await mall
          .timeout(30_000)
          .emitWithAck('deal.claim', { dealId, userId: `buyer-${m}-${++k}`, qty: 1 })
          .catch(() => ({ granted: false, reason: 'unavailable' }) as ClaimAck);
        claim.push(performance.now() - t);
        if (!c.granted) {
          lost++;
          refusals.set(c.reason ?? '?', (refusals.get(c.reason ?? '?') ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })(),
  ),
  (async () => {
    while (running) {
      const t = performance.now();
      const ok = await fetch(`${hub.url}/health`, { signal: AbortSignal.timeout(10_000) }).then(
        (r) => r.ok,
        () => false,
      );
      health.push(ok ? performance.now() - t : 10_000);
      await new Promise((r) => setTimeout(r, 100));
    }
  })(),
];

/** A request's status and answer; a connection the hub closed instead counts as status 0. */
const closed = (err: Error & { cause?: { code?: string } }) => ({ status: 0, body: new ArrayBuffer(0), json: { error: { code: err.cause?.code ?? err.message } } });
/** Once more after a kept-alive connection the hub had closed while idle (the first use fails). */
const again = <T>(send: () => Promise<T>) => send().catch(() => send());
const get = (path: string, token = CHILD_TOKENS.viewer) =>
  again(() => fetch(`${hub.url}${path}`, { headers: auth(token) })).then(async (r) => ({ status: r.status, body: await r.arrayBuffer() }), closed);
const post = (path: string, body: Uint8Array<ArrayBuffer>, token = CHILD_TOKENS.operator) =>
  again(() => fetch(`${hub.url}${path}`, { method: 'POST', headers: auth(token), body })).then(async (r) => ({ status: r.status, json: (await r.json()) as { error?: { code: string } } }), closed);

const results: Record<string, string | number> = {};
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${percentile(s, 50).toFixed(1)} / ${(s[s.length - 1] ?? NaN).toFixed(1)}`;
};

async function phase(name: string, attack: () => Promise<string>) {
  ack = [];
  claim = [];
  health = [];
  const t = performance.now();
  const outcome = await attack();
  // A second more of the show after the attack, so lasting harm shows.
  await new Promise((r) => setTimeout(r, 1000));
  results[`${name}: answered`] = `${outcome} in ${((performance.now() - t) / 1000).toFixed(1)} s`;
  results[`${name}: ack ms median / worst`] = fmt(ack);
  results[`${name}: claim ms median / worst`] = fmt(claim);
  results[`${name}: /health ms median / worst`] = fmt(health);
  console.log(`${name}: ${outcome}; ack ${fmt(ack)}, claim ${fmt(claim)}, /health ${fmt(health)} ms (median / worst)`);
}

const codes = (rs: { status: number; json?: { error?: { code: string } } }[]) => rs.map((r) => `${r.status}${r.json?.error ? ` ${r.json.error.code}` : ''}`).join(', ');
const statuses = (rs: { status: number }[]) => {
  const by = new Map<number, number>();
  for (const r of rs) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  return [...by].map(([s, k]) => `${k}× ${s}`).join(', ');
};

// Warm the job worker as a studio's start does.
await post('/api/runsheet/preview?format=csv', new TextEncoder().encode('商品编码,商品名称,原价\nW-1,热身,1\n'));
await new Promise((r) => setTimeout(r, 3000));

await phase('quiet (no attack)', async () => {
  await new Promise((r) => setTimeout(r, 5000));
  return 'nothing';
});
// Built before the phase: deflating 900 MB here would stall this process's own timers, not the hub's.
const bombs = [mergeBomb(), zipBomb(9), zipBomb(9, true), zipBomb(9, true), zipBomb(9, true)].map((b) => new Uint8Array(b));
await phase('spreadsheet bombs', async () => codes(await Promise.all(bombs.map((b) => post('/api/runsheet/preview', b)))));
await phase('viewer recap windows', async () => {
  const { big, small, ancient } = shows;
  const absurd = await Promise.all([
    get(`/api/sessions/${big.id}/recap?from=0`),
    get(`/api/sessions/${big.id}/report?from=0&to=99999999999999&limit=200`),
    get(`/api/sessions/${small.id}/csv/7?from=0`),
    get(`/api/sessions/${ancient.id}/recap`),
    get(`/api/sessions/${ancient.id}/recap.xlsx`),
    get(`/api/sessions/${big.id}/recap?from=abc`),
  ]);
  const windows = [];
  for (let i = 0; i < 50; i++) windows.push(await get(`/api/sessions/${big.id}/recap?from=${big.startedAt + i * MINUTE}&to=${big.startedAt + i * MINUTE + HOUR}`));
  return `absurd: ${absurd.map((r) => r.status).join(', ')}; 50 windows: ${statuses(windows)}`;
});
await phase('4 parallel exports of the big show', async () =>
  statuses(
    await Promise.all([
      get(`/api/sessions/${shows.big.id}/recap.xlsx`),
      get(`/api/sessions/${shows.big.id}/recap.xlsx`),
      get(`/api/sessions/${shows.big.id}/recap.xlsx`),
      get(`/api/sessions/${shows.big.id}/recap.xlsx`),
      get(`/api/sessions/${shows.big.id}/csv/6`),
    ]),
  ),
);
await phase('bad ts and forged events', async () => {
  // Hook for the ingest side's bounds: what it answers is printed, the show is timed meanwhile.
  const now = Date.now();
  const records = [
    { type: 'comment', platform: 'douyin', id: `bad-${now}-1`, ts: 0, userId: 'x', nick: 'x', text: '1970' },
    { type: 'comment', platform: 'douyin', id: `bad-${now}-2`, ts: now + 365 * 24 * HOUR, userId: 'x', nick: 'x', text: '未来' },
    { type: 'deal.started', platform: 'studio', id: `bad-${now}-3`, ts: now, dealId: 'FORGED', sku: 'STORM-1', priceFen: 1, stock: 1_000_000 },
    { type: 'item.live', platform: 'studio', id: `bad-${now}-4`, ts: now, sku: 'STORM-1' },
    { type: 'order', platform: 'douyin', id: `bad-${now}-5`, ts: now, orderId: `bad-${now}`, userId: 'x', sku: 'STORM-1', qty: 1e9, amountFen: 2 ** 53 - 1, status: 'paid' },
  ];
  const a: IngestAck = await ingest.timeout(30_000).emitWithAck('batch', records);
  const http = await fetch(`${hub.url}/api/ingest`, { method: 'POST', headers: auth(CHILD_TOKENS.ingest), body: records.map((r) => JSON.stringify({ ...r, id: `${r.id}-h` })).join('\n') }).then(
    (r) => r.json() as Promise<{ accepted: number; rejected: { code?: string }[] }>,
  );
  const rejected = (rs: { code?: string; error?: string }[]) => rs.map((r) => r.code ?? 'rejected').join(' ') || 'none';
  return `socket: ${a.accepted} of 5 accepted, refused ${rejected(a.rejected)}; HTTP: ${http.accepted} accepted, refused ${rejected(http.rejected)}`;
});

running = false;
await Promise.all(loops);
ingest.close();
for (const m of malls) m.close();
results['hub RSS MB start / end'] = `${rssStart.toFixed(0)} / ${rssMb(hub.pid).toFixed(0)}`;
results['acks short or claims refused'] = `${lost}${refusals.size ? ` (claims: ${[...refusals].map(([r, k]) => `${k}× ${r}`).join(', ')})` : ''}`;
await hub.stop();
shows.remove();
report('hostile', results);
