import { describe, expect, it } from 'vitest';
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
