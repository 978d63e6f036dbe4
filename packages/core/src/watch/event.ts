import { z } from 'zod';
import { externalId, isoTime } from '../vault/interchange';

/**
 * The watch event interchange: one access by one person, from Cordon's own ledger or from another
 * system's access log (ERP, warehouse, legacy back office). `count` stands for bulk actions whose
 * customer ids are unknown (a legacy export of 5,000 rows).
 */
export const watchActions = ['view', 'search', 'reveal', 'export', 'print', 'login', 'query'] as const;
export type WatchAction = (typeof watchActions)[number];

export const watchEventSchema = z.strictObject({
  ts: isoTime,
  actor: externalId,
  action: z.enum(watchActions),
  customers: z.array(externalId).max(100_000).optional(),
  orders: z.array(externalId).max(100_000).optional(),
  count: z.number().int().min(0).max(10_000_000).optional(),
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/)
    .optional(),
  reference: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/)
    .optional(),
  outcome: z.enum(['allowed', 'denied']).optional(),
  ip: z.string().min(2).max(64).optional(),
  device: z.string().min(1).max(128).optional(),
  system: z.string().min(1).max(64).optional(),
});
export type WatchEventInput = z.infer<typeof watchEventSchema>;

/** An event as the detectors see it: time in epoch ms, ids de-duplicated, the customer count resolved. */
export interface WatchEvent {
  /** Epoch milliseconds. */
  ts: number;
  actor: string;
  action: WatchAction;
  customers: readonly string[];
  orders: readonly string[];
  /** Customers touched: the ids given, or `count` for bulk actions without ids. */
  count: number;
  purpose?: string | undefined;
  reference?: string | undefined;
  outcome: 'allowed' | 'denied';
  ip?: string | undefined;
  device?: string | undefined;
  system: string;
  /** Where the event came from: a ledger sequence number, or a line of an imported file. */
  source?: { ledgerSeq?: number | undefined; line?: number | undefined } | undefined;
}

/** Normalises a validated input event. */
export function toWatchEvent(input: WatchEventInput, source?: WatchEvent['source']): WatchEvent {
  const customers = input.customers ? [...new Set(input.customers)] : [];
  return {
    ts: Date.parse(input.ts),
    actor: input.actor,
    action: input.action,
    customers,
    orders: input.orders ? [...new Set(input.orders)] : [],
    count: customers.length > 0 ? Math.max(customers.length, input.count ?? 0) : (input.count ?? 0),
    purpose: input.purpose,
    reference: input.reference,
    outcome: input.outcome ?? 'allowed',
    ip: input.ip,
    device: input.device,
    system: input.system ?? 'external',
    source,
  };
}
