/** The period report's front door (月度复盘, DESIGN §12): read the period, build it from kept show facts. */
export { parsePeriod, parsePeriodDate, previousPeriod, type PeriodQuery, type PeriodError, type PeriodErrorCode, type Parsed } from './dates.js';
export { computeShowFacts, SHOW_FACTS_VERSION, type ShowFacts, type ShowFigures } from './facts.js';
export { computePeriod, isLowYield, type PeriodReport, type PeriodShow, type PeriodSku, type PeriodPromoter, type PeriodTotals } from './compute.js';
export { periodFromStore, showFactsFromStore, SHOW_FACTS_KEY, type ComputedFacts } from './from-store.js';
