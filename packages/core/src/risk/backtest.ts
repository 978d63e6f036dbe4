import type { ScoredOrder } from './risk.engine';
import type { RiskDecision } from './scoring';

/**
 * Backtest metrics (ADR 0010). A backtest replays history in time order through a fresh state store
 * — never a random split, which would let the future leak into the features — and compares the
 * decisions with labels where the history has them.
 */
export interface BacktestDecision {
  orderId: string;
  decision: RiskDecision;
  score: number;
  reasons: Array<{ code: string; message: { zh: string; en: string } }>;
}

export interface RuleTally {
  hits: number;
  /** Hits on labelled abusive and labelled honest orders. */
  abusive: number;
  honest: number;
  errors: number;
  mode: 'active' | 'shadow';
}

export interface BacktestMetrics {
  orders: number;
  decisions: Record<RiskDecision, number>;
  labelled: number;
  abusive: number;
  honest: number;
  /** Flagged = review or reject. Precision and recall of flagging, over labelled orders. */
  precision: number | null;
  recall: number | null;
  /** Recall counting rejections only. */
  rejectRecall: number | null;
  /** Share of honest orders rejected, and sent to review. */
  honestRejectRate: number | null;
  honestReviewRate: number | null;
  /** Area under the ROC curve of the score (ties count half). */
  auc: number | null;
  /** Rejections whose reasons give the customer nothing to read (must be 0). */
  rejectionsWithoutReason: number;
  rules: Record<string, RuleTally>;
  /** Recall per labelled pattern, when the history names patterns. */
  patterns: Record<string, { orders: number; flagged: number; rejected: number }>;
}

/** Accumulates metrics one decision at a time, so a million-order backtest needs no second pass. */
export class BacktestTally {
  private readonly m: BacktestMetrics = {
    orders: 0,
    decisions: { accept: 0, review: 0, reject: 0 },
    labelled: 0,
    abusive: 0,
    honest: 0,
    precision: null,
    recall: null,
    rejectRecall: null,
    honestRejectRate: null,
    honestReviewRate: null,
    auc: null,
    rejectionsWithoutReason: 0,
    rules: {},
    patterns: {},
  };
  private tp = 0;
  private fp = 0;
  private rejectedAbusive = 0;
  private rejectedHonest = 0;
  private reviewedHonest = 0;
  /** Score histograms (0–100) of abusive and honest orders, for the AUC. */
  private readonly posScores = new Array<number>(101).fill(0);
  private readonly negScores = new Array<number>(101).fill(0);

  add(scored: ScoredOrder, label: boolean | undefined, pattern?: string): void {
    const v = scored.verdict;
    this.m.orders += 1;
    this.m.decisions[v.decision] += 1;
    if (
      v.decision === 'reject' &&
      !v.reasons.some((r) => r.code !== 'CONTEXT_INCOMPLETE' && r.message.zh && r.message.en)
    ) {
      this.m.rejectionsWithoutReason += 1;
    }
    for (const outcome of v.rules) {
      let tally = this.m.rules[outcome.id];
      if (!tally) {
        tally = { hits: 0, abusive: 0, honest: 0, errors: 0, mode: outcome.mode };
        this.m.rules[outcome.id] = tally;
      }
      if (outcome.result === 'error') {
        tally.errors += 1;
        continue;
      }
      tally.hits += 1;
      if (label === true) tally.abusive += 1;
      else if (label === false) tally.honest += 1;
    }
    const flagged = v.decision !== 'accept';
    if (pattern !== undefined) {
      let p = this.m.patterns[pattern];
      if (!p) {
        p = { orders: 0, flagged: 0, rejected: 0 };
        this.m.patterns[pattern] = p;
      }
      p.orders += 1;
      if (flagged) p.flagged += 1;
      if (v.decision === 'reject') p.rejected += 1;
    }
    if (label === undefined) return;
    this.m.labelled += 1;
    const score = Math.max(0, Math.min(100, Math.round(v.score)));
    if (label) {
      this.m.abusive += 1;
      this.posScores[score] = (this.posScores[score] ?? 0) + 1;
      if (flagged) this.tp += 1;
      if (v.decision === 'reject') this.rejectedAbusive += 1;
    } else {
      this.m.honest += 1;
      this.negScores[score] = (this.negScores[score] ?? 0) + 1;
      if (flagged) this.fp += 1;
      if (v.decision === 'reject') this.rejectedHonest += 1;
      if (v.decision === 'review') this.reviewedHonest += 1;
    }
  }

  result(): BacktestMetrics {
    const m = { ...this.m };
    const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
    m.precision = ratio(this.tp, this.tp + this.fp);
    m.recall = ratio(this.tp, m.abusive);
    m.rejectRecall = ratio(this.rejectedAbusive, m.abusive);
    m.honestRejectRate = ratio(this.rejectedHonest, m.honest);
    m.honestReviewRate = ratio(this.reviewedHonest, m.honest);
    m.auc = aucFromHistograms(this.posScores, this.negScores);
    return m;
  }
}

/** AUC = P(score of a random abusive order > score of a random honest one), ties counting half. */
export function aucFromHistograms(pos: readonly number[], neg: readonly number[]): number | null {
  const nPos = pos.reduce((a, b) => a + b, 0);
  const nNeg = neg.reduce((a, b) => a + b, 0);
  if (nPos === 0 || nNeg === 0) return null;
  let negBelow = 0;
  let wins = 0;
  for (let s = 0; s < Math.max(pos.length, neg.length); s++) {
    const p = pos[s] ?? 0;
    const n = neg[s] ?? 0;
    wins += p * (negBelow + n / 2);
    negBelow += n;
  }
  return wins / (nPos * nNeg);
}

/** Reads a label value: booleans, 0/1, and the words people put in such columns. */
export function labelValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'abusive', 'fraud', 'malicious', 'bad'].includes(v)) return true;
    if (['false', '0', 'no', 'honest', 'legit', 'legitimate', 'good'].includes(v)) return false;
  }
  return undefined;
}

/** The value at a dotted path (`truth.abusive`) of a record. */
export function fieldAt(record: unknown, path: string): unknown {
  let here: unknown = record;
  for (const key of path.split('.')) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}
