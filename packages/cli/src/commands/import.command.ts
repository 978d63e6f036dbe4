import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { CordonError, isCordonError, MAX_BATCH, parseCustomer, parseOrder } from '@cordon/core';
import type { Runtime } from '@cordon/server';
import { cliContext } from '../cli-context';
import { type ImportEncoding, type ImportFormat, readRecords } from '../import-reader';
import { ProgressLine, showProgress } from '../output';

export interface ImportOptions {
  format?: ImportFormat;
  encoding: ImportEncoding;
  batch: number;
  resume: boolean;
  json: boolean;
  concurrency: number;
}

export interface ImportReport {
  kind: 'customers' | 'orders';
  file: string;
  lines: number;
  inserted: number;
  unchanged: number;
  failedBatches: number;
  errors: Array<{ line?: number; code: string; message: string }>;
  skippedByResume: number;
  seconds: number;
}

const MAX_REPORTED_ERRORS = 1000;

/**
 * Streams a file into the vault in batches. Each batch is one transaction (all or nothing); a batch
 * with an invalid line is not written and every invalid line is reported by number. Progress is saved
 * after each committed batch, so `--resume` continues where a crash stopped (re-running without it is
 * also safe: ingestion is idempotent).
 */
export async function importFile(
  runtime: Runtime,
  kind: 'customers' | 'orders',
  file: string,
  options: ImportOptions,
): Promise<ImportReport> {
  if (!existsSync(file))
    throw new CordonError('CORDON_ERR_VALIDATION', `No file ${file}.`, { field: 'FILE' });
  if (!Number.isInteger(options.batch) || options.batch < 1 || options.batch > MAX_BATCH) {
    throw new CordonError('CORDON_ERR_BATCH_TOO_LARGE', `--batch must be from 1 to ${MAX_BATCH}.`, {
      field: '--batch',
    });
  }
  const format: ImportFormat = options.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  const progressPath = `${file}.cordon-progress.json`;
  let resumeAfter = 0;
  if (options.resume && existsSync(progressPath)) {
    const saved = JSON.parse(readFileSync(progressPath, 'utf8')) as { kind?: string; line?: number };
    if (saved.kind === kind && typeof saved.line === 'number') resumeAfter = saved.line;
  }
  const ctx = cliContext();
  const started = Date.now();
  const size = statSync(file).size;
  let bytes = 0;
  const progress = new ProgressLine(`import ${kind}`, showProgress(options.json));
  const report: ImportReport = {
    kind,
    file,
    lines: 0,
    inserted: 0,
    unchanged: 0,
    failedBatches: 0,
    errors: [],
    skippedByResume: 0,
    seconds: 0,
  };
  const addError = (e: CordonError) => {
    if (report.errors.length < MAX_REPORTED_ERRORS) {
      const line = typeof e.details.line === 'number' ? e.details.line : undefined;
      report.errors.push({ line, code: e.code, message: e.message });
    }
  };
  const parse = kind === 'customers' ? parseCustomer : parseOrder;
  const inFlight = new Set<Promise<void>>();
  let committedThrough = resumeAfter;
  const pendingLines: number[] = [];

  const flush = async (batch: Array<{ line: number; value: unknown }>, invalid: boolean) => {
    const lastLine = batch[batch.length - 1]?.line ?? 0;
    pendingLines.push(lastLine);
    if (!invalid) {
      try {
        const lineOf = (i: number) => ({ line: batch[i]?.line ?? 0 });
        const values = batch.map((b) => b.value);
        const r =
          kind === 'customers'
            ? await runtime.vault.ingestCustomers(ctx, values, lineOf)
            : await runtime.vault.ingestOrders(ctx, values, lineOf);
        report.inserted += r.inserted;
        report.unchanged += r.unchanged;
      } catch (error) {
        if (!isCordonError(error)) throw error;
        report.failedBatches += 1;
        addError(error);
      }
    } else {
      report.failedBatches += 1;
    }
    // Batches may finish out of order; the saved position only advances past contiguous finished batches.
    pendingLines.sort((a, b) => a - b);
    const idx = pendingLines.indexOf(lastLine);
    pendingLines.splice(idx, 1);
    const smallestPending = pendingLines[0];
    if (smallestPending === undefined || smallestPending > lastLine) {
      committedThrough = Math.max(committedThrough, lastLine);
      writeFileSync(progressPath, JSON.stringify({ kind, line: committedThrough }));
    }
  };

  let batch: Array<{ line: number; value: unknown }> = [];
  let batchInvalid = false;
  const submit = async () => {
    if (batch.length === 0) return;
    const p = flush(batch, batchInvalid).finally(() => inFlight.delete(p));
    inFlight.add(p);
    batch = [];
    batchInvalid = false;
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  };

  for await (const record of readRecords(file, format, options.encoding, (n) => {
    bytes += n;
  })) {
    report.lines = record.line;
    if (record.line <= resumeAfter) {
      report.skippedByResume += 1;
      continue;
    }
    if ('error' in record) {
      addError(record.error);
      batchInvalid = true;
      batch.push({ line: record.line, value: null });
    } else {
      try {
        parse(record.value, { line: record.line });
        batch.push({ line: record.line, value: record.value });
      } catch (error) {
        if (!isCordonError(error)) throw error;
        addError(error);
        batchInvalid = true;
        batch.push({ line: record.line, value: null });
      }
    }
    if (batch.length >= options.batch) await submit();
    progress.update(bytes, size, 'bytes');
  }
  await submit();
  await Promise.all(inFlight);
  progress.update(size, size, 'bytes');
  progress.done();
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
