/**
 * The whole 复盘 of a stored session: the §6/§9 recap, what the comments and clicks say, and the
 * buyers across sessions. What the recap page, the workbook and the CSVs are made from.
 */
import type { LiveEvent } from '../protocol/index.js';
import { foldOrderEvent, newOrderState, type OrderState } from '../rules/orders.js';
import type { Repository } from '../store/index.js';
import { computeAudience, type Audience } from './audience.js';
import { cachedOrCompute } from './cache.js';
import { closedAtEnd } from './compute.js';
import { recapFromStore, type RecapQuery } from './from-store.js';
import { computeInsights, type CommissionRule, type Insights } from './insights.js';
import type { Recap } from './types.js';

export interface Report {
  recap: Recap;
  insights: Insights;
  audience: Audience;
  /** Run-sheet plan per sku (planned seconds), for planned-vs-actual. */
  planned: Record<string, number>;
  /** Product titles by sku. */
  titles: Record<string, string>;
  listPrices: Record<string, number>;
  /**
   * Of the window's orders that reached paid, those a feed reported without an amount (`estimated`:
   * priced at the catalog, e.g. oba-live-tool's Douyin orders): how many and their paid GMV. Already
   * inside the recap's figures; said apart so nobody takes them for the platform's own amounts.
   */
  estimated?: { orders: number; paidGmvFen: number };
}

/** A report whose long lists are cut to their first rows, with how many each had. */
export type LimitedReport = Report & { counts: { unanswered: number; followUp: number; buyers: number } };

/**
 * Keeps the first `limit` unanswered questions, follow-ups and buyers and says how many there were:
 * a 4-hour show has 100k+ of each (tens of MB), which a screen does not show; the workbook and the
 * CSVs keep every row.
 */
export function limitReport(full: Report, limit: number): LimitedReport {
  const { insights, audience } = full;
  return {
    ...full,
    insights: { ...insights, unanswered: insights.unanswered.slice(0, limit), followUp: insights.followUp.slice(0, limit) },
    audience: { ...audience, buyers: audience.buyers.slice(0, limit) },
    counts: { unanswered: insights.unanswered.length, followUp: insights.followUp.length, buyers: audience.buyers.length },
  };
}

export function reportFromStore(repo: Repository, which: number | 'latest', now: number, query: RecapQuery = {}): Report | null {
  const id = which === 'latest' ? repo.latestSession()?.id : which;
  if (id === undefined) return null;
  return cachedOrCompute(repo, id, `report:${JSON.stringify(query)}`, () => computeReport(repo, id, now, query));
}

/** What `computeInsights` reads besides orders; viewer traffic, most of a show's events, it does not. */
const INSIGHT_TYPES = ['item.live', 'comment', 'product.click'] as const;

function computeReport(repo: Repository, id: number, now: number, query: RecapQuery): Report | null {
  const recap = recapFromStore(repo, id, now, query);
  if (!recap) return null;
  const session = repo.session(recap.sessionId)!;
  const answered = new Set(
    repo
      .commentStates(session.id)
      .filter((c) => c.status === 'answered')
      .map((c) => c.key),
  );
  const platforms = query.platform ? { platforms: [query.platform, 'studio'] } : {};
  // The window's comments and clicks up to the show's end (with the control room's items on air), and
  // every event of its orders, late ones too: an order is the window's by its time (DESIGN §6).
  const watched = repo.eventsOfSession(session.id, { types: INSIGHT_TYPES, from: recap.from, to: Math.min(recap.to, recap.endAt), ...platforms });
  const orders = repo.eventsOfSession(session.id, { types: ['order'], ...platforms });
  const closed = closedAtEnd(recap.endAt, query.to);
  const insights = computeInsights({
    events: [...watched, ...orders],
    answered,
    rules: repo.promoterRules() as Record<string, CommissionRule>,
    orderTime: (t) => t >= recap.from && (closed || t < recap.to),
  });
  const estimated = estimatedOrders(orders, (t) => t >= recap.from && (closed || t < recap.to));
  const audience = computeAudience(repo.paidOrders(), session, session.endedAt ?? now);
  const planned = Object.create(null) as Record<string, number>;
  for (const item of repo.runsheet()) planned[item.sku] = (planned[item.sku] ?? 0) + item.plannedSec;
  const catalog = repo.catalog();
  return {
    recap,
    insights,
    audience,
    planned: { ...planned },
    titles: Object.fromEntries(catalog.map((p) => [p.sku, p.title])),
    listPrices: Object.fromEntries(catalog.map((p) => [p.sku, p.listPriceFen])),
    estimated,
  };
}

/** Orders with an `estimated` event that reached paid, by their order time (folded as the recap folds them). */
function estimatedOrders(events: LiveEvent[], inWindow: (orderTs: number) => boolean): { orders: number; paidGmvFen: number } {
  const orders = new Map<string, { state: OrderState; estimated: boolean }>();
  for (const e of events) {
    if (e.type !== 'order') continue;
    const key = `${e.platform}\u0000${e.orderId}`;
    const o = orders.get(key);
    if (!o) orders.set(key, { state: newOrderState(e), estimated: e.estimated === true });
    else {
      foldOrderEvent(o.state, e);
      if (e.estimated) o.estimated = true;
    }
  }
  const out = { orders: 0, paidGmvFen: 0 };
  for (const { state, estimated } of orders.values()) {
    if (!estimated || !state.reachedPaid || !inWindow(state.firstTs)) continue;
    out.orders++;
    out.paidGmvFen += state.amountFen;
  }
  return out;
}
