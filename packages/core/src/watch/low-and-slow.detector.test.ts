import { describe, expect, it } from 'vitest';
import { detectLowAndSlow, type ExposureWindow, type LowAndSlowInput } from './low-and-slow.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();
const perDay = [28, 30, 31, 29, 32, 30, 27, 33, 30, 29, 45, 22];
const rates = [0.02, 0.03, 0.02, 0.025, 0.03, 0.02, 0.02, 0.03, 0.025, 0.02, 0.03, 0.01];
const peers: ExposureWindow[] = perDay.map((d, i) => ({
  distinct: d * 20,
  activeDays: 20,
  exported: i % 3 === 0 ? 20_000 + i * 1000 : 0,
  shares: {
    unassigned: [Math.round(d * 20 * (rates[i] ?? 0)), d * 20],
    unfollowed: [3 + (i % 4), 200],
  },
}));
const input = (
  distinct: number,
  unassigned: number,
  unfollowed = 4,
  activeDays = 20,
  p = peers,
  exported = 0,
): LowAndSlowInput => ({
  at: 0,
  group: 'g',
  distinct,
  activeDays,
  exported,
  shares: { unassigned: [unassigned, distinct], unfollowed: [unfollowed, 200 + unfollowed] },
  peers: p,
});

describe('detectLowAndSlow (window exposure against peers only)', () => {
  it.each<[string, LowAndSlowInput, number | null, string | null]>([
    ['like the peers', input(600, 14), null, null],
    ['a heavy but honest worker (1.9×)', input(1140, 25), null, null],
    ['five times the peers’ customers a day: volume alone is a note', input(3000, 60), 1, 'volume'],
    ['ordinary volume but 10 % of it unassigned', input(600, 60), 2, 'unassigned'],
    ['ordinary volume, 5 % unassigned: not material', input(600, 30), null, null],
    ['hundreds of searches that led nowhere', input(700, 14, 600), 3, 'unfollowed'],
    ['exports like the exporting peers', input(600, 14, 4, 20, peers, 25_000), null, null],
    ['twenty times the exporting peers’ exports', input(600, 14, 4, 20, peers, 500_000), 3, 'exported'],
    ['too few active days to judge', input(3000, 60, 4, 8), null, null],
    ['too few peers', input(3000, 60, 4, 20, peers.slice(0, 2)), null, null],
  ])('%s', (_name, given, level, strongest) => {
    const f = detectLowAndSlow(given, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else expect(f?.reason).toMatchObject({ code: 'low_and_slow', detail: { level, strongest } });
  });
});
