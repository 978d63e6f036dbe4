import { readFileSync, writeFileSync } from 'node:fs';
import { CordonError, verifyEvidence } from '@cordon/core';
import { openRuntime } from '@cordon/server';
import { type Command, Option } from 'commander';
import { cliContext, loadConfig } from '../cli-context';
import { emit, fail, ProgressLine, showProgress } from '../output';
import { witnessOnce } from '../witness';

function parseTime(value: string | undefined, option: string): Date | undefined {
  if (value === undefined) return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()))
    throw new CordonError('CORDON_ERR_VALIDATION', `${option} must be an ISO 8601 time.`, { field: option });
  return t;
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('the access ledger (RFC 9162 Merkle log)');
  ledger
    .command('verify')
    .description(
      'recompute the tree from the stored entries and check every signed checkpoint; exits 3 on tampering',
    )
    .option('--json', 'print machine-readable JSON (and no progress)', false)
    .action(async (opts: { json: boolean }) => {
      const runtime = await openRuntime(loadConfig());
      try {
        const progress = new ProgressLine('verify ledger', showProgress(opts.json));
        const report = await runtime.ledger.verify((done, total) => progress.update(done, total, 'entries'));
        progress.done();
        const human = report.ok
          ? `ledger OK: ${report.size} entries, ${report.checkpointsChecked} signed checkpoints verified${report.prunedBodies ? `, ${report.prunedBodies} bodies pruned by retention` : ''}`
          : [
              `LEDGER TAMPERED: ${report.problems.length} problem(s)`,
              ...report.problems.map(
                (p) => `  ${p.kind}${p.seq !== undefined ? ` @${p.seq}` : ''}: ${p.message}`,
              ),
            ].join('\n');
        emit(opts.json, report, human);
        if (!report.ok) process.exitCode = 3;
      } finally {
        await runtime.close();
      }
    });
  ledger
    .command('checkpoint')
    .description('sign a checkpoint of the current tree now and print it')
    .action(async () => {
      const runtime = await openRuntime(loadConfig());
      try {
        await runtime.ledger.checkpoint();
        process.stdout.write((await runtime.ledger.latestCheckpointNote()).note);
      } finally {
        await runtime.close();
      }
    });

  const evidence = program.command('evidence').description('offline-verifiable evidence packages');
  evidence
    .command('export')
    .description('write the entries about a customer or by a staff member, with proofs, checkpoint and keys')
    .option('--customer <id>', 'customer id')
    .option('--staff <id>', 'staff (actor) id')
    .option('--from <time>', 'ISO 8601 start (inclusive)')
    .option('--to <time>', 'ISO 8601 end (exclusive)')
    .requiredOption('--out <file>', 'output JSON file')
    .option('--json', 'print machine-readable JSON', false)
    .action(
      async (opts: {
        customer?: string;
        staff?: string;
        from?: string;
        to?: string;
        out: string;
        json: boolean;
      }) => {
        const runtime = await openRuntime(loadConfig());
        try {
          const pkg = await runtime.ledger.evidence(cliContext(), {
            customer: opts.customer,
            staff: opts.staff,
            from: parseTime(opts.from, '--from'),
            to: parseTime(opts.to, '--to'),
          });
          writeFileSync(opts.out, `${JSON.stringify(pkg, null, 2)}\n`);
          emit(
            opts.json,
            { out: opts.out, entries: pkg.entries.length, treeSize: pkg.treeSize },
            `${pkg.entries.length} entries written to ${opts.out} (checkpoint at size ${pkg.treeSize})`,
          );
        } finally {
          await runtime.close();
        }
      },
    );
  evidence
    .command('verify')
    .description('check an evidence package offline (no database, no network)')
    .argument('<file>', 'evidence JSON file')
    .option(
      '--log-key <vkey>',
      'the log key you trust (from the shop’s published key or a register); otherwise the package’s own key is used',
    )
    .addOption(new Option('--witness-key <vkey...>', 'witness keys whose cosignatures are required'))
    .option('--json', 'print machine-readable JSON', false)
    .action((file: string, opts: { logKey?: string; witnessKey?: string[]; json: boolean }) => {
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        fail(
          new CordonError('CORDON_ERR_EVIDENCE_INVALID', `${file} is not a readable JSON file.`, {
            field: 'file',
          }),
          opts.json,
        );
      }
      const report = verifyEvidence(input, {
        trustedLogKey: opts.logKey,
        witnessKeys: opts.witnessKey ?? [],
      });
      const human = report.ok
        ? `evidence OK: ${report.entriesVerified} entries included in the signed tree of size ${report.treeSize} (${report.origin})${report.logKeyPinned ? '' : '\nnote: log key taken from the package; pass --log-key to pin the published key'}${report.witnesses.length ? `\nwitnessed by ${report.witnesses.join(', ')}` : ''}`
        : [
            `EVIDENCE INVALID: ${report.problems.length} problem(s)`,
            ...report.problems.map((p) => `  ${p}`),
          ].join('\n');
      emit(opts.json, report, human);
      if (!report.ok) process.exitCode = 3;
    });

  program
    .command('witness')
    .description(
      'act as an independent witness: verify the log’s checkpoints are consistent, cosign them, keep state',
    )
    .requiredOption('--log <url>', 'base URL of the Cordon server')
    .requiredOption('--state <dir>', 'directory for the witness key and last accepted checkpoint')
    .option('--log-key <vkey>', 'pin the log key (otherwise trusted on first use)')
    .option('--name <name>', 'witness key name (first run)', 'witness.cordon.local')
    .option('--interval <seconds>', 'keep running, one round every N seconds', (v) => Number(v))
    .option('--json', 'print machine-readable JSON', false)
    .action(
      async (opts: {
        log: string;
        state: string;
        logKey?: string;
        name: string;
        interval?: number;
        json: boolean;
      }) => {
        for (;;) {
          const outcome = await witnessOnce(opts.log, opts.state, { logKey: opts.logKey, name: opts.name });
          const human =
            outcome.status === 'accepted'
              ? `cosigned checkpoint at size ${outcome.size} (previous ${outcome.previousSize})`
              : outcome.status === 'unchanged'
                ? `no new checkpoint (size ${outcome.size})`
                : `!!! ${outcome.message} !!!`;
          emit(opts.json, outcome, human);
          if (outcome.status !== 'accepted' && outcome.status !== 'unchanged') {
            process.exitCode = 3;
            return;
          }
          if (!opts.interval) return;
          await new Promise((r) => setTimeout(r, (opts.interval ?? 60) * 1000));
        }
      },
    );
}
