import type {
  RiskAppealRow,
  RiskDecisionRow,
  RiskLabelRow,
  RiskPromotionRow,
  RiskRepository,
  RiskReviewRow,
  RiskRuleLogRow,
} from '@cordon/core';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Schema } from './schema';

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function toDecision(r: Selectable<Schema['risk_decisions']>): RiskDecisionRow {
  return {
    orderId: r.order_id,
    account: r.account,
    customerId: r.customer_id,
    orderTime: r.order_time,
    decidedAt: r.decided_at,
    decision: r.decision as RiskDecisionRow['decision'],
    score: r.score,
    reasons: json(r.reasons) as RiskDecisionRow['reasons'],
    rules: json(r.rules) as RiskDecisionRow['rules'],
    rulesetVersion: r.ruleset_version,
    requestedBy: r.requested_by,
  };
}

/**
 * One statement that stores risk decisions, one row per order, each column as one array parameter
 * (the text is the same for any number of rows, so it is prepared once). Only the rows for which
 * `gate` holds are written (the group commit passes "the ledger append happened", ADR 0015). A
 * decision a person has reviewed or a customer has appealed stays as it was. The rows must name
 * distinct orders: PostgreSQL refuses to update one row twice in a statement.
 */
export function decisionsUpsert(
  rows: readonly RiskDecisionRow[],
  gate: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`
    insert into risk_decisions (order_id, account, customer_id, order_time, decided_at, decision, score,
                                reasons, rules, ruleset_version, requested_by)
    select u.order_id, u.account, u.customer_id, u.order_time, u.decided_at, u.decision, u.score,
           u.reasons::jsonb, u.rules::jsonb, u.ruleset_version, u.requested_by
    from unnest(${rows.map((r) => r.orderId)}::text[], ${rows.map((r) => r.account)}::text[],
                ${rows.map((r) => r.customerId)}::text[],
                ${rows.map((r) => r.orderTime.toISOString())}::timestamptz[],
                ${rows.map((r) => r.decidedAt.toISOString())}::timestamptz[],
                ${rows.map((r) => r.decision)}::text[], ${rows.map((r) => r.score)}::int[],
                ${rows.map((r) => JSON.stringify(r.reasons))}::text[],
                ${rows.map((r) => JSON.stringify(r.rules))}::text[],
                ${rows.map((r) => r.rulesetVersion)}::int[], ${rows.map((r) => r.requestedBy)}::text[])
      as u(order_id, account, customer_id, order_time, decided_at, decision, score, reasons, rules,
           ruleset_version, requested_by)
    where ${gate}
    on conflict (order_id) do update set
      account = excluded.account, customer_id = excluded.customer_id, order_time = excluded.order_time,
      decided_at = excluded.decided_at, decision = excluded.decision, score = excluded.score,
      reasons = excluded.reasons, rules = excluded.rules, ruleset_version = excluded.ruleset_version,
      requested_by = excluded.requested_by
    where not exists (select 1 from risk_reviews v where v.order_id = risk_decisions.order_id)
      and not exists (select 1 from risk_appeals a where a.order_id = risk_decisions.order_id)`;
}

function toRule(r: Selectable<Schema['risk_rule_log']>): RiskRuleLogRow {
  return {
    seq: Number(r.seq),
    ruleId: r.rule_id,
    version: r.version,
    body: json(r.body),
    changedAt: r.changed_at,
    changedBy: r.changed_by,
  };
}

function toAppeal(r: Selectable<Schema['risk_appeals']>): RiskAppealRow {
  return {
    orderId: r.order_id,
    filedAt: r.filed_at,
    statement: r.statement,
    status: r.status as RiskAppealRow['status'],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    outcomeReason: r.outcome_reason,
  };
}

