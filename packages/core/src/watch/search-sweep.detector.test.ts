import { describe, expect, it } from 'vitest';
import type { RateBaseline } from './baseline';
import {
  detectEnumeration,
  detectSearchSweep,
  followUpOf,
  idNumber,
  isEnumerated,
  type PendingFollowUp,
} from './search-sweep.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();

describe('idNumber and isEnumerated', () => {
  it.each<[string, number | null]>([
    ['C000123', 123],
    ['O00000001', 1],
    ['abc', null],
  ])('idNumber(%s) = %s', (id, n) => {
    expect(idNumber(id)).toBe(n);
  });

  it.each<[string, string[], boolean]>([
    ['C000102', ['C000101'], true],
    ['C000104', ['C000101'], true],
    ['C000105', ['C000101'], false],
    ['C000101', ['C000101'], false],
    ['C000102', ['O000101'], false],
    ['C000102', ['C550000', 'C000100'], true],
    ['X', ['C000101'], false],
  ])('isEnumerated(%s, %j) = %s', (id, recent, expected) => {
    expect(isEnumerated(id, recent, 3)).toBe(expected);
  });
});

describe('detectSearchSweep and detectEnumeration', () => {
  const searches: RateBaseline = { rate: 0.1, typicalN: 15, peerRate: 0.1, peerMad: 0.05 };
  const adjacent: RateBaseline = { rate: 0.002, typicalN: 20, peerRate: 0.001, peerMad: 0.001 };
  it.each<[string, 'sweep' | 'enum', number, number, RateBaseline, number | null]>([
    ['a few searches without follow-up', 'sweep', 3, 15, searches, null],
    ['forty searches, nothing came of them', 'sweep', 40, 42, searches, 3],
    ['one adjacent id by chance', 'enum', 1, 30, adjacent, null],
    ['walking the id range', 'enum', 25, 30, adjacent, 3],
  ])('%s', (_name, kind, flagged, seen, baseline, level) => {
    const input = { at: 0, group: 'g', flagged, seen, baseline };
    const f = kind === 'sweep' ? detectSearchSweep(input, 0, cfg) : detectEnumeration(input, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else
      expect(f?.reason).toMatchObject({
        code: kind === 'sweep' ? 'search_sweep' : 'id_enumeration',
        detail: { level },
      });
  });
});

describe('followUpOf (what work does to a pending search)', () => {
  const MIN = 60_000;
  const search: PendingFollowUp = { ts: 0, ids: ['C1', 'C2'] };
  it.each<[string, PendingFollowUp, string[], number, string, string[]]>([
    ['work on a result a minute later', search, ['C2'], MIN, 'followed', []],
    [
      'work on a result after another customer',
      { ...search, others: ['C7'] },
      ['C1'],
      5 * MIN,
      'followed',
      ['C7'],
    ],
    ['work on a result too late', search, ['C1'], 31 * MIN, 'pending', ['C1']],
    ['one other customer: maybe an interruption', search, ['C7'], MIN, 'pending', ['C7']],
    ['the same other customer again', { ...search, others: ['C7'] }, ['C7'], 2 * MIN, 'pending', ['C7']],
    [
      'a second other customer: moved on',
      { ...search, others: ['C7'] },
      ['C8'],
      2 * MIN,
      'abandoned',
      ['C7', 'C8'],
    ],
    ['two other customers at once', search, ['C7', 'C8'], MIN, 'abandoned', ['C7', 'C8']],
    ['work from before the search', { ...search, ts: 10 * MIN }, ['C7', 'C8'], MIN, 'pending', []],
  ])('%s', (_name, pending, customers, ts, state, others) => {
    expect(followUpOf(pending, customers, ts, cfg)).toEqual({ state, others });
  });

  it('leaves abandonment off at 0', () => {
    expect(followUpOf(search, ['C7', 'C8'], MIN, { ...cfg, abandonAfterCustomers: 0 }).state).toBe('pending');
  });
});
