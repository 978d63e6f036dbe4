import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import { FEATURE_SCHEMA, type Features } from './features';
import { compileRule, defaultRiskRulesPath, loadRuleSet, type RiskRule, RULE_LIMITS } from './rules';
import { scoreFeatures } from './scoring';

const reason = { code: 'TEST_REASON', zh: '测试原因。', en: 'A test reason.' };
const rule = (over: Partial<RiskRule>): RiskRule => ({
  id: 'r',
  version: 1,
  description: 'test',
  expression: 'true',
  action: 'review',
  reason,
  mode: 'active',
  enabled: true,
  ...over,
});

/** Every feature at a neutral value, as the engine would build them for a quiet order. */
function quiet(over: Partial<Features> = {}): Features {
  const f: Features = {};
  for (const d of FEATURE_SCHEMA) {
    f[d.name] = d.type === 'int' ? 0n : d.type === 'double' ? 0 : d.type === 'bool' ? false : [];
  }
  return { ...f, ...over } as Features;
}

function caught(fn: () => unknown): CordonError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CordonError) return error;
    throw error;
  }
  throw new Error('expected a CordonError');
}

describe('compileRule', () => {
  it('points at the line and column of a syntax error', () => {
    const e = caught(() => compileRule(rule({ expression: 'order_qty > 1 &&\n  (has_device ||' })));
    expect(e.code).toBe('CORDON_ERR_RULE_INVALID');
    expect(e.details).toMatchObject({ rule: 'r', line: 2, column: 17 });
  });

  it('names an unknown feature where it stands', () => {
    const e = caught(() => compileRule(rule({ expression: 'order_qty > 1 && device_orders_2h > 3' })));
    expect(e.details).toMatchObject({ line: 1, column: 18 });
    expect(e.message).toContain('device_orders_2h');
  });

  it('refuses a type mismatch and a non-boolean result', () => {
    expect(caught(() => compileRule(rule({ expression: 'order_qty + "x" > 1' }))).code).toBe(
      'CORDON_ERR_RULE_INVALID',
    );
    const e = caught(() => compileRule(rule({ expression: 'order_qty + 1' })));
    expect(e.message).toContain('must give bool');
  });

  it('refuses expressions beyond the size and depth limits', () => {
    const wide = `order_qty ${'+ 1 '.repeat(RULE_LIMITS.maxAstNodes)}> 0`;
    expect(caught(() => compileRule(rule({ expression: wide }))).message).toMatch(/maxAstNodes/u);
    const deep = `${'('.repeat(RULE_LIMITS.maxDepth + 2)}has_ip${')'.repeat(RULE_LIMITS.maxDepth + 2)}`;
    expect(caught(() => compileRule(rule({ expression: deep }))).message).toMatch(/maxDepth/u);
  });

  it('lists the features an expression reads, which become the evidence', () => {
    const c = compileRule(
      rule({ expression: 'device_accounts_24h >= 4 && account_age_days < 7.0 && device_accounts_24h < 99' }),
    );
    expect(c.features).toEqual(['device_accounts_24h', 'account_age_days']);
  });
});

