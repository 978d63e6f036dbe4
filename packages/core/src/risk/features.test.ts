import { describe, expect, it } from 'vitest';
import { parseOrder } from '../vault/interchange';
import { buildFeatures, FEATURE_NAMES, FEATURE_SCHEMA, ipNetwork, orderFacts, riskKeyFn } from './features';
import { MemoryRiskState } from './memory-risk-state';
import { type Promotion, promotionSchema } from './promotion';

const key = riskKeyFn(Buffer.alloc(32, 7));
const noPrices = { listPrice: () => undefined };

const promo: Promotion = promotionSchema.parse({
  id: 'P1',
  name: 'phones',
  startsAt: '2026-11-11T00:00:00+08:00',
  endsAt: '2026-11-12T00:00:00+08:00',
  skus: [{ sku: 'PH', listPrice: 4000, promoPrice: 3000 }],
  stock: 10,
  caps: { perAccount: 2, perCluster: 3, perAddress: 5 },
  coupon: { codes: ['NEW20'], budget: 100, perCluster: 1 },
});

function order(id: string, minute: number, over: Record<string, unknown> = {}) {
  return parseOrder({
    id,
    customerId: 'A',
    createdAt: `2026-11-11T00:${String(minute).padStart(2, '0')}:00+08:00`,
    status: 'paid',
    receiver: {
      name: '王五',
      phone: '138 1234 5678',
      province: '上海市',
      city: '上海市',
      district: '浦东新区',
      street: '世纪大道 1 号',
    },
    items: [{ sku: 'PH', name: 'phone', price: 3000, qty: 1 }],
    total: 3000,
    ...over,
  });
}

describe('ipNetwork', () => {
  it('takes the /24 of IPv4 and the /48 of IPv6, expanding ::', () => {
    expect(ipNetwork('203.0.113.77')).toBe('203.0.113');
    expect(ipNetwork('2001:db8::1')).toBe('2001:db8:0');
    expect(ipNetwork('2001:0db8:00ab:1::')).toBe('2001:db8:ab');
  });
});

describe('feature schema', () => {
  it('declares every feature buildFeatures produces, with its CEL type', async () => {
    const store = new MemoryRiskState();
    const o = order('O1', 1);
    const facts = orderFacts(o, { account: 'A' }, [promo], noPrices, key);
    const f = buildFeatures(o, facts, await store.observe(facts.observation));
    expect(Object.keys(f).sort()).toEqual([...FEATURE_NAMES].sort());
    for (const d of FEATURE_SCHEMA) {
      const v = f[d.name];
      const type =
        typeof v === 'bigint'
          ? 'int'
          : typeof v === 'number'
            ? 'double'
            : typeof v === 'boolean'
              ? 'bool'
              : 'list<string>';
      expect(type, d.name).toBe(d.type);
    }
  });
});

describe('orderFacts and buildFeatures', () => {
  it('never hands the store a phone, address, IP, device or account in the clear', () => {
    const facts = orderFacts(
      order('O1', 1),
      { account: 'A-77', device: 'dev-9', ip: '198.51.100.4', paymentFingerprint: 'card-1' },
      [promo],
      noPrices,
      key,
    );
    const text = JSON.stringify(facts.observation);
    for (const plain of ['A-77', 'dev-9', '198.51.100', 'card-1', '13812345678', '世纪大道'])
      expect(text).not.toContain(plain);
    // Spelling differences of the same phone and address give the same pseudonym.
    const other = orderFacts(
      order('O2', 1, {
        receiver: {
          name: '王五',
          phone: '+86 13812345678',
          province: '上海市',
          city: '上海市',
          district: '浦东新区',
          street: '世纪大道1号',
        },
      }),
      { account: 'A-77' },
      [promo],
      noPrices,
      key,
    );
    expect(other.observation.keys.phone).toBe(facts.observation.keys.phone);
    expect(other.observation.keys.address).toBe(facts.observation.keys.address);
  });

  it('counts promotion units, caps, coupon spend and the budget left', async () => {
    const store = new MemoryRiskState();
    const ctx = {
      account: 'A',
      accountCreatedAt: '2026-11-09T00:00:00+08:00',
      device: 'd1',
      coupon: 'NEW20',
    };
    const first = order('O1', 1, { items: [{ sku: 'PH', name: 'phone', price: 3000, qty: 2 }], total: 5980 });
    const f1facts = orderFacts(first, ctx, [promo], noPrices, key);
    const f1 = buildFeatures(first, f1facts, await store.observe(f1facts.observation));
    expect(f1).toMatchObject({
      in_promo: true,
      promo_qty: 2n,
      promo_account_qty: 2n,
      promo_over_account_cap: false,
      promo_stock_left: 8n,
      has_coupon: true,
      coupon_known: true,
      coupon_amount: 20,
      coupon_budget_left: 80,
      coupon_cluster_orders: 1n,
      coupon_over_cluster_cap: false,
      account_age_days: (2 * 86_400 + 60) / 86_400,
      hour_local: 0n,
      min_price_ratio: 0.75,
      price_error: false,
    });
    const second = order('O2', 2, {
      items: [{ sku: 'PH', name: 'phone', price: 3000, qty: 1 }],
      total: 2980,
    });
    const f2facts = orderFacts(second, ctx, [promo], noPrices, key);
    const f2 = buildFeatures(second, f2facts, await store.observe(f2facts.observation));
    expect(f2).toMatchObject({
      promo_account_qty: 3n,
      promo_over_account_cap: true,
      coupon_cluster_orders: 2n,
      coupon_over_cluster_cap: true,
      account_orders_1m: 1n,
      account_orders_1h: 2n,
      device_orders_1h: 2n,
      repeat: false,
    });
  });

  it('flags an item far under its list price as a price error, in or out of a promotion', async () => {
    const store = new MemoryRiskState();
    const tv = order('O1', 5, { items: [{ sku: 'TV', name: 'tv', price: 49.9, qty: 30 }], total: 1497 });
    const facts = orderFacts(
      tv,
      { account: 'A' },
      [promo],
      { listPrice: (s) => (s === 'TV' ? 4990 : undefined) },
      key,
    );
    const f = buildFeatures(tv, facts, await store.observe(facts.observation));
    expect(f).toMatchObject({
      in_promo: false,
      price_error: true,
      price_error_qty: 30n,
      min_price_ratio: 0.01,
    });
  });

  it('degrades to fewer features when context is missing, and says which', async () => {
    const store = new MemoryRiskState();
    const o = order('O1', 1);
    const facts = orderFacts(o, { account: 'A' }, [], noPrices, key);
    const f = buildFeatures(o, facts, await store.observe(facts.observation));
    expect(f).toMatchObject({
      has_device: false,
      has_ip: false,
      has_payment: false,
      has_account_age: false,
      account_age_days: -1,
      device_orders_1h: 0n,
      ip24_accounts_24h: 0n,
      context_missing: ['accountCreatedAt', 'device', 'ip', 'paymentFingerprint'],
    });
  });
});
