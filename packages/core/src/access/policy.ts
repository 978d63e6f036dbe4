import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { CordonError, type ErrorCode } from '../shared/errors';
import {
  type Delivery,
  isOnShift,
  type MerchantOrder,
  type StaffMember,
  type StaffRole,
  staffRoles,
  type Ticket,
} from './staff';

/**
 * Declarative access policy: `allow(actor, action, resource, condition)` rules read from one YAML file
 * (a shop changes it without changing code). Everything not allowed by a rule is denied. The engine
 * is pure: the access service gathers the facts (tickets, deliveries, counters) and this module
 * decides, with a stable error code for every denial.
 *
 * A rule's `examples` are its test table: they are evaluated against the whole policy when it is
 * loaded, and a policy whose examples do not hold is refused.
 */
export const policyActions = [
  'view_masked',
  'search',
  'reveal',
  'export',
  'print_waybill',
  'approve',
  'break_glass',
  'manage_staff',
  'manage_keys',
] as const;
export type PolicyAction = (typeof policyActions)[number];

/** Fields a reveal (or a plaintext export) can return. `address` is the street line with the region. */
export const revealableFields = ['name', 'phone', 'address', 'email', 'idNumber'] as const;
export type RevealableField = (typeof revealableFields)[number];

export const searchKeys = ['phone', 'name', 'orderId'] as const;

const roleLimits = z.partialRecord(z.enum(staffRoles), z.number().int().min(0).max(1_000_000));

const conditionSchema = z.strictObject({
  on_shift: z.literal(true).optional(),
  purpose: z
    .array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/))
    .min(1)
    .optional(),
  reference: z.literal('required').optional(),
  justification: z.strictObject({ min_length: z.number().int().min(1).max(2000) }).optional(),
  fields: z.array(z.enum(revealableFields)).min(1).optional(),
  search_by: z.array(z.enum(searchKeys)).min(1).optional(),
  plaintext: z.literal(false).optional(),
  ticket: z.literal('assigned_open').optional(),
  delivery: z.literal('own_in_window').optional(),
  merchant: z.strictObject({ days_after_delivery: z.number().int().min(0).max(3650) }).optional(),
  not_self: z.literal(true).optional(),
  reveal_quota: z.literal(true).optional(),
  search_rate: z.literal(true).optional(),
  break_glass_cap: z.literal(true).optional(),
});
export type PolicyCondition = z.infer<typeof conditionSchema>;

const selfOrOther = z.enum(['self', 'other']);

const exampleSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  given: z.strictObject({
    role: z.enum(staffRoles).optional(),
    status: z.enum(['active', 'suspended', 'departed']).optional(),
    action: z.enum(policyActions).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    shift: z.strictObject({ start: z.string(), end: z.string(), tz: z.string() }).optional(),
    purpose: z.string().optional(),
    reference: z.string().optional(),
    justification: z.string().optional(),
    fields: z.array(z.string()).optional(),
    search_by: z.string().optional(),
    plaintext: z.boolean().optional(),
    ticket: z
      .strictObject({
        assignee: selfOrOther,
        status: z.enum(['open', 'closed']),
        customer: z.enum(['target', 'other']),
      })
      .optional(),
    delivery: z
      .strictObject({ courier: selfOrOther, window: z.enum(['inside', 'before', 'after']) })
      .optional(),
    merchant: z
      .strictObject({ owner: selfOrOther, delivered_days_ago: z.number().int().min(0).optional() })
      .optional(),
    revealed_24h: z.number().int().min(0).optional(),
    already_revealed: z.boolean().optional(),
    searches_last_minute: z.number().int().min(0).optional(),
    break_glass_24h: z.number().int().min(0).optional(),
    requester: selfOrOther.optional(),
    reveal_quota_override: z.number().int().min(0).optional(),
  }),
  expect: z.string().regex(/^(allow|CORDON_ERR_[A-Z_]+)$/, 'allow or a CORDON_ERR_… code'),
});
export type PolicyExample = z.infer<typeof exampleSchema>;

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case id with dashes, e.g. support-reveal'),
  description: z.string().min(1).max(500),
  roles: z.array(z.enum(staffRoles)).min(1),
  actions: z.array(z.enum(policyActions)).min(1),
  when: conditionSchema.default({}),
  examples: z.array(exampleSchema).min(1, 'every rule carries at least one example (its test table)'),
});
export type PolicyRule = z.infer<typeof ruleSchema>;

