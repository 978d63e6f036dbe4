import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { entryFor, type LedgerAction, type LedgerEntryInput } from '../ledger/entry';
import type { AccessGuard, StaffReadRequest } from '../shared/access-guard';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import { externalId, toValidationError } from '../vault/interchange';
import { containsPersonalNumber } from '../vault/pii-validators';
import type { StoredCustomer, StoredOrder } from '../vault/vault.ports';
import type { RevealedFields, VaultService } from '../vault/vault.service';
import type { BreakGlassRow, GrantCounters, GrantRow, SecurityAlertRow } from './access.ports';
import {
  evaluatePolicy,
  type Policy,
  type PolicyAction,
  type PolicyDecision,
  type PolicyFacts,
  revealableFields,
} from './policy';
import type { StaffMember } from './staff';

const purposeWord = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a lower-case word such as customer_support');
export const referenceText = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, '1–128 printable characters')
  .refine(
    (r) => !containsPersonalNumber(r),
    'a reference must not carry a phone or ID number (it is ledgered)',
  );

export const revealRequestSchema = z
  .strictObject({
    customerId: externalId.optional(),
    orderId: externalId.optional(),
    fields: z.array(z.enum(revealableFields)).min(1).max(revealableFields.length),
    purpose: purposeWord.optional(),
    reference: referenceText.optional(),
    /** Set for a break-glass reveal (no assignment): the written reason, kept for the review. */
    breakGlass: z.strictObject({ justification: z.string().trim().min(1).max(2000) }).optional(),
  })
  .refine((r) => (r.customerId === undefined) !== (r.orderId === undefined), {
    message: 'give exactly one of customerId or orderId',
    path: ['customerId'],
  })
  .refine((r) => r.orderId !== undefined || !r.fields.includes('address'), {
    message: 'addresses are kept per order: reveal an address by orderId',
    path: ['fields'],
  });
export type RevealRequest = z.infer<typeof revealRequestSchema>;

export interface RevealResult {
  customerId: string;
  orderId?: string | undefined;
  fields: RevealedFields;
  purpose: string | undefined;
  reference: string | undefined;
  ledgerSeq: number;
  breakGlassId?: string | undefined;
}

/** What the access service needs; the policy is loaded (and validated) by the composition root. */
export interface AccessDeps {
  uow: UnitOfWork;
  clock: Clock;
  policy: Policy;
  vault: VaultService;
  /** Called after a break-glass reveal commits: the immediate alert to the security team (no PII). */
  onAlert?: ((alert: SecurityAlertRow) => void) | undefined;
}

/** What a watch containment pauses: the actions that let data leave in plaintext or in bulk. */
const containedActions: readonly PolicyAction[] = ['reveal', 'export', 'break_glass'];

type Decided = { decision: PolicyDecision; staff: StaffMember | undefined };

/** What is asked of the policy; the actor, purpose and reference default to the request context's. */
export interface DecideRequest {
  action: PolicyAction;
  customerId?: string | undefined;
  orderId?: string | undefined;
  fields?: readonly string[] | undefined;
  searchBy?: string | undefined;
  plaintext?: boolean | undefined;
  justification?: string | undefined;
  requester?: string | undefined;
  purpose?: string | undefined;
  reference?: string | undefined;
}

/** Actions that use up a quota or a rate, so their decisions hold the person's advisory lock. */
const countedActions: readonly PolicyAction[] = ['reveal', 'search', 'break_glass'];

const NO_COUNTERS: GrantCounters = {
  revealed24h: 0,
  alreadyRevealed: false,
  searchesLastMinute: 0,
  breakGlass24h: 0,
};

const pairKey = (staffId: string, customerId: string): string => `${staffId}\u0000${customerId}`;

/** What a reveal's transaction decided (`ledgerSeq` is filled in once its entry is appended). */
type RevealOutcome = { error: CordonError } | { value: RevealResult; alert: SecurityAlertRow | undefined };

/** A reveal waiting for its batch: the parsed request and its context (purpose and reference set). */
interface PendingReveal {
  ctx: RequestContext;
  input: RevealRequest;
  resolve: (outcome: RevealOutcome) => void;
  reject: (error: unknown) => void;
}

/** Reveals decided together at most (one transaction), and batches running at once. */
const MAX_REVEAL_BATCH = 64;
const MAX_REVEAL_BATCHES = 1;

