import { describe, expect, it } from 'vitest';
import type { RateBaseline } from './baseline';
import { countBaseline } from './baseline';
import {
  detectConcurrentLocations,
  detectSharedAccount,
  isHop,
  isNovelSession,
  networkOf,
  type SessionNovelty,
} from './shared-account.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();

describe('networkOf and isHop', () => {
  it.each<[string, string]>([
    ['115.192.88.10', '115.192'],
    ['115.192.1.2', '115.192'],
    ['2001:db8:1::5', '2001:db8'],
    ['site-hz', 'site-hz'],
  ])('networkOf(%s) = %s', (ip, net) => {
    expect(networkOf(ip)).toBe(net);
  });

  it.each<[string, { ts: number; network: string } | undefined, { ts: number; network: string }, boolean]>([
    ['first sighting', undefined, { ts: 0, network: 'a' }, false],
    ['same network', { ts: 0, network: 'a' }, { ts: 60_000, network: 'a' }, false],
    ['another network a minute later', { ts: 0, network: 'a' }, { ts: 60_000, network: 'b' }, true],
    [
      'another network an hour later (travel)',
      { ts: 0, network: 'a' },
      { ts: 3_600_000, network: 'b' },
      false,
    ],
  ])('%s', (_name, previous, current, expected) => {
    expect(isHop(previous, current, cfg.hopWindowMs)).toBe(expected);
  });
});

describe('isNovelSession (device and network new, network nobody else uses)', () => {
  const base: SessionNovelty = {
    accountFirstDay: 0,
    deviceFirstDay: undefined,
    networkFirstDay: undefined,
    networkElsewhere: false,
  };
  it.each<[string, Partial<SessionNovelty>, number, boolean]>([
    ['an outsider’s phone on a far-away network', {}, 30, true],
    ['the same, first seen five days ago', { deviceFirstDay: 25, networkFirstDay: 25 }, 30, true],
    ['a new laptop at the office (known network)', { networkFirstDay: 2 }, 30, false],
    ['a trip with the usual laptop (known device)', { deviceFirstDay: 1 }, 30, false],
    ['a network colleagues also use', { networkElsewhere: true }, 30, false],
    ['an account watch has known for under two weeks', {}, 10, false],
  ])('%s', (_name, over, day, expected) => {
    expect(isNovelSession({ ...base, ...over }, day, cfg.novelDays)).toBe(expected);
  });
});

describe('detectSharedAccount (a note: at most level 1)', () => {
  const b: RateBaseline = { rate: 0.001, typicalN: 50, peerRate: 0.001, peerMad: 0 };
  it.each<[string, number, number, number | null]>([
    ['a couple of customers from a new session', 2, 50, null],
    ['a hundred customers from a new session: still only level 1', 100, 120, 1],
  ])('%s', (_name, flagged, seen, level) => {
    const f = detectSharedAccount({ at: 0, group: 'g', flagged, seen, baseline: b }, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else expect(f?.reason).toMatchObject({ code: 'shared_account', weight: 1, detail: { level } });
  });
});

describe('detectConcurrentLocations (hops per day, robust z against own and peer days)', () => {
  const quiet = countBaseline(
    Array.from({ length: 20 }, () => 0),
    Array.from({ length: 100 }, () => 0),
  );
  it.each<[string, number, number | null]>([
    ['a VPN reconnect or two', 2, null],
    ['five hops: level 1', 5, 1],
    ['owner and renter taking turns all day', 20, 3],
  ])('%s', (_name, hops, level) => {
    const f = detectConcurrentLocations({ at: 0, group: 'g', hops, baseline: quiet }, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else expect(f?.reason).toMatchObject({ code: 'concurrent_locations', detail: { level, hops } });
  });
});
