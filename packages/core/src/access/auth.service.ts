import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { entryFor } from '../ledger/entry';
import type { Actor, RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock, RandomSource } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { KeyProvider } from '../vault/crypto';
import type { ApiKeyService } from './apikey.service';
import { afterSuccess, isLocked, lockoutAfterFailure, lockRemainingMs } from './lockout';
import { verifyDummy, verifyPassword } from './password';
import { totpRequiredRoles } from './staff';
import { hashStaffSecret, STAFF_TOKEN, totpWrapContext } from './staff.service';
import { verifyTotp } from './totp';

/** Sessions last one working day at most; a status change or logout ends them sooner. */
export const SESSION_TTL_MS = 8 * 3600_000;

export const loginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'the 6-digit code from the authenticator app')
    .optional(),
});

export interface AuthDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: RandomSource;
  keys: KeyProvider;
  apiKeys: ApiKeyService;
}

/**
 * Sign-in for people (password + TOTP for privileged roles, lockout after repeated failures, session
 * cookies) and bearer authentication for systems (`ck_…` API keys) and staff tools (`cs_…` tokens).
 * A staff credential resolves to the person; whether the person may act is decided afresh by the
 * policy on every request, so a suspended or departed account is refused from its next request on.
 */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  /** Resolves `Authorization: Bearer …`; every failure is the same 401. */
  async authenticateBearer(token: string | undefined): Promise<{ actor: Actor; scopes: string[] }> {
    if (token?.startsWith('cs_')) return this.authenticateStaffToken(token);
    return this.deps.apiKeys.authenticate(token);
  }

  private async authenticateStaffToken(token: string): Promise<{ actor: Actor; scopes: string[] }> {
    const fail = () => new CordonError('CORDON_ERR_UNAUTHENTICATED');
    const match = STAFF_TOKEN.exec(token);
    const id = match?.[1];
    const secret = match?.[2];
    if (!id || !secret) throw fail();
    const found = await this.deps.uow.read((repos) => repos.staff.findTokenHolder(id));
    const row = found?.token;
    const member = found?.holder;
    if (!row || row.revokedAt !== null || !member) throw fail();
    if (!timingSafeEqual(row.secretHash, hashStaffSecret(secret))) throw fail();
    return { actor: { type: 'staff', id: member.id, role: member.role }, scopes: [] };
  }

  /** Resolves a session cookie value; an unknown, expired or revoked session is a 401. */
  async authenticateSession(value: string | undefined): Promise<{ actor: Actor; scopes: string[] }> {
    const fail = () =>
      new CordonError('CORDON_ERR_UNAUTHENTICATED', 'Sign in again: the session is missing or has ended.');
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) throw fail();
    const now = this.deps.clock.now();
    const found = await this.deps.uow.read(async (repos) => {
      const session = await repos.staff.findSession(hashStaffSecret(value));
      const member = session ? await repos.staff.find(session.staffId) : undefined;
      return { session, member };
    });
    const { session, member } = found;
    if (!session || !member || session.revokedAt !== null || session.expiresAt <= now) throw fail();
    return { actor: { type: 'staff', id: member.id, role: member.role }, scopes: [] };
  }

  /**
   * Signs a person in. Unknown user, wrong password and wrong code all answer the same
   * CORDON_ERR_INVALID_CREDENTIALS (and an unknown user costs the same hashing time); a locked account
   * answers CORDON_ERR_ACCOUNT_LOCKED; only after a correct password does an inactive account learn
   * that it is inactive. Every attempt is ledgered.
   */
  async login(
    raw: unknown,
    meta: { clientAddress?: string | undefined; requestId: string },
  ): Promise<{ session: string; staffId: string; role: string; expiresAt: Date }> {
    const parsed = loginSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        'Send username, password and (for privileged roles) totp.',
        {
          field: String(parsed.error.issues[0]?.path[0] ?? 'body'),
        },
      );
    }
    const input = parsed.data;
    const now = this.deps.clock.now();
    const { member, creds } = await this.deps.uow.read(async (repos) => ({
      member: await repos.staff.find(input.username),
      creds: await repos.staff.findCredentials(input.username),
    }));
    const ctx = (id: string, role: string): RequestContext => ({
      actor: { type: 'staff', id, role },
      scopes: [],
      clientAddress: meta.clientAddress,
      requestId: meta.requestId,
    });
    if (!member || !creds) {
      await verifyDummy(input.password);
      await this.deps.uow.run((repos) =>
        repos.ledger.append([
          entryFor(ctx('unknown', 'none'), now, 'login', {
            outcome: 'denied',
            errorCode: 'CORDON_ERR_INVALID_CREDENTIALS',
          }),
        ]),
      );
      throw new CordonError('CORDON_ERR_INVALID_CREDENTIALS');
    }
    const who = ctx(member.id, member.role);
    if (isLocked(creds, now)) {
      await this.deps.uow.run((repos) =>
        repos.ledger.append([
          entryFor(who, now, 'login', { outcome: 'denied', errorCode: 'CORDON_ERR_ACCOUNT_LOCKED' }),
        ]),
      );
      throw new CordonError('CORDON_ERR_ACCOUNT_LOCKED', undefined, {
        retryAfterSeconds: Math.ceil(lockRemainingMs(creds, now) / 1000),
      });
    }
    const passwordOk = await verifyPassword(creds.passwordHash, input.password);
    const needsTotp = totpRequiredRoles.includes(member.role);
    let totpStep: number | undefined;
    let failure: CordonError | undefined;
    if (!passwordOk) failure = new CordonError('CORDON_ERR_INVALID_CREDENTIALS');
    else if (needsTotp) {
      if (!creds.totpSecret || creds.totpKekVersion === null) {
        failure = new CordonError(
          'CORDON_ERR_TOTP_REQUIRED',
          'Your role signs in with a one-time code, and none is enrolled: ask a security admin to enrol TOTP.',
        );
      } else if (!input.totp) {
        failure = new CordonError('CORDON_ERR_TOTP_REQUIRED');
      } else {
        const secret = this.deps.keys.unwrapDataKey(
          creds.totpSecret,
          totpWrapContext(member.id),
          creds.totpKekVersion,
        );
        const check = verifyTotp(secret, input.totp, now, { lastUsedStep: creds.totpLastStep });
        if (check.ok) totpStep = check.step;
        else failure = new CordonError('CORDON_ERR_INVALID_CREDENTIALS');
      }
    }
    if (!failure && member.status !== 'active') {
      failure = new CordonError('CORDON_ERR_ACCOUNT_INACTIVE', `Account ${member.id} is ${member.status}.`);
    }
    if (failure) {
      const counts = failure.code === 'CORDON_ERR_INVALID_CREDENTIALS';
      await this.deps.uow.run(async (repos) => {
        if (counts) {
          const next = lockoutAfterFailure(creds, now);
          await repos.staff.saveCredentials({
            ...creds,
            failedCount: next.failedCount,
            lockedUntil: next.lockedUntil,
          });
        }
        await repos.ledger.append([
          entryFor(who, now, 'login', { outcome: 'denied', errorCode: failure.code }),
        ]);
      });
      throw failure;
    }
    const value = Buffer.from(this.deps.random.bytes(32)).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.deps.uow.run(async (repos) => {
      const reset = afterSuccess();
      await repos.staff.saveCredentials({
        ...creds,
        failedCount: reset.failedCount,
        lockedUntil: reset.lockedUntil,
        totpLastStep: totpStep ?? creds.totpLastStep,
      });
      await repos.staff.insertSession({
        idHash: hashStaffSecret(value),
        staffId: member.id,
        createdAt: now,
        expiresAt,
        revokedAt: null,
      });
      await repos.ledger.append([entryFor(who, now, 'login', { detail: { totp: totpStep !== undefined } })]);
    });
    return { session: value, staffId: member.id, role: member.role, expiresAt };
  }

  /** Ends a session (idempotent). */
  async logout(value: string | undefined): Promise<void> {
    if (!value) return;
    const now = this.deps.clock.now();
    await this.deps.uow.run((repos) => repos.staff.revokeSession(hashStaffSecret(value), now));
  }
}