/**
 * Takes the next batch off the queue in arrival order, at most one reveal per person: a person's
 * second reveal waits for the next batch, so it sees the first one's grant in its counters.
 */
function takeRevealBatch(queue: PendingReveal[]): PendingReveal[] {
  const batch: PendingReveal[] = [];
  const waiting: PendingReveal[] = [];
  const people = new Set<string>();
  for (const p of queue) {
    const who = `${p.ctx.actor.type}:${p.ctx.actor.id}`;
    if (batch.length < MAX_REVEAL_BATCH && !people.has(who)) {
      people.add(who);
      batch.push(p);
    } else {
      waiting.push(p);
    }
  }
  queue.splice(0, queue.length, ...waiting);
  return batch;
}

/**
 * Purpose-bound access: every staff read and reveal is decided by the policy against the person's own
 * tickets, deliveries and counters, inside the transaction that records it. Grants and denials alike
 * go into the ledger with their code.
 */
export class AccessService implements AccessGuard {
  constructor(private readonly deps: AccessDeps) {}

  get policy(): Policy {
    return this.deps.policy;
  }

  /**
   * Gathers the facts of a request and decides it. The person is read fresh in the same transaction,
   * so a status change (suspended, departed) takes effect on the next request, whatever session or
   * token the person still holds.
   */
  async decide(repos: Repositories, ctx: RequestContext, request: DecideRequest): Promise<Decided> {
    const [decided] = await this.decideMany(repos, [{ ctx, request }]);
    if (!decided) throw new CordonError('CORDON_ERR_INTERNAL', 'decideMany answered nothing');
    return decided;
  }

