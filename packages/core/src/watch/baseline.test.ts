import { describe, expect, it } from 'vitest';
import {
  countBaseline,
  countThresholds,
  levelOf,
  rateBaseline,
  rateSurprise,
  surpriseLevel,
} from './baseline';

const rule = { zLevels: [5, 8, 14] as const, minExcess: 25, minOwnDays: 5, minPeerDays: 10 };
const days = (n: number, v: number) => Array.from({ length: n }, () => v);

describe('countThresholds and levelOf', () => {
  it.each<[string, ReturnType<typeof countBaseline>, [number, number, number] | null]>([
    ['no baseline: quiet', countBaseline([], []), null],
    ['too few own days and peer days', countBaseline(days(4, 20), days(9, 20)), null],
    ['peers only (new hire)', countBaseline(days(2, 20), days(50, 20)), [45, 56, 83]],
    ['own above peers wins', countBaseline(days(10, 40), days(50, 20)), [72, 91, 129]],
  ])('%s', (_name, b, expected) => {
    expect(countThresholds(b, rule)).toEqual(expected);
  });

  it.each<[number, number]>([
    [44, 0],
    [45, 1],
    [82, 2],
    [83, 3],
  ])('value %d is level %d of [45, 56, 83]', (value, level) => {
    expect(levelOf(value, [45, 56, 83])).toBe(level);
  });
});

describe('rateBaseline (peer rate as prior, own history as evidence)', () => {
  const r = { priorStrength: 200, minOwnDays: 5, minPeers: 4, peerSeen: 10_000 };
  it.each<[string, Parameters<typeof rateBaseline>, number | null]>([
    ['peers only', [{ flagged: 0, seen: 0, days: 0 }, null, [0.02, 0.03, 0.02, 0.02], 30, r], 0.02],
    [
      'own history pulls it towards the person',
      [{ flagged: 60, seen: 600, days: 20 }, 30, [0.02, 0.02, 0.02, 0.02], 30, r],
      0.08,
    ],
    ['own only (no peers)', [{ flagged: 6, seen: 600, days: 20 }, 30, [], null, r], 0.01],
    [
      'nothing flagged anywhere: the floor of half a customer in all seen',
      [{ flagged: 0, seen: 0, days: 0 }, null, [0, 0, 0, 0], 30, r],
      0.5 / 10_001,
    ],
    ['too little of either', [{ flagged: 1, seen: 10, days: 2 }, 5, [0.02], 30, r], null],
  ])('%s', (_name, args, rate) => {
    const b = rateBaseline(...args);
    if (rate === null) expect(b).toBeNull();
    else expect(b?.rate).toBeCloseTo(rate, 6);
  });

  it('judges the first customers of a morning as part of a whole day', () => {
    const b = { rate: 0.02, typicalN: 30, peerRate: 0.02, peerMad: 0 };
    expect(rateSurprise(3, 3, b, 40)).toBeCloseTo(rateSurprise(3, 30, b, 40), 10);
    expect(rateSurprise(3, 60, b, 40)).toBeLessThan(rateSurprise(3, 30, b, 40));
  });

  it.each<[number, number]>([
    [3.9, 0],
    [4, 1],
    [7, 2],
    [12, 3],
  ])('surprise %d is level %d', (s, level) => {
    expect(surpriseLevel(s, [4, 7, 12])).toBe(level);
  });
});
