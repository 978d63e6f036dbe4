import { describe, expect, it } from 'vitest';
import { decayScore, severityOf, shouldAlert } from './risk-score';
import type { WatchSeverity } from './watch-alert';
import { defaultWatchConfig } from './watch-config';

const DAY = 86_400_000;

describe('decayScore (half-life)', () => {
  it.each<[number, number, number]>([
    [8, 0, 8],
    [8, 3 * DAY, 4],
    [8, 6 * DAY, 2],
    [8, -DAY, 8],
  ])('%d after %d ms is %d', (score, dt, expected) => {
    expect(decayScore(score, 0, dt, 3 * DAY)).toBeCloseTo(expected, 10);
  });
});

describe('severityOf (2.8 / 5.6 / 9.5 / 15, raised to the episode’s floor)', () => {
  it.each<[number, (WatchSeverity | undefined)[], WatchSeverity | null]>([
    [1, [], null],
    [2.9, [], 'low'],
    [5.99, [], 'medium'],
    [9.6, [], 'high'],
    [16, [], 'critical'],
    [0, ['critical'], 'critical'],
    [6, ['high'], 'high'],
    [12, ['medium'], 'high'],
  ])('score %d, floors %j → %s', (score, floors, expected) => {
    expect(severityOf(score, floors, defaultWatchConfig)).toBe(expected);
  });
});

describe('shouldAlert (one alert per escalation)', () => {
  it.each<[WatchSeverity | null, WatchSeverity | null, boolean]>([
    [null, null, false],
    ['low', null, true],
    ['low', 'low', false],
    ['medium', 'low', true],
    ['low', 'high', false],
    ['critical', 'high', true],
  ])('%s after %s → %s', (current, last, expected) => {
    expect(shouldAlert(current, last)).toBe(expected);
  });
});
