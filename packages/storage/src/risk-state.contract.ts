/**
 * The contract every RiskStateStore passes (MemoryRiskState in core, RedisRiskState here): exact counts
 * at window boundaries, distinct counts, idempotent repeats, identity clusters with link limits,
 * promotion counters merged with clusters, late observations, clear(). Not exported from the package
 * index (it imports vitest); test files import it by path.
 */
import type { RiskObservation, RiskObservationResult, RiskStateOptions, RiskStateStore } from '@cordon/core';
import { afterEach, describe, expect, it } from 'vitest';

/** Makes a fresh, empty store; the suite clears and closes every store it made after each test. */
export type RiskStateFactory = (options?: Partial<RiskStateOptions>) => Promise<RiskStateStore>;

export interface RiskStateContractOptions {
  /** Why the backend is unavailable; the suite is then reported as skipped. */
  skipReason?: string | undefined;
}

const T0 = 1_750_000_000_000;
const S = 1000;
const M = 60 * S;
const H = 60 * M;

type Keys = RiskObservation['keys'];

function obs(orderId: string, at: number, keys: Keys, extra: Partial<RiskObservation> = {}): RiskObservation {
  return { orderId, at, keys, ...extra };
}

function w(m1: number, h1: number, d1: number): { '1m': number; '1h': number; '24h': number } {
  return { '1m': m1, '1h': h1, '24h': d1 };
}

