import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CordonError } from '@cordon/core';
import {
  DEFAULT_SIM_START,
  type ExportRecord,
  isScenarioName,
  SCENARIO_NAMES,
  type ScenarioName,
  SIM_LIMITS,
  type SimulationTruth,
  StaffActivitySimulation,
} from '@cordon/sim';
import type { Command } from 'commander';
import { emit, fail, ProgressLine, showProgress } from '../output';

/** The options of `cordon simulate`, after parsing. */
export interface SimulateOptions {
  staff: number;
  customers: number;
  days: number;
  seed: string;
  scenarios: ScenarioName[];
  out: string;
  start: string;
}

/** What `cordon simulate` reports. */
export interface SimulateSummary {
  out: string;
  seed: string;
  staff: number;
  customers: number;
  days: number;
  start: string;
  /** Lines written per file. */
  files: Record<string, number>;
  seconds: number;
  scenarios: SimulationTruth['scenarios'];
}

/** The files `cordon simulate` writes, in the order they are written. */
export const SIMULATION_FILES = [
  'customers.ndjson',
  'orders.ndjson',
  'staff.ndjson',
  'merchant-orders.ndjson',
  'events.ndjson',
  'tickets.ndjson',
  'deliveries.ndjson',
  'exports.ndjson',
  'truth-events.ndjson',
  'truth.json',
] as const;

/** Raw option values as commander hands them over (strings, as typed). */
interface RawOptions {
  staff: string;
  customers: string;
  days: string;
  seed: string;
  scenario: string;
  out?: string;
  start: string;
  json: boolean;
}

function invalid(option: string, message: string): CordonError {
  return new CordonError('CORDON_ERR_VALIDATION', `${option} ${message}`, { field: option });
}

function wholeOption(option: string, raw: string, limits: { min: number; max: number }): number {
  const value = Number(raw.replaceAll('_', ''));
  if (raw.trim() === '' || !Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw invalid(
      option,
      `must be a whole number from ${limits.min.toLocaleString('en-US')} to ${limits.max.toLocaleString('en-US')} (got "${raw}").`,
    );
  }
  return value;
}

/** Validates raw options; every error names the option (CORDON_ERR_VALIDATION, `details.field`). */
export function parseSimulateOptions(raw: RawOptions): SimulateOptions {
  const staff = wholeOption('--staff', raw.staff, SIM_LIMITS.staff);
  const customers = wholeOption('--customers', raw.customers, SIM_LIMITS.customers);
  const days = wholeOption('--days', raw.days, SIM_LIMITS.days);
  if (raw.seed.trim() === '' || raw.seed.length > 200) throw invalid('--seed', 'must be 1–200 characters.');
  const scenarios: ScenarioName[] = [];
  for (const part of raw.scenario.split(',').map((s) => s.trim())) {
    if (part === '' || part === 'none') continue;
    if (part === 'all') {
      scenarios.push(...SCENARIO_NAMES);
      continue;
    }
    if (!isScenarioName(part)) {
      throw invalid(
        '--scenario',
        `has an unknown scenario "${part}"; valid: ${SCENARIO_NAMES.join(', ')} (or all).`,
      );
    }
    scenarios.push(part);
  }
  if (raw.out === undefined || raw.out.trim() === '')
    throw invalid('--out', 'is required: the directory to write into.');
  const start = /^\d{4}-\d{2}-\d{2}$/.test(raw.start) ? raw.start : '';
  const parsed = start === '' ? Number.NaN : Date.parse(`${start}T00:00:00Z`);
  if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== start) {
    throw invalid('--start', `must be a calendar date as YYYY-MM-DD (got "${raw.start}").`);
  }
  return {
    staff,
    customers,
    days,
    seed: raw.seed,
    scenarios: [...new Set(scenarios)],
    out: raw.out,
    start,
  };
}

/** A file written line by line through a large buffer (synchronous writes, so order and bytes are exact). */
class LineFile {
  lines = 0;
  private readonly fd: number;
  private chunk: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.chunk.push(line);
    this.size += line.length;
    this.lines += 1;
    if (this.size >= 1 << 20) this.drain();
  }

  record(value: unknown): void {
    this.write(`${JSON.stringify(value)}\n`);
  }

  close(): void {
    this.drain();
    closeSync(this.fd);
  }

  private drain(): void {
    if (this.chunk.length === 0) return;
    writeSync(this.fd, this.chunk.join(''));
    this.chunk = [];
    this.size = 0;
  }
}

/**
 * Runs a simulation and writes its files into `options.out` (created if missing; files of a
 * previous run are overwritten). Streams: memory holds the order index and about a day of events.
 */
