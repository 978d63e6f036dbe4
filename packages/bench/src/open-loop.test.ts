import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLoop, openLoopInWorker } from './open-loop';

/** A real HTTP server that answers every POST after `delayMs`, counting arrivals per 100 ms window. */
describe('open-loop load', () => {
  let server: Server;
  let url = '';
  const delayMs = 20;
  let arrivals: number[] = [];
  let bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        arrivals.push(performance.now());
        bodies.push(body);
        setTimeout(() => {
          res.writeHead(body === 'fail' ? 400 : 200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        }, delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const reset = () => {
    arrivals = [];
    bodies = [];
  };

  it('sends at an even pace, not in bursts, and counts each latency from its due time', async () => {
    reset();
    let n = 0;
    const r = await openLoop({
      url,
      path: '/x',
      rate: 200,
      seconds: 1,
      connections: 16,
      next: () => ({ headers: { 'content-type': 'text/plain' }, body: `b${n++}` }),
    });
    expect(r.sent).toBe(200);
    expect(r.ok).toBe(200);
    expect(r.errors).toBe(0);
    expect(bodies.length).toBe(200);
    // Even pacing: the requests spread over the second (a per-second budget would send them all in
    // its first tenth). Bounds are loose so a busy test machine's late timers cannot fail it.
    const t0 = arrivals[0] as number;
    const perWindow = Array.from({ length: 10 }, (_, w) =>
      arrivals.filter((a) => a - t0 >= w * 100 && a - t0 < (w + 1) * 100),
    ).map((a) => a.length);
    expect(Math.max(...perWindow)).toBeLessThanOrEqual(100);
    expect(perWindow.filter((n) => n > 0).length).toBeGreaterThanOrEqual(6);
    // Latency counts from the due time, so it is at least the server's delay.
    expect(r.p50).toBeGreaterThanOrEqual(delayMs);
  });

  it('a server slower than the offered rate shows its queue in the latency (no coordinated omission)', async () => {
    reset();
    // One connection at 20 ms a request carries at most 50/s; 100/s are offered for a second, so the
    // last requests were due ~500 ms before they could even leave.
    const r = await openLoop({
      url,
      path: '/x',
      rate: 100,
      seconds: 1,
      connections: 1,
      next: () => ({ headers: {}, body: 'q' }),
    });
    expect(r.ok).toBe(100);
    expect(r.p99).toBeGreaterThan(400);
    expect(r.answeredPerSecond).toBeLessThan(60);
  });

  it('counts answers that are not 2xx as errors and reports them', async () => {
    reset();
    const seen: number[] = [];
    const r = await openLoop({
      url,
      path: '/x',
      rate: 50,
      seconds: 0.2,
      connections: 4,
      next: () => ({ headers: {}, body: 'fail' }),
      onResponse: (status) => seen.push(status),
    });
    expect(r.sent).toBe(10);
    expect(r.ok).toBe(0);
    expect(r.errors).toBe(10);
    expect(seen).toEqual(Array(10).fill(400));
  });

  it('refuses a rate, duration or connection count that is not positive', async () => {
    await expect(
      openLoop({
        url,
        path: '/x',
        rate: 0,
        seconds: 1,
        connections: 1,
        next: () => ({ headers: {}, body: '' }),
      }),
    ).rejects.toThrow(/must be positive/);
  });
  it('runs in a worker of its own, sending the given bodies in order and naming the first failure', async () => {
    reset();
    const r = await openLoopInWorker({
      url,
      path: '/x',
      rate: 100,
      seconds: 0.3,
      connections: 4,
      headers: { 'content-type': 'text/plain' },
      bodies: ['a', 'b', 'fail'],
    });
    expect(r.sent).toBe(30);
    expect(r.ok).toBe(20);
    expect(r.errors).toBe(10);
    expect(r.firstFailure).toEqual({ status: 400, body: '{"ok":true}' });
    expect(bodies.slice(0, 6)).toEqual(['a', 'b', 'fail', 'a', 'b', 'fail']);
    await expect(
      openLoopInWorker({ url, path: '/x', rate: 1, seconds: 1, connections: 1, headers: {}, bodies: [] }),
    ).rejects.toThrow(/no bodies/);
  });
});
