/**
 * The hub's HTTP side: health, NDJSON ingest, sessions and recaps, control actions for Stream Deck
 * and scripts, and the built web UI. Every answer is JSON with a sentence a person can act on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import sirv from 'sirv';
import { dispatch, type HubContext } from '../control/index.js';
import { parseNdjson } from '../ingest/index.js';
import { JobError, type JobInput, type JobOutput, type JobPool } from '../jobs/index.js';
import { MAX_HOOK_BODY_BYTES, type HttpIngestAck } from '../protocol/index.js';
import type { RecapRunner } from '../recap/runner.js';
import type { RecapLang } from '../recap/workbook.js';
import { recapFileName } from '../recap/wall-clock.js';
import { RecapError } from '../recap/window.js';
import { roleOf, type Role, type Tokens } from './auth.js';
import { createAuthLimiter, sameOrigin, type AddressCaps, type AuthLimiter } from './guard.js';
import { runsheetRoute, RunsheetHttpError } from './runsheet.js';
import { lanInfo } from './lan.js';
import { parsePeriod, type PeriodQuery } from '../period/index.js';
import { periodFileName } from '../period/file-name.js';
import type { RelayStatus } from '../relay/index.js';

/** Forged deliveries one address may send one source in {@link HOOK_FORGERY_WINDOW_MS} before its requests to that source are refused unread. */
export const HOOK_FORGERIES_PER_WINDOW = 20;
export const HOOK_FORGERY_WINDOW_MS = 10_000;

/** Largest NDJSON body `POST /api/ingest` takes. */
export const MAX_INGEST_BYTES = 8 * 1024 * 1024;
const MAX_CONTROL_BYTES = 64 * 1024;
/**
 * How long a body may take to arrive once its request is let in (8 MiB over a slow studio Wi-Fi takes
 * a few seconds). A body that trickles in slower is answered 408 and its connection closed, so a slow
 * sender holds a request slot seconds, not the 300 s Node allows by default.
 */
export const BODY_TIMEOUT_MS = 20_000;

export interface HttpDeps {
  ctx: HubContext;
  tokens: () => Tokens;
  /** The built renderer (index.html and assets), or null to serve none. */
  staticDir: string | null;
  startedAt: number;
  limiter: AuthLimiter;
  /** Recaps, computed off the hub's thread. */
  recaps: RecapRunner;
  /** Worker threads for spreadsheets and exports (see server/jobs). */
  jobs: JobPool;
  /** Where the server listens (`server.address()`), for LAN pairing; else the request's local address is used. */
  address?: () => AddressInfo | string | null;
  /** Whether a Host header names this hub (see `createHostAllowlist`); default: any. */
  hostAllowed?: (host: string | undefined) => boolean;
  /** Per-address caps on requests in progress; default: none. */
  caps?: AddressCaps;
  /** How long a body may take to arrive (default {@link BODY_TIMEOUT_MS}). */
  bodyTimeoutMs?: number;
  /** The link to a public relay (`--relay`), for `/health`; absent when there is none. */
  relayStatus?: () => RelayStatus;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, JSON.stringify(body), status);
}

