/**
 * A Double-11 (Singles' Day) promotion order stream with labelled abuse and hard honest cases, for
 * building and backtesting the malicious-order risk engine. Deterministic from a seed, streamed in
 * time order (memory: a few typed-array entries per order for the schedule, the groups, and one
 * order at a time).
 *
 * Default window: 2026-11-10 20:00 (pre-sale opens) to 2026-11-12 00:00 China time. Traffic: an
 * evening pre-sale (20:00–24:00), a rush at 00:00 on 11 November (about 40 % of all orders in that
 * hour, most in its first minutes), a quiet night and a daytime tail with an evening bump.
 *
 * Promotions: `P-D11-PHONE` (two phones at a deep discount, small stock, caps per account 2, per
 * cluster 4, per address 4, from midnight), `P-D11-GROCERY` (groceries and cosmetics with the coupons
 * `D11NEW20` — new accounts, 20 off from 39, once — and `D11MJ199-30`; a coupon budget sized to run
 * out late on the day, 2 coupon orders per cluster) and `P-D11-MAIN` (electronics and clothing at
 * 85 %, 10 per account, price-error guard 0.5). Orders carry `promo` (the promotion of their first
 * promotion item) and `coupon`; `listPrices` are the catalog's everyday prices.
 *
 * Ids do not leak the truth: accounts are `U` + a keyed permutation of one serial space shared by
 * every pattern, orders are `D` + their position in time, devices and payment fingerprints have the
 * same formats everywhere.
 *
 * ## Patterns and the signals they show
 *
 * Abusive (`truth.abusive = true`, together `abuseShare` of the orders, default 6 %):
 *
 * - `scalper` (30 % of abuse). Rings of 10–60 accounts created 0–10 days before the window; each
 *   device (Android, `and-…`) is shared by 4–12 ring accounts, 1–3 payment fingerprints per ring,
 *   1–4 shipping addresses in one city and 2–5 receiver phones reused across the ring (receiver names
 *   vary); IPs from one or two /24s. Each account buys a promo phone at the per-account cap (60 %: one
 *   order of 2; 25 %: two orders of 1, seconds to minutes apart; 15 %: one order of 1). 70 % of rings
 *   fire within seconds of 00:00 (accounts on one device a few seconds apart), 30 % spread over the
 *   first 20–40 minutes. 15 % of accounts place a cheap non-promo warm-up order in the evening.
 *   Signals: account age < 10 days; distinct accounts per device (up to 12), per payment, per
 *   receiver phone and per address; cluster size 10–60 linked by device/payment/phone/address;
 *   promo quantity per cluster and per address far above 4; device/IP24 velocity in 1 min at the
 *   rush. Not trivial: the first order on each device looks like any new buyer's, a lone order of
 *   1 is within every per-account cap, and honest traffic is also dense on IP24s at 00:00.
 * - `farming` (32 %): order farms (刷单) of 8–30 accounts created 3–60 days before, 1–3 devices,
 *   one /24 (80 % of orders; the rest over mobile carrier NAT), 1–2 payment fingerprints, 2–3 drop
 *   addresses in random cities and 1–3 receiver phones. 1–3 sessions of 10–60 minutes at any hour,
 *   each 20–80 orders of one cheap non-promo SKU, qty 1, at list price (no coupon, no promo).
 *   Signals: velocity per device, IP24 and payment over 1 h (tens of orders; per minute only in
 *   short sessions); the same SKU repeated; many accounts per device/payment/phone; low totals;
 *   account age weeks. Not trivial: each order alone is a normal small purchase.
 * - `price_error` (10 %): one SKU of the general promotion (`truth.priceError.sku`) is priced at
 *   1–10 % of list for 40 minutes on 11 November daytime. Actors of 1–5 accounts (40 % aged 100–2000
 *   days, 60 % new 0–20 days) sharing 1–2 devices and usually one payment, placing 1–3 orders each
 *   of 10–200 units (log-uniform); half of the actors start with a test order of 1–5 units. Actors
 *   arrive more and more as word spreads through the window. Signals: price / list price under the
 *   promotion's `priceError.minRatio` (0.5); quantity; cluster by device/payment; totals far above
 *   the basket's usual value at list price. Not trivial: honest buyers in the window buying 1–2
 *   units at the wrong price are `honest` (they should be held for review, never rejected).
 * - `coupon_abuse` (28 %): rings of 20–80 accounts created 10 minutes to 5 days before their one
 *   order, each redeeming `D11NEW20` once on a tiny promo basket just above the 39-yuan threshold
 *   (39.90–50.80 before the coupon). Rings are linked by one of: shared devices (3–8 accounts per
 *   device, ring /24), shared payment fingerprints (1–3 per ring, own devices, own home or mobile IPs),
 *   shared receiver phones (1–3, own devices and payments, own home or mobile IPs), or devices + phones; all ship to
 *   1–3 drop addresses. Accounts follow each other 20 s–5 min apart (30 % of rings: 5–40 min).
 *   Signals: account age; new-user coupon count per cluster/device/payment/phone/address (coupon
 *   `perCluster` 2); coupon budget; basket value just above threshold. Not trivial: the
 *   phone-linked and payment-linked rings have own devices and spread mobile IPs, and honest new
 *   accounts use the same coupon.
 *
 * Identity clusters (accounts linked by shared device, receiver phone, address or payment) over a
 * whole 200k-order stream, seed `cordon`: honest singletons; families 2–4; offices ~25 and campuses
 * 100–300 accounts (linked by their shared address) whose newest account is months old; scalper
 * rings ~40, coupon rings ~60 and farms ~20 accounts whose newest account is days old; price-error
 * actors 1–5. That is hindsight: scored in time order, a ring's first orders meet a cluster of one.
 *
 * Honest (`truth.abusive = false`):
 *
 * - `office_bulk` (2 % of orders): offices of 5–40 colleagues with aged accounts (180–3000 days),
 *   own devices and payments, one office address and one office /24. One or two office buyers place
 *   1–3 orders of 20–100 units of office supplies (non-promo, list price) during working hours; the
 *   colleagues place 1–2 ordinary orders each (promo items within caps), 60 % during working hours
 *   from the office /24, shipping mostly to the office. Shares with abuse: many accounts per
 *   address and per IP24, high quantities. Differs: aged accounts, own devices and payments,
 *   non-promo items at list price.
 * - `family_device` (3 %): families of 2–4 aged accounts (200–3000 days) on one device and one home
 *   address, home /24, 40 % with one shared payment; each member buys promo items, at most 1 phone.
 *   Half the families order at the midnight rush, members minutes apart. Shares: accounts per
 *   device/payment/address, cluster of 2–4, promo phones at the rush. Differs: aged accounts,
 *   cluster within the per-cluster cap.
 * - `campus` (4 %): campuses of 200–900 students (accounts 90–1500 days old, own devices and
 *   payments) shipping to 2–5 pickup points (菜鸟驿站) from 2–4 campus /24s (CERNET blocks; 20 % over
 *   mobile), 1–2 orders each, 55 % at the midnight rush, promo phones within the per-account cap.
 *   Shares: hundreds of accounts per address and per IP24, promo units per address far above the
 *   per-address cap of 4, IP24 velocity at 00:00. Differs: aged accounts, no shared
 *   device/payment/phone, so the identity clusters stay small if addresses of many distinct
 *   aged accounts are not used as links.
 * - `honest`: ordinary buyers from a pool of `0.8 × orders` accounts (92 % older than 90 days, 5 %
 *   30–90, 3 % newer than 30), own device, payment, home /24 or mobile NAT (mobile carrier /24s are
 *   busy at the rush), 1–3 items, promo items within caps (phones mostly at the rush), coupons
 *   (new accounts use `D11NEW20` once), 3 % lack one of device, ip or payment fingerprint (then
 *   `status` is `created`, unpaid). Some buy the mispriced SKU in its window (1–2 units).
 */
