import { z } from 'zod';
import { externalId, isoTime } from '../vault/interchange';

/**
 * The watch event interchange: one access by one person, from Cordon's own ledger or from another
 * system's access log (ERP, warehouse, legacy back office). `count` stands for bulk actions whose
 * customer ids are unknown (a legacy export of 5,000 rows).
 */
export const watchActions = ['view', 'search', 'reveal', 'export', 'print', 'login', 'query'] as const;
export type WatchAction = (typeof watchActions)[number];

/**
 * The steps of a two-person export: the requester asks (`request`), a second person approves
 * (`approve`: the event's actor is the approver, `requester` whose export it is), the requester
 * downloads (`download`, the default: the only step that hands out customer data). Requests and
 * approvals touch no customer; watch reads them for the export's size, timing and who approved it.
 */
export const exportStages = ['request', 'approve', 'download'] as const;
export type ExportStage = (typeof exportStages)[number];

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
  /** Export events only: which step (default `download`). */
  stage: z.enum(exportStages).optional(),
  /** Export events only: the export's id, shared by its request, approval and download. */
  export: externalId.optional(),
  /** Export approvals only: who asked for the export. */
  requester: externalId.optional(),
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
  /** Export events: the step (absent on other actions; a download when absent on an export). */
  stage?: ExportStage | undefined;
  /** Export events: the export's id, when known. */
  exportId?: string | undefined;
  /** Export approvals: whose export was approved. */
  requester?: string | undefined;
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
    ...(input.action === 'export' ? exportFields(input) : {}),
    source,
  };
}

function exportFields(input: WatchEventInput): Pick<WatchEvent, 'stage' | 'exportId' | 'requester'> {
  const out: Pick<WatchEvent, 'stage' | 'exportId' | 'requester'> = { stage: input.stage ?? 'download' };
  if (input.export !== undefined) out.exportId = input.export;
  if (input.requester !== undefined && input.stage === 'approve') out.requester = input.requester;
  return out;
}

/**
 * Whether the event handed customer data to its actor (every action but logins, export requests and
 * export approvals): what counts as exposure.
 */
export function isAccess(event: Pick<WatchEvent, 'action' | 'stage'>): boolean {
  if (event.action === 'login') return false;
  return event.action !== 'export' || event.stage === undefined || event.stage === 'download';
}
