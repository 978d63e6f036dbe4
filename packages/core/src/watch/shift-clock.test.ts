import { describe, expect, it } from 'vitest';
import { isOnShift } from '../access/staff';
import { dayLabel, ShiftClock, ZoneOffsets } from './shift-clock';

const zones = new ZoneOffsets();
const day = { start: '09:00', end: '18:00', tz: 'Asia/Shanghai' };
const night = { start: '22:00', end: '06:00', tz: 'Asia/Shanghai' };
const always = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };
const ny = { start: '09:00', end: '17:00', tz: 'America/New_York' };

describe('ShiftClock.onShift', () => {
  it.each<[string, typeof day, number, string, boolean]>([
    ['day shift, inside', day, 0, '2025-11-11T10:00:00+08:00', true],
    ['day shift, start is inclusive', day, 0, '2025-11-11T09:00:00+08:00', true],
    ['day shift, end is exclusive', day, 0, '2025-11-11T18:00:00+08:00', false],
    ['day shift, at night', day, 0, '2025-11-11T23:30:00+08:00', false],
    ['day shift, 40 min late with 60 min slack', day, 60, '2025-11-11T18:40:00+08:00', true],
    ['day shift, 61 min early with 60 min slack', day, 60, '2025-11-11T07:59:00+08:00', false],
    ['night shift before midnight', night, 0, '2025-11-11T23:00:00+08:00', true],
    ['night shift after midnight', night, 0, '2025-11-12T03:00:00+08:00', true],
    ['night shift, afternoon', night, 0, '2025-11-12T15:00:00+08:00', false],
    ['start = end is always on', always, 0, '2025-11-12T03:17:00+08:00', true],
    ['New York in summer (EDT)', ny, 0, '2025-07-01T13:30:00Z', true],
    ['New York in winter (EST): 13:30Z is 08:30', ny, 0, '2025-12-01T13:30:00Z', false],
  ])('%s', (_name, shift, slack, iso, expected) => {
    expect(new ShiftClock(shift, zones, slack).onShift(Date.parse(iso))).toBe(expected);
  });

  it('agrees with the access policy’s isOnShift when there is no slack', () => {
    const shifts = [day, night, always, ny, { start: '14:00', end: '23:00', tz: 'Europe/Berlin' }];
    let t = Date.parse('2025-03-25T00:00:00Z');
    for (let i = 0; i < 400; i++) {
      t += 37 * 60_000 + i * 1_000;
      for (const s of shifts) expect(new ShiftClock(s, zones).onShift(t)).toBe(isOnShift(s, new Date(t)));
    }
  });
});

describe('ShiftClock staff-days', () => {
  it.each<[string, typeof day, string, string]>([
    ['a day shift’s day starts 01:30 local', day, '2025-11-11T01:29:00+08:00', '2025-11-10'],
    ['… and 01:30 is the next day', day, '2025-11-11T01:30:00+08:00', '2025-11-11'],
    [
      'a night shift is one staff-day across midnight (before)',
      night,
      '2025-11-11T23:00:00+08:00',
      '2025-11-11',
    ],
    [
      'a night shift is one staff-day across midnight (after)',
      night,
      '2025-11-12T05:00:00+08:00',
      '2025-11-11',
    ],
    ['an always-on day is the local calendar day', always, '2025-11-11T23:59:00+08:00', '2025-11-11'],
  ])('%s', (_name, shift, iso, label) => {
    expect(dayLabel(new ShiftClock(shift, zones).dayOf(Date.parse(iso)))).toBe(label);
  });

  it('dayEnd is the first instant of the next staff-day', () => {
    for (const s of [day, night, ny]) {
      const clock = new ShiftClock(s, zones);
      const d = clock.dayOf(Date.parse('2025-11-02T12:00:00Z'));
      const end = clock.dayEnd(d);
      expect(clock.dayOf(end - 1)).toBe(d);
      expect(clock.dayOf(end)).toBe(d + 1);
    }
  });
});
