import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

const run = promisify(execFile);
let h: TestHub;
afterEach(async () => h?.stop());

describe('a client written by someone else', () => {
  it('connects from Python with only the README, sends a batch, gets acks and reads the recap', async () => {
    h = await startTestHub();
    const script = path.join(import.meta.dirname, 'connector.py');
    const { stdout } = await run('/usr/bin/python3', [script, h.url, TEST_TOKENS.ingest, TEST_TOKENS.viewer], { timeout: 30_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.first.accepted).toBe(3);
    expect(out.first.rejected).toEqual([{ index: 3, code: 'invalid_field', error: expect.stringMatching(/amountFen/) }]);
    expect(out.again).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(out).toMatchObject({ paidGmvFen: 2 * 7900, buyers: 1, viewers: 1, wechat: 1 });
  });
});
