import type { OrderInput } from '../vault/interchange';
import {
  buildFeatures,
  type Features,
  type OrderFacts,
  orderFacts,
  type PriceBook,
  type RiskKeyFn,
} from './features';
import type { Promotion, RiskContext } from './promotion';
import type { RiskObservation, RiskObservationResult, RiskStateStore } from './risk-state.ports';
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
  /** Build every declared feature, not only those the rules read (backtests and benchmarks that export them). */
  allFeatures?: boolean;
}

interface PendingObservation {
  observations: RiskObservation[];
  resolve: (results: RiskObservationResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The scoring pipeline: order → pseudonymised observation → state store (velocity, clusters,
 * promotion counters) → features → rules → verdict. Holds no storage of its own; the service swaps
 * rule sets and promotions in when they change.
 *
 * Concurrent requests' observations are sent to the store together (one `observeMany` per turn of
 * the event loop), so a shared Redis store sees one pipeline instead of one round trip per order.
 */
export class RiskEngine {
  private ruleSet: RuleSet;
  private needed: ReadonlySet<string> | undefined;
  private promotions: readonly Promotion[];
  private prices: PriceBook;
  private pending: PendingObservation[] = [];

  constructor(private readonly deps: RiskEngineDeps) {
    this.ruleSet = deps.ruleSet;
    this.needed = this.neededFeatures(deps.ruleSet);
    this.promotions = deps.promotions;
    this.prices = deps.prices;
  }

  get rules(): RuleSet {
    return this.ruleSet;
  }

  setRuleSet(ruleSet: RuleSet): void {
    this.ruleSet = ruleSet;
    this.needed = this.neededFeatures(ruleSet);
  }

  setPromotions(promotions: readonly Promotion[]): void {
    this.promotions = promotions;
  }

  setPrices(prices: PriceBook): void {
    this.prices = prices;
  }

  private neededFeatures(ruleSet: RuleSet): ReadonlySet<string> | undefined {
    if (this.deps.allFeatures) return undefined;
    const needed = new Set<string>(['context_missing']);
    for (const r of ruleSet.rules) for (const f of r.features) needed.add(f);
    return needed;
  }

  /** Scores orders in the given order (their state updates apply one after another). */
  async scoreMany(requests: readonly ScoreRequest[]): Promise<ScoredOrder[]> {
    const facts = requests.map((r) =>
      orderFacts(r.order, r.context, this.promotions, this.prices, this.deps.key),
    );
    const states = await this.observe(facts.map((f) => f.observation));
    const ruleSet = this.ruleSet;
    const needed = this.needed;
    return requests.map((request, i) => {
      const features = buildFeatures(
        request.order,
        facts[i] as OrderFacts,
        states[i] as RiskObservationResult,
        needed,
      );
      return { request, features, verdict: scoreFeatures(ruleSet, features, this.deps.timer) };
    });
  }

  private observe(observations: RiskObservation[]): Promise<RiskObservationResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ observations, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const all = batch.flatMap((p) => p.observations);
    try {
      const results = await this.deps.store.observeMany(all);
      let at = 0;
      for (const p of batch) {
        p.resolve(results.slice(at, at + p.observations.length));
        at += p.observations.length;
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
