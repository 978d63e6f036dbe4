import { z } from 'zod';
import { entryFor, type LedgerEntryInput } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import { toValidationError } from '../vault/interchange';
import { containsPersonalNumber } from '../vault/pii-validators';
import { FEATURE_SCHEMA, type FeatureDeclaration, priceBookOf, riskKeyFn } from './features';
import { type Promotion, promotionSchema } from './promotion';
import { RiskEngine, type ScoredOrder } from './risk.engine';
import type { RiskAppealRow, RiskDecisionRow, RiskLabelRow, RiskRuleLogRow } from './risk.ports';
import type { RiskStateStore } from './risk-state.ports';
import {
  compileRule,
  DEFAULT_THRESHOLDS,
  loadRuleSet,
  parseRuleBody,
  type RiskRule,
  type RuleBody,
  type RuleSet,
  ruleIdSchema,
  type Thresholds,
  thresholdsSchema,
} from './rules';
import { parseScoreInput } from './score-input';
import { CONTEXT_INCOMPLETE_REASON, type RiskDecision, type RiskReason, type RuleOutcome } from './scoring';

export const THRESHOLDS_ID = '@thresholds';
const REVIEWER_ROLES = new Set(['analyst', 'security_admin', 'support_lead', 'dpo']);

export interface RiskServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  store: RiskStateStore;
  riskKey: Uint8Array;
  /** Text of the rule set installed when the database has none (the shipped default). */
  defaultRules: string;
  /** Days a customer has to appeal a rejection. */
  appealDays: number;
}

/** The API's answer for one order. */
export interface ScoreResult {
  orderId: string;
  decision: RiskDecision;
  score: number;
  reasons: RiskReason[];
  rules: RuleOutcome[];
  rulesetVersion: number;
}

/** What the customer is told: the outcome in plain words, no score, no thresholds, no evidence. */
export interface CustomerExplanation {
  orderId: string;
  status: 'accepted' | 'under_review' | 'rejected';
  explanation: { zh: string[]; en: string[] };
  decidedAt: string;
  appeal:
    | { state: 'not_applicable' }
    | { state: 'available'; deadline: string }
    | { state: 'expired'; deadline: string }
    | { state: 'open'; filedAt: string }
    | { state: 'decided'; outcome: 'upheld' | 'overturned'; reason: string; decidedAt: string };
}

const reviewSchema = z.strictObject({
  outcome: z.enum(['accept', 'reject']),
  reason: z.string().trim().min(3).max(500),
});
const appealSchema = z.strictObject({ statement: z.string().trim().min(1).max(1000) });
const appealDecisionSchema = z.strictObject({
  outcome: z.enum(['upheld', 'overturned']),
  /** Shown to the customer. */
  reason: z.string().trim().min(3).max(500),
});
const listPricesSchema = z.strictObject({
  prices: z
    .array(
      z.strictObject({
        sku: z.string().min(1).max(64),
        listPrice: z.number().positive().max(100_000_000),
      }),
    )
    .min(1)
    .max(10_000),
});

function parseWith<T>(schema: z.ZodType<T>, input: unknown, where: { index?: number } = {}): T {
  const result = schema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, where);
  return result.data;
}

function freeText(text: string, field: string): string {
  if (containsPersonalNumber(text)) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `${field} must not contain phone, ID or card numbers; describe the situation without them.`,
      { field },
    );
  }
  return text;
}

/**
 * Malicious-order scoring with reasons, and the people around it: rule authors, reviewers and the
 * customers who appeal. Every decision, rule change, review and appeal is ledgered.
 */
export class RiskService {
  private engine: RiskEngine | undefined;
  private loaded: string | undefined;
  private checkedAt = 0;
  private refreshing: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  /** Stored rules that no longer compile (e.g. a feature retired by an upgrade): left out, and listed. */
  private broken: Array<{ id: string; version: number; error: string }> = [];
  constructor(private readonly deps: RiskServiceDeps) {}

  /** Loads rules, promotions and prices; installs the default rule set into an empty database. */
  async start(): Promise<void> {
    const empty = await this.deps.uow.read((repos) => repos.risk.ruleSetVersion());
    if (empty === 0) await this.installRuleSet(this.deps.defaultRules, 'system:default');
    await this.reload();
  }

