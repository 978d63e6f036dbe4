import { formatCount } from './finding';
import { type FractionInput, fractionFinding, judgeFraction } from './fraction';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** Where an id's trailing digits start (its length when it has none). */
function digitsStart(id: string): number {
  let i = id.length;
  while (i > 0) {
    const c = id.charCodeAt(i - 1);
    if (c < 48 || c > 57) break;
    i -= 1;
  }
  return i;
}

/** The trailing number of an id (`C000123` → 123), or null when it has none (or it is too long). */
export function idNumber(id: string): number | null {
  const start = digitsStart(id);
  return start === id.length || id.length - start > 15 ? null : Number(id.slice(start));
}

/**
 * Whether an id is numerically next to one of the recently touched ids with the same prefix (within
 * `distance`, not equal): walking C000101, C000102, C000103 … is enumeration; real work lands on
 * customers scattered over the whole id range.
 */
export function isEnumerated(id: string, recent: readonly string[], distance: number): boolean {
  const n = idNumber(id);
  if (n === null) return false;
  const prefix = id.slice(0, digitsStart(id));
  for (const r of recent) {
    if (r === id) continue;
    const m = idNumber(r);
    if (m === null || Math.abs(m - n) > distance) continue;
    if (r.slice(0, digitsStart(r)) === prefix) return true;
  }
  return false;
}

/** A search waiting for follow-up work on one of its results. */
export interface PendingFollowUp {
  ts: number;
  /** The search's result customers. */
  ids: readonly string[];
  /** Other customers (none of its results) worked on since, up to `abandonAfterCustomers`. */
  others?: readonly string[];
}

/**
 * What an access (allowed work on `customers` at `ts`, not a search) does to a pending search:
 * `followed` when it works on one of the search's results within `followUpMs`; `abandoned` when it
 * brings the distinct other customers worked on since the search to `abandonAfterCustomers` (the
 * person moved on: whoever looks someone up works on them next, not two customers later); else
 * `pending`, with the other customers so far. A search with no follow-up is also unfollowed once
 * `followUpMs` has passed (the engine expires it by time). 0 turns abandonment off.
 */
export function followUpOf(
  search: PendingFollowUp,
  customers: readonly string[],
  ts: number,
  cfg: Pick<WatchConfig, 'followUpMs' | 'abandonAfterCustomers'>,
): { state: 'followed' | 'abandoned' | 'pending'; others: string[] } {
  const others = [...(search.others ?? [])];
  if (ts < search.ts) return { state: 'pending', others };
  if (ts - search.ts <= cfg.followUpMs && customers.some((c) => search.ids.includes(c)))
    return { state: 'followed', others };
  const limit = cfg.abandonAfterCustomers;
  if (limit <= 0) return { state: 'pending', others };
  for (const c of customers) if (others.length < limit && !others.includes(c)) others.push(c);
  return { state: others.length >= limit ? 'abandoned' : 'pending', others };
}

/**
 * Detector 6a — search sweeps: searches with no follow-up. A search is followed up when the person
 * works on one of its result customers (view, reveal, print, export) within `followUpMs` and before
 * moving on to other customers (see {@link followUpOf}); searching
 * through phone prefixes or ids to see who exists leaves a trail of searches nothing came of.
 * Statistic: the unfollowed fraction of the day's searches, beta-binomial against own and peer rates.
 */
export function detectSearchSweep(
  input: FractionInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg);
  if (!v) return null;
  return fractionFinding(
    input,
    v,
    'search_sweep',
    'unfollowed_search_share',
    `${input.flagged} of ${input.seen} searches in this staff-day had no follow-up work within ${Math.round(cfg.followUpMs / 60_000)} minutes or before other customers were worked on; about ${formatCount(v.expected)} expected (level ${v.level}).`,
    { unfollowed: input.flagged, searches: input.seen },
  );
}

/**
 * Detector 6b — enumerated ids: of the day's customers (search results included), how many sit next
 * to one just touched (see {@link isEnumerated}); beta-binomial against own and peer rates.
 */
export function detectEnumeration(
  input: FractionInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg);
  if (!v) return null;
  return fractionFinding(
    input,
    v,
    'id_enumeration',
    'adjacent_id_share',
    `${input.flagged} of ${input.seen} customer ids in this staff-day were adjacent to ids just touched (enumeration); about ${formatCount(v.expected)} expected (level ${v.level}).`,
    { adjacent: input.flagged, ids: input.seen },
  );
}