const policySchema = z.strictObject({
  version: z.literal(1),
  limits: z.strictObject({
    reveal_customers_per_24h: roleLimits,
    searches_per_minute: roleLimits,
    break_glass_per_24h: roleLimits,
  }),
  rules: z.array(ruleSchema).min(1),
});

export interface Policy {
  version: 1;
  limits: {
    reveal_customers_per_24h: Partial<Record<StaffRole, number>>;
    searches_per_minute: Partial<Record<StaffRole, number>>;
    break_glass_per_24h: Partial<Record<StaffRole, number>>;
  };
  rules: PolicyRule[];
  /** SHA-256 of the policy text, recorded with policy changes so the ledger says which policy ruled. */
  digest: string;
}

/** What the access service knows about the situation of one request. */
export interface PolicyFacts {
  /** The ticket whose id is the request's reference, if there is one. */
  referencedTicket?: Ticket | undefined;
  /** Ids of open tickets assigned to the actor on the target customer. */
  openTicketsOnCustomer: readonly string[];
  /** The delivery of the target order, if any. */
  delivery?: Delivery | undefined;
  /** The merchant that owns the target order, if known. */
  merchantOrder?: MerchantOrder | undefined;
  /** Distinct customers the actor was granted reveals of in the last 24 h. */
  revealedCustomers24h: number;
  /** Whether the target customer is already among them (a repeat reveal does not use quota). */
  alreadyRevealed: boolean;
  searchesLastMinute: number;
  breakGlass24h: number;
  /** For approvals: who asked for the thing being approved. */
  requester?: string | undefined;
}

export interface PolicyRequest {
  now: Date;
  actor: Pick<StaffMember, 'id' | 'role' | 'status' | 'merchant' | 'shift' | 'revealQuota'>;
  action: PolicyAction;
  /** The customer concerned (for an order: its customer). */
  customerId?: string | undefined;
  orderId?: string | undefined;
  purpose?: string | undefined;
  reference?: string | undefined;
  justification?: string | undefined;
  fields: readonly string[];
  searchBy?: string | undefined;
  plaintext?: boolean | undefined;
  facts: PolicyFacts;
}

export type PolicyDecision =
  | { allowed: true; ruleId: string }
  | { allowed: false; code: ErrorCode; message: string; ruleId?: string | undefined };

interface Failure {
  code: ErrorCode;
  message: string;
  depth: number;
}

const DAY_MS = 86_400_000;

