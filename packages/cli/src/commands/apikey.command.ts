import { openRuntime } from '@cordon/server';
import type { Command } from 'commander';
import { cliContext, loadConfig } from '../cli-context';
import { emit } from '../output';

export function registerApiKeyCommands(program: Command): void {
  const apikey = program.command('apikey').description('service API keys (hashed at rest, shown once)');
  apikey
    .command('create')
    .description('create an API key; the key is printed once and cannot be shown again')
    .requiredOption('--name <name>', 'what the key is for, e.g. order-system')
    .requiredOption(
      '--scopes <list>',
      'comma-separated: customers:write,orders:write,customers:read,orders:read,search,erase,ledger:read,admin',
    )
    .option('--json', 'print machine-readable JSON', false)
    .action(async (opts: { name: string; scopes: string; json: boolean }) => {
      const runtime = await openRuntime(loadConfig());
      try {
        const created = await runtime.apiKeys.create(cliContext(), {
          name: opts.name,
          scopes: opts.scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        });
        emit(
          opts.json,
          created,
          `${created.key}\n(api key ${created.id}, scopes ${created.scopes.join(',')}; shown once — store it now)`,
        );
      } finally {
        await runtime.close();
      }
    });
  apikey
    .command('revoke')
    .description('revoke an API key by id (other server processes stop accepting it within 5 s)')
    .argument('<id>', 'the 16-hex-digit key id (as printed by create and list)')
    .option('--json', 'print machine-readable JSON', false)
    .action(async (id: string, opts: { json: boolean }) => {
      const runtime = await openRuntime(loadConfig());
      try {
        await runtime.apiKeys.revoke(cliContext(), id);
        emit(opts.json, { id, revoked: true }, `api key ${id} revoked`);
      } finally {
        await runtime.close();
      }
    });
  apikey
    .command('list')
    .description('list API keys (ids, names, scopes; never secrets)')
    .option('--json', 'print machine-readable JSON', false)
    .action(async (opts: { json: boolean }) => {
      const runtime = await openRuntime(loadConfig());
      try {
        const keys = await runtime.apiKeys.list();
        emit(
          opts.json,
          keys,
          keys
            .map((k) => `${k.id}  ${k.name}  ${k.scopes.join(',')}${k.revokedAt ? '  (revoked)' : ''}`)
            .join('\n') || 'no API keys',
        );
      } finally {
        await runtime.close();
      }
    });
}
