import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import type { LoginAttemptState } from './lockout';
import {
  afterSuccess,
  defaultLockoutPolicy,
  isLocked,
  lockoutAfterFailure,
  lockRemainingMs,
} from './lockout';

const NOW = new Date('2024-03-01T00:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const plus = (ms: number): Date => new Date(NOW.getTime() + ms);
const state = (failedCount: number, lockedUntil: Date | null = null): LoginAttemptState => ({
  failedCount,
  lockedUntil,
});

describe('lockoutAfterFailure (default policy: 5 failures, 15 min doubling, 24 h cap)', () => {
  it.each<[string, LoginAttemptState, LoginAttemptState]>([
    ['first failure only counts', state(0), state(1)],
    ['fourth failure only counts', state(3), state(4)],
    ['fifth failure locks 15 min', state(4), state(5, plus(15 * MIN))],
    ['sixth failure (after the lock) only counts', state(5, plus(-1)), state(6, plus(-1))],
    ['ninth failure only counts', state(8, plus(-1)), state(9, plus(-1))],
    ['tenth failure locks 30 min', state(9, plus(-1)), state(10, plus(30 * MIN))],
    ['15th failure locks 1 h', state(14), state(15, plus(HOUR))],
    ['20th failure locks 2 h', state(19), state(20, plus(2 * HOUR))],
    ['25th failure locks 4 h', state(24), state(25, plus(4 * HOUR))],
    ['30th failure locks 8 h', state(29), state(30, plus(8 * HOUR))],
    ['35th failure locks 16 h', state(34), state(35, plus(16 * HOUR))],
    ['40th failure is capped at 24 h', state(39), state(40, plus(24 * HOUR))],
    ['5,000th failure is still 24 h', state(4999), state(5000, plus(24 * HOUR))],
    ['a longer existing lock is kept', state(4, plus(20 * MIN)), state(5, plus(20 * MIN))],
    ['a shorter existing lock is extended', state(9, plus(10 * MIN)), state(10, plus(30 * MIN))],
  ])('%s', (_name, before, after) => {
    expect(lockoutAfterFailure(before, NOW)).toEqual(after);
  });

  it('does not mutate its input', () => {
    const before = state(4);
    lockoutAfterFailure(before, NOW);
    expect(before).toEqual(state(4));
  });

  it('walks a fresh account to its first lock', () => {
    let current = afterSuccess();
    const seen: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      current = lockoutAfterFailure(current, NOW);
      seen.push(current.lockedUntil?.toISOString() ?? null);
    }
    expect(seen).toEqual([null, null, null, null, '2024-03-01T00:15:00.000Z']);
    expect(isLocked(current, NOW)).toBe(true);
  });

  it('follows a custom policy', () => {
    const policy = { maxFailures: 3, baseLockMs: 1000, maxLockMs: 3000 };
    expect(lockoutAfterFailure(state(2), NOW, policy)).toEqual(state(3, plus(1000)));
    expect(lockoutAfterFailure(state(5), NOW, policy)).toEqual(state(6, plus(2000)));
    expect(lockoutAfterFailure(state(8), NOW, policy)).toEqual(state(9, plus(3000)));
    expect(lockoutAfterFailure(state(11), NOW, policy)).toEqual(state(12, plus(3000)));
  });

  it.each([
    { maxFailures: 0, baseLockMs: 1000, maxLockMs: 2000 },
    { maxFailures: 1.5, baseLockMs: 1000, maxLockMs: 2000 },
    { maxFailures: 5, baseLockMs: 0, maxLockMs: 2000 },
    { maxFailures: 5, baseLockMs: 3000, maxLockMs: 2000 },
    { maxFailures: 5, baseLockMs: 1000, maxLockMs: Number.POSITIVE_INFINITY },
  ])('refuses the invalid policy %j', (policy) => {
    let error: unknown;
    try {
      lockoutAfterFailure(state(0), NOW, policy);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CordonError);
    expect((error as CordonError).code).toBe('CORDON_ERR_CONFIG');
  });

  it('exposes the documented default policy', () => {
    expect(defaultLockoutPolicy).toEqual({ maxFailures: 5, baseLockMs: 900_000, maxLockMs: 86_400_000 });
  });
});

describe('isLocked / lockRemainingMs', () => {
  it.each<[string, LoginAttemptState, Date, boolean, number]>([
    ['never locked', state(3), NOW, false, 0],
    ['one millisecond before the end', state(5, plus(1)), NOW, true, 1],
    ['exactly at the end', state(5, NOW), NOW, false, 0],
    ['after the end', state(5, plus(-1)), NOW, false, 0],
    ['fifteen minutes to go', state(5, plus(15 * MIN)), NOW, true, 900_000],
  ])('%s', (_name, current, now, locked, remaining) => {
    expect(isLocked(current, now)).toBe(locked);
    expect(lockRemainingMs(current, now)).toBe(remaining);
  });
});

describe('afterSuccess', () => {
  it('clears the counter and the lock', () => {
    expect(afterSuccess()).toEqual({ failedCount: 0, lockedUntil: null });
  });
});
