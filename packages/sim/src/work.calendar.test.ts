import { describe, expect, it } from 'vitest';
import {
  CHINA_OFFSET,
  chinaDateOf,
  chinaMidnight,
  contactMultiplier,
  DAY,
  fulfilmentMultiplier,
  holidayOf,
  workDay,
} from './work.calendar';

describe('work calendar', () => {
  it('converts China dates and midnights', () => {
    const midnight = chinaMidnight('2026-10-01');
    expect(new Date(midnight).toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(chinaDateOf(midnight)).toBe('2026-10-01');
    expect(chinaDateOf(midnight - 1)).toBe('2026-09-30');
    expect(chinaMidnight('2026-02-30')).toBeNaN();
    expect(chinaMidnight('1 Oct 2026')).toBeNaN();
    expect(CHINA_OFFSET).toBe(8 * 3_600_000);
  });

  it('knows the golden week and the other public holidays', () => {
    for (let d = 1; d <= 7; d += 1) expect(holidayOf(`2026-10-0${d}`)).toBe('national-day');
    expect(holidayOf('2026-10-08')).toBeUndefined();
    expect(holidayOf('2027-01-01')).toBe('new-year');
    expect(holidayOf('2026-05-03')).toBe('labour-day');
    expect(holidayOf('2026-02-17')).toBe('spring-festival');
  });

  it('ramps contact volume through early November to the Double 11 peak, then an after-sales wave', () => {
    const peak = 3;
    const november = Array.from({ length: 30 }, (_, k) =>
      contactMultiplier(`2026-11-${String(k + 1).padStart(2, '0')}`, peak),
    );
    for (let k = 1; k < 11; k += 1) expect(november[k]).toBeGreaterThan(november[k - 1] ?? 0);
    expect(november[10]).toBe(3);
    expect(Math.max(...november)).toBe(3);
    expect(november[12]).toBeGreaterThan(1.5);
    expect(november[26]).toBe(1);
    expect(contactMultiplier('2026-10-15', peak)).toBe(1);
    expect(contactMultiplier('2026-12-12', peak)).toBeGreaterThan(1.5);
    expect(fulfilmentMultiplier('2026-11-12')).toBeGreaterThan(2);
    expect(fulfilmentMultiplier('2026-10-20')).toBe(1);
  });

  it('describes each day: weekday, weekend, holiday, sale peak', () => {
    const start = chinaMidnight('2026-10-01');
    const golden = workDay(start, 0, 3);
    expect(golden).toMatchObject({
      index: 0,
      date: '2026-10-01',
      weekday: 4,
      holiday: 'national-day',
      salePeak: false,
    });
    const saturday = workDay(start, 9, 3);
    expect(saturday).toMatchObject({ date: '2026-10-10', weekend: true, holiday: undefined });
    expect(saturday.contact).toBeLessThan(1);
    const double11 = workDay(start, 41, 3);
    expect(double11).toMatchObject({ date: '2026-11-11', salePeak: true, contact: 3 });
    expect(workDay(start, -1, 3)).toMatchObject({ date: '2026-09-30', startMs: start - DAY });
  });
});
