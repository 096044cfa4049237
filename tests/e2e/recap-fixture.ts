/**
 * A studio whose database already holds finished shows, for the recap and sessions pages: recordings
 * made by `makeRecording` (some orders credited to promoters, comments signed with nicknames) are
 * replayed into a fresh database with a catalog and run-sheet for their skus, and each given two
 * coupons the control room dropped and the mall granted (one all claimed, one not), then `livedeck
 * studio` serves it. Stopping it removes the folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replayFile } from '../../server/cli/replay.js';
import { startStudio, type RunningStudio } from '../../server/cli/studio.js';
import type { LiveEvent, SessionHeader } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/types.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { makeRecording } from '../support/recording.js';

/** The skus `makeRecording` sells, as the studio's catalog knows them. */
export const RECORDING_CATALOG = [
  { sku: 'FACE-CREAM', title: '修护面霜 50g', listPriceFen: 39900, plannedSec: 600 },
  { sku: 'LIPSTICK-07', title: '丝绒口红 07号', listPriceFen: 19900, plannedSec: 420 },
  { sku: 'SERUM-30', title: '精华液 30ml', listPriceFen: 59900, plannedSec: 600 },
  { sku: 'MASK-10', title: '补水面膜 10片', listPriceFen: 12900, plannedSec: 300 },
  { sku: 'SUNSCREEN', title: '轻薄防晒乳', listPriceFen: 16900, plannedSec: 360 },
  { sku: 'TONER', title: '保湿爽肤水', listPriceFen: 11900, plannedSec: 300 },
  { sku: 'EYE-CREAM', title: '淡纹眼霜', listPriceFen: 45900, plannedSec: 480 },
  { sku: 'CLEANSER', title: '氨基酸洁面', listPriceFen: 8900, plannedSec: 240 },
  { sku: 'GIFT-BOX', title: '年货礼盒', listPriceFen: 79900, plannedSec: 540 },
  { sku: 'HAND-CREAM', title: '护手霜三支装', listPriceFen: 6900 },
] as const;

export const PROMOTERS = ['小美', '阿杰', 'Lily'] as const;
const NICKS = ['小鹿', '阿花', 'Momo', '大橙子', '晴天', 'Kiki', '木子', '一只喵', '奶茶', '星星'];

export interface RecordingSpec {
  seed: number;
  lines: number;
  title: string;
  startedAt: number;
  durationMs: number;
}

export interface ReplayedSession {
  id: number;
  title: string;
  startedAt: number;
}

export interface RecapStudio {
  running: RunningStudio;
  url: string;
  tokens: { ingest: string; operator: string; viewer: string };
  /** Replayed sessions in the order given. */
  sessions: ReplayedSession[];
  pageUrl(route: string, token?: string): string;
  /** GETs a hub JSON endpoint with a token (operator by default). */
  api<T>(pathname: string, token?: string): Promise<T>;
  recap(id: number, query?: { from?: number; to?: number; platform?: string }): Promise<Recap>;
  stop(): Promise<void>;
}

const hash = (s: string) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return Math.abs(h);
};

/** Credits about a third of the orders to a promoter (every event of an order alike) and signs comments. */
function dress(lines: string[], spec: RecordingSpec): string[] {
  return lines.map((line, i) => {
    const record = JSON.parse(line) as LiveEvent | SessionHeader;
    if (i === 0 && record.type === 'session') return JSON.stringify({ ...record, title: spec.title });
    if (record.type === 'order') {
      const h = hash(`${record.platform}:${record.orderId}`);
      return h % 3 === 0 ? JSON.stringify({ ...record, promoter: PROMOTERS[Math.floor(h / 3) % PROMOTERS.length] }) : line;
    }
    if (record.type === 'comment') return JSON.stringify({ ...record, nick: `${NICKS[hash(record.userId) % NICKS.length]}${hash(record.userId) % 100}` });
    return line;
  });
}

