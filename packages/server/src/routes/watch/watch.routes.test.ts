import { LiveWatcher, systemClock, WatchEngine } from '@cordon/core';
import { describe, expect, it, vi } from 'vitest';
import { useTestApp } from '../../testing/test-app';

const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };

describe('watch over HTTP', () => {
  const t = useTestApp();

  async function setup() {
    const ok = async (url: string, payload: Record<string, unknown> | Array<Record<string, unknown>>) => {
      const r = await t.app.inject({ method: 'POST', url, headers: t.headers, payload });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    await ok('/v1/customers', [
      { id: 'C1', name: '张三', phone: '13812345678', createdAt: '2026-01-05T10:00:00+08:00' },
    ]);
    await ok('/v1/staff', [
      { id: 'a1', name: 'A', role: 'support_agent', team: 't', shift: allDay, status: 'active' },
      { id: 'S1', name: 'S', role: 'security_admin', team: 'sec', shift: allDay, status: 'active' },
    ]);
    await ok('/v1/tickets', [
      { id: 'T1', customerId: 'C1', assignee: 'a1', status: 'open', openedAt: new Date().toISOString() },
    ]);
    const a1 = (await ok('/v1/staff/a1/tokens', {})).token as string;
    const s1 = (await ok('/v1/staff/S1/tokens', {})).token as string;
    return { a1: { authorization: `Bearer ${a1}` }, s1: { authorization: `Bearer ${s1}` } };
  }

  it('stores events from other systems all or nothing, naming the bad item', async () => {
    const good = {
      ts: '2026-11-11T10:00:00+08:00',
      actor: 'a1',
      action: 'export',
      count: 5000,
      system: 'legacy-bo',
    };
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: t.headers,
      payload: [good, { ...good, action: 'steal' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject({ index: 1 });
    const rows = await t.database.db.selectFrom('watch_events').selectAll().execute();
    expect(rows).toHaveLength(0);
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: t.headers,
      payload: [good, good],
    });
    expect(r.json()).toEqual({ received: 2 });
    expect(await t.database.db.selectFrom('watch_events').selectAll().execute()).toHaveLength(2);
  });

  it('a hold pauses reveals at once; the person cannot release it; a security admin can, ledgered', async () => {
    const h = await setup();
    await t.runtime.uow.run((repos) =>
      repos.watch.upsertHold({
        staffId: 'a1',
        alertId: 'al_test',
        severity: 'high',
        reason: 'distinct customers far above peers',
        createdAt: new Date(),
        status: 'active',
        decidedBy: null,
        decidedAt: null,
        note: null,
      }),
    );
    const body = { customerId: 'C1', fields: ['phone'], purpose: 'customer_support', reference: 'T1' };
    const held = await t.app.inject({ method: 'POST', url: '/v1/reveal', headers: h.a1, payload: body });
    expect([held.statusCode, held.json().error.code]).toEqual([403, 'CORDON_ERR_CONTAINED']);
    const view = await t.app.inject({ method: 'GET', url: '/v1/customers/C1', headers: h.a1 });
    expect(view.statusCode).toBe(200);
    const self = await t.app.inject({
      method: 'POST',
      url: '/v1/watch/holds/a1/decision',
      headers: h.a1,
      payload: { decision: 'release', note: 'it was me' },
    });
    expect(self.json().error.code).toBe('CORDON_ERR_NOT_PERMITTED');
    const released = await t.app.inject({
      method: 'POST',
      url: '/v1/watch/holds/a1/decision',
      headers: h.s1,
      payload: { decision: 'release', note: 'peak-day backlog, checked with the lead' },
    });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'released', decidedBy: 'S1' });
    const after = await t.app.inject({ method: 'POST', url: '/v1/reveal', headers: h.a1, payload: body });
    expect(after.statusCode).toBe(200);
    const size = await t.runtime.uow.run((repos) => repos.ledger.size());
    const entries = (await t.runtime.ledger.entries(0, size)).map(
      (e) => e.entry as { action: string; outcome: string; errorCode?: string; actor: { id: string } },
    );
    expect(entries.filter((e) => e.action === 'contain').map((e) => [e.actor.id, e.outcome])).toEqual([
      ['a1', 'denied'],
      ['S1', 'allowed'],
    ]);
    expect(entries.filter((e) => e.action === 'reveal').map((e) => e.errorCode ?? 'ok')).toEqual([
      'CORDON_ERR_CONTAINED',
      'ok',
    ]);
  });

  it('the live watcher alerts on a departed account, contains at the severity, and resumes without double counting', async () => {
    await setup();
    const departedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/staff',
      headers: t.headers,
      payload: {
        id: 'd1',
        name: 'D',
        role: 'engineer',
        team: 'ops',
        shift: allDay,
        status: 'departed',
        since: departedAt,
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    const ts = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '+00:00');
    const ev = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: t.headers,
      payload: [{ ts, actor: 'd1', action: 'export', count: 5000, system: 'legacy-bo', ip: '203.0.113.9' }],
    });
    expect(ev.statusCode, ev.body).toBe(200);
    const watcher = new LiveWatcher({
      uow: t.runtime.uow,
      clock: systemClock,
      options: { containSeverity: 'high', persistEveryMs: 0 },
    });
    const first = await watcher.tick();
    expect(first.processed).toBeGreaterThan(0);
    const mine = first.alerts.filter((a) => a.actor === 'd1');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine[0]?.reasons.length).toBeGreaterThan(0);
    const stored = await t.database.db
      .selectFrom('security_alerts')
      .selectAll()
      .where('kind', '=', 'watch')
      .execute();
    expect(stored.map((a) => a.staff_id)).toContain('d1');
    const hold = await t.runtime.uow.run((repos) => repos.watch.findHold('d1'));
    expect(hold?.status).toBe('active');

    // A restart: a new watcher resumes from the saved cursors and counts nothing twice.
    const restarted = new LiveWatcher({
      uow: t.runtime.uow,
      clock: systemClock,
      options: { containSeverity: 'high' },
    });
    const again = await restarted.tick();
    expect(again.processed).toBe(0);
    expect(again.alerts).toEqual([]);
    const after = await t.database.db
      .selectFrom('security_alerts')
      .selectAll()
      .where('kind', '=', 'watch')
      .execute();
    expect(after).toHaveLength(stored.length);
  });

  it('between saves, each tick reads only what is new (it does not fall back to the saved state)', async () => {
    const post = (payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: t.headers,
        payload: payload as Record<string, unknown>,
      });
    const event = (minutesAgo: number) => ({
      ts: new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('Z', '+00:00'),
      actor: 'x1',
      action: 'view',
      count: 1,
      system: 'erp',
    });
    expect((await post([event(30), event(29)])).statusCode).toBe(200);
    // Saves only after an hour: the second and third ticks run on unsaved in-memory state.
    const watcher = new LiveWatcher({
      uow: t.runtime.uow,
      clock: systemClock,
      options: { containSeverity: 'high', persistEveryMs: 3_600_000 },
    });
    expect((await watcher.tick()).processed).toBe(2);
    expect((await post([event(20)])).statusCode).toBe(200);
    expect((await watcher.tick()).processed).toBe(1);
    expect((await watcher.tick()).processed).toBe(0);
  });
  it('a tick with hundreds of events gives the event loop turns while it works through them', async () => {
    const at = (i: number) =>
      new Date(Date.now() - 3_600_000 + i * 1000).toISOString().replace('Z', '+00:00');
    const events = Array.from({ length: 300 }, (_, i) => ({
      ts: at(i),
      actor: 'x1',
      action: 'view',
      count: 1,
      system: 'erp',
    }));
    const posted = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: t.headers,
      payload: events,
    });
    expect(posted.statusCode, posted.body).toBe(200);
    // Counts the engine's pushes between two turns of the event loop (a self-renewing setImmediate):
    // without yields, all 300 would run in one turn, and every request would wait behind them.
    const push = vi.spyOn(WatchEngine.prototype, 'push');
    let sinceTurn = 0;
    let mostInOneTurn = 0;
    let turns = true;
    const turn = () => {
      mostInOneTurn = Math.max(mostInOneTurn, push.mock.calls.length - sinceTurn);
      sinceTurn = push.mock.calls.length;
      if (turns) setImmediate(turn);
    };
    setImmediate(turn);
    try {
      const watcher = new LiveWatcher({
        uow: t.runtime.uow,
        clock: systemClock,
        options: { containSeverity: 'high' },
      });
      expect((await watcher.tick()).processed).toBe(300);
    } finally {
      turns = false;
      push.mockRestore();
    }
    turn();
    expect(mostInOneTurn).toBeGreaterThan(0);
    expect(mostInOneTurn).toBeLessThanOrEqual(64);
  });
});
