import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type BacktestMetrics,
  BacktestTally,
  CordonError,
  defaultRiskRulesPath,
  fieldAt,
  isCordonError,
  labelValue,
  loadRuleSet,
  MemoryRiskState,
  type Promotion,
  parseScoreItem,
  priceBookOf,
  promotionSchema,
  RiskEngine,
  riskKeyFn,
  type ScoreRequest,
  toValidationError,
} from '@cordon/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { inFile, mustExist } from '../cli-files';
import { readRecords } from '../import-reader';
import { emit, fail, ProgressLine, showProgress } from '../output';

/** Options of `cordon risk backtest`, after parsing. */
export interface BacktestOptions {
  rules?: string | undefined;
  promotions?: string | undefined;
  prices?: string | undefined;
  /** Dotted path of the label in each line (`truth.abusive`). */
  label?: string | undefined;
  /** Dotted path of a pattern name for per-pattern recall (`truth.pattern`). */
  pattern?: string | undefined;
  /** NDJSON of people's decisions (`GET /v1/risk/labels` items): they override the file's labels. */
  labels?: string | undefined;
  out: string;
  json: boolean;
}

export interface BacktestReport {
  file: string;
  rulesetFile: string;
  out: string;
  seconds: number;
  ordersPerSecond: number;
  metrics: BacktestMetrics;
}

function readJson(file: string, option: string): unknown {
  mustExist(file, option);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CordonError('CORDON_ERR_VALIDATION', `${basename(file)} (${option}) is not valid JSON.`, {
      field: option,
    });
  }
}

const pricesFileSchema = z.array(
  z.strictObject({ sku: z.string().min(1).max(64), listPrice: z.number().positive() }),
);

function readPromotions(file: string): Promotion[] {
  const raw = readJson(file, '--promotions');
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((p, index) => {
    const parsed = promotionSchema.safeParse(p);
    if (!parsed.success) throw inFile(toValidationError(parsed.error, { index }), file);
    return parsed.data;
  });
}

interface Row {
  request: ScoreRequest;
  at: number;
  label: boolean | undefined;
  pattern: string | undefined;
}

async function readHistory(file: string, options: BacktestOptions, progress: ProgressLine): Promise<Row[]> {
  mustExist(file, 'FILE');
  const rows: Row[] = [];
  for await (const record of readRecords(file, 'ndjson', 'utf8')) {
    if ('error' in record) throw inFile(record.error, file);
    let request: ScoreRequest;
    try {
      request = parseScoreItem(record.value, { line: record.line }, true);
    } catch (error) {
      if (isCordonError(error)) throw inFile(error, file);
      throw error;
    }
    const label = options.label ? labelValue(fieldAt(record.value, options.label)) : undefined;
    const rawPattern = options.pattern ? fieldAt(record.value, options.pattern) : undefined;
    rows.push({
      request,
      at: Date.parse(request.order.createdAt),
      label,
      pattern: typeof rawPattern === 'string' ? rawPattern.slice(0, 64) : undefined,
    });
    if (rows.length % 5000 === 0) progress.update(rows.length, undefined, 'orders read');
  }
  if (rows.length === 0) throw new CordonError('CORDON_ERR_VALIDATION', `${basename(file)} has no orders.`);
  return rows;
}

async function readLabels(file: string): Promise<Map<string, boolean>> {
  mustExist(file, '--labels');
  const out = new Map<string, boolean>();
  const schema = z.object({ orderId: z.string().min(1), abusive: z.boolean() });
  for await (const record of readRecords(file, 'ndjson', 'utf8')) {
    if ('error' in record) throw inFile(record.error, file);
    const parsed = schema.safeParse(record.value);
    if (!parsed.success) throw inFile(toValidationError(parsed.error, { line: record.line }), file);
    out.set(parsed.data.orderId, parsed.data.abusive);
  }
  return out;
}

/**
 * Replays a history of orders in time order through a fresh engine (in-process state), writes one
 * decision per order and scores the decisions against labels. The output is written to a temporary
 * file and renamed at the end, so a failed run leaves no half-written decisions behind.
 */