import { generateAddress, pickCity, roadName } from './address.generator';
import { apportion } from './apportion';
import { CATALOG, CATEGORIES, type Category, COUPONS } from './catalog.data';
import { BROADBAND_BLOCKS, MOBILE_BLOCKS } from './network.data';
import { generateMobile, generateName, uniqueMobile } from './people.generator';
import { OFFICE_BUILDINGS } from './places.data';
import {
  BIG_BASKET_COUPON,
  CAMPUS_BLOCKS,
  CHEAP_SKUS,
  COUPON_BASKETS,
  COUPON_PER_CLUSTER,
  GROCERY_PROMO,
  GROCERY_SKUS,
  MAIN_PER_ACCOUNT,
  MAIN_PERCENT,
  MAIN_PROMO,
  MAIN_SKUS,
  NEW_USER_COUPON,
  OFFICE_SKUS,
  PHONE_CAPS,
  PHONE_PROMO,
  PHONE_SKUS,
  PRICE_ERROR_RATIOS,
  PRICE_ERROR_SKUS,
  PRODUCTS,
  percentOf,
  productOf,
} from './promo-orders.catalog';
import {
  ABUSIVE_PATTERNS,
  type ListPrice,
  type PatternCount,
  PROMO_PATTERNS,
  type PromoOrderLine,
  type PromoOrders,
  type PromoOrdersOptions,
  type PromoOrdersSummary,
  type PromoPattern,
  type PromoRiskContext,
  type SimPromotion,
} from './promo-orders.types';
import { hash32, IndexPermutation, Random, seedText, WeightedTable } from './random';
import { couponDiscountFen, formatChinaTime } from './shop.generator';
import type { Address, Channel, Order, OrderItem, Receiver } from './shop.types';

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CHINA_OFFSET = 8 * HOUR;
/** Slot keys are `offsetMs × 2^23 + slot`: exact in a double for 5 M slots over 168 hours. */
const SLOT_BITS = 8_388_608;

export const DEFAULT_PROMO_START = '2026-11-10T20:00:00+08:00';
export const DEFAULT_PROMO_HOURS = 28;
export const DEFAULT_ABUSE_SHARE = 0.06;
/** Bounds of the options (inclusive). */
export const PROMO_ORDER_LIMITS = {
  orders: { min: 1, max: 5_000_000 },
  hours: { min: 1, max: 168 },
  abuseShare: { min: 0, max: 0.5 },
} as const;

/** Shares of the abusive orders by pattern. */
const ABUSE_SPLIT: ReadonlyArray<readonly [PromoPattern, number]> = [
  ['scalper', 0.3],
  ['farming', 0.32],
  ['price_error', 0.1],
  ['coupon_abuse', 0.28],
];
/** Shares of all orders of the hard honest cases. */
const HARD_SHARES: ReadonlyArray<readonly [PromoPattern, number]> = [
  ['office_bulk', 0.02],
  ['family_device', 0.03],
  ['campus', 0.04],
];
const PRICE_ERROR_WINDOW = 40 * MINUTE;

/** Relative order volume by China hour outside the rush hour (00:00–01:00 of Double 11). */
const HOUR_WEIGHTS = [
  4, 3, 1.5, 0.8, 0.5, 0.5, 1, 2, 3, 4, 5, 5, 6, 5, 5, 5, 5, 5, 5, 6, 9, 10, 9, 8,
] as const;
/** Rush-hour weight per second `s` after midnight: a floor plus a decay over the first minutes. */
function rushWeight(s: number): number {
  return 25 + 432 * Math.exp(-s / 600);
}

const channelTable = new WeightedTable<Channel>(['app', 'mini-program', 'web'], [55, 30, 15]);
const lineCountTable = new WeightedTable([1, 2, 3], [60, 28, 12]);
const groceryQtyTable = new WeightedTable([1, 2, 3, 4], [60, 25, 10, 5]);
const otherQtyTable = new WeightedTable([1, 2], [92, 8]);
const paymentMethodTable = new WeightedTable(['alipay', 'wxpay', 'card'], [50, 40, 10]);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PATTERN_CODE = new Map(PROMO_PATTERNS.map((p, i) => [p, i]));

/** One buyer account. */
interface Account {
  readonly serial: number;
  readonly id: string;
  readonly createdMs: number;
  readonly name: string;
  readonly phone: string;
  readonly address: Address;
  readonly channel: Channel;
  readonly device: string;
  readonly payment: string;
  readonly homeNet: string;
  readonly interests: readonly Category[];
}

/** Account age in days before the window start: a range, or the ordinary buyer mixture. */
type AgeRange = readonly [minDays: number, maxDays: number] | 'ordinary';

interface Line {
  sku: string;
  fen: number;
  qty: number;
  promo: string | undefined;
}

interface Ring {
  readonly firstSerial: number;
  readonly size: number;
  readonly age: AgeRange;
  readonly devices: readonly string[];
  /** Device index per member; absent = each member uses its own device. */
  readonly deviceOf: readonly number[] | undefined;
  /** Shared payment fingerprints; empty = each member pays with its own. */
  readonly payments: readonly string[];
  readonly addresses: readonly Address[];
  /** Shared receiver phones; empty = each member receives under its own name and phone. */
  readonly phones: readonly string[];
  /** Shared /24s; empty = home or mobile networks. */
  readonly ip24s: readonly string[];
  /** Share of orders over the ring /24s (the rest over mobile NAT). */
  readonly ipShare: number;
  readonly sku: string;
  /** Office: the address receives most parcels; family: the shared home host. */
  readonly host: number;
}

/** Per-iteration state: what honest accounts already bought under caps. */
interface StreamState {
  readonly phonesBought: Map<number, number>;
  readonly newCouponUsed: Set<number>;
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

function uuid(random: Random): string {
  const h = random.hex(32).toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function base64url(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += BASE64URL.charAt(random.int(0, 63));
  return out;
}

function deviceFor(random: Random, channel: Channel): string {
  if (channel === 'mini-program') return `wx-o${base64url(random, 27)}`;
  if (channel === 'web') return `web-${random.hex(32)}`;
  return random.chance(0.45) ? `ios-${uuid(random)}` : `and-${random.hex(16)}`;
}

function channelOfDevice(device: string): Channel {
  if (device.startsWith('wx-')) return 'mini-program';
  if (device.startsWith('web-')) return 'web';
  return 'app';
}

function paymentFor(random: Random): string {
  return `${paymentMethodTable.pick(random)}:${random.hex(24)}`;
}

function net24(random: Random, blocks: readonly string[]): string {
  return `${random.pick(blocks)}.${random.int(0, 255)}`;
}

function mobileIp(random: Random): string {
  return `${random.pick(MOBILE_BLOCKS)}.${random.int(0, 255)}.${random.int(2, 254)}`;
}

/** An exponential draw with the given mean; one draw. */
function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random.next());
}

