import { type RateBaseline, rateSurprise, surpriseLevel } from './baseline';
import { levelIncrement, makeFinding, peerRateComparison } from './finding';
import { roundTo } from './robust-stats';
import type { WatchDetail, WatchFinding, WatchReasonCode } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** A flagged fraction of a staff-day, as the fraction detectors receive it. */
export interface FractionInput {
  at: number;
  group: string;
  /** Customers (or searches) flagged so far today. */
  flagged: number;
  /** Customers (or searches) seen so far today. */
  seen: number;
  baseline: RateBaseline | null;
}

/** What a fraction test concluded, before a detector words it. */
export interface FractionVerdict {
  level: number;
  weight: number;
  /** −log10 of the tail probability. */
  surprise: number;
  /** Flagged count expected in a day of this size. */
  expected: number;
  /** The day size the test used (max of seen and a typical day). */
  n: number;
}

/**
 * The shared fraction test: the level a day's flagged count reaches and the score it adds over
 * `previousLevel`, or null when it does not rise, when there is no baseline yet, or when fewer than
 * `minEvidence` are flagged.
 */
export function judgeFraction(
  input: FractionInput,
  previousLevel: number,
  cfg: WatchConfig,
  /** The highest level this detector may reach (a note-only detector passes 1). */
  maxLevel = 3,
): FractionVerdict | null {
  const b = input.baseline;
  if (!b || input.flagged < Math.max(cfg.minEvidence, 1)) return null;
  const s = rateSurprise(input.flagged, input.seen, b, cfg.concentration);
  const level = Math.min(surpriseLevel(s, cfg.surpriseLevels), maxLevel);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  const n = Math.max(input.seen, Math.round(b.typicalN), input.flagged);
  return { level, weight, surprise: roundTo(s, 2), expected: roundTo(b.rate * n, 2), n };
}

/**
 * A fraction detector's finding: its message; the day's counts under the detector's own names,
 * between the verdict's level and its expectation and surprise; and the peer comparison of the
 * flagged share as `metric`.
 */
export function fractionFinding(
  input: FractionInput,
  v: FractionVerdict,
  code: WatchReasonCode,
  metric: string,
  message: string,
  counts: WatchDetail,
): WatchFinding {
  return makeFinding(
    input.at,
    code,
    v.weight,
    message,
    { level: v.level, ...counts, expected: v.expected, surprise: v.surprise },
    peerRateComparison(
      input.group,
      metric,
      input.flagged / Math.max(v.n, 1),
      input.baseline?.peerRate ?? null,
      input.baseline?.peerMad ?? null,
    ),
  );
}
