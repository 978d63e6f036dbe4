import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CordonError, LEAKED_FILE_MAX_BYTES } from '@cordon/core';
import type { Runtime } from '@cordon/server';
import type { Command } from 'commander';
import { cliContext } from '../cli-context';
import { emit, ProgressLine, showProgress } from '../output';
import { withRuntime } from '../with-runtime';
import { registerTraceEval } from './trace-eval.command';

function readInput(file: string): Buffer {
  if (!existsSync(file))
    throw new CordonError('CORDON_ERR_VALIDATION', `No file ${file}.`, { field: 'FILE' });
  if (statSync(file).size > LEAKED_FILE_MAX_BYTES) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `${file} is over the ${LEAKED_FILE_MAX_BYTES} byte limit.`,
      {
        field: 'FILE',
      },
    );
  }
  return readFileSync(file);
}

/** `cordon trace FILE` and `cordon breach open|list|show|update`. */
export function registerTraceCommands(program: Command): void {
  program
    .command('trace')
    .description('analyse a leaked file: which rows are ours, canaries, ranked sources, affected customers')
    .argument('<file>', 'CSV (any delimiter, UTF-8 or GBK), XLSX, or text / chat paste')
    .option('--json', 'print the report as JSON (and no progress)', false)
    .action(async (file: string, opts: { json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const bytes = readInput(file);
        const progress = new ProgressLine('trace', showProgress(opts.json));
        const report = await runtime.traces.analyze(cliContext(), bytes, basename(file), {
          onProgress: (_stage, n) => progress.update(n, undefined, 'rows'),
        });
        progress.done();
        const top = report.candidates.slice(0, 5);
        emit(
          opts.json,
          report,
          [
            `${report.file.name}: ${report.file.kind}${report.file.encoding ? ` (${report.file.encoding})` : ''}, ${report.file.rowsRead} rows read, ${report.rows} with personal data`,
            `ours: ${report.ours} of ${report.rows} rows (${report.affected.length} customers), canaries: ${report.canaries.length}`,
            ...report.canaries.map(
              (c) => `  canary ${c.customerId}${c.exportId ? ` allocated to export ${c.exportId}` : ''}`,
            ),
            'candidate sources:',
            ...(top.length === 0
              ? ['  (none)']
              : top.map(
                  (c) =>
                    `  ${c.kind} ${c.id}: probability ${c.probability.toFixed(3)}, explains ${(c.explains * 100).toFixed(0)}%, p=${c.pValue.toExponential(2)}${c.window ? `, window ${c.window.from} – ${c.window.to}` : ''}`,
                )),
            ...report.file.problems.map((p) => `note: ${p}`),
            `(${report.seconds.toFixed(2)} s)`,
          ].join('\n'),
        );
      });
    });

  registerTraceEval(program);

  const breach = program.command('breach').description('breach incidents with their legal clocks');
  breach
    .command('open')
    .description('open an incident from a trace report (cordon trace --json > report.json)')
    .requiredOption('--from-trace <report>', 'trace report JSON')
    .option('--eu', 'EU residents are affected (GDPR art. 33/34 clocks)', false)
    .option('--title <title>', 'incident title')
    .option('--detected-at <iso>', 'when the leak was detected (default now)')
    .option('--shop <name>', 'shop name for the notices')
    .option('--contact <text>', 'contact for the notices')
    .option('--json', 'print JSON', false)
    .action(
      async (opts: {
        fromTrace: string;
        eu: boolean;
        title?: string;
        detectedAt?: string;
        shop?: string;
        contact?: string;
        json: boolean;
      }) => {
        await withRuntime(opts.json, async (runtime) => {
          let report: unknown;
          try {
            report = JSON.parse(readInput(opts.fromTrace).toString('utf8'));
          } catch (error) {
            if (error instanceof CordonError) throw error;
            throw new CordonError('CORDON_ERR_VALIDATION', `${opts.fromTrace} is not a JSON trace report.`, {
              field: '--from-trace',
            });
          }
          const view = await runtime.incidents.open(cliContext(), {
            report,
            euResidents: opts.eu,
            ...(opts.title ? { title: opts.title } : {}),
            ...(opts.detectedAt ? { detectedAt: opts.detectedAt } : {}),
            ...(opts.shop ? { shopName: opts.shop } : {}),
            ...(opts.contact ? { contact: opts.contact } : {}),
          });
          emit(opts.json, view, describeIncident(view));
        });
      },
    );

  breach
    .command('list')
    .description('list incidents')
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const items = await runtime.incidents.list(cliContext());
        emit(
          opts.json,
          items,
          items.map((i) => `${i.id}\t${i.status}\t${i.affectedCount} affected\t${i.title}`).join('\n') ||
            '(no incidents)',
        );
      });
    });

  breach
    .command('show')
    .description('an incident with its clocks, notices and log')
    .argument('<id>', 'incident id')
    .option('--json', 'print JSON', false)
    .action(async (id: string, opts: { json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const view = await runtime.incidents.get(cliContext(), id);
        emit(opts.json, view, describeIncident(view));
      });
    });

  breach
    .command('update')
    .description('move an incident on: notified, contained, closed (the note is the resolution when closing)')
    .argument('<id>', 'incident id')
    .requiredOption('--status <status>', 'notified | contained | closed')
    .requiredOption('--note <note>', 'what was done')
    .option('--json', 'print JSON', false)
    .action(async (id: string, opts: { status: string; note: string; json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const view = await runtime.incidents.update(cliContext(), id, {
          status: opts.status,
          note: opts.note,
        });
        emit(opts.json, view, describeIncident(view));
      });
    });
}

function describeIncident(view: Awaited<ReturnType<Runtime['incidents']['get']>>): string {
  const i = view.incident;
  const report = i.report as {
    thresholds?: { summary?: string; level?: string };
    notices?: { individual?: { zh: string } };
  };
  return [
    `${i.id} ${i.status}: ${i.title}`,
    `affected customers: ${i.affectedCount}; insider: ${i.insider ? 'yes' : 'no'}; EU residents: ${i.euResidents ? 'yes' : 'no'}`,
    'clocks:',
    ...view.clocks.map(
      (c) =>
        `  ${String(c.id)}\t${String(c.status)}\tdue ${new Date(String(c.dueAt)).toISOString()}\t${String(c.authority)}`,
    ),
    report.thresholds?.level ? `criminal thresholds: ${report.thresholds.level}` : '',
    ...view.log.map((l) => `  ${l.at.toISOString()} ${l.actor} ${l.kind}: ${l.note}`),
  ]
    .filter(Boolean)
    .join('\n');
}
