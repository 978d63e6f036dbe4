import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { LedgerEntryInput } from '@cordon/core';
import { testRuntime } from '@cordon/server';
import type { Database } from '@cordon/storage';
import { sql } from 'kysely';
import { openBenchDatabase } from './bench-server';
import type { Figure } from './report';
import { progress } from './report';

export interface LedgerBenchOptions {
  quick: boolean;
  showProgress: boolean;
  postgres: boolean;
}

function entry(i: number): LedgerEntryInput {
  return {
    time: new Date(1_767_225_600_000 + i),
    actor: { type: 'staff', id: `staff:s${i % 300}`, role: 'support_agent' },
    action: 'view',
    outcome: 'allowed',
    purpose: 'customer_support',
    reference: `T-${i}`,
    customerIds: [`C${i % 100_000}`],
    orderIds: [],
    fields: ['receiver.phone'],
    clientAddress: '10.1.2.3',
    requestId: `req-${i}`,
  };
}

async function durableAppends(
  database: Database,
  total: number,
  batch: number,
  concurrency: number,
): Promise<number> {
  const runtime = await testRuntime(database);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const from = next;
        next += batch;
        const entries = Array.from({ length: Math.min(batch, total - from) }, (_, j) => entry(from + j));
        await runtime.uow.run((repos) => repos.ledger.append(entries));
      }
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  await runtime.close();
  return rate;
}

/**
 * Recorded reads as the read paths make them (one entry each, `concurrency` in flight), with nothing
 * else in the way: what the log's group commit alone sustains (ADR 0014). Also Node CPU per entry.
 */
async function groupCommits(
  database: Database,
  seconds: number,
  concurrency: number,
): Promise<{ rate: number; cpuMicros: number }> {
  const runtime = await testRuntime(database);
  let i = 0;
  const load = async (ms: number): Promise<number> => {
    const end = performance.now() + ms;
    let done = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          await runtime.uow.recorded(async () => ({ result: 1, entries: [entry(i++)] }));
          done += 1;
        }
      }),
    );
    return done;
  };
  await load(1000); // warm-up: connections, prepared statements, JIT
  const cpu = process.cpuUsage();
  const done = await load(seconds * 1000);
  const used = process.cpuUsage(cpu);
  await runtime.close();
  return { rate: done / seconds, cpuMicros: (used.user + used.system) / done };
}

/**
 * Fills the node table of a tree of `size` leaves directly in SQL (random-looking hashes, the real
 * shape and row count), so proof latency can be measured at 10^7 entries without appending 10^7
 * entries first. Proof latency depends on index depth and row counts, not on hash values; proof
 * correctness is tested separately against the RFC vectors and an in-memory tree.
 */
async function syntheticTree(database: Database, size: number, probes: number[]): Promise<void> {
  await sql`truncate ledger_nodes, ledger_entries, ledger_checkpoints`.execute(database.db);
  for (let level = 0; 2 ** level <= size; level += 1) {
    const count = Math.floor(size / 2 ** level);
    await sql`insert into ledger_nodes (level, idx, hash)
      select ${level}, g, decode(md5(g::text || ':' || ${level}::text) || md5(${level}::text || ':' || g::text), 'hex')
      from generate_series(0, ${count - 1}::bigint) g`.execute(database.db);
  }
  await sql`insert into ledger_entries (seq, time, leaf_hash, body, actor_id, action, customer_ids)
    select p, now(), n.hash, null, 'bench', 'view', '{}'::text[] from unnest(${probes}::bigint[]) p
    join ledger_nodes n on n.level = 0 and n.idx = p`.execute(database.db);
  // A frontier consistent with the synthetic nodes (one hash per set bit of size).
  const frontier: Buffer[] = [];
  for (let level = 52; level >= 0; level -= 1) {
    if (Math.floor(size / 2 ** level) % 2 === 1) {
      const idx = Math.floor(size / 2 ** level) - 1;
      const r = await sql<{
        hash: Uint8Array;
      }>`select hash from ledger_nodes where level = ${level} and idx = ${idx}`.execute(database.db);
      frontier.push(Buffer.from(r.rows[0]?.hash ?? Buffer.alloc(32)));
    }
  }
  await sql`update ledger_head set size = ${size}, frontier = ${Buffer.concat(frontier)} where id = 1`.execute(
    database.db,
  );
  await sql`analyze ledger_nodes`.execute(database.db);
}

