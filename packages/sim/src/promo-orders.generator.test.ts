import { createHash } from 'node:crypto';
import { parseOrder, promotionSchema, riskContextSchema } from '@cordon/core';
import { describe, expect, it } from 'vitest';
import { PRODUCTS } from './promo-orders.catalog';
import { DEFAULT_PROMO_START, generatePromoOrders } from './promo-orders.generator';
import { PROMO_PATTERNS, type PromoOrderLine, type PromoPattern } from './promo-orders.types';

const ORDERS = 20_000;
const generated = generatePromoOrders({ orders: ORDERS, seed: 'promo-test' });
const lines: PromoOrderLine[] = [...generated.stream];
const byPattern = new Map<PromoPattern, PromoOrderLine[]>(PROMO_PATTERNS.map((p) => [p, []]));
for (const line of lines) byPattern.get(line.truth.pattern)?.push(line);
const of = (pattern: PromoPattern): PromoOrderLine[] => byPattern.get(pattern) ?? [];

const DAY = 86_400_000;
const MIDNIGHT = Date.parse('2026-11-11T00:00:00+08:00');
const ms = (iso: string | undefined): number => Date.parse(iso ?? '');
const ageDays = (l: PromoOrderLine): number => (ms(l.order.createdAt) - ms(l.context.accountCreatedAt)) / DAY;
const fen = (yuan: number): number => Math.round(yuan * 100);
const itemsFen = (l: PromoOrderLine): number => l.order.items.reduce((s, i) => s + fen(i.price) * i.qty, 0);
const listFen = new Map(PRODUCTS.map((p) => [p.sku, p.listPriceFen]));

/** Groups values of `key` by `group`, as sets. */
function distinct(
  rows: readonly PromoOrderLine[],
  group: (l: PromoOrderLine) => string | undefined,
  key: (l: PromoOrderLine) => string | undefined,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const l of rows) {
    const g = group(l);
    const k = key(l);
    if (g === undefined || k === undefined) continue;
    let set = out.get(g);
    if (set === undefined) {
      set = new Set();
      out.set(g, set);
    }
    set.add(k);
  }
  return out;
}

const sizes = (m: Map<string, Set<string>>): number[] => [...m.values()].map((s) => s.size);
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ip24 = (ip: string | undefined): string | undefined => ip?.split('.').slice(0, 3).join('.');
const phoneUnits = (l: PromoOrderLine): number =>
  l.order.items.filter((i) => i.sku === 'EL-1007' || i.sku === 'EL-1008').reduce((s, i) => s + i.qty, 0);

