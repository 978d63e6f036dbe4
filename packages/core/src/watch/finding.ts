import { type RobustSummary, robustZ, roundTo } from './robust-stats';
import type {
  WatchDetail,
  WatchFinding,
  WatchPeerComparison,
  WatchReasonCode,
  WatchSeverity,
} from './watch-alert';

/**
 * Helpers the detectors share: the score a level crossing adds, and the peer comparison block. A
 * detector reports a finding only when its level for the staff-day (or window) RISES, and the weight
 * is the difference between the new level's weight and the old one's, so a day that ends at level 2
 * has added exactly the level-2 weight however many events it took to get there.
 */

/** Score added by going from level `from` to level `to` (0 when not rising). */
export function levelIncrement(to: number, from: number, weights: readonly [number, number, number]): number {
  if (to <= from) return 0;
  const w = (level: number): number => (level <= 0 ? 0 : (weights[Math.min(level, 3) - 1] ?? 0));
  return w(to) - w(from);
}

/** A peer comparison for the alert, from a robust summary of the peer group's values. */
export function peerComparison(
  group: string,
  metric: string,
  value: number,
  peer: RobustSummary | null,
): WatchPeerComparison | null {
  if (!peer) return null;
  return {
    group,
    metric,
    value: roundTo(value, 3),
    median: roundTo(peer.median, 3),
    mad: roundTo(peer.mad, 3),
    robustZ: roundTo(robustZ(value, peer), 2),
  };
}

/** A peer comparison for a fraction: the peers' rates' median and MAD (scale floored at 1 %). */
export function peerRateComparison(
  group: string,
  metric: string,
  value: number,
  peerRate: number | null,
  peerMad: number | null,
): WatchPeerComparison | null {
  if (peerRate === null || peerMad === null) return null;
  const scale = Math.max(1.4826 * peerMad, 0.01);
  return {
    group,
    metric,
    value: roundTo(value, 4),
    median: roundTo(peerRate, 4),
    mad: roundTo(peerMad, 4),
    robustZ: roundTo((value - peerRate) / scale, 2),
  };
}

/** Assembles a finding. */
export function makeFinding(
  at: number,
  code: WatchReasonCode,
  weight: number,
  message: string,
  detail: WatchDetail,
  peer: WatchPeerComparison | null = null,
  floor?: WatchSeverity,
): WatchFinding {
  return { at, reason: { code, message, weight: roundTo(weight, 3), detail }, peer, floor };
}

/** A number for a message: integers as is, others to at most `digits` decimals. */
export function formatCount(value: number, digits = 1): string {
  return String(roundTo(value, digits));
}
