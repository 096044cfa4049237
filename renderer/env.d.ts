/// <reference types="vite/client" />

/** What the Electron preload exposes (electron/preload/index.ts); absent in a plain browser. */
interface LivedeckBridge {
  /** The hub URL and the token this window's role needs. */
  connection(): Promise<{ hubUrl: string; token: string; role: 'control' | 'prompter' | 'screen' }>;
}

/** Read-only inspection hooks for end-to-end tests, installed only with `?e2e=1` (see main.ts). */
interface LivedeckProbe {
  /** Data points per series of the chart under `[data-testid=testId]`, or null when no chart is there. */
  chartPoints(testId: string): number[] | null;
  /** The minute buckets' `sec` values the live store holds, ascending. */
  minuteSecs(): number[];
  /** The live store's connection status. */
  status(): string;
}

interface Window {
  livedeck?: LivedeckBridge;
  __livedeck?: LivedeckProbe;
}