/** Evaluates one rule's conditions in a fixed order; the first that fails ends it. */
function checkRule(policy: Policy, rule: PolicyRule, req: PolicyRequest): Failure | undefined {
  const w = rule.when;
  const f = req.facts;
  let depth = 0;
  const fail = (code: ErrorCode, message: string): Failure => ({ code, message, depth });
  depth++;
  if (w.on_shift && !isOnShift(req.actor.shift, req.now)) {
    return fail(
      'CORDON_ERR_OUTSIDE_SHIFT',
      `This is allowed only during your shift (${req.actor.shift.start}–${req.actor.shift.end} ${req.actor.shift.tz}).`,
    );
  }
  depth++;
  if (w.purpose) {
    if (!req.purpose) {
      return fail(
        'CORDON_ERR_PURPOSE_REQUIRED',
        `State a purpose (${w.purpose.join(' or ')}) and a reference for this ${req.action}.`,
      );
    }
    if (!w.purpose.includes(req.purpose)) {
      return fail(
        'CORDON_ERR_PURPOSE_NOT_ALLOWED',
        `Purpose ${req.purpose} does not permit ${req.action} for your role; allowed: ${w.purpose.join(', ')}.`,
      );
    }
  }
  depth++;
  if (w.reference === 'required' && !req.reference) {
    return fail(
      'CORDON_ERR_PURPOSE_REQUIRED',
      `Give a reference (the ticket, delivery or request id) for this ${req.action}.`,
    );
  }
  depth++;
  if (w.justification && (req.justification ?? '').trim().length < w.justification.min_length) {
    return fail(
      'CORDON_ERR_JUSTIFICATION_REQUIRED',
      `Write a justification of at least ${w.justification.min_length} characters.`,
    );
  }
  depth++;
  if (w.fields) {
    const allowed = w.fields as readonly string[];
    const extra = req.fields.filter((x) => !allowed.includes(x));
    if (extra.length > 0) {
      return fail(
        'CORDON_ERR_FIELD_NOT_ALLOWED',
        `Field(s) ${extra.join(', ')} are not available for this ${req.action}; allowed: ${allowed.join(', ')}.`,
      );
    }
  }
  if (w.search_by) {
    const keys = w.search_by as readonly string[];
    if (!req.searchBy || !keys.includes(req.searchBy)) {
      return fail('CORDON_ERR_FIELD_NOT_ALLOWED', `Your role searches by ${keys.join(' or ')} only.`);
    }
  }
  depth++;
  if (w.plaintext === false && req.plaintext) {
    return fail('CORDON_ERR_PLAINTEXT_NOT_ALLOWED', 'Your role may export masked data only.');
  }
  depth++;
  if (w.ticket === 'assigned_open') {
    const failure = checkTicket(req);
    if (failure) return fail(failure.code, failure.message);
  }
  if (w.delivery === 'own_in_window') {
    const d = f.delivery;
    if (!d || d.courier !== req.actor.id) {
      return fail(
        'CORDON_ERR_NO_ASSIGNMENT',
        `Order ${req.orderId ?? '?'} is not a delivery assigned to you.`,
      );
    }
    if (req.now < d.from || req.now > d.to) {
      return fail(
        'CORDON_ERR_OUTSIDE_WINDOW',
        `The delivery window of order ${d.orderId} is ${d.from.toISOString()} to ${d.to.toISOString()}.`,
      );
    }
  }
  if (w.merchant) {
    const m = f.merchantOrder;
    if (!m || req.actor.merchant === null || m.merchant !== req.actor.merchant) {
      return fail(
        'CORDON_ERR_NO_ASSIGNMENT',
        `Order ${req.orderId ?? '?'} is not an order of your merchant.`,
      );
    }
    if (
      m.deliveredAt &&
      req.now.getTime() > m.deliveredAt.getTime() + w.merchant.days_after_delivery * DAY_MS
    ) {
      return fail(
        'CORDON_ERR_OUTSIDE_WINDOW',
        `Merchant access to order ${m.orderId} ended ${w.merchant.days_after_delivery} days after delivery.`,
      );
    }
  }
  depth++;
  if (w.not_self && f.requester === req.actor.id) {
    return fail('CORDON_ERR_SELF_APPROVAL', 'You asked for this yourself; a second person must approve it.');
  }
  depth++;
  if (w.search_rate) {
    const limit = policy.limits.searches_per_minute[req.actor.role] ?? 0;
    if (f.searchesLastMinute >= limit) {
      return fail('CORDON_ERR_RATE_LIMITED', `Your role may search ${limit} times a minute; wait a moment.`);
    }
  }
  if (w.break_glass_cap) {
    const cap = policy.limits.break_glass_per_24h[req.actor.role] ?? 0;
    if (f.breakGlass24h >= cap) {
      return fail(
        'CORDON_ERR_QUOTA_EXCEEDED',
        `Break-glass is capped at ${cap} per rolling 24 h for your role, and the cap is reached.`,
      );
    }
  }
  if (w.reveal_quota) {
    const limit = revealQuotaFor(policy, req.actor);
    if (!f.alreadyRevealed && f.revealedCustomers24h >= limit) {
      return fail(
        'CORDON_ERR_QUOTA_EXCEEDED',
        `You revealed ${f.revealedCustomers24h} distinct customers in the last 24 h; your quota is ${limit}.`,
      );
    }
  }
  return undefined;
}

