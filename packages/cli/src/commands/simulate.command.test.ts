import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isCordonError,
  parseOrder,
  promotionSchema,
  riskContextSchema,
  staffSchema,
  watchEventSchema,
} from '@cordon/core';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  ORDER_SIMULATION_FILES,
  parseSimulateOptions,
  parseSimulateOrdersOptions,
  registerSimulateCommand,
  SIMULATION_FILES,
  simulateOrdersToDirectory,
  simulateToDirectory,
} from './simulate.command';

/** Runs `cordon <args>` in process (as main.ts wires it), capturing output and the exit code. */
async function cordon(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const program = new Command('cordon').exitOverride();
  registerSimulateCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new ExitCalled(Number(code ?? 0));
  });
  try {
    await program.parseAsync(['node', 'cordon', ...args]);
    return { status: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof ExitCalled) return { status: error.code, stdout, stderr };
    throw error;
  } finally {
    out.mockRestore();
    err.mockRestore();
    exit.mockRestore();
  }
}

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const raw = {
  staff: '30',
  customers: '1000',
  days: '8',
  seed: 'cli',
  scenario: 'ring,rented',
  out: '/tmp/unused',
  start: '2026-11-05',
  json: true,
};

/** The CordonError a parse throws (or fails the test). */
function refusal(overrides: Partial<typeof raw>) {
  try {
    parseSimulateOptions({ ...raw, ...overrides });
  } catch (error) {
    if (isCordonError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('cordon simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses options and refuses bad ones with CORDON_ERR_VALIDATION naming the option', () => {
    expect(parseSimulateOptions({ ...raw, scenario: 'rented, ring,ring' })).toMatchObject({
      staff: 30,
      customers: 1_000,
      days: 8,
      scenarios: ['rented', 'ring'],
      start: '2026-11-05',
    });
    expect(parseSimulateOptions({ ...raw, scenario: 'all' }).scenarios).toHaveLength(6);
    expect(parseSimulateOptions({ ...raw, scenario: '' }).scenarios).toEqual([]);
    for (const [overrides, field] of [
      [{ staff: '10' }, '--staff'],
      [{ staff: 'many' }, '--staff'],
      [{ customers: '2.5' }, '--customers'],
      [{ days: '0' }, '--days'],
      [{ start: '2026-02-30' }, '--start'],
      [{ out: '' }, '--out'],
      [{ seed: '' }, '--seed'],
    ] as const) {
      const error = refusal(overrides);
      expect(error.code).toBe('CORDON_ERR_VALIDATION');
      expect(error.details.field).toBe(field);
      expect(error.message).toContain(field);
    }
    const unknown = refusal({ scenario: 'ring,heist' });
    expect(unknown.details.field).toBe('--scenario');
    expect(unknown.message).toContain('"heist"');
    expect(unknown.message).toContain('ring, logistics, rented, departed-admin, low-and-slow, export-abuse');
  });

  it('writes every file, valid and byte-identical for the same seed', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const options = parseSimulateOptions({ ...raw, scenario: 'all', out: a });
    const summary = simulateToDirectory(options);
    simulateToDirectory({ ...options, out: b });
    expect(readdirSync(a).sort()).toEqual([...SIMULATION_FILES].sort());
    for (const file of SIMULATION_FILES)
      expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file)))).toBe(true);

    const lines = (file: string) =>
      readFileSync(join(a, file), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as unknown);
    const events = lines('events.ndjson');
    expect(events.length).toBe(summary.files['events.ndjson']);
    for (const e of events) watchEventSchema.parse(e);
    const staff = lines('staff.ndjson').map((s) => staffSchema.parse(s));
    const truth = JSON.parse(readFileSync(join(a, 'truth.json'), 'utf8'));
    expect(truth).toMatchObject({
      seed: 'cli',
      staff: 30,
      customers: 1_000,
      days: 8,
      start: '2026-11-05T00:00:00+08:00',
    });
    expect(truth.scenarios).toHaveLength(6);
    const ids = new Set(staff.map((s) => s.id));
    for (const s of truth.scenarios) for (const actor of s.actors) expect(ids.has(actor)).toBe(true);
    // truth-events marks the injected lines of events.ndjson (1-based) with their scenario.
    const marks = lines('truth-events.ndjson') as Array<{ line: number; scenario: string }>;
    expect(marks.length).toBe(truth.scenarios.reduce((n: number, s: { events: number }) => n + s.events, 0));
    for (const mark of marks.slice(0, 200)) {
      const event = events[mark.line - 1] as { actor: string };
      const scenario = truth.scenarios.find((s: { name: string }) => s.name === mark.scenario);
      expect(scenario.actors).toContain(event.actor);
    }
  });

  it('runs as a command: a summary, --json, and refusals with exit code 1', async () => {
    const out = join(dir, 'cmd');
    const ok = await cordon([
      'simulate',
      '--staff',
      '25',
      '--customers',
      '300',
      '--days',
      '7',
      '--seed',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(ok.status).toBe(0);
    const summary = JSON.parse(ok.stdout);
    expect(summary).toMatchObject({ staff: 25, customers: 300, days: 7, scenarios: [] });
    expect(summary.files['events.ndjson']).toBeGreaterThan(100);
    const human = await cordon([
      'simulate',
      '--staff',
      '25',
      '--customers',
      '300',
      '--days',
      '7',
      '--scenario',
      'rented',
      '--out',
      out,
    ]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(
      /^simulated 25 staff, 300 customers, 7 days from 2026-10-01 \(seed cordon\)/,
    );
    expect(human.stdout).toContain('rented: E');

    const bad = await cordon(['simulate', '--out', out, '--scenario', 'ring,bogus', '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { field: '--scenario' },
    });
    const badHuman = await cordon(['simulate', '--out', out, '--days', 'x']);
    expect(badHuman.status).toBe(1);
    expect(badHuman.stderr).toContain('error CORDON_ERR_VALIDATION: --days must be a whole number');
  });
});

describe('cordon simulate --orders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-sim-orders-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const orderRaw = { ...raw, orders: true, count: '3000', hours: '28', abuseShare: '0.06', start: undefined };

  it('parses options with defaults and refuses bad ones naming the option', () => {
    expect(
      parseSimulateOrdersOptions({ ...orderRaw, count: undefined, hours: undefined, abuseShare: undefined }),
    ).toEqual({
      count: 200_000,
      seed: 'cli',
      start: '2026-11-10T20:00:00+08:00',
      hours: 28,
      abuseShare: 0.06,
      out: '/tmp/unused',
    });
    expect(
      parseSimulateOrdersOptions({ ...orderRaw, count: '1_000', start: '2026-11-11T00:00:00Z' }),
    ).toMatchObject({
      count: 1_000,
      start: '2026-11-11T00:00:00Z',
    });
    for (const [overrides, field] of [
      [{ count: '0' }, '--count'],
      [{ count: '5000001' }, '--count'],
      [{ count: 'lots' }, '--count'],
      [{ hours: '0' }, '--hours'],
      [{ hours: '169' }, '--hours'],
      [{ start: '2026-11-10' }, '--start'],
      [{ start: '2026-02-30T00:00:00+08:00' }, '--start'],
      [{ start: '2026-11-10T20:00:00' }, '--start'],
      [{ abuseShare: '0.7' }, '--abuse-share'],
      [{ abuseShare: 'x' }, '--abuse-share'],
      [{ out: '' }, '--out'],
      [{ seed: '' }, '--seed'],
    ] as const) {
      let error: unknown;
      try {
        parseSimulateOrdersOptions({ ...orderRaw, ...overrides });
      } catch (caught) {
        error = caught;
      }
      if (!isCordonError(error)) throw new Error(`expected a refusal for ${JSON.stringify(overrides)}`);
      expect(error.code).toBe('CORDON_ERR_VALIDATION');
      expect(error.details.field).toBe(field);
      expect(error.message).toContain(field);
    }
  });

  it('writes the stream, promotions, list prices and truth, byte-identical for the same seed', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const options = parseSimulateOrdersOptions({ ...orderRaw, out: a });
    const summary = simulateOrdersToDirectory(options);
    simulateOrdersToDirectory({ ...options, out: b });
    expect(readdirSync(a).sort()).toEqual([...ORDER_SIMULATION_FILES].sort());
    for (const file of ORDER_SIMULATION_FILES)
      expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file)))).toBe(true);

    const lines = readFileSync(join(a, 'orders.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3_000);
    expect(summary.files['orders.ndjson']).toBe(3_000);
    let previous = '';
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['order', 'context', 'truth']);
      parseOrder(line.order);
      riskContextSchema.parse(line.context);
      expect(line.order.createdAt >= previous).toBe(true);
      previous = line.order.createdAt;
    }
    const promotions = JSON.parse(readFileSync(join(a, 'promotions.json'), 'utf8'));
    expect(promotions).toHaveLength(3);
    for (const p of promotions) promotionSchema.parse(p);
    const prices = JSON.parse(readFileSync(join(a, 'list-prices.json'), 'utf8'));
    expect(prices[0]).toEqual({ sku: 'EL-1001', listPrice: 299 });
    const truth = JSON.parse(readFileSync(join(a, 'truth.json'), 'utf8'));
    expect(truth).toMatchObject({
      seed: 'cli',
      orders: 3_000,
      abusive: 180,
      options: { orders: 3_000, start: '2026-11-10T20:00:00+08:00', hours: 28, abuseShare: 0.06 },
    });
    expect(summary).toMatchObject({ mode: 'orders', orders: 3_000, abusive: 180 });
    const counted: Record<string, number> = {};
    for (const line of lines) counted[line.truth.pattern] = (counted[line.truth.pattern] ?? 0) + 1;
    for (const [name, count] of Object.entries(truth.patterns) as Array<[string, { orders: number }]>)
      expect(counted[name] ?? 0).toBe(count.orders);
    expect(lines.filter((l) => l.truth.abusive)).toHaveLength(180);
  });

  it('runs as a command: --json summary, human summary, refusals with exit code 1, staff mode untouched', async () => {
    const out = join(dir, 'cmd');
    const ok = await cordon([
      'simulate',
      '--orders',
      '--count',
      '500',
      '--seed',
      's',
      '--out',
      out,
      '--json',
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toBe('');
    const summary = JSON.parse(ok.stdout);
    expect(summary).toMatchObject({ mode: 'orders', orders: 500, abusive: 30, seed: 's', hours: 28 });
    expect(summary.files).toEqual({
      'orders.ndjson': 500,
      'promotions.json': 1,
      'list-prices.json': 1,
      'truth.json': 1,
    });
    const human = await cordon(['simulate', '--orders', '--count', '400', '--hours', '6', '--out', out]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(
      /^simulated 400 Double-11 orders over 6 h from 2026-11-10T20:00:00\+08:00 \(seed cordon\)/,
    );
    expect(human.stdout).toContain('abusive 24 (6.0 %)');

    const bad = await cordon(['simulate', '--orders', '--count', '0', '--out', out, '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { field: '--count' },
    });
    const badStart = await cordon(['simulate', '--orders', '--start', 'tomorrow', '--out', out]);
    expect(badStart.status).toBe(1);
    expect(badStart.stderr).toContain('error CORDON_ERR_VALIDATION: --start must be an ISO 8601 time');
    // Without --orders, --start is still the staff simulation's calendar date.
    const staff = await cordon(['simulate', '--start', '2026-11-10T20:00:00+08:00', '--out', out, '--json']);
    expect(staff.status).toBe(1);
    expect(JSON.parse(staff.stdout).error.details.field).toBe('--start');
  });
});