  /**
   * Decides several requests with one batched lookup per kind of fact (people, tickets, open
   * tickets, deliveries, merchant orders, counters, holds) instead of one round trip per fact per
   * request. Counted requests (reveal, search, break-glass) take their people's advisory locks first,
   * in one statement, and must belong to different people: their counters are read once, before any
   * of them is granted, so two of one person's requests in one call could both pass a quota with one
   * place left.
   */
  async decideMany(
    repos: Repositories,
    items: ReadonlyArray<{ ctx: RequestContext; request: DecideRequest }>,
  ): Promise<Decided[]> {
    const now = this.deps.clock.now();
    const staffOf = (ctx: RequestContext) => (ctx.actor.type === 'staff' ? ctx.actor.id : undefined);
    const staffIds = [...new Set(items.flatMap(({ ctx }) => staffOf(ctx) ?? []))];
    const countedIds = items.flatMap(({ ctx, request }) =>
      countedActions.includes(request.action) ? (staffOf(ctx) ?? []) : [],
    );
    if (new Set(countedIds).size !== countedIds.length) {
      throw new CordonError(
        'CORDON_ERR_INTERNAL',
        'decideMany was given two counted requests of one person; decide them in separate calls.',
      );
    }
    // Counted people are read with their locks (one statement), the others on their own.
    const locked = countedIds.length > 0 ? await repos.access.lockStaff(countedIds) : [];
    const lockedIds = new Set(countedIds);
    const others = staffIds.filter((id) => !lockedIds.has(id));
    const people = new Map(
      [...locked, ...(others.length > 0 ? await repos.staff.findMany(others) : [])].map((p) => [p.id, p]),
    );
    const asked = items.map(({ ctx, request }) => {
      const staff = ctx.actor.type === 'staff' ? people.get(ctx.actor.id) : undefined;
      return {
        ctx,
        request,
        staff,
        purpose: request.purpose ?? ctx.purpose,
        reference: request.reference ?? ctx.reference,
        counted: staff !== undefined && countedActions.includes(request.action),
      };
    });
    const known = asked.filter((a) => a.staff !== undefined);
    const references = [...new Set(known.flatMap((a) => (a.reference ? [a.reference] : [])))];
    const pairs = known.flatMap((a) =>
      a.staff && a.request.customerId ? [{ staffId: a.staff.id, customerId: a.request.customerId }] : [],
    );
    const orderIds = [...new Set(known.flatMap((a) => (a.request.orderId ? [a.request.orderId] : [])))];
    const counted = known.filter((a) => a.counted);
    const heldIds = [
      ...new Set(
        known.filter((a) => containedActions.includes(a.request.action)).map((a) => a.staff?.id ?? ''),
      ),
    ];
    const { tickets, openTickets, deliveries, merchantOrders, counters, holds } =
      await repos.access.policyFacts(
        {
          ticketIds: references,
          openTicketPairs: pairs,
          orderIds,
          counters: counted.map((a) => ({ staffId: a.staff?.id ?? '', customerId: a.request.customerId })),
          holds: heldIds,
        },
        now,
      );
    const ticketById = new Map(tickets.map((t) => [t.id, t]));
    const openOn = new Map(openTickets.map((o) => [pairKey(o.staffId, o.customerId), o.ticketIds]));
    const deliveryOf = new Map(deliveries.map((d) => [d.orderId, d]));
    const merchantOf = new Map(merchantOrders.map((m) => [m.orderId, m]));
    const countersOf = new Map(counted.map((a, i) => [a, counters[i]]));
    const holdOf = new Map(holds.map((h) => [h.staffId, h]));

    return asked.map((a): Decided => {
      const { ctx, request, staff } = a;
      if (ctx.actor.type !== 'staff') {
        return {
          decision: {
            allowed: false,
            code: 'CORDON_ERR_FORBIDDEN',
            message: 'This action is for staff accounts; a system credential cannot do it.',
          },
          staff: undefined,
        };
      }
      if (!staff) {
        return {
          decision: {
            allowed: false,
            code: 'CORDON_ERR_ACCOUNT_INACTIVE',
            message: `Account ${ctx.actor.id} is not in the staff directory.`,
          },
          staff: undefined,
        };
      }
      const count = countersOf.get(a) ?? NO_COUNTERS;
      const facts: PolicyFacts = {
        referencedTicket: a.reference ? ticketById.get(a.reference) : undefined,
        openTicketsOnCustomer: request.customerId
          ? (openOn.get(pairKey(staff.id, request.customerId)) ?? [])
          : [],
        delivery: request.orderId ? deliveryOf.get(request.orderId) : undefined,
        merchantOrder: request.orderId ? merchantOf.get(request.orderId) : undefined,
        revealedCustomers24h: count.revealed24h,
        alreadyRevealed: count.alreadyRevealed,
        searchesLastMinute: count.searchesLastMinute,
        breakGlass24h: count.breakGlass24h,
        requester: request.requester,
      };
      const decision = evaluatePolicy(this.deps.policy, {
        now,
        actor: staff,
        action: request.action,
        customerId: request.customerId,
        orderId: request.orderId,
        purpose: a.purpose,
        reference: a.reference,
        justification: request.justification,
        fields: request.fields ?? [],
        searchBy: request.searchBy,
        plaintext: request.plaintext,
        facts,
      });
      const hold = holdOf.get(staff.id);
      if (
        decision.allowed &&
        containedActions.includes(request.action) &&
        hold &&
        hold.status !== 'released'
      ) {
        return {
          decision: {
            allowed: false,
            code: 'CORDON_ERR_CONTAINED',
            message: `Your reveal and export rights are paused (watch alert ${hold.alertId}) until a security admin reviews it.`,
          },
          staff,
        };
      }
      return { decision, staff };
    });
  }

  /** Decides and throws the denial (for actions whose denial the caller records itself). */
  static denial(decision: PolicyDecision): CordonError | undefined {
    if (decision.allowed) return undefined;
    return new CordonError(decision.code, decision.message, { rule: decision.ruleId ?? null });
  }

  /** AccessGuard: the vault asks before a staff member's masked view or search. */
  async checkStaffRead(
    repos: Repositories,
    ctx: RequestContext,
    request: StaffReadRequest,
  ): Promise<
    { denied: CordonError; customerId?: string | undefined } | { denied?: undefined; ruleId: string }
  > {
    let customerId = request.customerId;
    if (request.orderId && !customerId) {
      customerId = (await repos.vault.findOrder(request.orderId))?.customerId;
    }
    const { decision, staff } = await this.decide(repos, ctx, { ...request, customerId });
    if (!decision.allowed) {
      return { denied: AccessService.denial(decision) as CordonError, customerId };
    }
    if (request.action === 'search' && staff) {
      await repos.access.recordGrants([
        { staffId: staff.id, kind: 'search', customerId: null, at: this.deps.clock.now() },
      ]);
    }
    return { ruleId: decision.ruleId };
  }

