import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli/main.js';
import { replayFile } from '../../server/cli/replay.js';
import { recapFromStore } from '../../server/recap/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { makeRecording, readRecording } from '../support/recording.js';
import { referenceRecap } from '../support/reference-recap.js';
import { startTestHub, tempDbFile, TEST_TOKENS } from '../support/hub.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-replay-'));
const file = path.join(dir, 'show.ndjson');
const lines = makeRecording({ seed: 7, lines: 150_000 });
const { header, events } = readRecording(lines);
const expected = referenceRecap({
  session: { id: 1, title: header!.title!, startedAt: header!.startedAt!, endAt: header!.endedAt! },
  events,
});

beforeAll(() => fs.writeFileSync(file, `${lines.join('\n')}\n`));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process and returns what it printed on stdout. */
async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    expect(await main(args)).toBe(0);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return out.join('\n');
}

describe('replaying a recording', () => {
  it('stores a 150,000-line recording with duplicates and shuffled lines as one session whose recap matches an independent computation', async () => {
    const repo = createRepository(openDb(tempDbFile('replay')));
    const result = await replayFile(repo, file);
    expect(result.rejected).toEqual([]);
    expect(result.accepted + result.duplicates).toBe(lines.length - 1);
    const session = repo.session(result.sessionId)!;
    expect(session).toMatchObject({ title: header!.title, startedAt: header!.startedAt, endedAt: header!.endedAt });
    const recap = recapFromStore(repo, result.sessionId, Date.now())!;
    expect({ ...recap, sessionId: 1 }).toStrictEqual(expected);

    const again = await replayFile(repo, file);
    expect(again).toMatchObject({ sessionId: result.sessionId, accepted: 0, duplicates: lines.length - 1 });
    expect(repo.sessions()).toHaveLength(1);
    expect(recapFromStore(repo, result.sessionId, Date.now())).toStrictEqual(recap);
    repo.db.close();
  });

  it('works from the command line: replay prints the session id, recap --json prints the recap, the hub serves the same', async () => {
    const db = tempDbFile('cli');
    const small = path.join(dir, 'small.ndjson');
    const smallLines = makeRecording({ seed: 11, lines: 5000 });
    fs.writeFileSync(small, `${smallLines.join('\n')}\nnot json\n{"type":"order","platform":"douyin","id":"x","ts":1}\n`);
    const sessionId = Number(await cli(['replay', small, '--db', db, '--speed', 'max']));
    expect(sessionId).toBe(1);
    const printed = JSON.parse(await cli(['recap', 'latest', '--db', db, '--json']));
    const r = readRecording(smallLines);
    const reference = referenceRecap({ session: { id: 1, title: r.header!.title!, startedAt: r.header!.startedAt!, endAt: r.header!.endedAt! }, events: r.events });
    expect(printed).toStrictEqual(reference);

    const h = await startTestHub({ dbFile: db });
    try {
      const res = await fetch(`${h.url}/api/sessions/${sessionId}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
      expect(await res.json()).toStrictEqual(reference);
      const list = await (await fetch(`${h.url}/api/sessions`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json();
      expect(list.sessions.map((s: { id: number }) => s.id)).toEqual([1]);
      const missing = await fetch(`${h.url}/api/sessions/99/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
      expect(missing.status).toBe(404);
    } finally {
      await h.stop();
    }
  });
});
