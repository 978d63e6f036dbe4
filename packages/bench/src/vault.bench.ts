import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyringFile } from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { generateShop } from '@cordon/sim';
import { type Database, newKeyring, openDatabase } from '@cordon/storage';
import autocannon from 'autocannon';
import { BENCH_CTX, cpuDuring, cpuFigures, openBenchDatabase, startBenchServer } from './bench-server';
import type { Figure } from './report';
import { progress } from './report';

export interface VaultBenchOptions {
  customers: number;
  seconds: number;
  showProgress: boolean;
  postgres: boolean;
}

async function importRate(
  database: Database,
  shop: ReturnType<typeof generateShop>,
  concurrency: number,
  keyring: KeyringFile,
): Promise<number> {
  const runtime = await testRuntime(database, {}, keyring);
  const started = performance.now();
  const run = async (items: readonly unknown[], ingest: (batch: unknown[]) => Promise<unknown>) => {
    const batches: unknown[][] = [];
    for (let i = 0; i < items.length; i += 1000) batches.push(items.slice(i, i + 1000));
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < batches.length) {
          const batch = batches[next++];
          if (batch) await ingest(batch);
        }
      }),
    );
  };
  await run(shop.customers, (b) => runtime.vault.ingestCustomers(BENCH_CTX, b));
  await run(shop.orders, (b) => runtime.vault.ingestOrders(BENCH_CTX, b));
  const seconds = (performance.now() - started) / 1000;
  await runtime.close();
  return shop.orders.length / seconds;
}

/** Raw AES-256-GCM of node:crypto on the field sizes of one order (name, phone, street). */
function aesBound(): { fieldsPerSecond: number; ordersPerSecond: number } {
  const key = randomBytes(32);
  const fields = [
    Buffer.from('欧阳娜娜'),
    Buffer.from('13812345678'),
    Buffer.from('中关村大街27号院3号楼2单元501室'),
  ];
  const aad = Buffer.from('cordon/field/v1\u0000orders\u0000O00000001\u0000street');
  const n = 200_000;
  const started = performance.now();
  for (let i = 0; i < n; i += 1) {
    const f = fields[i % 3] as Buffer;
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
    c.setAAD(aad);
    c.update(f);
    c.final();
    c.getAuthTag();
  }
  const fieldsPerSecond = n / ((performance.now() - started) / 1000);
  return { fieldsPerSecond, ordersPerSecond: fieldsPerSecond / 3 };
}

async function maskedReads(
  url: string,
  key: string,
  orderIds: string[],
  seconds: number,
): Promise<{ rps: number; p99: number; ok: number; errors: number }> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: 32,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/v1/orders/${orderIds[i++ % orderIds.length]}` }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    const sample = await fetch(`${url}/v1/orders/${orderIds[0]}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    process.stderr.write(
      `masked reads: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; a sample answers ${sample.status} ${(await sample.text()).slice(0, 200)}\n`,
    );
  }
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.errors + result.non2xx,
  };
}

export async function vaultBench(options: VaultBenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  progress(options.showProgress, `generating ${options.customers} customers and their orders`);
  const shop = generateShop({ customers: options.customers, seed: 'bench' });
  const aes = aesBound();
  figures.push({
    suite: 'vault',
    name: 'node:crypto AES-256-GCM, order field sizes (fields/s)',
    value: aes.fieldsPerSecond,
    unit: 'fields/s',
  });
  figures.push({
    suite: 'vault',
    name: 'AES bound for 3 encrypted fields per order (orders/s)',
    value: aes.ordersPerSecond,
    unit: 'orders/s',
  });

  if (options.postgres) {
    progress(
      options.showProgress,
      `importing ${shop.orders.length} orders (+${shop.customers.length} customers) into PostgreSQL`,
    );
    const bench = await openBenchDatabase(6);
    const pgDb = bench.db;
    const pgRate = await importRate(pgDb, shop, 4, bench.keyring);
    figures.push({
      suite: 'vault',
      name: 'bulk import into PostgreSQL (orders/s, with customers)',
      value: pgRate,
      unit: 'orders/s',
      target: { op: '>=', value: 20_000 },
      peer: { name: 'Databunker paid bulk', value: 5_800 },
    });
    progress(
      options.showProgress,
      `masked GET /v1/orders/:id over HTTP for ${options.seconds} s (PostgreSQL, server in its own process)`,
    );
    const runtime = await testRuntime(pgDb, {}, bench.keyring);
    const key = (await runtime.apiKeys.create(BENCH_CTX, { name: 'bench', scopes: ['orders:read'] })).key;
    const server = await startBenchServer(bench.env);
    try {
      const { result: reads, ...cpu } = await cpuDuring([server.pid], () =>
        maskedReads(
          server.url,
          key,
          shop.orders.map((o) => o.id),
          options.seconds,
        ),
      );
      figures.push({
        suite: 'vault',
        name: 'masked GET /v1/orders/:id, PostgreSQL (req/s)',
        value: reads.rps,
        unit: 'req/s',
        target: { op: '>=', value: 5_000 },
        peer: { name: 'Databunker open-source reads', value: 155 },
      });
      figures.push({
        suite: 'vault',
        name: 'masked GET /v1/orders/:id, PostgreSQL p99',
        value: reads.p99,
        unit: 'ms',
        target: { op: '<=', value: 20 },
      });
      figures.push(...cpuFigures('vault', 'masked read', cpu, reads.ok));
      figures.push({
        suite: 'vault',
        name: 'masked GET non-2xx or failed responses',
        value: reads.errors,
        unit: 'errors',
        target: { op: '<=', value: 0 },
      });
    } finally {
      await server.stop();
      await bench.close();
    }
  }

  const dir = mkdtempSync(join(tmpdir(), 'cordon-bench-'));
  const keyring = newKeyring(new Date(), 'bench.cordon/ledger');
  try {
    progress(options.showProgress, `importing ${shop.orders.length} orders into PGlite (on disk)`);
    const lite = await openDatabase({ dataDir: join(dir, 'pgdata') });
    const liteRate = await importRate(lite, shop, 1, keyring);
    figures.push({
      suite: 'vault',
      name: 'bulk import into PGlite on disk (orders/s, with customers)',
      value: liteRate,
      unit: 'orders/s',
      target: { op: '>=', value: 5_000 },
    });
    await lite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
