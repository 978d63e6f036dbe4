import { z } from 'zod';
import { CordonError } from '../shared/errors';
import {
  checkOrderTotal,
  locationPrefix,
  type OrderInput,
  orderSchema,
  toValidationError,
} from '../vault/interchange';
import { riskContextSchema } from './promotion';
import type { ScoreRequest } from './risk.engine';

export const MAX_SCORE_BATCH = 1000;

const scoreItemSchema = z.object({ order: z.unknown(), context: z.unknown() });
const scoreItemStrictSchema = z.strictObject({ order: z.unknown(), context: z.unknown() });
const scoreBatchSchema = z.strictObject({ orders: z.array(z.unknown()).min(1) });

type Where = { index?: number; line?: number };

/** Validates one part of a scoring item, naming fields by their full path (`order.receiver.phone`, `context.ip`). */
function parsePart<T>(schema: z.ZodType<T>, input: unknown, prefix: string, where: Where): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ ...i, path: [prefix, ...i.path] }));
    throw toValidationError(new z.ZodError(issues), where);
  }
  return result.data;
}

/** The order of a scoring item, validated once, with errors naming `order.<field>`. */
function parseScoredOrder(input: unknown, where: Where): OrderInput {
  return checkOrderTotal(parsePart(orderSchema, input, 'order', where), where, 'order.total');
}

/**
 * Parses one scoring item `{order, context}`; errors name the full field path and the item or line.
 * `extraFieldsAllowed` lets history files carry more (labels, notes) next to order and context.
 */
export function parseScoreItem(item: unknown, where: Where = {}, extraFieldsAllowed = false): ScoreRequest {
  const schema = extraFieldsAllowed ? scoreItemSchema : scoreItemStrictSchema;
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw toValidationError(parsed.error, where);
  const raw = parsed.data;
  const order = parseScoredOrder(raw.order, where);
  if (raw.context === undefined) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `${locationPrefix(where)}context: required (at least its account).`,
      {
        ...where,
        field: 'context',
      },
    );
  }
  const context = parsePart(riskContextSchema, raw.context, 'context', where);
  return { order, context };
}

/** Parses a single `{order, context}` or a batch `{orders: [...]}` (up to 1,000, ids unique). */
export function parseScoreInput(input: unknown): { batch: boolean; requests: ScoreRequest[] } {
  const isBatch = typeof input === 'object' && input !== null && 'orders' in input;
  const parsed = isBatch ? scoreBatchSchema.safeParse(input) : undefined;
  if (parsed && !parsed.success) throw toValidationError(parsed.error);
  const items = parsed?.data ? parsed.data.orders : [input];
  if (items.length > MAX_SCORE_BATCH) {
    throw new CordonError('CORDON_ERR_BATCH_TOO_LARGE', `at most ${MAX_SCORE_BATCH} orders per request.`, {
      field: 'orders',
    });
  }
  const seen = new Set<string>();
  const requests = items.map((item, index) => {
    const request = parseScoreItem(item, isBatch ? { index } : {});
    if (seen.has(request.order.id)) {
      throw new CordonError(
        'CORDON_ERR_DUPLICATE_IN_BATCH',
        `item ${index}: order ${request.order.id} appears twice.`,
        {
          index,
          field: 'order.id',
        },
      );
    }
    seen.add(request.order.id);
    return request;
  });
  return { batch: isBatch, requests };
}
