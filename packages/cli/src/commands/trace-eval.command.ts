import { type CustomerProfile, Random, SyntheticShop } from '@cordon/sim';
import { type Command, InvalidArgumentError } from 'commander';
// Core's package index does not list trace-eval yet: one line there (`export * from
// './trace/trace-eval'`) lets this import come from '@cordon/core' like the others.
import {
  type EvalPerson,
  type EvalPopulation,
  evaluateTrace,
  type TraceEvalReport,
} from '../../../core/src/trace/trace-eval';
import { emit, fail, ProgressLine, showProgress } from '../output';

/** Options of `cordon trace eval`, parsed. */
export interface TraceEvalCliOptions {
  customers: number;
  staff: number;
  trials: number;
  rows: number;
  foreign: number;
  masked: number;
  seed: string;
  json: boolean;
}

function whole(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value.replace(/[_,]/gu, ''));
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`,
      );
    }
    return n;
  };
}

function share(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n >= 0 && n <= max)) throw new InvalidArgumentError(`${name} must be a number from 0 to ${max}.`);
    return n;
  };
}

function person(profile: CustomerProfile): EvalPerson {
  const home = profile.addresses[0];
  return { name: profile.customer.name, phone: profile.phone, address: home };
}

/**
 * The simulator as the evaluation's population: customers are the shop of `seed`, strangers the
 * customers of another shop (`seed/strangers`), so they have the same name and phone distributions
 * but are not ours.
 */
export function simulatedPopulation(customers: number, strangers: number, seed: string): EvalPopulation {
  const shop = new SyntheticShop({ customers, seed });
  const others = new SyntheticShop({ customers: Math.max(1_000, strangers), seed: `${seed}/strangers` });
  return {
    size: customers,
    customer: (index) => person(shop.profile(index)),
    stranger: (index) => person(others.profile(index % others.customerCount)),
  };
}

/** Runs the evaluation with the simulator and a TTY progress line (quiet with --json or in CI). */
export async function runTraceEval(options: TraceEvalCliOptions): Promise<TraceEvalReport> {
  const progress = showProgress(options.json);
  const lines = {
    index: new ProgressLine('indexing customers', progress),
    trials: new ProgressLine('trials', progress),
  };
  return evaluateTrace(
    simulatedPopulation(options.customers, options.trials * options.rows * 2 + 1_000, options.seed),
    {
      staff: options.staff,
      trials: options.trials,
      rows: options.rows,
      foreign: options.foreign,
      masked: options.masked,
      random: (label) => new Random(`${options.seed}/${label}`),
      now: () => performance.now(),
      onProgress: (stage, done, total) => {
        if (stage === 'staff') return;
        const line = lines[stage];
        line.update(done, total, stage === 'index' ? 'customers' : 'trials');
        if (done === total) line.done();
      },
    },
  );
}

const fmt = (value: number, unit: string): string => {
  if (unit === 'of trials' || unit === 'share') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'probability') return value.toFixed(3);
  if (unit === 'ms') return `${value.toFixed(1)} ms`;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} ${unit}`;
};

/** The human report: settings, figures with PASS/MISS, and the trials that missed. */
export function describeTraceEval(report: TraceEvalReport): string {
  const s = report.settings;
  const lines = [
    `trace eval: ${s.customers.toLocaleString('en-US')} customers, ${s.staff} staff, ${s.trials} trials of ${s.rows} rows (${(s.foreign * 100).toFixed(0)} % strangers, ${(s.masked * 100).toFixed(0)} % phones masked, ${(s.maskedNames * 100).toFixed(0)} % names masked)`,
    `staff: ${report.staffing.admins} admins, ${report.staffing.heavy} heavy, ${report.staffing.workers} workers in ${report.staffing.teams} teams; access median ${report.staffing.medianAccess.toLocaleString('en-US')}, max ${report.staffing.maxAccess.toLocaleString('en-US')}`,
    `time: index ${report.seconds.index.toFixed(1)} s, staff ${report.seconds.staff.toFixed(1)} s, trials ${report.seconds.trials.toFixed(1)} s`,
    ...report.figures.map((f) => {
      const mark = f.pass === undefined ? '    ' : f.pass ? 'PASS' : 'MISS';
      const target = f.target ? `  (target ${f.target.op} ${fmt(f.target.value, f.unit)})` : '';
      return `${mark} ${f.name}: ${fmt(f.value, f.unit)}${target}`;
    }),
  ];
  if (report.misses.length > 0) {
    lines.push('trials that missed:');
    for (const m of report.misses) {
      lines.push(
        `  #${m.trial} ${m.layout}: harvester ${m.harvester} (${m.harvesterKind}, ${m.harvestSize.toLocaleString('en-US')} customers) rank ${m.rank || '-'} p=${m.harvesterProbability.toFixed(3)}; top ${m.top?.id ?? '-'} p=${(m.top?.probability ?? 0).toFixed(3)}; ours ${m.ours}/${m.rows}`,
      );
    }
  }
  lines.push(report.pass ? 'all targets met' : 'a target was missed');
  return lines.join('\n');
}

/**
 * `cordon trace eval`: registered under the existing `trace` command (commander dispatches
 * `trace eval` to it and `trace FILE` to the trace itself).
 */
export function registerTraceEval(program: Command): void {
  const trace = program.commands.find((command) => command.name() === 'trace');
  if (!trace) throw new Error('registerTraceEval needs the trace command registered first.');
  trace
    .command('eval')
    .description(
      'evaluate tracing on the simulator: leaked samples from one harvester, ranked against 300 staff (exit 1 on a missed target)',
    )
    .option(
      '--customers <n>',
      'customers in the synthetic shop',
      whole('--customers', 1_000, 10_000_000),
      1_000_000,
    )
    .option('--staff <n>', 'staff members', whole('--staff', 3, 10_000), 300)
    .option('--trials <n>', 'leaked samples to trace', whole('--trials', 1, 100_000), 100)
    .option('--rows <n>', 'rows per sample', whole('--rows', 2, 10_000), 50)
    .option('--foreign <share>', 'share of rows that are not customers', share('--foreign', 0.9), 0.2)
    .option(
      '--masked <share>',
      'share of phones masked in the middle (138****5678)',
      share('--masked', 1),
      0.5,
    )
    .option('--seed <seed>', 'seed of the shop, the staff and the trials', '1')
    .option('--json', 'print the report as JSON (and no progress)', false)
    .action(async (_opts: unknown, command: Command) => {
      // `trace` has its own --json, which commander may give to it instead: take either.
      const opts = command.optsWithGlobals() as TraceEvalCliOptions;
      try {
        const report = await runTraceEval(opts);
        const { trialResults: _trials, ...summary } = report;
        emit(opts.json, summary, describeTraceEval(report));
        if (!report.pass) process.exitCode = 1;
      } catch (error) {
        fail(error, opts.json);
      }
    });
}
