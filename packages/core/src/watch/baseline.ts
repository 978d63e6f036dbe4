import {
  betaBinomialTail,
  median,
  medianAbsoluteDeviation,
  type RobustSummary,
  robustSummary,
  surprise,
  valueAtZ,
} from './robust-stats';

/**
 * Baselines: what a person's day is expected to look like, from their own history and their peer
 * group's. Two kinds, because watch measures two kinds of thing:
 *
 * - counts (customers per day, customers exported, devices): a robust z against the person's own
 *   days AND against the peer group's days, so neither a new job with a heavier load (own) nor a
 *   lead's naturally higher volume (peer) alone raises a finding;
 * - fractions (of today's customers, how many had no assignment, were off shift, were undelivered
 *   orders): an empirical-Bayes rate (the peer rate as a prior worth `priorStrength` customers,
 *   updated by the person's own history), tested with a beta-binomial tail. The day's size is
 *   max(customers so far, a typical day), so the first few customers of a morning cannot make a
 *   fraction look extreme, and a busy day (Double 11) does not either.
 */

export interface CountBaseline {
  own: RobustSummary | null;
  peer: RobustSummary | null;
}

export interface CountRule {
  zLevels: readonly [number, number, number];
  /** The value must also exceed the median by this much (the effect must be material). */
  minExcess: number;
  /** Own days needed before the own baseline counts. */
  minOwnDays: number;
  /** Peer days needed before the peer baseline counts. */
  minPeerDays: number;
}

/** Builds a count baseline from daily values. */
export function countBaseline(ownDays: readonly number[], peerDays: readonly number[]): CountBaseline {
  return { own: robustSummary(ownDays), peer: robustSummary(peerDays) };
}

/**
 * The values at which a day reaches levels 1, 2, 3 (the value must reach the threshold of every
 * baseline that has enough days), or null when no baseline has enough days yet (cold start).
 */
export function countThresholds(b: CountBaseline, rule: CountRule): [number, number, number] | null {
  const own = b.own && b.own.n >= rule.minOwnDays ? b.own : null;
  const peer = b.peer && b.peer.n >= rule.minPeerDays ? b.peer : null;
  if (!own && !peer) return null;
  const at = (z: number): number => {
    let t = 0;
    for (const s of [own, peer]) if (s) t = Math.max(t, valueAtZ(s, z), s.median + rule.minExcess);
    return Math.ceil(t);
  };
  return [at(rule.zLevels[0]), at(rule.zLevels[1]), at(rule.zLevels[2])];
}

/** The level (0–3) a value reaches given thresholds (null: 0). */
export function levelOf(value: number, thresholds: readonly number[] | null): number {
  if (!thresholds) return 0;
  let level = 0;
  for (const t of thresholds) if (value >= t) level += 1;
  return level;
}

/** A person's own history of a fraction: summed numerators and denominators over their baseline days. */
export interface RateHistory {
  flagged: number;
  seen: number;
  days: number;
}

export interface RateBaseline {
  /** Expected fraction (posterior mean). */
  rate: number;
  /** A typical day's denominator (own median, else peer median). */
  typicalN: number;
  /** Median and MAD of the peers' own rates, for the alert's peer comparison. */
  peerRate: number | null;
  peerMad: number | null;
  /** Beta-binomial concentration for this metric (from the peers' dispersion; undefined: the configured one). */
  concentration?: number | undefined;
}

export interface RateRule {
  priorStrength: number;
  minOwnDays: number;
  /** Peers (with a usable history) needed before the peer rate counts. */
  minPeers: number;
  /**
   * Customers (denominators) seen in the peers' history: with nothing flagged in all of it, the
   * expected rate is floored at half a customer in that many plus the person's own (a Jeffreys-style
   * floor: the test never assumes a fraction is impossible, and the more history, the lower the floor).
   */
  peerSeen: number;
}

/**
 * Combines the peers' rates (one per peer) and the person's own history. Without peers the own
 * history alone must have `minOwnDays`; with neither, null (the detector stays quiet).
 */
export function rateBaseline(
  own: RateHistory,
  ownTypicalN: number | null,
  peerRates: readonly number[],
  peerTypicalN: number | null,
  rule: RateRule,
  concentration?: number,
): RateBaseline | null {
  const havePeers = peerRates.length >= rule.minPeers;
  const haveOwn = own.days >= rule.minOwnDays && own.seen > 0;
  if (!havePeers && !haveOwn) return null;
  const peerRate = havePeers ? median(peerRates) : null;
  let rate: number;
  if (peerRate !== null)
    rate = (rule.priorStrength * peerRate + own.flagged) / (rule.priorStrength + own.seen);
  else rate = own.flagged / own.seen;
  const typicalN = (haveOwn ? ownTypicalN : null) ?? peerTypicalN ?? ownTypicalN ?? 1;
  return {
    rate: Math.max(rate, 0.5 / (rule.peerSeen + own.seen + 1)),
    typicalN: Math.max(typicalN, 1),
    peerRate,
    peerMad: peerRate !== null ? medianAbsoluteDeviation(peerRates, peerRate) : null,
    concentration,
  };
}

/**
 * −log10 P(at least `flagged` of the day's customers are flagged), the day's size being
 * max(`seen`, a typical day); the baseline's own concentration, if it has one, wins over `concentration`.
 */
export function rateSurprise(flagged: number, seen: number, b: RateBaseline, concentration: number): number {
  const n = Math.max(seen, Math.round(b.typicalN), flagged);
  return surprise(betaBinomialTail(flagged, n, b.rate, b.concentration ?? concentration));
}

/** The level (0–3) a surprise reaches. */
export function surpriseLevel(s: number, levels: readonly [number, number, number]): number {
  return s >= levels[2] ? 3 : s >= levels[1] ? 2 : s >= levels[0] ? 1 : 0;
}
