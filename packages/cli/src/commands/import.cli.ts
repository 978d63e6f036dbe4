import { CordonError } from '@cordon/core';
import { openRuntime } from '@cordon/server';
import { type Command, Option } from 'commander';
import { loadConfig } from '../cli-context';
import { emit, fail } from '../output';
import { importFile } from './import.command';

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description(
      'import customers or orders from NDJSON or CSV (dotted columns), streamed, in all-or-nothing batches',
    )
    .argument('<kind>', 'customers | orders')
    .argument('<file>', 'NDJSON (.ndjson/.jsonl) or CSV (.csv) file')
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices(['ndjson', 'csv']),
    )
    .addOption(new Option('--encoding <encoding>', 'text encoding').choices(['utf8', 'gbk']).default('utf8'))
    .option('--batch <n>', 'records per transaction (1–1000)', (v) => Number(v), 1000)
    .option('--concurrency <n>', 'batches in flight (PostgreSQL benefits from 2–4)', (v) => Number(v), 2)
    .option('--resume', 'continue after the last committed batch of a previous run', false)
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .action(
      async (
        kind: string,
        file: string,
        opts: {
          format?: 'ndjson' | 'csv';
          encoding: 'utf8' | 'gbk';
          batch: number;
          concurrency: number;
          resume: boolean;
          json: boolean;
        },
      ) => {
        if (kind !== 'customers' && kind !== 'orders') {
          fail(
            new CordonError('CORDON_ERR_VALIDATION', 'kind must be customers or orders.', { field: 'kind' }),
            opts.json,
          );
        }
        const runtime = await openRuntime(loadConfig());
        try {
          const report = await importFile(runtime, kind as 'customers' | 'orders', file, opts);
          const rate =
            report.seconds > 0 ? Math.round((report.inserted + report.unchanged) / report.seconds) : 0;
          const lines = [
            `${kind}: ${report.inserted} inserted, ${report.unchanged} unchanged, ${report.failedBatches} batch(es) not written, ${report.seconds.toFixed(1)} s (${rate}/s)`,
            ...report.errors.map((e) => `  line ${e.line ?? '?'}: ${e.code} ${e.message}`),
          ];
          emit(opts.json, report, lines.join('\n'));
          if (report.failedBatches > 0) process.exitCode = 1;
        } finally {
          await runtime.close();
        }
      },
    );
}