/** `2026-11-11T00:00:05.123+08:00`. */
function chinaTimeMs(ms: number): string {
  const seconds = formatChinaTime(ms);
  return `${seconds.slice(0, 19)}.${String(ms % SECOND).padStart(3, '0')}+08:00`;
}

function receiverAt(name: string, phone: string, address: Address): Receiver {
  return {
    name,
    phone,
    province: address.province,
    city: address.city,
    district: address.district,
    street: address.street,
  };
}

/** Validated options with defaults. */
interface Plan {
  readonly seed: string;
  readonly orders: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly start: string;
  readonly hours: number;
  readonly abuseShare: number;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function planOf(options: PromoOrdersOptions): Plan {
  const { orders } = options;
  const limits = PROMO_ORDER_LIMITS;
  if (!Number.isInteger(orders) || orders < limits.orders.min || orders > limits.orders.max) {
    throw new RangeError(`orders must be an integer from ${limits.orders.min} to ${limits.orders.max}.`);
  }
  const start = options.start ?? DEFAULT_PROMO_START;
  const parsed = ISO_WITH_OFFSET.test(start) ? Date.parse(start) : Number.NaN;
  if (!Number.isFinite(parsed)) {
    throw new RangeError(`start must be an ISO 8601 time with an offset, e.g. ${DEFAULT_PROMO_START}.`);
  }
  const hours = options.hours ?? DEFAULT_PROMO_HOURS;
  if (!Number.isInteger(hours) || hours < limits.hours.min || hours > limits.hours.max) {
    throw new RangeError(`hours must be an integer from ${limits.hours.min} to ${limits.hours.max}.`);
  }
  const abuseShare = options.abuseShare ?? DEFAULT_ABUSE_SHARE;
  if (
    !Number.isFinite(abuseShare) ||
    abuseShare < limits.abuseShare.min ||
    abuseShare > limits.abuseShare.max
  ) {
    throw new RangeError(
      `abuseShare must be a number from ${limits.abuseShare.min} to ${limits.abuseShare.max}.`,
    );
  }
  const startMs = Math.floor(parsed / SECOND) * SECOND;
  return {
    seed: seedText(options.seed),
    orders,
    startMs,
    endMs: startMs + hours * HOUR,
    start: formatChinaTime(startMs),
    hours,
    abuseShare,
  };
}

/**
 * The planned stream: every order's time, pattern, group and member, sorted by time, and the groups
 * themselves. Orders are built from their slot when the stream is iterated.
 */
class PromoStreamPlan {
  readonly plan: Plan;
  readonly midnight: number;
  readonly promoEnd: number;
  readonly counts: Record<PromoPattern, PatternCount>;
  readonly priceError: { sku: string; fen: number; from: number; to: number };
  readonly promotions: SimPromotion[];

  private readonly root: Random;
  private readonly idPermutation: IndexPermutation;
  private readonly phoneSuffixes: IndexPermutation;
  private readonly curve: Float64Array;
  private readonly keys: Float64Array;
  private readonly patterns: Uint8Array;
  private readonly actors: Int32Array;
  private readonly members: Int32Array;
  private readonly args: Int32Array;
  private filled = 0;
  private nextSerial: number;
  private readonly pool: number;
  private readonly groups: Map<PromoPattern, Ring[]> = new Map();
  private readonly promoPrice = new Map<string, { fen: number; promo: string; from: number }>();

  constructor(options: PromoOrdersOptions) {
    this.plan = planOf(options);
    const { orders, startMs, endMs, seed } = this.plan;
    this.root = new Random(seed);
    this.idPermutation = new IndexPermutation(900_000_000, hash32(`${seed}/account-id`));
    this.phoneSuffixes = new IndexPermutation(100_000_000, hash32(`${seed}/phone`));
    // The rush opens at the first China midnight at or after the start (or at the start if none is inside).
    const midnight = Math.ceil((startMs + CHINA_OFFSET) / DAY) * DAY - CHINA_OFFSET;
    this.midnight = midnight < endMs ? midnight : startMs;
    this.promoEnd = this.midnight + DAY;
    this.curve = this.buildCurve();

    const abusive = Math.round(orders * this.plan.abuseShare);
    const abuseParts = apportion(
      abusive,
      ABUSE_SPLIT.map(([, w]) => w),
    );
    const hardParts = HARD_SHARES.map(([, share]) => Math.round(orders * share));
    const hardTotal = hardParts.reduce((a, b) => a + b, 0);
    const hardScale = hardTotal > orders - abusive ? (orders - abusive) / hardTotal : 1;
    const targets = new Map<PromoPattern, number>();
    ABUSE_SPLIT.forEach(([p], i) => {
      targets.set(p, abuseParts[i] ?? 0);
    });
    HARD_SHARES.forEach(([p], i) => {
      targets.set(p, Math.floor((hardParts[i] ?? 0) * hardScale));
    });
    let rest = orders;
    for (const n of targets.values()) rest -= n;
    targets.set('honest', rest);

    this.keys = new Float64Array(orders);
    this.patterns = new Uint8Array(orders);
    this.actors = new Int32Array(orders);
    this.members = new Int32Array(orders);
    this.args = new Int32Array(orders);
    this.pool = Math.max(1, Math.round(rest * 0.8));
    this.nextSerial = this.pool;

    const pe = this.root.fork('price-error');
    const peSku = pe.pick(PRICE_ERROR_SKUS);
    const peList = productOf(peSku).listPriceFen;
    const dayFrom = this.midnight + 9 * HOUR;
    const latest = endMs - PRICE_ERROR_WINDOW;
    const peFrom =
      dayFrom + 6 * HOUR <= latest
        ? dayFrom + pe.int(0, 6 * 60) * MINUTE
        : Math.max(startMs, startMs + Math.floor((endMs - startMs) * 0.6) - PRICE_ERROR_WINDOW / 2);
    this.priceError = {
      sku: peSku,
      fen: Math.max(1, Math.round(peList * pe.pick(PRICE_ERROR_RATIOS))),
      from: peFrom,
      to: peFrom + PRICE_ERROR_WINDOW,
    };

    for (const [sku, fen] of PHONE_SKUS)
      this.promoPrice.set(sku, { fen, promo: PHONE_PROMO, from: this.midnight });
    for (const [sku, fen] of GROCERY_SKUS)
      this.promoPrice.set(sku, { fen, promo: GROCERY_PROMO, from: startMs });
    for (const sku of MAIN_SKUS) {
      this.promoPrice.set(sku, {
        fen: percentOf(productOf(sku).listPriceFen, MAIN_PERCENT),
        promo: MAIN_PROMO,
        from: startMs,
      });
    }

    const plannedCounts = new Map<PromoPattern, number>();
    const planners: ReadonlyArray<readonly [PromoPattern, (k: number, r: Random) => Ring]> = [
      ['scalper', (k, r) => this.planScalper(k, r)],
      ['farming', (k, r) => this.planFarming(k, r)],
      ['coupon_abuse', (k, r) => this.planCouponAbuse(k, r)],
      ['price_error', (k, r) => this.planPriceError(k, r)],
      ['office_bulk', (k, r) => this.planOffice(k, r)],
      ['family_device', (k, r) => this.planFamily(k, r)],
      ['campus', (k, r) => this.planCampus(k, r)],
    ];
    for (const [pattern, planGroup] of planners) {
      const target = targets.get(pattern) ?? 0;
      const before = this.filled;
      const rings: Ring[] = [];
      this.groups.set(pattern, rings);
      while (this.filled - before < target) {
        this.limit = before + target;
        rings.push(planGroup(rings.length, this.root.fork(`plan:${pattern}:${rings.length}`)));
      }
      plannedCounts.set(pattern, this.filled - before);
    }
    const honest = this.root.fork('plan:honest');
    this.limit = orders;
    while (this.filled < orders) this.add('honest', this.curveTime(honest), -1, 0, 0);
    plannedCounts.set('honest', targets.get('honest') ?? 0);
    this.keys.sort();

    this.counts = Object.fromEntries(
      PROMO_PATTERNS.map((p) => [
        p,
        {
          orders: plannedCounts.get(p) ?? 0,
          actors: p === 'honest' ? this.pool : (this.groups.get(p)?.length ?? 0),
          abusive: ABUSIVE_PATTERNS.includes(p),
        },
      ]),
    ) as Record<PromoPattern, PatternCount>;
    this.promotions = this.buildPromotions();
  }