export async function runBacktest(file: string, options: BacktestOptions): Promise<BacktestReport> {
  const started = performance.now();
  const progress = new ProgressLine('backtest', showProgress(options.json));
  const rulesFile = options.rules ?? defaultRiskRulesPath;
  mustExist(rulesFile, '--rules');
  let ruleSet: ReturnType<typeof loadRuleSet>;
  try {
    ruleSet = loadRuleSet(readFileSync(rulesFile, 'utf8'));
  } catch (error) {
    throw isCordonError(error) ? inFile(error, rulesFile) : error;
  }
  const promotions = options.promotions ? readPromotions(options.promotions) : [];
  let prices: Array<{ sku: string; listPrice: number }> = [];
  if (options.prices) {
    const parsed = pricesFileSchema.safeParse(readJson(options.prices, '--prices'));
    if (!parsed.success) throw inFile(toValidationError(parsed.error), options.prices);
    prices = parsed.data;
  }
  const overrides = options.labels ? await readLabels(options.labels) : undefined;
  const rows = await readHistory(file, options, progress);
  // Time order, stable for equal times: the replay never sees the future.
  const order = rows.map((_, i) => i).sort((a, b) => (rows[a] as Row).at - (rows[b] as Row).at || a - b);

  const engine = new RiskEngine({
    store: new MemoryRiskState(),
    key: riskKeyFn(randomBytes(32)),
    ruleSet,
    promotions,
    prices: priceBookOf(prices),
  });
  const tally = new BacktestTally();
  const tmp = `${options.out}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let open = true;
  try {
    const chunk = 1000;
    for (let i = 0; i < order.length; i += chunk) {
      const slice = order.slice(i, i + chunk).map((k) => rows[k] as Row);
      const scored = await engine.scoreMany(slice.map((r) => r.request));
      let text = '';
      scored.forEach((s, j) => {
        const row = slice[j] as Row;
        const label = overrides?.get(row.request.order.id) ?? row.label;
        tally.add(s, label, row.pattern);
        text += `${JSON.stringify({
          orderId: s.request.order.id,
          decision: s.verdict.decision,
          score: s.verdict.score,
          reasons: s.verdict.reasons.map((r) => ({ code: r.code, message: r.message })),
        })}\n`;
      });
      writeSync(fd, text);
      progress.update(Math.min(i + chunk, order.length), order.length, 'orders');
    }
    closeSync(fd);
    open = false;
    renameSync(tmp, options.out);
  } catch (error) {
    if (open) closeSync(fd);
    if (existsSync(tmp)) unlinkSync(tmp);
    throw error;
  }
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  return {
    file,
    rulesetFile: rulesFile,
    out: options.out,
    seconds: Math.round(seconds * 10) / 10,
    ordersPerSecond: Math.round(rows.length / seconds),
    metrics: tally.result(),
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);

/** The human summary of a backtest. */
export function backtestSummary(r: BacktestReport): string {
  const m = r.metrics;
  const lines = [
    `${m.orders.toLocaleString('en-US')} orders in ${r.seconds} s (${r.ordersPerSecond.toLocaleString('en-US')}/s) → ${r.out}`,
    `decisions: accept ${m.decisions.accept}, review ${m.decisions.review}, reject ${m.decisions.reject}`,
  ];
  if (m.labelled > 0) {
    lines.push(
      `labelled ${m.labelled} (abusive ${m.abusive}, honest ${m.honest}); precision ${pct(m.precision)}, recall ${pct(m.recall)} (reject only ${pct(m.rejectRecall)}), AUC ${m.auc === null ? 'n/a' : m.auc.toFixed(4)}`,
      `honest orders rejected ${pct(m.honestRejectRate)}, sent to review ${pct(m.honestReviewRate)}; rejections without a readable reason: ${m.rejectionsWithoutReason}`,
    );
  } else {
    lines.push('no labels (pass --label FIELD or --labels FILE for precision and recall)');
  }
  for (const [id, t] of Object.entries(m.rules).sort((a, b) => b[1].hits - a[1].hits)) {
    lines.push(
      `  ${id}${t.mode === 'shadow' ? ' (shadow)' : ''}: ${t.hits} hits${m.labelled > 0 ? ` (abusive ${t.abusive}, honest ${t.honest})` : ''}${t.errors ? `, ${t.errors} errors` : ''}`,
    );
  }
  for (const [name, p] of Object.entries(m.patterns).sort()) {
    lines.push(
      `  pattern ${name}: ${p.orders} orders, flagged ${pct(p.flagged / p.orders)}, rejected ${pct(p.rejected / p.orders)}`,
    );
  }
  return lines.join('\n');
}

export function registerRiskCommands(program: Command): void {
  const risk = program
    .command('risk')
    .description('malicious-order risk: backtests of rule sets on order history');
  risk
    .command('backtest')
    .description('replay orders (NDJSON lines of {order, context, …}) in time order and measure a rule set')
    .argument(
      '<file>',
      'order history: NDJSON, one {order, context} per line (extra fields such as labels allowed)',
    )
    .option('--rules <file>', 'rule set (YAML or JSON); the shipped default when absent')
    .option('--promotions <file>', 'promotions (JSON array) in force during the history')
    .option('--prices <file>', 'list prices (JSON array of {sku, listPrice})')
    .option('--label <field>', 'dotted path of the label in each line, e.g. truth.abusive')
    .option('--pattern <field>', 'dotted path of a pattern name for per-pattern recall, e.g. truth.pattern')
    .option(
      '--labels <file>',
      "people's decisions (NDJSON {orderId, abusive}, from GET /v1/risk/labels); override the file's labels",
    )
    .requiredOption('--out <file>', 'where to write one decision per line')
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .action(async (file: string, opts: BacktestOptions) => {
      try {
        const report = await runBacktest(file, opts);
        emit(opts.json, report, backtestSummary(report));
      } catch (error) {
        fail(error, opts.json);
      }
    });
}
