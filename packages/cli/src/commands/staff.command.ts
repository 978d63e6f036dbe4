import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CordonError, isCordonError, MAX_BATCH, type RequestContext, staffStatuses } from '@cordon/core';
import type { Runtime } from '@cordon/server';
import { type Command, Option } from 'commander';
import { cliContext } from '../cli-context';
import { type ImportEncoding, type ImportFormat, readRecords } from '../import-reader';
import { emit, fail, ProgressLine, showProgress } from '../output';
import { withRuntime } from '../with-runtime';

interface FileOptions {
  format?: ImportFormat;
  encoding: ImportEncoding;
  json: boolean;
}

export interface FeedReport {
  file: string;
  lines: number;
  written: number;
  failedBatches: number;
  errors: Array<{ line?: number; code: string; message: string }>;
}

type Ingest = (values: unknown[], lineOf: (i: number) => { line: number }) => Promise<unknown>;

/**
 * Reads a staff or assignment feed (NDJSON or CSV with dotted columns such as `shift.start`) and hands
 * it to the service in batches of 1,000. Each batch is all or nothing; a bad line fails its batch, is
 * reported by number, and the next batches still go in.
 */
export async function importFeed(
  file: string,
  options: FileOptions,
  label: string,
  ingest: Ingest,
): Promise<FeedReport> {
  if (!existsSync(file))
    throw new CordonError('CORDON_ERR_VALIDATION', `No file ${file}.`, { field: 'FILE' });
  const format: ImportFormat = options.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  const report: FeedReport = { file, lines: 0, written: 0, failedBatches: 0, errors: [] };
  const progress = new ProgressLine(label, showProgress(options.json));
  let batch: Array<{ line: number; value: unknown }> = [];
  let invalid = false;
  const flush = async () => {
    if (batch.length === 0) return;
    if (!invalid) {
      const current = batch;
      try {
        await ingest(
          current.map((b) => b.value),
          (i) => ({ line: current[i]?.line ?? 0 }),
        );
        report.written += current.length;
      } catch (error) {
        if (!isCordonError(error)) throw error;
        report.failedBatches += 1;
        const line = typeof error.details.line === 'number' ? error.details.line : undefined;
        report.errors.push({ line, code: error.code, message: error.message });
      }
    } else report.failedBatches += 1;
    batch = [];
    invalid = false;
  };
  for await (const record of readRecords(file, format, options.encoding, () => undefined)) {
    report.lines = record.line;
    if ('error' in record) {
      invalid = true;
      report.errors.push({ line: record.line, code: record.error.code, message: record.error.message });
    } else batch.push({ line: record.line, value: record.value });
    if (batch.length >= MAX_BATCH) await flush();
    progress.update(report.lines, undefined, 'lines');
  }
  await flush();
  progress.done();
  return report;
}

const fileOptions = (cmd: Command) =>
  cmd
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices(['ndjson', 'csv']),
    )
    .addOption(new Option('--encoding <encoding>', 'text encoding').choices(['utf8', 'gbk']).default('utf8'))
    .option('--json', 'print machine-readable JSON (and no progress)', false);

function feedCommand(
  parent: Command,
  name: string,
  description: string,
  pick: (
    runtime: Runtime,
  ) => (ctx: RequestContext, values: unknown[], lineOf: (i: number) => { line: number }) => Promise<unknown>,
): void {
  fileOptions(parent.command(name).description(description).argument('<file>', 'NDJSON or CSV file')).action(
    async (file: string, opts: FileOptions) => {
      await withRuntime(opts.json, async (runtime) => {
        const ctx = cliContext();
        const report = await importFeed(file, opts, `${parent.name()} ${name}`, (values, lineOf) =>
          pick(runtime)(ctx, values, lineOf),
        );
        const lines = [
          `${parent.name()}: ${report.written} written, ${report.failedBatches} batch(es) not written`,
          ...report.errors.map((e) => `  line ${e.line ?? '?'}: ${e.code} ${e.message}`),
        ];
        emit(opts.json, report, lines.join('\n'));
        if (report.failedBatches > 0) process.exitCode = 1;
      });
    },
  );
}

