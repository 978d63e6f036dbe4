import type { StaffRole } from '../access/staff';
import { CordonError } from '../shared/errors';
import type { WatchSeverity } from './watch-alert';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Everything watch can be tuned with. The defaults are statements of principle rather than fits to
 * one data set: evidence levels are tail probabilities (10⁻⁴, 10⁻⁷, 10⁻¹²) and robust z-scores
 * (5, 8, 14) far beyond what a few hundred people produce by chance over months, effect-size floors
 * keep a spike material as well as improbable, and the alert needs either one strong finding or
 * several weaker ones.
 */
export interface WatchConfig {
  /** A staff-day is closed when the watermark passes its end plus this (late events). */
  graceMs: number;
  /** Minutes either side of a shift still counted as on shift. */
  shiftSlackMinutes: number;
  /**
   * Work that runs on from the shift with no gap longer than this is overtime, not an off-shift
   * session (a sale peak's long day); a session that starts off shift is what counts.
   */
  overtimeGapMs: number;
  /** Overtime ends this long after the person went off shift; later accesses count as off shift. */
  maxOvertimeMs: number;
  /** A ticket covers access from this long before it was opened … */
  ticketBeforeMs: number;
  /** … to this long after it was closed (follow-ups). */
  ticketAfterMs: number;
  /** A delivery covers access this long either side of its window. */
  deliverySlackMs: number;
  /** A delivered order with no known delivery window counts as delivered this long after it was placed. */
  assumeDeliveredMs: number;
  /** Closed staff-days kept as the baseline (own and peer). */
  historyDays: number;
  /** Active days before a person's own baseline counts; until then peers alone set it (new hires). */
  minOwnDays: number;
  /** Peer-days before a peer baseline counts (cold start: detectors that need one stay quiet). */
  minPeerDays: number;
  /** A role-and-team group with fewer other members falls back to the role. */
  minPeers: number;
  /** Weight, in customers, of the peer rate against a person's own history (empirical-Bayes prior). */
  priorStrength: number;
  /**
   * Beta-binomial concentration floor: how much a flagged fraction may vary between days at least.
   * Each metric's own concentration is estimated from the peers' dispersion and never set below this.
   */
  concentration: number;
  /** Ceiling of the estimated concentration (a group with no excess variation). */
  maxConcentration: number;
  /**
   * Minimum evidence: a fraction test needs at least this many flagged customers (or bulk actions)
   * in the day (window) before it can reach any level, however improbable fewer would be for someone
   * who rarely touches customers at all.
   */
  minEvidence: number;
  /** −log10 tail probabilities for levels 1, 2, 3 of the fraction tests. */
  surpriseLevels: [number, number, number];
  /** Robust z for levels 1, 2, 3 of the count tests (must exceed both own and peer). */
  zLevels: [number, number, number];
  /** Score added by a finding of level 1, 2, 3. */
  levelWeights: [number, number, number];
  /** Volume must exceed the baseline median by at least this many customers. */
  minVolumeExcess: number;
  /**
   * An export day must exceed the baseline median by at least this many customers; with no export
   * history to compare with, this, 5× and 25× it are the three levels.
   */
  minExportExcess: number;
  /**
   * A person's own export sizes are judged against their export days from more than this many days
   * ago (up to `exportMemoryDays`), so a ramp that grows a little with every export cannot drag its
   * own yardstick along; until there are three such days, the recent ones serve.
   */
  exportLagDays: number;
  exportMemoryDays: number;
  /**
   * An export approval this soon after its request is a rubber stamp (too soon to have read the
   * filter, purpose and recipient); see the export-approval detector.
   */
  rubberStampMs: number;
  /** An approved export this many times the requester's usual export day (own, else peers') is large. */
  approvalSizeFactor: number;
  /** Days over which the same approver approving a requester's exports is counted. */
  exportPairDays: number;
  /** Approvals of one requester's exports by one approver (and ¾ of them) before the pair is a flag. */
  pairMinApprovals: number;
  /**
   * Customers in a staff-day reached naming one of one's own tickets about someone else, at which the
   * cover-reference detector reaches levels 1, 2, 3.
   */
  coverLevels: [number, number, number];
  /**
   * Paid-but-undelivered orders, not the person's, revealed or exported in a staff-day through a
   * channel nobody in the peer group used in a mature history, at which the undelivered-order
   * detector's new-channel test reaches levels 1, 2, 3.
   */
  novelChannelLevels: [number, number, number];
  /** Devices or networks in a day must exceed the baseline median by at least this many. */
  minDeviceExcess: number;
  /** A device or network first seen within this many days is new (see isNovelSession). */
  novelDays: number;
  /** Two accesses from different networks (/16) within this window are a hop. */
  hopWindowMs: number;
  /** A search is followed up when one of its customers is worked on within this window. */
  followUpMs: number;
  /**
   * A search is also left without follow-up once the person has worked on this many other customers
   * (none of its results) since it: they moved on. 0: only `followUpMs` counts.
   */
  abandonAfterCustomers: number;
  /** Customer ids within this numeric distance of one of the last few touched count as enumerated. */
  enumerationDistance: number;
  /** Score half-life. */
  halfLifeMs: number;
  /**
   * Scores at which an alert reaches each severity: one level-2 finding (3) is low, one level-3
   * finding (6) medium, two or more high, a departed account's activity (16) critical. Each is a
   * little under the round number so that the decay between findings minutes apart does not drop
   * a level.
   */
  severityScores: Record<WatchSeverity, number>;
  /** With no finding for this long, the next finding opens a new episode (and may alert again). */
  quietMs: number;
  /** Evidence lines kept per alert (the latest). */
  evidenceCap: number;
  /** Reveal quota (distinct customers / 24 h) by role; a staff record's `revealQuota` overrides. */
  revealQuota: Partial<Record<StaffRole, number>>;
  /** A day with reveals at or above this fraction of the quota (and within it) hugs the quota. */
  quotaHugFraction: number;
  /** Days looked back for quota hugging. */
  quotaHugWindowDays: number;
  /** Days of cumulative exposure compared with peers (low and slow). */
  lowAndSlowDays: number;
  /** Active days within the window before the cumulative comparison counts. */
  lowAndSlowMinDays: number;
}

