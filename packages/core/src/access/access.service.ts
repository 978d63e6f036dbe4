import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { entryFor, type LedgerAction } from '../ledger/entry';
import type { AccessGuard, StaffReadRequest } from '../shared/access-guard';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import { externalId, toValidationError } from '../vault/interchange';
import { containsPersonalNumber } from '../vault/pii-validators';
import type { RevealedFields, VaultService } from '../vault/vault.service';
import type { BreakGlassRow, SecurityAlertRow } from './access.ports';
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

/** What a reveal's transaction decided, before its ledger entry is appended. */
type RevealOutcome =
  | { error: CordonError }
  | { value: Omit<RevealResult, 'ledgerSeq'>; alert: SecurityAlertRow | undefined };

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
  async decide(
    repos: Repositories,
    ctx: RequestContext,
    request: {
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
    },
  ): Promise<Decided> {
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
    const staff = await repos.staff.find(ctx.actor.id);
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
    const now = this.deps.clock.now();
    const purpose = request.purpose ?? ctx.purpose;
    const reference = request.reference ?? ctx.reference;
    const counted = ['reveal', 'search', 'break_glass'].includes(request.action);
    if (counted) await repos.access.lockStaff(staff.id);
    const [referencedTicket, openTickets, delivery, merchantOrder, counters] = await Promise.all([
      reference ? repos.assignments.findTicket(reference) : Promise.resolve(undefined),
      request.customerId
        ? repos.assignments.openTicketsOn(staff.id, request.customerId)
        : Promise.resolve([] as string[]),
      request.orderId ? repos.assignments.findDelivery(request.orderId) : Promise.resolve(undefined),
      request.orderId ? repos.assignments.findMerchantOrder(request.orderId) : Promise.resolve(undefined),
      counted
        ? repos.access.counters(staff.id, request.customerId, now)
        : Promise.resolve({
            revealed24h: 0,
            alreadyRevealed: false,
            searchesLastMinute: 0,
            breakGlass24h: 0,
          }),
    ]);
    const facts: PolicyFacts = {
      referencedTicket,
      openTicketsOnCustomer: openTickets,
      delivery,
      merchantOrder,
      revealedCustomers24h: counters.revealed24h,
      alreadyRevealed: counters.alreadyRevealed,
      searchesLastMinute: counters.searchesLastMinute,
      breakGlass24h: counters.breakGlass24h,
      requester: request.requester,
    };
    const decision = evaluatePolicy(this.deps.policy, {
      now,
      actor: staff,
      action: request.action,
      customerId: request.customerId,
      orderId: request.orderId,
      purpose,
      reference,
      justification: request.justification,
      fields: request.fields ?? [],
      searchBy: request.searchBy,
      plaintext: request.plaintext,
      facts,
    });
    if (decision.allowed && containedActions.includes(request.action)) {
      const hold = await repos.watch.findHold(staff.id);
      if (hold && hold.status !== 'released') {
        return {
          decision: {
            allowed: false,
            code: 'CORDON_ERR_CONTAINED',
            message: `Your reveal and export rights are paused (watch alert ${hold.alertId}) until a security admin reviews it.`,
          },
          staff,
        };
      }
    }
    return { decision, staff };
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
   */
  async reveal(ctx: RequestContext, raw: unknown): Promise<RevealResult> {
    const parsed = revealRequestSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const action: PolicyAction = input.breakGlass ? 'break_glass' : 'reveal';
    const ledgerAction: LedgerAction = input.breakGlass ? 'break_glass' : 'reveal';
    const purpose = input.purpose ?? ctx.purpose ?? (input.breakGlass ? 'break_glass' : undefined);
    const reference = input.reference ?? ctx.reference;
    const rctx: RequestContext = { ...ctx, purpose, reference };
    // The decision, counters, break-glass records and decryption commit in one transaction (run in
    // parallel with other people's reveals); the entry then joins a shared group-commit append, and
    // the plaintext is released only once that has committed (ADR 0011).
    const { result: outcome, appended } = await this.deps.uow.runRecorded<RevealOutcome>(async (repos) => {
      const now = this.deps.clock.now();
      const order = input.orderId ? await repos.vault.findOrder(input.orderId) : undefined;
      const customer = input.customerId ? await repos.vault.findCustomer(input.customerId) : undefined;
      const customerId = input.orderId ? order?.customerId : input.customerId;
      const exists = input.orderId ? order?.key != null : customer?.key != null;
      const { decision, staff } = await this.decide(repos, rctx, {
        action,
        customerId,
        orderId: input.orderId,
        fields: input.fields,
        justification: input.breakGlass?.justification,
        purpose,
        reference,
      });
      const subject = {
        customerIds: customerId ? [customerId] : [],
        orderIds: input.orderId ? [input.orderId] : [],
        fields: input.fields,
      };
      if (!decision.allowed) {
        return {
          result: { error: AccessService.denial(decision) as CordonError },
          entries: [
            entryFor(rctx, now, ledgerAction, {
              ...subject,
              outcome: 'denied',
              errorCode: decision.code,
              detail: decision.ruleId ? { rule: decision.ruleId } : undefined,
            }),
          ],
        };
      }
      // Existence is reported only to someone the policy allowed, so probing ids tells nothing.
      if (!exists || !customerId || !staff) {
        const error = new CordonError(
          'CORDON_ERR_NOT_FOUND',
          `No ${input.orderId ? 'order' : 'customer'} with that id (or it was erased).`,
          { id: input.orderId ?? input.customerId ?? null },
        );
        return {
          result: { error },
          entries: [
            entryFor(rctx, now, ledgerAction, { ...subject, outcome: 'denied', errorCode: error.code }),
          ],
        };
      }
      const fields = await this.deps.vault.revealFields(
        repos,
        { customerId, orderId: input.orderId },
        input.fields,
        { order, customer },
      );
      let breakGlassId: string | undefined;
      let alert: SecurityAlertRow | undefined;
      const grants: Array<{ staffId: string; kind: 'reveal' | 'break_glass'; customerId: string; at: Date }> =
        [{ staffId: staff.id, kind: 'reveal', customerId, at: now }];
      if (input.breakGlass) {
        breakGlassId = `bg_${randomUUID()}`;
        grants.push({ staffId: staff.id, kind: 'break_glass', customerId, at: now });
        const row: BreakGlassRow = {
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
        };
        await repos.access.insertBreakGlass(row);
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
      await repos.access.recordGrants(grants);
      return {
        result: {
          value: {
            customerId,
            orderId: input.orderId,
            fields,
            purpose,
            reference,
            breakGlassId,
          },
          alert,
        },
        entries: [
          entryFor(rctx, now, ledgerAction, {
            ...subject,
            detail: breakGlassId
              ? { rule: decision.ruleId, breakGlass: breakGlassId }
              : { rule: decision.ruleId },
          }),
        ],
      };
    });
    if ('error' in outcome) throw outcome.error;
    const entry = appended[0];
    if (!entry) throw new CordonError('CORDON_ERR_INTERNAL', 'ledger append returned nothing');
    if (outcome.alert) this.deps.onAlert?.(outcome.alert);
    return { ...outcome.value, ledgerSeq: entry.seq } satisfies RevealResult;
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
