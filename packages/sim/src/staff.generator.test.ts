import { staffSchema } from '@cordon/core';
import { describe, expect, it } from 'vitest';
import { Random } from './random';
import { generateStaff, MIN_STAFF, roleCounts, STAFF_ROLES, staffRecord } from './staff.generator';
import { chinaMidnight, workDay } from './work.calendar';

const start = chinaMidnight('2026-10-01');
const calendar = Array.from({ length: 60 }, (_, k) => workDay(start, k, 3));

describe('staff directory', () => {
  it('has every role, enough support agents, and exactly the number asked for', () => {
    for (const count of [MIN_STAFF, 50, 300, 2_000]) {
      const counts = roleCounts(count);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(count);
      for (const role of STAFF_ROLES) expect(counts[role]).toBeGreaterThanOrEqual(1);
      expect(counts.support_agent).toBeGreaterThanOrEqual(8);
    }
    expect(() => generateStaff(new Random(1), { count: MIN_STAFF - 1, calendar, startMs: start })).toThrow(
      RangeError,
    );
  });

  it('writes records core accepts, ids in hire order, mid-period hires, leavers and transfers', () => {
    const directory = generateStaff(new Random('staff-test'), { count: 300, calendar, startMs: start });
    const records = directory.people.map((p) => staffRecord(p, directory, start));
    for (const record of records) staffSchema.parse(record);
    expect(new Set(records.map((r) => r.id)).size).toBe(300);
    const byId = [...directory.people].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let k = 1; k < byId.length; k += 1) {
      expect(byId[k]?.hireDay ?? 0).toBeGreaterThanOrEqual(byId[k - 1]?.hireDay ?? 0);
    }
    expect(directory.people.some((p) => p.hireDay > 0)).toBe(true);
    expect(records.some((r) => r.status === 'departed')).toBe(true);
    expect(directory.people.some((p) => p.spells.length > 1)).toBe(true);
    expect(records.filter((r) => r.role === 'merchant_staff').every((r) => r.merchant?.startsWith('M'))).toBe(
      true,
    );
    expect(records.some((r) => r.revealQuota === 60)).toBe(true);
    expect(new Set(records.map((r) => `${r.shift.start}-${r.shift.end}`)).size).toBeGreaterThanOrEqual(6);
    const devices = new Map<string, number>();
    for (const p of directory.people) devices.set(p.device, (devices.get(p.device) ?? 0) + 1);
    // Warehouse stations are shared; personal devices are not.
    expect([...devices.entries()].filter(([, n]) => n > 1).every(([d]) => d.startsWith('wms-'))).toBe(true);
  });

  it('is a pure function of the seed', () => {
    const a = generateStaff(new Random(7), { count: 80, calendar, startMs: start });
    const b = generateStaff(new Random(7), { count: 80, calendar, startMs: start });
    expect(JSON.stringify(a.people.map((p) => ({ ...p, leave: [...p.leave] })))).toBe(
      JSON.stringify(b.people.map((p) => ({ ...p, leave: [...p.leave] }))),
    );
  });
});
