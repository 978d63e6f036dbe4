import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  buildWatchContext,
  CordonError,
  type Delivery,
  deliverySchema,
  evaluateWatch,
  isCordonError,
  type MerchantOrder,
  merchantOrderSchema,
  type StaffMember,
  staffSchema,
  type Ticket,
  ticketSchema,
  toStaffMember,
  toTicket,
  toValidationError,
  toWatchEvent,
  toWatchOrder,
  type WatchAlert,
  type WatchEvaluation,
  type WatchEvent,
  type WatchOrder,
  WatchReplay,
  type WatchTruth,
  watchEventSchema,
  watchOrderSchema,
  watchTargetMisses,
  watchTruthSchema,
} from '@cordon/core';
import type { Command } from 'commander';
import { inFile, mustExist } from '../cli-files';
import { type ImportFormat, readRecords } from '../import-reader';
import { emit, fail, ProgressLine, showProgress } from '../output';

function formatOf(file: string): ImportFormat {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';
}

/**
 * Reads a whole NDJSON or CSV feed, validating every line; the first bad line stops everything with
 * its line number and stable code (nothing is evaluated on half a file).
 */
export async function readFeed<T>(
  file: string,
  option: string,
  parse: (value: unknown, line: number) => T,
  onRecord: (line: number) => void = () => {},
): Promise<T[]> {
  mustExist(file, option);
  const out: T[] = [];
  for await (const record of readRecords(file, formatOf(file), 'utf8')) {
    if ('error' in record) throw inFile(record.error, file);
    try {
      out.push(parse(record.value, record.line));
    } catch (error) {
      if (isCordonError(error)) throw inFile(error, file);
      throw error;
    }
    onRecord(record.line);
  }
  return out;
}

const parseStaff = (value: unknown, line: number): StaffMember => {
  const parsed = staffSchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, { line });
  return toStaffMember(parsed.data, new Date(0));
};
const parseTicket = (value: unknown, line: number): Ticket => {
  const parsed = ticketSchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, { line });
  return toTicket(parsed.data);
};
const parseDelivery = (value: unknown, line: number): Delivery => {
  const parsed = deliverySchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, { line });
  const d = parsed.data;
  return { orderId: d.orderId, courier: d.courier, from: new Date(d.from), to: new Date(d.to) };
};
const parseMerchantOrder = (value: unknown, line: number): MerchantOrder => {
  const parsed = merchantOrderSchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, { line });
  const m = parsed.data;
  return {
    orderId: m.orderId,
    merchant: m.merchant,
    deliveredAt: m.deliveredAt ? new Date(m.deliveredAt) : null,
  };
};
const parseOrder = (value: unknown, line: number): WatchOrder => {
  const parsed = watchOrderSchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, { line });
  return toWatchOrder(parsed.data);
};
const parseEvent = (value: unknown, line: number): WatchEvent => {
  const parsed = watchEventSchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, { line });
  return toWatchEvent(parsed.data, { line });
};

export interface WatchFiles {
  events: string;
  staff: string;
  tickets?: string | undefined;
  deliveries?: string | undefined;
  orders?: string | undefined;
  merchantOrders?: string | undefined;
}

export interface WatchRun {
  alerts: WatchAlert[];
  staffDays: Record<string, number>;
  events: number;
  replayMs: number;
  /** Events of the actors in `keepActors` (for evaluation), in file order. */
  kept: WatchEvent[];
  /** The time of each scenario's first injected event, when marks were given. */
  firstInjected: Record<string, number>;
}

/**
 * Loads the directory and assignment feeds, then streams the events file through a replay. Every
 * line of every file is validated; an invalid one aborts the run with its file, line and code.
 */