  /**
   * Reveals plaintext fields of one customer or order for a stated purpose and reference (or, with
   * `breakGlass`, without an assignment). The decision, the quota counter and the decryption happen
   * in one transaction, the ledger entry in the next group commit, and nothing is returned before it
   * has committed; a denial is recorded with its code and then raised.
   *
   * Reveals that arrive while others are being decided are decided together (ADR 0012): one
   * transaction, one batched lookup per kind of fact, one grant insert, one commit, at most one
   * reveal per person in a batch so every quota stays exact.
   */
  async reveal(ctx: RequestContext, raw: unknown): Promise<RevealResult> {
    const parsed = revealRequestSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const purpose = input.purpose ?? ctx.purpose ?? (input.breakGlass ? 'break_glass' : undefined);
    const reference = input.reference ?? ctx.reference;
    const outcome = await new Promise<RevealOutcome>((resolve, reject) => {
      this.revealQueue.push({ ctx: { ...ctx, purpose, reference }, input, resolve, reject });
      this.pumpReveals();
    });
    if ('error' in outcome) throw outcome.error;
    if (outcome.alert) this.deps.onAlert?.(outcome.alert);
    return outcome.value;
  }

  /** Reveals waiting for a batch, the batches deciding now, and whether a start is scheduled. */
  private readonly revealQueue: PendingReveal[] = [];
  private revealBatchesRunning = 0;
  private pumpScheduled = false;

