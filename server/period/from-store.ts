/**
 * The period report from the store. Each show's facts (facts.ts) are kept beside its recaps, in the
 * recap cache under the show's `sessionStamp`: whatever makes a show's kept recaps stale — a late
 * event stored in it, its recap input merged, its recaps dropped — makes its facts stale too, and
 * the next report computes that show's facts again (and keeps them). Live shows are never kept.
 */
import type { SessionRow, Repository } from '../store/index.js';
import { recapInputEvents } from '../store/index.js';
import type { CommissionRule } from '../recap/insights.js';
import { recapFromStore } from '../recap/from-store.js';
import type { PeriodQuery } from './dates.js';
import { computeShowFacts, SHOW_FACTS_VERSION, type ShowFacts } from './facts.js';
import { computePeriod, type PeriodReport } from './compute.js';

/** The facts' key in the recap cache. */
export const SHOW_FACTS_KEY = `period:facts:v${SHOW_FACTS_VERSION}`;

/** Facts computed (not found kept) while answering, with the stamp they were computed under. */
export interface ComputedFacts {
  sessionId: number;
  stamp: string;
  body: string;
}

export interface FactsOptions {
  /**
   * Called with facts that had to be computed. Default: keep them here (a read-only connection — the
   * recap worker's — cannot: it hands them to the hub's thread instead).
   */
  onComputed?: (computed: ComputedFacts) => void;
}

function keepHere(repo: Repository): (c: ComputedFacts) => void {
  return (c) => {
    if (repo.db.readonly) return;
    try {
      repo.putCachedRecap(c.sessionId, SHOW_FACTS_KEY, c.stamp, c.body);
    } catch {
      // Not kept (disk trouble): the next report computes them again.
    }
  };
}

/** The facts of one show, kept or computed; null if there is no such session. */
export function showFactsFromStore(repo: Repository, session: SessionRow | number, now: number, options: FactsOptions = {}): ShowFacts | null {
  const s = typeof session === 'number' ? repo.session(session) : session;
  if (!s) return null;
  // The stamp is taken before reading, so events stored meanwhile make the kept copy stale.
  const stamp = s.endedAt === null ? null : repo.sessionStamp(s.id);
  if (stamp !== null) {
    const hit = repo.cachedRecap(s.id, SHOW_FACTS_KEY, stamp);
    if (hit !== null) return JSON.parse(hit) as ShowFacts;
  }
  const recap = recapFromStore(repo, s.id, now);
  if (!recap) return null;
  const facts = computeShowFacts({
    session: { id: s.id, title: s.title, startedAt: s.startedAt, endedAt: s.endedAt },
    recap,
    events: recapInputEvents(repo.recapInput(s.id)),
    paidOrders: repo.paidOrdersOfSession(s.id),
    orderEvents: repo.eventsOfSession(s.id, { types: ['order'] }),
  });
  if (stamp !== null) (options.onComputed ?? keepHere(repo))({ sessionId: s.id, stamp, body: JSON.stringify(facts) });
  return facts;
}

/** The period report (DESIGN §12) of a checked query (see `parsePeriod`). */
export function periodFromStore(repo: Repository, query: PeriodQuery, now: number, options: FactsOptions = {}): PeriodReport {
  const shows = repo.sessionsStartedIn(query.from, query.to).flatMap((s) => showFactsFromStore(repo, s, now, options) ?? []);
  const titles: Record<string, string> = {};
  for (const p of repo.catalog()) titles[p.sku] = p.title;
  return computePeriod({
    query,
    shows,
    now,
    rules: repo.promoterRules() as Record<string, CommissionRule>,
    titles,
    boughtBefore: (buyers, at) => repo.boughtBefore(buyers, at),
  });
}
