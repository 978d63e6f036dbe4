import { type ExportBaseline, MIN_EXPORT_DAYS } from './export-spike.detector';
import { formatCount, makeFinding, peerComparison } from './finding';
import { median, robustSummary } from './robust-stats';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** One approval of someone's export, as the engine saw it at approval time. */
export interface ExportApprovalInput {
  /** Approval time (epoch ms). */
  at: number;
  /** The requester's peer group. */
  group: string;
  requester: string;
  approver: string;
  exportId: string;
  /** Customers the approval fixed (or the request's size when the approval does not say). */
  customers: number;
  /** Time from request to approval; null when the request was not seen. */
  reviewMs: number | null;
  /** The request was made, or the approval given, outside the person's shift. */
  offShift: boolean;
  /** The requester's and the peers' export days, as the export-spike detector sees them. */
  baseline: ExportBaseline;
  /**
   * The requester's exports approved in the last `exportPairDays` before this one, and how many of
   * them this approver approved.
   */
  pair: { exports: number; byApprover: number };
}

export type ExportApprovalFlag = 'rubber_stamp' | 'off_shift' | 'large' | 'same_approver';

/**
 * The size an export is compared with: the median of the requester's own export days, when they have
 * `MIN_EXPORT_DAYS`; else null. Peers are no yardstick here: one analyst's usual report is eight
 * times another's (the export-spike detector compares with peers at download, at robust levels).
 */
export function usualExportSize(b: ExportBaseline): number | null {
  return b.own.length >= MIN_EXPORT_DAYS ? median(b.own) : null;
}

/** The red flags of one approval (see {@link detectExportApproval}). */
export function exportApprovalFlags(input: ExportApprovalInput, cfg: WatchConfig): ExportApprovalFlag[] {
  const flags: ExportApprovalFlag[] = [];
  if (input.customers < cfg.minExportExcess) return flags;
  if (input.reviewMs !== null && input.reviewMs < cfg.rubberStampMs) flags.push('rubber_stamp');
  if (input.offShift) flags.push('off_shift');
  const usual = usualExportSize(input.baseline);
  if (usual !== null && input.customers >= cfg.approvalSizeFactor * Math.max(usual, 1)) flags.push('large');
  const { exports, byApprover } = input.pair;
  if (byApprover >= cfg.pairMinApprovals && byApprover >= 0.75 * exports) flags.push('same_approver');
  return flags;
}

/** The level of an approval from its flags: a rubber stamp is level 2 (3 with company), else 2 or 3 flags are 1 or 2. */
export function exportApprovalLevel(flags: readonly ExportApprovalFlag[]): number {
  const others = flags.filter((f) => f !== 'rubber_stamp').length;
  if (flags.includes('rubber_stamp')) return others > 0 ? 3 : 2;
  return others >= 3 ? 2 : others === 2 ? 1 : 0;
}

/**
 * Detector 13 — export approvals, judged when the second person approves, before anything is
 * downloaded. An approval of at least `minExportExcess` customers is a rubber stamp when it came
 * within `rubberStampMs` of the request (too soon to have read the filter, purpose and recipient):
 * level 2 on its own, 3 with any other flag. The other flags: the request or the approval was off
 * shift; the export is `approvalSizeFactor` times the requester's usual export day or more (their
 * own; see {@link usualExportSize}); the same approver approved at least `pairMinApprovals` and three
 * quarters of the requester's exports of the last `exportPairDays` days. Without a rubber stamp,
 * two flags are level 1 and three are level 2. The finding is the requester's (returned here); the
 * engine charges the approver one level less.
 */
export function detectExportApproval(input: ExportApprovalInput, cfg: WatchConfig): WatchFinding | null {
  const flags = exportApprovalFlags(input, cfg);
  const level = exportApprovalLevel(flags);
  if (level === 0) return null;
  const usual = usualExportSize(input.baseline);
  const review =
    input.reviewMs === null
      ? 'request not seen'
      : `approved ${formatCount(input.reviewMs / 60_000)} min after the request`;
  return makeFinding(
    input.at,
    'export_approval',
    cfg.levelWeights[level - 1] ?? 0,
    `Export ${input.exportId} of ${input.customers} customers requested by ${input.requester}, approved by ${input.approver}: ${review}; usual export day ${usual === null ? 'unknown' : formatCount(usual)}; flags: ${flags.join(', ')} (level ${level}).`,
    {
      level,
      export: input.exportId,
      requester: input.requester,
      approver: input.approver,
      customers: input.customers,
      reviewMinutes: input.reviewMs === null ? null : Math.round(input.reviewMs / 6_000) / 10,
      usual,
      pairExports: input.pair.exports,
      pairByApprover: input.pair.byApprover,
      flags: flags.join(' '),
    },
    peerComparison(input.group, 'customers_per_export', input.customers, robustSummary(input.baseline.peer)),
  );
}
