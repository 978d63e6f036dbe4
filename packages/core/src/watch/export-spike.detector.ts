import { levelOf } from './baseline';
import { formatCount, levelIncrement, makeFinding, peerComparison } from './finding';
import { type RobustSummary, robustSummary } from './robust-stats';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** Export-day sizes (customers exported on days with any export), own and pooled peers'. */
export interface ExportBaseline {
  own: readonly number[];
  peer: readonly number[];
  /**
   * Whether the peer group's history is long enough to say that it does not export; without it and
   * without export days, nothing is judged (cold start).
   */
  mature: boolean;
}

/** Export days needed before a size baseline counts. */
export const MIN_EXPORT_DAYS = 3;

/**
 * Export sizes are set by what was asked for (a period, a segment), so a quarter of the median is
 * the least spread they are credited with, however alike a few export days happened to be.
 */
function sizeSummary(sizes: readonly number[]): RobustSummary | null {
  return sizes.length < MIN_EXPORT_DAYS
    ? null
    : robustSummary(sizes, (m) => Math.max(Math.sqrt(Math.max(m, 0)), 0.25 * m, 1));
}

/**
 * The spread, as a share of the largest export day seen, credited to a person or group with only one
 * or two export days: twice the floor {@link sizeSummary} credits, since one or two days say nothing
 * about how much sizes vary (an analyst's month-end report is often twice the usual one).
 */
export const FEW_EXPORT_DAYS_SPREAD = 0.5;

/**
 * Customers exported in a day at which levels 1, 2, 3 start. Exports are rare, so the comparison is
 * on export days only: a robust z of the day's size (scale: MAD or the upper half-spread, whichever
 * is larger) against the person's export days or the peers' (each needs three), at `zLevels`, and at
 * least `minExportExcess` above the median. EITHER baseline is enough: someone whose exports grow a
 * little at a time drags their own baseline along, but not their peers'. With a mature history and
 * no export days (a role that never exports), `minExportExcess`, 5× and 25× it. With a mature
 * history and only one or two export days, own and peers' together (a role that does export, seen
 * briefly: a short history, a small team), the largest of them with a spread of
 * {@link FEW_EXPORT_DAYS_SPREAD} of it, never below the no-export levels. With neither (cold
 * start), null.
 */
export function exportThresholds(b: ExportBaseline, cfg: WatchConfig): [number, number, number] | null {
  const summaries = [sizeSummary(b.own), sizeSummary(b.peer)].filter((s): s is RobustSummary => s !== null);
  if (summaries.length === 0) {
    if (!b.mature) return null;
    const none: [number, number, number] = [
      cfg.minExportExcess,
      5 * cfg.minExportExcess,
      25 * cfg.minExportExcess,
    ];
    const seen = [...b.own, ...b.peer];
    if (seen.length === 0) return none;
    const largest = Math.max(...seen);
    const scale = Math.max(FEW_EXPORT_DAYS_SPREAD * largest, Math.sqrt(largest), 1);
    const at = (z: number, floor: number): number =>
      Math.ceil(Math.max(floor, largest + z * scale, largest + cfg.minExportExcess));
    return [at(cfg.zLevels[0], none[0]), at(cfg.zLevels[1], none[1]), at(cfg.zLevels[2], none[2])];
  }
  const at = (z: number): number => {
    let t = Number.POSITIVE_INFINITY;
    for (const s of summaries)
      t = Math.min(t, Math.max(s.median + z * s.scale, s.median + cfg.minExportExcess));
    return Math.ceil(t);
  };
  return [at(cfg.zLevels[0]), at(cfg.zLevels[1]), at(cfg.zLevels[2])];
}

export interface ExportInput {
  at: number;
  group: string;
  /** Customers exported so far in the staff-day (ids or the bulk count). */
  exported: number;
  exports: number;
  baseline: ExportBaseline;
}

/**
 * Detector 7 — export spikes: customers exported in a staff-day against the person's and the peers'
 * export days (see {@link exportThresholds}). Fires on the export that crosses a level.
 */
export function detectExportSpike(
  input: ExportInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const thresholds = exportThresholds(input.baseline, cfg);
  const level = levelOf(input.exported, thresholds);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  const own = robustSummary(input.baseline.own);
  const peer = robustSummary(input.baseline.peer);
  return makeFinding(
    input.at,
    'export_spike',
    weight,
    `Exported ${input.exported} customers in ${input.exports} export(s) in this staff-day; median export day: own ${own ? formatCount(own.median) : 'none'}, peers ${peer ? formatCount(peer.median) : 'none'} (level ${level}).`,
    {
      level,
      exported: input.exported,
      exports: input.exports,
      ownMedian: own ? own.median : null,
      ownExportDays: input.baseline.own.length,
      peerMedian: peer ? peer.median : null,
      peerExportDays: input.baseline.peer.length,
      threshold: thresholds?.[level - 1] ?? null,
    },
    peerComparison(input.group, 'customers_exported_per_export_day', input.exported, peer),
  );
}