export const defaultWatchConfig: Readonly<WatchConfig> = Object.freeze({
  graceMs: 2 * HOUR,
  shiftSlackMinutes: 60,
  overtimeGapMs: 60 * MIN,
  maxOvertimeMs: 3 * HOUR,
  ticketBeforeMs: 2 * HOUR,
  ticketAfterMs: 3 * DAY,
  deliverySlackMs: 12 * HOUR,
  assumeDeliveredMs: 5 * DAY,
  historyDays: 28,
  minOwnDays: 5,
  minPeerDays: 10,
  minPeers: 4,
  priorStrength: 200,
  concentration: 40,
  maxConcentration: 1000,
  minEvidence: 3,
  surpriseLevels: [4, 7, 12],
  zLevels: [5, 8, 14],
  levelWeights: [1, 3, 6],
  minVolumeExcess: 25,
  minExportExcess: 200,
  rubberStampMs: 10 * MIN,
  approvalSizeFactor: 2,
  exportPairDays: 30,
  pairMinApprovals: 3,
  coverLevels: [1, 2, 4],
  novelChannelLevels: [1, 3, 10],
  minDeviceExcess: 2,
  exportLagDays: 14,
  exportMemoryDays: 120,
  novelDays: 7,
  hopWindowMs: 10 * MIN,
  followUpMs: 30 * MIN,
  abandonAfterCustomers: 2,
  enumerationDistance: 3,
  halfLifeMs: 3 * DAY,
  severityScores: { low: 2.8, medium: 5.6, high: 9.5, critical: 15 },
  quietMs: 7 * DAY,
  evidenceCap: 50,
  revealQuota: { support_agent: 40, support_lead: 60, courier: 150, dpo: 100 },
  quotaHugFraction: 0.85,
  quotaHugWindowDays: 7,
  lowAndSlowDays: 30,
  lowAndSlowMinDays: 10,
}) as Readonly<WatchConfig>;

/** The defaults with `overrides` applied, checked; a bad value fails fast with CORDON_ERR_CONFIG. */
export function resolveWatchConfig(overrides: Partial<WatchConfig> = {}): WatchConfig {
  const c: WatchConfig = {
    ...defaultWatchConfig,
    ...overrides,
    severityScores: { ...defaultWatchConfig.severityScores, ...overrides.severityScores },
    revealQuota: { ...defaultWatchConfig.revealQuota, ...overrides.revealQuota },
  };
  const bad = (field: string, why: string): never => {
    throw new CordonError('CORDON_ERR_CONFIG', `watch config ${field}: ${why}.`, { field });
  };
  for (const key of [
    'graceMs',
    'ticketBeforeMs',
    'ticketAfterMs',
    'deliverySlackMs',
    'assumeDeliveredMs',
    'hopWindowMs',
    'overtimeGapMs',
    'maxOvertimeMs',
    'followUpMs',
    'halfLifeMs',
    'quietMs',
    'rubberStampMs',
  ] as const) {
    if (!Number.isFinite(c[key]) || c[key] < 0) bad(key, 'must be a non-negative number of milliseconds');
  }
  for (const key of [
    'historyDays',
    'minOwnDays',
    'minPeerDays',
    'minPeers',
    'evidenceCap',
    'quotaHugWindowDays',
    'lowAndSlowDays',
    'lowAndSlowMinDays',
    'shiftSlackMinutes',
    'enumerationDistance',
    'novelDays',
    'minEvidence',
    'exportLagDays',
    'exportMemoryDays',
    'exportPairDays',
    'pairMinApprovals',
    'abandonAfterCustomers',
  ] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 0) bad(key, 'must be a whole number ≥ 0');
  }
  if (c.historyDays < 1 || c.lowAndSlowDays < 1) bad('historyDays', 'must be at least 1');
  if (!(c.halfLifeMs > 0)) bad('halfLifeMs', 'must be positive');
  if (!(c.priorStrength > 0) || !(c.concentration > 0))
    bad('priorStrength', 'priorStrength and concentration must be positive');
  for (const key of [
    'surpriseLevels',
    'zLevels',
    'levelWeights',
    'coverLevels',
    'novelChannelLevels',
  ] as const) {
    const v = c[key];
    if (
      v.length !== 3 ||
      !v.every((x, i) => Number.isFinite(x) && x > 0 && (i === 0 || x >= (v[i - 1] ?? 0)))
    )
      bad(key, 'must be three positive, non-decreasing numbers');
  }
  const s = c.severityScores;
  if (!(s.low > 0 && s.medium >= s.low && s.high >= s.medium && s.critical >= s.high))
    bad('severityScores', 'must be positive and non-decreasing from low to critical');
  if (!(c.approvalSizeFactor >= 1)) bad('approvalSizeFactor', 'must be at least 1');
  if (!(c.quotaHugFraction > 0 && c.quotaHugFraction <= 1)) bad('quotaHugFraction', 'must be in (0, 1]');
  return c;
}
