import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CordonError } from '@cordon/core';
import {
  DEFAULT_PROMO_START,
  DEFAULT_SIM_START,
  type ExportRecord,
  generatePromoOrders,
  isScenarioName,
  PROMO_ORDER_LIMITS,
  type PromoOrdersSummary,
  type PromoPattern,
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

/** The files `cordon simulate --orders` writes, in the order they are written. */
export const ORDER_SIMULATION_FILES = [
  'orders.ndjson',
  'promotions.json',
  'list-prices.json',
  'truth.json',
] as const;

/** The options of `cordon simulate --orders`, after parsing. */
export interface SimulateOrdersOptions {
  count: number;
  seed: string;
  /** ISO 8601 with an offset. */
  start: string;
  hours: number;
  abuseShare: number;
  out: string;
}

/** What `cordon simulate --orders` reports. */
export interface SimulateOrdersSummary {
  mode: 'orders';
  out: string;
  seed: string;
  orders: number;
  start: string;
  hours: number;
  abuseShare: number;
  abusive: number;
  /** Orders per pattern. */
  patterns: Record<PromoPattern, number>;
  priceError: PromoOrdersSummary['priceError'];
  /** Lines written per file (JSON files count as one). */
  files: Record<string, number>;
  seconds: number;
}

/** Raw option values as commander hands them over (strings, as typed). */
interface RawOptions {
  staff: string;
  customers: string;
  days: string;
  seed: string;
  scenario: string;
  out?: string;
  /** Absent: the mode's default (a date for staff activity, an ISO time for --orders). */
  start?: string;
  json: boolean;
  orders?: boolean;
  count?: string;
  hours?: string;
  abuseShare?: string;
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
  const rawStart = raw.start ?? DEFAULT_SIM_START;
  const start = /^\d{4}-\d{2}-\d{2}$/.test(rawStart) ? rawStart : '';
  const parsed = start === '' ? Number.NaN : Date.parse(`${start}T00:00:00Z`);
  if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== start) {
    throw invalid('--start', `must be a calendar date as YYYY-MM-DD (got "${rawStart}").`);
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

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Validates the options of `cordon simulate --orders`; every error names the option. */
export function parseSimulateOrdersOptions(raw: RawOptions): SimulateOrdersOptions {
  const count = wholeOption('--count', raw.count ?? '200000', PROMO_ORDER_LIMITS.orders);
  const hours = wholeOption('--hours', raw.hours ?? '28', PROMO_ORDER_LIMITS.hours);
  if (raw.seed.trim() === '' || raw.seed.length > 200) throw invalid('--seed', 'must be 1–200 characters.');
  const start = raw.start ?? DEFAULT_PROMO_START;
  const match = ISO_TIME.exec(start);
  const day = match?.[1] ?? '';
  const validDay = day !== '' && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
  if (
    match === null ||
    !validDay ||
    Number(match[2]) > 23 ||
    Number(match[3]) > 59 ||
    Number.isNaN(Date.parse(start))
  ) {
    throw invalid(
      '--start',
      `must be an ISO 8601 time with an offset, e.g. ${DEFAULT_PROMO_START} (got "${start}").`,
    );
  }
  const shareText = raw.abuseShare ?? '0.06';
  const abuseShare = Number(shareText);
  const { min, max } = PROMO_ORDER_LIMITS.abuseShare;
  if (shareText.trim() === '' || !Number.isFinite(abuseShare) || abuseShare < min || abuseShare > max) {
    throw invalid('--abuse-share', `must be a fraction from ${min} to ${max} (got "${shareText}").`);
  }
  if (raw.out === undefined || raw.out.trim() === '')
    throw invalid('--out', 'is required: the directory to write into.');
  return { count, seed: raw.seed, start, hours, abuseShare, out: raw.out };
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

/**
 * Writes a Double-11 promotion order stream into `options.out`: `orders.ndjson` (one
 * `{order, context, truth}` per line, in time order), `promotions.json`, `list-prices.json` and
 * `truth.json`. Streams: memory holds the schedule, never the orders.
 */
export function simulateOrdersToDirectory(
  options: SimulateOrdersOptions,
  progress = false,
): SimulateOrdersSummary {
  const started = Date.now();
  mkdirSync(options.out, { recursive: true });
  const generated = generatePromoOrders({
    orders: options.count,
    seed: options.seed,
    start: options.start,
    hours: options.hours,
    abuseShare: options.abuseShare,
  });
  const files: Record<string, number> = {};
  const orders = new LineFile(join(options.out, 'orders.ndjson'));
  const line = new ProgressLine('orders', progress);
  for (const record of generated.stream) {
    orders.record(record);
    if (orders.lines % 10_000 === 0) line.update(orders.lines, options.count, 'orders');
  }
  line.update(orders.lines, options.count, 'orders');
  line.done();
  orders.close();
  files['orders.ndjson'] = orders.lines;
  const json = (name: string, value: unknown) => {
    const file = new LineFile(join(options.out, name));
    file.write(`${JSON.stringify(value, null, 2)}\n`);
    file.close();
    files[name] = 1;
  };
  json('promotions.json', generated.promotions);
  json('list-prices.json', generated.listPrices);
  const truth = generated.truth;
  json('truth.json', truth);
  const patterns = Object.fromEntries(
    Object.entries(truth.patterns).map(([name, count]) => [name, count.orders]),
  ) as Record<PromoPattern, number>;
  return {
    mode: 'orders',
    out: options.out,
    seed: truth.seed,
    orders: truth.orders,
    start: truth.options.start,
    hours: truth.options.hours,
    abuseShare: truth.options.abuseShare,
    abusive: truth.abusive,
    patterns,
    priceError: truth.priceError,
    files,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

function humanOrdersSummary(summary: SimulateOrdersSummary): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const share = (value: number) => `${((100 * value) / Math.max(1, summary.orders)).toFixed(1)} %`;
  const parts = Object.entries(summary.patterns).map(([name, count]) => `${name} ${n(count)}`);
  const pe = summary.priceError;
  return [
    `simulated ${n(summary.orders)} Double-11 orders over ${summary.hours} h from ${summary.start} (seed ${summary.seed}) in ${summary.seconds} s → ${summary.out}`,
    `  abusive ${n(summary.abusive)} (${share(summary.abusive)}) · ${parts.join(' · ')}`,
    `  price error: ${pe.sku} at ${pe.price} (list ${pe.listPrice}) from ${pe.from} to ${pe.to}`,
  ].join('\n');
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
      'write a synthetic shop, staff directory, assignments and staff access events with injected insider scenarios (and their ground truth) into a directory; with --orders, a Double-11 promotion order stream with labelled abuse instead',
    )
    .option('--staff <n>', `staff members (${SIM_LIMITS.staff.min}–${SIM_LIMITS.staff.max})`, '300')
    .option('--customers <n>', 'customers in the shop', '20000')
    .option('--days <n>', `days to simulate (${SIM_LIMITS.days.min}–${SIM_LIMITS.days.max})`, '60')
    .option('--scenario <names>', `comma-separated: ${SCENARIO_NAMES.join(', ')}, or all (default: none)`, '')
    .option('--seed <seed>', 'seed: the same options and seed give byte-identical files', 'cordon')
    .option(
      '--start <when>',
      `first day, YYYY-MM-DD in China time (default ${DEFAULT_SIM_START}); with --orders an ISO 8601 time with offset (default ${DEFAULT_PROMO_START})`,
    )
    .option('--out <dir>', 'directory to write into (created if missing)')
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .option(
      '--orders',
      'write a Double-11 promotion order stream (orders.ndjson with context and truth, promotions, list prices, truth.json) instead of staff activity',
      false,
    )
    .option(
      '--count <n>',
      `with --orders: orders (${PROMO_ORDER_LIMITS.orders.min}–${PROMO_ORDER_LIMITS.orders.max.toLocaleString('en-US')})`,
      '200000',
    )
    .option(
      '--hours <n>',
      `with --orders: hours of traffic (${PROMO_ORDER_LIMITS.hours.min}–${PROMO_ORDER_LIMITS.hours.max})`,
      '28',
    )
    .option('--abuse-share <fraction>', 'with --orders: share of abusive orders (0–0.5)', '0.06')
    .action((raw: RawOptions) => {
      if (raw.orders === true) {
        try {
          const options = parseSimulateOrdersOptions(raw);
          const summary = simulateOrdersToDirectory(options, showProgress(raw.json));
          emit(raw.json, summary, humanOrdersSummary(summary));
        } catch (error) {
          fail(error, raw.json);
        }
        return;
      }
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