/** `cordon staff …`, `cordon tickets import`, `cordon deliveries import`, `cordon merchant-orders import`, `cordon reveal`. */
export function registerStaffCommands(program: Command): void {
  const staff = program
    .command('staff')
    .description('the staff directory: import, list, suspend, tokens, passwords');
  feedCommand(staff, 'import', 'import people (one per line; insert or replace by id)', (r) =>
    r.staff.importStaff.bind(r.staff),
  );

  staff
    .command('list')
    .description('list the directory')
    .addOption(new Option('--status <status>', 'only this status').choices([...staffStatuses]))
    .option('--role <role>', 'only this role')
    .option('--json', 'print JSON', false)
    .action(async (opts: { status?: string; role?: string; json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const list = await runtime.staff.list(cliContext(), { status: opts.status, role: opts.role });
        emit(
          opts.json,
          list,
          list
            .map(
              (s) =>
                `${s.id}\t${s.role}\t${s.team}\t${s.status}\t${s.shift.start}-${s.shift.end} ${s.shift.tz}`,
            )
            .join('\n') || '(no staff)',
        );
      });
    });

  for (const [name, status, text] of [
    ['suspend', 'suspended', 'suspend a person: every session and token ends now'],
    ['depart', 'departed', 'mark a person departed: every session and token ends now'],
    ['activate', 'active', 'reactivate a suspended person (tokens must be issued again)'],
  ] as const) {
    staff
      .command(name)
      .description(text)
      .argument('<id>', 'staff id')
      .option('--json', 'print JSON', false)
      .action(async (id: string, opts: { json: boolean }) => {
        await withRuntime(opts.json, async (runtime) => {
          const s = await runtime.staff.setStatus(cliContext(), id, status);
          emit(opts.json, s, `${s.id} is now ${s.status}`);
        });
      });
  }

  staff
    .command('token')
    .description('issue a bearer token for a staff tool acting as this person (shown once)')
    .argument('<id>', 'staff id')
    .option('--name <name>', 'what the token is for', 'staff tool')
    .option('--json', 'print JSON', false)
    .action(async (id: string, opts: { name: string; json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const t = await runtime.staff.issueToken(cliContext(), id, opts.name);
        emit(opts.json, t, `${t.token}\n(shown once; store it in the tool's secret store)`);
      });
    });

  staff
    .command('password')
    .description('set a sign-in password, read from standard input (never from the command line)')
    .argument('<id>', 'staff id')
    .option('--json', 'print JSON', false)
    .action(async (id: string, opts: { json: boolean }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      await withRuntime(opts.json, async (runtime) => {
        await runtime.staff.setPassword(cliContext(), id, password);
        emit(opts.json, { ok: true }, `password set for ${id}`);
      });
    });

  staff
    .command('totp')
    .description('enrol TOTP for a person; prints the secret and otpauth URI once')
    .argument('<id>', 'staff id')
    .option('--json', 'print JSON', false)
    .action(async (id: string, opts: { json: boolean }) => {
      await withRuntime(opts.json, async (runtime) => {
        const t = await runtime.staff.enrollTotp(cliContext(), id);
        emit(opts.json, t, `secret ${t.secret}\n${t.uri}`);
      });
    });

  const tickets = program.command('tickets').description('support tickets from the ticket system');
  feedCommand(tickets, 'import', 'import tickets (insert or replace by id)', (r) =>
    r.staff.importTickets.bind(r.staff),
  );
  const deliveries = program
    .command('deliveries')
    .description('delivery assignments from the logistics system');
  feedCommand(deliveries, 'import', 'import deliveries (courier and window per order)', (r) =>
    r.staff.importDeliveries.bind(r.staff),
  );
  const merchants = program.command('merchant-orders').description('merchant ownership of orders');
  feedCommand(merchants, 'import', 'import merchant ownership (and delivery time) per order', (r) =>
    r.staff.importMerchantOrders.bind(r.staff),
  );

  const events = program.command('events').description('access events from other systems, for watch');
  feedCommand(
    events,
    'import',
    'import access events (ERP, warehouse, legacy back office), one per line',
    (r) => r.watch.ingestEvents.bind(r.watch),
  );

  program
    .command('reveal')
    .description(
      'reveal fields for a purpose, as the staff member whose token is in CORDON_STAFF_TOKEN: the same policy and ledger as HTTP',
    )
    .option('--customer <id>', 'customer id')
    .option('--order <id>', 'order id')
    .requiredOption('--fields <list>', 'comma-separated: name,phone,address,email,idNumber')
    .option('--purpose <purpose>', 'e.g. customer_support')
    .option('--reference <ref>', 'ticket, delivery or request id')
    .option('--break-glass <justification>', 'reveal without an assignment (capped, alerted, reviewed)')
    .option('--json', 'print JSON', false)
    .action(
      async (opts: {
        customer?: string;
        order?: string;
        fields: string;
        purpose?: string;
        reference?: string;
        breakGlass?: string;
        json: boolean;
      }) => {
        const token = process.env.CORDON_STAFF_TOKEN;
        if (!token) {
          fail(
            new CordonError(
              'CORDON_ERR_UNAUTHENTICATED',
              'Set CORDON_STAFF_TOKEN to your staff token (cordon staff token ID): reveal always acts as a person.',
            ),
            opts.json,
          );
        }
        await withRuntime(opts.json, async (runtime) => {
          const { actor, scopes } = await runtime.auth.authenticateBearer(token);
          const ctx: RequestContext = { actor, scopes, requestId: randomUUID(), clientAddress: 'cli' };
          const r = await runtime.access.reveal(ctx, {
            customerId: opts.customer,
            orderId: opts.order,
            fields: opts.fields
              .split(',')
              .map((f) => f.trim())
              .filter(Boolean),
            purpose: opts.purpose,
            reference: opts.reference,
            breakGlass: opts.breakGlass !== undefined ? { justification: opts.breakGlass } : undefined,
          });
          emit(
            opts.json,
            r,
            [
              ...Object.entries(r.fields).map(([k, v]) => `${k}\t${v ?? ''}`),
              `(ledger entry ${r.ledgerSeq}${r.breakGlassId ? `, break-glass ${r.breakGlassId}: review pending` : ''})`,
            ].join('\n'),
          );
        });
      },
    );
}