function checkTicket(req: PolicyRequest): { code: ErrorCode; message: string } | undefined {
  const f = req.facts;
  if (req.reference) {
    const t = f.referencedTicket;
    if (!t)
      return { code: 'CORDON_ERR_NO_ASSIGNMENT', message: `Reference ${req.reference} names no ticket.` };
    if (t.assignee !== req.actor.id) {
      return { code: 'CORDON_ERR_NO_ASSIGNMENT', message: `Ticket ${t.id} is assigned to someone else.` };
    }
    if (t.customerId !== req.customerId) {
      return { code: 'CORDON_ERR_NO_ASSIGNMENT', message: `Ticket ${t.id} is about another customer.` };
    }
    if (t.status !== 'open') {
      return { code: 'CORDON_ERR_ASSIGNMENT_CLOSED', message: `Ticket ${t.id} is closed.` };
    }
    return undefined;
  }
  if (f.openTicketsOnCustomer.length === 0) {
    return {
      code: 'CORDON_ERR_NO_ASSIGNMENT',
      message: `You have no open ticket on customer ${req.customerId ?? '?'}.`,
    };
  }
  return undefined;
}

/** The actor's reveal quota: the per-person override, else the role default, else zero. */
export function revealQuotaFor(policy: Policy, actor: Pick<StaffMember, 'role' | 'revealQuota'>): number {
  return actor.revealQuota ?? policy.limits.reveal_customers_per_24h[actor.role] ?? 0;
}

/**
 * Decides a request. An inactive account is denied before any rule is read (this is not something a
 * policy can change). With several candidate rules the first that passes allows; if none passes, the
 * denial reported is that of the rule the request got furthest in, so the caller learns what to fix.
 */
export function evaluatePolicy(policy: Policy, req: PolicyRequest): PolicyDecision {
  if (req.actor.status !== 'active') {
    return {
      allowed: false,
      code: 'CORDON_ERR_ACCOUNT_INACTIVE',
      message: `Account ${req.actor.id} is ${req.actor.status}; it can do nothing.`,
    };
  }
  const candidates = policy.rules.filter(
    (r) => r.roles.includes(req.actor.role) && r.actions.includes(req.action),
  );
  if (candidates.length === 0) {
    return {
      allowed: false,
      code: 'CORDON_ERR_NOT_PERMITTED',
      message: `No policy rule lets role ${req.actor.role} ${req.action.replace('_', ' ')}.`,
    };
  }
  let best: (Failure & { ruleId: string }) | undefined;
  for (const rule of candidates) {
    const failure = checkRule(policy, rule, req);
    if (!failure) return { allowed: true, ruleId: rule.id };
    if (!best || failure.depth > best.depth) best = { ...failure, ruleId: rule.id };
  }
  if (!best) throw new Error('unreachable: candidates were non-empty');
  return { allowed: false, code: best.code, message: best.message, ruleId: best.ruleId };
}

const EXAMPLE_AT = '2026-06-01T10:00:00+08:00';

