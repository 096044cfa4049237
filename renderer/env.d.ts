/// <reference types="vite/client" />

/** The desktop bridge, declared once beside the preload that `satisfies` it (electron/preload/bridge.ts). */
type LivedeckBridge = import('../electron/preload/bridge').LivedeckBridge;

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
  /** What the Electron preload exposes; absent in a plain browser. */
  livedeck?: LivedeckBridge;
  __livedeck?: LivedeckProbe;
}