describe('scoreFeatures', () => {
  const set = (rules: RiskRule[], thresholds = { review: 50, reject: 100 }) => ({
    version: 7,
    thresholds,
    rules: rules.map(compileRule),
  });

  it('rejects on a reject rule, reviews on a review rule, and orders reasons by severity', () => {
    const v = scoreFeatures(
      set([
        rule({
          id: 'a',
          expression: 'order_qty >= 5',
          action: 'review',
          reason: { ...reason, code: 'REVIEW_ME' },
        }),
        rule({
          id: 'b',
          expression: 'price_error',
          action: 'reject',
          reason: { ...reason, code: 'REJECT_ME' },
        }),
      ]),
      quiet({ order_qty: 9n, price_error: true }),
    );
    expect(v.decision).toBe('reject');
    expect(v.score).toBe(100);
    expect(v.reasons.map((r) => r.code)).toEqual(['REJECT_ME', 'REVIEW_ME']);
    expect(v.reasons[1]?.evidence).toEqual({ order_qty: 9 });
  });

  it('adds scoring weights against the thresholds', () => {
    const rules = [
      rule({
        id: 'a',
        expression: 'has_device',
        action: 'score',
        weight: 30,
        reason: { ...reason, code: 'A_CODE' },
      }),
      rule({
        id: 'b',
        expression: 'has_ip',
        action: 'score',
        weight: 30,
        reason: { ...reason, code: 'B_CODE' },
      }),
    ];
    expect(scoreFeatures(set(rules), quiet({ has_device: true }))).toMatchObject({
      decision: 'accept',
      score: 30,
      reasons: [],
    });
    expect(scoreFeatures(set(rules), quiet({ has_device: true, has_ip: true }))).toMatchObject({
      decision: 'review',
      score: 60,
    });
    expect(
      scoreFeatures(set(rules, { review: 20, reject: 60 }), quiet({ has_device: true, has_ip: true }))
        .decision,
    ).toBe('reject');
  });

  it('records shadow hits without acting and skips disabled rules', () => {
    const v = scoreFeatures(
      set([
        rule({ id: 's', expression: 'true', action: 'reject', mode: 'shadow' }),
        rule({ id: 'd', expression: 'true', action: 'reject', enabled: false }),
      ]),
      quiet(),
    );
    expect(v).toMatchObject({ decision: 'accept', score: 0, reasons: [] });
    expect(v.rules).toEqual([
      { id: 's', version: 1, action: 'reject', mode: 'shadow', weight: 100, result: 'hit' },
    ]);
  });

  it('skips and reports a rule that fails at run time or overruns its budget; it never blocks', () => {
    const broken = set([
      rule({ id: 'x', expression: '1 / (order_lines - order_lines) > 0', action: 'reject' }),
    ]);
    const v = scoreFeatures(broken, quiet());
    expect(v.decision).toBe('accept');
    expect(v.rules[0]).toMatchObject({ id: 'x', result: 'error', error: 'division by zero' });
    let t = 0;
    const slowClock = () => {
      t += RULE_LIMITS.timeBudgetMs + 1;
      return t;
    };
    const slow = scoreFeatures(
      set([rule({ id: 'y', expression: 'true', action: 'reject' })]),
      quiet(),
      slowClock,
    );
    expect(slow.decision).toBe('accept');
    expect(slow.rules[0]).toMatchObject({ result: 'error', error: expect.stringContaining('time budget') });
  });

  it('says when context was missing', () => {
    const v = scoreFeatures(set([]), quiet({ context_missing: ['device', 'ip'] }));
    expect(v.reasons).toEqual([
      expect.objectContaining({ code: 'CONTEXT_INCOMPLETE', evidence: { missing: ['device', 'ip'] } }),
    ]);
  });
});

describe('the default rule set', () => {
  const set = loadRuleSet(readFileSync(defaultRiskRulesPath, 'utf8'));

  it('compiles, and every rule gives the customer a reason without numbers', () => {
    expect(set.rules.length).toBeGreaterThanOrEqual(10);
    for (const r of set.rules) {
      expect(r.rule.reason.zh).not.toMatch(/[0-9０-９]/u);
      expect(r.rule.reason.en).not.toMatch(/[0-9]/u);
    }
  });

  it('accepts a quiet order and holds a price error for review rather than rejecting it', () => {
    expect(scoreFeatures(set, quiet({ account_age_days: 400 })).decision).toBe('accept');
    expect(scoreFeatures(set, quiet({ account_age_days: 400, price_error: true })).decision).toBe('review');
  });

  it('refuses a rule file with a duplicate id or a bad rule, naming it', () => {
    const dup =
      'rules:\n  - {id: a_rule, description: d, expression: "true", action: review, reason: {code: ABC, zh: 甲, en: a}}\n  - {id: a_rule, description: d, expression: "true", action: review, reason: {code: ABC, zh: 甲, en: a}}\n';
    expect(caught(() => loadRuleSet(dup)).message).toContain('a_rule appears twice');
    const bad =
      'rules:\n  - {id: a_rule, description: d, expression: "order_qty >", action: review, reason: {code: ABC, zh: 甲, en: a}}\n';
    expect(caught(() => loadRuleSet(bad)).details).toMatchObject({ rule: 'a_rule', line: 1 });
  });
});
