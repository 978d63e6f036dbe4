import type { OrderInput } from '../vault/interchange';
import { buildFeatures, type Features, orderFacts, type PriceBook, type RiskKeyFn } from './features';
import type { Promotion, RiskContext } from './promotion';
import type { RiskStateStore } from './risk-state.ports';
import type { RuleSet } from './rules';
import { type RiskVerdict, scoreFeatures } from './scoring';

export interface ScoreRequest {
  order: OrderInput;
  context: RiskContext;
}

export interface ScoredOrder {
  request: ScoreRequest;
  features: Features;
  verdict: RiskVerdict;
}

export interface RiskEngineDeps {
  store: RiskStateStore;
  key: RiskKeyFn;
  ruleSet: RuleSet;
  promotions: readonly Promotion[];
  prices: PriceBook;
  timer?: () => number;
}

/**
 * The scoring pipeline: order → pseudonymised observation → state store (velocity, clusters,
 * promotion counters) → features → rules → verdict. Holds no storage of its own; the service swaps
 * rule sets and promotions in when they change.
 */
export class RiskEngine {
  private ruleSet: RuleSet;
  private promotions: readonly Promotion[];
  private prices: PriceBook;

  constructor(private readonly deps: RiskEngineDeps) {
    this.ruleSet = deps.ruleSet;
    this.promotions = deps.promotions;
    this.prices = deps.prices;
  }

  get rules(): RuleSet {
    return this.ruleSet;
  }

  setRuleSet(ruleSet: RuleSet): void {
    this.ruleSet = ruleSet;
  }

  setPromotions(promotions: readonly Promotion[]): void {
    this.promotions = promotions;
  }

  setPrices(prices: PriceBook): void {
    this.prices = prices;
  }

  async score(request: ScoreRequest): Promise<ScoredOrder> {
    const [one] = await this.scoreMany([request]);
    return one as ScoredOrder;
  }

  /** Scores orders in the given order (their state updates apply one after another). */
  async scoreMany(requests: readonly ScoreRequest[]): Promise<ScoredOrder[]> {
    const facts = requests.map((r) =>
      orderFacts(r.order, r.context, this.promotions, this.prices, this.deps.key),
    );
    const states =
      facts.length === 1
        ? [await this.deps.store.observe((facts[0] as (typeof facts)[number]).observation)]
        : await this.deps.store.observeMany(facts.map((f) => f.observation));
    const ruleSet = this.ruleSet;
    return requests.map((request, i) => {
      const features = buildFeatures(
        request.order,
        facts[i] as (typeof facts)[number],
        states[i] as (typeof states)[number],
      );
      return { request, features, verdict: scoreFeatures(ruleSet, features, this.deps.timer) };
    });
  }
}
