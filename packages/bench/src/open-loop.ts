import { Worker } from 'node:worker_threads';
import { Pool } from 'undici';

/**
 * Open-loop load: requests leave at evenly spaced times, whether or not earlier ones were answered,
 * and each one's latency counts from the time it was due, not from when a free connection let it
 * go (so a server that falls behind cannot hide its queue: no coordinated omission).
 *
 * Why not autocannon's `overallRate` (ADR 0017): it gives each connection a budget per second and
 * refills the budgets on a one-second timer, so all connections fire as fast as they are answered
 * at the start of every second and then wait; and it records each latency as if the expected
 * interval were 1 ms (`Math.ceil(1 / rate)`), adding invented samples to every slow answer. Its
 * "2,000/s" was a closed loop for part of each second with a distorted histogram.
 */
export interface OpenLoopOptions {
  /** Origin, e.g. http://127.0.0.1:3000. */
  url: string;
  path: string;
  /** Requests per second, spread evenly over the run. */
  rate: number;
  seconds: number;
  /** Sockets at most; a request due while all are busy waits in the pool (and that wait counts). */
  connections: number;
  /** The next request's headers and body. */
  next: () => { headers: Record<string, string>; body: string };
  onResponse?: (status: number, body: string) => void;
}

export interface OpenLoopResult {
  /** Requests due (and sent) in the run. */
  sent: number;
  ok: number;
  errors: number;
  /** 2xx answers per second of the run (answers after the last due time count; the run waits for them). */
  answeredPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** How late the generator itself sent its requests at worst (ms): large values mean the figures are the generator's. */
  sendLagMax: number;
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(options.rate > 0) || !(options.seconds > 0) || !(options.connections > 0)) {
    throw new Error('open-loop load: rate, seconds and connections must be positive');
  }
  const pool = new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies = new Float64Array(total);
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let sendLagMax = 0;
  let lastAnswer = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();

  const send = (due: number) => {
    const { headers, body } = options.next();
    const slot = sent++;
    const p = (async () => {
      try {
        const res = await pool.request({ path: options.path, method: 'POST', headers, body });
        const text = await res.body.text();
        const at = performance.now();
        latencies[slot] = at - due;
        lastAnswer = at;
        if (res.statusCode >= 200 && res.statusCode < 300) ok += 1;
        else errors += 1;
        options.onResponse?.(res.statusCode, text);
      } catch {
        const at = performance.now();
        latencies[slot] = at - due;
        errors += 1;
      }
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  // A 1 ms timer sends whatever came due since its last turn, each stamped with its own due time.
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total) {
        const due = start + sent * interval;
        if (due > now) break;
        sendLagMax = Math.max(sendLagMax, now - due);
        send(due);
      }
      if (sent < total) setTimeout(tick, Math.min(1, Math.max(0, start + sent * interval - now)));
      else done();
    };
    tick();
  });
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  await pool.close();

  const sorted = latencies.slice(0, sent).sort();
  const elapsedSeconds = Math.max(options.seconds, (lastAnswer - start) / 1000);
  return {
    sent,
    ok,
    errors,
    answeredPerSecond: ok / elapsedSeconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: quantile(sorted, 1),
    sendLagMax,
  };
}

/** What a worker-run load needs: plain data only (the bodies are made beforehand, in order). */
export interface OpenLoopJob {
  url: string;
  path: string;
  rate: number;
  seconds: number;
  connections: number;
  headers: Record<string, string>;
  /** Sent in order, one per due time (cycled if fewer than rate × seconds). */
  bodies: readonly string[];
}

export interface OpenLoopJobResult extends OpenLoopResult {
  /** The first answer that was not 2xx: its status and the start of its body. */
  firstFailure: { status: number; body: string } | undefined;
}

/**
 * Runs `openLoop` in a worker thread of its own: the generator's event loop and heap are then its
 * own, so neither the caller's garbage collections (a bench process holds hundreds of megabytes of
 * fixtures) nor its other work make requests leave late.
 */
export function openLoopInWorker(job: OpenLoopJob): Promise<OpenLoopJobResult> {
  if (job.bodies.length === 0) return Promise.reject(new Error('open-loop load: no bodies to send'));
  // The worker registers tsx itself before importing its TypeScript entry: Node 20 loads a worker's
  // entry before any inherited `--import` loader applies to it.
  const entry = new URL('./open-loop.worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { result?: OpenLoopJobResult; error?: string }) => {
      if (m.result) resolve(m.result);
      else reject(new Error(`open-loop worker: ${m.error ?? 'no result'}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`open-loop worker exited with ${code}`));
    });
  });
}
