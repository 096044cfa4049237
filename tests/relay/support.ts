/** A real relay on a fresh SQLite file on 127.0.0.1, webhook posts to it, and child processes for crash tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRelay, type Relay, type RelayLimits } from '../../server/relay/server.js';

export const RELAY_TOKEN = 'relay-test-token-0123456789';
export const here = path.dirname(fileURLToPath(import.meta.url));

export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `livedeck-${name}-`));
}

export interface TestRelay {
  relay: Relay;
  url: string;
  port: number;
  dbFile: string;
  stop: () => Promise<void>;
}

export async function startRelay(options: { dbFile?: string; limits?: Partial<RelayLimits>; port?: number; log?: (line: string) => void } = {}): Promise<TestRelay> {
  const dbFile = options.dbFile ?? path.join(tempDir('relay'), 'relay.db');
  const relay = createRelay({ db: dbFile, token: RELAY_TOKEN, limits: options.limits, log: options.log ?? (() => {}) });
  const { url, port } = await relay.listen(options.port ?? 0);
  return { relay, url, port, dbFile, stop: () => relay.close() };
}

/** Posts a webhook as a platform would. */
export async function postHook(url: string, sourceId: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}/hooks/${sourceId}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export interface Child {
  pid: number;
  /** What the child printed on its first line (JSON). */
  info: Record<string, unknown>;
  stop: () => Promise<void>;
  /** SIGKILL: no cleanup, mid-write if it was writing. */
  kill: () => Promise<void>;
}

/** Runs a TypeScript script in a child process and waits for its first line (a JSON object). */
export async function startChild(script: string, args: string[], env: Record<string, string> = {}): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${path.basename(script)} exited (${code}) before it was ready`)));
  });
  const signal = (sig: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { pid: child.pid!, info: JSON.parse(line) as Record<string, unknown>, stop: signal('SIGTERM'), kill: signal('SIGKILL') };
}
