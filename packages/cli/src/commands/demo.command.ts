import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { systemClock } from '@cordon/core';
import { openRuntime, startServer } from '@cordon/server';
import { generateShop } from '@cordon/sim';
import { initKeyringFile } from '@cordon/storage';
import type { Command } from 'commander';
import { cliContext, loadConfig } from '../cli-context';
import { ProgressLine, showProgress } from '../output';

const DEMO_CUSTOMERS = 2000;

/**
 * `npm run demo`: on first run creates the keyring and seeds a synthetic shop (2,000 customers and
 * their orders) through the same ingestion path as production, creates a demo API key, then serves.
 * Later runs reuse the data directory and the key.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('seed a synthetic shop into the embedded database (first run) and serve the API')
    .option('--port <port>', 'port (overrides CORDON_PORT)', (v) => Number(v))
    .option('--no-serve', 'seed only, then exit')
    .action(async (opts: { port?: number; serve: boolean }) => {
      const config = loadConfig();
      if (opts.port !== undefined) config.port = opts.port;
      if (!existsSync(config.keyringPath)) {
        initKeyringFile(config.keyringPath, systemClock.now(), config.ledgerOrigin);
        process.stderr.write(`created keyring ${config.keyringPath}\n`);
      }
      const runtime = await openRuntime(config);
      const ctx = cliContext();
      const counts = await runtime.uow.read((repos) => repos.vault.counts());
      if (counts.customers === 0) {
        const shop = generateShop({ customers: DEMO_CUSTOMERS, seed: 'cordon-demo' });
        const progress = new ProgressLine('seeding demo shop', showProgress(false));
        const all = [...shop.customers];
        for (let i = 0; i < all.length; i += 1000) {
          await runtime.vault.ingestCustomers(ctx, all.slice(i, i + 1000));
          progress.update(i + 1000, all.length + shop.orders.length, 'records');
        }
        for (let i = 0; i < shop.orders.length; i += 1000) {
          await runtime.vault.ingestOrders(ctx, shop.orders.slice(i, i + 1000));
          progress.update(all.length + i + 1000, all.length + shop.orders.length, 'records');
        }
        progress.done();
        await runtime.ledger.checkpoint();
        process.stderr.write(
          `seeded ${all.length} customers and ${shop.orders.length} orders (encrypted, indexed, ledgered)\n`,
        );
      }
      const keyFile = `${config.dataDir}/demo-api-key`;
      let key: string;
      if (existsSync(keyFile)) key = readFileSync(keyFile, 'utf8').trim();
      else {
        key = (await runtime.apiKeys.create(ctx, { name: 'demo', scopes: ['admin'] })).key;
        writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
      }
      if (!opts.serve) {
        await runtime.close();
        return;
      }
      const app = await startServer(runtime);
      const base = `http://${config.host}:${(app.server.address() as { port: number }).port}`;
      process.stderr.write(
        [
          '',
          `demo API key (admin, stored in ${keyFile}):`,
          `  ${key}`,
          'try:',
          `  curl -H "Authorization: Bearer ${key}" ${base}/v1/orders/O00000001`,
          `  curl -H "Authorization: Bearer ${key}" "${base}/v1/search?orderId=O00000002"`,
          `  curl ${base}/v1/ledger/checkpoint`,
          `  open ${base}/docs`,
          '',
        ].join('\n'),
      );
    });
}
