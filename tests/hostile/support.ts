/**
 * Pieces of the hostile-input suite and `npm run bench -- hostile`: spreadsheet bombs built in code
 * (a zip written byte by byte, so nothing binary is committed), a /health watcher that records its
 * worst latency, and a show with a live deal whose acks and claims are timed while the bombs land.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import type { ClaimAck, IngestAck } from '../../server/protocol/index.js';

/** A zip archive of the given parts; `declared` overrides a part's declared (uncompressed) size. */
export function zipOf(parts: { name: string; data?: Buffer; deflated?: Buffer; size?: number; declared?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const body = part.deflated ?? zlib.deflateRawSync(part.data ?? Buffer.alloc(0));
    const size = part.declared ?? part.size ?? part.data?.length ?? 0;
    const crc = part.data ? zlib.crc32(part.data) : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += 30 + name.length + body.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBytes, end]);
}

const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`, 'utf8');
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts every workbook has around its one sheet. */
function workbookParts() {
  return [
    {
      name: '[Content_Types].xml',
      data: xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    },
    { name: 'xl/workbook.xml', data: xml(`<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="排品表" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
    },
  ];
}

/** An .xlsx whose one sheet has a title in A1 merged over the whole sheet (A1:XFD1048576): under 2 KB. */
export function mergeBomb(range = 'A1:XFD1048576'): Buffer {
  const sheet = xml(
    `<worksheet xmlns="${NS}"><dimension ref="${range}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>双11 排品表</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="${range}"/></mergeCells></worksheet>`,
  );
  return zipOf([...workbookParts(), { name: 'xl/worksheets/sheet1.xml', data: sheet }]);
}

/**
 * A zip bomb shaped as an .xlsx: its sheet inflates to `blocks` × 100 MB of spaces from about 100 KB a
 * block. `lying`: the directory declares 10 KB instead, as a bomb that hides from size checks would.
 */
export function zipBomb(blocks = 9, lying = false): Buffer {
  // One 100 MB run of spaces deflated with a sync flush is a block that can be repeated; an empty final
  // block closes the stream.
  const block = zlib.deflateRawSync(Buffer.alloc(100 * 1024 * 1024, 0x20), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const deflated = Buffer.concat([...Array.from({ length: blocks }, () => block), Buffer.from([0x03, 0x00])]);
  const size = blocks * 100 * 1024 * 1024;
  return zipOf([...workbookParts(), { name: 'xl/worksheets/sheet1.xml', deflated, size, declared: lying ? 10_240 : size }]);
}

/** Polls `/health` every `everyMs` until stopped; the worst latency and any failure are kept. */
export function watchHealth(url: string, everyMs = 100) {
  let worstMs = 0;
  let polls = 0;
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
        await res.text();
        if (res.status !== 200) failures.push(`status ${res.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      const ms = performance.now() - t;
      worstMs = Math.max(worstMs, ms);
      latencies.push(ms);
      polls++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = latencies.slice().sort((a, b) => a - b);
      // The median, for a machine loaded by other work: one slow poll there says little about the hub.
      const medianMs = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
      return { worstMs, medianMs, polls, failures, latencies };
    },
  };
}

/** A show on air with a deal, and timed good traffic: ingest acks and mall claims. */
export async function goodTraffic(url: string, tokens: { ingest: string; operator: string }) {
  const control = async (action: string, body: unknown) => {
    const res = await fetch(`${url}/api/control/${action}`, { method: 'POST', headers: { authorization: `Bearer ${tokens.operator}` }, body: JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };
  await control('catalog.upsert', { sku: 'GOOD-1', title: '好商品', listPriceFen: 10_000 });
  // A deal fires on a live show only (no_live_show): start one, unless the test has (session_live).
  await control('session.start', { title: '压测直播' });
  const fired = await control('deal.fire', { sku: 'GOOD-1', priceFen: 5000, stock: 1_000_000, perUserLimit: 1, durationSec: 3600 });
  const dealId = fired.dealId as string;
  const open = (ns: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = io(`${url}${ns}`, { auth: { token: tokens.ingest }, transports: ['websocket'], forceNew: true, reconnection: false });
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const ingest = await open('/ingest');
  const mall = await open('/mall');
  let n = 0;
  let worstAckMs = 0;
  let worstClaimMs = 0;
  let accepted = 0;
  let granted = 0;
  const problems: string[] = [];
  return {
    dealId,
    /** One batch of comments and one claim, timed. */
    async once() {
      const i = ++n;
      const t = performance.now();
      const ack: IngestAck = await ingest
        .timeout(10_000)
        .emitWithAck('batch', [{ type: 'comment', platform: 'douyin', id: `good-${process.pid}-${i}`, ts: Date.now(), userId: `u${i}`, nick: '观众', text: '主播好' }]);
      worstAckMs = Math.max(worstAckMs, performance.now() - t);
      accepted += ack.accepted;
      if (ack.accepted !== 1) problems.push(`event ${i}: ${JSON.stringify(ack)}`);
      const c = performance.now();
      const claim: ClaimAck = await mall.timeout(10_000).emitWithAck('deal.claim', { dealId, userId: `buyer-${process.pid}-${i}`, qty: 1 });
      worstClaimMs = Math.max(worstClaimMs, performance.now() - c);
      if (claim.granted) granted++;
      else problems.push(`claim ${i}: ${claim.reason}`);
    },
    /** Runs {@link once} every `everyMs` until the returned stop is called. */
    keepGoing(everyMs = 50) {
      let running = true;
      const loop = (async () => {
        while (running) {
          await this.once().catch((err: Error) => problems.push(err.message));
          await new Promise((r) => setTimeout(r, everyMs));
        }
      })();
      return async () => {
        running = false;
        await loop;
      };
    },
    get figures() {
      return { worstAckMs, worstClaimMs, accepted, granted, problems, sent: n };
    },
    close() {
      ingest.close();
      mall.close();
    },
  };
}

/** `POST /api/ingest` with records as NDJSON lines; the status and the answer. */
export async function postNdjson(url: string, token: string, records: unknown[]): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: records.map((r) => JSON.stringify(r)).join('\n') });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

/**
 * The JavaScript heap this process still holds after a full collection, in MB (the in-process hub's
 * and the test's). What a hostile request left behind, not what it briefly used: resident memory is
 * given back to the system late or never, so a check on it failed by a few MB on a busy machine
 * without anything being kept.
 */
export function retainedMb(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
