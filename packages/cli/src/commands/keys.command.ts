import { systemClock } from '@cordon/core';
import { openRuntime } from '@cordon/server';
import { addKekVersion, initKeyringFile } from '@cordon/storage';
import type { Command } from 'commander';
import { cliContext, loadConfig } from '../cli-context';
import { emit, ProgressLine, showProgress } from '../output';

export function registerKeysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage the keyring (KEKs, index keys, the ledger signing key)');
  keys
    .command('init')
    .description('create a new keyring file (mode 0600); refuses to overwrite an existing one')
    .option('--json', 'print machine-readable JSON', false)
    .action(async (opts: { json: boolean }) => {
      const config = loadConfig();
      const file = initKeyringFile(config.keyringPath, systemClock.now(), config.ledgerOrigin);
      const runtime = await openRuntime(config);
      try {
        await runtime.ledger.recordAdmin(cliContext(), 'key_init', {
          keyring: file.keyringId,
          kekVersion: 1,
        });
      } finally {
        await runtime.close();
      }
      emit(
        opts.json,
        { keyring: config.keyringPath, keyringId: file.keyringId },
        `keyring ${file.keyringId} created at ${config.keyringPath} (mode 0600). Back it up: without it the vault cannot be read.`,
      );
    });
  keys
    .command('rotate')
    .description(
      'add a new KEK version and rewrap every data key under it (resumable: run again after a crash)',
    )
    .option('--json', 'print machine-readable JSON', false)
    .action(async (opts: { json: boolean }) => {
      const config = loadConfig();
      let runtime = await openRuntime(config);
      const pending = await runtime.rotation.pending();
      if (pending === 0) {
        // Nothing half-done: start a new rotation with a fresh KEK version.
        await runtime.close();
        addKekVersion(config.keyringPath, systemClock.now());
        runtime = await openRuntime(config);
      }
      try {
        const progress = new ProgressLine('rewrap data keys', showProgress(opts.json));
        const result = await runtime.rotation.rewrapAll(cliContext(), {
          onProgress: (p) => progress.update(p.done, p.total, 'keys'),
        });
        progress.done();
        emit(
          opts.json,
          result,
          `rewrapped ${result.rewrapped} data keys under KEK version ${result.kekVersion}`,
        );
      } finally {
        await runtime.close();
      }
    });
}
