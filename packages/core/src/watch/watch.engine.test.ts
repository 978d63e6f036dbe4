import { describe, expect, it } from 'vitest';
import type { Ticket } from '../access/staff';
import type { WatchEvent } from './event';
import { agent, at, event, merged, office, seeded } from './synthetic-office.fixture';
import { WatchEngine } from './watch.engine';
import type { WatchAlert } from './watch-alert';
import { buildWatchContext } from './watch-context';
import { replayWatch, WatchReplay } from './watch-replay';

const DAYS = 21;
const base = office({ agents: 12, days: DAYS });

/** `n` reveals of customers nobody assigned to `actor`, from `hour` on day `day`, one every 3 minutes. */
function harvest(
  actor: string,
  day: number,
  hour: number,
  n: number,
  extra: Partial<WatchEvent> = {},
): WatchEvent[] {
  return Array.from({ length: n }, (_, i) =>
    event({
      ts: at(day, hour + i * 0.05),
      actor,
      action: 'reveal',
      customers: [`X${String(100_000 + i * 7919).slice(-6)}`],
      source: { ledgerSeq: 1_000 + i },
      ...extra,
    }),
  );
}

function run(events: WatchEvent[], staff = base.staff) {
  return replayWatch(merged(events), buildWatchContext({ staff, tickets: base.tickets }));
}

/**
 * The alerts of one engine fed `events` straight through and of one restored from a JSON snapshot
 * just before event `cut`, both flushing ten minutes behind every event.
 */
function straightAndResumed(
  ctx: ReturnType<typeof buildWatchContext>,
  events: readonly WatchEvent[],
  cut: number,
): { whole: WatchAlert[]; split: WatchAlert[] } {
  expect(cut).toBeGreaterThan(0); // a cut that never comes would compare two straight runs
  expect(cut).toBeLessThan(events.length);
  const straight = new WatchEngine(ctx);
  let resumed = new WatchEngine(ctx);
  const whole: WatchAlert[] = [];
  const split: WatchAlert[] = [];
  events.forEach((e, i) => {
    if (i === cut) resumed = WatchEngine.restore(ctx, JSON.parse(JSON.stringify(resumed.snapshot())));
    whole.push(...straight.flush(e.ts - 600_000), ...straight.push(e));
    split.push(...resumed.flush(e.ts - 600_000), ...resumed.push(e));
  });
  return { whole, split };
}

