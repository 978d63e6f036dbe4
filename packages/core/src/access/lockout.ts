import { CordonError } from '../shared/errors';

/** What is stored per staff account to throttle password guessing. */
export interface LoginAttemptState {
  /** Consecutive failed sign-ins since the last success. */
  failedCount: number;
  /** Sign-in is refused before this instant; null when no lock was ever set or after a success. */
  lockedUntil: Date | null;
}

/** How hard guessing is throttled. */
export interface LockoutPolicy {
  /** Failures per batch: the account locks at every multiple of this many consecutive failures. */
  maxFailures: number;
  /** Length of the first lock. */
  baseLockMs: number;
  /** The longest lock, however many batches have failed. */
  maxLockMs: number;
}

/**
 * Five guesses, then 15 minutes; each further five guesses doubles the lock (30 min, 1 h, 2 h, ...) up
 * to a day. A patient attacker gets about 5 guesses a day after the first few hours, while a person who
 * mistyped is back in within a quarter of an hour.
 */
export const defaultLockoutPolicy: LockoutPolicy = {
  maxFailures: 5,
  baseLockMs: 15 * 60_000,
  maxLockMs: 24 * 3_600_000,
};

/** A fresh account, or one that just signed in. */
export function afterSuccess(): LoginAttemptState {
  return { failedCount: 0, lockedUntil: null };
}

function checkPolicy(policy: LockoutPolicy): void {
  const valid =
    Number.isInteger(policy.maxFailures) &&
    policy.maxFailures >= 1 &&
    Number.isFinite(policy.baseLockMs) &&
    policy.baseLockMs > 0 &&
    Number.isFinite(policy.maxLockMs) &&
    policy.maxLockMs >= policy.baseLockMs;
  if (!valid) {
    throw new CordonError(
      'CORDON_ERR_CONFIG',
      'The lockout policy needs maxFailures >= 1 and 0 < baseLockMs <= maxLockMs.',
      { field: 'lockoutPolicy' },
    );
  }
}

/**
 * The state after one more failed sign-in at `now`. Failures count in batches of `maxFailures`: the
 * n-th completed batch locks the account for `baseLockMs * 2^(n-1)`, capped at `maxLockMs`; failures
 * between batch ends only count. An existing lock is never shortened. The counter is reset only by
 * `afterSuccess`, so the escalation survives the lock expiring.
 *
 * Callers check `isLocked` first and refuse a locked account without verifying the password (and
 * without calling this), so guesses made during a lock neither reveal anything nor extend the lock.
 */
export function lockoutAfterFailure(
  state: LoginAttemptState,
  now: Date,
  policy: LockoutPolicy = defaultLockoutPolicy,
): LoginAttemptState {
  checkPolicy(policy);
  const failedCount = state.failedCount + 1;
  if (failedCount % policy.maxFailures !== 0) {
    return { failedCount, lockedUntil: state.lockedUntil };
  }
  const batch = failedCount / policy.maxFailures;
  // Capping the exponent keeps 2^n finite; 2^52 times any positive base exceeds any sane maxLockMs.
  const lockMs = Math.min(policy.baseLockMs * 2 ** Math.min(batch - 1, 52), policy.maxLockMs);
  const until = now.getTime() + lockMs;
  const kept = state.lockedUntil !== null && state.lockedUntil.getTime() > until;
  return { failedCount, lockedUntil: kept ? state.lockedUntil : new Date(until) };
}

/** True while `now` is before `lockedUntil`; the lock ends exactly at `lockedUntil`. */
export function isLocked(state: LoginAttemptState, now: Date): boolean {
  return state.lockedUntil !== null && now.getTime() < state.lockedUntil.getTime();
}

/** Milliseconds until the lock ends (0 when not locked), for a Retry-After header or a message. */
export function lockRemainingMs(state: LoginAttemptState, now: Date): number {
  return state.lockedUntil === null ? 0 : Math.max(0, state.lockedUntil.getTime() - now.getTime());
}
