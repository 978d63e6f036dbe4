import type { RequestContext } from '../shared/context';

/** Actions recorded in the ledger. Denials use the same action with outcome `denied`. */
export const ledgerActions = [
  'ingest',
  'view',
  'search',
  'reveal',
  'export',
  'print',
  'break_glass',
  'approve',
  'erase',
  'key_init',
  'key_rotate',
  'apikey_create',
  'apikey_revoke',
  'staff_change',
  'assignment_change',
  'login',
  'review',
  'contain',
  'policy_change',
  'checkpoint',
  'risk_decision',
  'risk_rule_change',
  'risk_promotion_change',
  'risk_review',
  'risk_appeal',
] as const;
export type LedgerAction = (typeof ledgerActions)[number];

/** What the caller supplies; the ledger assigns `seq`. Never holds plaintext PII: ids and field names only. */
export interface LedgerEntryInput {
  time: Date;
  actor: { type: string; id: string; role: string };
  action: LedgerAction;
  outcome: 'allowed' | 'denied';
  errorCode?: string | undefined;
  purpose?: string | undefined;
  reference?: string | undefined;
  customerIds: readonly string[];
  orderIds: readonly string[];
  fields: readonly string[];
  clientAddress?: string | undefined;
  requestId: string;
  /** Counts and other non-PII facts (e.g. `{ "results": 20 }`). */
  detail?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export interface LedgerEntry extends LedgerEntryInput {
  seq: number;
}

/** Builds an entry from the request context; subject ids are de-duplicated and sorted so the encoding is stable. */
export function entryFor(
  ctx: RequestContext,
  time: Date,
  action: LedgerAction,
  subject: {
    customerIds?: readonly string[];
    orderIds?: readonly string[];
    fields?: readonly string[];
    outcome?: 'allowed' | 'denied';
    errorCode?: string;
    detail?: Record<string, string | number | boolean>;
  },
): LedgerEntryInput {
  return {
    time,
    actor: { type: ctx.actor.type, id: ctx.actor.id, role: ctx.actor.role },
    action,
    outcome: subject.outcome ?? 'allowed',
    errorCode: subject.errorCode,
    purpose: ctx.purpose,
    reference: ctx.reference,
    customerIds: [...new Set(subject.customerIds ?? [])].sort(),
    orderIds: [...new Set(subject.orderIds ?? [])].sort(),
    fields: [...new Set(subject.fields ?? [])].sort(),
    clientAddress: ctx.clientAddress,
    requestId: ctx.requestId,
    detail: subject.detail,
  };
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

/** JSON with object keys sorted by UTF-16 code unit and no whitespace (the RFC 8785 subset this ledger needs). */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: Json) => canonicalJson(v)).join(',')}]`;
  const obj = value as { readonly [key: string]: Json | undefined };
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k] as Json)}`).join(',')}}`;
}

export const ENTRY_PREFIX = 'cordon-ledger-entry/v1\n';

/** The entry as JSON-ready data, in the canonical field set (see docs/ledger-format.md). */
export function entryToJson(entry: LedgerEntry): Record<string, Json | undefined> {
  return {
    seq: entry.seq,
    time: entry.time.toISOString(),
    actor: { type: entry.actor.type, id: entry.actor.id, role: entry.actor.role },
    action: entry.action,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    purpose: entry.purpose,
    reference: entry.reference,
    customerIds: [...entry.customerIds],
    orderIds: [...entry.orderIds],
    fields: [...entry.fields],
    clientAddress: entry.clientAddress,
    requestId: entry.requestId,
    detail: entry.detail ? { ...entry.detail } : undefined,
  };
}

/** Canonical bytes of an entry: the Merkle leaf data. Anyone can recompute it from the JSON entry. */
export function encodeEntry(entry: LedgerEntry): Buffer {
  return Buffer.from(ENTRY_PREFIX + canonicalJson(entryToJson(entry)), 'utf8');
}

/**
 * Prepares an entry's canonical bytes before its sequence number is known, so that the work done
 * while the log's head is locked is a string concatenation and two hashes. In the canonical key order
 * `seq` and `time` are the last two keys (every other key sorts before "seq"), which is what makes
 * the split possible; `encodeEntry` remains the reference and a test checks both agree.
 */
export function entryEncoder(input: LedgerEntryInput): (seq: number) => Buffer {
  const rest = entryToJson({ ...input, seq: 0 });
  rest.seq = undefined;
  rest.time = undefined;
  const head = canonicalJson(rest).slice(0, -1);
  const time = JSON.stringify(input.time.toISOString());
  return (seq) => Buffer.from(`${ENTRY_PREFIX}${head},"seq":${seq},"time":${time}}`, 'utf8');
}

/** Parses canonical bytes back into an entry (used by verify and offline evidence checks). */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.startsWith(ENTRY_PREFIX)) throw new TypeError('not a cordon ledger entry');
  const raw = JSON.parse(text.slice(ENTRY_PREFIX.length)) as {
    seq: number;
    time: string;
    actor: { type: string; id: string; role: string };
    action: LedgerAction;
    outcome: 'allowed' | 'denied';
    errorCode?: string;
    purpose?: string;
    reference?: string;
    customerIds: string[];
    orderIds: string[];
    fields: string[];
    clientAddress?: string;
    requestId: string;
    detail?: Record<string, string | number | boolean>;
  };
  return { ...raw, time: new Date(raw.time) };
}