/** Risk decisions, reviews, appeals, the rule log, promotions and list prices. */
export class KyselyRiskRepository implements RiskRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async upsertDecisions(rows: readonly RiskDecisionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await decisionsUpsert(rows, sql`true`).execute(this.db);
  }

  async findDecision(orderId: string): Promise<RiskDecisionRow | undefined> {
    const row = await this.db
      .selectFrom('risk_decisions')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return row ? toDecision(row) : undefined;
  }

  async pendingReviews(
    limit: number,
    after?: { orderTime: Date; orderId: string },
  ): Promise<RiskDecisionRow[]> {
    let q = this.db
      .selectFrom('risk_decisions as d')
      .selectAll('d')
      .where('d.decision', '=', 'review')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('risk_reviews as r').select('r.order_id').whereRef('r.order_id', '=', 'd.order_id'),
          ),
        ),
      );
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('d.order_time', '>', after.orderTime),
          eb.and([eb('d.order_time', '=', after.orderTime), eb('d.order_id', '>', after.orderId)]),
        ]),
      );
    }
    const rows = await q.orderBy('d.order_time').orderBy('d.order_id').limit(limit).execute();
    return rows.map(toDecision);
  }

  async findReview(orderId: string): Promise<RiskReviewRow | undefined> {
    const r = await this.db
      .selectFrom('risk_reviews')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return r
      ? {
          orderId: r.order_id,
          reviewer: r.reviewer,
          outcome: r.outcome as RiskReviewRow['outcome'],
          reason: r.reason,
          decidedAt: r.decided_at,
        }
      : undefined;
  }

  async insertReview(row: RiskReviewRow): Promise<boolean> {
    const result = await this.db
      .insertInto('risk_reviews')
      .values({
        order_id: row.orderId,
        reviewer: row.reviewer,
        outcome: row.outcome,
        reason: row.reason,
        decided_at: row.decidedAt,
      })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findAppeal(orderId: string): Promise<RiskAppealRow | undefined> {
    const r = await this.db
      .selectFrom('risk_appeals')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return r ? toAppeal(r) : undefined;
  }

  async insertAppeal(row: RiskAppealRow): Promise<boolean> {
    const result = await this.db
      .insertInto('risk_appeals')
      .values({
        order_id: row.orderId,
        filed_at: row.filedAt,
        statement: row.statement,
        status: row.status,
        decided_by: row.decidedBy,
        decided_at: row.decidedAt,
        outcome_reason: row.outcomeReason,
      })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async decideAppeal(
    orderId: string,
    d: Pick<RiskAppealRow, 'status' | 'decidedBy' | 'decidedAt' | 'outcomeReason'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('risk_appeals')
      .set({
        status: d.status,
        decided_by: d.decidedBy,
        decided_at: d.decidedAt,
        outcome_reason: d.outcomeReason,
      })
      .where('order_id', '=', orderId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async openAppeals(limit: number): Promise<Array<RiskAppealRow & { customerId: string | null }>> {
    const rows = await this.db
      .selectFrom('risk_appeals as a')
      .leftJoin('risk_decisions as d', 'd.order_id', 'a.order_id')
      .selectAll('a')
      .select('d.customer_id')
      .where('a.status', '=', 'open')
      .orderBy('a.filed_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toAppeal(r), customerId: r.customer_id }));
  }

  async labels(limit: number, afterOrderId?: string): Promise<RiskLabelRow[]> {
    const rows = await sql<{ order_id: string; abusive: boolean; source: string; decided_at: Date }>`
      select order_id, abusive, source, decided_at from (
        select a.order_id, a.status = 'upheld' as abusive, 'appeal' as source, a.decided_at
          from risk_appeals a where a.status <> 'open'
        union all
        select r.order_id, r.outcome = 'reject' as abusive, 'review' as source, r.decided_at
          from risk_reviews r
          where not exists (select 1 from risk_appeals a where a.order_id = r.order_id and a.status <> 'open')
      ) labels
      where ${afterOrderId ?? null}::text is null or order_id > ${afterOrderId ?? null}::text
      order by order_id
      limit ${limit}`.execute(this.db);
    return rows.rows.map((r) => ({
      orderId: r.order_id,
      abusive: r.abusive,
      source: r.source as RiskLabelRow['source'],
      decidedAt: new Date(r.decided_at),
    }));
  }

  async currentRules(): Promise<RiskRuleLogRow[]> {
    const rows = await this.db
      .selectFrom('risk_rule_log as l')
      .selectAll('l')
      .where(({ eb, selectFrom }) =>
        eb(
          'l.version',
          '=',
          selectFrom('risk_rule_log as m')
            .select((m) => m.fn.max('m.version').as('v'))
            .whereRef('m.rule_id', '=', 'l.rule_id'),
        ),
      )
      .orderBy('l.rule_id')
      .execute();
    return rows.map(toRule);
  }

  async ruleHistory(ruleId: string): Promise<RiskRuleLogRow[]> {
    const rows = await this.db
      .selectFrom('risk_rule_log')
      .selectAll()
      .where('rule_id', '=', ruleId)
      .orderBy('version')
      .execute();
    return rows.map(toRule);
  }

  async appendRule(row: Omit<RiskRuleLogRow, 'seq'>): Promise<RiskRuleLogRow> {
    const inserted = await this.db
      .insertInto('risk_rule_log')
      .values({
        rule_id: row.ruleId,
        version: row.version,
        body: JSON.stringify(row.body),
        changed_at: row.changedAt,
        changed_by: row.changedBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRule(inserted);
  }

  async ruleSetVersion(): Promise<number> {
    const row = await this.db
      .selectFrom('risk_rule_log')
      .select((eb) => eb.fn.max('seq').as('v'))
      .executeTakeFirst();
    return Number(row?.v ?? 0);
  }

  async promotions(): Promise<RiskPromotionRow[]> {
    const rows = await this.db.selectFrom('risk_promotions').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      version: r.version,
      body: json(r.body),
      changedAt: r.changed_at,
      changedBy: r.changed_by,
    }));
  }

  async upsertPromotion(row: RiskPromotionRow): Promise<void> {
    await this.db
      .insertInto('risk_promotions')
      .values({
        id: row.id,
        version: row.version,
        body: JSON.stringify(row.body),
        changed_at: row.changedAt,
        changed_by: row.changedBy,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          body: eb.ref('excluded.body'),
          changed_at: eb.ref('excluded.changed_at'),
          changed_by: eb.ref('excluded.changed_by'),
        })),
      )
      .execute();
  }

  async listPrices(): Promise<Array<{ sku: string; listPrice: number }>> {
    const rows = await this.db.selectFrom('risk_list_prices').selectAll().execute();
    return rows.map((r) => ({ sku: r.sku, listPrice: Number(r.list_price) }));
  }

  async upsertListPrices(rows: ReadonlyArray<{ sku: string; listPrice: number }>): Promise<void> {
    const unique = [...new Map(rows.map((r) => [r.sku, r])).values()];
    for (let i = 0; i < unique.length; i += 2000) {
      await this.db
        .insertInto('risk_list_prices')
        .values(unique.slice(i, i + 2000).map((r) => ({ sku: r.sku, list_price: r.listPrice })))
        .onConflict((oc) =>
          oc.column('sku').doUpdateSet((eb) => ({ list_price: eb.ref('excluded.list_price') })),
        )
        .execute();
    }
  }

  async configVersion(): Promise<string> {
    const row = await sql<{ rules: string | null; promos: string | null; prices: string | null }>`
      select (select max(seq)::text from risk_rule_log) as rules,
             (select max(changed_at)::text || ':' || count(*)::text from risk_promotions) as promos,
             (select value from cordon_meta where key = 'risk_prices_at') as prices`.execute(this.db);
    const r = row.rows[0];
    return `${r?.rules ?? 0}|${r?.promos ?? ''}|${r?.prices ?? ''}`;
  }
}