describe('WatchEngine on a synthetic support office (12 agents, 21 days)', () => {
  it('raises nothing on honest work', () => {
    const r = run(base.events);
    expect(r.alerts).toEqual([]);
    expect(Object.values(r.staffDays).every((d) => d === DAYS)).toBe(true);
  });

  it('flags a harvest of unassigned customers early, on that person only, with evidence', () => {
    const r = run([...base.events, ...harvest('a3', 14, 10, 60)]);
    expect(new Set(r.alerts.map((a) => a.actor))).toEqual(new Set(['a3']));
    const first = r.alerts[0] as WatchAlert;
    expect(first.reasons.map((x) => x.code)).toContain('unassigned_access');
    // Within the first ten unassigned reveals (one every 3 minutes from 10:00; peers browse 2 % unassigned).
    expect(Date.parse(first.at)).toBeLessThanOrEqual(at(14, 10 + 10 * 0.05));
    expect(first.evidence.some((e) => e.ledgerSeq === 1_000)).toBe(true);
    expect(first.peer).toMatchObject({ group: 'support_agent/cs-a' });
    // No customer id leaves in an alert: messages and evidence carry counts only.
    expect(JSON.stringify(r.alerts)).not.toMatch(/X\d{6}/);
    // One alert per escalation, never two at the same severity.
    const severities = r.alerts.map((a) => a.severity);
    expect(new Set(severities).size).toBe(severities.length);
    expect(first.id).toBe(`watch-a3-${Date.parse(first.at).toString(36)}-${first.severity}`);
  });

  it('raises one alert, at the highest severity, for one event that crosses several lines', () => {
    const list = event({
      ts: at(15, 11),
      actor: 'a4',
      action: 'reveal',
      system: 'legacy-bo',
      customers: Array.from({ length: 60 }, (_, i) => `Z${String(500_000 + i * 613).slice(-6)}`),
    });
    const r = run([...base.events, list]);
    const atOnce = r.alerts.filter((a) => a.at === new Date(at(15, 11)).toISOString());
    expect(atOnce).toHaveLength(1);
    expect(atOnce[0]?.actor).toBe('a4');
    expect(atOnce[0]?.reasons.length).toBeGreaterThan(1);
    expect(new Set(r.alerts.map((a) => a.actor))).toEqual(new Set(['a4']));
  });

  it('is deterministic: the same events give the same alerts', () => {
    const events = [...base.events, ...harvest('a3', 14, 10, 60)];
    expect(run(events).alerts).toEqual(run(events).alerts);
  });

  it('raises a critical alert on the first event of a departed account', () => {
    const gone = agent('gone', { status: 'departed', since: new Date(at(10, 0)) });
    const r = run(
      [...base.events, [event({ ts: at(12, 21), actor: 'gone', action: 'login', outcome: 'denied' })]].flat(),
      [...base.staff, gone],
    );
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({
      actor: 'gone',
      severity: 'critical',
      at: new Date(at(12, 21)).toISOString(),
    });
    expect(r.alerts[0]?.reasons[0]?.code).toBe('inactive_account');
  });

  it('flags an account the directory does not know', () => {
    const r = run([
      ...base.events,
      event({ ts: at(5, 11), actor: 'ghost', action: 'view', customers: ['C1'] }),
    ]);
    expect(r.alerts.map((a) => [a.actor, a.severity, a.reasons[0]?.code])).toEqual([
      ['ghost', 'medium', 'unknown_account'],
    ]);
  });

  it('flags a night session (off shift, nobody else at work), not overtime', () => {
    const night = harvest('a5', 15, 23, 12).map((e) => ({ ...e, action: 'view' as const }));
    const r = run([...base.events, ...night]);
    expect(r.alerts.map((a) => a.actor)).toEqual(expect.arrayContaining(['a5']));
    expect(r.alerts.flatMap((a) => a.reasons.map((x) => x.code))).toContain('off_shift_access');
  });

  it('tolerates events a few minutes out of order', () => {
    const rnd = seeded(7);
    const jittered = [...base.events, ...harvest('a3', 14, 10, 60)]
      .map((e) => ({ e, key: e.ts + Math.floor(rnd() * 5 * 60_000) }))
      .sort((x, y) => x.key - y.key)
      .map((x) => x.e);
    const ctx = buildWatchContext({ staff: base.staff, tickets: base.tickets });
    const replay = new WatchReplay(ctx);
    for (const e of jittered) replay.push(e);
    const r = replay.finish();
    expect(new Set(r.alerts.map((a) => a.actor))).toEqual(new Set(['a3']));
  });

  it('continues exactly from a JSON snapshot', () => {
    const events = merged([...base.events, ...harvest('a3', 14, 10, 60), ...harvest('a7', 16, 9.5, 40)]);
    const ctx = buildWatchContext({ staff: base.staff, tickets: base.tickets });
    const whole: WatchAlert[] = [];
    const straight = new WatchEngine(ctx);
    const split: WatchAlert[] = [];
    let resumed = new WatchEngine(ctx);
    const cut = Math.floor(events.length * 0.6);
    let lastFlush = 0;
    events.forEach((e, i) => {
      if (e.ts - lastFlush >= 900_000) {
        whole.push(...straight.flush(e.ts - 600_000));
        split.push(...resumed.flush(e.ts - 600_000));
        lastFlush = e.ts;
      }
      if (i === cut) resumed = WatchEngine.restore(ctx, JSON.parse(JSON.stringify(resumed.snapshot())));
      whole.push(...straight.push(e));
      split.push(...resumed.push(e));
    });
    const end = (events.at(-1)?.ts ?? 0) + 3 * 86_400_000;
    whole.push(...straight.flush(end));
    split.push(...resumed.flush(end));
    expect(whole.length).toBeGreaterThan(0);
    expect(split).toEqual(whole);
    expect(resumed.staffDays()).toEqual(straight.staffDays());
  });

  it('refuses a snapshot it did not write', () => {
    const ctx = buildWatchContext({ staff: base.staff });
    expect(() => WatchEngine.restore(ctx, { version: 99 })).toThrow(/snapshot/);
    expect(() => new WatchEngine(ctx).flush(Number.NaN)).toThrow(/watermark/);
  });
});