async function proofLatency(
  database: Database,
  size: number,
  samples: number,
): Promise<{ p50: number; p99: number }> {
  const probes = Array.from({ length: samples }, (_, i) => Math.floor(((i + 0.5) / samples) * size));
  await syntheticTree(database, size, probes);
  const runtime = await testRuntime(database);
  const times: number[] = [];
  for (const seq of probes) {
    const t = performance.now();
    const p = await runtime.ledger.inclusionProof(seq, size);
    times.push(performance.now() - t);
    if (p.proof.length === 0 && size > 1) throw new Error('empty proof');
  }
  await runtime.close();
  times.sort((a, b) => a - b);
  return {
    p50: times[Math.floor(times.length * 0.5)] ?? 0,
    p99: times[Math.floor(times.length * 0.99)] ?? 0,
  };
}

/**
 * The in-memory figures run in a child process of their own (`ledger-memory.bench.ts`): with a
 * fresh heap they measure the appender, not the garbage the earlier suites left in this process
 * (measured: the same code gave 36 % of the bound after the vault suite and 48–54 % alone).
 */
function inMemoryFigures(options: LedgerBenchOptions, n: number): Figure[] {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'ledger-memory.bench.ts'), String(n)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', options.showProgress ? 'inherit' : 'ignore'] },
  );
  if (child.status !== 0) throw new Error(`the in-memory ledger figures failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as Figure[];
}

export async function ledgerBench(options: LedgerBenchOptions): Promise<Figure[]> {
  const n = options.quick ? 200_000 : 1_000_000;
  const figures: Figure[] = inMemoryFigures(options, n);
  if (options.postgres) {
    // The suite's own schema, dropped afterwards (the 10^7-entry node table is large).
    const bench = await openBenchDatabase(4);
    const database = bench.db;
    try {
      const total = options.quick ? 50_000 : 300_000;
      progress(
        options.showProgress,
        `durable appends on PostgreSQL: ${total.toLocaleString('en-US')} entries in batches of 1,000`,
      );
      const rate = await durableAppends(database, total, 1000, 2);
      figures.push({
        suite: 'ledger',
        name: 'durable appends on PostgreSQL, batches of 1,000',
        value: rate,
        unit: 'entries/s',
        target: { op: '>=', value: 20_000 },
      });
      progress(options.showProgress, 'ledgered reads group-committed on PostgreSQL, 32 in flight');
      const groups = await groupCommits(database, options.quick ? 2 : 5, 32);
      figures.push({
        suite: 'ledger',
        name: 'recorded reads group-committed, 32 in flight (one entry each)',
        value: groups.rate,
        unit: 'entries/s',
      });
      figures.push({
        suite: 'ledger',
        name: 'same, Node CPU per recorded read',
        value: groups.cpuMicros,
        unit: 'µs',
      });
      for (const size of options.quick ? [10_000, 100_000] : [10_000, 1_000_000, 10_000_000]) {
        progress(
          options.showProgress,
          `proof latency at ${size.toLocaleString('en-US')} entries (filling the node table)`,
        );
        const lat = await proofLatency(database, size, 200);
        figures.push({
          suite: 'ledger',
          name: `inclusion proof latency at ${size.toLocaleString('en-US')} entries, p50`,
          value: lat.p50,
          unit: 'ms',
        });
        figures.push({
          suite: 'ledger',
          name: `inclusion proof latency at ${size.toLocaleString('en-US')} entries, p99`,
          value: lat.p99,
          unit: 'ms',
        });
      }
    } finally {
      await bench.close();
    }
  }
  return figures;
}
