import { describe, expect, it } from 'vitest';
import type { RateBaseline } from './baseline';
import { classifyOffShift, detectOffShift, onShiftPresence, type ShiftPresence } from './off-shift.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();
const shift = { start: '09:00', end: '18:00', tz: 'Asia/Shanghai' };
const late: RateBaseline = { rate: 0.02, typicalN: 20, peerRate: 0.02, peerMad: 0.01 };
const nightOwl: RateBaseline = { rate: 0.3, typicalN: 20, peerRate: 0.02, peerMad: 0.01 };

describe('detectOffShift (fraction of the day’s customers touched off shift)', () => {
  it.each<[string, number, number, RateBaseline, number | null]>([
    ['a few after hours', 3, 25, late, null],
    ['a night-time harvest on a quiet day', 40, 40, late, 3],
    ['half the day off shift', 12, 24, late, 1],
    ['someone who often works late learned a higher rate', 12, 24, nightOwl, null],
  ])('%s', (_name, flagged, seen, baseline, level) => {
    const f = detectOffShift({ at: 5, group: 'g', flagged, seen, baseline }, shift, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else {
      expect(f?.reason).toMatchObject({
        code: 'off_shift_access',
        detail: { level, offShift: flagged, shift: '09:00-18:00 Asia/Shanghai' },
      });
      expect(f?.at).toBe(5);
    }
  });
});

describe('classifyOffShift (overtime that runs on from the shift is not an off-shift session)', () => {
  const MIN = 60_000;
  const t0 = Date.parse('2025-11-11T10:00:00Z');
  const cfgOt = { overtimeGapMs: 60 * MIN, maxOvertimeMs: 180 * MIN };
  const after = (presence: ShiftPresence, steps: Array<[boolean, number]>) => {
    let p = presence;
    const out: boolean[] = [];
    for (const [on, minutes] of steps) {
      const r = classifyOffShift(on, t0 + minutes * MIN, p, cfgOt);
      out.push(r.offSession);
      p = r.presence;
    }
    return out;
  };
  it.each<[string, Array<[boolean, number]>, boolean[]]>([
    [
      'on shift is never off',
      [
        [true, 0],
        [true, 30],
      ],
      [false, false],
    ],
    [
      'overtime straight after the shift',
      [
        [true, 0],
        [false, 20],
        [false, 70],
        [false, 120],
      ],
      [false, false, false, false],
    ],
    [
      'a gap of more than an hour starts a session',
      [
        [true, 0],
        [false, 90],
      ],
      [false, true],
    ],
    [
      '… and what follows in it counts too',
      [
        [true, 0],
        [false, 90],
        [false, 100],
      ],
      [false, true, true],
    ],
    [
      'overtime ends three hours after leaving the shift',
      [
        [true, 0],
        [false, 50],
        [false, 100],
        [false, 150],
        [false, 200],
        [false, 240],
      ],
      [false, false, false, false, false, true],
    ],
    ['the first event of all, off shift (a night session)', [[false, 0]], [true]],
  ])('%s', (_name, steps, expected) => {
    expect(after(onShiftPresence, steps)).toEqual(expected);
  });
});
