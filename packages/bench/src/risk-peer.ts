import type { RiskDecision, RuleSet } from '@cordon/core';
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';

/**
 * The peer of the risk bench: Cordon's default rule set (packages/core/risk/default.rules.yaml)
 * translated by hand, rule for rule, into `json-rules-engine` conditions, with the same actions,
 * weights, modes and thresholds, and the same decision procedure as core's `scoreFeatures`. The bench
 * runs both over the same feature records and counts every record where they disagree.
 */

type Action = 'reject' | 'review' | 'score';
type Mode = 'active' | 'shadow';
type Condition = Extract<TopLevelCondition, { all: unknown }>['all'][number];

interface PeerRule {
  id: string;
  action: Action;
  weight: number;
  mode: Mode;
  conditions: TopLevelCondition;
}

const isTrue = (fact: string): Condition => ({ fact, operator: 'equal', value: true });
const atLeast = (fact: string, value: number): Condition => ({
  fact,
  operator: 'greaterThanInclusive',
  value,
});
const under = (fact: string, value: number): Condition => ({ fact, operator: 'lessThan', value });

/** The default rule set, in the YAML's order. Weights left out in the YAML are core's defaults (reject 100, review 50). */
export const PEER_RULES: readonly PeerRule[] = [
  // price_error
  {
    id: 'price_error_hold',
    action: 'review',
    weight: 50,
    mode: 'active',
    conditions: { all: [isTrue('price_error')] },
  },
  // promo_over_account_cap
  {
    id: 'promo_account_cap',
    action: 'reject',
    weight: 100,
    mode: 'active',
    conditions: { all: [isTrue('promo_over_account_cap')] },
  },
  // promo_over_cluster_cap && cluster_accounts >= 3 && cluster_newest_account_days >= 0.0 && cluster_newest_account_days < 30.0
  {
    id: 'promo_cluster_cap_new_accounts',
    action: 'reject',
    weight: 100,
    mode: 'active',
    conditions: {
      all: [
        isTrue('promo_over_cluster_cap'),
        atLeast('cluster_accounts', 3),
        atLeast('cluster_newest_account_days', 0),
        under('cluster_newest_account_days', 30),
      ],
    },
  },
  // promo_over_cluster_cap
  {
    id: 'promo_cluster_cap',
    action: 'review',
    weight: 50,
    mode: 'active',
    conditions: { all: [isTrue('promo_over_cluster_cap')] },
  },
  // promo_over_address_cap && address_accounts_24h < 8
  {
    id: 'promo_address_cap',
    action: 'review',
    weight: 50,
    mode: 'active',
    conditions: { all: [isTrue('promo_over_address_cap'), under('address_accounts_24h', 8)] },
  },
  // coupon_over_cluster_cap
  {
    id: 'coupon_cluster_cap',
    action: 'reject',
    weight: 100,
    mode: 'active',
    conditions: { all: [isTrue('coupon_over_cluster_cap')] },
  },
  // coupon_known && account_age_days >= 0.0 && account_age_days < 7.0 && phone_accounts_24h >= 4
  {
    id: 'coupon_new_accounts_shared_receiver',
    action: 'reject',
    weight: 100,
    mode: 'active',
    conditions: {
      all: [
        isTrue('coupon_known'),
        atLeast('account_age_days', 0),
        under('account_age_days', 7),
        atLeast('phone_accounts_24h', 4),
      ],
    },
  },
  // coupon_known && account_age_days >= 0.0 && account_age_days < 7.0 && address_accounts_24h >= 6
  {
    id: 'coupon_new_accounts_shared_address',
    action: 'review',
    weight: 50,
    mode: 'active',
    conditions: {
      all: [
        isTrue('coupon_known'),
        atLeast('account_age_days', 0),
        under('account_age_days', 7),
        atLeast('address_accounts_24h', 6),
      ],
    },
  },
  // in_promo && device_accounts_24h >= 4 && account_age_days >= 0.0 && account_age_days < 14.0
  {
    id: 'device_many_new_accounts',
    action: 'score',
    weight: 60,
    mode: 'active',
    conditions: {
      all: [
        isTrue('in_promo'),
        atLeast('device_accounts_24h', 4),
        atLeast('account_age_days', 0),
        under('account_age_days', 14),
      ],
    },
  },
  // payment_accounts_24h >= 4
  {
    id: 'payment_many_accounts',
    action: 'score',
    weight: 50,
    mode: 'active',
    conditions: { all: [atLeast('payment_accounts_24h', 4)] },
  },
  // device_orders_1h >= 8
  {
    id: 'device_velocity',
    action: 'score',
    weight: 50,
    mode: 'active',
    conditions: { all: [atLeast('device_orders_1h', 8)] },
  },
  // payment_orders_1h >= 10
  {
    id: 'payment_velocity',
    action: 'score',
    weight: 50,
    mode: 'active',
    conditions: { all: [atLeast('payment_orders_1h', 10)] },
  },
  // has_coupon && cluster_accounts >= 3 && account_age_days >= 0.0 && account_age_days < 14.0
  {
    id: 'new_account_coupon_linked',
    action: 'score',
    weight: 50,
    mode: 'active',
    conditions: {
      all: [
        isTrue('has_coupon'),
        atLeast('cluster_accounts', 3),
        atLeast('account_age_days', 0),
        under('account_age_days', 14),
      ],
    },
  },
  // in_promo && account_age_days >= 0.0 && account_age_days < 3.0
  {
    id: 'new_account_in_promo',
    action: 'score',
    weight: 20,
    mode: 'active',
    conditions: { all: [isTrue('in_promo'), atLeast('account_age_days', 0), under('account_age_days', 3)] },
  },
  // ip24_orders_1m >= 40 (shadow: recorded, never acted on)
  {
    id: 'ip_network_burst',
    action: 'score',
    weight: 30,
    mode: 'shadow',
    conditions: { all: [atLeast('ip24_orders_1m', 40)] },
  },
];

