import type { ScoreResult } from '@cordon/core';
import { z } from 'zod';

/**
 * Response allowlists of the risk context. Decisions, reviews and appeals carry ids, verdicts and
 * evidence (counts and flags) only, never the receiver's details.
 */
const reasonSchema = z.object({
  code: z.string(),
  message: z.object({ zh: z.string(), en: z.string() }),
  evidence: z.record(z.string(), z.union([z.number(), z.boolean(), z.array(z.string())])),
});
const ruleOutcomeSchema = z.object({
  id: z.string(),
  version: z.number(),
  action: z.string(),
  mode: z.string(),
  weight: z.number(),
  result: z.enum(['hit', 'error']),
  error: z.string().optional(),
});
export const decisionSchema = z.object({
  orderId: z.string(),
  decision: z.enum(['accept', 'review', 'reject']),
  score: z.number(),
  reasons: z.array(reasonSchema),
  rules: z.array(ruleOutcomeSchema),
  rulesetVersion: z.number(),
});
export const ruleSchema = z.object({
  id: z.string(),
  version: z.number(),
  description: z.string(),
  expression: z.string(),
  action: z.string(),
  weight: z.number().optional(),
  reason: z.object({ code: z.string(), zh: z.string(), en: z.string() }),
  mode: z.string(),
  enabled: z.boolean(),
});
export const reviewItemSchema = z.object({
  orderId: z.string(),
  account: z.string(),
  customerId: z.string(),
  orderTime: z.string(),
  decidedAt: z.string(),
  decision: z.string(),
  score: z.number(),
  reasons: z.array(reasonSchema),
  rules: z.array(ruleOutcomeSchema),
});
export const appealSchema = z.object({
  orderId: z.string(),
  filedAt: z.string(),
  statement: z.string(),
  status: z.string(),
});
/**
 * The answer for one order: exactly the documented fields, nothing else (an allowlist, like
 * `decisionSchema`). The score route sends it as JSON text without a second validation pass.
 */
export function presentDecision(r: ScoreResult) {
  return {
    orderId: r.orderId,
    decision: r.decision,
    score: r.score,
    reasons: r.reasons.map((x) => ({
      code: x.code,
      message: { zh: x.message.zh, en: x.message.en },
      evidence: x.evidence,
    })),
    rules: r.rules.map((x) => ({
      id: x.id,
      version: x.version,
      action: x.action,
      mode: x.mode,
      weight: x.weight,
      result: x.result,
      ...(x.error !== undefined ? { error: x.error } : {}),
    })),
    rulesetVersion: r.rulesetVersion,
  };
}
