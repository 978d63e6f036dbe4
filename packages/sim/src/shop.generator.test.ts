import { describe, expect, it } from 'vitest';
import { PROVINCES } from './places.data';
import {
  couponDiscountFen,
  DEFAULT_START_ISO,
  formatChinaTime,
  generateCustomers,
  generateOrders,
  generateShop,
  SyntheticShop,
} from './shop.generator';
import { ORDER_STATUSES, type Order, type OrderStatus } from './shop.types';

const MOBILE = /^1[3-9]\d{9}$/;
const CHINA_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The recursive ISO 7064 MOD 11-2 form, independent of the generator's weight-table version. */
function checkChar(first17: string): string {
  let p = 0;
  for (const char of first17) p = ((p + Number(char)) * 2) % 11;
  const check = (12 - p) % 11;
  return check === 10 ? 'X' : String(check);
}

function isRealDate(yyyymmdd: string): boolean {
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

/** Money as integer fen, failing the test if the value has more than two decimals. */
function fen(yuan: number): number {
  const cents = Math.round(yuan * 100);
  expect(Math.abs(cents - yuan * 100)).toBeLessThan(1e-6);
  return cents;
}

/** Plain digits of a phone as written in any of the generator's spellings. */
function phoneDigits(phone: string): string {
  return phone.replace(/^\+86/, '').replace(/[\s-]/g, '');
}

const shop = generateShop({ customers: 3_000, seed: 'test-shop' });
const customersById = new Map(shop.customers.map((c) => [c.id, c]));
const gazetteer = new Set(
  PROVINCES.flatMap((p) => p.cities.flatMap((c) => c.districts.map((d) => `${p.name}/${c.name}/${d.name}`))),
);

describe('generateShop: determinism', () => {
  it('gives the same shop for the same seed', () => {
    expect(generateShop({ customers: 3_000, seed: 'test-shop' })).toEqual(shop);
  });

  it('gives a different shop for a different seed', () => {
    const other = generateShop({ customers: 3_000, seed: 'test-shop-2' });
    const same = other.customers.filter((c, i) => c.phone === shop.customers[i]?.phone);
    expect(same).toHaveLength(0);
    expect(other.orders.map((o) => o.total)).not.toEqual(shop.orders.map((o) => o.total));
  });

  it('treats seed 42 and "42" alike', () => {
    expect(generateShop({ customers: 20, seed: 42 })).toEqual(generateShop({ customers: 20, seed: '42' }));
  });

  it('changes only phone spellings when messy formats are on', () => {
    const messy = generateShop({ customers: 3_000, seed: 'test-shop', messyFormats: true });
    const unmessy = (orders: Order[]) =>
      orders.map((o) => ({ ...o, receiver: { ...o.receiver, phone: phoneDigits(o.receiver.phone) } }));
    expect(messy.customers.map((c) => ({ ...c, phone: phoneDigits(c.phone) }))).toEqual(shop.customers);
    expect(unmessy(messy.orders)).toEqual(shop.orders);
  });
});

describe('generateShop: customers', () => {
  it('has the requested count with sequential ids', () => {
    expect(shop.customers).toHaveLength(3_000);
    shop.customers.forEach((c, i) => {
      expect(c.id).toBe(`C${String(i + 1).padStart(6, '0')}`);
    });
  });

  it('has only the interchange fields, in order, without undefined values', () => {
    for (const c of shop.customers) {
      const keys = Object.keys(c);
      expect(keys.filter((k) => !['email', 'idNumber'].includes(k))).toEqual([
        'id',
        'name',
        'phone',
        'createdAt',
      ]);
      for (const value of Object.values(c)) expect(value).toBeTypeOf('string');
    }
  });

  it('gives every customer a valid, unique plain mobile number', () => {
    for (const c of shop.customers) expect(c.phone).toMatch(MOBILE);
    expect(new Set(shop.customers.map((c) => c.phone)).size).toBe(shop.customers.length);
  });

  it('gives about 40 % an e-mail address and about 30 % an ID number', () => {
    const emails = shop.customers.filter((c) => c.email !== undefined);
    const ids = shop.customers.filter((c) => c.idNumber !== undefined);
    expect(emails.length / 3_000).toBeGreaterThan(0.35);
    expect(emails.length / 3_000).toBeLessThan(0.45);
    expect(ids.length / 3_000).toBeGreaterThan(0.25);
    expect(ids.length / 3_000).toBeLessThan(0.35);
    for (const c of emails) expect(c.email).toMatch(/^[a-z0-9][a-z0-9._]*[a-z0-9]@[a-z0-9.]+\.[a-z]{2,}$/);
  });

  it('writes ID numbers with a real region, an adult birth date and a correct check character', () => {
    const regions = new Set(
      PROVINCES.flatMap((p) => p.cities.flatMap((c) => c.districts.map((d) => d.code))),
    );
    for (const c of shop.customers) {
      if (c.idNumber === undefined) continue;
      expect(c.idNumber).toMatch(/^\d{17}[\dX]$/);
      expect(c.idNumber.charAt(17)).toBe(checkChar(c.idNumber.slice(0, 17)));
      expect(regions.has(c.idNumber.slice(0, 6))).toBe(true);
      const birth = c.idNumber.slice(6, 14);
      expect(isRealDate(birth)).toBe(true);
      const ageAtSignup =
        (Date.parse(c.createdAt) - Date.parse(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-01`)) / (365 * DAY);
      expect(ageAtSignup).toBeGreaterThan(17.5);
      expect(ageAtSignup).toBeLessThan(74);
    }
  });

  it('signs customers up in id order, to the second, in China time, before the window ends', () => {
    const end = Date.parse(DEFAULT_START_ISO) + 90 * DAY;
    let previous = Number.NEGATIVE_INFINITY;
    for (const c of shop.customers) {
      expect(c.createdAt).toMatch(CHINA_TIME);
      const time = Date.parse(c.createdAt);
      expect(time).toBeGreaterThanOrEqual(previous);
      expect(time).toBeLessThan(end);
      previous = time;
    }
  });

  it('includes the rare name shapes: compound surnames, names with ·, Latin names', () => {
    const big = [...generateCustomers({ customers: 30_000, seed: 'names', ordersPerCustomer: 0 })];
    expect(big.some((c) => c.name.includes('·'))).toBe(true);
    expect(big.some((c) => /^[A-Z]/.test(c.name))).toBe(true);
    expect(big.some((c) => /^(欧阳|司马|诸葛|上官|东方|司徒|夏侯|皇甫)/u.test(c.name))).toBe(true);
    expect(big.filter((c) => /^\p{Script=Han}{2,3}$/u.test(c.name)).length / big.length).toBeGreaterThan(
      0.98,
    );
  });
});

describe('generateShop: orders', () => {
  it('has round(customers × mean) orders with sequential ids, in time order', () => {
    expect(shop.orders).toHaveLength(7_500);
    let previous = '';
    shop.orders.forEach((o, i) => {
      expect(o.id).toBe(`O${String(i + 1).padStart(8, '0')}`);
      expect(o.createdAt).toMatch(CHINA_TIME);
      expect(o.createdAt >= previous).toBe(true);
      previous = o.createdAt;
    });
    expect(generateShop({ customers: 10, seed: 's', ordersPerCustomer: 1.26 }).orders).toHaveLength(13);
    expect(generateShop({ customers: 10, seed: 's', ordersPerCustomer: 0 }).orders).toHaveLength(0);
    expect(generateShop({ customers: 0, seed: 's' })).toEqual({ customers: [], orders: [] });
  });

  it('places every order inside the window, by an existing customer who had already signed up', () => {
    const start = Date.parse(DEFAULT_START_ISO);
    for (const o of shop.orders) {
      const customer = customersById.get(o.customerId);
      expect(customer).toBeDefined();
      const time = Date.parse(o.createdAt);
      expect(time).toBeGreaterThanOrEqual(start);
      expect(time).toBeLessThan(start + 90 * DAY);
      expect(time).toBeGreaterThanOrEqual(Date.parse(customer?.createdAt ?? ''));
    }
  });

  it('keeps totals consistent: two decimals, sum of price × qty minus the coupon, never negative', () => {
    for (const o of shop.orders) {
      expect(o.items.length).toBeGreaterThan(0);
      let itemsFen = 0;
      for (const item of o.items) {
        expect(Number.isInteger(item.qty) && item.qty > 0).toBe(true);
        itemsFen += fen(item.price) * item.qty;
      }
      const discount = o.coupon === undefined ? 0 : couponDiscountFen(o.coupon, itemsFen);
      if (o.coupon !== undefined) expect(discount).toBeGreaterThan(0);
      expect(fen(o.total)).toBe(itemsFen - discount);
      expect(o.total).toBeGreaterThanOrEqual(0);
    }
    expect(shop.orders.some((o) => o.coupon !== undefined)).toBe(true);
    expect(shop.orders.some((o) => o.promo !== undefined)).toBe(true);
  });

  it('sends most parcels to the customer, and every receiver is complete and in the gazetteer', () => {
    let self = 0;
    for (const o of shop.orders) {
      const r = o.receiver;
      expect(Object.keys(r)).toEqual(['name', 'phone', 'province', 'city', 'district', 'street']);
      expect(r.phone).toMatch(MOBILE);
      expect(r.name.length).toBeGreaterThan(1);
      expect(r.street.length).toBeGreaterThan(5);
      expect(gazetteer.has(`${r.province}/${r.city}/${r.district}`)).toBe(true);
      const customer = customersById.get(o.customerId);
      if (customer?.name === r.name && customer.phone === r.phone) self += 1;
    }
    expect(self / shop.orders.length).toBeGreaterThan(0.8);
    expect(self / shop.orders.length).toBeLessThan(0.95);
  });

  it('fills channel, device, IPv4 and (for paid orders) a payment fingerprint', () => {
    for (const o of shop.orders) {
      expect(['app', 'web', 'mini-program']).toContain(o.channel);
      expect(o.device).toMatch(/^(ios|and|wx|web)-/);
      const octets = (o.ip ?? '').split('.').map(Number);
      expect(octets).toHaveLength(4);
      for (const octet of octets) expect(Number.isInteger(octet) && octet >= 0 && octet <= 255).toBe(true);
      if (o.status === 'created') expect(o.paymentFingerprint).toBeUndefined();
      if (['paid', 'shipped', 'delivered', 'refunded'].includes(o.status)) {
        expect(o.paymentFingerprint).toMatch(/^(alipay|wxpay|card):[0-9a-f]{24}$/);
      }
    }
  });

  it('sets statuses by age: fresh orders are unpaid or paid, old ones have arrived, been cancelled or refunded', () => {
    const end = Date.parse(DEFAULT_START_ISO) + 90 * DAY;
    const seen = new Set<OrderStatus>();
    for (const o of shop.orders) {
      expect(ORDER_STATUSES).toContain(o.status);
      seen.add(o.status);
      const age = end - Date.parse(o.createdAt);
      if (age < HOUR / 2) expect(['created', 'paid', 'cancelled']).toContain(o.status);
      if (age > 15 * DAY) expect(['delivered', 'cancelled', 'refunded']).toContain(o.status);
      if (o.status === 'created') expect(age).toBeLessThan(DAY);
    }
    expect(seen.has('delivered') && seen.has('cancelled') && seen.has('refunded')).toBe(true);
    const delivered = shop.orders.filter((o) => o.status === 'delivered').length;
    expect(delivered / shop.orders.length).toBeGreaterThan(0.6);
  });

  it('follows the promotion calendar: Double 11 is far busier than an ordinary day', () => {
    const perDay = new Map<string, number>();
    for (const o of shop.orders)
      perDay.set(o.createdAt.slice(0, 10), (perDay.get(o.createdAt.slice(0, 10)) ?? 0) + 1);
    const average = shop.orders.length / 90;
    expect(perDay.get('2025-11-11') ?? 0).toBeGreaterThan(2.5 * average);
    expect(shop.orders.filter((o) => o.promo === 'double11-2025').length).toBeGreaterThan(0);
  });

  it('honours start and days', () => {
    const start = new Date('2026-03-01T00:00:00+08:00');
    const small = generateShop({ customers: 200, seed: 'window', start, days: 10 });
    for (const o of small.orders) {
      const time = Date.parse(o.createdAt);
      expect(time).toBeGreaterThanOrEqual(start.getTime());
      expect(time).toBeLessThan(start.getTime() + 10 * DAY);
    }
    expect(small.orders.some((o) => o.promo === 'womens-day-2026')).toBe(true);
  });
});

describe('streaming', () => {
  it('streams the same customers and orders as generateShop', () => {
    expect([...generateCustomers({ customers: 3_000, seed: 'test-shop' })]).toEqual(shop.customers);
    expect([...generateOrders({ customers: 3_000, seed: 'test-shop' })]).toEqual(shop.orders);
  });

  it('exposes profiles that match the streamed customers', () => {
    const model = new SyntheticShop({ customers: 3_000, seed: 'test-shop' });
    expect(model.customerCount).toBe(3_000);
    expect(model.orderCount).toBe(7_500);
    for (const index of [0, 1, 1_499, 2_999]) {
      const profile = model.profile(index);
      expect(profile.customer).toEqual(shop.customers[index]);
      expect(profile.phone).toBe(shop.customers[index]?.phone);
      expect(profile.addresses.length).toBeGreaterThanOrEqual(1);
      expect(profile.addresses.length).toBeLessThanOrEqual(3);
      expect(profile.activity).toBeGreaterThan(0);
      if (profile.customer.idNumber !== undefined) {
        expect(profile.customer.idNumber.slice(6, 14)).toBe(profile.birthDate.replaceAll('-', ''));
      }
    }
    expect(() => model.profile(3_000)).toThrow(RangeError);
    expect(() => model.profile(-1)).toThrow(RangeError);
  });

  it('streams 100,000 orders without holding them, in order and consistent', () => {
    let count = 0;
    let previous = '';
    const customers = 40_000;
    for (const o of generateOrders({ customers, seed: 'stream' })) {
      count += 1;
      if (o.createdAt < previous) throw new Error(`order ${o.id} is out of time order`);
      if (!MOBILE.test(o.receiver.phone)) throw new Error(`order ${o.id} has an invalid receiver phone`);
      previous = o.createdAt;
    }
    expect(count).toBe(100_000);
  });
});

describe('options and helpers', () => {
  it('refuses bad options with a RangeError naming the option', () => {
    expect(() => generateShop({ customers: -1, seed: 1 })).toThrow(/customers/);
    expect(() => generateShop({ customers: 1.5, seed: 1 })).toThrow(/customers/);
    expect(() => generateShop({ customers: 10, seed: 1, ordersPerCustomer: Number.NaN })).toThrow(
      /ordersPerCustomer/,
    );
    expect(() => generateShop({ customers: 10, seed: 1, ordersPerCustomer: -1 })).toThrow(
      /ordersPerCustomer/,
    );
    expect(() => generateShop({ customers: 10, seed: 1, days: 0 })).toThrow(/days/);
    expect(() => generateShop({ customers: 10, seed: 1, start: new Date('nope') })).toThrow(/start/);
    expect(() => generateShop({ customers: 10, seed: Number.NaN })).toThrow(RangeError);
  });

  it('formats China time to the second', () => {
    expect(formatChinaTime(Date.parse('2025-11-10T16:00:05.999Z'))).toBe('2025-11-11T00:00:05+08:00');
    expect(formatChinaTime(Date.parse('2025-12-31T15:59:59Z'))).toBe('2025-12-31T23:59:59+08:00');
  });

  it('computes coupon discounts: threshold met, capped at the item sum, unknown codes give nothing', () => {
    expect(couponDiscountFen('MJ199-20', 19_900)).toBe(2_000);
    expect(couponDiscountFen('MJ199-20', 19_899)).toBe(0);
    expect(couponDiscountFen('VIP20', 1_490)).toBe(1_490);
    expect(couponDiscountFen('NOPE', 100_000)).toBe(0);
  });
});
