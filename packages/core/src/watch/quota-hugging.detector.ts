import type { StaffRole } from '../access/staff';
import { surpriseLevel } from './baseline';
import { levelIncrement, makeFinding, peerRateComparison } from './finding';
import { betaBinomialTail, median, medianAbsoluteDeviation, roundTo, surprise } from './robust-stats';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** A person's reveal quota: their own override, else the role's default, else none (null). */
export function revealQuotaOf(
  staff: { role: StaffRole; revealQuota: number | null } | undefined,
  cfg: WatchConfig,
): number | null {
  if (!staff) return null;
  return staff.revealQuota ?? cfg.revealQuota[staff.role] ?? null;
}

/** Whether a day's distinct reveals hug the quota (reach `quotaHugFraction` of it). */
export function hugsQuota(revealed: number, cap: number, cfg: WatchConfig): boolean {
  return cap > 0 && revealed >= Math.ceil(cfg.quotaHugFraction * cap);
}

export interface QuotaHuggingInput {
  at: number;
  group: string;
  cap: number;
  /** Distinct customers revealed on each of the person's last active days (oldest first). */
  days: readonly number[];
  /** Each peer's share of active days that hugged their own quota, over the baseline window. */
  peerHugRates: readonly number[];
}

/**
 * Detector 8 — quota hugging: revealing just under the cap day after day, the signature of someone
 * who knows the limit and takes all it allows. Statistic: hugging days among the last
 * `quotaHugWindowDays` active days against the peers' median hugging rate (floored at 2 %: busy
 * seasons happen), beta-binomial tail, surprise levels as the fraction detectors; at least three
 * hugging days are needed. When the whole group hugs (a peak week), the peer rate rises and nothing
 * fires. Evaluated when a staff-day closes.
 */
export function detectQuotaHugging(
  input: QuotaHuggingInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const recent = input.days.slice(-cfg.quotaHugWindowDays);
  const hugging = recent.filter((r) => hugsQuota(r, input.cap, cfg)).length;
  if (hugging < 3 || input.peerHugRates.length === 0) return null;
  const peerRate = median(input.peerHugRates);
  const s = surprise(betaBinomialTail(hugging, recent.length, Math.max(peerRate, 0.02), cfg.concentration));
  const level = surpriseLevel(s, cfg.surpriseLevels);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  return makeFinding(
    input.at,
    'quota_hugging',
    weight,
    `Revealed at least ${Math.round(cfg.quotaHugFraction * 100)}% of the quota of ${input.cap} on ${hugging} of the last ${recent.length} active days; peers did on ${Math.round(peerRate * 100)}% of days (level ${level}).`,
    {
      level,
      hugging,
      days: recent.length,
      cap: input.cap,
      peerRate: roundTo(peerRate, 3),
      surprise: roundTo(s, 2),
    },
    peerRateComparison(
      input.group,
      'quota_hugging_share',
      hugging / recent.length,
      peerRate,
      medianAbsoluteDeviation(input.peerHugRates, peerRate),
    ),
  );
}