  /**
   * Starts batches while fewer than MAX_REVEAL_BATCHES are deciding. The start waits for the end of
   * the current turn of the event loop (setImmediate), so reveals that arrive together leave
   * together; light load waits for nothing else. A batch gives up its place once its transaction's
   * work is done: its commit and its ledger append overlap the next batch's decisions (a person in
   * both waits on their advisory lock, so counters stay exact).
   */
  private pumpReveals(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      while (this.revealBatchesRunning < MAX_REVEAL_BATCHES && this.revealQueue.length > 0) {
        const batch = takeRevealBatch(this.revealQueue);
        this.revealBatchesRunning += 1;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          this.revealBatchesRunning -= 1;
          this.pumpReveals();
        };
        void this.runRevealBatch(batch, release).finally(release);
      }
    });
  }

  /**
   * Runs one batch; if anything inside its transaction fails (so none of it committed — the ledger
   * entries are written in the same transaction), each reveal is retried alone so one bad request
   * never fails its neighbours. A failure of the commit itself is not retried: it is reported.
   */
  private async runRevealBatch(batch: PendingReveal[], release: () => void): Promise<void> {
    const attempt = async (group: PendingReveal[]): Promise<boolean> => {
      let inside = true;
      try {
        const outcomes = await this.revealTogether(
          group,
          () => {
            if (group === batch) release();
          },
          () => {
            inside = false;
          },
        );
        group.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome) p.resolve(outcome);
          else p.reject(new CordonError('CORDON_ERR_INTERNAL', 'a reveal batch lost a request'));
        });
        return true;
      } catch (error) {
        if (!inside || group.length === 1) {
          for (const p of group) p.reject(error);
          return true;
        }
        return false;
      }
    };
    if (await attempt(batch)) return;
    for (const p of batch) await attempt([p]);
  }

  /**
   * Decides, decrypts and records a batch of reveals (of different people) in one transaction,
   * their ledger entries included, so a decision and its entry commit together or not at all.
   * `decided` is called once the decisions are made (the next batch may start deciding while this
   * one appends and commits); `committing` once the transaction's statements are done.
   */
  private async revealTogether(
    batch: readonly PendingReveal[],
    decided: () => void,
    committing: () => void,
  ): Promise<RevealOutcome[]> {
    return this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const orderIds = [...new Set(batch.flatMap((p) => (p.input.orderId ? [p.input.orderId] : [])))];
      const customerIds = [
        ...new Set(batch.flatMap((p) => (p.input.customerId ? [p.input.customerId] : []))),
      ];
      const [orders, customers] = await Promise.all([
        orderIds.length > 0 ? repos.vault.findOrders(orderIds) : [],
        customerIds.length > 0 ? repos.vault.findCustomers(customerIds) : [],
      ]);
      const orderById = new Map(orders.map((o) => [o.id, o]));
      const customerById = new Map(customers.map((c) => [c.id, c]));
      const subjects = batch.map((p) => {
        const order = p.input.orderId ? orderById.get(p.input.orderId) : undefined;
        const customer = p.input.customerId ? customerById.get(p.input.customerId) : undefined;
        return {
          order,
          customer,
          customerId: p.input.orderId ? order?.customerId : p.input.customerId,
          exists: p.input.orderId ? order?.key != null : customer?.key != null,
        };
      });
      const decisions = await this.decideMany(
        repos,
        batch.map((p, i) => ({
          ctx: p.ctx,
          request: {
            action: p.input.breakGlass ? ('break_glass' as const) : ('reveal' as const),
            customerId: subjects[i]?.customerId,
            orderId: p.input.orderId,
            fields: p.input.fields,
            justification: p.input.breakGlass?.justification,
          },
        })),
      );
      const outcomes: RevealOutcome[] = [];
      const entries: LedgerEntryInput[] = [];
      const grants: GrantRow[] = [];
      for (const [i, p] of batch.entries()) {
        const subject = subjects[i];
        const decidedOne = decisions[i];
        if (!subject || !decidedOne) throw new CordonError('CORDON_ERR_INTERNAL', 'reveal batch misaligned');
        const one = await this.revealOne(repos, now, p, subject, decidedOne);
        outcomes.push(one.outcome);
        entries.push(one.entry);
        grants.push(...one.grants);
      }
      decided();
      // Last, so the ledger head is held only from here to the commit (ADR 0012, amended); the
      // grants go in the append's statement (a person's next batch waits on their lock until this
      // one commits, so it counts them).
      const appended = await repos.ledger.append(entries, { grants });
      committing();
      return outcomes.map((outcome, i) => {
        if ('error' in outcome) return outcome;
        const entry = appended[i];
        if (!entry) throw new CordonError('CORDON_ERR_INTERNAL', 'ledger append returned too few entries');
        return { ...outcome, value: { ...outcome.value, ledgerSeq: entry.seq } };
      });
    });
  }

  /** One reveal of a batch: its outcome, its ledger entry and the grants it uses up. */
  private async revealOne(
    repos: Repositories,
    now: Date,
    p: PendingReveal,
    subject: {
      order: StoredOrder | undefined;
      customer: StoredCustomer | undefined;
      customerId: string | undefined;
      exists: boolean;
    },
    { decision, staff }: Decided,
  ): Promise<{
    outcome: RevealOutcome;
    entry: LedgerEntryInput;
    grants: GrantRow[];
  }> {
    const { ctx, input } = p;
    const ledgerAction: LedgerAction = input.breakGlass ? 'break_glass' : 'reveal';
    const { customerId } = subject;
    const entrySubject = {
      customerIds: customerId ? [customerId] : [],
      orderIds: input.orderId ? [input.orderId] : [],
      fields: input.fields,
    };
    if (!decision.allowed) {
      return {
        outcome: { error: AccessService.denial(decision) as CordonError },
        entry: entryFor(ctx, now, ledgerAction, {
          ...entrySubject,
          outcome: 'denied',
          errorCode: decision.code,
          detail: decision.ruleId ? { rule: decision.ruleId } : undefined,
        }),
        grants: [],
      };
    }
    // Existence is reported only to someone the policy allowed, so probing ids tells nothing.
    if (!subject.exists || !customerId || !staff) {
      const error = new CordonError(
        'CORDON_ERR_NOT_FOUND',
        `No ${input.orderId ? 'order' : 'customer'} with that id (or it was erased).`,
        { id: input.orderId ?? input.customerId ?? null },
      );
      return {
        outcome: { error },
        entry: entryFor(ctx, now, ledgerAction, {
          ...entrySubject,
          outcome: 'denied',
          errorCode: error.code,
        }),
        grants: [],
      };
    }
    const fields = await this.deps.vault.revealFields(
      repos,
      { customerId, orderId: input.orderId },
      input.fields,
      { order: subject.order, customer: subject.customer },
    );
    let breakGlassId: string | undefined;
    let alert: SecurityAlertRow | undefined;
    const grants: GrantRow[] = [{ staffId: staff.id, kind: 'reveal', customerId, at: now }];
    if (input.breakGlass) {
      breakGlassId = `bg_${randomUUID()}`;
      grants.push({ staffId: staff.id, kind: 'break_glass', customerId, at: now });
      await repos.access.insertBreakGlass({
        id: breakGlassId,
        staffId: staff.id,
        customerId,
        orderId: input.orderId ?? null,
        fields: [...input.fields],
        justification: input.breakGlass.justification,
        at: now,
        reviewStatus: 'pending',
        reviewer: null,
        reviewedAt: null,
        reviewNote: null,
      });
      alert = {
        id: `al_${randomUUID()}`,
        kind: 'break_glass',
        severity: 'high',
        staffId: staff.id,
        subject: breakGlassId,
        detail: { customerId, fields: input.fields.join(' '), role: staff.role },
        createdAt: now,
        status: 'open',
      };
      await repos.access.insertAlert(alert);
    }
    return {
      outcome: {
        value: {
          customerId,
          orderId: input.orderId,
          fields,
          purpose: ctx.purpose,
          reference: ctx.reference,
          breakGlassId,
          ledgerSeq: 0,
        },
        alert,
      },
      entry: entryFor(ctx, now, ledgerAction, {
        ...entrySubject,
        detail: breakGlassId
          ? { rule: decision.ruleId, breakGlass: breakGlassId }
          : { rule: decision.ruleId },
      }),
      grants,
    };
  }

  /** Break-glass uses awaiting (or past) review, for security admins and the DPO. */
  async listBreakGlass(
    ctx: RequestContext,
    status: BreakGlassRow['reviewStatus'] | undefined,
  ): Promise<BreakGlassRow[]> {
    return this.deps.uow.run(async (repos) => {
      const { decision } = await this.decide(repos, ctx, { action: 'approve' });
      const denial = AccessService.denial(decision);
      if (denial) throw denial;
      return repos.access.listBreakGlass(status, 200);
    });
  }

  /** The mandatory review of a break-glass use, by a second person with the approve right. */
  async reviewBreakGlass(ctx: RequestContext, id: string, raw: unknown): Promise<BreakGlassRow> {
    const parsed = z
      .strictObject({
        outcome: z.enum(['justified', 'unjustified']),
        note: z.string().trim().min(1).max(2000),
      })
      .safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const review = parsed.data;
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const row = await repos.access.findBreakGlass(id);
      if (!row)
        return { error: new CordonError('CORDON_ERR_NOT_FOUND', `No break-glass record ${id}.`, { id }) };
      const { decision, staff } = await this.decide(repos, ctx, {
        action: 'approve',
        requester: row.staffId,
      });
      const denial = AccessService.denial(decision);
      if (denial || !staff) {
        await repos.ledger.append([
          entryFor(ctx, now, 'review', {
            customerIds: [row.customerId],
            outcome: 'denied',
            errorCode: denial?.code ?? 'CORDON_ERR_FORBIDDEN',
            detail: { breakGlass: id },
          }),
        ]);
        return { error: denial ?? new CordonError('CORDON_ERR_FORBIDDEN') };
      }
      const done = await repos.access.reviewBreakGlass(id, {
        status: review.outcome,
        reviewer: staff.id,
        at: now,
        note: review.note,
      });
      if (!done) {
        return {
          error: new CordonError('CORDON_ERR_INVALID_STATE', `Break-glass ${id} was already reviewed.`, {
            id,
          }),
        };
      }
      await repos.ledger.append([
        entryFor(ctx, now, 'review', {
          customerIds: [row.customerId],
          detail: { breakGlass: id, outcome: review.outcome, subject: row.staffId },
        }),
      ]);
      return {
        value: {
          ...row,
          reviewStatus: review.outcome,
          reviewer: staff.id,
          reviewedAt: now,
          reviewNote: review.note,
        },
      };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Open security alerts (break-glass uses now; watch adds its own later). */
  async listAlerts(ctx: RequestContext): Promise<SecurityAlertRow[]> {
    return this.deps.uow.run(async (repos) => {
      const { decision } = await this.decide(repos, ctx, { action: 'approve' });
      const denial = AccessService.denial(decision);
      if (denial && !ctx.scopes.includes('admin')) throw denial;
      return repos.access.listAlerts(undefined, 200);
    });
  }
}
