/** A hub in a child process, which a test may stop, kill -9 and start again on the same file and port. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hub-process.ts');
export const CHILD_TOKENS = { ingest: 'child-ingest', operator: 'child-operator', viewer: 'child-viewer' };

export interface ChildHub {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM and wait. */
  stop: () => Promise<void>;
  /** SIGKILL: no cleanup, mid-write if it was writing. */
  kill: () => Promise<void>;
}

/** Starts the hub (or another server script speaking the same start-up line) in a child process. */
export async function startChildHub(dbFile: string, port = 0, script = entry): Promise<ChildHub> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, dbFile, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the hub process exited (${code}) before listening`)));
  });
  const { url, pid } = JSON.parse(line) as { url: string; pid: number };
  const signal = (sig: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { url, pid, port: Number(new URL(url).port), stop: signal('SIGTERM'), kill: signal('SIGKILL') };
}