describe('WatchEngine: export approvals and cover references', () => {
  const staff = [
    ...base.staff,
    agent('an1', { role: 'analyst', team: 'bi' }),
    agent('an2', { role: 'analyst', team: 'bi' }),
    agent('sec1', { role: 'security_admin', team: 'sec' }),
  ];
  const ctx = () => buildWatchContext({ staff, tickets: base.tickets });
  const exportSteps = (
    id: string,
    requester: string,
    approver: string,
    day: number,
    hour: number,
    reviewMinutes: number,
    count: number,
  ): WatchEvent[] => {
    const t = at(day, hour);
    const approvedAt = t + reviewMinutes * 60_000;
    return [
      event({ ts: t, actor: requester, action: 'export', stage: 'request', exportId: id, count }),
      event({
        ts: approvedAt,
        actor: approver,
        action: 'export',
        stage: 'approve',
        exportId: id,
        requester,
        count,
      }),
      event({
        ts: approvedAt + 5 * 60_000,
        actor: requester,
        action: 'export',
        stage: 'download',
        exportId: id,
        count,
      }),
    ];
  };

  it('alerts on a rubber-stamped export at approval, before its download, and charges the approver less', () => {
    const events = merged(
      base.events,
      exportSteps('E1', 'an1', 'sec1', 3, 10, 60, 3000),
      exportSteps('E2', 'an2', 'sec1', 4, 10, 45, 3500),
      exportSteps('E3', 'an1', 'sec1', 14, 11, 3, 3200),
    );
    const r = replayWatch(events, ctx());
    expect(r.alerts.map((a) => [a.actor, a.at, a.severity, a.score, a.reasons.map((x) => x.code)])).toEqual([
      ['an1', new Date(at(14, 11) + 3 * 60_000).toISOString(), 'low', 3, ['export_approval']],
    ]);
    const reason = r.alerts[0]?.reasons[0];
    expect(reason?.detail).toEqual({
      level: 2,
      export: 'E3',
      requester: 'an1',
      approver: 'sec1',
      customers: 3200,
      reviewMinutes: 3,
      usual: null,
      pairExports: 1,
      pairByApprover: 1,
      flags: 'rubber_stamp',
    });
    // Requests and approvals are no access: an approver who did nothing else has no staff-day.
    expect(r.staffDays.sec1).toBe(0);
  });

  it('sees an approval whose request it never saw, and judges an unknown pairing as no rubber stamp', () => {
    const events = merged(base.events, exportSteps('E9', 'an1', 'sec1', 5, 10, 2, 4000).slice(1));
    expect(replayWatch(events, ctx()).alerts).toEqual([]);
  });

  it('alerts on the second customer reached under a cover ticket, searches included', () => {
    const mine = base.tickets.find((t) => t.assignee === 'a2' && t.openedAt.getTime() > at(10, 9));
    if (!mine) throw new Error('fixture has no ticket');
    const t0 = mine.openedAt.getTime() + 120_000;
    const covers = [
      event({ ts: t0, actor: 'a2', action: 'search', customers: ['Z000001'], reference: mine.id }),
      event({ ts: t0 + 60_000, actor: 'a2', action: 'search', customers: ['Z000002'], reference: mine.id }),
    ];
    const r = replayWatch(merged(base.events, covers), ctx());
    expect(r.alerts.map((a) => [a.actor, a.at, a.severity, a.reasons.map((x) => x.code)])).toEqual([
      ['a2', new Date(t0 + 60_000).toISOString(), 'low', ['cover_reference']],
    ]);
    expect(r.alerts[0]?.reasons[0]?.detail).toMatchObject({ level: 2, covered: 2 });
  });

  it('alerts on one cover that is then worked on with no assignment (in another system)', () => {
    const mine = base.tickets.find((t) => t.assignee === 'a2' && t.openedAt.getTime() > at(10, 9));
    if (!mine) throw new Error('fixture has no ticket');
    const t0 = mine.openedAt.getTime() + 120_000;
    const pursued = [
      event({ ts: t0, actor: 'a2', action: 'search', customers: ['Z000001'], reference: mine.id }),
      event({ ts: t0 + 60_000, actor: 'a2', action: 'view', customers: ['Z000001'], system: 'legacy-bo' }),
    ];
    const r = replayWatch(merged(base.events, pursued), ctx());
    expect(r.alerts.map((a) => [a.actor, a.at, a.severity, a.reasons.map((x) => x.code)])).toEqual([
      ['a2', new Date(t0 + 60_000).toISOString(), 'low', ['cover_reference']],
    ]);
    expect(r.alerts[0]?.reasons[0]?.detail).toMatchObject({ level: 2, covered: 1, pursued: 1 });
  });

  it('only notes a cover put right with a ticket on the customer', () => {
    const mine = base.tickets.find((t) => t.assignee === 'a2' && t.openedAt.getTime() > at(10, 9));
    if (!mine) throw new Error('fixture has no ticket');
    const t0 = mine.openedAt.getTime() + 120_000;
    const right = {
      id: 'T-right',
      customerId: 'Z000001',
      orderId: null,
      assignee: 'a2',
      status: 'closed' as const,
      openedAt: new Date(t0 + 30_000),
      closedAt: new Date(t0 + 600_000),
    };
    const events = [
      event({ ts: t0, actor: 'a2', action: 'search', customers: ['Z000001'], reference: mine.id }),
      event({ ts: t0 + 60_000, actor: 'a2', action: 'view', customers: ['Z000001'], reference: right.id }),
    ];
    const r = replayWatch(
      merged(base.events, events),
      buildWatchContext({ staff, tickets: [...base.tickets, right] }),
    );
    expect(r.alerts).toEqual([]);
  });

  it('keeps pending export requests across a snapshot', () => {
    const [request, approval] = exportSteps('E5', 'an1', 'sec1', 2, 10, 2, 5000);
    const engine = new WatchEngine(ctx());
    engine.push(request as WatchEvent);
    const resumed = WatchEngine.restore(ctx(), JSON.parse(JSON.stringify(engine.snapshot())));
    expect(resumed.push(approval as WatchEvent).map((a) => [a.actor, a.reasons[0]?.code])).toEqual([
      ['an1', 'export_approval'],
    ]);
  });
});