export async function runWatch(
  files: WatchFiles,
  json: boolean,
  keepActors?: ReadonlySet<string>,
  marks?: InjectedMarks,
): Promise<WatchRun> {
  for (const [option, file] of Object.entries(files)) if (file !== undefined) mustExist(file, option);
  const progress = new ProgressLine('watch', showProgress(json));
  let lines = 0;
  const tick = () => progress.update(++lines, undefined, 'records');
  const staff = await readFeed(files.staff, '--staff', parseStaff, tick);
  const tickets = files.tickets ? await readFeed(files.tickets, '--tickets', parseTicket, tick) : [];
  const deliveries = files.deliveries
    ? await readFeed(files.deliveries, '--deliveries', parseDelivery, tick)
    : [];
  const orders = files.orders ? await readFeed(files.orders, '--orders', parseOrder, tick) : [];
  const merchantOrders = files.merchantOrders
    ? await readFeed(files.merchantOrders, '--merchant-orders', parseMerchantOrder, tick)
    : [];
  const ctx = buildWatchContext({ staff, tickets, deliveries, orders, merchantOrders });
  const started = Date.now();
  const replay = new WatchReplay(ctx);
  const kept: WatchEvent[] = [];
  const firstInjected: Record<string, number> = { ...marks?.firstByTime };
  let events = 0;
  await readFeed(
    files.events,
    'EVENTS',
    (value, line) => {
      const e = parseEvent(value, line);
      events += 1;
      replay.push(e);
      if (keepActors?.has(e.actor)) kept.push(e);
      const scenario = marks?.byLine.get(line);
      if (scenario !== undefined) {
        const known = firstInjected[scenario];
        if (known === undefined || e.ts < known) firstInjected[scenario] = e.ts;
      }
      return undefined;
    },
    tick,
  );
  const result = replay.finish();
  progress.done();
  return { ...result, events, replayMs: Date.now() - started, kept, firstInjected };
}

/** Reads and checks truth.json. */
export function readTruth(file: string): WatchTruth {
  mustExist(file, 'truth.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CordonError('CORDON_ERR_VALIDATION', `${basename(file)}: not valid JSON.`, {
      file: basename(file),
    });
  }
  const parsed = watchTruthSchema.safeParse(raw);
  if (!parsed.success) throw inFile(toValidationError(parsed.error), file);
  return parsed.data;
}

/**
 * The simulator's marks of injected events (truth-events.ndjson): one line per injected event, as
 * `{line, scenario}` (the line of the event in events.ndjson) or `{ts, scenario}`. Every line is
 * checked like any other input.
 */
export interface InjectedMarks {
  byLine: Map<number, string>;
  /** The earliest marked time per scenario, for marks that carry a time. */
  firstByTime: Record<string, number>;
}

export async function readInjectedMarks(file: string): Promise<InjectedMarks> {
  const marks: InjectedMarks = { byLine: new Map(), firstByTime: {} };
  await readFeed(file, 'truth-events.ndjson', (value, line) => {
    const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const scenario = v.scenario;
    const ts = typeof v.ts === 'string' ? Date.parse(v.ts) : Number.NaN;
    if (typeof scenario !== 'string' || !(Number.isInteger(v.line) || !Number.isNaN(ts)))
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `line ${line}: needs a scenario name and the marked event's line (or ts).`,
        { line },
      );
    if (Number.isInteger(v.line)) marks.byLine.set(v.line as number, scenario);
    else {
      const known = marks.firstByTime[scenario];
      if (known === undefined || ts < known) marks.firstByTime[scenario] = ts;
    }
    return undefined;
  });
  return marks;
}

