import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  buildFeatures,
  defaultRiskRulesPath,
  type Features,
  featureJson,
  loadRuleSet,
  MemoryRiskState,
  orderFacts,
  type Promotion,
  parseScoreItem,
  priceBookOf,
  promotionSchema,
  type RiskDecision,
  RiskEngine,
  type RiskKeyFn,
  type RiskObservation,
  type RiskObservationResult,
  type RiskStateStore,
  type RiskVerdict,
  type RuleSet,
  riskKeyFn,
  type ScoreRequest,
  scoreFeatures,
} from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { generatePromoOrders, type PromoOrderLine } from '@cordon/sim';
import { type Database, RedisRiskState } from '@cordon/storage';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { type RawBuilder, sql } from 'kysely';
import { BENCH_CTX, cpuDuring, cpuFigures, openBenchDatabase, startBenchServer } from './bench-server';
import { openLoopInWorker } from './open-loop';
import type { Figure } from './report';
import { progress } from './report';
import {
  assertPeerMatches,
  PEER_FACTS,
  type PeerFacts,
  type PeerVerdict,
  peerDecide,
  peerEngine,
} from './risk-peer';

/** The key prefix `cordon serve` gives RedisRiskState (it has no setting for another). */
const SERVER_REDIS_PREFIX = 'cordon:risk:';

export interface RiskBenchOptions {
  /** Orders in the generated Double-11 stream (in-process figures; the HTTP body pool). */
  orders: number;
  /** Orders per RiskEngine.scoreMany call in process. */
  batch: number;
  /** Seconds of HTTP load per measured run. */
  seconds: number;
  /**
   * Concurrent HTTP connections of the load generator (closed loop), split across server processes.
   * Decisions commit in groups (UnitOfWork.journal), so more connections make larger groups and more
   * throughput, at the cost of latency (Little's law: mean latency = connections ÷ throughput).
   */
  connections: number;
  showProgress: boolean;
  postgres: boolean;
  /** Redis for the shared-state runs; they are skipped when it is unset or does not answer. */
  redisUrl: string | undefined;
}