  private async installRuleSet(text: string, by: string): Promise<void> {
    const set = loadRuleSet(text);
    const now = this.deps.clock.now();
    await this.deps.uow.run(async (repos) => {
      if ((await repos.risk.ruleSetVersion()) > 0) return;
      await repos.risk.appendRule({
        ruleId: THRESHOLDS_ID,
        version: 1,
        body: set.thresholds,
        changedAt: now,
        changedBy: by,
      });
      for (const compiled of set.rules) {
        const { id, version: _v, ...body } = compiled.rule;
        await repos.risk.appendRule({ ruleId: id, version: 1, body, changedAt: now, changedBy: by });
      }
    });
  }

  private async reload(): Promise<void> {
    const { rules, version, promotions, prices, marker } = await this.deps.uow.read(async (repos) => ({
      marker: await repos.risk.configVersion(),
      rules: await repos.risk.currentRules(),
      version: await repos.risk.ruleSetVersion(),
      promotions: await repos.risk.promotions(),
      prices: await repos.risk.listPrices(),
    }));
    const ruleSet = this.ruleSetFrom(rules, version);
    const promos = promotions.map((p) => promotionSchema.parse(p.body));
    if (this.engine) {
      this.engine.setRuleSet(ruleSet);
      this.engine.setPromotions(promos);
      this.engine.setPrices(priceBookOf(prices));
    } else {
      this.engine = new RiskEngine({
        store: this.deps.store,
        key: riskKeyFn(this.deps.riskKey),
        ruleSet,
        promotions: promos,
        prices: priceBookOf(prices),
      });
    }
    this.loaded = marker;
    this.checkedAt = this.deps.clock.now().getTime();
  }

  private ruleSetFrom(rows: readonly RiskRuleLogRow[], version: number): RuleSet {
    let thresholds: Thresholds = DEFAULT_THRESHOLDS;
    const rules = [];
    const broken: Array<{ id: string; version: number; error: string }> = [];
    for (const row of rows) {
      if (row.ruleId === THRESHOLDS_ID) {
        thresholds = thresholdsSchema.parse(row.body);
        continue;
      }
      // Stored rules were checked when written; a rule that no longer compiles (a feature retired
      // in an upgrade) is left out and reported by listRules rather than stopping scoring.
      try {
        rules.push(
          compileRule({ id: row.ruleId, version: row.version, ...parseRuleBody(row.body, row.ruleId) }),
        );
      } catch (error) {
        broken.push({
          id: row.ruleId,
          version: row.version,
          error: error instanceof Error ? error.message : 'invalid',
        });
      }
    }
    this.broken = broken;
    rules.sort((a, b) => a.rule.id.localeCompare(b.rule.id));
    return { version, thresholds, rules };
  }