/** JSON already serialised (a kept recap): sent as it is. */
function sendJsonText(res: ServerResponse, text: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

/**
 * The API's token: the Authorization header only. `?token=` is for page navigations (the web UI reads
 * it and moves it out of the address bar); on the API it would let any web page fire credentialed
 * `<img src=…?token=…>` requests at the hub.
 */
function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

function requireRole(req: IncomingMessage, _url: URL, tokens: Tokens, allowed: Role[], limiter: AuthLimiter): Role {
  const address = req.socket.remoteAddress ?? '?';
  if (!sameOrigin(req)) throw new HttpError(403, 'cross_origin', 'Requests from other web pages are not allowed.');
  const token = bearer(req);
  if (!token) throw new HttpError(401, 'unauthorized', 'A token is required: send “Authorization: Bearer <token>”.');
  const role = roleOf(token, tokens);
  if (!role) {
    // Only a wrong token waits out the address's failures: others' guesses never lock a valid token out.
    if (limiter.blocked(address)) throw new HttpError(429, 'rate_limited', 'Too many failed attempts from this address; wait a minute.');
    limiter.failed(address);
    throw new HttpError(401, 'unauthorized', 'That token is not valid.');
  }
  if (!allowed.includes(role)) throw new HttpError(403, 'forbidden', `A ${role} token cannot do this.`);
  return role;
}

/**
 * The body, at most `limit` bytes and within `timeoutMs` of being asked for (413 / 408 otherwise).
 * For every route that reads a body, authenticated or not (a webhook checks its signature after).
 */
export async function readBytes(req: IncomingMessage, limit: number, timeoutMs = BODY_TIMEOUT_MS): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new HttpError(413, 'too_large', `The body is ${declared} bytes; the limit is ${limit}. Split it into smaller batches.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise<Buffer>((resolve, reject) => {
    const done = (err: Error | null) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done(new HttpError(413, 'too_large', `The body is over the limit of ${limit} bytes. Split it into smaller batches.`));
        // Drained (within the server's request timeout) so the sender reads the answer, not a reset.
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = (err: Error) => done(err);
    const onAborted = () => done(new HttpError(400, 'aborted', 'The body was cut off.'));
    const timer = setTimeout(() => done(new HttpError(408, 'body_timeout', `The body did not arrive within ${timeoutMs / 1000} s.`)), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** A window bound: absent, or a whole number of epoch milliseconds (else `invalid_window`). */
const windowBound = (name: string, v: string | null): number | undefined => {
  if (v === null || v === '') return undefined;
  const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new HttpError(400, 'invalid_window', `${name} “${v.slice(0, 30)}” is not a whole number of epoch milliseconds.`);
  return n;
};

/** A recap, report or period report, its refusals as HTTP answers (see server/recap/window.ts). */
async function recapAnswer<T>(compute: () => Promise<T>): Promise<T> {
  try {
    return await compute();
  } catch (err) {
    if (err instanceof RecapError) throw new HttpError(err.code === 'recap_failed' ? 503 : 400, err.code, err.message);
    throw err;
  }
}

/** The web UI's policy (as its <meta> tag has it) plus what only a header can say. */
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Deadline of one export job: a 4-hour show's workbook takes seconds; minutes means something is wrong. */
const EXPORT_TIMEOUT_MS = 120_000;

/** `?limit=N` on `/report`: its long lists cut to N rows (see `limitReport`); absent: every row. */
function reportLimit(url: URL): number | undefined {
  const param = url.searchParams.get('limit');
  if (param === null || param === '') return undefined;
  const limit = Number(param);
  if (!Number.isSafeInteger(limit) || limit < 0) throw new HttpError(400, 'invalid', `limit “${param.slice(0, 30)}” is not a whole number ≥ 0.`);
  return limit;
}

const sessionRef = (s: string): number | 'latest' => (s === 'latest' ? 'latest' : Number(s));

/** `?from=&to=&platform=` of a recap request. */
function recapQuery(url: URL) {
  return {
    from: windowBound('from', url.searchParams.get('from')),
    to: windowBound('to', url.searchParams.get('to')),
    platform: url.searchParams.get('platform') ?? undefined,
  };
}

/** `?from=&to=&platform=` of a period report, checked; bad input is a 400 with the period's code. */
function periodQuery(url: URL, platformSeen: (platform: string) => boolean): PeriodQuery {
  const q = url.searchParams;
  const parsed = parsePeriod({ from: q.get('from'), to: q.get('to'), platform: q.get('platform') }, { from: 'from', to: 'to', platform: 'platform' }, platformSeen);
  if (!parsed.ok) throw new HttpError(400, parsed.error.code, parsed.error.message);
  return parsed.value;
}

/** The first value of each header, names lower-cased (as a `HookRequest` carries them). */
function firstHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value[0] : value;
  }
  return out;
}

export function createHttpHandler(deps: HttpDeps) {
  const { ctx } = deps;
  // A forgery flood is refused unread per (source, address): the platform's own addresses, which sign
  // correctly, never wait behind it.
  const forgeries = createAuthLimiter(ctx.now, HOOK_FORGERIES_PER_WINDOW, HOOK_FORGERY_WINDOW_MS);

  /** `POST|GET /hooks/:sourceId`: no LiveDeck token; the platform's signature authenticates (DESIGN §11). */
  async function hookRoute(req: IncomingMessage, res: ServerResponse, url: URL, sourceId: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method !== 'POST' && method !== 'GET') throw new HttpError(405, 'method', 'Shops POST their deliveries here (GET for a URL check).');
    const sources = ctx.sources;
    if (!sources || !sources.registry.get(sourceId)) throw new HttpError(404, 'not_found', `No source “${sourceId.slice(0, 40)}” on this hub.`);
    const key = `${sourceId}\u0000${req.socket.remoteAddress ?? '?'}`;
    if (forgeries.blocked(key)) throw new HttpError(429, 'rate_limited', 'Too many deliveries with bad signatures from this address; wait a few seconds.');
    const body = method === 'POST' ? await readBytes(req, MAX_HOOK_BODY_BYTES, deps.bodyTimeoutMs) : Buffer.alloc(0);
    const query = Object.fromEntries(url.searchParams);
    const answer = await sources.receive(sourceId, { method, headers: firstHeaders(req), query, body });
    if (answer.status === 401) forgeries.failed(key);
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(answer.body);
  }
  const readBody = async (req: IncomingMessage, limit: number): Promise<string> => (await readBytes(req, limit, deps.bodyTimeoutMs)).toString('utf8');
  // dev mode: files are looked up per request, so a rebuilt UI is served without restarting the hub.
  const assets = deps.staticDir && fs.existsSync(path.join(deps.staticDir, 'index.html')) ? sirv(deps.staticDir, { dev: true, etag: true }) : null;

  /**
   * An export built in a job worker; only where no worker script exists (a build without one) is it
   * built here. A job that dies in its worker is answered with its code, never built again here.
   */
  async function exportJob<K extends 'recap.xlsx' | 'recap.csv' | 'period.xlsx' | 'period.csv'>(kind: K, input: JobInput<K>, here: () => Promise<JobOutput<K>>): Promise<JobOutput<K>> {
    if (!deps.jobs.available) return here();
    try {
      return await deps.jobs.run(kind, input, { timeoutMs: EXPORT_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof JobError)) throw err;
      if (err.code !== 'job_busy') console.warn(`export ${kind} failed: ${err.code}: ${err.message}`);
      throw new HttpError(503, err.code, err.message);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const p = url.pathname;
    if (p === '/health') {
      const live = ctx.live.session;
      return send(res, ctx.writer.failing ? 503 : 200, {
        ok: !ctx.writer.failing,
        session: live ? { id: live.id, title: live.title } : null,
        uptimeSec: (ctx.now() - deps.startedAt) / 1000,
        alarm: ctx.live.alarm,
        ...(deps.relayStatus ? { relay: deps.relayStatus() } : {}),
      });
    }
    const hook = /^\/hooks\/([^/]{1,100})$/.exec(p);
    if (hook) return hookRoute(req, res, url, hook[1]);
    if (p === '/api/sources' && method === 'GET') {
      requireRole(req, url, deps.tokens(), ['operator'], deps.limiter);
      return send(res, 200, ctx.sources?.statuses() ?? []);
    }
    if (p === '/api/ingest') {
      if (method !== 'POST') throw new HttpError(405, 'method', 'Use POST with an NDJSON body.');
      requireRole(req, url, deps.tokens(), ['ingest'], deps.limiter);
      const body = await readBody(req, MAX_INGEST_BYTES);
      const lines = parseNdjson(body);
      const rejected: HttpIngestAck['rejected'] = [];
      const records: unknown[] = [];
      const lineOf: number[] = [];
      for (const l of lines) {
        if (l.ok) {
          records.push(l.value);
          lineOf.push(l.line);
        } else rejected.push({ line: l.line, error: l.error, code: 'bad_json' });
      }
      const ack = await ctx.writer.submit(records);
      // Too many lines is the sender's to split (413); only a store that refused the write asks for a retry (503).
      if (ack.error) throw new HttpError(ack.error.code === 'too_large' ? 413 : 503, ack.error.code, ack.error.message);
      for (const r of ack.rejected) rejected.push({ line: lineOf[r.index], error: r.error, code: r.code });
      rejected.sort((a, b) => a.line - b.line);
      return send(res, 200, { accepted: ack.accepted, duplicates: ack.duplicates, rejected } satisfies HttpIngestAck);
    }
    if (p === '/api/sessions' && method === 'GET') {
      requireRole(req, url, deps.tokens(), ['viewer', 'operator'], deps.limiter);
      return send(res, 200, { sessions: ctx.repo.sessions() });
    }
    const recap = /^\/api\/sessions\/(\d+|latest)\/recap$/.exec(p);
    if (recap && method === 'GET') {
      requireRole(req, url, deps.tokens(), ['viewer', 'operator'], deps.limiter);
      const json = await recapAnswer(() => deps.recaps.recapJson(sessionRef(recap[1]), recapQuery(url)));
      if (json === null) throw new HttpError(404, 'not_found', `No session ${recap[1]}.`);
      return sendJsonText(res, json);
    }
    const report = /^\/api\/sessions\/(\d+|latest)\/(report|recap\.xlsx|csv\/(\d+))$/.exec(p);
    if (report && method === 'GET') {
      requireRole(req, url, deps.tokens(), ['viewer', 'operator'], deps.limiter);
      const which = sessionRef(report[1]);
      if (report[2] === 'report') {
        const json = await recapAnswer(() => deps.recaps.reportJson(which, recapQuery(url), reportLimit(url)));
        if (json === null) throw new HttpError(404, 'not_found', `No session ${report[1]}.`);
        return sendJsonText(res, json);
      }
      const sessionId = which === 'latest' ? ctx.repo.latestSession()?.id : which;
      const show = sessionId === undefined ? null : ctx.repo.session(sessionId);
      if (sessionId === undefined || !show) throw new HttpError(404, 'not_found', `No session ${report[1]}.`);
      // The show's title and start on the studio's clock, with an ASCII name for old clients.
      const disposition = (suffix: string) => {
        const { name, ascii } = recapFileName({ sessionId, title: show.title, startedAt: show.startedAt }, suffix);
        return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
      };
      // Built in a job worker (heap limit, deadline) that reads the report itself where it can: four
      // people exporting a big show at once cost workers, never the acks, claims and screens on air.
      const source = await recapAnswer(async () => deps.recaps.reportSource(sessionId, recapQuery(url)));
      const text = async () => {
        const json = await recapAnswer(() => deps.recaps.reportJson(sessionId, recapQuery(url)));
        if (json === null) throw new HttpError(404, 'not_found', `No session ${report[1]}.`);
        return json;
      };
      // The export's language (both, as before, when none is asked for); parsed here so the route
      // does not load exceljs's module just to read a query parameter.
      const asked = url.searchParams.get('lang');
      const lang: RecapLang | undefined = asked === 'zh-CN' || asked === 'en' ? asked : undefined;
      const input = source && deps.jobs.available ? { source, lang } : { reportJson: await text(), lang };
      if (report[2] === 'recap.xlsx') {
        const bytes = await exportJob('recap.xlsx', input, async () => {
          const { recapWorkbook } = await import('../recap/workbook.js');
          return new Uint8Array((await recapWorkbook(JSON.parse(await text()), lang).xlsx.writeBuffer()) as ArrayBuffer);
        });
        res.writeHead(200, { 'content-type': XLSX_TYPE, 'content-disposition': disposition('.xlsx') });
        return void res.end(bytes);
      }
      const table = Number(report[3]);
      const csv = await exportJob('recap.csv', { ...input, table }, async () => {
        const { recapTables, tableCsv } = await import('../recap/workbook.js');
        const found = recapTables(JSON.parse(await text()), lang)[table];
        return found ? tableCsv(found) : null;
      });
      if (csv === null) throw new HttpError(404, 'not_found', `No table ${report[3]}.`);
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition(`-${report[3]}.csv`) });
      return void res.end(csv);
    }
    const period = /^\/api\/reports(\.xlsx|\/csv\/(\d+))?$/.exec(p);
    if (period && method === 'GET') {
      requireRole(req, url, deps.tokens(), ['viewer', 'operator'], deps.limiter);
      const query = periodQuery(url, (platform) => ctx.repo.platformSeen(platform));
      const reportJson = await recapAnswer(() => deps.recaps.periodJson(query));
      if (!period[1]) return sendJsonText(res, reportJson);
      const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'zh-CN';
      if (period[1] === '.xlsx') {
        const bytes = await exportJob('period.xlsx', { reportJson, lang }, async () => {
          const { periodWorkbook } = await import('../period/workbook.js');
          return new Uint8Array((await periodWorkbook(JSON.parse(reportJson), lang).xlsx.writeBuffer()) as ArrayBuffer);
        });
        res.writeHead(200, { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="${periodFileName(query, '.xlsx')}"` });
        return void res.end(bytes);
      }
      const table = Number(period[2]);
      const csv = await exportJob('period.csv', { reportJson, lang, table }, async () => {
        const { periodCsv, periodTables } = await import('../period/workbook.js');
        const found = periodTables(JSON.parse(reportJson), lang)[table];
        return found ? periodCsv(found) : null;
      });
      if (csv === null) throw new HttpError(404, 'not_found', `No table ${period[2]}.`);
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${periodFileName(query, `-${period[2]}.csv`)}"` });
      return void res.end(csv);
    }
    if (p === '/api/lan' && method === 'GET') {
      // Operator only: pairing screens is the control room's job, and the answer hands out a token.
      requireRole(req, url, deps.tokens(), ['operator'], deps.limiter);
      const bound = deps.address?.();
      const address = bound && typeof bound === 'object' ? bound : { address: req.socket.localAddress ?? '127.0.0.1', port: req.socket.localPort ?? 0, family: 'IPv4' };
      return send(res, 200, lanInfo(address, deps.tokens().viewer));
    }
    if (p === '/api/state' && method === 'GET') {
      requireRole(req, url, deps.tokens(), ['viewer', 'operator'], deps.limiter);
      return send(res, 200, ctx.live.snapshot(ctx.now()));
    }
    const sheet = /^\/api\/runsheet\/(preview|import|export\.xlsx|export\.csv|template\.xlsx)$/.exec(p);
    if (sheet) {
      requireRole(req, url, deps.tokens(), ['operator'], deps.limiter);
      const actor = (typeof req.headers['x-livedeck-actor'] === 'string' && req.headers['x-livedeck-actor'].slice(0, 40)) || 'http';
      try {
        return await runsheetRoute(sheet[1], req, res, url, () => readBytes(req, MAX_INGEST_BYTES, deps.bodyTimeoutMs), ctx, actor, deps.jobs);
      } catch (err) {
        if (err instanceof RunsheetHttpError) throw new HttpError(err.status, err.code, err.message);
        throw err;
      }
    }
    const control = /^\/api\/control\/([a-z.]+)$/.exec(p);
    if (control) {
      if (method !== 'POST') throw new HttpError(405, 'method', 'Use POST with a JSON body (or none).');
      requireRole(req, url, deps.tokens(), ['operator'], deps.limiter);
      const text = await readBody(req, MAX_CONTROL_BYTES);
      let payload: unknown = {};
      if (text.trim()) {
        try {
          payload = JSON.parse(text);
        } catch {
          throw new HttpError(400, 'bad_json', 'The body is not valid JSON.');
        }
      }
      const actor = (typeof req.headers['x-livedeck-actor'] === 'string' && req.headers['x-livedeck-actor'].slice(0, 40)) || 'http';
      const result = await dispatch(control[1], payload, ctx, { actor });
      const status = result.ok ? 200 : result.error.code === 'unknown_action' ? 404 : result.error.code === 'internal' ? 500 : 409;
      return send(res, result.ok || result.error.code !== 'invalid' ? status : 400, result);
    }
    if (p.startsWith('/api/')) throw new HttpError(404, 'not_found', `No endpoint ${method} ${p}.`);
    if (assets && (method === 'GET' || method === 'HEAD')) {
      // The overlay is the web UI at its own path (OBS browser sources take a plain URL); its
      // relative asset links then point under /overlay/.
      if (p === '/overlay/deal') req.url = '/index.html';
      else if (p.startsWith('/overlay/assets/')) req.url = req.url!.slice('/overlay'.length);
      // No page of the hub is meant to be framed (OBS loads the overlay as a page of its own, not in a
      // frame): frame-ancestors only works as a header, the page's <meta> policy cannot carry it.
      res.setHeader('content-security-policy', PAGE_CSP);
      res.setHeader('x-frame-options', 'DENY');
      return new Promise<void>((resolve) => {
        res.once('close', resolve);
        assets(req, res, () => send(res, 404, { ok: false, error: { code: 'not_found', message: `Nothing at ${p}.` } }));
      });
    }
    throw new HttpError(404, 'not_found', assets ? `Nothing at ${p}.` : 'The web UI is not built here; run `npm run build:web`.');
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Socket.IO's polling requests are its own (it listens before this handler and answers them).
    if (url.pathname.startsWith('/socket.io/')) return;
    const address = req.socket.remoteAddress ?? '?';
    const refuse = (err: unknown): void => {
      if (res.headersSent) return void res.destroy();
      // A body nobody read (a refused or failed request) is not drained: the connection closes instead,
      // so a slow unauthenticated sender cannot keep it.
      if (!req.complete && !(err instanceof HttpError && err.code === 'too_large')) res.setHeader('connection', 'close');
      if (err instanceof HttpError) return send(res, err.status, { ok: false, error: { code: err.code, message: err.message } });
      send(res, 500, { ok: false, error: { code: 'internal', message: `The hub failed: ${(err as Error).message}` } });
    };
    // Webhooks (`/hooks/…`) prove themselves by their platform's signature and may come through a
    // tunnel or proxy under its own name; everything else must name this hub.
    if (deps.hostAllowed && !url.pathname.startsWith('/hooks/') && !deps.hostAllowed(req.headers.host)) {
      return refuse(
        new HttpError(
          421,
          'host_not_allowed',
          `This hub does not answer to “${String(req.headers.host ?? '').slice(0, 100)}”. Open it by its address (127.0.0.1, localhost or the LAN address it prints).`,
        ),
      );
    }
    if (url.pathname !== '/health' && deps.caps) {
      if (!deps.caps.requestStarted(address)) return refuse(new HttpError(429, 'too_many_requests', 'Too many requests in progress from this address; wait for them to finish.'));
      res.once('close', () => deps.caps!.requestEnded(address));
    }
    route(req, res, url).catch(refuse);
  };
}
