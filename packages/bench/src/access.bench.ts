import { testRuntime } from '@cordon/server';
import { generateCustomers } from '@cordon/sim';
import type { Database } from '@cordon/storage';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { BENCH_CTX, cpuDuring, cpuFigures, openBenchDatabase, startBenchServer } from './bench-server';
import type { Figure } from './report';
import { progress } from './report';

export interface AccessBenchOptions {
  /** Support agents sharing the load; each reveal takes a per-person lock, so one agent would serialize. */
  agents: number;
  /** Open tickets per agent, each on its own customer (customers = agents × ticketsPerAgent). */
  ticketsPerAgent: number;
  seconds: number;
  /**
   * Concurrent HTTP connections of the load generator (closed loop). By Little's law the mean latency
   * is connections ÷ throughput, so 16 leaves room for p99 < 25 ms at 1,500/s; 32 would put the
   * mean at 21 ms at the target rate.
   */
  connections: number;
  showProgress: boolean;
  postgres: boolean;
}

/** One prepared reveal: an agent's token and a body naming a customer on one of that agent's open tickets. */
interface RevealCall {
  authorization: string;
  body: string;
  phone: string;
}

/** POSTs JSON with the admin key and fails loudly on anything but 200: setup errors are not figures. */
async function post(url: string, key: string, path: string, payload: unknown): Promise<unknown> {
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const text = await r.text();
  if (r.status !== 200)
    throw new Error(`bench setup: POST ${path} answered ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function inBatches<T>(items: readonly T[], size: number, send: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await send(items.slice(i, i + size));
}

/**
 * Loads the shop through the public API as its systems would: customers, the agents (HR feed, with a
 * reveal quota above what the run can use, so the run measures the reveal path and not the quota
 * denial), one open ticket per (agent, customer) and a bearer token per agent. Returns the calls in
 * round-robin agent order, so that concurrent requests belong to different agents.
 */
async function prepareShop(url: string, key: string, options: AccessBenchOptions): Promise<RevealCall[]> {
  const total = options.agents * options.ticketsPerAgent;
  const customers = [...generateCustomers({ customers: total, seed: 'bench-access' })];
  await inBatches(customers, 1000, (b) => post(url, key, '/v1/customers', b));
  const agentIds = Array.from({ length: options.agents }, (_, a) => `bench-agent-${a}`);
  await post(
    url,
    key,
    '/v1/staff',
    agentIds.map((id) => ({
      id,
      name: `Bench ${id}`,
      role: 'support_agent',
      team: 'cs-bench',
      shift: { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' },
      status: 'active',
      revealQuota: 100_000,
    })),
  );
  const openedAt = new Date(Date.now() - 3_600_000).toISOString();
  // Customer k belongs to agent k % agents: ticket k is that agent's ticket on that customer.
  const tickets = customers.map((c, k) => ({
    id: `BT-${k}`,
    customerId: c.id,
    assignee: agentIds[k % options.agents] as string,
    status: 'open',
    openedAt,
  }));
  await inBatches(tickets, 1000, (b) => post(url, key, '/v1/tickets', b));
  const tokens: string[] = [];
  for (const id of agentIds) {
    tokens.push(
      ((await post(url, key, `/v1/staff/${id}/tokens`, { name: 'bench' })) as { token: string }).token,
    );
  }
  return customers.map((c, k) => ({
    authorization: `Bearer ${tokens[k % options.agents] as string}`,
    body: JSON.stringify({
      customerId: c.id,
      fields: ['phone'],
      purpose: 'customer_support',
      reference: `BT-${k}`,
    }),
    phone: c.phone,
  }));
}

/** One reveal outside the load, checked for its plaintext: a fast bench that returns the wrong data is no figure. */
async function checkOne(url: string, call: RevealCall): Promise<void> {
  const r = await fetch(`${url}/v1/reveal`, {
    method: 'POST',
    headers: { authorization: call.authorization, 'content-type': 'application/json' },
    body: call.body,
  });
  const text = await r.text();
  const phone = r.status === 200 ? (JSON.parse(text) as { fields?: { phone?: string } }).fields?.phone : '';
  if (phone?.replace(/\D/g, '').slice(-11) !== call.phone.replace(/\D/g, '').slice(-11)) {
    throw new Error(`bench check: a reveal answered ${r.status} ${text.slice(0, 300)}`);
  }
}

/** The stable error code of an error body, else the start of the body. */
function errorCode(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

interface RevealLoad {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  firstError: string | undefined;
}

async function reveals(
  url: string,
  calls: RevealCall[],
  connections: number,
  seconds: number,
  from = 0,
): Promise<RevealLoad> {
  let i = from;
  let firstError: string | undefined;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/reveal',
        setupRequest: (req) => {
          const call = calls[i++ % calls.length] as RevealCall;
          return {
            ...req,
            headers: {
              ...req.headers,
              authorization: call.authorization,
              'content-type': 'application/json',
            },
            body: call.body,
          };
        },
        onResponse: (status, body) => {
          if (status !== 200 && firstError === undefined) firstError = `${status} ${errorCode(body)}`;
        },
      },
    ],
  });
  const errors = result.non2xx + result.errors;
  if (errors > 0) {
    process.stderr.write(
      `reveals: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; first: ${firstError ?? 'a failed connection'}\n`,
    );
  }
  return {
    // Granted reveals per second: a denial is fast and must not count as throughput.
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors,
    firstError,
  };
}

/**
 * `POST /v1/reveal` over HTTP on PostgreSQL: each request is a support agent revealing a phone for
 * one of their open tickets, so it runs the whole path (token, policy facts and decision under the
 * agent's lock, decryption, quota grant and ledger append, in one transaction). PostgreSQL only: the
 * target is stated for it, and `--no-postgres` skips the suite.
 */
export async function accessBench(options: AccessBenchOptions): Promise<Figure[]> {
  if (!options.postgres) {
    progress(options.showProgress, 'reveal suite skipped: it measures PostgreSQL only');
    return [];
  }
  const figures: Figure[] = [];
  const bench = await openBenchDatabase();
  const pgDb = bench.db;
  try {
    const runtime = await testRuntime(pgDb, {}, bench.keyring);
    const key = (await runtime.apiKeys.create(BENCH_CTX, { name: 'bench', scopes: ['admin'] })).key;
    await runtime.close();
    const server = await startBenchServer(bench.env);
    try {
      const total = options.agents * options.ticketsPerAgent;
      progress(
        options.showProgress,
        `loading ${total} customers, ${options.agents} support agents and ${total} open tickets over HTTP`,
      );
      const calls = await prepareShop(server.url, key, options);
      await checkOne(server.url, calls[0] as RevealCall);
      // A second of load first, so the figures are of a warm server; these reveals are repeated later
      // (a repeat reveal runs the same path, only the quota counts it once).
      const warm = await reveals(server.url, calls, options.connections, 1);
      const before = await grants(pgDb);
      progress(
        options.showProgress,
        `POST /v1/reveal for ${options.seconds} s, ${options.connections} connections over ${options.agents} agents (PostgreSQL, server in its own process)`,
      );
      const { result: load, ...cpu } = await cpuDuring([server.pid], () =>
        reveals(server.url, calls, options.connections, options.seconds, warm.ok),
      );
      // Every 200 must have committed its grant (and with it its ledger entry, same transaction).
      const committed = (await grants(pgDb)) - before;
      if (committed < load.ok) {
        throw new Error(`bench check: ${load.ok} reveals answered 200 but only ${committed} were recorded`);
      }
      figures.push({
        suite: 'access',
        name: `POST /v1/reveal, PostgreSQL, ${options.agents} agents, ${options.connections} connections`,
        value: load.rps,
        unit: 'reveals/s',
        target: { op: '>=', value: 1_500 },
      });
      figures.push({
        suite: 'access',
        name: 'POST /v1/reveal, PostgreSQL p50',
        value: load.p50,
        unit: 'ms',
      });
      figures.push({
        suite: 'access',
        name: 'POST /v1/reveal, PostgreSQL p99',
        value: load.p99,
        unit: 'ms',
        target: { op: '<=', value: 25 },
      });
      // CPU per granted reveal (the check below allows no denials, which would look cheaper).
      figures.push(...cpuFigures('access', 'reveal', cpu, load.ok));
      figures.push({
        suite: 'access',
        name: 'POST /v1/reveal non-2xx or failed responses',
        value: load.errors,
        unit: 'errors',
        target: { op: '<=', value: 0, ...(load.firstError ? { note: `first: ${load.firstError}` } : {}) },
      });
    } finally {
      await server.stop();
    }
  } finally {
    await bench.close();
  }
  return figures;
}

/** Reveal grants recorded so far (one per allowed reveal, written in the reveal's transaction). */
async function grants(database: Database): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from access_grants where kind = 'reveal'`.execute(database.db);
  return r.rows[0]?.n ?? 0;
}
