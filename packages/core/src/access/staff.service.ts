import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { entryFor, type LedgerAction } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock, RandomSource } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import type { KeyProvider } from '../vault/crypto';
import { toValidationError } from '../vault/interchange';
import { MAX_BATCH } from '../vault/vault.service';
import type { AccessService } from './access.service';
import { checkPasswordStrength, hashPassword } from './password';
import type { PolicyAction } from './policy';
import {
  deliverySchema,
  merchantOrderSchema,
  type StaffMember,
  type StaffStatus,
  staffSchema,
  staffStatuses,
  ticketSchema,
  toStaffMember,
  toTicket,
} from './staff';
import { base32Encode, generateTotpSecret, otpauthUri } from './totp';

export const STAFF_TOKEN = /^cs_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export function hashStaffSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** AAD-like context for wrapping a person's TOTP secret under the keyring's KEK (NUL cannot occur in ids). */
export function totpWrapContext(staffId: string): string {
  return `staff-totp\u0000${staffId}`;
}

export interface StaffDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: RandomSource;
  keys: KeyProvider;
  access: AccessService;
}

type LineOf = (i: number) => { line?: number; index?: number };

function parseBatch<S extends z.ZodType>(
  schema: S,
  raw: readonly unknown[],
  lineOf: LineOf,
): Array<z.infer<S>> {
  if (raw.length === 0) throw new CordonError('CORDON_ERR_VALIDATION', 'The batch is empty.');
  if (raw.length > MAX_BATCH) {
    throw new CordonError(
      'CORDON_ERR_BATCH_TOO_LARGE',
      `The batch has ${raw.length} items; the limit is ${MAX_BATCH}.`,
      {
        count: raw.length,
        limit: MAX_BATCH,
      },
    );
  }
  return raw.map((r, i) => {
    const parsed = schema.safeParse(r);
    if (!parsed.success) throw toValidationError(parsed.error, lineOf(i));
    return parsed.data;
  });
}

function assertUnique(ids: readonly string[], lineOf: LineOf): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) {
      throw new CordonError('CORDON_ERR_DUPLICATE_IN_BATCH', `id ${id} appears twice in the batch.`, {
        id,
        ...lineOf(i),
      });
    }
    seen.add(id);
  });
}

/**
 * The staff directory (fed by HR: import or API), account status, bearer tokens for staff tools and
 * sign-in credentials, plus the assignments fed by the shop's ticket, logistics and merchant systems.
 * Changes are allowed to system credentials with the matching scope or to staff whose policy grants
 * manage_staff; every change and every refusal is ledgered.
 */
export class StaffService {
  constructor(private readonly deps: StaffDeps) {}

  /** Authorises a management change inside `repos`' transaction; returns the refusal (to be recorded). */
  private async authorize(
    repos: Repositories,
    ctx: RequestContext,
    scope: string,
    action: PolicyAction = 'manage_staff',
  ): Promise<CordonError | undefined> {
    if (ctx.actor.type === 'apikey') {
      return ctx.scopes.includes(scope) || ctx.scopes.includes('admin')
        ? undefined
        : new CordonError('CORDON_ERR_FORBIDDEN', `This credential lacks the "${scope}" scope.`, { scope });
    }
    if (ctx.actor.type === 'system') return undefined;
    const { decision } = await this.deps.access.decide(repos, ctx, { action });
    return decision.allowed ? undefined : new CordonError(decision.code, decision.message);
  }

