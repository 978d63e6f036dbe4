import { formatCount } from './finding';
import { type FractionInput, fractionFinding, judgeFraction } from './fraction';
import type { ShiftSpec } from './shift-clock';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** Where a person's activity stands relative to their shift, carried from event to event. */
export interface ShiftPresence {
  /** Time of the latest event so far. */
  lastTs: number | null;
  /** Whether that event belonged to an off-shift session. */
  lastOff: boolean;
  /** When the current stretch off shift began (null while on shift). */
  offSince: number | null;
}

export const onShiftPresence: ShiftPresence = { lastTs: null, lastOff: false, offSince: null };

/**
 * Whether an event off (or on) shift belongs to an off-shift session, and the presence after it.
 * Work that runs on from the shift (each event within `overtimeGapMs` of the one before, for at
 * most `maxOvertimeMs` after leaving the shift) is overtime: a sale peak's long day is not an
 * anomaly of one person. A session that starts off shift (after a gap: the evening at home, a
 * night) is, and so is everything in it.
 */
export function classifyOffShift(
  onShift: boolean,
  ts: number,
  previous: ShiftPresence,
  cfg: Pick<WatchConfig, 'overtimeGapMs' | 'maxOvertimeMs'>,
): { offSession: boolean; presence: ShiftPresence } {
  const lastTs = previous.lastTs === null ? ts : Math.max(previous.lastTs, ts);
  if (onShift) return { offSession: false, presence: { lastTs, lastOff: false, offSince: null } };
  const offSince = previous.offSince ?? ts;
  const continuing =
    previous.lastTs !== null &&
    !previous.lastOff &&
    Math.abs(ts - previous.lastTs) <= cfg.overtimeGapMs &&
    ts - offSince <= cfg.maxOvertimeMs;
  return { offSession: !continuing, presence: { lastTs, lastOff: !continuing, offSince } };
}

/**
 * Detector 3 — customers touched outside the person's shift. Which accesses are off shift is decided
 * by {@link ShiftClock.onShift} (end < start runs over midnight, start = end is always on, and
 * `shiftSlackMinutes` either side still counts as on shift) and {@link classifyOffShift} (overtime
 * that runs on from the shift does not count). Statistic: the off-shift fraction of the day's
 * customers (a bulk action counts once), tested like the unassigned fraction, so someone who
 * regularly works evenings learns a higher rate and a night-time harvest still stands out.
 */
export function detectOffShift(
  input: FractionInput,
  shift: ShiftSpec,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg);
  if (!v) return null;
  return fractionFinding(
    input,
    v,
    'off_shift_access',
    'off_shift_share',
    `${input.flagged} of ${input.seen} customers in this staff-day were touched outside the shift ${shift.start}-${shift.end} ${shift.tz}; about ${formatCount(v.expected)} expected (level ${v.level}).`,
    {
      offShift: input.flagged,
      customers: input.seen,
      shift: `${shift.start}-${shift.end} ${shift.tz}`,
    },
  );
}
