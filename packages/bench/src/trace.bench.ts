import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoCanaryPools } from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { type Customer, generateCustomers, generateOrders, Random } from '@cordon/sim';
import { sql } from 'kysely';
import { canaryDrafts } from '../../cli/src/commands/canary.command';
// Core's package index does not list trace-eval yet (see trace-eval.command.ts).
import { type EvalPerson, renderLeakedSample, type SampleRow } from '../../core/src/trace/trace-eval';
import { BENCH_CTX, CLI_MAIN, openBenchDatabase, profileFlags, startBenchServer } from './bench-server';
import type { Figure } from './report';
import { progress } from './report';

const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };

export interface TraceBenchOptions {
  /** Customers loaded through the API (with their orders). */
  customers: number;
  /** Support agents with tickets and reveals; agent 0 is the harvester whose reveals leak. */
  agents: number;
  /** Reveals of the harvester (its tickets); the other agents reveal `revealsPerAgent`. */
  harvesterReveals: number;
  revealsPerAgent: number;
  /** Canaries planted before the run (an export gets 2 of them). */
  canaries: number;
  /** Tripwire calls timed. */
  canaryCalls: number;
  /** 50-row samples traced over the API. */
  samples: number;
  /** Rows of the large file traced with `cordon trace FILE`. */
  fileRows: number;
  /** Rows of the all-masked file that measures the cost of a masked phone. */
  maskedRows: number;
  showProgress: boolean;
  postgres: boolean;
}

/** A JSON request that must answer 200: setup errors are not figures. */
async function call(
  url: string,
  authorization: string,
  path: string,
  payload: unknown,
): Promise<{ body: unknown; ms: number }> {
  const started = performance.now();
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const text = await r.text();
  const ms = performance.now() - started;
  if (r.status !== 200) throw new Error(`bench: POST ${path} answered ${r.status} ${text.slice(0, 300)}`);
  return { body: JSON.parse(text) as unknown, ms };
}

/** Runs `work` over the items with `concurrency` workers. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** A phone as a tripwire reports it: the spellings telephony and people use. */
function spoken(phone: string, k: number): string {
  const [a, b, c] = [phone.slice(0, 3), phone.slice(3, 7), phone.slice(7)];
  return [`+86 ${a} ${b} ${c}`, `${a}-${b}-${c}`, `+86${phone}`, `${a} ${b} ${c}`][k % 4] ?? phone;
}

/** Runs `cordon trace FILE --json` against the bench database and times it end to end. */
async function cliTrace(
  env: Record<string, string>,
  file: string,
): Promise<{ wallSeconds: number; report: TraceReportShape }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...profileFlags(), '--import', 'tsx', CLI_MAIN, 'trace', file, '--json'],
    {
      env: { ...process.env, ...env, CORDON_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallSeconds = (performance.now() - started) / 1000;
  const out = Buffer.concat(chunks).toString('utf8');
  if (code !== 0) throw new Error(`bench: cordon trace exited ${code}: ${out.slice(0, 300)}`);
  return { wallSeconds, report: JSON.parse(out) as TraceReportShape };
}

interface TraceReportShape {
  rows: number;
  ours: number;
  seconds: number;
  candidates: Array<{ kind: string; id: string; probability: number }>;
  file: { rowsRead: number; problems: string[] };
  matches: Array<{ matchedBy: string[]; confidence: number }>;
}

interface Shop {
  customers: Customer[];
  /** Customer id → the person as a leaked order list shows them (name, phone, home address). */
  people: Map<string, EvalPerson>;
  phones: Set<string>;
}

/** Customers and their orders through the API, 1,000 a request, two requests at a time. */
async function loadShop(url: string, admin: string, customers: number): Promise<Shop> {
  const seed = 'bench-trace';
  const list = [...generateCustomers({ customers, seed })];
  const batches = <T>(items: readonly T[]) => {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += 1000) out.push(items.slice(i, i + 1000));
    return out;
  };
  await pool(batches(list), 2, async (b) => {
    await call(url, admin, '/v1/customers', b);
  });
  const people = new Map<string, EvalPerson>();
  const byId = new Map(list.map((c) => [c.id, c]));
  let orders: unknown[] = [];
  const flush = async () => {
    await pool(batches(orders), 2, async (b) => {
      await call(url, admin, '/v1/orders', b);
    });
    orders = [];
  };
  for (const order of generateOrders({ customers, seed })) {
    const customer = byId.get(order.customerId);
    if (customer && !people.has(customer.id) && order.receiver.name === customer.name) {
      const { province, city, district, street } = order.receiver;
      people.set(customer.id, {
        name: customer.name,
        phone: customer.phone,
        address: { province, city, district, street },
      });
    }
    orders.push(order);
    if (orders.length >= 20_000) await flush();
  }
  await flush();
  for (const c of list) if (!people.has(c.id)) people.set(c.id, { name: c.name, phone: c.phone });
  return { customers: list, people, phones: new Set(list.map((c) => c.phone)) };
}