  /** Runs a management change: authorise, apply, ledger; a refusal is ledgered and then raised. */
  private async change<T>(
    ctx: RequestContext,
    scope: string,
    ledgerAction: LedgerAction,
    apply: (
      repos: Repositories,
      now: Date,
    ) => Promise<{ value: T; detail: Record<string, string | number | boolean> }>,
  ): Promise<T> {
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const refusal = await this.authorize(repos, ctx, scope);
      if (refusal) {
        await repos.ledger.append([
          entryFor(ctx, now, ledgerAction, { outcome: 'denied', errorCode: refusal.code }),
        ]);
        return { error: refusal };
      }
      const { value, detail } = await apply(repos, now);
      await repos.ledger.append([entryFor(ctx, now, ledgerAction, { detail })]);
      return { value };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * Imports up to 1,000 people (insert or replace by id). Anyone whose status becomes suspended or
   * departed loses every session and token in the same transaction.
   */
  async importStaff(
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: LineOf = (index) => ({ index }),
  ): Promise<{ received: number; inserted: number; updated: number; deactivated: number }> {
    const inputs = parseBatch(staffSchema, raw, lineOf);
    assertUnique(
      inputs.map((s) => s.id),
      lineOf,
    );
    return this.change(ctx, 'staff:write', 'staff_change', async (repos, now) => {
      const rows = inputs.map((s) => toStaffMember(s, now));
      const { inserted, updated } = await repos.staff.upsert(rows);
      let deactivated = 0;
      for (const row of rows) {
        if (row.status !== 'active' && (inserted.includes(row.id) || updated.includes(row.id))) {
          await repos.staff.revokeSessions(row.id, now);
          await repos.staff.revokeTokens(row.id, now);
          deactivated++;
        }
      }
      return {
        value: { received: rows.length, inserted: inserted.length, updated: updated.length, deactivated },
        detail: {
          kind: 'staff',
          received: rows.length,
          inserted: inserted.length,
          updated: updated.length,
          deactivated,
          ...(rows.length <= 20 ? { staff: rows.map((r) => r.id).join(' ') } : {}),
        },
      };
    });
  }

  /** Suspends, reactivates or marks a person departed. Sessions and tokens end at once when not active. */
  async setStatus(ctx: RequestContext, id: string, status: string): Promise<StaffMember> {
    if (!(staffStatuses as readonly string[]).includes(status)) {
      throw new CordonError('CORDON_ERR_VALIDATION', `status must be one of ${staffStatuses.join(', ')}.`, {
        field: 'status',
      });
    }
    return this.change(ctx, 'staff:write', 'staff_change', async (repos, now) => {
      const done = await repos.staff.setStatus(id, status as StaffStatus, now);
      if (!done) throw new CordonError('CORDON_ERR_NOT_FOUND', `No staff member ${id}.`, { id });
      let revoked = 0;
      if (status !== 'active') {
        revoked += await repos.staff.revokeSessions(id, now);
        revoked += await repos.staff.revokeTokens(id, now);
      }
      const member = await repos.staff.find(id);
      if (!member) throw new CordonError('CORDON_ERR_NOT_FOUND', `No staff member ${id}.`, { id });
      return { value: member, detail: { staff: id, status, revoked } };
    });
  }

  async list(
    ctx: RequestContext,
    filter: { status?: string | undefined; role?: string | undefined },
  ): Promise<StaffMember[]> {
    if (filter.status !== undefined && !(staffStatuses as readonly string[]).includes(filter.status)) {
      throw new CordonError('CORDON_ERR_VALIDATION', `status must be one of ${staffStatuses.join(', ')}.`, {
        field: 'status',
      });
    }
    const outcome = await this.deps.uow.run(async (repos) => {
      const refusal = await this.authorize(repos, ctx, 'staff:read');
      if (refusal) return { error: refusal };
      return {
        value: await repos.staff.list({
          status: filter.status as StaffStatus | undefined,
          role: filter.role,
        }),
      };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Issues a bearer token for a staff tool, acting as that person; the token is shown once. */
  async issueToken(
    ctx: RequestContext,
    staffId: string,
    name = 'staff tool',
  ): Promise<{ id: string; token: string }> {
    const id = Buffer.from(this.deps.random.bytes(8)).toString('hex');
    const secret = Buffer.from(this.deps.random.bytes(32)).toString('base64url');
    return this.change(ctx, 'staff:write', 'staff_change', async (repos, now) => {
      const member = await repos.staff.find(staffId);
      if (!member)
        throw new CordonError('CORDON_ERR_NOT_FOUND', `No staff member ${staffId}.`, { id: staffId });
      if (member.status !== 'active') {
        throw new CordonError('CORDON_ERR_ACCOUNT_INACTIVE', `Staff member ${staffId} is ${member.status}.`);
      }
      await repos.staff.insertToken({
        id,
        staffId,
        name: name.slice(0, 64),
        secretHash: hashStaffSecret(secret),
        createdAt: now,
        revokedAt: null,
      });
      return {
        value: { id, token: `cs_${id}.${secret}` },
        detail: { staff: staffId, token: id, event: 'token_issued' },
      };
    });
  }

  /**
   * Sets a person's password (argon2id). An administrator sets the first one; the person's failed
   * sign-in count and lock are cleared.
   */
  async setPassword(ctx: RequestContext, staffId: string, password: string): Promise<void> {
    const weak = checkPasswordStrength(password);
    if (weak) throw new CordonError('CORDON_ERR_VALIDATION', weak, { field: 'password' });
    const hash = await hashPassword(password);
    await this.change(ctx, 'staff:write', 'staff_change', async (repos, now) => {
      const member = await repos.staff.find(staffId);
      if (!member)
        throw new CordonError('CORDON_ERR_NOT_FOUND', `No staff member ${staffId}.`, { id: staffId });
      const old = await repos.staff.findCredentials(staffId);
      await repos.staff.saveCredentials({
        staffId,
        passwordHash: hash,
        totpSecret: old?.totpSecret ?? null,
        totpKekVersion: old?.totpKekVersion ?? null,
        totpLastStep: old?.totpLastStep ?? null,
        failedCount: 0,
        lockedUntil: null,
        changedAt: now,
      });
      await repos.staff.revokeSessions(staffId, now);
      return { value: undefined, detail: { staff: staffId, event: 'password_set' } };
    });
  }

  /** Enrols (or re-enrols) TOTP; returns the secret and otpauth URI once. The secret is stored wrapped. */
  async enrollTotp(ctx: RequestContext, staffId: string): Promise<{ secret: string; uri: string }> {
    const secret = generateTotpSecret(this.deps.random);
    const version = this.deps.keys.activeKekVersion();
    const wrapped = this.deps.keys.wrapDataKey(secret, totpWrapContext(staffId), version);
    return this.change(ctx, 'staff:write', 'staff_change', async (repos, now) => {
      const old = await repos.staff.findCredentials(staffId);
      if (!old) {
        throw new CordonError(
          'CORDON_ERR_INVALID_STATE',
          `Set a password for ${staffId} before enrolling TOTP.`,
          {
            id: staffId,
          },
        );
      }
      await repos.staff.saveCredentials({
        ...old,
        totpSecret: wrapped,
        totpKekVersion: version,
        totpLastStep: null,
        changedAt: now,
      });
      return {
        value: {
          secret: base32Encode(secret),
          uri: otpauthUri({ issuer: 'Cordon', account: staffId, secret }),
        },
        detail: { staff: staffId, event: 'totp_enrolled' },
      };
    });
  }

  /** Support tickets from the ticket system (insert or replace by id). */
  async importTickets(ctx: RequestContext, raw: readonly unknown[], lineOf: LineOf = (index) => ({ index })) {
    const inputs = parseBatch(ticketSchema, raw, lineOf);
    assertUnique(
      inputs.map((t) => t.id),
      lineOf,
    );
    return this.change(ctx, 'assignments:write', 'assignment_change', async (repos) => {
      const n = await repos.assignments.upsertTickets(inputs.map(toTicket));
      return { value: { received: inputs.length, upserted: n }, detail: { kind: 'tickets', upserted: n } };
    });
  }

  /** Delivery assignments (courier and window) from the logistics system. */
  async importDeliveries(
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: LineOf = (index) => ({ index }),
  ) {
    const inputs = parseBatch(deliverySchema, raw, lineOf);
    assertUnique(
      inputs.map((d) => d.orderId),
      lineOf,
    );
    return this.change(ctx, 'assignments:write', 'assignment_change', async (repos) => {
      const n = await repos.assignments.upsertDeliveries(
        inputs.map((d) => ({
          orderId: d.orderId,
          courier: d.courier,
          from: new Date(d.from),
          to: new Date(d.to),
        })),
      );
      return { value: { received: inputs.length, upserted: n }, detail: { kind: 'deliveries', upserted: n } };
    });
  }

  /** Which merchant owns which order (and when it was delivered). */
  async importMerchantOrders(
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: LineOf = (index) => ({ index }),
  ) {
    const inputs = parseBatch(merchantOrderSchema, raw, lineOf);
    assertUnique(
      inputs.map((m) => m.orderId),
      lineOf,
    );
    return this.change(ctx, 'assignments:write', 'assignment_change', async (repos) => {
      const n = await repos.assignments.upsertMerchantOrders(
        inputs.map((m) => ({
          orderId: m.orderId,
          merchant: m.merchant,
          deliveredAt: m.deliveredAt ? new Date(m.deliveredAt) : null,
        })),
      );
      return {
        value: { received: inputs.length, upserted: n },
        detail: { kind: 'merchant_orders', upserted: n },
      };
    });
  }
}