describe('generatePromoOrders: records', () => {
  it('produces promotions, list prices and orders that core accepts', () => {
    expect(generated.promotions.map((p) => p.id)).toEqual(['P-D11-PHONE', 'P-D11-GROCERY', 'P-D11-MAIN']);
    for (const p of generated.promotions) promotionSchema.parse(p);
    expect(generated.promotions[0]?.caps).toEqual({ perAccount: 2, perCluster: 4, perAddress: 4 });
    expect(generated.promotions[1]?.coupon?.codes).toEqual(['D11NEW20', 'D11MJ199-30']);
    expect(generated.listPrices).toHaveLength(PRODUCTS.length);
    expect(generated.listPrices.find((p) => p.sku === 'EL-1007')).toEqual({
      sku: 'EL-1007',
      listPrice: 1999,
    });
    expect(lines).toHaveLength(ORDERS);
    lines.forEach((l, index) => {
      parseOrder(l.order, { line: index + 1 });
      riskContextSchema.parse(l.context);
    });
  });

  it('writes ids D + 9 digits in time order, times in China time, accounts older than their orders', () => {
    let previous = '';
    lines.forEach((l, index) => {
      expect(l.order.id).toBe(`D${String(index + 1).padStart(9, '0')}`);
      expect(l.order.createdAt).toMatch(/^2026-11-1[01]T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
      expect(l.order.createdAt >= previous).toBe(true);
      previous = l.order.createdAt;
      expect(ms(l.context.accountCreatedAt)).toBeLessThanOrEqual(ms(l.order.createdAt));
    });
    expect((lines[0]?.order.createdAt ?? '') >= '2026-11-10T20:00:00.000+08:00').toBe(true);
    expect(previous < '2026-11-12T00:00:00.000+08:00').toBe(true);
  });

  it('mirrors the context on the order and keeps money exact', () => {
    for (const l of lines) {
      const { order, context } = l;
      expect(order.customerId).toBe(context.account);
      expect(order.device).toBe(context.device);
      expect(order.ip).toBe(context.ip);
      expect(order.paymentFingerprint).toBe(context.paymentFingerprint);
      expect(order.coupon).toBe(context.coupon);
      expect(order.promo).toBe(context.promo);
      expect(order.status).toBe(context.paymentFingerprint === undefined ? 'created' : 'paid');
      const sum = itemsFen(l);
      const total = fen(order.total);
      expect(Math.abs(total - order.total * 100)).toBeLessThan(1e-6);
      expect(total).toBeLessThanOrEqual(sum);
      if (order.coupon === undefined) expect(total).toBe(sum);
      if (order.coupon === 'D11NEW20') expect(total).toBe(sum - 2_000);
      if (order.coupon === 'D11MJ199-30') expect(total).toBe(sum - 3_000);
    }
  });
});

describe('generatePromoOrders: shape of the stream', () => {
  it('has exact pattern counts and the requested abuse share', () => {
    const expected: Record<PromoPattern, number> = {
      honest: 17_000,
      office_bulk: 400,
      family_device: 600,
      campus: 800,
      scalper: 360,
      farming: 384,
      price_error: 120,
      coupon_abuse: 336,
    };
    for (const p of PROMO_PATTERNS) {
      expect(of(p)).toHaveLength(expected[p]);
      expect(generated.truth.patterns[p].orders).toBe(expected[p]);
    }
    expect(generated.truth.abusive).toBe(1_200);
    expect(lines.filter((l) => l.truth.abusive)).toHaveLength(1_200);
    for (const l of lines) expect(l.truth.abusive).toBe(generated.truth.patterns[l.truth.pattern].abusive);
    expect(generated.truth.options).toEqual({
      orders: ORDERS,
      start: '2026-11-10T20:00:00+08:00',
      hours: 28,
      abuseShare: 0.06,
    });
  });

  it('peaks at midnight: about 40 % of orders in the first hour of 11 November', () => {
    const rush = lines.filter((l) => l.order.createdAt.startsWith('2026-11-11T00')).length / ORDERS;
    expect(rush).toBeGreaterThan(0.35);
    expect(rush).toBeLessThan(0.46);
    const firstTen = lines.filter((l) => l.order.createdAt < '2026-11-11T00:10').length;
    const evening = lines.filter((l) => l.order.createdAt < '2026-11-11T00:00').length;
    expect(evening / ORDERS).toBeGreaterThan(0.08);
    expect((firstTen - evening) / ORDERS).toBeGreaterThan(0.15);
  });

  it('is byte-identical for the same seed, on every iteration, and differs for another seed', () => {
    const digest = (stream: Iterable<PromoOrderLine>) => {
      const hash = createHash('sha256');
      for (const l of stream) hash.update(`${JSON.stringify(l)}\n`);
      return hash.digest('hex');
    };
    const again = generatePromoOrders({ orders: ORDERS, seed: 'promo-test' });
    const first = digest(lines);
    expect(digest(again.stream)).toBe(first);
    expect(digest(again.stream)).toBe(first);
    expect(JSON.stringify(again.promotions)).toBe(JSON.stringify(generated.promotions));
    expect(again.truth).toEqual(generated.truth);
    expect(digest(generatePromoOrders({ orders: ORDERS, seed: 'promo-test-2' }).stream)).not.toBe(first);
  });

  it('refuses bad options with a RangeError naming the option', () => {
    expect(() => generatePromoOrders({ orders: 0, seed: 's' })).toThrow(/^orders/);
    expect(() => generatePromoOrders({ orders: 5_000_001, seed: 's' })).toThrow(/^orders/);
    expect(() => generatePromoOrders({ orders: 10, seed: 's', start: '2026-11-10' })).toThrow(/^start/);
    expect(() => generatePromoOrders({ orders: 10, seed: 's', hours: 0 })).toThrow(/^hours/);
    expect(() => generatePromoOrders({ orders: 10, seed: 's', abuseShare: 0.9 })).toThrow(/^abuseShare/);
    expect(DEFAULT_PROMO_START).toBe('2026-11-10T20:00:00+08:00');
  });

  it('handles tiny streams and other windows', () => {
    const tiny = [...generatePromoOrders({ orders: 7, seed: 't', abuseShare: 0.5 }).stream];
    expect(tiny).toHaveLength(7);
    const day = generatePromoOrders({ orders: 500, seed: 't', start: '2026-11-11T00:00:00+08:00', hours: 6 });
    const all = [...day.stream];
    expect(all).toHaveLength(500);
    for (const l of all) {
      parseOrder(l.order);
      expect(l.order.createdAt < '2026-11-11T06:00').toBe(true);
    }
    expect(day.truth.midnight).toBe('2026-11-11T00:00:00+08:00');
  });
});

describe('generatePromoOrders: abusive rings', () => {
  it('scalpers: new accounts sharing devices, few payments and addresses, phones at the cap at midnight', () => {
    const rows = of('scalper');
    for (const l of rows) expect(ageDays(l)).toBeLessThan(10.5);
    const perDevice = sizes(
      distinct(
        rows,
        (l) => l.context.device,
        (l) => l.context.account,
      ),
    );
    expect(median(perDevice)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...perDevice)).toBeLessThanOrEqual(12);
    const ring = (l: PromoOrderLine) => l.truth.actor;
    expect(Math.max(...sizes(distinct(rows, ring, (l) => l.context.paymentFingerprint)))).toBeLessThanOrEqual(
      3,
    );
    expect(Math.max(...sizes(distinct(rows, ring, (l) => l.order.receiver.street)))).toBeLessThanOrEqual(4);
    expect(Math.max(...sizes(distinct(rows, ring, (l) => ip24(l.context.ip))))).toBeLessThanOrEqual(3);
    const accounts = sizes(distinct(rows, ring, (l) => l.context.account));
    expect(Math.max(...accounts)).toBeLessThanOrEqual(60);
    expect(median(accounts)).toBeGreaterThanOrEqual(10);
    // Per account at most the cap of 2 phones; most phone orders within the first hour.
    const units = new Map<string, number>();
    for (const l of rows) units.set(l.context.account, (units.get(l.context.account) ?? 0) + phoneUnits(l));
    expect(Math.max(...units.values())).toBe(2);
    const phoneOrders = rows.filter((l) => phoneUnits(l) > 0);
    expect(phoneOrders.length / rows.length).toBeGreaterThan(0.8);
    const early = phoneOrders.filter((l) => ms(l.order.createdAt) - MIDNIGHT < 3_600_000);
    expect(early.length / phoneOrders.length).toBeGreaterThan(0.9);
    for (const l of phoneOrders) expect(l.context.promo).toBe('P-D11-PHONE');
  });

  it('farming: one cheap non-promo SKU per ring, qty 1, from few devices and one /24', () => {
    const rows = of('farming');
    for (const l of rows) {
      expect(l.order.items).toHaveLength(1);
      expect(l.order.items[0]?.qty).toBe(1);
      expect(l.order.total).toBeLessThan(40);
      expect(l.context.promo).toBeUndefined();
      expect(ageDays(l)).toBeGreaterThanOrEqual(3);
    }
    const ring = (l: PromoOrderLine) => l.truth.actor;
    expect(Math.max(...sizes(distinct(rows, ring, (l) => l.order.items[0]?.sku)))).toBe(1);
    expect(Math.max(...sizes(distinct(rows, ring, (l) => l.context.device)))).toBeLessThanOrEqual(3);
    const orders = sizes(distinct(rows, ring, (l) => l.order.id));
    expect(median(orders)).toBeGreaterThanOrEqual(20);
  });

  it('price errors: 1–10 % of list inside a 40-minute window, mostly bulk', () => {
    const pe = generated.truth.priceError;
    expect(ms(pe.to) - ms(pe.from)).toBe(40 * 60_000);
    const rows = of('price_error');
    for (const l of rows) {
      const item = l.order.items[0];
      expect(item?.sku).toBe(pe.sku);
      const ratio = fen(item?.price ?? 0) / (listFen.get(pe.sku) ?? 1);
      expect(ratio).toBeGreaterThanOrEqual(0.0099);
      expect(ratio).toBeLessThanOrEqual(0.1001);
      expect(ms(l.order.createdAt)).toBeGreaterThanOrEqual(ms(pe.from));
      expect(ms(l.order.createdAt)).toBeLessThan(ms(pe.to));
    }
    const bulk = rows.filter((l) => (l.order.items[0]?.qty ?? 0) >= 10).length;
    expect(bulk / rows.length).toBeGreaterThan(0.75);
    const aged = rows.filter((l) => ageDays(l) > 90).length / rows.length;
    expect(aged).toBeGreaterThan(0.2);
    expect(aged).toBeLessThan(0.6);
  });

  it('coupon abuse: new accounts redeeming the new-user coupon once on tiny baskets, linked in rings', () => {
    const rows = of('coupon_abuse');
    const accounts = new Set<string>();
    for (const l of rows) {
      expect(l.context.coupon).toBe('D11NEW20');
      expect(ageDays(l)).toBeLessThanOrEqual(5);
      expect(itemsFen(l)).toBeGreaterThanOrEqual(3_900);
      expect(itemsFen(l)).toBeLessThanOrEqual(5_100);
      expect(accounts.has(l.context.account)).toBe(false);
      accounts.add(l.context.account);
    }
    // Every ring shares something across accounts: a device, a payment, a receiver phone or an address.
    const rings = distinct(
      rows,
      (l) => l.truth.actor,
      (l) => l.order.id,
    );
    for (const ring of rings.keys()) {
      const mine = rows.filter((l) => l.truth.actor === ring);
      if (mine.length < 4) continue;
      const most = (key: (l: PromoOrderLine) => string | undefined) =>
        Math.max(...sizes(distinct(mine, key, (l) => l.context.account)));
      expect(most((l) => l.order.receiver.street)).toBeGreaterThanOrEqual(2);
    }
    const linkedByDevice = sizes(
      distinct(
        rows,
        (l) => l.context.device,
        (l) => l.context.account,
      ),
    );
    expect(Math.max(...linkedByDevice)).toBeGreaterThanOrEqual(3);
  });
});