export function simulateToDirectory(options: SimulateOptions, progress = false): SimulateSummary {
  const started = Date.now();
  mkdirSync(options.out, { recursive: true });
  const sim = new StaffActivitySimulation({
    staff: options.staff,
    customers: options.customers,
    days: options.days,
    seed: options.seed,
    start: options.start,
    scenarios: options.scenarios,
  });
  const open = (name: string) => new LineFile(join(options.out, name));
  const files: Record<string, number> = {};
  const done = (name: string, file: LineFile) => {
    file.close();
    files[name] = file.lines;
  };

  const customers = open('customers.ndjson');
  const customerLine = new ProgressLine('customers', progress);
  for (const customer of sim.customers()) {
    customers.record(customer);
    if (customers.lines % 10_000 === 0) customerLine.update(customers.lines, options.customers, 'customers');
  }
  customerLine.update(customers.lines, options.customers, 'customers');
  customerLine.done();
  done('customers.ndjson', customers);

  const orders = open('orders.ndjson');
  const orderLine = new ProgressLine('orders', progress);
  for (const order of sim.orders()) {
    orders.record(order);
    if (orders.lines % 10_000 === 0) orderLine.update(orders.lines, undefined, 'orders');
  }
  orderLine.update(orders.lines, undefined, 'orders');
  orderLine.done();
  done('orders.ndjson', orders);

  const staff = open('staff.ndjson');
  for (const record of sim.staffRecords()) staff.record(record);
  done('staff.ndjson', staff);

  const merchantOrders = open('merchant-orders.ndjson');
  for (const record of sim.merchantOrders()) merchantOrders.record(record);
  done('merchant-orders.ndjson', merchantOrders);

  const events = open('events.ndjson');
  const tickets = open('tickets.ndjson');
  const deliveries = open('deliveries.ndjson');
  const exportsFile = open('exports.ndjson');
  const marks = open('truth-events.ndjson');
  const activityLine = new ProgressLine('activity', progress);
  const startMs = Date.parse(`${options.start}T00:00:00+08:00`);
  const exportRecords: ExportRecord[] = [];
  for (const record of sim.activity()) {
    switch (record.kind) {
      case 'event':
        events.record(record.event);
        if (record.scenario !== undefined) marks.record({ line: events.lines, scenario: record.scenario });
        if (progress && events.lines % 20_000 === 0) {
          const day = Math.floor((Date.parse(record.event.ts) - startMs) / 86_400_000) + 1;
          activityLine.update(day, options.days, `days (${events.lines.toLocaleString('en-US')} events)`);
        }
        break;
      case 'ticket':
        tickets.record(record.ticket);
        break;
      case 'delivery':
        deliveries.record(record.delivery);
        break;
      default:
        exportRecords.push(record.export);
    }
  }
  activityLine.update(options.days, options.days, `days (${events.lines.toLocaleString('en-US')} events)`);
  activityLine.done();
  exportRecords.sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const record of exportRecords) exportsFile.record(record);
  done('events.ndjson', events);
  done('tickets.ndjson', tickets);
  done('deliveries.ndjson', deliveries);
  done('exports.ndjson', exportsFile);
  done('truth-events.ndjson', marks);

  const truth = sim.truth();
  const truthFile = open('truth.json');
  truthFile.write(`${JSON.stringify(truth, null, 2)}\n`);
  done('truth.json', truthFile);

  return {
    out: options.out,
    seed: truth.seed,
    staff: truth.staff,
    customers: truth.customers,
    days: truth.days,
    start: truth.start,
    files,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    scenarios: truth.scenarios,
  };
}

function humanSummary(summary: SimulateSummary): string {
  const n = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');
  const f = summary.files;
  const lines = [
    `simulated ${n(summary.staff)} staff, ${n(summary.customers)} customers, ${summary.days} days from ${summary.start.slice(0, 10)} (seed ${summary.seed}) in ${summary.seconds} s → ${summary.out}`,
    `  events ${n(f['events.ndjson'])} · orders ${n(f['orders.ndjson'])} · tickets ${n(f['tickets.ndjson'])} · deliveries ${n(f['deliveries.ndjson'])} · exports ${n(f['exports.ndjson'])} · merchant orders ${n(f['merchant-orders.ndjson'])}`,
  ];
  if (summary.scenarios.length === 0) lines.push('  no insider scenarios (benign activity only)');
  for (const s of summary.scenarios) {
    lines.push(
      `  ${s.name}: ${s.actors.join(', ')} · ${s.start.slice(0, 10)} → ${s.end.slice(0, 10)} · ${n(s.events)} injected events · ${n(s.customersTaken)} customers taken`,
    );
  }
  return lines.join('\n');
}

/** `cordon simulate`: synthetic shop, staff activity and injected insider scenarios, with ground truth. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'write a synthetic shop, staff directory, assignments and staff access events with injected insider scenarios (and their ground truth) into a directory',
    )
    .option('--staff <n>', `staff members (${SIM_LIMITS.staff.min}–${SIM_LIMITS.staff.max})`, '300')
    .option('--customers <n>', 'customers in the shop', '20000')
    .option('--days <n>', `days to simulate (${SIM_LIMITS.days.min}–${SIM_LIMITS.days.max})`, '60')
    .option('--scenario <names>', `comma-separated: ${SCENARIO_NAMES.join(', ')}, or all (default: none)`, '')
    .option('--seed <seed>', 'seed: the same options and seed give byte-identical files', 'cordon')
    .option('--start <date>', 'first day, YYYY-MM-DD in China time', DEFAULT_SIM_START)
    .option('--out <dir>', 'directory to write into (created if missing)')
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .action((raw: RawOptions) => {
      try {
        const options = parseSimulateOptions(raw);
        const summary = simulateToDirectory(options, showProgress(raw.json));
        emit(raw.json, summary, humanSummary(summary));
      } catch (error) {
        if (error instanceof RangeError) {
          // The simulator's own checks: a directory too small for the scenarios asked for.
          fail(
            new CordonError('CORDON_ERR_VALIDATION', `--staff: ${error.message}`, { field: '--staff' }),
            raw.json,
          );
        }
        fail(error, raw.json);
      }
    });
}