/** Defines the RiskStateStore contract suite for one implementation. */
export function riskStateContract(
  name: string,
  factory: RiskStateFactory,
  options: RiskStateContractOptions = {},
): void {
  describe.skipIf(options.skipReason !== undefined)(`RiskStateStore contract on ${name}`, () => {
    const made: RiskStateStore[] = [];
    const open = async (o?: Partial<RiskStateOptions>): Promise<RiskStateStore> => {
      const store = await factory(o);
      made.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of made.splice(0)) {
        await store.clear();
        await store.close();
      }
    });

    it('counts orders per dimension over sliding windows that end at the order, start exclusive', async () => {
      const s = await open();
      const k: Keys = { account: 'A', device: 'D', ip: 'I' };
      const r1 = await s.observe(obs('o1', T0, k));
      expect(r1.orders).toEqual({ account: w(1, 1, 1), device: w(1, 1, 1), ip: w(1, 1, 1) });
      expect(r1.orders.phone).toBeUndefined();
      expect(r1.repeat).toBe(false);
      expect(r1.promo).toBeUndefined();

      const r2 = await s.observe(obs('o2', T0 + 30 * S, k));
      expect(r2.orders.account).toEqual(w(2, 2, 2));
      // exactly 60 s after o1: o1 is out of the 1m window
      const r3 = await s.observe(obs('o3', T0 + M, k));
      expect(r3.orders.account).toEqual(w(2, 3, 3));
      expect(r3.orders.device).toEqual(w(2, 3, 3));
      // exactly 1 h after o1
      const r4 = await s.observe(obs('o4', T0 + H, k));
      expect(r4.orders.account).toEqual(w(1, 3, 4));
      // 24 h after o2: o1 and o2 are out, o3 and o4 in
      const r5 = await s.observe(obs('o5', T0 + 24 * H + 30 * S, k));
      expect(r5.orders.account).toEqual(w(1, 1, 3));
      expect(r5.orders.ip).toEqual(w(1, 1, 3));
      // a different value of a dimension counts separately
      const r6 = await s.observe(obs('o6', T0 + 24 * H + 31 * S, { account: 'A', device: 'D2' }));
      expect(r6.orders).toEqual({ account: w(2, 2, 4), device: w(1, 1, 1) });
    });

    it('counts distinct accounts per value and distinct values per account', async () => {
      const s = await open();
      const r1 = await s.observe(obs('o1', T0, { account: 'A', device: 'D1', phone: 'P1', ip24: 'N' }));
      expect(r1).toEqual({
        orders: { account: w(1, 1, 1), device: w(1, 1, 1), phone: w(1, 1, 1), ip24: w(1, 1, 1) },
        accountsPer: { device: w(1, 1, 1), phone: w(1, 1, 1), ip24: w(1, 1, 1) },
        perAccount: { device: w(1, 1, 1), phone: w(1, 1, 1), ip24: w(1, 1, 1) },
        cluster: { id: 'account:A', accounts: 1, oldestAccountAt: null, newestAccountAt: null },
        repeat: false,
      });
      const r2 = await s.observe(obs('o2', T0 + 10 * S, { account: 'B', device: 'D1', ip: 'I' }));
      expect(r2.accountsPer).toEqual({ device: w(2, 2, 2), ip: w(1, 1, 1) });
      expect(r2.perAccount).toEqual({ device: w(1, 1, 1) });
      const r3 = await s.observe(obs('o3', T0 + 20 * S, { account: 'A', device: 'D1' }));
      expect(r3.accountsPer.device).toEqual(w(2, 2, 2));
      expect(r3.orders.device).toEqual(w(3, 3, 3));
      expect(r3.perAccount.device).toEqual(w(1, 1, 1));
      const r4 = await s.observe(obs('o4', T0 + 30 * S, { account: 'A', device: 'D2' }));
      expect(r4.accountsPer.device).toEqual(w(1, 1, 1));
      expect(r4.perAccount.device).toEqual(w(2, 2, 2));
      // window (T0+15s, T0+75s]: A (o3 at +20s) and C; B's only use (+10s) is out
      const r5 = await s.observe(obs('o5', T0 + 75 * S, { account: 'C', device: 'D1' }));
      expect(r5.accountsPer.device).toEqual(w(2, 3, 3));
      expect(r5.orders.device).toEqual(w(2, 4, 4));
      // window (T0+25s, T0+85s]: D2 (+30s) and D3; D1 (+20s) is out
      const r6 = await s.observe(obs('o6', T0 + 85 * S, { account: 'A', device: 'D3' }));
      expect(r6.perAccount.device).toEqual(w(2, 3, 3));
      // ip (not per account) has accountsPer but no perAccount entry
      const r7 = await s.observe(obs('o7', T0 + 90 * S, { account: 'A', ip: 'I', payment: 'Y' }));
      // B used I at +10 s: out of the 1m window (T0+30s, T0+90s]
      expect(r7.accountsPer).toEqual({ ip: w(1, 2, 2), payment: w(1, 1, 1) });
      expect(r7.perAccount).toEqual({ payment: w(1, 1, 1) });
    });

    it('answers a repeated order id with the current counts and records nothing', async () => {
      const s = await open();
      const promo = { id: 'P', qty: 2, couponFen: 500 };
      const k: Keys = { account: 'A', device: 'D', address: 'H' };
      await s.observe(obs('o1', T0, k, { promo }));
      await s.observe(obs('o2', T0 + 10 * S, { account: 'B', device: 'D' }, { promo }));
      const again = await s.observe(obs('o1', T0, k, { promo }));
      expect(again.repeat).toBe(true);
      expect(again.orders).toEqual({ account: w(1, 1, 1), device: w(1, 1, 1), address: w(1, 1, 1) });
      expect(again.cluster).toEqual({
        id: 'account:A',
        accounts: 2,
        oldestAccountAt: null,
        newestAccountAt: null,
      });
      expect(again.promo).toEqual({
        accountQty: 2,
        clusterQty: 4,
        addressQty: 2,
        clusterOrders: 2,
        soldQty: 4,
        couponSpentFen: 1000,
        clusterCouponOrders: 2,
      });
      const later = await s.observe(obs('o2', T0 + 10 * S, { account: 'B', device: 'D' }, { promo }));
      expect(later.repeat).toBe(true);
      expect(later.orders.device).toEqual(w(2, 2, 2));
      const r3 = await s.observe(obs('o3', T0 + 20 * S, k, { promo: { id: 'P', qty: 1, couponFen: 0 } }));
      expect(r3.repeat).toBe(false);
      expect(r3.orders.device).toEqual(w(3, 3, 3));
      expect(r3.orders.account).toEqual(w(2, 2, 2));
      expect(r3.promo).toEqual({
        accountQty: 3,
        clusterQty: 5,
        addressQty: 3,
        clusterOrders: 3,
        soldQty: 5,
        couponSpentFen: 1000,
        clusterCouponOrders: 2,
      });
    });

    it('links accounts into clusters through device, phone, address and payment', async () => {
      const s = await open();
      const r1 = await s.observe(obs('o1', T0, { account: 'A', device: 'X' }));
      expect(r1.cluster).toEqual({
        id: 'account:A',
        accounts: 1,
        oldestAccountAt: null,
        newestAccountAt: null,
      });
      const r2 = await s.observe(obs('o2', T0 + S, { account: 'B', device: 'X' }));
      expect(r2.cluster).toMatchObject({ id: 'account:A', accounts: 2 });
      const r3 = await s.observe(obs('o3', T0 + 2 * S, { account: 'C', phone: 'P' }));
      expect(r3.cluster).toMatchObject({ id: 'account:C', accounts: 1 });
      const r4 = await s.observe(obs('o4', T0 + 3 * S, { account: 'B', phone: 'P' }));
      expect(r4.cluster).toMatchObject({ id: 'account:A', accounts: 3 });
      const r5 = await s.observe(obs('o5', T0 + 4 * S, { account: 'D', address: 'Q' }));
      expect(r5.cluster.accounts).toBe(1);
      const r6 = await s.observe(obs('o6', T0 + 5 * S, { account: 'C', address: 'Q' }));
      expect(r6.cluster).toMatchObject({ id: 'account:A', accounts: 4 });
      const r7 = await s.observe(obs('o7', T0 + 6 * S, { account: 'E', payment: 'Z' }));
      expect(r7.cluster).toMatchObject({ id: 'account:E', accounts: 1 });
      const r8 = await s.observe(obs('o8', T0 + 7 * S, { account: 'A', payment: 'Z' }));
      expect(r8.cluster).toMatchObject({ id: 'account:A', accounts: 5 });
      // every member now reports the same cluster; ip and ip24 never link
      const r9 = await s.observe(obs('o9', T0 + 8 * S, { account: 'E', ip: 'I', ip24: 'N' }));
      expect(r9.cluster).toMatchObject({ id: 'account:A', accounts: 5 });
      const r10 = await s.observe(obs('o10', T0 + 9 * S, { account: 'F', ip: 'I', ip24: 'N' }));
      expect(r10.cluster).toEqual({
        id: 'account:F',
        accounts: 1,
        oldestAccountAt: null,
        newestAccountAt: null,
      });
    });

    it('stops linking through a value shared by linkLimit accounts', async () => {
      const s = await open();
      for (let i = 1; i <= 8; i++) {
        const r = await s.observe(obs(`o${i}`, T0 + i * S, { account: `U${i}`, address: 'H' }));
        expect(r.cluster).toMatchObject({ id: 'account:U1', accounts: i });
      }
      const r9 = await s.observe(obs('o9', T0 + 9 * S, { account: 'U9', address: 'H' }));
      expect(r9.cluster).toEqual({
        id: 'account:U9',
        accounts: 1,
        oldestAccountAt: null,
        newestAccountAt: null,
      });
      expect(r9.accountsPer.address).toEqual(w(9, 9, 9));
      // an account already linked keeps using the value
      const r10 = await s.observe(obs('o10', T0 + 10 * S, { account: 'U3', address: 'H' }));
      expect(r10.cluster).toMatchObject({ id: 'account:U1', accounts: 8 });

      const t = await open({ linkLimit: { device: 12, phone: 2, address: 8, payment: 12 } });
      await t.observe(obs('p1', T0, { account: 'A', phone: 'P' }));
      expect((await t.observe(obs('p2', T0 + S, { account: 'B', phone: 'P' }))).cluster.accounts).toBe(2);
      const p3 = await t.observe(obs('p3', T0 + 2 * S, { account: 'C', phone: 'P', device: 'X' }));
      expect(p3.cluster).toMatchObject({ id: 'account:C', accounts: 1 });
      // C still links through its device
      const p4 = await t.observe(obs('p4', T0 + 3 * S, { account: 'A', device: 'X' }));
      expect(p4.cluster).toMatchObject({ id: 'account:A', accounts: 3 });
    });

    it('keeps the oldest and newest account creation time of a cluster (first one given per account)', async () => {
      const s = await open();
      const r1 = await s.observe(obs('o1', T0, { account: 'A', device: 'X' }, { accountCreatedAt: 1000 }));
      expect(r1.cluster).toEqual({
        id: 'account:A',
        accounts: 1,
        oldestAccountAt: 1000,
        newestAccountAt: 1000,
      });
      const r2 = await s.observe(
        obs('o2', T0 + S, { account: 'B', device: 'X' }, { accountCreatedAt: 3000 }),
      );
      expect(r2.cluster).toEqual({
        id: 'account:A',
        accounts: 2,
        oldestAccountAt: 1000,
        newestAccountAt: 3000,
      });
      // B's creation time was given already: a different one later is ignored
      const r3 = await s.observe(obs('o3', T0 + 2 * S, { account: 'B' }, { accountCreatedAt: 500 }));
      expect(r3.cluster).toMatchObject({ oldestAccountAt: 1000, newestAccountAt: 3000 });
      // C first without, then with a creation time: the first one given counts
      const r4 = await s.observe(obs('o4', T0 + 3 * S, { account: 'C', phone: 'P' }));
      expect(r4.cluster).toEqual({
        id: 'account:C',
        accounts: 1,
        oldestAccountAt: null,
        newestAccountAt: null,
      });
      const r5 = await s.observe(obs('o5', T0 + 4 * S, { account: 'C' }, { accountCreatedAt: 2000 }));
      expect(r5.cluster).toMatchObject({ oldestAccountAt: 2000, newestAccountAt: 2000 });
      const r6 = await s.observe(obs('o6', T0 + 5 * S, { account: 'D', phone: 'P', device: 'X' }));
      // links go in LINK_DIMENSIONS order: D joins A's cluster by device, then the bigger one absorbs C's
      expect(r6.cluster).toEqual({
        id: 'account:A',
        accounts: 4,
        oldestAccountAt: 1000,
        newestAccountAt: 3000,
      });
      const r7 = await s.observe(obs('o7', T0 + 6 * S, { account: 'D' }, { accountCreatedAt: 5000 }));
      expect(r7.cluster).toMatchObject({ accounts: 4, oldestAccountAt: 1000, newestAccountAt: 5000 });
    });

    it('sums promotion counters when two clusters merge', async () => {
      const s = await open();
      const p = (qty: number, couponFen: number) => ({ promo: { id: 'P', qty, couponFen } });
      await s.observe(obs('o1', T0, { account: 'A', device: 'X' }, p(2, 500)));
      const r2 = await s.observe(obs('o2', T0 + S, { account: 'B', device: 'X' }, p(1, 0)));
      expect(r2.promo).toMatchObject({
        accountQty: 1,
        clusterQty: 3,
        clusterOrders: 2,
        clusterCouponOrders: 1,
      });
      await s.observe(obs('o3', T0 + 2 * S, { account: 'C', phone: 'Y' }, p(4, 300)));
      const r4 = await s.observe(obs('o4', T0 + 3 * S, { account: 'D', phone: 'Y' }, p(1, 200)));
      expect(r4.promo).toMatchObject({ clusterQty: 5, clusterOrders: 2, clusterCouponOrders: 2 });
      // another promotion is counted apart
      const other = await s.observe(
        obs('o5', T0 + 4 * S, { account: 'D' }, { promo: { id: 'Q', qty: 7, couponFen: 0 } }),
      );
      expect(other.promo).toEqual({
        accountQty: 7,
        clusterQty: 7,
        addressQty: 0,
        clusterOrders: 1,
        soldQty: 7,
        couponSpentFen: 0,
        clusterCouponOrders: 0,
      });
      const r6 = await s.observe(obs('o6', T0 + 5 * S, { account: 'E', device: 'X', phone: 'Y' }, p(1, 100)));
      expect(r6.cluster.accounts).toBe(5);
      expect(r6.promo).toEqual({
        accountQty: 1,
        clusterQty: 9,
        addressQty: 0,
        clusterOrders: 5,
        soldQty: 9,
        couponSpentFen: 1100,
        clusterCouponOrders: 4,
      });
      const r7 = await s.observe(obs('o7', T0 + 6 * S, { account: 'A' }, p(1, 0)));
      expect(r7.promo).toMatchObject({ accountQty: 3, clusterQty: 10, clusterOrders: 6, soldQty: 10 });
      const r8 = await s.observe(
        obs('o8', T0 + 7 * S, { account: 'C' }, { promo: { id: 'Q', qty: 1, couponFen: 50 } }),
      );
      expect(r8.promo).toMatchObject({
        accountQty: 1,
        clusterQty: 8,
        clusterOrders: 2,
        clusterCouponOrders: 1,
      });
    });

    it('counts promotion units per address', async () => {
      const s = await open();
      const p = (qty: number) => ({ promo: { id: 'P', qty, couponFen: 0 } });
      const r1 = await s.observe(obs('o1', T0, { account: 'A', address: 'H' }, p(2)));
      expect(r1.promo).toMatchObject({ accountQty: 2, addressQty: 2 });
      const r2 = await s.observe(obs('o2', T0 + S, { account: 'B', address: 'H' }, p(3)));
      expect(r2.promo).toMatchObject({ accountQty: 3, addressQty: 5, clusterQty: 5 });
      const r3 = await s.observe(obs('o3', T0 + 2 * S, { account: 'A' }, p(1)));
      expect(r3.promo).toMatchObject({ accountQty: 3, addressQty: 0, clusterQty: 6, soldQty: 6 });
      const r4 = await s.observe(obs('o4', T0 + 3 * S, { account: 'A', address: 'H2' }, p(4)));
      expect(r4.promo).toMatchObject({ accountQty: 7, addressQty: 4, clusterQty: 10 });
    });

    it('counts late observations by their own time without corrupting later counts', async () => {
      const s = await open();
      await s.observe(obs('o1', T0 + 50 * S, { account: 'A', device: 'D' }));
      // arrives after o1 but happened 40 s earlier: o1 is after its window
      const r2 = await s.observe(obs('o2', T0 + 10 * S, { account: 'B', device: 'D' }));
      expect(r2.orders.device).toEqual(w(1, 1, 1));
      expect(r2.accountsPer.device).toEqual(w(1, 1, 1));
      // A's latest use of D (+50 s) is after this order, its use at +0 s is in the window
      const r3 = await s.observe(obs('o3', T0, { account: 'A', device: 'D2' }));
      expect(r3.perAccount.device).toEqual(w(1, 1, 1));
      const r4 = await s.observe(obs('o4', T0 + 5 * S, { account: 'A', device: 'D' }));
      expect(r4.orders.device).toEqual(w(1, 1, 1));
      expect(r4.accountsPer.device).toEqual(w(1, 1, 1));
      expect(r4.perAccount.device).toEqual(w(2, 2, 2));
      expect(r4.orders.account).toEqual(w(2, 2, 2));
      const r5 = await s.observe(obs('o5', T0 + 30 * S, { account: 'C', device: 'D' }));
      expect(r5.orders.device).toEqual(w(3, 3, 3));
      expect(r5.accountsPer.device).toEqual(w(3, 3, 3));
      // in order again: window (T0+10s, T0+70s] holds o1 (A), o5 (C), o6; o2 (+10 s) and o4 are out
      const r6 = await s.observe(obs('o6', T0 + 70 * S, { account: 'A', device: 'D' }));
      expect(r6.orders.device).toEqual(w(3, 5, 5));
      expect(r6.accountsPer.device).toEqual(w(2, 3, 3));
      expect(r6.perAccount.device).toEqual(w(1, 2, 2));
      // A's latest time with D is +70 s, not the late +5 s
      const r7 = await s.observe(obs('o7', T0 + 125 * S, { account: 'B', device: 'D' }));
      expect(r7.accountsPer.device).toEqual(w(2, 3, 3));
    });

    it('counts many accounts on one value, in order and late', async () => {
      const s = await open();
      let last: RiskObservationResult | undefined;
      for (let i = 0; i < 40; i++) {
        last = await s.observe(obs(`o${i}`, T0 + i * 10 * S, { account: `A${i % 20}`, ip24: 'N' }));
      }
      // (T0+330s, T0+390s]: orders 34..39 by A14..A19
      expect(last?.orders.ip24).toEqual(w(6, 40, 40));
      expect(last?.accountsPer.ip24).toEqual(w(6, 20, 20));
      // late, at T0+95s: orders 4..9 (A4..A9) and this one; every account's latest use is later
      const late = await s.observe(obs('late', T0 + 95 * S, { account: 'A5', ip24: 'N' }));
      expect(late.orders.ip24).toEqual(w(7, 11, 11));
      expect(late.accountsPer.ip24).toEqual(w(6, 10, 10));
      expect(late.perAccount.ip24).toEqual(w(1, 1, 1));
      const next = await s.observe(obs('next', T0 + 400 * S, { account: 'A0', ip24: 'N' }));
      expect(next.orders.ip24).toEqual(w(6, 42, 42));
      expect(next.accountsPer.ip24).toEqual(w(6, 20, 20));
    });

    it('answers observeMany like sequential observe calls', async () => {
      const batch: RiskObservation[] = [];
      for (let i = 0; i < 120; i++) {
        batch.push(
          obs(
            `m${i % 100}`,
            T0 + i * 7 * S - (i % 5 === 3 ? 20 * S : 0),
            {
              account: `A${i % 13}`,
              device: `D${i % 17}`,
              phone: `P${i % 11}`,
              ...(i % 3 === 0 ? { address: `H${i % 7}` } : {}),
              ip: `I${i % 5}`,
              ip24: `N${i % 2}`,
              ...(i % 4 === 0 ? { payment: `Y${i % 9}` } : {}),
            },
            {
              ...(i % 9 === 0 ? { accountCreatedAt: 1000 + i } : {}),
              ...(i % 2 === 0
                ? { promo: { id: `P${i % 3}`, qty: 1 + (i % 4), couponFen: i % 3 === 0 ? 100 : 0 } }
                : {}),
            },
          ),
        );
      }
      const a = await open({ linkLimit: { device: 3, phone: 2, address: 4, payment: 12 } });
      const b = await open({ linkLimit: { device: 3, phone: 2, address: 4, payment: 12 } });
      const many = await a.observeMany(batch);
      const one: RiskObservationResult[] = [];
      for (const o of batch) one.push(await b.observe(o));
      expect(many).toEqual(one);
      expect(many.filter((r) => r.repeat)).toHaveLength(20);
      expect(many[119]?.orders.account).toEqual(w(0, 8, 8));
    });

    it('rejects a malformed observation and records nothing', async () => {
      const s = await open();
      await expect(s.observe(obs('o1', Number.NaN, { account: 'A' }))).rejects.toThrow(RangeError);
      await expect(
        s.observe(obs('o1', T0, { account: 'A' }, { promo: { id: 'P', qty: 1.5, couponFen: 0 } })),
      ).rejects.toThrow(RangeError);
      const r = await s.observe(obs('o1', T0, { account: 'A' }));
      expect(r.repeat).toBe(false);
      expect(r.orders.account).toEqual(w(1, 1, 1));
    });

    it('clear() drops all state', async () => {
      const s = await open();
      const k: Keys = { account: 'A', device: 'X', address: 'H' };
      await s.observe(obs('o1', T0, k, { promo: { id: 'P', qty: 2, couponFen: 10 } }));
      await s.observe(obs('o2', T0 + S, { account: 'B', device: 'X' }));
      await s.clear();
      const r = await s.observe(obs('o1', T0, k, { promo: { id: 'P', qty: 1, couponFen: 0 } }));
      expect(r).toEqual({
        orders: { account: w(1, 1, 1), device: w(1, 1, 1), address: w(1, 1, 1) },
        accountsPer: { device: w(1, 1, 1), address: w(1, 1, 1) },
        perAccount: { device: w(1, 1, 1), address: w(1, 1, 1) },
        cluster: { id: 'account:A', accounts: 1, oldestAccountAt: null, newestAccountAt: null },
        promo: {
          accountQty: 1,
          clusterQty: 1,
          addressQty: 1,
          clusterOrders: 1,
          soldQty: 1,
          couponSpentFen: 0,
          clusterCouponOrders: 0,
        },
        repeat: false,
      });
    });
  });
}
