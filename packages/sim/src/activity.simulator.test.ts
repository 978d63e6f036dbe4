import {
  deliverySchema,
  merchantOrderSchema,
  parseCustomer,
  parseOrder,
  staffRoles,
  staffSchema,
  ticketSchema,
  watchEventSchema,
} from '@cordon/core';
import { describe, expect, it } from 'vitest';
import { type SimulationOptions, StaffActivitySimulation } from './activity.simulator';
import type { DeliveryRecord, ExportRecord, TicketRecord, WatchEventRecord } from './activity.types';
import { SCENARIO_NAMES } from './scenarios';
import { STAFF_ROLES } from './staff.generator';
import { DAY, workDay } from './work.calendar';

/** Everything one simulation produces, in memory (small sizes only). */
function runAll(options: SimulationOptions) {
  const sim = new StaffActivitySimulation(options);
  const customers = [...sim.customers()];
  const orders = [...sim.orders()];
  const staff = sim.staffRecords();
  const merchantOrders = [...sim.merchantOrders()];
  const events: WatchEventRecord[] = [];
  const scenarioOf: Array<string | undefined> = [];
  const tickets: TicketRecord[] = [];
  const deliveries: DeliveryRecord[] = [];
  const exports: ExportRecord[] = [];
  for (const record of sim.activity()) {
    if (record.kind === 'event') {
      events.push(record.event);
      scenarioOf.push(record.scenario);
    } else if (record.kind === 'ticket') tickets.push(record.ticket);
    else if (record.kind === 'delivery') deliveries.push(record.delivery);
    else exports.push(record.export);
  }
  return {
    sim,
    customers,
    orders,
    staff,
    merchantOrders,
    events,
    scenarioOf,
    tickets,
    deliveries,
    exports,
    truth: sim.truth(),
  };
}

const ms = (iso: string) => Date.parse(iso);

// 24 days from 22 October: ordinary weeks, then the run-up to Double 11 and the day itself.
const run = runAll({
  staff: 40,
  customers: 3_000,
  days: 24,
  seed: 'vitest',
  start: '2026-10-22',
  scenarios: [...SCENARIO_NAMES],
});
const staffById = new Map(run.staff.map((s) => [s.id, s]));
const scenarioActors = new Set(run.truth.scenarios.flatMap((s) => s.actors));