/** An alert as `watch replay` prints it without --json. */
function alertLine(a: WatchAlert): string {
  const top = a.reasons[0];
  return `${a.at}  ${a.severity.padEnd(8)} ${a.actor.padEnd(10)} score ${a.score}  ${a.reasons.map((r) => r.code).join(',')}${top ? `\n    ${top.message}` : ''}`;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

function evaluationText(e: WatchEvaluation, run: WatchRun, misses: string[]): string {
  const rows = e.scenarios.map((s) =>
    [
      s.name.padEnd(18),
      (s.detected ? 'yes' : 'NO').padEnd(9),
      (s.timeToFirstAlertHours === null ? '-' : s.timeToFirstAlertHours.toFixed(1)).padStart(8),
      String(s.customersExposedBeforeFirstAlert).padStart(9),
      String(s.customersTaken).padStart(9),
      pct(s.ratio).padStart(9),
      s.firstInjectedAt === undefined
        ? ''
        : `${String(s.hoursFromFirstInjected ?? '-').padStart(8)} ${String(s.customersExposedSinceFirstInjected ?? '-').padStart(9)}`,
    ].join(' '),
  );
  const injectedColumns = e.scenarios.some((s) => s.firstInjectedAt !== undefined)
    ? ` ${'h/1st ev'.padStart(8)} ${'exp/1st'.padStart(9)}`
    : '';
  return [
    `${'scenario'.padEnd(18)} ${'detected'.padEnd(9)} ${'hours'.padStart(8)} ${'exposed'.padStart(9)} ${'taken'.padStart(9)} ${'exposed%'.padStart(9)}${injectedColumns}`,
    ...rows,
    `false alerts: ${e.falseAlerts} (${e.falselyAlertedActors} people) on ${e.benignStaffDays.toLocaleString('en-US')} benign staff-days = ${e.falseAlertsPer1000StaffDays} per 1,000`,
    `replay: ${run.events.toLocaleString('en-US')} events in ${(run.replayMs / 1000).toFixed(1)} s, ${run.alerts.length} alerts`,
    misses.length === 0 ? 'targets: all met' : `targets MISSED:\n${misses.map((m) => `  - ${m}`).join('\n')}`,
  ].join('\n');
}

/** `cordon watch replay` and `cordon watch eval`: the insider-threat engine offline, over files. */
export function registerWatchCommands(program: Command): void {
  const watch = program
    .command('watch')
    .description('insider-threat analytics over access events (offline replay and evaluation)');

  watch
    .command('replay')
    .description('replay access events (NDJSON) through the watch engine and print the alerts')
    .argument('<events>', 'events file (NDJSON, one access per line)')
    .requiredOption('--staff <file>', 'staff directory (NDJSON or CSV)')
    .option('--tickets <file>', 'support tickets (NDJSON or CSV)')
    .option('--deliveries <file>', 'delivery assignments (NDJSON or CSV)')
    .option('--orders <file>', 'orders (NDJSON or CSV; id, customerId, status, createdAt are read)')
    .option('--merchant-orders <file>', 'merchant ownership of orders (NDJSON or CSV)')
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .action(
      async (
        events: string,
        opts: {
          staff: string;
          tickets?: string;
          deliveries?: string;
          orders?: string;
          merchantOrders?: string;
          json: boolean;
        },
      ) => {
        try {
          const run = await runWatch(
            {
              events,
              staff: opts.staff,
              tickets: opts.tickets,
              deliveries: opts.deliveries,
              orders: opts.orders,
            },
            opts.json,
          );
          emit(
            opts.json,
            { alerts: run.alerts },
            run.alerts.length === 0
              ? `no alerts (${run.events} events)`
              : `${run.alerts.map(alertLine).join('\n')}\n${run.alerts.length} alert(s) from ${run.events} events`,
          );
        } catch (error) {
          fail(error, opts.json);
        }
      },
    );

  watch
    .command('eval')
    .description(
      'replay a simulator run (staff, tickets, deliveries, orders, merchant-orders, events, truth.json) and score detection against the targets',
    )
    .argument('<dir>', 'directory written by `cordon simulate --out`')
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .action(async (dir: string, opts: { json: boolean }) => {
      try {
        const file = (name: string) => join(dir, name);
        const optional = (name: string) => (existsSync(file(name)) ? file(name) : undefined);
        const truth = readTruth(file('truth.json'));
        const actors = new Set(truth.scenarios.flatMap((s) => s.actors));
        const injected = optional('truth-events.ndjson');
        const marks = injected ? await readInjectedMarks(injected) : undefined;
        const run = await runWatch(
          {
            events: file('events.ndjson'),
            staff: file('staff.ndjson'),
            tickets: optional('tickets.ndjson'),
            deliveries: optional('deliveries.ndjson'),
            orders: optional('orders.ndjson'),
            merchantOrders: optional('merchant-orders.ndjson'),
          },
          opts.json,
          actors,
          marks,
        );
        const evaluation = evaluateWatch(
          run.alerts,
          truth,
          run.staffDays,
          run.kept,
          marks ? run.firstInjected : undefined,
        );
        const misses = watchTargetMisses(evaluation);
        const falseAlerts = run.alerts
          .filter((a) => !actors.has(a.actor))
          .map((a) => ({
            actor: a.actor,
            at: a.at,
            severity: a.severity,
            score: a.score,
            reasons: a.reasons.map((r) => r.code),
          }));
        emit(
          opts.json,
          {
            ...evaluation,
            misses,
            events: run.events,
            replayMs: run.replayMs,
            alerts: run.alerts.length,
            falseAlertList: falseAlerts,
          },
          evaluationText(evaluation, run, misses),
        );
        if (misses.length > 0) process.exitCode = 1;
      } catch (error) {
        fail(error, opts.json);
      }
    });
}
