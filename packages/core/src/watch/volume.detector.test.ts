import { describe, expect, it } from 'vitest';
import { countBaseline } from './baseline';
import { detectVolume } from './volume.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();
const days = (n: number, v: number) => Array.from({ length: n }, () => v);
// Own and peer days all at 20: scale √20 ≈ 4.47, so z 5/8/14 → 42.4/55.8/82.6, and the 25-customer
// effect floor makes level 1 start at 45.
const steady = countBaseline(days(20, 20), days(100, 20));

describe('detectVolume (robust z against own and peer days, levels 5/8/14, +25 floor)', () => {
  it.each<[string, number, ReturnType<typeof countBaseline>, number, number | null, number | null]>([
    ['an ordinary day', 30, steady, 0, null, null],
    ['just under the effect floor', 44, steady, 0, null, null],
    ['level 1 at the floor', 45, steady, 0, 1, 1],
    ['level 2 straight away', 56, steady, 0, 2, 3],
    ['level 2 after level 1 adds the difference', 56, steady, 1, 2, 2],
    ['level 3 after level 2', 83, steady, 2, 3, 3],
    ['nothing new at the same level', 83, steady, 3, null, null],
    ['a new hire is judged by peers alone', 45, countBaseline([100, 100], days(100, 20)), 0, 1, 1],
    [
      'a heavy worker is judged by their own days too (60 < 40 + 5√40)',
      60,
      countBaseline(days(20, 40), days(100, 20)),
      0,
      null,
      null,
    ],
    ['… and fires above them', 72, countBaseline(days(20, 40), days(100, 20)), 0, 1, 1],
    ['cold start: no baseline, no finding', 1000, countBaseline([], days(5, 20)), 0, null, null],
  ])('%s', (_name, customers, baseline, previous, level, weight) => {
    const f = detectVolume({ at: 0, group: 'support_agent/cs-a', customers, baseline }, previous, cfg);
    if (level === null) expect(f).toBeNull();
    else {
      expect(f?.reason).toMatchObject({ code: 'volume_spike', weight, detail: { level, customers } });
      expect(f?.peer).toMatchObject({
        group: 'support_agent/cs-a',
        metric: 'customers_per_day',
        value: customers,
        median: 20,
      });
    }
  });
});