  /** Picks up rule, promotion and price changes made by other processes, at most once a second. */
  private async current(): Promise<RiskEngine> {
    await this.ensureStarted();
    const now = this.deps.clock.now().getTime();
    if (now - this.checkedAt > 1000 && !this.refreshing) {
      this.checkedAt = now;
      this.refreshing = (async () => {
        const marker = await this.deps.uow.read((repos) => repos.risk.configVersion());
        if (marker !== this.loaded) await this.reload();
      })()
        // A failed refresh keeps the configuration in force and is tried again a second later;
        // scoring never waits for it and never fails because of it.
        .catch(() => {})
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.engine as RiskEngine;
  }

  private async refreshNow(): Promise<void> {
    await this.ensureStarted();
    await this.reload();
  }

  private ensureStarted(): Promise<void> {
    this.started ??= this.start().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  /** Scores orders, stores and ledgers each decision, and answers once they are committed. */
  async score(ctx: RequestContext, input: unknown): Promise<{ batch: boolean; results: ScoreResult[] }> {
    this.requireScope(ctx, 'risk:score');
    const { batch, requests } = parseScoreInput(input);
    const engine = await this.current();
    const scored = await engine.scoreMany(requests);
    const results = await this.record(ctx, scored, engine.rules.version);
    return { batch, results };
  }

  private async record(ctx: RequestContext, scored: ScoredOrder[], version: number): Promise<ScoreResult[]> {
    const now = this.deps.clock.now();
    const rows: RiskDecisionRow[] = [];
    const entries: LedgerEntryInput[] = [];
    const results: ScoreResult[] = [];
    for (const s of scored) {
      const { order, context } = s.request;
      const v = s.verdict;
      rows.push({
        orderId: order.id,
        account: context.account,
        customerId: order.customerId,
        orderTime: new Date(order.createdAt),
        decidedAt: now,
        decision: v.decision,
        score: v.score,
        reasons: v.reasons,
        rules: v.rules,
        rulesetVersion: version,
        requestedBy: ctx.actor.id,
      });
      entries.push(
        entryFor(ctx, now, 'risk_decision', {
          customerIds: [order.customerId],
          orderIds: [order.id],
          fields: ['receiver.phone', 'receiver.address'],
          detail: {
            decision: v.decision,
            score: v.score,
            rulesetVersion: version,
            hits: v.rules
              .filter((r) => r.result === 'hit')
              .map((r) => (r.mode === 'shadow' ? `${r.id}(shadow)` : r.id))
              .join(' '),
          },
        }),
      );
      results.push({
        orderId: order.id,
        decision: v.decision,
        score: v.score,
        reasons: v.reasons,
        rules: v.rules,
        rulesetVersion: version,
      });
    }
    // Answered only once the decisions and their entries have committed (group commit, ADR 0010, 0015).
    await this.deps.uow.journal({ riskDecisions: rows }, entries);
    return results;
  }

  private requireScope(ctx: RequestContext, scope: string): void {
    if (ctx.actor.type === 'apikey' && (ctx.scopes.includes(scope) || ctx.scopes.includes('admin'))) return;
    if (ctx.actor.type === 'system') return;
    throw new CordonError('CORDON_ERR_FORBIDDEN', `This needs an API key with the ${scope} scope.`, {
      scope,
    });
  }

  private requireReviewer(ctx: RequestContext): void {
    if (ctx.actor.type === 'staff' && REVIEWER_ROLES.has(ctx.actor.role)) return;
    if (ctx.actor.type === 'apikey' && (ctx.scopes.includes('risk:review') || ctx.scopes.includes('admin')))
      return;
    throw new CordonError(
      'CORDON_ERR_FORBIDDEN',
      'Reviewing risk decisions is for analysts, security admins, support leads and DPOs (or an API key with risk:review).',
    );
  }

  private requireRuleAdmin(ctx: RequestContext): void {
    if (ctx.actor.type === 'staff' && (ctx.actor.role === 'security_admin' || ctx.actor.role === 'analyst'))
      return;
    this.requireScope(ctx, 'risk:admin');
  }

  // ---- rules -------------------------------------------------------------------------------

  features(): readonly FeatureDeclaration[] {
    return FEATURE_SCHEMA;
  }

  async listRules(ctx: RequestContext): Promise<{
    version: number;
    thresholds: Thresholds;
    rules: RiskRule[];
    broken: Array<{ id: string; version: number; error: string }>;
  }> {
    this.requireRuleAdmin(ctx);
    // An administrator reads what is stored now, not what this process last loaded.
    await this.refreshNow();
    const set = (this.engine as RiskEngine).rules;
    return {
      version: set.version,
      thresholds: set.thresholds,
      rules: set.rules.map((r) => r.rule),
      broken: this.broken,
    };
  }

  async ruleHistory(ctx: RequestContext, ruleId: string): Promise<RiskRuleLogRow[]> {
    this.requireRuleAdmin(ctx);
    const id = parseWith(ruleIdSchema, ruleId);
    const rows = await this.deps.uow.read((repos) => repos.risk.ruleHistory(id));
    if (rows.length === 0) throw new CordonError('CORDON_ERR_NOT_FOUND', `No rule ${id}.`, { rule: id });
    return rows;
  }

  /** Creates or changes a rule (a new version); `dryRun` only checks it. */
  async putRule(
    ctx: RequestContext,
    ruleId: string,
    input: unknown,
    dryRun = false,
  ): Promise<{ rule: RiskRule; rulesetVersion: number; dryRun: boolean }> {
    this.requireRuleAdmin(ctx);
    const id = parseWith(ruleIdSchema, ruleId);
    const body: RuleBody = parseRuleBody(input, id);
    const compiled = compileRule({ id, version: 0, ...body });
    if (dryRun) return { rule: compiled.rule, rulesetVersion: 0, dryRun };
    const now = this.deps.clock.now();
    const saved = await this.deps.uow.run(async (repos) => {
      const history = await repos.risk.ruleHistory(id);
      const version = (history.at(-1)?.version ?? 0) + 1;
      const row = await repos.risk.appendRule({
        ruleId: id,
        version,
        body,
        changedAt: now,
        changedBy: ctx.actor.id,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_rule_change', {
          detail: { rule: id, version, action: body.action, mode: body.mode, enabled: body.enabled },
        }),
      ]);
      return row;
    });
    await this.refreshNow();
    return { rule: { id, version: saved.version, ...body }, rulesetVersion: saved.seq, dryRun };
  }

