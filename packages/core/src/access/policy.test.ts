import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, exampleRequest, type Policy } from './policy';
import { defaultPolicyPath, policyFromText } from './policy-file';

const text = readFileSync(defaultPolicyPath, 'utf8');
const policy = policyFromText(text, 'default.policy.yaml');

function expectInvalid(source: string, pattern: RegExp) {
  try {
    policyFromText(source, 'p.yaml');
  } catch (error) {
    expect((error as { code: string }).code).toBe('CORDON_ERR_POLICY_INVALID');
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('policy was accepted');
}

describe('default policy', () => {
  it('loads, and every rule carries a test table', () => {
    expect(policy.rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of policy.rules) expect(rule.examples.length).toBeGreaterThan(0);
  });

  // The examples in the file are the test tables; parsePolicy ran them. Run them here again, one
  // test per example, so a failure names the rule and case in the test report.
  for (const rule of policy.rules) {
    describe(rule.id, () => {
      rule.examples.forEach((example, i) => {
        it(`${i + 1}. ${example.name ?? JSON.stringify(example.given)} → ${example.expect}`, () => {
          const decision = evaluatePolicy(policy, exampleRequest(rule, example));
          expect(decision.allowed ? 'allow' : decision.code).toBe(example.expect);
        });
      });
    });
  }

  it('denies every action to a departed account before reading any rule', () => {
    const rule = policy.rules[0];
    if (!rule) throw new Error('no rules');
    for (const action of ['view_masked', 'reveal', 'search', 'manage_staff'] as const) {
      const req = exampleRequest(rule, {
        given: { role: 'security_admin', status: 'departed', action },
        expect: 'x',
      });
      const d = evaluatePolicy(policy, req);
      expect(d).toMatchObject({ allowed: false, code: 'CORDON_ERR_ACCOUNT_INACTIVE' });
    }
  });

  it('analysts are never granted any plaintext action', () => {
    const rule = policy.rules[0];
    if (!rule) throw new Error('no rules');
    for (const action of ['reveal', 'break_glass', 'view_masked', 'search', 'print_waybill'] as const) {
      const req = exampleRequest(rule, {
        given: {
          role: 'analyst',
          action,
          purpose: 'analytics',
          fields: ['phone'],
          justification: 'x'.repeat(40),
        },
        expect: 'x',
      });
      expect(evaluatePolicy(policy, req).allowed).toBe(false);
    }
  });

  it('reports the denial of the rule the request got furthest in, with the rule id', () => {
    const rule = policy.rules.find((r) => r.id === 'support-reveal') as Policy['rules'][number];
    const req = exampleRequest(rule, {
      given: {
        purpose: 'customer_support',
        reference: 'T-1',
        fields: ['phone'],
        ticket: { assignee: 'other', status: 'open', customer: 'target' },
      },
      expect: 'x',
    });
    expect(evaluatePolicy(policy, req)).toMatchObject({
      allowed: false,
      code: 'CORDON_ERR_NO_ASSIGNMENT',
      ruleId: 'support-reveal',
      message: 'Ticket T-1 is assigned to someone else.',
    });
  });
});

describe('policy validation', () => {
  const minimal = (rules: string) => `version: 1
limits:
  reveal_customers_per_24h: {}
  searches_per_minute: {}
  break_glass_per_24h: {}
rules:
${rules}`;

  it('names the line and path of an unknown role', () => {
    expectInvalid(
      minimal(`  - id: r
    description: d
    roles: [janitor]
    actions: [reveal]
    examples: [{ given: {}, expect: allow }]`),
      /p\.yaml:9: rules\[0\]\.roles\[0\]/,
    );
  });

  it('refuses an unknown condition', () => {
    expectInvalid(
      minimal(`  - id: r
    description: d
    roles: [dpo]
    actions: [reveal]
    when: { mood: happy }
    examples: [{ given: {}, expect: allow }]`),
      /rules\[0\]\.when.*unknown key mood/,
    );
  });

  it('refuses a rule without examples', () => {
    expectInvalid(
      minimal(`  - id: r
    description: d
    roles: [dpo]
    actions: [reveal]
    examples: []`),
      /test table/,
    );
  });

  it('refuses a policy whose example does not hold, saying what it got', () => {
    expectInvalid(
      minimal(`  - id: r
    description: d
    roles: [dpo]
    actions: [reveal]
    when: { purpose: [data_subject_request] }
    examples: [{ name: wrong, given: {}, expect: allow }]`),
      /rule r, example 1 "wrong": expected allow, got CORDON_ERR_PURPOSE_REQUIRED/,
    );
  });

  it('refuses duplicate rule ids and YAML syntax errors with a position', () => {
    const rule = `  - id: r
    description: d
    roles: [dpo]
    actions: [manage_keys]
    examples: [{ given: {}, expect: allow }]`;
    expectInvalid(minimal(`${rule}\n${rule}`), /rule id r appears twice/);
    expectInvalid('version: 1\nlimits: {\n', /p\.yaml:\d+:\d+:/);
  });
});