/** People who are not customers: another shop's, minus any phone we have. */
function strangers(count: number, phones: ReadonlySet<string>): EvalPerson[] {
  const out: EvalPerson[] = [];
  for (const c of generateCustomers({
    customers: Math.ceil(count * 1.05) + 10,
    seed: 'bench-trace/strangers',
  })) {
    if (out.length >= count) break;
    if (!phones.has(c.phone)) out.push({ name: c.name, phone: c.phone });
  }
  return out;
}

/**
 * Trace over HTTP and the CLI on PostgreSQL: canary tripwires, 50-row samples from one agent's
 * reveals (a fifth strangers, half the phones masked), and a large leaked file with `cordon trace`.
 * PostgreSQL only, like the access suite.
 */
export async function traceBench(options: TraceBenchOptions): Promise<Figure[]> {
  if (!options.postgres) {
    progress(options.showProgress, 'trace suite skipped: it measures PostgreSQL only');
    return [];
  }
  const figures: Figure[] = [];
  let denied = 0;
  const bench = await openBenchDatabase();
  const { db: pgDb, schema, env, dir } = bench;
  try {
    // Canaries are planted by an operator in-process (the server has no route for it), before the
    // shop is loaded, as a shop would plant them once.
    const runtime = await testRuntime(pgDb, {}, bench.keyring);
    const adminKey = (await runtime.apiKeys.create(BENCH_CTX, { name: 'bench', scopes: ['admin'] })).key;
    const drafts = canaryDrafts(options.canaries, demoCanaryPools, 'bench-trace');
    await runtime.canaries.plant(BENCH_CTX, drafts);
    await runtime.close();
    const canaryPhone = new Map(drafts.map((d) => [d.customer.id, d.customer.phone]));
    const admin = `Bearer ${adminKey}`;

    const server = await startBenchServer(env);
    try {
      progress(
        options.showProgress,
        `loading ${options.customers.toLocaleString('en-US')} customers with their orders over HTTP`,
      );
      const shop = await loadShop(server.url, admin, options.customers);
      // Statistics as autovacuum would have them after a load (it is off on the bench database): without
      // them the planner scans all orders for every bulk blind-index lookup.
      await sql.raw(`analyze ${schema}.customers, ${schema}.orders`).execute(pgDb.db);

      // Staff: agents with tickets (neighbours share ten customers), a DPO and a security admin.
      const agents = Array.from({ length: options.agents }, (_, a) => `bench-agent-${a}`);
      await call(server.url, admin, '/v1/staff', [
        ...agents.map((id) => ({
          id,
          name: `Agent ${id}`,
          role: 'support_agent',
          team: 'cs-bench',
          shift: allDay,
          status: 'active',
          revealQuota: 100_000,
        })),
        { id: 'bench-dpo', name: 'DPO', role: 'dpo', team: 'legal', shift: allDay, status: 'active' },
        {
          id: 'bench-sec',
          name: 'Sec',
          role: 'security_admin',
          team: 'sec',
          shift: allDay,
          status: 'active',
        },
      ]);
      const token = async (id: string) =>
        `Bearer ${((await call(server.url, admin, `/v1/staff/${id}/tokens`, { name: 'bench' })).body as { token: string }).token}`;
      const tokens = new Map<string, string>();
      for (const id of [...agents, 'bench-dpo', 'bench-sec']) tokens.set(id, await token(id));
      const openedAt = new Date(Date.now() - 3_600_000).toISOString();
      const tickets: Array<{ id: string; customerId: string; assignee: string }> = [];
      let cursor = 0;
      agents.forEach((agent, a) => {
        const own = a === 0 ? options.harvesterReveals : options.revealsPerAgent;
        const start = Math.max(0, cursor - (a === 0 ? 0 : 10));
        for (let k = 0; k < own; k += 1) {
          const customer = shop.customers[(start + k) % shop.customers.length];
          if (customer) tickets.push({ id: `BT-${a}-${k}`, customerId: customer.id, assignee: agent });
        }
        cursor = start + own;
      });
      for (let i = 0; i < tickets.length; i += 1000) {
        await call(
          server.url,
          admin,
          '/v1/tickets',
          tickets.slice(i, i + 1000).map((t) => ({ ...t, status: 'open', openedAt })),
        );
      }
      progress(options.showProgress, `${tickets.length} reveals by ${agents.length} agents`);
      const revealed = new Map<string, string[]>();
      await pool(tickets, 8, async (t) => {
        const r = await fetch(`${server.url}/v1/reveal`, {
          method: 'POST',
          headers: { authorization: tokens.get(t.assignee) ?? '', 'content-type': 'application/json' },
          body: JSON.stringify({
            customerId: t.customerId,
            fields: ['phone', 'name'],
            purpose: 'customer_support',
            reference: t.id,
          }),
        });
        await r.text();
        if (r.status !== 200) {
          denied += 1;
          return;
        }
        const list = revealed.get(t.assignee) ?? [];
        list.push(t.customerId);
        revealed.set(t.assignee, list);
      });
      const harvest = revealed.get(agents[0] ?? '') ?? [];
      if (harvest.length < 10)
        throw new Error(`bench: the harvester could reveal only ${harvest.length} customers`);

      // An export by the DPO, approved by the security admin: it carries 2 canaries.
      const exportSubjects = shop.customers.slice(-200).map((c) => c.id);
      const asked = (
        await call(server.url, tokens.get('bench-dpo') ?? '', '/v1/exports', {
          filter: { customerIds: exportSubjects },
          fields: ['orderId', 'name', 'phone'],
          purpose: 'data_subject_request',
          reference: 'DSR-bench-1',
          recipient: 'legal@shop.example',
        })
      ).body as { id: string };
      await call(server.url, tokens.get('bench-sec') ?? '', `/v1/exports/${asked.id}/decision`, {
        decision: 'approve',
        note: 'bench',
      });
      const allocated = (
        await sql<{ customer_id: string }>`select customer_id from export_subjects
          where export_id = ${asked.id} and canary`.execute(pgDb.db)
      ).rows.map((r) => r.customer_id);
      if (allocated.length === 0) throw new Error('bench: the export carries no canary');

      // (1) Tripwires: a canary's phone, spelled as telephony reports it, must name the export.
      progress(options.showProgress, `${options.canaryCalls} canary hits (POST /v1/canary/hits)`);
      const hits: number[] = [];
      let wrong = 0;
      const at = new Date().toISOString();
      for (let k = -5; k < options.canaryCalls; k += 1) {
        const id = allocated[Math.abs(k) % allocated.length] ?? '';
        const { body, ms } = await call(server.url, admin, '/v1/canary/hits', {
          value: spoken(canaryPhone.get(id) ?? '', Math.abs(k)),
          channel: 'call',
          at,
        });
        const hit = body as { canary: string | null; exports: Array<{ id: string }> };
        if (hit.canary !== id || hit.exports[0]?.id !== asked.id) wrong += 1;
        if (k >= 0) hits.push(ms);
      }
      figures.push(
        { suite: 'trace', name: 'canary hit names its export, p50', value: quantile(hits, 0.5), unit: 'ms' },
        {
          suite: 'trace',
          name: 'canary hit names its export, p99',
          value: quantile(hits, 0.99),
          unit: 'ms',
          target: { op: '<=', value: 100 },
        },
        {
          suite: 'trace',
          name: 'canary hits that did not name the export',
          value: wrong,
          unit: 'hits',
          target: { op: '<=', value: 0 },
        },
      );

      // (2) 50-row samples of the harvester's reveals: a fifth strangers, half the phones masked.
      progress(options.showProgress, `${options.samples} traces of 50-row samples (POST /v1/trace)`);
      const others = strangers(options.samples * 10 + options.fileRows, shop.phones);
      const sampleMs: number[] = [];
      const sampleOurs: number[] = [];
      let misranked = 0;
      for (let s = 0; s < options.samples; s += 1) {
        const random = new Random(`bench-trace/sample/${s}`);
        const chosen = shuffle(random, [...harvest]).slice(0, 40);
        const rows: SampleRow[] = shuffle(random, [
          ...chosen.map((id) => ({ person: shop.people.get(id) as EvalPerson, customer: null })),
          ...others.slice(s * 10, s * 10 + 10).map((person) => ({ person, customer: null })),
        ]).map((row, i) => ({ ...row, maskPhone: i % 2 === 0, maskName: i % 10 === 3 }));
        const sample = renderLeakedSample(rows, random);
        const { body, ms } = await call(server.url, tokens.get('bench-sec') ?? '', '/v1/trace', {
          name: sample.name,
          contentBase64: Buffer.from(sample.text, 'utf8').toString('base64'),
        });
        const report = body as TraceReportShape;
        sampleMs.push(ms);
        sampleOurs.push(report.ours);
        const top = report.candidates[0];
        if (!top || top.id !== agents[0] || !(top.probability > 0.5)) misranked += 1;
      }
      figures.push(
        {
          suite: 'trace',
          name: 'POST /v1/trace, 50-row sample (25 masked), median',
          value: quantile(sampleMs, 0.5),
          unit: 'ms',
        },
        {
          suite: 'trace',
          name: 'POST /v1/trace, 50-row sample (25 masked), slowest',
          value: Math.max(...sampleMs),
          unit: 'ms',
          target: { op: '<=', value: 2_000 },
        },
        {
          suite: 'trace',
          name: `samples whose top candidate is not the harvester (p > 0.5), mean ours ${(sampleOurs.reduce((a, b) => a + b, 0) / options.samples).toFixed(1)}/50`,
          value: misranked,
          unit: 'samples',
          target: { op: '<=', value: 0 },
        },
      );

      // (3) A large leaked file with `cordon trace FILE` in its own process (startup included): the
      // full list a buyer gets, phones in full, a fifth strangers, some names masked.
      progress(
        options.showProgress,
        `cordon trace on a ${options.fileRows.toLocaleString('en-US')}-row file (child process)`,
      );
      const random = new Random('bench-trace/file');
      const fileRows: SampleRow[] = [];
      const foreign = Math.round(options.fileRows * 0.2);
      for (let i = 0; i < options.fileRows - foreign; i += 1) {
        const customer = shop.customers[random.int(0, shop.customers.length - 1)];
        if (customer)
          fileRows.push({
            person: shop.people.get(customer.id) as EvalPerson,
            customer: null,
            maskPhone: false,
            maskName: random.chance(0.1),
          });
      }
      for (const person of others.slice(options.samples * 10, options.samples * 10 + foreign)) {
        fileRows.push({ person, customer: null, maskPhone: false, maskName: random.chance(0.1) });
      }
      const big = renderLeakedSample(shuffle(random, fileRows), random, { layout: 'csv' });
      const bigFile = join(dir, 'leak.csv');
      writeFileSync(bigFile, big.text);
      const large = await cliTrace(env, bigFile);
      figures.push(
        {
          suite: 'trace',
          name: `cordon trace FILE, ${options.fileRows.toLocaleString('en-US')} rows, full phones (wall, startup included)`,
          value: large.wallSeconds,
          unit: 's',
          target: { op: '<=', value: 60 },
        },
        {
          suite: 'trace',
          name: '  of which the analysis (report.seconds)',
          value: large.report.seconds,
          unit: 's',
        },
        {
          suite: 'trace',
          name: "  rows counted as ours / customers' rows in the file",
          value: large.report.ours / (options.fileRows - foreign),
          unit: 'share',
          target: { op: '>=', value: 0.9 },
        },
      );

      // (4) The cost of a masked phone: a file of masked rows (all ours, names in clear).
      progress(options.showProgress, `cordon trace on ${options.maskedRows} masked rows`);
      const maskedRows: SampleRow[] = shop.customers.slice(0, options.maskedRows).map((c) => ({
        person: shop.people.get(c.id) as EvalPerson,
        customer: null,
        maskPhone: true,
        maskName: false,
      }));
      const maskedFile = join(dir, 'masked.csv');
      writeFileSync(
        maskedFile,
        renderLeakedSample(maskedRows, new Random('bench-trace/masked'), { layout: 'csv' }).text,
      );
      const masked = await cliTrace(env, maskedFile);
      const perMasked = (masked.report.seconds * 1000) / options.maskedRows;
      figures.push(
        {
          suite: 'trace',
          name: `cordon trace, ${options.maskedRows} masked rows: analysis per masked row`,
          value: perMasked,
          unit: 'ms',
        },
        {
          suite: 'trace',
          name: '  masked rows counted as ours',
          value: masked.report.ours / options.maskedRows,
          unit: 'share',
        },
      );

      // (5) The worst masked row: a customer's name and address with a stranger's masked phone. The
      // phone fits none of the customers named, so all 10^4 candidates are computed, and the row
      // must not count as ours (ADR 0009).
      progress(options.showProgress, `cordon trace on ${options.maskedRows} masked rows that are not ours`);
      const mismatched: SampleRow[] = shop.customers.slice(0, options.maskedRows).map((c, i) => ({
        person: {
          ...(shop.people.get(c.id) as EvalPerson),
          phone: others[others.length - 1 - i]?.phone ?? '13900000000',
        },
        customer: null,
        maskPhone: true,
        maskName: false,
      }));
      const mismatchedFile = join(dir, 'mismatched.csv');
      writeFileSync(
        mismatchedFile,
        renderLeakedSample(mismatched, new Random('bench-trace/mismatched'), { layout: 'csv' }).text,
      );
      const contradicted = await cliTrace(env, mismatchedFile);
      figures.push(
        {
          suite: 'trace',
          name: `cordon trace, ${options.maskedRows} masked rows fitting none of the customers named: per row`,
          value: (contradicted.report.seconds * 1000) / options.maskedRows,
          unit: 'ms',
        },
        {
          suite: 'trace',
          name: '  of them counted as ours',
          value: contradicted.report.ours,
          unit: 'rows',
          target: { op: '<=', value: 0 },
        },
      );
    } finally {
      await server.stop();
    }
    if (denied > 0) progress(options.showProgress, `${denied} reveals were denied`);
  } finally {
    await bench.close();
  }
  return figures;
}