  /** The slot index where the group being planned must stop. */
  private limit = 0;

  /** Schedules one order; beyond the current pattern's target it is dropped (the last group is cut short). */
  private add(pattern: PromoPattern, time: number, actor: number, member: number, arg: number): void {
    if (this.filled >= this.limit) return;
    const { startMs, endMs } = this.plan;
    const at = Math.min(endMs - 1, Math.max(startMs, Math.floor(time)));
    const slot = this.filled;
    this.keys[slot] = (at - startMs) * SLOT_BITS + slot;
    this.patterns[slot] = PATTERN_CODE.get(pattern) ?? 0;
    this.actors[slot] = actor;
    this.members[slot] = member;
    this.args[slot] = arg;
    this.filled += 1;
  }

  private allocate(size: number): number {
    const first = this.nextSerial;
    this.nextSerial += size;
    return first;
  }

  /** Cumulative traffic weight per second of the window. */
  private buildCurve(): Float64Array {
    const { startMs, endMs } = this.plan;
    const seconds = (endMs - startMs) / SECOND;
    const curve = new Float64Array(seconds);
    let sum = 0;
    for (let s = 0; s < seconds; s += 1) {
      const t = startMs + s * SECOND;
      const sinceMidnight = t - this.midnight;
      let weight: number;
      if (sinceMidnight >= 0 && sinceMidnight < HOUR) weight = rushWeight(sinceMidnight / SECOND);
      else weight = HOUR_WEIGHTS[Math.floor(((t + CHINA_OFFSET) % DAY) / HOUR)] ?? 1;
      sum += weight;
      curve[s] = sum;
    }
    return curve;
  }

