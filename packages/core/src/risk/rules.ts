import { fileURLToPath } from 'node:url';
import { Environment } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CordonError } from '../shared/errors';
import { FEATURE_SCHEMA, type Features } from './features';

/**
 * Risk rules: CEL expressions over the declared feature schema (ADR 0010). A rule is checked when it
 * is created — parse, type (must be bool), size and depth limits — and refused with the position of
 * the fault. At run time a rule that throws or overruns its time budget is skipped and reported: it
 * can never block an order by accident.
 */

/** Where the shipped default rule set lives (installed into an empty database, and the backtest's default). */
export const defaultRiskRulesPath = fileURLToPath(new URL('../../risk/default.rules.yaml', import.meta.url));

export const RULE_LIMITS = {
  /** Characters in one expression. */
  maxLength: 2000,
  /** CEL AST nodes in one expression. */
  maxAstNodes: 300,
  /** Nesting depth of one expression. */
  maxDepth: 24,
  /** Wall time one evaluation may take before its result is discarded and reported. */
  timeBudgetMs: 20,
  /** Rules in a rule set. */
  maxRules: 200,
} as const;

const NO_DIGITS = /^[^0-9０-９]*$/u;
const customerText = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(NO_DIGITS, 'customer-facing reasons may not state numbers (thresholds stay internal)');

export const ruleActions = ['reject', 'review', 'score'] as const;
export type RuleAction = (typeof ruleActions)[number];

export const ruleBodySchema = z
  .strictObject({
    description: z.string().trim().min(1).max(500),
    expression: z.string().min(1).max(RULE_LIMITS.maxLength),
    action: z.enum(ruleActions),
    /** Points added to the score when the rule hits (0–100). Defaults: reject 100, review 50. */
    weight: z.number().int().min(0).max(100).optional(),
    /** What the customer is told, in plain words, when the rule decides about their order. */
    reason: z.strictObject({
      code: z.string().regex(/^[A-Z][A-Z0-9_]{2,63}$/u, 'reason codes are UPPER_SNAKE_CASE, 3–64 characters'),
      zh: customerText,
      en: customerText,
    }),
    /** `shadow` evaluates and records the hit without acting on it. */
    mode: z.enum(['active', 'shadow']).default('active'),
    enabled: z.boolean().default(true),
  })
  .refine((r) => r.action !== 'score' || r.weight !== undefined, {
    message: 'a scoring rule needs a weight',
    path: ['weight'],
  });
export type RuleBody = z.infer<typeof ruleBodySchema>;

export const ruleIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/u, 'rule ids are lower_snake_case, 2–64 characters');

export const thresholdsSchema = z
  .strictObject({
    review: z.number().int().min(1).max(100),
    reject: z.number().int().min(1).max(100),
  })
  .refine((t) => t.reject > t.review, { message: 'reject must be above review', path: ['reject'] });
export type Thresholds = z.infer<typeof thresholdsSchema>;
export const DEFAULT_THRESHOLDS: Thresholds = { review: 50, reject: 100 };

/** A rule as stored: its body plus id and version. */
export interface RiskRule extends RuleBody {
  id: string;
  version: number;
}

export interface CompiledRule {
  rule: RiskRule;
  weight: number;
  /** Features the expression names, in first-use order (they become the reason's evidence). */
  features: string[];
  evaluate: (features: Features) => unknown;
}

let environment: Environment | undefined;
function celEnvironment(): Environment {
  if (!environment) {
    const env = new Environment({
      limits: {
        maxAstNodes: RULE_LIMITS.maxAstNodes,
        maxDepth: RULE_LIMITS.maxDepth,
        maxListElements: 100,
        maxMapEntries: 100,
        maxCallArguments: 8,
      },
    });
    for (const f of FEATURE_SCHEMA) env.registerVariable(f.name, f.type);
    environment = env;
  }
  return environment;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function ruleInvalid(ruleId: string, expression: string, error: unknown): CordonError {
  const node = (error as { node?: { pos?: unknown } }).node;
  const offset = typeof node?.pos === 'number' ? node.pos : 0;
  const { line, column } = lineColumn(expression, offset);
  // The first line of the library's message states the fault; the rest is a caret drawing.
  const fault =
    (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'invalid expression';
  return new CordonError(
    'CORDON_ERR_RULE_INVALID',
    `rule ${ruleId}: ${fault} at line ${line}, column ${column} of the expression.`,
    { rule: ruleId, line, column, offset },
  );
}

interface AstNode {
  op: string;
  args: unknown;
}

function referencedFeatures(ast: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n.op === 'id' && typeof n.args === 'string') {
      if (!out.includes(n.args)) out.push(n.args);
      return;
    }
    if (Array.isArray(n.args)) for (const a of n.args) visit(a);
  };
  visit(ast);
  return out;
}

