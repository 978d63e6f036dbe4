import { randomBytes } from 'node:crypto';
import { MemoryRiskState, type RiskObservation } from '@cordon/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskStateContract } from './risk-state.contract';
import { RedisRiskState } from './risk-state.redis';

/** Where the Redis tests find Redis; CI always has it. */
const REDIS_URL = process.env.CORDON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisProblem(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let socketError: string | undefined;
  client.on('error', (error: Error) => {
    socketError = error.message;
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return socketError ?? (error instanceof Error ? error.message : String(error));
  } finally {
    client.disconnect();
  }
}

const problem = await redisProblem();
if (problem && process.env.CI)
  throw new Error(`Redis is required in CI but unreachable at ${REDIS_URL}: ${problem}`);
if (problem)
  console.warn(`\n!!! SKIPPING Redis risk-state tests: ${REDIS_URL} unreachable (${problem}) !!!\n`);

/** Every key of this run lives under this prefix; each store gets its own sub-prefix. */
const RUN_PREFIX = `cordon:test:risk:${randomBytes(6).toString('hex')}:`;
let stores = 0;

riskStateContract(
  'redis',
  async (options) => new RedisRiskState(REDIS_URL, { ...options, keyPrefix: `${RUN_PREFIX}${++stores}:` }),
  { skipReason: problem },
);

describe.skipIf(problem !== undefined)('RedisRiskState', () => {
  const prefix = `${RUN_PREFIX}shared:`;
  let a: RedisRiskState;
  let b: RedisRiskState;

  beforeAll(() => {
    a = new RedisRiskState(REDIS_URL, { keyPrefix: prefix });
    b = new RedisRiskState(REDIS_URL, { keyPrefix: prefix });
  });
  afterAll(async () => {
    await a.clear();
    await a.close();
    await b.close();
    const probe = new Redis(REDIS_URL);
    const left = await probe.keys(`${RUN_PREFIX}*`);
    await probe.quit();
    expect(left).toEqual([]);
  });

  it('shares state between instances on the same prefix', async () => {
    const at = 1_750_000_000_000;
    const promo = { id: 'P', qty: 2, couponFen: 100 };
    await a.observe({ orderId: 'o1', at, keys: { account: 'A', device: 'X' }, promo });
    const r = await b.observe({ orderId: 'o2', at: at + 1000, keys: { account: 'B', device: 'X' }, promo });
    expect(r.orders.device).toEqual({ '1m': 2, '1h': 2, '24h': 2 });
    expect(r.cluster).toMatchObject({ id: 'account:A', accounts: 2 });
    expect(r.promo).toMatchObject({ clusterQty: 4, soldQty: 4, couponSpentFen: 200 });
    const again = await b.observe({ orderId: 'o1', at, keys: { account: 'A', device: 'X' } });
    expect(again.repeat).toBe(true);
  });

  it('answers exactly like MemoryRiskState on a long random stream with late and repeated orders', async () => {
    let seed = 42;
    const rnd = (m: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % m;
    };
    const stream: RiskObservation[] = [];
    const t0 = 1_750_000_000_000;
    for (let i = 0; i < 1500; i++) {
      const account = rnd(60);
      stream.push({
        // repeats of orders up to ~14 h back (seen-order memory: Redis by wall-clock TTL, memory by order time)
        orderId: `r${rnd(10) === 0 ? i - rnd(Math.min(i + 1, 300)) : i}`,
        // ~3 days at one order per ~3 minutes, one in six up to 10 minutes late
        at: t0 + i * 170_000 - (rnd(6) === 0 ? rnd(600_000) : 0),
        keys: {
          account: `a${account}`,
          device: `d${rnd(4) === 0 ? rnd(5) : account % 40}`,
          phone: `p${account % 45}`,
          ...(rnd(2) === 0 ? { address: `h${rnd(3) === 0 ? rnd(4) : account % 30}` } : {}),
          ip: `i${rnd(20)}`,
          ip24: `n${rnd(3)}`,
          ...(rnd(3) === 0 ? { payment: `y${account % 50}` } : {}),
        },
        ...(rnd(4) === 0 ? { accountCreatedAt: t0 - rnd(1000) * 86_400_000 } : {}),
        ...(rnd(2) === 0 ? { promo: { id: `P${rnd(2)}`, qty: 1 + rnd(3), couponFen: rnd(2) * 300 } } : {}),
      });
    }
    const options = { linkLimit: { device: 4, phone: 3, address: 5, payment: 6 } };
    const memory = new MemoryRiskState(options);
    const redis = new RedisRiskState(REDIS_URL, { ...options, keyPrefix: `${RUN_PREFIX}random:` });
    try {
      const expected = await memory.observeMany(stream);
      const actual = await redis.observeMany(stream);
      expect(actual).toEqual(expected);
      expect(expected.filter((r) => r.repeat).length).toBeGreaterThan(50);
    } finally {
      await redis.clear();
      await redis.close();
    }
  });

  it('gives window keys a day-long TTL and cluster keys a 30-day TTL', async () => {
    const probe = new Redis(REDIS_URL);
    try {
      const seen = await probe.pttl(`${prefix}s:o1`);
      const window = await probe.pttl(`${prefix}o:device:X`);
      const node = await probe.pttl(`${prefix}n:account:A`);
      const promo = await probe.pttl(`${prefix}pt:P`);
      expect(seen).toBeGreaterThan(47 * 3_600_000);
      expect(seen).toBeLessThanOrEqual(48 * 3_600_000);
      expect(window).toBeGreaterThan(24 * 3_600_000);
      expect(node).toBeGreaterThan(29 * 86_400_000);
      expect(promo).toBeGreaterThan(29 * 86_400_000);
    } finally {
      await probe.quit();
    }
  });
});
