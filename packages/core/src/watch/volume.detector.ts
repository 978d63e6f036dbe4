import { type CountBaseline, countThresholds, levelOf } from './baseline';
import { formatCount, levelIncrement, makeFinding, peerComparison } from './finding';
import { robustZ } from './robust-stats';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

export interface VolumeInput {
  at: number;
  group: string;
  /** Distinct customers touched so far in the staff-day (plus id-less bulk counts). */
  customers: number;
  baseline: CountBaseline;
}

/**
 * Detector 1 — customers per staff-day against the person's own days and the peer group's days.
 * Statistic: robust z = (value − median) / max(1.4826·MAD, √median, 1) against each baseline; the
 * level is the highest of `zLevels` (5, 8, 14) that the value reaches against EVERY baseline with
 * enough days, and the value must also exceed each median by `minVolumeExcess` customers. A new hire
 * (fewer than `minOwnDays` days) is judged by peers alone; before any baseline exists it is quiet.
 * Runs as the day goes on, so a harvest is flagged when it crosses the line, not at midnight.
 */
export function detectVolume(
  input: VolumeInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const thresholds = countThresholds(input.baseline, {
    zLevels: cfg.zLevels,
    minExcess: cfg.minVolumeExcess,
    minOwnDays: cfg.minOwnDays,
    minPeerDays: cfg.minPeerDays,
  });
  const level = levelOf(input.customers, thresholds);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  const { own, peer } = input.baseline;
  return makeFinding(
    input.at,
    'volume_spike',
    weight,
    `Touched ${input.customers} distinct customers in this staff-day; own median ${own ? formatCount(own.median) : 'n/a'}, peer median ${peer ? formatCount(peer.median) : 'n/a'} (level ${level}).`,
    {
      level,
      customers: input.customers,
      ownMedian: own ? own.median : null,
      ownZ: own ? fmt2(robustZ(input.customers, own)) : null,
      peerMedian: peer ? peer.median : null,
      peerZ: peer ? fmt2(robustZ(input.customers, peer)) : null,
      threshold: thresholds ? (thresholds[level - 1] ?? null) : null,
    },
    peerComparison(input.group, 'customers_per_day', input.customers, peer),
  );
}

function fmt2(v: number): number {
  return Math.round(v * 100) / 100;
}
