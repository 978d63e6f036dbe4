import type { RiskDecision, RiskReason, RuleOutcome } from './scoring';

/** A stored decision: ids, verdict and evidence (counts and flags) — never the receiver's details. */
export interface RiskDecisionRow {
  orderId: string;
  account: string;
  customerId: string;
  orderTime: Date;
  decidedAt: Date;
  decision: RiskDecision;
  score: number;
  reasons: RiskReason[];
  rules: RuleOutcome[];
  rulesetVersion: number;
  /** Who asked for the score (API key id). */
  requestedBy: string;
}

export interface RiskReviewRow {
  orderId: string;
  reviewer: string;
  outcome: 'accept' | 'reject';
  reason: string;
  decidedAt: Date;
}

export interface RiskAppealRow {
  orderId: string;
  filedAt: Date;
  statement: string;
  status: 'open' | 'upheld' | 'overturned';
  decidedBy: string | null;
  decidedAt: Date | null;
  /** The reviewer's reason, shown to the customer. */
  outcomeReason: string | null;
}

export interface RiskRuleLogRow {
  seq: number;
  ruleId: string;
  version: number;
  body: unknown;
  changedAt: Date;
  changedBy: string;
}

export interface RiskPromotionRow {
  id: string;
  version: number;
  body: unknown;
  changedAt: Date;
  changedBy: string;
}

export interface RiskLabelRow {
  orderId: string;
  abusive: boolean;
  source: 'review' | 'appeal';
  decidedAt: Date;
}

/** Decisions, reviews, appeals, the rule log, promotions and list prices. Holds no rules of its own. */
export interface RiskRepository {
  /** Stores decisions, one row per order (distinct order ids); a reviewed or appealed decision stays as it was. */
  upsertDecisions(rows: readonly RiskDecisionRow[]): Promise<void>;
  findDecision(orderId: string): Promise<RiskDecisionRow | undefined>;
  /** Decisions awaiting review (decision `review`, no review yet), oldest first, after the given order time/id. */
  pendingReviews(limit: number, after?: { orderTime: Date; orderId: string }): Promise<RiskDecisionRow[]>;
  findReview(orderId: string): Promise<RiskReviewRow | undefined>;
  insertReview(row: RiskReviewRow): Promise<boolean>;
  findAppeal(orderId: string): Promise<RiskAppealRow | undefined>;
  insertAppeal(row: RiskAppealRow): Promise<boolean>;
  /** Decides an open appeal; false when it was not open. */
  decideAppeal(
    orderId: string,
    decision: Pick<RiskAppealRow, 'status' | 'decidedBy' | 'decidedAt' | 'outcomeReason'>,
  ): Promise<boolean>;
  /** Open appeals, oldest first, each with the customer of its order (for the reviewer's ledger entry). */
  openAppeals(limit: number): Promise<Array<RiskAppealRow & { customerId: string | null }>>;
  /** Labels from people's decisions: decided appeals and reviews, in decision order. */
  labels(limit: number, afterOrderId?: string): Promise<RiskLabelRow[]>;
  /** The latest version of every rule (and of the thresholds, id `@thresholds`). */
  currentRules(): Promise<RiskRuleLogRow[]>;
  ruleHistory(ruleId: string): Promise<RiskRuleLogRow[]>;
  /** Appends a rule version; the caller computed `version` as the previous one plus one. */
  appendRule(row: Omit<RiskRuleLogRow, 'seq'>): Promise<RiskRuleLogRow>;
  /** The newest change sequence number: the rule set's version (0 when empty). */
  ruleSetVersion(): Promise<number>;
  promotions(): Promise<RiskPromotionRow[]>;
  upsertPromotion(row: RiskPromotionRow): Promise<void>;
  listPrices(): Promise<Array<{ sku: string; listPrice: number }>>;
  upsertListPrices(rows: ReadonlyArray<{ sku: string; listPrice: number }>): Promise<void>;
  /** Cheap change marker for multi-process refresh: rule set version and promotions/prices version. */
  configVersion(): Promise<string>;
}