describe('StaffActivitySimulation', () => {
  it('knows the same staff roles as core', () => {
    expect([...STAFF_ROLES].sort()).toEqual([...staffRoles].sort());
  });

  it('emits only lines that core accepts: events, staff, tickets, deliveries, merchant orders, customers, orders', () => {
    expect(run.events.length).toBeGreaterThan(5_000);
    for (const e of run.events) watchEventSchema.parse(e);
    for (const s of run.staff) staffSchema.parse(s);
    for (const t of run.tickets) ticketSchema.parse(t);
    for (const d of run.deliveries) deliverySchema.parse(d);
    for (const m of run.merchantOrders) merchantOrderSchema.parse(m);
    for (const c of run.customers) parseCustomer(c);
    for (const o of run.orders) parseOrder(o);
    expect(run.tickets.length).toBeGreaterThan(500);
    expect(run.deliveries.length).toBeGreaterThan(50);
  });

  it('writes events in time order, in China time, inside the period', () => {
    const start = ms('2026-10-22T00:00:00+08:00');
    let previous = start;
    for (const e of run.events) {
      expect(e.ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      const t = ms(e.ts);
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
    }
    expect(previous).toBeLessThan(start + 24 * DAY);
  });

  it('lists every requested scenario in the truth, with actors from the directory and a sane period', () => {
    expect(run.truth).toMatchObject({ seed: 'vitest', staff: 40, customers: 3_000, days: 24 });
    expect(run.truth.start).toBe('2026-10-22T00:00:00+08:00');
    expect(run.truth.scenarios.map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    for (const scenario of run.truth.scenarios) {
      expect(scenario.actors.length).toBeGreaterThan(0);
      for (const actor of scenario.actors) expect(staffById.has(actor)).toBe(true);
      expect(ms(scenario.end)).toBeGreaterThan(ms(scenario.start));
      expect(scenario.events).toBeGreaterThan(0);
      expect(scenario.customersTaken).toBeGreaterThanOrEqual(scenario.customersHarvested);
      expect(scenario.customersHarvested).toBeGreaterThan(0);
      expect(scenario.description.length).toBeGreaterThan(20);
    }
    // Every injected event is by one of its scenario's actors.
    const actorsOf = new Map(run.truth.scenarios.map((s) => [s.name, new Set(s.actors)]));
    run.events.forEach((e, k) => {
      const scenario = run.scenarioOf[k];
      if (scenario !== undefined) expect(actorsOf.get(scenario)?.has(e.actor)).toBe(true);
    });
  });

  it('has departed accounts act only through their scenario after `since`, and benign leavers not at all', () => {
    expect(run.staff.some((s) => s.status !== 'active' && !scenarioActors.has(s.id))).toBe(true);
    run.events.forEach((e, k) => {
      const person = staffById.get(e.actor);
      if (person === undefined || person.status === 'active' || person.since === undefined) return;
      if (run.scenarioOf[k] === undefined)
        expect(ms(e.ts), `${e.actor} at ${e.ts}`).toBeLessThan(ms(person.since));
    });
    for (const name of ['departed-admin', 'ring']) {
      const scenario = run.truth.scenarios.find((s) => s.name === name);
      const leaver = scenario?.actors.map((a) => staffById.get(a)).find((s) => s?.status === 'departed');
      expect(leaver?.since).toBeDefined();
      const own = run.events.filter((e, k) => e.actor === leaver?.id && run.scenarioOf[k] === name);
      expect(own.length).toBeGreaterThan(0);
      for (const e of own) expect(ms(e.ts)).toBeGreaterThanOrEqual(ms(leaver?.since ?? ''));
    }
  });

  it('has no one at work before they were hired', () => {
    const first = new Map<string, number>();
    for (const e of run.events) if (!first.has(e.actor)) first.set(e.actor, ms(e.ts));
    for (const s of run.staff) {
      if (s.status !== 'active' || s.since === undefined) continue;
      const t = first.get(s.id);
      if (t !== undefined) expect(t, s.id).toBeGreaterThanOrEqual(ms(s.since));
    }
  });

  it('has honest support staff reveal only for an open ticket of theirs on that customer', () => {
    const tickets = new Map(run.tickets.map((t) => [t.id, t]));
    let checked = 0;
    run.events.forEach((e, k) => {
      const role = staffById.get(e.actor)?.role;
      if (role !== 'support_agent' && role !== 'support_lead') return;
      if (e.action !== 'reveal' || e.outcome !== 'allowed' || run.scenarioOf[k] !== undefined) return;
      if (e.purpose === 'break_glass') return;
      checked += 1;
      expect(e.purpose).toBe('customer_support');
      const ticket = tickets.get(e.reference ?? '');
      expect(ticket, `reveal by ${e.actor} names ${e.reference}`).toBeDefined();
      expect(ticket?.assignee).toBe(e.actor);
      expect(e.customers).toEqual([ticket?.customerId]);
      expect(ms(e.ts)).toBeGreaterThanOrEqual(ms(ticket?.openedAt ?? ''));
      if (ticket?.closedAt !== undefined) expect(ms(e.ts)).toBeLessThanOrEqual(ms(ticket.closedAt));
    });
    expect(checked).toBeGreaterThan(100);
  });

  it('stays within the default policy: reveal quotas per rolling 24 h and the search rate', () => {
    const reveals = new Map<string, Array<{ t: number; c: string }>>();
    const searches = new Map<string, number[]>();
    for (const e of run.events) {
      if (e.system !== 'cordon' || e.outcome !== 'allowed') continue;
      if (e.action === 'reveal' && e.purpose !== 'break_glass') {
        const list = reveals.get(e.actor) ?? [];
        for (const c of e.customers ?? []) list.push({ t: ms(e.ts), c });
        reveals.set(e.actor, list);
      }
      if (e.action === 'search') searches.set(e.actor, [...(searches.get(e.actor) ?? []), ms(e.ts)]);
    }
    const quotaOf: Record<string, number> = { support_agent: 40, support_lead: 60, courier: 150, dpo: 100 };
    for (const [actor, list] of reveals) {
      const person = staffById.get(actor);
      const quota = person?.revealQuota ?? quotaOf[person?.role ?? ''] ?? Number.POSITIVE_INFINITY;
      for (let k = 0; k < list.length; k += 1) {
        const t = list[k]?.t ?? 0;
        const distinct = new Set(list.filter((r) => r.t > t - DAY && r.t <= t).map((r) => r.c));
        expect(distinct.size, `${actor} at ${new Date(t).toISOString()}`).toBeLessThanOrEqual(quota);
      }
    }
    for (const [actor, times] of searches) {
      for (let k = 0; k < times.length; k += 1) {
        const t = times[k] ?? 0;
        expect(times.filter((s) => s > t - 60_000 && s <= t).length, actor).toBeLessThanOrEqual(20);
      }
    }
  });

  it('has couriers touch only their own deliveries, inside the window, for purpose delivery', () => {
    const windows = new Map(run.deliveries.map((d) => [d.orderId, d]));
    let checked = 0;
    run.events.forEach((e, k) => {
      if (
        staffById.get(e.actor)?.role !== 'courier' ||
        e.action === 'login' ||
        run.scenarioOf[k] !== undefined
      )
        return;
      checked += 1;
      expect(e.purpose).toBe('delivery');
      const delivery = windows.get(e.reference ?? '');
      expect(delivery?.courier).toBe(e.actor);
      expect(e.orders).toEqual([e.reference]);
      expect(ms(e.ts)).toBeGreaterThanOrEqual(ms(delivery?.from ?? ''));
      expect(ms(e.ts)).toBeLessThanOrEqual(ms(delivery?.to ?? ''));
    });
    expect(checked).toBeGreaterThan(50);
  });

  it('has more activity on sale-peak days than on ordinary weekdays', () => {
    const startMs = ms('2026-10-22T00:00:00+08:00');
    const perDay = new Array<number>(24).fill(0);
    for (const e of run.events) {
      const day = Math.floor((ms(e.ts) - startMs) / DAY);
      perDay[day] = (perDay[day] ?? 0) + 1;
    }
    const peak: number[] = [];
    const ordinary: number[] = [];
    perDay.forEach((n, day) => {
      const wd = workDay(startMs, day, run.sim.peak);
      if (wd.salePeak) peak.push(n);
      else if (!wd.weekend && wd.holiday === undefined && wd.contact === 1) ordinary.push(n);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(peak.length).toBeGreaterThan(0);
    expect(ordinary.length).toBeGreaterThan(2);
    expect(mean(peak)).toBeGreaterThan(1.3 * mean(ordinary));
    expect(run.sim.peak).toBeGreaterThanOrEqual(2);
    expect(run.sim.peak).toBeLessThanOrEqual(4);
  });

  it('keeps the low-and-slow harvester at 30–39 distinct reveals on the shifts of the scenario', () => {
    const scenario = run.truth.scenarios.find((s) => s.name === 'low-and-slow');
    const actor = scenario?.actors[0];
    const perDay = new Map<string, Set<string>>();
    for (const e of run.events) {
      if (e.actor !== actor || e.action !== 'reveal' || e.outcome !== 'allowed') continue;
      if (ms(e.ts) < ms(scenario?.start ?? '')) continue;
      const day = e.ts.slice(0, 10);
      const set = perDay.get(day) ?? new Set<string>();
      for (const c of e.customers ?? []) set.add(c);
      perDay.set(day, set);
    }
    expect(perDay.size).toBeGreaterThan(5);
    for (const set of perDay.values()) {
      expect(set.size).toBeLessThanOrEqual(39);
      expect(set.size).toBeGreaterThanOrEqual(30);
    }
  });

  it('gives orders statuses consistent with time: old paid orders have been delivered', () => {
    const end = ms('2026-10-22T00:00:00+08:00') + 24 * DAY;
    const old = run.orders.filter((o) => ms(o.createdAt) < end - 15 * DAY);
    expect(old.length).toBeGreaterThan(100);
    for (const o of old) expect(['delivered', 'cancelled', 'refunded']).toContain(o.status);
    const recent = run.orders.filter((o) => ms(o.createdAt) > end - DAY);
    expect(recent.some((o) => o.status === 'paid' || o.status === 'picked' || o.status === 'shipped')).toBe(
      true,
    );
    const statusOf = new Map(run.orders.map((o) => [o.id, o.status]));
    for (const d of run.deliveries) {
      if (ms(d.to) < end - 2 * DAY) expect(['delivered', 'refunded']).toContain(statusOf.get(d.orderId));
    }
  });

  it('ties exports to approvals by someone else, and colluding approvals of export-abuse are quick', () => {
    const byId = new Map(run.exports.map((x) => [x.id, x]));
    for (const x of run.exports) expect(x.approver).not.toBe(x.requester);
    const abuse = run.truth.scenarios.find((s) => s.name === 'export-abuse');
    const steps = new Map<string, string[]>();
    run.events.forEach((e, k) => {
      if (e.action !== 'export' || !e.reference?.startsWith('EXP')) return;
      const record = byId.get(e.reference);
      expect(e.export).toBe(e.reference);
      steps.set(e.reference, [...(steps.get(e.reference) ?? []), e.stage ?? '']);
      expect(record?.count).toBe(e.count);
      if (e.stage === 'approve') {
        expect(record?.approver).toBe(e.actor);
        expect(e.requester).toBe(record?.requester);
        expect(e.ts).toBe(record?.approvedAt);
      } else {
        expect(record?.requester).toBe(e.actor);
        expect(e.ts).toBe(e.stage === 'request' ? record?.requestedAt : record?.downloadedAt);
      }
      if (run.scenarioOf[k] === 'export-abuse') {
        expect(abuse?.actors).toContain(e.actor);
        expect(record?.approver).toBe(abuse?.actors[1]);
        expect(ms(record?.approvedAt ?? '') - ms(record?.requestedAt ?? '')).toBeLessThanOrEqual(6 * 60_000);
      }
    });
    // Every export downloaded in the period was requested, approved and downloaded, in that order.
    for (const x of run.exports)
      if (ms(x.requestedAt) >= ms(run.truth.start))
        expect(steps.get(x.id)).toEqual(['request', 'approve', 'download']);
  });
});

describe('determinism and variation', () => {
  const small: SimulationOptions = {
    staff: 30,
    customers: 1_200,
    days: 10,
    seed: 42,
    scenarios: ['export-abuse', 'ring', 'rented', 'logistics', 'departed-admin', 'low-and-slow'],
  };
  const text = (options: SimulationOptions) => {
    const r = runAll(options);
    return JSON.stringify([
      r.customers,
      r.orders,
      r.staff,
      r.merchantOrders,
      r.events,
      r.scenarioOf,
      r.tickets,
      r.deliveries,
      r.exports,
      r.truth,
    ]);
  };

  it('gives identical output for the same options and seed, whatever the order of scenarios', () => {
    const first = text(small);
    expect(text({ ...small, seed: '42', scenarios: [...(small.scenarios ?? [])].reverse() })).toBe(first);
    expect(text({ ...small, seed: 43 })).not.toBe(first);
  });

  it('starts scenarios on different days and sizes them differently with the seed', () => {
    const starts = new Map<string, Set<string>>();
    for (let seed = 1; seed <= 8; seed += 1) {
      const sim = new StaffActivitySimulation({
        staff: 60,
        customers: 1_000,
        days: 40,
        seed,
        scenarios: [...SCENARIO_NAMES],
      });
      for (const plan of sim.plans) {
        const set = starts.get(plan.name) ?? new Set<string>();
        set.add(new Date(plan.startMs).toISOString());
        starts.set(plan.name, set);
      }
    }
    for (const name of SCENARIO_NAMES) expect(starts.get(name)?.size, name).toBeGreaterThan(2);
  });

  it('runs every scenario in the smallest directory and a week', () => {
    const r = runAll({ staff: 25, customers: 500, days: 7, seed: 'tiny', scenarios: [...SCENARIO_NAMES] });
    expect(r.truth.scenarios.map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    for (const e of r.events) watchEventSchema.parse(e);
  });

  it('refuses bad options with a message naming the option', () => {
    const base: SimulationOptions = { staff: 40, customers: 1_000, days: 10, seed: 1 };
    expect(() => new StaffActivitySimulation({ ...base, staff: 3 })).toThrow(/staff must be/);
    expect(() => new StaffActivitySimulation({ ...base, customers: 10 })).toThrow(/customers must be/);
    expect(() => new StaffActivitySimulation({ ...base, days: 2 })).toThrow(/days must be/);
    expect(() => new StaffActivitySimulation({ ...base, start: '2026-13-01' })).toThrow(/start must be/);
    expect(() => new StaffActivitySimulation({ ...base, scenarios: ['heist'] })).toThrow(
      /unknown scenario "heist"; valid scenarios: ring, logistics, rented, departed-admin, low-and-slow, export-abuse/,
    );
  });
});
