import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCordonError } from '@cordon/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runWatch } from './watch.command';

const main = join(import.meta.dirname, '..', 'main.ts');

function cordon(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, CI: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ndjson = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const shift = { start: '09:00', end: '18:00', tz: 'Asia/Shanghai' };
const person = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Agent ${id}`,
  role: 'support_agent',
  team: 'cs-a',
  shift,
  status: 'active',
  ...extra,
});

describe('cordon watch replay and eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-watch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const staff = [
    ...['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => person(id)),
    person('gone', { status: 'departed', since: '2026-10-02T00:00:00+08:00' }),
  ];
  const tickets = [
    {
      id: 'T1',
      customerId: 'C000001',
      assignee: 'a1',
      status: 'closed',
      openedAt: '2026-10-01T09:00:00+08:00',
      closedAt: '2026-10-01T10:00:00+08:00',
    },
  ];
  const events = [
    {
      ts: '2026-10-01T09:10:00+08:00',
      actor: 'a1',
      action: 'view',
      customers: ['C000001'],
      system: 'cordon',
    },
    { ts: '2026-10-02T21:30:00+08:00', actor: 'gone', action: 'login', outcome: 'denied', system: 'cordon' },
    { ts: '2026-10-02T21:35:00+08:00', actor: 'gone', action: 'export', count: 5000, system: 'erp' },
  ];
  writeFileSync(join(dir, 'staff.ndjson'), ndjson(staff));
  writeFileSync(join(dir, 'tickets.ndjson'), ndjson(tickets));
  writeFileSync(join(dir, 'events.ndjson'), ndjson(events));

  it('replays events and prints the alerts as JSON', () => {
    const r = cordon([
      'watch',
      'replay',
      join(dir, 'events.ndjson'),
      '--staff',
      join(dir, 'staff.ndjson'),
      '--tickets',
      join(dir, 'tickets.ndjson'),
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { alerts: Array<Record<string, unknown>> };
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0]).toMatchObject({
      actor: 'gone',
      at: '2026-10-02T13:30:00.000Z',
      severity: 'critical',
      reasons: [expect.objectContaining({ code: 'inactive_account' })],
      evidence: [expect.objectContaining({ action: 'login', line: 2 })],
    });
  });

  it('refuses a bad line with its file, number and stable code, before any output', async () => {
    const bad = join(dir, 'bad-events.ndjson');
    writeFileSync(bad, ndjson([events[0], { ...events[1], action: 'steal' }, events[2]]));
    const failure = await runWatch({ events: bad, staff: join(dir, 'staff.ndjson') }, true).catch(
      (e: unknown) => e,
    );
    expect(isCordonError(failure)).toBe(true);
    expect(failure).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { line: 2, file: 'bad-events.ndjson' },
      message: expect.stringMatching(/^bad-events\.ndjson line 2: action/),
    });
    const truncated = join(dir, 'truncated.ndjson');
    writeFileSync(truncated, `${JSON.stringify(staff[0])}\n{"id":"a2","na`);
    await expect(runWatch({ events: bad, staff: truncated }, true)).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { line: 2, file: 'truncated.ndjson' },
    });
    await expect(runWatch({ events: bad, staff: join(dir, 'nope.ndjson') }, true)).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      message: expect.stringMatching(/^No file .*nope\.ndjson/),
    });
  });

  it('evaluates a simulator directory against the targets (exit 1 when one is missed)', () => {
    const truth = (scenarios: unknown[]) => JSON.stringify({ seed: 't', scenarios });
    const departed = {
      name: 'departed-admin',
      actors: ['gone'],
      start: '2026-10-02T00:00:00+08:00',
      end: '2026-10-03T00:00:00+08:00',
      customersTaken: 5000,
    };
    writeFileSync(join(dir, 'truth.json'), truth([departed]));
    const pass = cordon(['watch', 'eval', dir, '--json']);
    expect(pass.status, pass.stdout + pass.stderr).toBe(0);
    const ok = JSON.parse(pass.stdout) as Record<string, unknown>;
    expect(ok).toMatchObject({
      scenarios: [
        {
          name: 'departed-admin',
          detected: true,
          timeToFirstAlertHours: 21.5,
          customersExposedBeforeFirstAlert: 0,
          customersExposedAtFirstAlert: 0,
        },
      ],
      falseAlerts: 0,
      misses: [],
      events: 3,
    });

    const other = join(dir, 'other');
    mkdirSync(other);
    for (const f of ['staff.ndjson', 'tickets.ndjson', 'events.ndjson'])
      writeFileSync(
        join(other, f),
        ndjson(f === 'staff.ndjson' ? staff : f === 'tickets.ndjson' ? tickets : events),
      );
    writeFileSync(
      join(other, 'truth.json'),
      truth([departed, { ...departed, name: 'quiet', actors: ['a1'], start: '2026-10-01T00:00:00+08:00' }]),
    );
    const miss = cordon(['watch', 'eval', other]);
    expect(miss.status).toBe(1);
    expect(miss.stdout).toMatch(/quiet\s+NO/);
    expect(miss.stdout).toMatch(/targets MISSED:\n {2}- quiet: not detected/);
  });
});