describe('WatchEngine: search sweeps at a cold start', () => {
  const DAYS_SEEN = 3;
  const staff = Array.from({ length: 8 }, (_, i) => agent(`s${i + 1}`));
  /** Ticket work preceded by a search of the customer (followed up 40 s later), ~12 a day each. */
  const searchOffice = (atWork: (day: number) => readonly string[]) => {
    const rnd = seeded(11);
    const tickets: Ticket[] = [];
    const events: WatchEvent[] = [];
    for (let day = 0; day < DAYS_SEEN; day++)
      for (const s of atWork(day))
        for (let k = 0; k < 12; k++) {
          const c = `C${String(Math.floor(rnd() * 1_000_000)).padStart(7, '0')}`;
          const t = at(day, 9.2 + k * 0.7);
          tickets.push({
            id: `T${tickets.length + 1}`,
            customerId: c,
            orderId: null,
            assignee: s,
            status: 'closed',
            openedAt: new Date(t - 60_000),
            closedAt: new Date(t + 1_800_000),
          });
          events.push(event({ ts: t, actor: s, action: 'search', customers: [c] }));
          events.push(event({ ts: t + 40_000, actor: s, action: 'view', customers: [c] }));
        }
    return { tickets, events };
  };
  /** A holiday on day 2: only three of the eight at work (too few for today's peers). */
  const holiday = (day: number) => (day < 2 ? staff.map((s) => s.id) : ['s1', 's2', 's3']);
  /** `n` searches of customers nobody follows up, from `hour` on `day`, one every 4 minutes. */
  const sweep = (day: number, hour: number, n: number) =>
    Array.from({ length: n }, (_, i) =>
      event({
        ts: at(day, hour + i * 0.066),
        actor: 's1',
        action: 'search',
        customers: [`Q${String(200_000 + i * 7_919).slice(-6)}`],
      }),
    );
  const run = (o: { tickets: Ticket[]; events: WatchEvent[] }, extra: WatchEvent[]) =>
    replayWatch(merged(o.events, extra), buildWatchContext({ staff, tickets: o.tickets }));

  it('raises nothing on honest searching through a holiday', () => {
    expect(run(searchOffice(holiday), []).alerts).toEqual([]);
  });

  it('judges a sweep on the stream’s third day against the role’s few days so far', () => {
    const r = run(searchOffice(holiday), sweep(2, 10, 20));
    expect(r.alerts.map((a) => a.actor)).toEqual(expect.arrayContaining(['s1']));
    const first = r.alerts.find((a) => a.actor === 's1');
    expect(first?.reasons.map((x) => x.code)).toEqual(['search_sweep']);
    // While the sweep is still going on.
    expect(Date.parse(first?.at ?? '')).toBeLessThan(at(2, 10 + 19 * 0.066) + 30 * 60_000);
    expect(new Set(r.alerts.map((a) => a.actor))).toEqual(new Set(['s1']));
  });

  it('continues a cold-start judgement exactly from a JSON snapshot', () => {
    const o = searchOffice(holiday);
    const events = merged(o.events, sweep(2, 10, 20));
    const ctx = buildWatchContext({ staff, tickets: o.tickets });
    const cut = events.findIndex((e) => e.ts >= at(2, 10.5));
    const { whole, split } = straightAndResumed(ctx, events, cut);
    expect(whole.length).toBeGreaterThan(0);
    expect(split).toEqual(whole);
  });

  it('stays quiet on a sweep with no history at all and too few at work', () => {
    const fewFromTheStart = (_day: number) => ['s1', 's2', 's3'];
    expect(run(searchOffice(fewFromTheStart), sweep(0, 10, 20)).alerts).toEqual([]);
  });

  it('does not judge unassigned access against an immature history', () => {
    const browse = Array.from({ length: 10 }, (_, i) =>
      event({ ts: at(2, 10 + i * 0.05), actor: 's1', action: 'view', customers: [`U${100_000 + i * 31}`] }),
    );
    expect(run(searchOffice(holiday), browse).alerts).toEqual([]);
  });
});

