import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyringFile, RequestContext } from '@cordon/core';
import {
  type Database,
  disposeDatabase,
  newKeyring,
  openDatabase,
  TEST_DATABASE_URL,
  writeKeyringFile,
} from '@cordon/storage';
import { sql } from 'kysely';
import type { Figure } from './report';

/** The `cordon` entry point the benchmarks run as child processes. */
export const CLI_MAIN = join(import.meta.dirname, '../../cli/src/main.ts');

/** Node flags that write a CPU profile when BENCH_PROFILE_DIR is set, for finding where time goes. */
export function profileFlags(): string[] {
  return process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
}

/**
 * Starts `cordon serve` in its own process (as in production), so the load generator does not share
 * its event loop. `stop` waits for the exit, so the schema can be dropped and a profile is written.
 */
export async function startBenchServer(
  env: Record<string, string>,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, [...profileFlags(), '--import', 'tsx', CLI_MAIN, 'serve'], {
    env: { ...process.env, ...env, CORDON_PORT: String(port), CORDON_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return {
        url,
        pid: child.pid ?? 0,
        stop: async () => {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        },
      };
    }
  }
  child.kill('SIGKILL');
  throw new Error('the benchmark server did not start');
}

/** PostgreSQL's Unix socket directory on Debian and Ubuntu. */
const SOCKET_DIR = '/var/run/postgresql';

/**
 * Where the suites find PostgreSQL: CORDON_BENCH_DATABASE_URL if set; else, when the server runs on
 * this machine and CORDON_TEST_DATABASE_URL is not set, its Unix socket, as a same-host deployment
 * would connect (measured: less CPU per query than TCP over loopback on both sides, fewer
 * syscalls' worth of network stack); else the tests' URL.
 */
export const BENCH_DATABASE_URL =
  process.env.CORDON_BENCH_DATABASE_URL ??
  (process.env.CORDON_TEST_DATABASE_URL === undefined && existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`)
    ? `postgres://postgres@${encodeURIComponent(SOCKET_DIR)}/test`
    : TEST_DATABASE_URL);

/** The operator identity the suites use for in-process setup (API keys, canaries). */
export const BENCH_CTX: RequestContext = {
  actor: { type: 'system', id: 'bench', role: 'operator' },
  scopes: ['admin'],
  requestId: 'bench',
  clientAddress: '127.0.0.1',
};

/** A suite's own PostgreSQL schema, keyring file and data directory, and the env a server needs for them. */
export interface BenchDatabase {
  db: Database;
  schema: string;
  /** A temporary directory of the suite's own (the keyring file and the server's data dir live here). */
  dir: string;
  keyring: KeyringFile;
  /** CORDON_DATABASE_URL (with the schema on the search path), CORDON_KEYRING and CORDON_DATA_DIR. */
  env: Record<string, string>;
  /** Drops the schema (disposeDatabase drops only test schemas), closes the pool, removes the directory. */
  close(): Promise<void>;
}

export async function openBenchDatabase(poolSize = 2): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-bench-'));
  const keyringPath = join(dir, 'keyring.json');
  const keyring = newKeyring(new Date(), 'bench.cordon/ledger');
  writeKeyringFile(keyringPath, keyring);
  const schema = `cordon_bench_${Date.now().toString(36)}`;
  const db = await openDatabase({ databaseUrl: BENCH_DATABASE_URL, schema, poolSize });
  return {
    db,
    schema,
    dir,
    keyring,
    env: {
      CORDON_DATABASE_URL: `${BENCH_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      CORDON_KEYRING: keyringPath,
      CORDON_DATA_DIR: dir,
    },
    close: async () => {
      await sql.raw(`drop schema if exists ${schema} cascade`).execute(db.db);
      await disposeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), or undefined. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // no /proc, or the process has ended
  }
}

/** User + system CPU seconds a process (all its threads) has used so far, from /proc; undefined without /proc. */
export function processCpuSeconds(pid: number): number | undefined {
  const fields = procStat(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / USER_HZ : undefined;
}

/**
 * CPU seconds used so far by PostgreSQL on this machine: every live postgres process, plus what
 * the postmaster's ended children used (its cutime and cstime), so that a backend ending during a
 * measurement does not take its CPU out of the total. Undefined if no postgres process is visible.
 */
export function postgresCpuSeconds(): number | undefined {
  // One read of /proc/<pid>/comm and /proc/<pid>/stat per process: pid -> [ppid, own ticks, reaped children's ticks].
  const postgres = new Map<number, [number, number, number]>();
  for (const entry of readdirSync('/proc', { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
    try {
      if (readFileSync(`/proc/${entry.name}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue; // the process ended while we looked
    }
    const f = procStat(Number(entry.name));
    if (f)
      postgres.set(Number(entry.name), [
        Number(f[1]),
        Number(f[11]) + Number(f[12]),
        Number(f[13]) + Number(f[14]),
      ]);
  }
  if (postgres.size === 0) return undefined;
  let ticks = 0;
  for (const [ppid, own, children] of postgres.values()) {
    ticks += own;
    // The postmaster is the postgres process whose parent is not one: add its reaped children.
    if (!postgres.has(ppid)) ticks += children;
  }
  return ticks / USER_HZ;
}

/**
 * The CPU the given server processes and PostgreSQL spend while `work` runs. Divided by the work
 * done, it gives a cost per operation that holds across this machine's speed phases far better than
 * throughput does (which moved 2x between sessions on the same code).
 */
export async function cpuDuring<T>(
  pids: readonly number[],
  work: () => Promise<T>,
): Promise<{ result: T; serverSeconds: number | undefined; postgresSeconds: number | undefined }> {
  const servers = () => {
    let total = 0;
    for (const pid of pids) {
      const cpu = processCpuSeconds(pid);
      if (cpu === undefined) return undefined;
      total += cpu;
    }
    return total;
  };
  const server0 = servers();
  const pg0 = postgresCpuSeconds();
  const result = await work();
  const server1 = servers();
  const pg1 = postgresCpuSeconds();
  return {
    result,
    serverSeconds: server0 === undefined || server1 === undefined ? undefined : server1 - server0,
    postgresSeconds: pg0 === undefined || pg1 === undefined ? undefined : pg1 - pg0,
  };
}

/**
 * Figures of CPU per operation (`  server CPU per <what>`, `  PostgreSQL CPU per <what>`), for the
 * parts that could be measured.
 */
export function cpuFigures(
  suite: string,
  what: string,
  cpu: { serverSeconds: number | undefined; postgresSeconds: number | undefined },
  operations: number,
): Figure[] {
  const figures: Figure[] = [];
  for (const [name, seconds] of [
    ['server', cpu.serverSeconds],
    ['PostgreSQL', cpu.postgresSeconds],
  ] as const) {
    if (seconds !== undefined && operations > 0)
      figures.push({
        suite,
        name: `  ${name} CPU per ${what}`,
        value: (seconds / operations) * 1e6,
        unit: 'µs',
      });
  }
  return figures;
}