  /** A time drawn from the traffic curve (millisecond precision); two draws. */
  private curveTime(random: Random): number {
    const { curve } = this;
    const target = random.next() * (curve[curve.length - 1] ?? 0);
    let low = 0;
    let high = curve.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((curve[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return this.plan.startMs + low * SECOND + random.int(0, 999);
  }

  /** A time in working hours of Double-11 day when the window has them, else from the curve. */
  private workTime(random: Random): number {
    const from = this.midnight + 9 * HOUR;
    if (from >= this.plan.startMs && from + 9 * HOUR <= this.plan.endMs) {
      return from + random.int(0, 9 * 3_600 - 1) * SECOND + random.int(0, 999);
    }
    return this.curveTime(random);
  }

  /** A time at the midnight rush: `mean` ms after midnight on average, within the hour. */
  private rushTime(random: Random, mean: number): number {
    return this.midnight + Math.min(HOUR - 1, exponential(random, mean));
  }

  private ring(fields: Partial<Ring> & { size: number; age: AgeRange }): Ring {
    return {
      firstSerial: this.allocate(fields.size),
      devices: [],
      deviceOf: undefined,
      payments: [],
      addresses: [],
      phones: [],
      ip24s: [],
      ipShare: 0,
      sku: '',
      host: 0,
      ...fields,
    };
  }

  private planScalper(k: number, r: Random): Ring {
    const size = r.int(10, 60);
    const devices: string[] = [];
    const deviceOf: number[] = [];
    const position: number[] = [];
    while (deviceOf.length < size) {
      const share = r.int(4, 12);
      devices.push(`and-${r.hex(16)}`);
      for (let j = 0; j < share && deviceOf.length < size; j += 1) {
        deviceOf.push(devices.length - 1);
        position.push(j);
      }
    }
    const payments = Array.from({ length: r.int(1, 3) }, () => paymentFor(r));
    const city = pickCity(r);
    const addresses = Array.from({ length: r.int(1, 4) }, () => generateAddress(r, city));
    const phones = Array.from({ length: r.int(2, 5) }, () => generateMobile(r));
    const ip24s = Array.from({ length: r.int(1, 2) }, () => net24(r, BROADBAND_BLOCKS));
    const ring = this.ring({
      size,
      age: [0, 10],
      devices,
      deviceOf,
      payments,
      addresses,
      phones,
      ip24s,
      ipShare: 1,
      sku: r.pick(PHONE_SKUS)[0],
    });
    const fast = r.chance(0.7);
    const ringStart = this.midnight + (fast ? exponential(r, 15 * SECOND) : r.int(0, 20 * 60) * SECOND);
    const gap = (fast ? r.int(2, 20) : r.int(30, 240)) * SECOND;
    for (let m = 0; m < size; m += 1) {
      const device = deviceOf[m] ?? 0;
      const t = ringStart + (position[m] ?? 0) * gap + device * r.int(0, 3_000) + r.int(0, 999);
      const roll = r.next();
      const later = t + r.int(5, 600) * SECOND;
      const warmUp = r.chance(0.15) && this.midnight > this.plan.startMs;
      const warmAt = this.plan.startMs + r.next() * (this.midnight - this.plan.startMs);
      if (warmUp) this.add('scalper', warmAt, k, m, 2_000 + 1);
      if (roll < 0.6) this.add('scalper', t, k, m, 2);
      else if (roll < 0.85) {
        this.add('scalper', t, k, m, 1);
        this.add('scalper', later, k, m, 1_000 + 1);
      } else this.add('scalper', t, k, m, 1);
    }
    return ring;
  }

  private planFarming(k: number, r: Random): Ring {
    const size = r.int(8, 30);
    const devices = Array.from({ length: r.int(1, 3) }, () =>
      r.chance(0.8) ? `and-${r.hex(16)}` : `ios-${uuid(r)}`,
    );
    const deviceOf = Array.from({ length: size }, (_, m) => Math.floor((m * devices.length) / size));
    const ring = this.ring({
      size,
      age: [3, 60],
      devices,
      deviceOf,
      payments: Array.from({ length: r.int(1, 2) }, () => paymentFor(r)),
      addresses: Array.from({ length: r.int(2, 3) }, () => generateAddress(r)),
      phones: Array.from({ length: r.int(1, 3) }, () => generateMobile(r)),
      ip24s: [net24(r, BROADBAND_BLOCKS)],
      ipShare: 0.8,
      sku: r.pick(CHEAP_SKUS),
    });
    const sessions = r.int(1, 3);
    const { startMs, endMs } = this.plan;
    for (let s = 0; s < sessions; s += 1) {
      const duration = r.int(10, 60) * MINUTE;
      const from = startMs + r.next() * Math.max(0, endMs - startMs - duration);
      const count = r.int(20, 80);
      for (let j = 0; j < count; j += 1)
        this.add('farming', from + r.next() * duration, k, r.int(0, size - 1), 0);
    }
    return ring;
  }

  private planCouponAbuse(k: number, r: Random): Ring {
    const size = r.int(20, 80);
    const mode = r.weightedPick(['device', 'payment', 'phone', 'mixed'] as const, [35, 25, 20, 20]);
    const devices: string[] = [];
    let deviceOf: number[] | undefined;
    if (mode === 'device' || mode === 'mixed') {
      deviceOf = [];
      while (deviceOf.length < size) {
        const share = r.int(3, 8);
        const roll = r.next();
        devices.push(
          roll < 0.6 ? `and-${r.hex(16)}` : roll < 0.85 ? `ios-${uuid(r)}` : `wx-o${base64url(r, 27)}`,
        );
        for (let j = 0; j < share && deviceOf.length < size; j += 1) deviceOf.push(devices.length - 1);
      }
    }
    const shared = mode === 'device' || mode === 'mixed';
    const ring = this.ring({
      size,
      age: [0, 5],
      devices,
      deviceOf,
      payments: mode === 'payment' ? Array.from({ length: r.int(1, 3) }, () => paymentFor(r)) : [],
      addresses: Array.from({ length: r.int(1, 3) }, () => generateAddress(r)),
      phones:
        mode === 'phone' || mode === 'mixed'
          ? Array.from({ length: r.int(1, 3) }, () => generateMobile(r))
          : [],
      ip24s: shared ? Array.from({ length: r.int(1, 2) }, () => net24(r, BROADBAND_BLOCKS)) : [],
      ipShare: shared ? 0.9 : 0,
    });
    const slow = r.chance(0.3);
    const gap = slow ? r.int(5, 40) * MINUTE : r.int(20, 300) * SECOND;
    const span = gap * size;
    const { startMs, endMs } = this.plan;
    const from = startMs + r.next() * Math.max(0, endMs - startMs - span);
    for (let m = 0; m < size; m += 1)
      this.add('coupon_abuse', from + m * gap + r.next() * gap * 0.5, k, m, 0);
    return ring;
  }

  private planPriceError(k: number, r: Random): Ring {
    const size = r.int(1, 5);
    const devices = Array.from({ length: r.int(1, 2) }, () => deviceFor(r, 'app'));
    const ring = this.ring({
      size,
      age: [0, 20],
      devices,
      deviceOf: Array.from({ length: size }, (_, m) => m % devices.length),
      payments: r.chance(0.8) ? [paymentFor(r)] : [],
      addresses: Array.from({ length: r.int(1, 2) }, () => generateAddress(r)),
      ip24s: [net24(r, BROADBAND_BLOCKS)],
      ipShare: 0.85,
      sku: this.priceError.sku,
    });
    const { from, to } = this.priceError;
    const arrive = from + Math.sqrt(r.next()) * (to - from) * 0.9;
    const test = r.chance(0.5);
    for (let m = 0; m < size; m += 1) {
      const orders = r.int(1, 3);
      let t = arrive + m * r.int(20, 120) * SECOND;
      for (let j = 0; j < orders; j += 1) {
        const qty =
          test && m === 0 && j === 0
            ? r.int(1, 5)
            : clampInt(Math.exp(r.float(Math.log(10), Math.log(200))), 10, 200);
        this.add('price_error', Math.min(t, to - 1), k, m, qty);
        t += r.int(30, 300) * SECOND;
      }
    }
    return ring;
  }

  private planOffice(k: number, r: Random): Ring {
    const size = r.int(5, 40);
    const base = generateAddress(r, pickCity(r));
    const street = `${roadName(r)}${r.int(1, 299)}号${r.pick(OFFICE_BUILDINGS)}${r.int(2, 45)}层`;
    const ring = this.ring({
      size,
      age: [180, 3000],
      addresses: [{ ...base, street }],
      ip24s: [net24(r, BROADBAND_BLOCKS)],
      ipShare: 1,
      host: r.int(2, 254),
    });
    const buyers = size >= 15 ? 2 : 1;
    for (let m = 0; m < size; m += 1) {
      if (m < buyers) {
        const n = r.int(1, 3);
        for (let j = 0; j < n; j += 1) this.add('office_bulk', this.workTime(r), k, m, 1);
      }
      const n = r.int(1, 2);
      for (let j = 0; j < n; j += 1) {
        const atWork = r.chance(0.6);
        this.add('office_bulk', atWork ? this.workTime(r) : this.curveTime(r), k, m, atWork ? 2 : 0);
      }
    }
    return ring;
  }

  private planFamily(k: number, r: Random): Ring {
    const size = r.int(2, 4);
    const ring = this.ring({
      size,
      age: [200, 3000],
      devices: [deviceFor(r, r.chance(0.8) ? 'app' : 'mini-program')],
      deviceOf: Array.from({ length: size }, () => 0),
      payments: r.chance(0.4) ? [paymentFor(r)] : [],
      addresses: [generateAddress(r)],
      ip24s: [net24(r, BROADBAND_BLOCKS)],
      ipShare: 0.8,
      host: r.int(2, 254),
    });
    const atRush = r.chance(0.5);
    for (let m = 0; m < size; m += 1) {
      const n = r.int(1, 3);
      for (let j = 0; j < n; j += 1) {
        const t =
          atRush && j === 0
            ? this.midnight + m * r.int(30, 300) * SECOND + r.int(0, 60_000)
            : this.curveTime(r);
        this.add('family_device', t, k, m, 0);
      }
    }
    return ring;
  }

  private planCampus(k: number, r: Random): Ring {
    const size = r.int(200, 900);
    const city = pickCity(r);
    const school = `${city.city.name.replace(/市$/u, '')}${r.pick(['理工', '师范', '财经', '医科', '科技', '工业', '外国语', '农业'])}大学`;
    const road = roadName(r);
    const number = r.int(1, 999);
    const areas = r.shuffle(['东区', '西区', '南区', '北区', '本部', '新校区']);
    const addresses = Array.from({ length: r.int(2, 5) }, (_, i) => ({
      ...generateAddress(r, city),
      street: `${road}${number}号${school}${areas[i] ?? ''}菜鸟驿站`,
    }));
    const ring = this.ring({
      size,
      age: [90, 1500],
      addresses,
      ip24s: Array.from({ length: r.int(2, 4) }, () => net24(r, CAMPUS_BLOCKS)),
      ipShare: 0.8,
    });
    for (let m = 0; m < size; m += 1) {
      const n = r.chance(0.3) ? 2 : 1;
      for (let j = 0; j < n; j += 1) {
        const t = j === 0 && r.chance(0.55) ? this.rushTime(r, 5 * MINUTE) : this.curveTime(r);
        this.add('campus', t, k, m, 0);
      }
    }
    return ring;
  }

  private buildPromotions(): SimPromotion[] {
    const { startMs, orders } = this.plan;
    const yuan = (fen: number) => fen / 100;
    const skuOf = (sku: string, promoFen: number) => ({
      sku,
      listPrice: yuan(productOf(sku).listPriceFen),
      promoPrice: yuan(promoFen),
    });
    const couponOrders = this.counts.coupon_abuse.orders + Math.round((orders - this.abusiveCount()) * 0.03);
    const budget = Math.max(1_000, Math.round((couponOrders * 22 * 0.9) / 100) * 100);
    return [
      {
        id: PHONE_PROMO,
        name: '双11 5G手机限量秒杀',
        startsAt: formatChinaTime(this.midnight),
        endsAt: formatChinaTime(this.promoEnd),
        skus: PHONE_SKUS.map(([sku, fen]) => skuOf(sku, fen)),
        stock: Math.max(50, Math.round(orders * 0.006)),
        caps: { ...PHONE_CAPS },
        priceError: { minRatio: 0.5 },
      },
      {
        id: GROCERY_PROMO,
        name: '双11 粮油美妆 新人券',
        startsAt: formatChinaTime(startMs),
        endsAt: formatChinaTime(this.promoEnd),
        skus: GROCERY_SKUS.map(([sku, fen]) => skuOf(sku, fen)),
        caps: {},
        coupon: {
          codes: [NEW_USER_COUPON.code, BIG_BASKET_COUPON.code],
          budget,
          perCluster: COUPON_PER_CLUSTER,
        },
        priceError: { minRatio: 0.5 },
      },
      {
        id: MAIN_PROMO,
        name: '双11 全场85折',
        startsAt: formatChinaTime(startMs),
        endsAt: formatChinaTime(this.promoEnd),
        skus: MAIN_SKUS.map((sku) => skuOf(sku, percentOf(productOf(sku).listPriceFen, MAIN_PERCENT))),
        caps: { perAccount: MAIN_PER_ACCOUNT },
        priceError: { minRatio: 0.5 },
      },
    ];
  }

  abusiveCount(): number {
    let n = 0;
    for (const p of ABUSIVE_PATTERNS) n += this.counts[p].orders;
    return n;
  }

  // ——— building orders ———

  private accountId(serial: number): string {
    return `U${100_000_000 + this.idPermutation.apply(serial)}`;
  }

  /** Account `serial`, a pure function of the seed and the serial (and its age range). */
  private account(serial: number, age: AgeRange): Account {
    const random = this.root.fork(`account:${serial}`);
    const u = random.next();
    const v = random.next();
    let days: number;
    if (age === 'ordinary') days = u < 0.03 ? v * 30 : u < 0.08 ? 30 + v * 60 : 90 + v * 2410;
    else days = age[0] + v * (age[1] - age[0]);
    const createdMs = Math.floor((this.plan.startMs - days * DAY) / SECOND) * SECOND;
    const gender = random.chance(0.55) ? 'female' : 'male';
    const name = generateName(random, { gender }).full;
    const phone = uniqueMobile(random, serial % 100_000_000, this.phoneSuffixes);
    const address = generateAddress(random);
    const channel = channelTable.pick(random);
    const device = deviceFor(random, channel);
    const payment = paymentFor(random);
    const homeNet = net24(random, BROADBAND_BLOCKS);
    const weights = gender === 'female' ? [20, 30, 25, 25] : [40, 30, 22, 8];
    const interests: Category[] = [random.weightedPick(CATEGORIES, weights)];
    if (random.chance(0.5)) interests.push(random.weightedPick(CATEGORIES, weights));
    return {
      serial,
      id: this.accountId(serial),
      createdMs,
      name,
      phone,
      address,
      channel,
      device,
      payment,
      homeNet,
      interests,
    };
  }

  /** The price of one unit of `sku` at `time`, and the promotion it is sold under. */
  private priceAt(sku: string, time: number): { fen: number; promo: string | undefined } {
    const pe = this.priceError;
    if (sku === pe.sku && time >= pe.from && time < pe.to) return { fen: pe.fen, promo: MAIN_PROMO };
    const promo = this.promoPrice.get(sku);
    if (promo !== undefined && time >= promo.from && time < this.promoEnd) return promo;
    return { fen: productOf(sku).listPriceFen, promo: undefined };
  }

  private line(lines: Line[], sku: string, time: number, qty: number): void {
    const existing = lines.find((l) => l.sku === sku);
    if (existing !== undefined) {
      existing.qty += qty;
      return;
    }
    const { fen, promo } = this.priceAt(sku, time);
    lines.push({ sku, fen, qty, promo });
  }

  private phoneActive(time: number): boolean {
    return time >= this.midnight && time < this.promoEnd;
  }

  /** An honest basket: 1–3 lines by interest, promo prices when active, a phone within `phoneCap`. */
  private honestItems(
    random: Random,
    account: Account,
    time: number,
    state: StreamState,
    phoneCap: number,
  ): Line[] {
    const lines: Line[] = [];
    const count = lineCountTable.pick(random);
    for (let k = 0; k < count; k += 1) {
      const category = random.chance(0.7) ? random.pick(account.interests) : random.pick(CATEGORIES);
      const product = random.pick(CATALOG[category]);
      const qty = (category === 'groceries' ? groceryQtyTable : otherQtyTable).pick(random);
      if (PHONE_SKUS.some(([sku]) => sku === product.sku)) continue;
      this.line(lines, product.sku, time, qty);
    }
    const active = this.phoneActive(time);
    const pPhone = active ? (time < this.midnight + 2 * HOUR ? 0.22 : 0.06) : 0.01;
    const wantsPhone = random.chance(pPhone);
    const phoneSku = random.pick(PHONE_SKUS)[0];
    const want = random.chance(0.2) ? 2 : 1;
    if (wantsPhone) {
      if (!active) this.line(lines, phoneSku, time, 1);
      else {
        const used = state.phonesBought.get(account.serial) ?? 0;
        const qty = Math.min(want, phoneCap - used);
        if (qty > 0) {
          state.phonesBought.set(account.serial, used + qty);
          this.line(lines, phoneSku, time, qty);
        }
      }
    }
    const pe = this.priceError;
    const wantsError = random.chance(0.05);
    const errorQty = random.chance(0.2) ? 2 : 1;
    if (wantsError && time >= pe.from && time < pe.to) this.line(lines, pe.sku, time, errorQty);
    if (lines.length === 0) this.line(lines, random.pick(CATALOG.groceries).sku, time, 1);
    return lines;
  }

  /** A coupon an honest buyer uses on this basket, or none. */
  private honestCoupon(
    random: Random,
    account: Account,
    time: number,
    lines: readonly Line[],
    state: StreamState,
  ): string | undefined {
    const itemsFen = lines.reduce((s, l) => s + l.fen * l.qty, 0);
    const roll = random.next();
    const other = random.next();
    const groceryOn = time >= this.plan.startMs && time < this.promoEnd;
    if (groceryOn && lines.some((l) => l.promo === GROCERY_PROMO)) {
      if (itemsFen >= BIG_BASKET_COUPON.thresholdFen && roll < 0.5) return BIG_BASKET_COUPON.code;
      const isNew = time - account.createdMs < 30 * DAY;
      if (
        isNew &&
        itemsFen >= NEW_USER_COUPON.thresholdFen &&
        roll < 0.7 &&
        !state.newCouponUsed.has(account.serial)
      ) {
        state.newCouponUsed.add(account.serial);
        return NEW_USER_COUPON.code;
      }
    }
    if (other < 0.08) {
      let best: string | undefined;
      let bestThreshold = -1;
      for (const c of COUPONS) {
        if (c.newCustomersOnly === true || c.thresholdFen === 0 || c.thresholdFen > itemsFen) continue;
        if (c.thresholdFen > bestThreshold) {
          best = c.code;
          bestThreshold = c.thresholdFen;
        }
      }
      return best;
    }
    return undefined;
  }

  private discountFen(code: string | undefined, itemsFen: number): number {
    if (code === undefined) return 0;
    for (const c of [NEW_USER_COUPON, BIG_BASKET_COUPON]) {
      if (c.code === code) return itemsFen >= c.thresholdFen ? Math.min(c.discountFen, itemsFen) : 0;
    }
    return couponDiscountFen(code, itemsFen);
  }

  private homeOrMobileIp(random: Random, account: Account, channel: Channel): string {
    const homeShare = channel === 'web' ? 0.85 : channel === 'app' ? 0.55 : 0.5;
    const home = random.chance(homeShare);
    const host = random.int(2, 254);
    return home ? `${account.homeNet}.${host}` : mobileIp(random);
  }

  /** Usually the buyer, sometimes a relative at the same address, rarely a gift elsewhere. */
  private honestReceiver(random: Random, account: Account, address: Address): Receiver {
    const roll = random.next();
    if (roll < 0.88) return receiverAt(account.name, account.phone, address);
    const other = generateName(random, { gender: random.chance(0.5) ? 'female' : 'male' }).full;
    const phone = generateMobile(random);
    return receiverAt(other, phone, roll < 0.97 ? address : generateAddress(random));
  }

  private finish(
    sequence: number,
    time: number,
    account: Account,
    receiver: Receiver,
    lines: readonly Line[],
    net: {
      device?: string | undefined;
      ip?: string | undefined;
      payment?: string | undefined;
      channel: Channel;
    },
    coupon: string | undefined,
    pattern: PromoPattern,
    actor: string,
  ): PromoOrderLine {
    let itemsFen = 0;
    for (const l of lines) itemsFen += l.fen * l.qty;
    const totalFen = itemsFen - this.discountFen(coupon, itemsFen);
    let promo: string | undefined;
    for (const l of lines) if (promo === undefined && l.promo !== undefined) promo = l.promo;
    if (promo === undefined && coupon !== undefined && coupon.startsWith('D11')) promo = GROCERY_PROMO;
    const items: OrderItem[] = lines.map((l) => ({
      sku: l.sku,
      name: productOf(l.sku).name,
      price: l.fen / 100,
      qty: l.qty,
    }));
    const order: Order = {
      id: `D${String(sequence).padStart(9, '0')}`,
      customerId: account.id,
      createdAt: chinaTimeMs(time),
      status: net.payment === undefined ? 'created' : 'paid',
      receiver,
      items,
      total: totalFen / 100,
      channel: net.channel,
      ...(net.device !== undefined ? { device: net.device } : {}),
      ...(net.ip !== undefined ? { ip: net.ip } : {}),
      ...(net.payment !== undefined ? { paymentFingerprint: net.payment } : {}),
      ...(coupon !== undefined ? { coupon } : {}),
      ...(promo !== undefined ? { promo } : {}),
    };
    const context: PromoRiskContext = {
      account: account.id,
      accountCreatedAt: formatChinaTime(account.createdMs),
      ...(net.device !== undefined ? { device: net.device } : {}),
      ...(net.ip !== undefined ? { ip: net.ip } : {}),
      ...(net.payment !== undefined ? { paymentFingerprint: net.payment } : {}),
      ...(coupon !== undefined ? { coupon } : {}),
      ...(promo !== undefined ? { promo } : {}),
    };
    return { order, context, truth: { abusive: ABUSIVE_PATTERNS.includes(pattern), pattern, actor } };
  }

  private group(pattern: PromoPattern, actor: number): Ring {
    const ring = this.groups.get(pattern)?.[actor];
    if (ring === undefined) throw new RangeError(`no ${pattern} group ${actor}`);
    return ring;
  }

  /** The orders in time order. */
  *lines(): Generator<PromoOrderLine> {
    const state: StreamState = { phonesBought: new Map(), newCouponUsed: new Set() };
    const { startMs } = this.plan;
    for (let i = 0; i < this.keys.length; i += 1) {
      const key = this.keys[i] ?? 0;
      const slot = key % SLOT_BITS;
      const time = startMs + (key - slot) / SLOT_BITS;
      const pattern = PROMO_PATTERNS[this.patterns[slot] ?? 0] ?? 'honest';
      const random = this.root.fork(`order:${slot}`);
      const actor = this.actors[slot] ?? 0;
      const member = this.members[slot] ?? 0;
      const arg = this.args[slot] ?? 0;
      yield this.build(i + 1, time, pattern, actor, member, arg, random, state);
    }
  }

  private build(
    sequence: number,
    time: number,
    pattern: PromoPattern,
    actor: number,
    member: number,
    arg: number,
    random: Random,
    state: StreamState,
  ): PromoOrderLine {
    if (pattern === 'honest') return this.buildHonest(sequence, time, random, state);
    const ring = this.group(pattern, actor);
    const actorId = `${pattern}-${actor + 1}`;
    const serial = ring.firstSerial + member;
    const account = this.account(serial, ring.age);
    const device =
      ring.deviceOf !== undefined
        ? (ring.devices[ring.deviceOf[member] ?? 0] ?? account.device)
        : account.device;
    const channel = ring.deviceOf !== undefined ? channelOfDevice(device) : account.channel;
    const sharedPayment = ring.payments.length > 0 ? ring.payments[member % ring.payments.length] : undefined;
    const payment = sharedPayment ?? account.payment;
    const ringIp =
      ring.ip24s.length > 0 && random.chance(ring.ipShare)
        ? `${random.pick(ring.ip24s)}.${ring.host > 0 ? ring.host : random.int(2, 254)}`
        : undefined;
    const ip = ringIp ?? this.homeOrMobileIp(random, account, channel);
    const net = { device, ip, payment, channel };
    switch (pattern) {
      case 'scalper': {
        const lines: Line[] = [];
        let receiver: Receiver;
        if (arg >= 2_000) {
          this.line(lines, random.pick(CHEAP_SKUS), time, 1);
          receiver = receiverAt(account.name, account.phone, random.pick(ring.addresses));
        } else {
          const sku = random.chance(0.85) ? ring.sku : random.pick(PHONE_SKUS)[0];
          this.line(lines, sku, time, arg % 1_000);
          const fake = random.chance(0.5)
            ? generateName(random, { gender: random.chance(0.5) ? 'female' : 'male' }).full
            : account.name;
          receiver = receiverAt(fake, random.pick(ring.phones), random.pick(ring.addresses));
        }
        return this.finish(sequence, time, account, receiver, lines, net, undefined, pattern, actorId);
      }
      case 'farming': {
        const lines: Line[] = [];
        this.line(lines, ring.sku, time, 1);
        const name = generateName(random, { gender: random.chance(0.5) ? 'female' : 'male' }).full;
        const receiver = receiverAt(name, random.pick(ring.phones), random.pick(ring.addresses));
        return this.finish(sequence, time, account, receiver, lines, net, undefined, pattern, actorId);
      }
      case 'coupon_abuse': {
        // One order per account: the account was registered shortly before it.
        const createdMs = Math.floor((time - random.int(10 * 60, 5 * 86_400) * SECOND) / SECOND) * SECOND;
        const fresh: Account = { ...account, createdMs };
        const lines: Line[] = [];
        for (const [sku, qty] of random.pick(COUPON_BASKETS)) this.line(lines, sku, time, qty);
        const phone = ring.phones.length > 0 ? random.pick(ring.phones) : account.phone;
        const receiver = receiverAt(account.name, phone, random.pick(ring.addresses));
        return this.finish(
          sequence,
          time,
          fresh,
          receiver,
          lines,
          net,
          NEW_USER_COUPON.code,
          pattern,
          actorId,
        );
      }
      case 'price_error': {
        const aged = (hash32(`${this.plan.seed}/pe-age:${serial}`) & 0xff) < 102;
        const buyer = aged ? this.account(serial, [100, 2000]) : account;
        const lines: Line[] = [];
        this.line(lines, ring.sku, time, arg);
        const receiver = receiverAt(buyer.name, buyer.phone, random.pick(ring.addresses));
        return this.finish(sequence, time, buyer, receiver, lines, net, undefined, pattern, actorId);
      }
      case 'office_bulk': {
        const office = ring.addresses[0] ?? account.address;
        const atWork = arg >= 1;
        const officeNet = { device: account.device, payment: account.payment, channel: account.channel };
        const officeIp = `${ring.ip24s[0] ?? account.homeNet}.${random.int(2, 254)}`;
        if (arg === 1) {
          const lines: Line[] = [];
          const n = random.int(1, 2);
          for (let j = 0; j < n; j += 1)
            this.line(lines, random.pick(OFFICE_SKUS), time, random.int(20, 100));
          const receiver = receiverAt(account.name, account.phone, office);
          const coupon = this.honestCoupon(random, account, time, lines, state);
          return this.finish(
            sequence,
            time,
            account,
            receiver,
            lines,
            { ...officeNet, ip: officeIp },
            coupon,
            pattern,
            actorId,
          );
        }
        const lines = this.honestItems(random, account, time, state, PHONE_CAPS.perAccount);
        const toOffice = random.chance(atWork ? 0.9 : 0.5);
        const receiver = receiverAt(account.name, account.phone, toOffice ? office : account.address);
        const ipHere = atWork ? officeIp : this.homeOrMobileIp(random, account, account.channel);
        const coupon = this.honestCoupon(random, account, time, lines, state);
        return this.finish(
          sequence,
          time,
          account,
          receiver,
          lines,
          { ...officeNet, ip: ipHere },
          coupon,
          pattern,
          actorId,
        );
      }
      case 'family_device': {
        const home = ring.addresses[0] ?? account.address;
        const lines = this.honestItems(random, account, time, state, 1);
        const head = this.account(ring.firstSerial, ring.age);
        const receiver = random.chance(0.7)
          ? receiverAt(account.name, account.phone, home)
          : receiverAt(head.name, head.phone, home);
        const coupon = this.honestCoupon(random, account, time, lines, state);
        return this.finish(sequence, time, account, receiver, lines, net, coupon, pattern, actorId);
      }
      default: {
        // campus: own device and payment, a pickup point by the student's dormitory.
        const pickup = ring.addresses[serial % ring.addresses.length] ?? account.address;
        const lines = this.honestItems(random, account, time, state, PHONE_CAPS.perAccount);
        const receiver = receiverAt(account.name, account.phone, pickup);
        const coupon = this.honestCoupon(random, account, time, lines, state);
        return this.finish(
          sequence,
          time,
          account,
          receiver,
          lines,
          { device: account.device, ip, payment: account.payment, channel: account.channel },
          coupon,
          pattern,
          actorId,
        );
      }
    }
  }

  private buildHonest(sequence: number, time: number, random: Random, state: StreamState): PromoOrderLine {
    const serial = random.int(0, this.pool - 1);
    const account = this.account(serial, 'ordinary');
    const channel = random.chance(0.8) ? account.channel : channelTable.pick(random);
    const device = channel === account.channel ? account.device : deviceFor(random, channel);
    const ip = this.homeOrMobileIp(random, account, channel);
    const lines = this.honestItems(random, account, time, state, PHONE_CAPS.perAccount);
    const receiver = this.honestReceiver(random, account, account.address);
    const coupon = this.honestCoupon(random, account, time, lines, state);
    const missing = random.chance(0.03) ? random.int(0, 2) : -1;
    const net = {
      channel,
      device: missing === 0 ? undefined : device,
      ip: missing === 1 ? undefined : ip,
      payment: missing === 2 ? undefined : account.payment,
    };
    return this.finish(sequence, time, account, receiver, lines, net, coupon, 'honest', account.id);
  }

  summary(): PromoOrdersSummary {
    const pe = this.priceError;
    return {
      seed: this.plan.seed,
      options: {
        orders: this.plan.orders,
        start: this.plan.start,
        hours: this.plan.hours,
        abuseShare: this.plan.abuseShare,
      },
      orders: this.plan.orders,
      abusive: this.abusiveCount(),
      patterns: this.counts,
      midnight: formatChinaTime(this.midnight),
      priceError: {
        sku: pe.sku,
        listPrice: productOf(pe.sku).listPriceFen / 100,
        price: pe.fen / 100,
        from: formatChinaTime(pe.from),
        to: formatChinaTime(pe.to),
      },
    };
  }
}

/** The everyday prices of every catalog SKU, in yuan. */
export function catalogListPrices(): ListPrice[] {
  return PRODUCTS.map((p) => ({ sku: p.sku, listPrice: p.listPriceFen / 100 }));
}

/**
 * A Double-11 order stream with labelled abuse (see the module comment for the patterns and their
 * signals). Validates the options (RangeError naming the option) and plans the schedule up front;
 * the orders themselves are built while `stream` is iterated, in time order, ids `D000000001` up.
 * The same options and seed give the same promotions, truth and byte-identical lines.
 */
export function generatePromoOrders(options: PromoOrdersOptions): PromoOrders {
  const plan = new PromoStreamPlan(options);
  return {
    promotions: plan.promotions,
    listPrices: catalogListPrices(),
    stream: { [Symbol.iterator]: () => plan.lines() },
    truth: plan.summary(),
  };
}