  async putThresholds(ctx: RequestContext, input: unknown): Promise<Thresholds & { rulesetVersion: number }> {
    this.requireRuleAdmin(ctx);
    const thresholds = parseWith(thresholdsSchema, input);
    const now = this.deps.clock.now();
    const row = await this.deps.uow.run(async (repos) => {
      const history = await repos.risk.ruleHistory(THRESHOLDS_ID);
      const version = (history.at(-1)?.version ?? 0) + 1;
      const saved = await repos.risk.appendRule({
        ruleId: THRESHOLDS_ID,
        version,
        body: thresholds,
        changedAt: now,
        changedBy: ctx.actor.id,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_rule_change', {
          detail: { rule: THRESHOLDS_ID, version, review: thresholds.review, reject: thresholds.reject },
        }),
      ]);
      return saved;
    });
    await this.refreshNow();
    return { ...thresholds, rulesetVersion: row.seq };
  }

  // ---- promotions and prices ---------------------------------------------------------------

  async listPromotions(ctx: RequestContext): Promise<Promotion[]> {
    this.requireRuleAdmin(ctx);
    const rows = await this.deps.uow.read((repos) => repos.risk.promotions());
    return rows.map((r) => promotionSchema.parse(r.body));
  }

  async putPromotion(
    ctx: RequestContext,
    promotionId: string,
    input: unknown,
  ): Promise<Promotion & { version: number }> {
    this.requireRuleAdmin(ctx);
    const promotion = parseWith(promotionSchema, input);
    if (promotion.id !== promotionId) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'id: must equal the promotion id in the path.', {
        field: 'id',
      });
    }
    const now = this.deps.clock.now();
    const version = await this.deps.uow.run(async (repos) => {
      const existing = (await repos.risk.promotions()).find((p) => p.id === promotion.id);
      const next = (existing?.version ?? 0) + 1;
      await repos.risk.upsertPromotion({
        id: promotion.id,
        version: next,
        body: promotion,
        changedAt: now,
        changedBy: ctx.actor.id,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_promotion_change', { detail: { promotion: promotion.id, version: next } }),
      ]);
      return next;
    });
    await this.refreshNow();
    return { ...promotion, version };
  }

  async putListPrices(ctx: RequestContext, input: unknown): Promise<{ updated: number }> {
    this.requireRuleAdmin(ctx);
    const { prices } = parseWith(listPricesSchema, input);
    const now = this.deps.clock.now();
    await this.deps.uow.run(async (repos) => {
      await repos.risk.upsertListPrices(prices);
      await repos.meta.set('risk_prices_at', now.toISOString());
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_promotion_change', { detail: { listPrices: prices.length } }),
      ]);
    });
    await this.refreshNow();
    return { updated: prices.length };
  }

  // ---- review ------------------------------------------------------------------------------

  async pendingReviews(
    ctx: RequestContext,
    options: { limit?: number; after?: string },
  ): Promise<{ items: RiskDecisionRow[]; next: string | null }> {
    this.requireReviewer(ctx);
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    let after: { orderTime: Date; orderId: string } | undefined;
    if (options.after) {
      const [time, ...rest] = options.after.split('|');
      const at = new Date(time ?? '');
      if (Number.isNaN(at.getTime()) || rest.length === 0) {
        throw new CordonError(
          'CORDON_ERR_VALIDATION',
          'after: pass the `next` cursor of the previous page.',
          {
            field: 'after',
          },
        );
      }
      after = { orderTime: at, orderId: rest.join('|') };
    }
    const items = await this.deps.uow.read((repos) => repos.risk.pendingReviews(limit + 1, after));
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page,
      next: items.length > limit && last ? `${last.orderTime.toISOString()}|${last.orderId}` : null,
    };
  }

  async decideReview(
    ctx: RequestContext,
    orderId: string,
    input: unknown,
  ): Promise<{ orderId: string; outcome: string }> {
    this.requireReviewer(ctx);
    const body = parseWith(reviewSchema, input);
    freeText(body.reason, 'reason');
    const now = this.deps.clock.now();
    await this.deps.uow.run(async (repos) => {
      const decision = await repos.risk.findDecision(orderId);
      if (!decision) throw new CordonError('CORDON_ERR_NOT_FOUND', `No risk decision for order ${orderId}.`);
      if (decision.decision !== 'review') {
        throw new CordonError(
          'CORDON_ERR_INVALID_STATE',
          `Order ${orderId} was ${decision.decision}ed, not sent to review.`,
        );
      }
      const inserted = await repos.risk.insertReview({
        orderId,
        reviewer: ctx.actor.id,
        outcome: body.outcome,
        reason: body.reason,
        decidedAt: now,
      });
      if (!inserted)
        throw new CordonError('CORDON_ERR_INVALID_STATE', `Order ${orderId} has already been reviewed.`);
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_review', {
          orderIds: [orderId],
          customerIds: [decision.customerId],
          detail: { outcome: body.outcome },
        }),
      ]);
    });
    return { orderId, outcome: body.outcome };
  }

  // ---- the customer's side -----------------------------------------------------------------

  private async finalState(orderId: string) {
    return this.deps.uow.read(async (repos) => {
      const decision = await repos.risk.findDecision(orderId);
      if (!decision) throw new CordonError('CORDON_ERR_NOT_FOUND', `No risk decision for order ${orderId}.`);
      const review = await repos.risk.findReview(orderId);
      const appeal = await repos.risk.findAppeal(orderId);
      return { decision, review, appeal };
    });
  }

  private rejectedAt(
    decision: RiskDecisionRow,
    review: { outcome: string; decidedAt: Date } | undefined,
  ): Date | null {
    if (decision.decision === 'reject') return decision.decidedAt;
    if (decision.decision === 'review' && review?.outcome === 'reject') return review.decidedAt;
    return null;
  }

  /** The plain-words explanation the shop shows the customer (no score, thresholds or evidence). */
  async explain(ctx: RequestContext, orderId: string): Promise<CustomerExplanation> {
    this.requireScope(ctx, 'risk:customer');
    const { decision, review, appeal } = await this.finalState(orderId);
    const reasons = decision.reasons.filter((r) => r.code !== CONTEXT_INCOMPLETE_REASON.code);
    const rejectedAt = this.rejectedAt(decision, review);
    let status: CustomerExplanation['status'] =
      decision.decision === 'accept' || review?.outcome === 'accept'
        ? 'accepted'
        : rejectedAt
          ? 'rejected'
          : 'under_review';
    if (appeal?.status === 'overturned') status = 'accepted';
    const zh: string[] = [];
    const en: string[] = [];
    if (status === 'accepted') {
      zh.push('您的订单已通过下单安全检查。');
      en.push('Your order passed our checkout checks.');
    } else if (status === 'under_review') {
      zh.push('您的订单正在人工核实中，核实完成后会通知您。原因：');
      en.push('A person is checking your order and you will be told the outcome. Why:');
      for (const r of reasons) {
        zh.push(r.message.zh);
        en.push(r.message.en);
      }
    } else {
      zh.push('您的订单未通过下单安全检查。原因：');
      en.push('Your order did not pass our checkout checks. Why:');
      for (const r of reasons) {
        zh.push(r.message.zh);
        en.push(r.message.en);
      }
      if (review) {
        zh.push('该结果已经人工复核。');
        en.push('A person has reviewed this outcome.');
      }
    }
    let appealView: CustomerExplanation['appeal'] = { state: 'not_applicable' };
    if (appeal && appeal.status !== 'open' && appeal.decidedAt) {
      appealView = {
        state: 'decided',
        outcome: appeal.status,
        reason: appeal.outcomeReason ?? '',
        decidedAt: appeal.decidedAt.toISOString(),
      };
    } else if (appeal) {
      appealView = { state: 'open', filedAt: appeal.filedAt.toISOString() };
    } else if (rejectedAt) {
      const deadline = new Date(rejectedAt.getTime() + this.deps.appealDays * 86_400_000);
      appealView =
        deadline > this.deps.clock.now()
          ? { state: 'available', deadline: deadline.toISOString() }
          : { state: 'expired', deadline: deadline.toISOString() };
    }
    return {
      orderId,
      status,
      explanation: { zh, en },
      decidedAt: (review?.decidedAt ?? decision.decidedAt).toISOString(),
      appeal: appealView,
    };
  }

  /** The customer appeals a rejection (through the shop) within the appeal window. */
  async fileAppeal(
    ctx: RequestContext,
    orderId: string,
    input: unknown,
  ): Promise<{ orderId: string; status: 'open' }> {
    this.requireScope(ctx, 'risk:customer');
    const body = parseWith(appealSchema, input);
    freeText(body.statement, 'statement');
    const now = this.deps.clock.now();
    await this.deps.uow.run(async (repos) => {
      const decision = await repos.risk.findDecision(orderId);
      if (!decision) throw new CordonError('CORDON_ERR_NOT_FOUND', `No risk decision for order ${orderId}.`);
      const rejectedAt = this.rejectedAt(decision, await repos.risk.findReview(orderId));
      if (!rejectedAt) {
        throw new CordonError(
          'CORDON_ERR_INVALID_STATE',
          `Order ${orderId} was not rejected; there is nothing to appeal.`,
        );
      }
      if (now.getTime() > rejectedAt.getTime() + this.deps.appealDays * 86_400_000) {
        throw new CordonError(
          'CORDON_ERR_APPEAL_CLOSED',
          `The ${this.deps.appealDays}-day appeal window for order ${orderId} has passed.`,
        );
      }
      const inserted = await repos.risk.insertAppeal({
        orderId,
        filedAt: now,
        statement: body.statement,
        status: 'open',
        decidedBy: null,
        decidedAt: null,
        outcomeReason: null,
      });
      if (!inserted)
        throw new CordonError('CORDON_ERR_APPEAL_CLOSED', `Order ${orderId} has already been appealed.`);
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_appeal', {
          orderIds: [orderId],
          customerIds: [decision.customerId],
          detail: { step: 'filed' },
        }),
      ]);
    });
    return { orderId, status: 'open' };
  }

  /**
   * Open appeals for reviewers. A statement is the customer's own words and may name people or
   * places, so the list is a recorded read: one `risk_appeal` entry (step `listed`) naming every order
   * and customer shown (never the text), committed before the list is returned. It is part of the
   * appeal workflow, not a read of customer records, so watch does not count it as exposure.
   */
  async openAppeals(ctx: RequestContext, limit = 50): Promise<RiskAppealRow[]> {
    this.requireReviewer(ctx);
    const bounded = Math.min(Math.max(limit, 1), 500);
    return this.deps.uow.recorded(async (repos) => {
      const rows = await repos.risk.openAppeals(bounded);
      const appeals = rows.map(({ customerId: _customerId, ...appeal }) => appeal);
      if (rows.length === 0) return { result: appeals, entries: [] };
      const customerIds = [...new Set(rows.flatMap((r) => (r.customerId ? [r.customerId] : [])))];
      return {
        result: appeals,
        entries: [
          entryFor(ctx, this.deps.clock.now(), 'risk_appeal', {
            customerIds,
            orderIds: rows.map((r) => r.orderId),
            fields: ['appeal.statement'],
            detail: { step: 'listed' },
          }),
        ],
      };
    });
  }

  /** A reviewer decides an appeal; the one who reviewed the order cannot decide its appeal. */
  async decideAppeal(
    ctx: RequestContext,
    orderId: string,
    input: unknown,
  ): Promise<{ orderId: string; outcome: string }> {
    this.requireReviewer(ctx);
    const body = parseWith(appealDecisionSchema, input);
    freeText(body.reason, 'reason');
    const now = this.deps.clock.now();
    await this.deps.uow.run(async (repos) => {
      const appeal = await repos.risk.findAppeal(orderId);
      if (!appeal) throw new CordonError('CORDON_ERR_NOT_FOUND', `No appeal for order ${orderId}.`);
      const review = await repos.risk.findReview(orderId);
      if (review && review.reviewer === ctx.actor.id) {
        throw new CordonError(
          'CORDON_ERR_SELF_APPROVAL',
          'You reviewed this order; a second person must decide its appeal.',
        );
      }
      const done = await repos.risk.decideAppeal(orderId, {
        status: body.outcome,
        decidedBy: ctx.actor.id,
        decidedAt: now,
        outcomeReason: body.reason,
      });
      if (!done)
        throw new CordonError(
          'CORDON_ERR_INVALID_STATE',
          `The appeal for order ${orderId} is already decided.`,
        );
      const decision = await repos.risk.findDecision(orderId);
      await repos.ledger.append([
        entryFor(ctx, now, 'risk_appeal', {
          orderIds: [orderId],
          customerIds: decision ? [decision.customerId] : [],
          detail: { step: 'decided', outcome: body.outcome },
        }),
      ]);
    });
    return { orderId, outcome: body.outcome };
  }

  /** People's decisions as labels for backtests (decided appeals override reviews). */
  async labels(ctx: RequestContext, options: { limit?: number; after?: string }): Promise<RiskLabelRow[]> {
    this.requireReviewer(ctx);
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 10_000);
    return this.deps.uow.read((repos) => repos.risk.labels(limit, options.after));
  }
}
