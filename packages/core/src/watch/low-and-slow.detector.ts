import { levelOf, rateSurprise, surpriseLevel } from './baseline';
import { formatCount, levelIncrement, makeFinding, peerComparison } from './finding';
import { estimateConcentration, median, robustSummary, robustZ, roundTo } from './robust-stats';
import type { WatchDetail, WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** One person's exposure over the window. */
export interface ExposureWindow {
  /** Distinct customers touched over the window. */
  distinct: number;
  activeDays: number;
  /** Customers exported over the window (bulk counts included). */
  exported: number;
  /**
   * Fractions over the window as [flagged, seen]: `unassigned` (distinct customers touched with no
   * assignment, of `distinct`), `unfollowed` (searches), `offShift` (customers off shift),
   * `exportDays` (days with an export, of active days).
   */
  shares: Record<string, readonly [number, number]>;
}

export interface LowAndSlowInput extends ExposureWindow {
  at: number;
  group: string;
  /** The peers' windows (people with too few active days already left out). */
  peers: readonly ExposureWindow[];
}

/** A per-day average may be a third lower or higher without meaning anything (log scale floor). */
const LOG_FLOOR = Math.log(1.35) / 2;

/**
 * Detector 10 — low and slow: cumulative exposure over `lowAndSlowDays` against peers only (a
 * person's own baseline drifts with a slow harvest, or was trained on one that began before watch
 * did, so it cannot be the yardstick here). The level is the highest of:
 *
 * - distinct customers per active day, as a robust z of its logarithm against the peers' (a heavy
 *   but honest worker at 1.9× the median is about z 3; a harvester at 4× is beyond 5), at most
 *   level 1: volume alone is a note (shifts and sites make some honest months several times others);
 * - each window fraction (unassigned customers, unfollowed searches, off-shift customers, days with
 *   an export) as a
 *   beta-binomial tail at the peers' median fraction, the concentration estimated from the peers'
 *   spread (floored at `concentration`), counted only when the fraction is also material (twice the
 *   peers' and 5 points above).
 *
 * Needs `lowAndSlowMinDays` active days and `minPeers` peers. Evaluated when a staff-day closes.
 */
export function detectLowAndSlow(
  input: LowAndSlowInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  if (input.activeDays < cfg.lowAndSlowMinDays || input.peers.length < cfg.minPeers || input.distinct <= 0)
    return null;
  const perDay = input.distinct / input.activeDays;
  const peerLogs = input.peers
    .filter((p) => p.distinct > 0)
    .map((p) => Math.log(p.distinct / Math.max(p.activeDays, 1)));
  const peer = peerLogs.length >= cfg.minPeers ? robustSummary(peerLogs, () => LOG_FLOOR) : null;
  const z = peer ? robustZ(Math.log(perDay), peer) : 0;
  // Volume alone is a note, never an alarm: shifts, sites and queues make some honest people's
  // months several times their peers' (a warehouse night shift handles more waves per head).
  const zLevel = peer ? Math.min(levelOf(z, cfg.zLevels), 1) : 0;
  const detail: WatchDetail = {
    distinct: input.distinct,
    activeDays: input.activeDays,
    perDay: roundTo(perDay, 2),
    peerMedianPerDay: peer ? roundTo(Math.exp(peer.median), 2) : null,
    robustZ: roundTo(z, 2),
  };
  let level = zLevel;
  let worst: string | null = zLevel > 0 ? 'volume' : null;
  // Exports over the window, on a log scale against the peers who export: a slow ramp-up that never
  // looks like a spike day to day (each export a little larger than the last) adds up here.
  const exporters = input.peers.filter((p) => p.exported > 0).map((p) => Math.log(p.exported));
  if (input.exported >= cfg.minExportExcess && exporters.length >= cfg.minPeers) {
    const ex = robustSummary(exporters, () => LOG_FLOOR);
    if (ex) {
      const ez = robustZ(Math.log(input.exported), ex);
      detail.exported = input.exported;
      detail.peerMedianExported = roundTo(Math.exp(ex.median), 0);
      detail.exportedZ = roundTo(ez, 2);
      const l = levelOf(ez, cfg.zLevels);
      if (l > level) {
        level = l;
        worst = 'exported';
      }
    }
  }
  for (const [metric, [flagged, seen]] of Object.entries(input.shares)) {
    if (flagged < Math.max(cfg.minEvidence, 1) || seen <= 0) continue;
    const pairs = input.peers
      .map((p) => p.shares[metric])
      .filter((s): s is readonly [number, number] => s !== undefined && s[1] > 0);
    if (pairs.length < cfg.minPeers) continue;
    const peerRate = median(pairs.map(([k, n]) => k / n));
    const share = flagged / seen;
    detail[`${metric}Share`] = roundTo(share, 4);
    detail[`${metric}PeerShare`] = roundTo(peerRate, 4);
    if (!(share >= 2 * peerRate && share >= peerRate + 0.05)) continue;
    const peerSeen = pairs.reduce((s, [, n]) => s + n, 0);
    const s = rateSurprise(
      flagged,
      seen,
      {
        rate: Math.max(peerRate, 0.5 / (peerSeen + 1)),
        typicalN: seen,
        peerRate,
        peerMad: null,
        concentration: estimateConcentration(pairs, cfg.concentration, cfg.maxConcentration),
      },
      cfg.concentration,
    );
    const l = surpriseLevel(s, cfg.surpriseLevels);
    if (l > level) {
      level = l;
      worst = metric;
    }
  }
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  detail.level = level;
  detail.strongest = worst;
  return makeFinding(
    input.at,
    'low_and_slow',
    weight,
    `Over ${input.activeDays} active days: ${input.distinct} distinct customers (${formatCount(perDay)} a day; peer median ${peer ? formatCount(Math.exp(peer.median)) : 'n/a'})${worst === 'exported' ? `, ${input.exported} exported against a peer median of ${String(detail.peerMedianExported)}` : ''}${worst !== null && worst !== 'volume' && worst !== 'exported' ? `, ${worst} share ${formatCount(Number(detail[`${worst}Share`]) * 100)}% against the peers' ${formatCount(Number(detail[`${worst}PeerShare`]) * 100)}%` : ''} (level ${level}).`,
    detail,
    peerComparison(input.group, 'log_distinct_customers_per_active_day', Math.log(perDay), peer),
  );
}
