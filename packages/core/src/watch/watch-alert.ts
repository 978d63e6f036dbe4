import type { WatchAction } from './event';

/** Alert severities, lowest first; containment acts on a configurable minimum. */
export const watchSeverities = ['low', 'medium', 'high', 'critical'] as const;
export type WatchSeverity = (typeof watchSeverities)[number];

/** 0 for low … 3 for critical. */
export function severityRank(severity: WatchSeverity): number {
  return watchSeverities.indexOf(severity);
}

/** Why a score rose. Codes are stable; messages are English and carry ids and counts only, never PII. */
export const watchReasonCodes = [
  'volume_spike',
  'unassigned_access',
  'off_shift_access',
  'inactive_account',
  'unknown_account',
  'shared_account',
  'concurrent_locations',
  'search_sweep',
  'id_enumeration',
  'export_spike',
  'export_approval',
  'cover_reference',
  'quota_hugging',
  'undelivered_orders',
  'low_and_slow',
  'unusual_channel',
] as const;
export type WatchReasonCode = (typeof watchReasonCodes)[number];

export type WatchDetail = Record<string, number | string | boolean | null>;

export interface WatchReason {
  code: WatchReasonCode;
  message: string;
  /** What this reason added to the score (several findings of one code are summed). */
  weight: number;
  detail: WatchDetail;
}

/** How the person compares with their peer group on the metric that weighed most. */
export interface WatchPeerComparison {
  group: string;
  metric: string;
  value: number;
  median: number;
  mad: number;
  /** (value − median) / (1.4826 × MAD), with the scale floored as in {@link robustSummary}. */
  robustZ: number;
}

/** One event of the evidence timeline; `ledgerSeq` lets the caller attach an inclusion proof. */
export interface WatchEvidence {
  ts: string;
  action: WatchAction;
  /** Customers the event touched (a count; never the ids, so an alert can travel without PII). */
  customers: number;
  system: string;
  ledgerSeq?: number;
  line?: number;
  /** Which checks flagged the event (e.g. `unassigned`, `off_shift`). */
  flags: string[];
}

export interface WatchAlert {
  /** Deterministic: the same events and configuration give the same ids. */
  id: string;
  actor: string;
  /** ISO time of the finding that raised the alert (event time, not wall-clock time). */
  at: string;
  severity: WatchSeverity;
  score: number;
  reasons: WatchReason[];
  peer: WatchPeerComparison | null;
  evidence: WatchEvidence[];
}

/** What a detector reports: a reason with its weight, optionally a peer comparison and a severity floor. */
export interface WatchFinding {
  /** Epoch ms: the event that crossed the line, or the close of the staff-day that did. */
  at: number;
  reason: WatchReason;
  peer: WatchPeerComparison | null;
  /** The alert is at least this severe whatever the score (activity on a departed account is critical). */
  floor?: WatchSeverity | undefined;
}
