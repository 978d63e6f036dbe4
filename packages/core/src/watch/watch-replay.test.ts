import { describe, expect, it } from 'vitest';
import { event } from './synthetic-office.fixture';
import type { WatchAlert } from './watch-alert';
import { evaluateWatch, type WatchTruth, watchTargetMisses, watchTruthSchema } from './watch-replay';

const T = Date.parse('2026-10-10T00:00:00+08:00');
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const alert = (actor: string, ms: number): WatchAlert => ({
  id: `watch-${actor}-${ms.toString(36)}-low`,
  actor,
  at: iso(ms),
  severity: 'low',
  score: 3,
  reasons: [],
  peer: null,
  evidence: [],
});
const truth: WatchTruth = {
  scenarios: [
    { name: 'ring', actors: ['r1', 'r2'], start: '2026-10-10T00:00:00+08:00', customersTaken: 1000 },
    { name: 'quiet', actors: ['q1'], start: '2026-10-10T00:00:00+08:00', customersTaken: 50 },
  ],
};
const events = [
  event({ ts: T - H, actor: 'r1', action: 'view', customers: ['C0'] }),
  event({ ts: T + H, actor: 'r1', action: 'view', customers: ['C1', 'C2'] }),
  event({ ts: T + 2 * H, actor: 'r2', action: 'reveal', customers: ['C2', 'C3'] }),
  event({ ts: T + 2 * H, actor: 'r2', action: 'view', customers: ['C3'], outcome: 'denied' }),
  event({ ts: T + 2 * H, actor: 'r2', action: 'export', stage: 'request', count: 700 }),
  event({ ts: T + 2 * H, actor: 'r1', action: 'export', stage: 'approve', count: 700, requester: 'r2' }),
  event({ ts: T + 3 * H, actor: 'r2', action: 'export', customers: [], count: 500 }),
  event({ ts: T + 4 * H, actor: 'r1', action: 'view', customers: ['C9'] }),
  event({ ts: T + 5 * H, actor: 'q1', action: 'view', customers: ['C5'] }),
];

describe('evaluateWatch', () => {
  it('scores detection, exposure before the first alert and false alerts', () => {
    const r = evaluateWatch(
      [alert('r2', T + 3 * H), alert('r1', T + 9 * H), alert('b1', T), alert('b1', T + H), alert('b2', T)],
      truth,
      { r1: 10, r2: 10, q1: 10, b1: 1500, b2: 500 },
      events,
    );
    expect(r.scenarios).toEqual([
      {
        name: 'ring',
        actors: ['r1', 'r2'],
        detected: true,
        firstAlertAt: iso(T + 3 * H),
        timeToFirstAlertHours: 3,
        // C1, C2, C3 before the alert (the denied view, the export's request and approval and the
        // event before the start do not count); the export at the alert's instant is reported
        // separately.
        customersExposedBeforeFirstAlert: 3,
        customersExposedSinceStart: 3,
        customersExposedAtFirstAlert: 503,
        customersTaken: 1000,
        ratio: 0.003,
      },
      {
        name: 'quiet',
        actors: ['q1'],
        detected: false,
        firstAlertAt: null,
        timeToFirstAlertHours: null,
        customersExposedBeforeFirstAlert: 1,
        customersExposedSinceStart: 1,
        customersExposedAtFirstAlert: 1,
        customersTaken: 50,
        ratio: 0.02,
      },
    ]);
    expect(r).toMatchObject({
      falseAlerts: 3,
      falselyAlertedActors: 2,
      benignStaffDays: 2000,
      falseAlertsPer1000StaffDays: 1.5,
    });
  });

  it('measures exposure from each scenario’s first injected event, when known', () => {
    const r = evaluateWatch([alert('r2', T + 3 * H)], truth, {}, events, { ring: T + 2 * H });
    expect(r.scenarios[0]).toMatchObject({
      firstInjectedAt: iso(T + 2 * H),
      hoursFromFirstInjected: 1,
      // C2 and C3 from the first injected event on; C1 (ordinary work before it) only since the start.
      customersExposedBeforeFirstAlert: 2,
      customersExposedSinceFirstInjected: 2,
      customersExposedSinceStart: 3,
      customersExposedAtFirstAlert: 502,
      ratio: 0.002,
    });
    expect(r.scenarios[1]).not.toHaveProperty('firstInjectedAt');
  });

  it('lists the targets missed', () => {
    const r = evaluateWatch([alert('r2', T + 3 * H)], truth, { b1: 4000, r1: 1 }, events);
    expect(watchTargetMisses(r)).toEqual(['quiet: not detected']);
    expect(watchTargetMisses({ ...r, falseAlertsPer1000StaffDays: 1.2 })).toContain(
      '1.2 false alerts per 1,000 staff-days (max 1)',
    );
  });

  it('reads the simulator’s truth.json shape, extra fields and all', () => {
    const parsed = watchTruthSchema.safeParse({
      seed: '1',
      scenarios: [
        {
          name: 'rented',
          actors: ['E1'],
          start: '2026-10-22T00:00:00+08:00',
          end: '2026-11-17T00:00:00+08:00',
          customersTaken: 2540,
          customersHarvested: 1940,
          events: 969,
          description: 'd',
        },
      ],
    });
    expect(parsed.success).toBe(true);
    expect(watchTruthSchema.safeParse({ scenarios: [{ name: 'x', actors: [], start: 'no' }] }).success).toBe(
      false,
    );
  });
});