describe('WatchEngine: undelivered orders disclosed through a channel new to the group', () => {
  const crew = Array.from({ length: 6 }, (_, i) =>
    agent(`w${i + 1}`, {
      role: 'warehouse',
      team: 'wh',
      shift: { start: '08:00', end: '20:00', tz: 'Asia/Shanghai' },
    }),
  );
  const orders: Array<{ id: string; customerId: string; status: string; createdAt: Date }> = [];
  /** A pending order placed an hour before `ts` (paid, not delivered: the warehouse's daily work). */
  const pending = (ts: number) => {
    const n = orders.length + 1;
    const o = {
      id: `O${n}`,
      customerId: `C${String(n).padStart(7, '0')}`,
      status: 'paid',
      createdAt: new Date(ts - 3_600_000),
    };
    orders.push(o);
    return o;
  };
  const events: WatchEvent[] = [];
  const rnd = seeded(5);
  for (let day = 0; day < 12; day++)
    for (const w of crew)
      for (let k = 0; k < 30; k++) {
        const ts = at(day, 8.5 + k * 0.35 + rnd() * 0.1);
        const o = pending(ts);
        const action = rnd() < 0.1 ? 'view' : 'print';
        events.push(
          event({
            ts,
            actor: w.id,
            action,
            system: 'wms',
            customers: [o.customerId],
            orders: [o.id],
            purpose: 'fulfilment',
          }),
        );
      }
  /** A list view of 13 pending orders, then reveals of the first `reveals` of them, all in the WMS. */
  const pull = (actor: string, day: number, reveals: number): WatchEvent[] => {
    const list = Array.from({ length: 13 }, () => pending(at(day, 9)));
    return [
      event({
        ts: at(day, 9),
        actor,
        action: 'view',
        system: 'wms',
        customers: list.map((o) => o.customerId),
        orders: list.map((o) => o.id),
      }),
      ...list.slice(0, reveals).map((o, i) =>
        event({
          ts: at(day, 9.02 + i * 0.01),
          actor,
          action: 'reveal',
          system: 'wms',
          customers: [o.customerId],
          orders: [o.id],
        }),
      ),
    ];
  };
  const run = (extra: WatchEvent[]) =>
    replayWatch(merged(events, extra), buildWatchContext({ staff: crew, orders }));

  it('alerts on the third pending order a warehouse worker reveals in the WMS, where the group only prints', () => {
    const r = run(pull('w1', 10, 4));
    expect(new Set(r.alerts.map((a) => a.actor))).toEqual(new Set(['w1']));
    expect(r.alerts[0]?.at).toBe(new Date(at(10, 9.04)).toISOString());
    expect(r.alerts[0]?.reasons.find((x) => x.code === 'undelivered_orders')?.detail).toMatchObject({
      level: 2,
      channel: 'reveal@wms',
      novelChannel: true,
      orders: 3,
    });
  });

  it('continues the count of such orders exactly from a JSON snapshot', () => {
    const all = merged(events, pull('w1', 10, 4));
    const ctx = buildWatchContext({ staff: crew, orders });
    const cut = all.findIndex((e) => e.ts >= at(10, 9.03));
    const { whole, split } = straightAndResumed(ctx, all, cut);
    expect(whole.length).toBeGreaterThan(0);
    expect(split).toEqual(whole);
  });

  it('stays quiet on the same reveals in a new deployment (no mature group history yet)', () => {
    expect(run(pull('w1', 2, 4)).alerts).toEqual([]);
  });

  it('stays quiet when the group has revealed in the WMS before', () => {
    const before = [3, 6, 8].flatMap((day) => pull('w2', day, 1).slice(1));
    expect(run([...before, ...pull('w1', 10, 4)]).alerts).toEqual([]);
  });
});
