/**
 * The recap's headline numbers (DESIGN §6), in the order the cards and the session comparison show
 * them: which field, how it reads, and which way is better (for the green/red of a comparison).
 */
import type { RecapMetrics } from '../../../server/recap/types';
import type { useFormat } from '../../composables/useFormat';

export type KpiId = 'paidGmv' | 'refund' | 'netGmv' | 'orders' | 'buyers' | 'units' | 'aov' | 'views' | 'viewers' | 'peakOnline' | 'avgOnline' | 'avgWatch' | 'conversion' | 'gpm';

export interface KpiSpec {
  id: KpiId;
  field: keyof RecapMetrics;
  /** `recap.kpi.<id>` is the label, `recap.def.<id>` the §6 definition. */
  kind: 'money' | 'count' | 'duration' | 'percent';
  /** A rise is good news (refunds: a rise is bad news). */
  higherIsBetter: boolean;
  /** A total that grows with the show's length: shows of different lengths compare per hour. */
  perHour?: boolean;
}

export const KPIS: readonly KpiSpec[] = [
  { id: 'paidGmv', field: 'paidGmvFen', kind: 'money', higherIsBetter: true, perHour: true },
  { id: 'refund', field: 'refundFen', kind: 'money', higherIsBetter: false, perHour: true },
  { id: 'netGmv', field: 'netGmvFen', kind: 'money', higherIsBetter: true, perHour: true },
  { id: 'orders', field: 'orders', kind: 'count', higherIsBetter: true, perHour: true },
  { id: 'buyers', field: 'buyers', kind: 'count', higherIsBetter: true, perHour: true },
  { id: 'units', field: 'units', kind: 'count', higherIsBetter: true, perHour: true },
  { id: 'aov', field: 'aovFen', kind: 'money', higherIsBetter: true },
  { id: 'views', field: 'views', kind: 'count', higherIsBetter: true, perHour: true },
  { id: 'viewers', field: 'viewers', kind: 'count', higherIsBetter: true, perHour: true },
  { id: 'peakOnline', field: 'peakOnline', kind: 'count', higherIsBetter: true },
  { id: 'avgOnline', field: 'avgOnline', kind: 'count', higherIsBetter: true },
  { id: 'avgWatch', field: 'avgWatchSec', kind: 'duration', higherIsBetter: true },
  { id: 'conversion', field: 'conversion', kind: 'percent', higherIsBetter: true },
  { id: 'gpm', field: 'gpmFen', kind: 'money', higherIsBetter: true },
];

/** A metric as the cards write it: money and counts rounded to whole fen / units, ratios to 0.01 %. */
export function formatKpi(spec: KpiSpec, value: number, fmt: ReturnType<typeof useFormat>): string {
  switch (spec.kind) {
    case 'money':
      return fmt.money(Math.round(value));
    case 'count':
      return fmt.count(Math.round(value));
    case 'duration':
      return fmt.duration(value);
    case 'percent':
      return fmt.percent(value, 2);
  }
}

/** (b − a) / a, or null when a is 0 (a change from nothing has no percentage). */
export function relativeChange(a: number, b: number): number | null {
  if (a === 0) return b === 0 ? 0 : null;
  return (b - a) / Math.abs(a);
}