const SUITE = 'risk';

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** A store that remembers every answer of the store it wraps, so features can later be rebuilt without it. */
class RecordingStore implements RiskStateStore {
  readonly answers: RiskObservationResult[] = [];
  constructor(private readonly inner: RiskStateStore) {}
  async observe(o: RiskObservation): Promise<RiskObservationResult> {
    const r = await this.inner.observe(o);
    this.answers.push(r);
    return r;
  }
  async observeMany(os: readonly RiskObservation[]): Promise<RiskObservationResult[]> {
    const rs = await this.inner.observeMany(os);
    this.answers.push(...rs);
    return rs;
  }
  clear(): Promise<void> {
    return this.inner.clear();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Stream {
  requests: ScoreRequest[];
  /** The same orders as HTTP bodies (the generated lines are not kept: a large heap would slow every figure). */
  templates: BodyTemplate[];
  promotions: Promotion[];
  listPrices: Array<{ sku: string; listPrice: number }>;
}

function loadStream(orders: number): Stream {
  const generated = generatePromoOrders({ orders, seed: 'bench-risk' });
  const requests: ScoreRequest[] = [];
  const templates: BodyTemplate[] = [];
  for (const line of generated.stream) {
    // Parsed as the API parses them (outside the timings): a record the API would refuse is no input.
    requests.push(parseScoreItem({ order: line.order, context: line.context }, { index: requests.length }));
    templates.push(bodyTemplate(line));
  }
  return {
    requests,
    templates,
    promotions: generated.promotions.map((p) => promotionSchema.parse(p)),
    listPrices: generated.listPrices,
  };
}

/** Scores the requests in batches; answers the decisions only (features are not kept, to keep the heap small). */
async function decideAll(
  engine: RiskEngine,
  requests: readonly ScoreRequest[],
  batch: number,
): Promise<RiskDecision[]> {
  const out: RiskDecision[] = [];
  for (let i = 0; i < requests.length; i += batch) {
    for (const s of await engine.scoreMany(requests.slice(i, i + batch))) out.push(s.verdict.decision);
  }
  return out;
}

/** Runs `pass` (one pass over n records) until at least `minSeconds` have gone; answers records per second. */
async function rate(n: number, minSeconds: number, pass: () => unknown): Promise<number> {
  let done = 0;
  const start = performance.now();
  do {
    await pass();
    done += n;
  } while (secondsSince(start) < minSeconds);
  return done / secondsSince(start);
}

/** The peer's input: the facts its rules name, bigints as numbers. */
function toPeerFacts(features: Features): PeerFacts {
  const out: PeerFacts = {};
  for (const name of PEER_FACTS) {
    const value = features[name];
    if (value !== undefined) out[name] = featureJson(value);
  }
  return out;
}

function hitsOf(v: RiskVerdict): string {
  return v.rules
    .filter((r) => r.result === 'hit')
    .map((r) => r.id)
    .sort()
    .join(' ');
}

/** Figures 1 and 2: the engine in process (end to end, and its parts), then CEL against json-rules-engine. */
async function inProcess(stream: Stream, ruleSet: RuleSet, options: RiskBenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  const { requests, promotions } = stream;
  const prices = priceBookOf(stream.listPrices);
  const key: RiskKeyFn = riskKeyFn(randomBytes(32));
  const n = requests.length;
  const minSeconds = options.seconds >= 10 ? 3 : 1;
  const engineOn = (store: RiskStateStore) => new RiskEngine({ store, key, ruleSet, promotions, prices });

  // One untimed pass first warms the JIT.
  await decideAll(engineOn(new MemoryRiskState()), requests.slice(0, Math.min(n, 10_000)), options.batch);
  progress(
    options.showProgress,
    `RiskEngine.scoreMany over ${n} orders, batches of ${options.batch}, MemoryRiskState`,
  );
  let timed: RiskDecision[] = [];
  const endToEnd = await rate(n, minSeconds, async () => {
    // A fresh state per pass, so every pass sees the stream as new orders (no repeats).
    timed = await decideAll(engineOn(new MemoryRiskState()), requests, options.batch);
  });
  figures.push({
    suite: SUITE,
    name: `RiskEngine.scoreMany, MemoryRiskState, ${n} promo orders, batch ${options.batch}`,
    value: endToEnd,
    unit: 'decisions/s',
    target: { op: '>=', value: 5_000 },
  });

  // A recording pass keeps the state store's answers, so its parts can be timed apart.
  const recorder = new RecordingStore(new MemoryRiskState());
  const recorded = await decideAll(engineOn(recorder), requests, options.batch);
  const drift = recorded.filter((d, i) => d !== timed[i]).length;
  if (drift > 0)
    throw new Error(`risk bench: ${drift} decisions differ between two passes over the same stream`);
  const counts = { accept: 0, review: 0, reject: 0 };
  for (const d of recorded) counts[d] += 1;
  progress(
    options.showProgress,
    `decisions: ${counts.accept} accept, ${counts.review} review, ${counts.reject} reject`,
  );
  const answers = recorder.answers;
  const factsOf = () => requests.map((r) => orderFacts(r.order, r.context, promotions, prices, key));
  const featuresAndRules = await rate(n, minSeconds, () => {
    const facts = factsOf();
    for (let i = 0; i < n; i += 1) {
      const r = requests[i] as ScoreRequest;
      const f = buildFeatures(
        r.order,
        facts[i] as (typeof facts)[number],
        answers[i] as RiskObservationResult,
      );
      scoreFeatures(ruleSet, f);
    }
  });
  figures.push({
    suite: SUITE,
    name: '  features + rules alone (state answers replayed)',
    value: featuresAndRules,
    unit: 'decisions/s',
  });

  const observations = factsOf().map((f) => f.observation);
  const stateOnly = await rate(n, minSeconds, async () => {
    const store = new MemoryRiskState();
    for (let i = 0; i < n; i += options.batch)
      await store.observeMany(observations.slice(i, i + options.batch));
  });
  figures.push({
    suite: SUITE,
    name: '  state store alone (MemoryRiskState.observeMany)',
    value: stateOnly,
    unit: 'observations/s',
  });

  // Figure 2: the same feature records through CEL (core's scoreFeatures) and json-rules-engine.
  assertPeerMatches(ruleSet);
  const facts = factsOf();
  const records = requests.map((r, i) =>
    buildFeatures(r.order, facts[i] as (typeof facts)[number], answers[i] as RiskObservationResult),
  );
  facts.length = 0;
  answers.length = 0;
  const verdicts = records.map((f) => scoreFeatures(ruleSet, f));
  const celRate = await rate(records.length, minSeconds, () => {
    for (const f of records) scoreFeatures(ruleSet, f);
  });
  const peer = peerEngine();
  let decisionMismatches = 0;
  let hitMismatches = 0;
  let firstMismatch: string | undefined;
  let peerSeconds = 0;
  // Converted to plain numbers a chunk at a time, outside the timing.
  const CHUNK = 1000;
  for (let from = 0; from < records.length; from += CHUNK) {
    const chunk = records.slice(from, from + CHUNK).map(toPeerFacts);
    const out: PeerVerdict[] = [];
    const started = performance.now();
    for (const facts of chunk) out.push(await peerDecide(peer, facts));
    peerSeconds += secondsSince(started);
    out.forEach((p, k) => {
      const i = from + k;
      const c = verdicts[i] as RiskVerdict;
      if (p.decision !== c.decision || p.score !== c.score) {
        decisionMismatches += 1;
        firstMismatch ??= `record ${i}: CEL ${c.decision}/${c.score} [${hitsOf(c)}], json-rules-engine ${p.decision}/${p.score} [${p.hits.join(' ')}]`;
      }
      if (p.hits.join(' ') !== hitsOf(c)) hitMismatches += 1;
    });
  }
  const enabled = ruleSet.rules.filter((r) => r.rule.enabled).length;
  figures.push({
    suite: SUITE,
    name: `rules alone: CEL (cel-js, scoreFeatures), ${enabled} rules`,
    value: celRate,
    unit: 'evaluations/s',
    peer: {
      name: `json-rules-engine 7 (given the ${PEER_FACTS.length} facts its rules name)`,
      value: records.length / peerSeconds,
    },
  });
  figures.push({
    suite: SUITE,
    name: `  decisions differing, CEL vs json-rules-engine (${records.length} records)`,
    value: decisionMismatches,
    unit: 'records',
    target: { op: '<=', value: 0, ...(firstMismatch ? { note: firstMismatch } : {}) },
  });
  figures.push({
    suite: SUITE,
    name: '  rule hits differing, CEL vs json-rules-engine',
    value: hitMismatches,
    unit: 'records',
    target: { op: '<=', value: 0 },
  });
  return figures;
}

// ---- over HTTP ---------------------------------------------------------------------------------

/** A scoring body with its order id cut out, so every request can name a new order. */
interface BodyTemplate {
  head: string;
  id: string;
  tail: string;
}

const ID_MARK = '@@ORDER_ID@@';

function bodyTemplate(l: PromoOrderLine): BodyTemplate {
  const text = JSON.stringify({ order: { ...l.order, id: ID_MARK }, context: l.context });
  const mark = JSON.stringify(ID_MARK);
  const at = text.indexOf(mark);
  return { head: text.slice(0, at + 1), id: l.order.id, tail: text.slice(at + mark.length - 1) };
}

/** Hands out bodies in stream order with ids unique to the run: `<tag><cycle>-<order id>`. */
class BodySource {
  private next = 0;
  constructor(
    private readonly templates: readonly BodyTemplate[],
    readonly tag: string,
  ) {}
  body(): string {
    const i = this.next++;
    const t = this.templates[i % this.templates.length] as BodyTemplate;
    return `${t.head}${this.tag}${Math.floor(i / this.templates.length)}-${t.id}${t.tail}`;
  }
  get issued(): number {
    return this.next;
  }
}

async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  payload: unknown,
): Promise<unknown> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await r.text();
  if (r.status !== 200)
    throw new Error(`risk bench setup: ${method} ${path} answered ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

function errorCode(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  firstError: string | undefined;
}

/**
 * Closed-loop load on POST /v1/risk/score, one order per request, the connections split evenly across
 * the servers; the figures are summed (rate) and the worst server's (p50, p99).
 */
async function scoreLoad(
  urls: readonly string[],
  key: string,
  source: BodySource,
  connections: number,
  seconds: number,
): Promise<Load> {
  let firstError: string | undefined;
  const runs = urls.map((url) =>
    autocannon({
      url,
      connections: Math.max(1, Math.round(connections / urls.length)),
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/v1/risk/score',
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: source.body(),
          }),
          onResponse: (status, body) => {
            if (status !== 200 && firstError === undefined) firstError = `${status} ${errorCode(body)}`;
          },
        },
      ],
    }),
  );
  const results = await Promise.all(runs);
  let ok = 0;
  let errors = 0;
  let rps = 0;
  for (const r of results) {
    ok += r['2xx'];
    errors += r.non2xx + r.errors;
    rps += r['2xx'] / r.duration;
  }
  if (errors > 0)
    process.stderr.write(
      `risk load: ${errors} failed responses; first: ${firstError ?? 'a failed connection'}\n`,
    );
  return {
    rps,
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    ok,
    errors,
    firstError,
  };
}

async function count(database: Database, query: RawBuilder<{ n: number }>): Promise<number> {
  return (await query.execute(database.db)).rows[0]?.n ?? 0;
}

const decisionsLike = (database: Database, tag: string) =>
  count(
    database,
    sql<{ n: number }>`select count(*)::int as n from risk_decisions where order_id like ${`${tag}%`}`,
  );

/** Runs a warm-up second and then the measured load; checks that every answered decision was stored. */
async function measured(
  label: string,
  urls: readonly string[],
  /** The server processes, whose CPU per decision is measured with PostgreSQL's. */
  pids: readonly number[],
  key: string,
  templates: readonly BodyTemplate[],
  tag: string,
  options: RiskBenchOptions,
  database: Database,
): Promise<{ load: Load; missing: number; cpu: Figure[] }> {
  await scoreLoad(urls, key, new BodySource(templates, `w${tag}`), options.connections, 1);
  progress(
    options.showProgress,
    `POST /v1/risk/score for ${options.seconds} s, ${options.connections} connections, ${label}`,
  );
  const source = new BodySource(templates, tag);
  const { result: load, ...cpu } = await cpuDuring(pids, () =>
    scoreLoad(urls, key, source, options.connections, options.seconds),
  );
  // A score is answered only after its decision and ledger entry committed, so every 200 is stored.
  const stored = await decisionsLike(database, `${tag}`);
  progress(
    options.showProgress,
    `${load.ok} answered 200, ${stored} decisions stored (${source.issued} requests issued), p99 ${load.p99} ms`,
  );
  return {
    load,
    missing: Math.max(0, load.ok - stored),
    cpu: cpuFigures(SUITE, 'decision', cpu, load.ok),
  };
}

/**
 * The latency target belongs to a rate: p99 ≤ 20 ms *at* 2,000 decisions/s. Closed-loop load with many
 * connections measures the most the server can do, and its latency is just connections ÷ throughput
 * (Little's law); this run offers a fixed 2,000 requests/s instead, evenly spaced (open loop, see
 * `openLoop`), and measures what they see from the moment each was due.
 */
async function atRate(
  rate: number,
  urls: readonly string[],
  key: string,
  templates: readonly BodyTemplate[],
  tag: string,
  options: RiskBenchOptions,
): Promise<Load & { sendLagMax: number }> {
  progress(
    options.showProgress,
    `POST /v1/risk/score offered at ${rate}/s for ${options.seconds} s (open loop)`,
  );
  const source = new BodySource(templates, tag);
  const perUrl = rate / urls.length;
  // Bodies made beforehand (the generator runs in a worker of its own, see openLoopInWorker).
  const jobs = urls.map((url) => ({
    url,
    path: '/v1/risk/score',
    rate: perUrl,
    seconds: options.seconds,
    connections: Math.max(1, Math.round(options.connections / urls.length)),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    bodies: Array.from({ length: Math.ceil(perUrl * options.seconds) }, () => source.body()),
  }));
  const runs = await Promise.all(jobs.map((job) => openLoopInWorker(job)));
  const failure = runs.find((r) => r.firstFailure)?.firstFailure;
  const firstError = failure ? `${failure.status} ${errorCode(failure.body)}` : undefined;
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  if (errors > 0)
    process.stderr.write(
      `risk load at ${rate}/s: ${errors} failed responses; first: ${firstError ?? 'a failed connection'}\n`,
    );
  return {
    rps: runs.reduce((n, r) => n + r.answeredPerSecond, 0),
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    ok: runs.reduce((n, r) => n + r.ok, 0),
    errors,
    firstError,
    sendLagMax: Math.max(...runs.map((r) => r.sendLagMax)),
  };
}

async function redisAnswers(url: string): Promise<Redis | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

async function keysUnder(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

/** Figures 3 and 4: `cordon serve` on PostgreSQL, in-process state, then Redis state with one and two processes. */
async function overHttp(stream: Stream, options: RiskBenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  const bench = await openBenchDatabase();
  const { db: pgDb, env } = bench;
  const run = Date.now().toString(36);
  const { templates } = stream;
  const stops: Array<() => Promise<void>> = [];
  const redis = options.redisUrl ? await redisAnswers(options.redisUrl) : undefined;
  // The server writes under a fixed prefix; it is cleared afterwards only if nobody else had keys there.
  const redisWasEmpty = redis ? (await keysUnder(redis, SERVER_REDIS_PREFIX)) === 0 : false;
  try {
    const runtime = await testRuntime(pgDb, {}, bench.keyring);
    const admin = (await runtime.apiKeys.create(BENCH_CTX, { name: 'bench-admin', scopes: ['risk:admin'] }))
      .key;
    const scorer = (await runtime.apiKeys.create(BENCH_CTX, { name: 'bench-scorer', scopes: ['risk:score'] }))
      .key;
    await runtime.close();

    let checks = 0;
    const configure = async (url: string) => {
      for (const p of stream.promotions) await call(url, admin, 'PUT', `/v1/risk/promotions/${p.id}`, p);
      await call(url, admin, 'PUT', '/v1/risk/list-prices', { prices: stream.listPrices });
      // One order outside the load, checked for its answer: a fast bench that fails every order is no figure.
      const one = (await call(
        url,
        scorer,
        'POST',
        '/v1/risk/score',
        new BodySource(templates, `c${run}${checks++}`).body(),
      )) as {
        decision?: string;
      };
      if (!one.decision)
        throw new Error(`risk bench check: no decision in ${JSON.stringify(one).slice(0, 300)}`);
    };

    // Figure 3: one server, in-process risk state.
    {
      const server = await startBenchServer(env);
      stops.push(server.stop);
      await configure(server.url);
      const { load, missing, cpu } = await measured(
        'in-process state (PostgreSQL, server in its own process)',
        [server.url],
        [server.pid],
        scorer,
        templates,
        `h${run}`,
        options,
        pgDb,
      );
      const paced = await atRate(2_000, [server.url], scorer, templates, `r${run}`, options);
      await server.stop();
      stops.pop();
      figures.push(
        {
          suite: SUITE,
          name: `POST /v1/risk/score, PostgreSQL, ${options.connections} connections (closed loop), 1 order/request`,
          value: load.rps,
          unit: 'decisions/s',
          target: { op: '>=', value: 2_000 },
        },
        { suite: SUITE, name: '  closed-loop p50 (= connections ÷ throughput)', value: load.p50, unit: 'ms' },
        { suite: SUITE, name: '  closed-loop p99', value: load.p99, unit: 'ms' },
        ...cpu,
        {
          suite: SUITE,
          name: '  offered 2,000/s: answered',
          value: paced.rps,
          unit: 'decisions/s',
          target: { op: '>=', value: 1_980 },
        },
        { suite: SUITE, name: '  offered 2,000/s: p50', value: paced.p50, unit: 'ms' },
        {
          suite: SUITE,
          name: '  offered 2,000/s: generator lateness at worst',
          value: paced.sendLagMax,
          unit: 'ms',
        },
        {
          suite: SUITE,
          name: '  offered 2,000/s: p99',
          value: paced.p99,
          unit: 'ms',
          target: { op: '<=', value: 20 },
        },
        {
          suite: SUITE,
          name: '  POST /v1/risk/score non-2xx or failed responses (closed loop and offered)',
          value: load.errors + paced.errors,
          unit: 'errors',
          target: {
            op: '<=',
            value: 0,
            ...((load.firstError ?? paced.firstError)
              ? { note: `first: ${load.firstError ?? paced.firstError}` }
              : {}),
          },
        },
        {
          suite: SUITE,
          name: '  decisions answered 200 but not in risk_decisions',
          value: missing,
          unit: 'decisions',
          target: { op: '<=', value: 0 },
        },
      );
    }

    // Figure 4: Redis state, one server process, then two on the same database and Redis.
    if (!options.redisUrl || !redis) {
      progress(options.showProgress, 'Redis runs skipped: CORDON_REDIS_URL unset or Redis does not answer');
    } else {
      const redisEnv = { ...env, CORDON_REDIS_URL: options.redisUrl };
      const first = await startBenchServer(redisEnv);
      stops.push(first.stop);
      await configure(first.url);
      const one = await measured(
        'Redis state, 1 server process',
        [first.url],
        [first.pid],
        scorer,
        templates,
        `a${run}`,
        options,
        pgDb,
      );
      const second = await startBenchServer({ ...redisEnv, CORDON_WATCH: 'off' });
      stops.push(second.stop);
      const two = await measured(
        'Redis state, 2 server processes (the second with CORDON_WATCH=off)',
        [first.url, second.url],
        [first.pid, second.pid],
        scorer,
        templates,
        `b${run}`,
        options,
        pgDb,
      );
      figures.push(
        {
          suite: SUITE,
          name: `POST /v1/risk/score, Redis state, 1 process, ${options.connections} connections`,
          value: one.load.rps,
          unit: 'decisions/s',
        },
        { suite: SUITE, name: '  1 process p99', value: one.load.p99, unit: 'ms' },
        ...one.cpu,
        {
          suite: SUITE,
          name: `POST /v1/risk/score, Redis state, 2 processes, ${options.connections} connections`,
          value: two.load.rps,
          unit: 'decisions/s',
          target: { op: '>=', value: one.load.rps, note: 'two processes together beat one' },
          peer: { name: '1 process', value: one.load.rps },
        },
        { suite: SUITE, name: '  2 processes p99 (the slower process)', value: two.load.p99, unit: 'ms' },
        ...two.cpu,
        {
          suite: SUITE,
          name: '  Redis runs: failed responses, or 200s not stored',
          value: one.load.errors + two.load.errors + one.missing + two.missing,
          unit: 'errors',
          target: {
            op: '<=',
            value: 0,
            ...((one.load.firstError ?? two.load.firstError)
              ? { note: `first: ${one.load.firstError ?? two.load.firstError}` }
              : {}),
          },
        },
      );
    }
    for (const stop of stops.splice(0).reverse()) await stop();

    // Every stored decision has its ledger entry (written in the same statement, ADR 0015).
    const decisions = await count(pgDb, sql<{ n: number }>`select count(*)::int as n from risk_decisions`);
    const ledgered = await count(
      pgDb,
      sql<{ n: number }>`select count(*)::int as n from ledger_entries where action = 'risk_decision'`,
    );
    figures.push({
      suite: SUITE,
      name: `  stored decisions without a ledger entry (${decisions} stored, ${ledgered} ledgered)`,
      value: Math.max(0, decisions - ledgered),
      unit: 'decisions',
      target: { op: '<=', value: 0 },
    });
  } finally {
    for (const stop of stops.reverse()) await stop();
    await bench.close();
    if (redis && options.redisUrl) {
      if (redisWasEmpty) {
        const store = new RedisRiskState(options.redisUrl, { keyPrefix: SERVER_REDIS_PREFIX });
        await store.clear();
        await store.close();
      } else {
        process.stderr.write(
          `risk bench: Redis already held keys under ${SERVER_REDIS_PREFIX} before the run, so the run's keys were left to expire (25 h windows, 30-day clusters)\n`,
        );
      }
      redis.disconnect();
    }
  }
  return figures;
}

/**
 * The malicious-order risk engine: decisions per second in process (RiskEngine with MemoryRiskState
 * over a generated Double-11 stream, and its parts), the default CEL rule set against the same rules
 * in json-rules-engine, and POST /v1/risk/score over HTTP on PostgreSQL with in-process and Redis
 * state (one process against two).
 */
export async function riskBench(options: RiskBenchOptions): Promise<Figure[]> {
  progress(options.showProgress, `generating a Double-11 stream of ${options.orders} orders`);
  const stream = loadStream(options.orders);
  const ruleSet = loadRuleSet(readFileSync(defaultRiskRulesPath, 'utf8'));
  const figures = await inProcess(stream, ruleSet, options);
  // The load generator runs in this process: a large heap here would pause it in GC under load.
  stream.requests = [];
  if (!options.postgres) {
    progress(options.showProgress, 'risk HTTP runs skipped: they measure PostgreSQL only');
    return figures;
  }
  figures.push(...(await overHttp(stream, options)));
  return figures;
}