/** The facts the translated rules name: the peer is handed only these (an almanac fact costs a clone and a hash). */
export const PEER_FACTS: readonly string[] = [
  ...new Set(
    PEER_RULES.flatMap((r) => ('all' in r.conditions ? r.conditions.all : [])).flatMap((c) =>
      'fact' in c ? [c.fact] : [],
    ),
  ),
];

/** The default rule set's thresholds. */
export const PEER_THRESHOLDS = { review: 50, reject: 100 } as const;

/** Feature values as the peer sees them: plain JSON (bigints become numbers). */
export type PeerFacts = Record<string, number | boolean | readonly string[]>;

export interface PeerVerdict {
  decision: RiskDecision;
  score: number;
  /** Ids of the rules that hit (active and shadow), sorted. */
  hits: string[];
}

/**
 * Refuses to benchmark against a stale translation: every rule of the loaded set must be translated
 * with its action, weight and mode, and nothing else may be.
 */
export function assertPeerMatches(ruleSet: RuleSet): void {
  const enabled = ruleSet.rules.filter((r) => r.rule.enabled);
  const problems: string[] = [];
  for (const compiled of enabled) {
    const peer = PEER_RULES.find((p) => p.id === compiled.rule.id);
    if (!peer) problems.push(`${compiled.rule.id} is not translated`);
    else if (
      peer.action !== compiled.rule.action ||
      peer.weight !== compiled.weight ||
      peer.mode !== compiled.rule.mode
    )
      problems.push(`${peer.id}: action/weight/mode differ`);
  }
  for (const peer of PEER_RULES) {
    if (!enabled.some((r) => r.rule.id === peer.id)) problems.push(`${peer.id} is not in the rule set`);
  }
  const t = ruleSet.thresholds;
  if (t.review !== PEER_THRESHOLDS.review || t.reject !== PEER_THRESHOLDS.reject)
    problems.push('thresholds differ');
  if (problems.length > 0)
    throw new Error(`risk bench: the json-rules-engine translation is stale: ${problems.join('; ')}`);
}

/** A json-rules-engine Engine holding the translated rules; each rule's event carries its action, weight and mode. */
export function peerEngine(): Engine {
  const rules: RuleProperties[] = PEER_RULES.map((r) => ({
    name: r.id,
    conditions: r.conditions,
    event: { type: r.id, params: { action: r.action, weight: r.weight, mode: r.mode } },
  }));
  return new Engine(rules, { allowUndefinedFacts: false });
}

/** Runs the peer on one record and decides as core's scoreFeatures does (weights summed and capped at 100). */
export async function peerDecide(engine: Engine, facts: PeerFacts): Promise<PeerVerdict> {
  const { events } = await engine.run(facts);
  let score = 0;
  let reject = false;
  let review = false;
  const hits: string[] = [];
  for (const event of events) {
    hits.push(event.type);
    const params = event.params as { action: Action; weight: number; mode: Mode };
    if (params.mode !== 'active') continue;
    score += params.weight;
    if (params.action === 'reject') reject = true;
    else if (params.action === 'review') review = true;
  }
  score = Math.min(100, score);
  const decision: RiskDecision =
    reject || score >= PEER_THRESHOLDS.reject
      ? 'reject'
      : review || score >= PEER_THRESHOLDS.review
        ? 'review'
        : 'accept';
  return { decision, score, hits: hits.sort() };
}