/** Builds the request an example describes: `self` is the actor, `target` the customer and order asked about. */
export function exampleRequest(rule: PolicyRule, example: PolicyExample): PolicyRequest {
  const g = example.given;
  const now = new Date(g.at ?? EXAMPLE_AT);
  const self = 'staff-self';
  const who = (x: 'self' | 'other') => (x === 'self' ? self : 'staff-other');
  const customerId = 'customer-target';
  const orderId = 'order-target';
  const reference = g.reference;
  const ticket: Ticket | undefined = g.ticket
    ? {
        id: reference ?? 'T-1',
        customerId: g.ticket.customer === 'target' ? customerId : 'customer-other',
        orderId: null,
        assignee: who(g.ticket.assignee),
        status: g.ticket.status,
        openedAt: new Date(now.getTime() - DAY_MS),
        closedAt: g.ticket.status === 'closed' ? new Date(now.getTime() - 3_600_000) : null,
      }
    : undefined;
  const window = g.delivery?.window;
  const delivery: Delivery | undefined = g.delivery
    ? {
        orderId,
        courier: who(g.delivery.courier),
        from: new Date(now.getTime() + (window === 'before' ? 3_600_000 : -3_600_000)),
        to: new Date(now.getTime() + (window === 'after' ? -1_800_000 : 7_200_000)),
      }
    : undefined;
  const merchantOrder: MerchantOrder | undefined = g.merchant
    ? {
        orderId,
        merchant: g.merchant.owner === 'self' ? 'merchant-self' : 'merchant-other',
        deliveredAt:
          g.merchant.delivered_days_ago !== undefined
            ? new Date(now.getTime() - g.merchant.delivered_days_ago * DAY_MS)
            : null,
      }
    : undefined;
  const role = g.role ?? (rule.roles[0] as StaffRole);
  return {
    now,
    actor: {
      id: self,
      role,
      status: g.status ?? 'active',
      merchant: role === 'merchant_staff' ? 'merchant-self' : null,
      shift: g.shift ?? { start: '09:00', end: '18:00', tz: 'Asia/Shanghai' },
      revealQuota: g.reveal_quota_override ?? null,
    },
    action: g.action ?? (rule.actions[0] as PolicyAction),
    customerId,
    orderId,
    purpose: g.purpose,
    reference,
    justification: g.justification,
    fields: g.fields ?? [],
    searchBy: g.search_by,
    plaintext: g.plaintext,
    facts: {
      referencedTicket: reference !== undefined ? ticket : undefined,
      openTicketsOnCustomer:
        ticket && ticket.assignee === self && ticket.status === 'open' && ticket.customerId === customerId
          ? [ticket.id]
          : [],
      delivery,
      merchantOrder,
      revealedCustomers24h: g.revealed_24h ?? 0,
      alreadyRevealed: g.already_revealed ?? false,
      searchesLastMinute: g.searches_last_minute ?? 0,
      breakGlass24h: g.break_glass_24h ?? 0,
      requester: g.requester ? who(g.requester) : undefined,
    },
  };
}

function invalid(message: string, details: Record<string, string | number>): CordonError {
  return new CordonError('CORDON_ERR_POLICY_INVALID', message, details);
}

/**
 * Parses and validates a policy file. Errors name the line and the path (`rules[2].when.purpose`) of
 * the problem; then every rule's examples are run against the whole policy and the first that does
 * not hold is reported with what it got.
 */
export function parsePolicy(text: string, digest: string, source = 'policy'): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lineCounter.linePos(yamlError.pos[0]);
    throw invalid(`${source}:${pos.line}:${pos.col}: ${yamlError.message.split('\n')[0]}`, {
      line: pos.line,
      column: pos.col,
    });
  }
  const parsed = policySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    let line = 0;
    for (let n = path.length; n >= 0 && line === 0; n--) {
      const node = doc.getIn(path.slice(0, n) as Array<string | number>, true) as unknown;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range && (isMap(node) || isSeq(node) || typeof range[0] === 'number')) {
        line = lineCounter.linePos(range[0]).line;
      }
    }
    const where = path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('');
    const keys = issue?.code === 'unrecognized_keys' ? ` (unknown key ${issue.keys.join(', ')})` : '';
    throw invalid(`${source}:${line}: ${where || '(top)'}: ${issue?.message ?? 'invalid'}${keys}`, {
      line,
      path: where,
    });
  }
  const policy: Policy = { ...(parsed.data as Omit<Policy, 'digest'>), digest };
  const ids = new Set<string>();
  for (const rule of policy.rules) {
    if (ids.has(rule.id)) throw invalid(`${source}: rule id ${rule.id} appears twice.`, { rule: rule.id });
    ids.add(rule.id);
  }
  for (const rule of policy.rules) {
    rule.examples.forEach((example, i) => {
      const decision = evaluatePolicy(policy, exampleRequest(rule, example));
      const got = decision.allowed ? 'allow' : decision.code;
      if (got !== example.expect) {
        const name = example.name ? ` "${example.name}"` : '';
        const why = decision.allowed ? `rule ${decision.ruleId} allowed it` : decision.message;
        throw invalid(
          `${source}: rule ${rule.id}, example ${i + 1}${name}: expected ${example.expect}, got ${got} (${why}).`,
          { rule: rule.id, example: i + 1 },
        );
      }
    });
  }
  return policy;
}