describe('generatePromoOrders: hard honest cases', () => {
  it('office bulk: aged accounts, large quantities of non-promo items to one office address', () => {
    const rows = of('office_bulk');
    for (const l of rows) expect(ageDays(l)).toBeGreaterThanOrEqual(180);
    const bulk = rows.filter((l) => l.order.items.some((i) => i.qty >= 20));
    expect(bulk.length).toBeGreaterThan(20);
    for (const l of bulk) {
      for (const item of l.order.items) expect(fen(item.price)).toBe(listFen.get(item.sku));
      expect(l.context.promo).toBeUndefined();
    }
    const perOffice = distinct(
      rows,
      (l) => l.truth.actor,
      (l) => l.context.account,
    );
    const perAddress = sizes(
      distinct(
        rows,
        (l) => l.order.receiver.street,
        (l) => l.context.account,
      ),
    );
    expect(Math.max(...perAddress)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...sizes(perOffice))).toBeLessThanOrEqual(40);
    // Own devices: one account per device.
    expect(
      Math.max(
        ...sizes(
          distinct(
            rows,
            (l) => l.context.device,
            (l) => l.context.account,
          ),
        ),
      ),
    ).toBe(1);
  });

  it('families: 2–4 aged accounts per device and home, at most one phone each', () => {
    const rows = of('family_device');
    for (const l of rows) {
      expect(ageDays(l)).toBeGreaterThanOrEqual(200);
      expect(phoneUnits(l)).toBeLessThanOrEqual(1);
    }
    const perDevice = sizes(
      distinct(
        rows,
        (l) => l.context.device,
        (l) => l.context.account,
      ),
    );
    expect(Math.max(...perDevice)).toBeLessThanOrEqual(4);
    expect(median(perDevice)).toBeGreaterThanOrEqual(2);
    const units = new Map<string, number>();
    for (const l of rows) units.set(l.context.account, (units.get(l.context.account) ?? 0) + phoneUnits(l));
    expect(Math.max(...units.values())).toBeLessThanOrEqual(1);
  });

  it('campus: hundreds of aged students with own devices at a few pickup points', () => {
    const rows = of('campus');
    for (const l of rows) expect(ageDays(l)).toBeGreaterThanOrEqual(90);
    const campuses = distinct(
      rows,
      (l) => l.truth.actor,
      (l) => l.context.account,
    );
    expect(Math.max(...sizes(campuses))).toBeGreaterThanOrEqual(200);
    expect(
      Math.max(
        ...sizes(
          distinct(
            rows,
            (l) => l.truth.actor,
            (l) => l.order.receiver.street,
          ),
        ),
      ),
    ).toBeLessThanOrEqual(5);
    expect(
      Math.max(
        ...sizes(
          distinct(
            rows,
            (l) => l.context.device,
            (l) => l.context.account,
          ),
        ),
      ),
    ).toBe(1);
    const rush = rows.filter((l) => l.order.createdAt.startsWith('2026-11-11T00')).length / rows.length;
    expect(rush).toBeGreaterThan(0.3);
  });

  it('honest buyers stay within the per-account phone cap; 3 % lack a context field; most accounts are aged', () => {
    const units = new Map<string, number>();
    for (const l of lines) {
      if (l.truth.abusive) continue;
      if (ms(l.order.createdAt) < MIDNIGHT) continue;
      units.set(l.context.account, (units.get(l.context.account) ?? 0) + phoneUnits(l));
    }
    expect(Math.max(...units.values())).toBe(2);
    const honest = of('honest');
    const lacking = honest.filter(
      (l) =>
        l.context.device === undefined ||
        l.context.ip === undefined ||
        l.context.paymentFingerprint === undefined,
    ).length;
    expect(lacking / honest.length).toBeGreaterThan(0.02);
    expect(lacking / honest.length).toBeLessThan(0.04);
    const aged = honest.filter((l) => ageDays(l) > 90).length / honest.length;
    expect(aged).toBeGreaterThan(0.88);
    expect(aged).toBeLessThan(0.96);
    for (const l of lines.filter((x) => !x.truth.abusive)) expect(l.context.accountCreatedAt).toBeDefined();
  });
});
