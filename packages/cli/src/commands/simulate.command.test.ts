import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCordonError, staffSchema, watchEventSchema } from '@cordon/core';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  parseSimulateOptions,
  registerSimulateCommand,
  SIMULATION_FILES,
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