/**
 * Two coupons as the hub records them (the drop is an event, the claims the mall's grant log): 满299减40
 * × 30 at 10 minutes, all claimed by 10:57; 立减15元 × 200 at 40 minutes, 12 of them claimed.
 */
function dropCoupons(repo: ReturnType<typeof createRepository>, sessionId: number, startedAt: number, n: number): void {
  const at = (min: number, sec = 0) => startedAt + min * 60_000 + sec * 1000;
  const drops = [
    { couponId: `show${n}-full`, title: '满299减40', discountFen: 4000, thresholdFen: 29900, quantity: 30, ts: at(10), claims: 30 },
    { couponId: `show${n}-open`, title: '立减15元', discountFen: 1500, quantity: 200, ts: at(40), claims: 12 },
  ];
  repo.transaction(() => {
    for (const { claims, ...c } of drops) {
      repo.insertEvent(sessionId, { type: 'coupon.started', platform: 'studio', id: c.couponId, durationSec: 600, ...c });
      // The last grant 57 s after the drop, the others spread before it.
      for (let k = 0; k < claims; k++) repo.insertGrant(c.couponId, `buyer${k}`, 1, c.ts + Math.round(((k + 1) * 57_000) / claims), 'coupon');
    }
  });
}

export async function startRecapStudio(recordings: RecordingSpec[]): Promise<RecapStudio> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-recap-e2e-'));
  const dbFile = path.join(dir, 'studio.db');
  const db = openDb(dbFile);
  const repo = createRepository(db);
  const sessions: ReplayedSession[] = [];
  try {
    const now = Date.now();
    repo.transaction(() => {
      RECORDING_CATALOG.forEach((p) => repo.upsertProduct({ sku: p.sku, title: p.title, listPriceFen: p.listPriceFen }, now));
      RECORDING_CATALOG.forEach((p, i) => {
        if ('plannedSec' in p) repo.insertItem({ sku: p.sku, plannedSec: p.plannedSec, sellingPoints: '', script: '', dealPreset: null }, i);
      });
    });
    repo.setPromoterRule(PROMOTERS[0], { kind: 'percent', rate: 0.05 });
    repo.setPromoterRule(PROMOTERS[1], { kind: 'perUnit', fen: 300 });
    for (const [n, spec] of recordings.entries()) {
      const file = path.join(dir, `recording-${n}.ndjson`);
      const lines = makeRecording({ seed: spec.seed, lines: spec.lines, durationMs: spec.durationMs, startedAt: spec.startedAt, title: spec.title });
      fs.writeFileSync(file, `${dress(lines, spec).join('\n')}\n`);
      const result = await replayFile(repo, file);
      const row = repo.session(result.sessionId)!;
      sessions.push({ id: row.id, title: row.title, startedAt: row.startedAt });
      dropCoupons(repo, row.id, row.startedAt, n);
    }
  } finally {
    db.close();
  }
  const running = await startStudio({ dbFile, port: 0, host: '127.0.0.1', simulate: false, seed: 1, log: () => undefined });
  const tokens = running.hub.tokens;
  const api = async <T>(pathname: string, token = tokens.operator): Promise<T> => {
    const res = await fetch(`${running.url}${pathname}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  let stopped = false;
  return {
    running,
    url: running.url,
    tokens,
    sessions,
    pageUrl: (route, token) => `${running.url}/?token=${encodeURIComponent(token ?? tokens.operator)}&e2e=1#${route}`,
    api,
    recap(id, query = {}) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
      const qs = params.toString();
      return api<Recap>(`/api/sessions/${id}/recap${qs ? `?${qs}` : ''}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How the UI writes a whole count in zh-CN. */
export const count = (n: number): string => Math.round(n).toLocaleString('zh-CN');
/** How the UI writes a fraction as a percentage with two decimals in zh-CN. */
export const pct2 = (f: number): string => f.toLocaleString('zh-CN', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
