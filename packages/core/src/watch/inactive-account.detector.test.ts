import { describe, expect, it } from 'vitest';
import { detectInactiveAccount } from './inactive-account.detector';
import { agent, event } from './synthetic-office.fixture';
import type { WatchStaff } from './watch-context';

const t = Date.parse('2025-10-20T03:00:00Z');
const since = (ms: number) => new Date(t + ms);

describe('detectInactiveAccount (fires on the event, no baseline can excuse it)', () => {
  it.each<[string, WatchStaff | undefined, boolean, { code: string; weight: number; floor: string } | null]>([
    ['an active account', agent('a1'), false, null],
    [
      'departed before the event',
      agent('a1', { status: 'departed', since: since(-1) }),
      false,
      { code: 'inactive_account', weight: 16, floor: 'critical' },
    ],
    [
      'departed with no date: the status holds for every event',
      agent('a1', { status: 'departed' }),
      false,
      { code: 'inactive_account', weight: 16, floor: 'critical' },
    ],
    ['departure recorded after the event', agent('a1', { status: 'departed', since: since(1) }), false, null],
    [
      'suspended',
      agent('a1', { status: 'suspended', since: since(-1) }),
      false,
      { code: 'inactive_account', weight: 10, floor: 'high' },
    ],
    ['once per staff-day', agent('a1', { status: 'departed', since: since(-1) }), true, null],
    [
      'an account the directory does not know',
      undefined,
      false,
      { code: 'unknown_account', weight: 6, floor: 'medium' },
    ],
  ])('%s', (_name, staff, alreadyToday, expected) => {
    const f = detectInactiveAccount(
      event({ ts: t, actor: 'a1', action: 'view', customers: ['C1'] }),
      staff,
      alreadyToday,
    );
    if (expected === null) expect(f).toBeNull();
    else {
      expect(f?.reason).toMatchObject({ code: expected.code, weight: expected.weight });
      expect(f?.floor).toBe(expected.floor);
      expect(f?.at).toBe(t);
    }
  });

  it('names no customer in its message', () => {
    const f = detectInactiveAccount(
      event({ ts: t, actor: 'a1', action: 'export', customers: ['C123456'], outcome: 'denied' }),
      agent('a1', { status: 'departed', since: since(-1) }),
      false,
    );
    expect(f?.reason.message).not.toContain('C123456');
    expect(f?.reason.message).toContain('export, denied');
  });
});
