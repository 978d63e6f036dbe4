import { z } from 'zod';
import { CordonError } from '../shared/errors';
import { normalizePhone } from './normalize';
import { isValidResidentId } from './pii-validators';

/**
 * The interchange format shops use to hand Cordon their customers and orders (NDJSON or CSV with
 * dotted column names). Schemas are strict: an unknown field is refused rather than silently dropped,
 * so a shop never believes a column was stored when it was not.
 */
export const externalId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids are 1–64 characters: letters, digits, . _ : -');

export const isoTime = z.iso.datetime({ offset: true });

const phone = z
  .string()
  .max(40)
  .refine((v) => normalizePhone(v) !== null, {
    message: 'not a valid mobile or landline number',
    params: { pii: 'phone' },
  });

const personName = z.string().trim().min(1).max(64);

const money = z
  .number()
  .nonnegative()
  .max(100_000_000)
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'money has at most two decimals');

export const customerSchema = z.strictObject({
  id: externalId,
  name: personName,
  phone,
  email: z.email().max(254).optional(),
  idNumber: z
    .string()
    .refine((v) => isValidResidentId(v), {
      message: 'not a valid 18-character resident ID number',
      params: { pii: 'id' },
    })
    .optional(),
  createdAt: isoTime,
});
export type CustomerInput = z.infer<typeof customerSchema>;

export const orderStatuses = [
  'created',
  'paid',
  'picked',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;

export const orderSchema = z.strictObject({
  id: externalId,
  customerId: externalId,
  createdAt: isoTime,
  status: z.enum(orderStatuses),
  receiver: z.strictObject({
    name: personName,
    phone,
    province: z.string().trim().min(1).max(32),
    city: z.string().trim().min(1).max(32),
    district: z.string().trim().min(1).max(32),
    street: z.string().trim().min(1).max(200),
  }),
  items: z
    .array(
      z.strictObject({
        sku: z.string().min(1).max(64),
        name: z.string().min(1).max(200),
        price: money,
        qty: z.number().int().positive().max(100_000),
      }),
    )
    .min(1)
    .max(500),
  total: money,
  channel: z.string().max(32).optional(),
  device: z.string().max(128).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  paymentFingerprint: z.string().max(128).optional(),
  coupon: z.string().max(64).optional(),
  promo: z.string().max(64).optional(),
});
export type OrderInput = z.infer<typeof orderSchema>;

/** `line N: ` or `item N: ` (or nothing) in front of a validation message, naming where the input was. */
export function locationPrefix(where: { line?: number; index?: number }): string {
  if (where.line !== undefined) return `line ${where.line}: `;
  return where.index !== undefined ? `item ${where.index}: ` : '';
}

/** Turns the first schema issue into a catalog error naming the field (and line, when given) — never the value. */
export function toValidationError(
  error: z.ZodError,
  where: { line?: number; index?: number } = {},
): CordonError {
  const issue = error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  const at = locationPrefix(where);
  if (issue?.code === 'unrecognized_keys') {
    // A key is caller data too (a mis-built file can put a phone number in a key), so only
    // identifier-like names are echoed.
    const names = issue.keys.map((k) => (/^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(k) ? k : '(unprintable name)'));
    const keys = names.map((k) => (field ? `${field}.${k}` : k)).join(', ');
    return new CordonError('CORDON_ERR_UNKNOWN_FIELD', `${at}unknown field(s) ${keys}; remove them.`, {
      ...where,
      fields: names,
    });
  }
  if (issue?.code === 'custom' && issue.params?.pii === 'phone') {
    return new CordonError('CORDON_ERR_INVALID_PHONE', `${at}${field} is not a valid phone number.`, {
      ...where,
      field,
    });
  }
  if (issue?.code === 'custom' && issue.params?.pii === 'id') {
    return new CordonError(
      'CORDON_ERR_INVALID_ID_NUMBER',
      `${at}${field} is not a valid resident ID number.`,
      {
        ...where,
        field,
      },
    );
  }
  // Zod messages describe the expectation ("expected string"), not the received value, so they are PII-safe.
  const message = issue ? issue.message : 'invalid input';
  return new CordonError('CORDON_ERR_VALIDATION', `${at}${field || '(root)'}: ${message}`, {
    ...where,
    field,
  });
}

/** Parses one customer; throws a catalog error naming the field. */
export function parseCustomer(input: unknown, where: { line?: number; index?: number } = {}): CustomerInput {
  const result = customerSchema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, where);
  return result.data;
}

/** Parses one order; also checks that the total is consistent with its items (never above their sum). */
export function parseOrder(input: unknown, where: { line?: number; index?: number } = {}): OrderInput {
  const result = orderSchema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, where);
  return checkOrderTotal(result.data, where);
}

/**
 * The order rule no field schema can state: the total may not exceed the sum of the items (a
 * discount may lower it). `field` names the total as the caller's document does.
 */
export function checkOrderTotal(
  order: OrderInput,
  where: { line?: number; index?: number },
  field = 'total',
): OrderInput {
  const sumCents = order.items.reduce((s, i) => s + Math.round(i.price * 100) * i.qty, 0);
  if (Math.round(order.total * 100) > sumCents) {
    const at = locationPrefix(where);
    throw new CordonError('CORDON_ERR_VALIDATION', `${at}${field} is larger than the sum of the items.`, {
      ...where,
      field,
    });
  }
  return order;
}

/** Money in yuan with two decimals → integer fen, the stored form (no floating point in storage). */
export function toCents(yuan: number): number {
  return Math.round(yuan * 100);
}