/** Compiles one rule; throws CORDON_ERR_RULE_INVALID naming the position of the fault. */
export function compileRule(rule: RiskRule): CompiledRule {
  const env = celEnvironment();
  let evaluate: ((features: Features) => unknown) & { ast: unknown };
  try {
    evaluate = env.parse(rule.expression) as unknown as typeof evaluate;
  } catch (error) {
    throw ruleInvalid(rule.id, rule.expression, error);
  }
  const checked = env.check(rule.expression);
  if (!checked.valid) throw ruleInvalid(rule.id, rule.expression, checked.error);
  if (checked.type !== 'bool') {
    throw new CordonError(
      'CORDON_ERR_RULE_INVALID',
      `rule ${rule.id}: the expression gives ${checked.type}; a rule must give bool (true = hit).`,
      { rule: rule.id, line: 1, column: 1, offset: 0 },
    );
  }
  const weight = rule.weight ?? (rule.action === 'reject' ? 100 : rule.action === 'review' ? 50 : 0);
  return { rule, weight, features: referencedFeatures(evaluate.ast), evaluate };
}

/** Parses a rule's JSON body (API or file); throws a validation error naming the field. */
export function parseRuleBody(input: unknown, ruleId: string): RuleBody {
  const result = ruleBodySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue ? issue.path.map(String).join('.') : '';
    const code = issue?.code === 'unrecognized_keys' ? 'CORDON_ERR_UNKNOWN_FIELD' : 'CORDON_ERR_VALIDATION';
    const what =
      issue?.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue?.message;
    throw new CordonError(code, `rule ${ruleId}: ${field || '(root)'}: ${what ?? 'invalid'}`, {
      rule: ruleId,
      field,
    });
  }
  return result.data;
}

/** A rule set file (`--rules FILE`, the default set): thresholds and rules, YAML or JSON. */
export const ruleSetFileSchema = z.strictObject({
  thresholds: thresholdsSchema.optional(),
  rules: z.array(z.record(z.string(), z.unknown())).min(1).max(RULE_LIMITS.maxRules),
});

export interface RuleSet {
  version: number;
  thresholds: Thresholds;
  rules: CompiledRule[];
}

/** Loads and compiles a rule set from YAML/JSON text; every rule is checked, the first fault is thrown. */
export function loadRuleSet(text: string, version = 1): RuleSet {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `rule file: not valid YAML or JSON${line ? ` at line ${line}` : ''}.`,
      {
        line,
      },
    );
  }
  const file = ruleSetFileSchema.safeParse(raw);
  if (!file.success) {
    const issue = file.error.issues[0];
    const field = issue ? issue.path.map(String).join('.') : '';
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `rule file: ${field || '(root)'}: ${issue?.message ?? 'invalid'}`,
      {
        field,
      },
    );
  }
  const seen = new Set<string>();
  const rules = file.data.rules.map((entry, index) => {
    const { id, ...body } = entry;
    const parsedId = ruleIdSchema.safeParse(id);
    if (!parsedId.success) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `rule file: rules.${index}.id: ${parsedId.error.issues[0]?.message}`,
        {
          field: `rules.${index}.id`,
        },
      );
    }
    if (seen.has(parsedId.data)) {
      throw new CordonError('CORDON_ERR_VALIDATION', `rule file: rule id ${parsedId.data} appears twice.`, {
        field: `rules.${index}.id`,
      });
    }
    seen.add(parsedId.data);
    return compileRule({ id: parsedId.data, version, ...parseRuleBody(body, parsedId.data) });
  });
  return { version, thresholds: file.data.thresholds ?? DEFAULT_THRESHOLDS, rules };
}
