import { type Features, type FeatureValue, featureJson } from './features';
import { type CompiledRule, RULE_LIMITS, type RuleAction, type RuleSet } from './rules';

export type RiskDecision = 'accept' | 'review' | 'reject';

export interface RiskReason {
  code: string;
  message: { zh: string; en: string };
  /** The feature values the rule looked at (counts and flags, never personal data). */
  evidence: Record<string, number | boolean | string[]>;
}

export interface RuleOutcome {
  id: string;
  version: number;
  action: RuleAction;
  mode: 'active' | 'shadow';
  weight: number;
  /** `hit`: the rule matched. `error`: it failed or overran its budget and was skipped. */
  result: 'hit' | 'error';
  error?: string;
}

export interface RiskVerdict {
  decision: RiskDecision;
  score: number;
  reasons: RiskReason[];
  /** Rules that hit (active and shadow) or errored; rules that simply did not match are not listed. */
  rules: RuleOutcome[];
}

/** Said whenever a context field is missing: the decision rests on fewer signals. */
export const CONTEXT_INCOMPLETE_REASON = {
  code: 'CONTEXT_INCOMPLETE',
  message: {
    zh: '部分下单环境信息缺失，本次评估依据的信息较少。',
    en: 'Some checkout details were not available, so this assessment used fewer signals.',
  },
} as const;

const ACTION_RANK: Record<RuleAction, number> = { reject: 0, review: 1, score: 2 };

function evidenceOf(rule: CompiledRule, features: Features): RiskReason['evidence'] {
  const out: RiskReason['evidence'] = {};
  for (const name of rule.features) {
    const value: FeatureValue | undefined = features[name];
    if (value !== undefined) out[name] = featureJson(value);
  }
  return out;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? 'error').slice(0, 200);
}

/**
 * Evaluates a compiled rule set over one order's features. Pure apart from the timer, which only
 * decides whether an evaluation overran its budget.
 */
export function scoreFeatures(
  ruleSet: RuleSet,
  features: Features,
  timer: () => number = () => performance.now(),
): RiskVerdict {
  const outcomes: RuleOutcome[] = [];
  const hits: CompiledRule[] = [];
  let score = 0;
  for (const compiled of ruleSet.rules) {
    const { rule } = compiled;
    if (!rule.enabled) continue;
    const base = {
      id: rule.id,
      version: rule.version,
      action: rule.action,
      mode: rule.mode,
      weight: compiled.weight,
    };
    let value: unknown;
    const started = timer();
    try {
      value = compiled.evaluate(features);
    } catch (error) {
      outcomes.push({ ...base, result: 'error', error: describe(error) });
      continue;
    }
    if (timer() - started > RULE_LIMITS.timeBudgetMs) {
      outcomes.push({
        ...base,
        result: 'error',
        error: `exceeded the ${RULE_LIMITS.timeBudgetMs} ms time budget`,
      });
      continue;
    }
    if (value !== true) continue;
    outcomes.push({ ...base, result: 'hit' });
    if (rule.mode === 'active') {
      hits.push(compiled);
      score += compiled.weight;
    }
  }
  score = Math.min(100, score);
  let decision: RiskDecision = 'accept';
  if (hits.some((h) => h.rule.action === 'reject') || score >= ruleSet.thresholds.reject) decision = 'reject';
  else if (hits.some((h) => h.rule.action === 'review') || score >= ruleSet.thresholds.review)
    decision = 'review';
  hits.sort((a, b) => ACTION_RANK[a.rule.action] - ACTION_RANK[b.rule.action] || b.weight - a.weight);
  const reasons: RiskReason[] = [];
  const codes = new Set<string>();
  for (const hit of hits) {
    // A scoring rule that did not move the decision is still a reason when the score did.
    if (hit.rule.action === 'score' && decision === 'accept') continue;
    if (codes.has(hit.rule.reason.code)) continue;
    codes.add(hit.rule.reason.code);
    reasons.push({
      code: hit.rule.reason.code,
      message: { zh: hit.rule.reason.zh, en: hit.rule.reason.en },
      evidence: evidenceOf(hit, features),
    });
  }
  const missing = features.context_missing;
  if (Array.isArray(missing) && missing.length > 0) {
    reasons.push({ ...CONTEXT_INCOMPLETE_REASON, evidence: { missing: [...missing] } });
  }
  return { decision, score, reasons, rules: outcomes };
}
