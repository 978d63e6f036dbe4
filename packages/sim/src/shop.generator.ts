/**
 * The synthetic shop: customers and their orders, deterministic from a seed, streamable.
 *
 * Design, so that 1,000,000 orders stream in constant memory and every record can be regenerated
 * on its own:
 * - Customer `i` is a pure function of (seed, number of customers, time window, i): its generator is
 *   forked from the seed by index, never carried over from customer i − 1. Customers sign up in id
 *   order, 70 % in the two years before the order window and 30 % during it.
 * - Orders come out in time order with increasing ids. The order count is exactly
 *   `round(customers × ordersPerCustomer)`; it is spread over the days by a calendar (weekends,
 *   Double 11 and its midnight rush, 618, Double 12 …), each day's timestamps are drawn and sorted
 *   (memory: one day of timestamps), and each order picks a customer who had signed up by then,
 *   weighted by a per-customer activity (heavy, medium, light buyers).
 * - Money is computed in integer fen and written in yuan, so totals are exact.
 */
import { type CityChoice, citiesOf, generateAddress, pickCity, randomRegionCode } from './address.generator';
import { apportion } from './apportion';
import { CATALOG, CATEGORIES, type Category, COUPONS, type Coupon, type Product } from './catalog.data';
import { BROADBAND_BLOCKS, MOBILE_BLOCKS } from './network.data';
import {
  generateEmail,
  generateIdNumber,
  generateMobile,
  generateName,
  type PersonName,
  phoneSpelling,
  randomSurname,
  uniqueMobile,
} from './people.generator';
import { hash32, IndexPermutation, mix32, Random, seedText, WeightedTable } from './random';
import type {
  Address,
  Channel,
  Customer,
  CustomerProfile,
  FamilyMember,
  Order,
  OrderItem,
  OrderStatus,
  Receiver,
  Shop,
  ShopOptions,
} from './shop.types';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** China Standard Time, UTC+8 all year (no daylight saving). */
const CHINA_OFFSET = 8 * HOUR;

/** Default start of the order window: 2025-09-15 00:00 in China, so Double 11 and Double 12 fall inside. */
export const DEFAULT_START_ISO = '2025-09-15T00:00:00+08:00';
/** Default length of the order window in days. */
export const DEFAULT_DAYS = 90;
/** Default mean number of orders per customer. */
export const DEFAULT_ORDERS_PER_CUSTOMER = 2.5;

/** Largest customer count: ids and unique phone suffixes have room for 10^8. */
const MAX_CUSTOMERS = 99_999_999;
const MAX_ORDERS = 99_999_999;
/** Customers sign up over this many days before the window … */
const SIGNUP_HISTORY_DAYS = 730;
/** … and this share of them before the window starts (the rest during it). */
const SHARE_BEFORE_WINDOW = 0.7;

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
/** One-entry cache of the date part: orders come in time order, so most share the previous date. */
let cachedDay = Number.NaN;
let cachedDayText = '';

/** `2025-11-11T00:00:05+08:00` for an epoch millisecond (seconds precision, China time). */
export function formatChinaTime(epochMs: number): string {
  const local = Math.floor(epochMs / SECOND) + CHINA_OFFSET / SECOND;
  const day = Math.floor(local / 86_400);
  if (day !== cachedDay) {
    cachedDayText = new Date(day * DAY).toISOString().slice(0, 10);
    cachedDay = day;
  }
  const seconds = local - day * 86_400;
  const hh = TWO_DIGITS[Math.floor(seconds / 3_600)] as string;
  const mm = TWO_DIGITS[Math.floor(seconds / 60) % 60] as string;
  const ss = TWO_DIGITS[seconds % 60] as string;
  return `${cachedDayText}T${hh}:${mm}:${ss}+08:00`;
}

/** The calendar date in China of an epoch millisecond, `YYYY-MM-DD`. */
function chinaDate(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET).toISOString().slice(0, 10);
}

/** What a calendar day means for the shop. */
interface DayPlan {
  /** Label written on orders that take part in the day's promotion. */
  readonly promo: string;
  /** Share of the day's orders that take part. */
  readonly share: number;
  /** Promotion price, in percent of list price. */
  readonly pricePercent: number;
  /** Order volume relative to an ordinary weekday. */
  readonly volume: number;
  /** Whether the promotion opens at midnight (the 00:00 rush of Double 11). */
  readonly midnightRush: boolean;
}

function promotion(
  name: string,
  year: number,
  share: number,
  pricePercent: number,
  volume: number,
  midnightRush: boolean,
): DayPlan {
  return { promo: `${name}-${year}`, share, pricePercent, volume, midnightRush };
}

/** The promotion calendar of Chinese online retail, by China date. */
function dayPlan(epochMs: number): DayPlan {
  const local = new Date(epochMs + CHINA_OFFSET);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6 ? 1.12 : 1;
  if (month === 11 && day === 11) return promotion('double11', year, 0.7, 85, 6 * weekend, true);
  if (month === 11 && day === 10) return promotion('double11', year, 0.35, 90, 2 * weekend, false);
  if (month === 11 && day < 10) return promotion('double11', year, 0.3, 90, 1.4 * weekend, false);
  if (month === 12 && day === 12) return promotion('double12', year, 0.5, 88, 2.5 * weekend, true);
  if (month === 6 && day === 18) return promotion('618', year, 0.7, 85, 4 * weekend, true);
  if (month === 6 && day < 18) return promotion('618', year, 0.3, 90, 1.3 * weekend, false);
  if (month === 3 && day === 8) return promotion('womens-day', year, 0.4, 90, 1.5 * weekend, false);
  return { promo: 'flash-sale', share: 0.05, pricePercent: 75, volume: weekend, midnightRush: false };
}

/** Relative order volume by China hour of day: quiet before dawn, peaks at lunch and 20:00–22:00. */
const HOUR_WEIGHTS = [
  3, 1.5, 0.8, 0.5, 0.4, 0.5, 1, 2, 3, 4, 5, 5, 6, 5, 5, 5, 5, 5, 5, 6, 8, 9, 8, 5,
] as const;
const MIDNIGHT_RUSH_WEIGHT = 24;
const MAX_HOUR_WEIGHT = 9;

/** How an order's status depends on its age at the end of the window (unpaid orders time out, parcels arrive). */
const STATUS_BY_AGE: ReadonlyArray<{ readonly maxAge: number; readonly table: WeightedTable<OrderStatus> }> =
  [
    {
      maxAge: HOUR / 2,
      table: new WeightedTable<OrderStatus>(['created', 'paid', 'cancelled'], [55, 40, 5]),
    },
    {
      maxAge: 6 * HOUR,
      table: new WeightedTable<OrderStatus>(
        ['created', 'paid', 'picked', 'shipped', 'cancelled'],
        [8, 55, 25, 4, 8],
      ),
    },
    {
      maxAge: DAY,
      table: new WeightedTable<OrderStatus>(
        ['created', 'paid', 'picked', 'shipped', 'cancelled', 'refunded'],
        [2, 20, 25, 43, 8, 2],
      ),
    },
    {
      maxAge: 3 * DAY,
      table: new WeightedTable<OrderStatus>(
        ['paid', 'picked', 'shipped', 'delivered', 'cancelled', 'refunded'],
        [3, 5, 55, 27, 7, 3],
      ),
    },
    {
      maxAge: 15 * DAY,
      table: new WeightedTable<OrderStatus>(['shipped', 'delivered', 'cancelled', 'refunded'], [8, 80, 7, 5]),
    },
    {
      maxAge: Number.POSITIVE_INFINITY,
      table: new WeightedTable<OrderStatus>(['delivered', 'cancelled', 'refunded'], [87, 8, 5]),
    },
  ];

const CHANNELS: readonly Channel[] = ['app', 'mini-program', 'web'];
const channelTable = new WeightedTable(CHANNELS, [55, 30, 15]);
const lineCountTable = new WeightedTable([1, 2, 3, 4, 5], [55, 25, 11, 6, 3]);
const groceryQtyTable = new WeightedTable([1, 2, 3, 4, 5, 6], [50, 25, 10, 8, 4, 3]);
const otherQtyTable = new WeightedTable([1, 2, 3], [90, 8, 2]);
const familyCountTable = new WeightedTable([0, 1, 2], [35, 45, 20]);
const addressCountTable = new WeightedTable([1, 2, 3], [55, 33, 12]);
const relationTable = new WeightedTable<FamilyMember['relation']>(
  ['spouse', 'parent', 'child', 'sibling'],
  [45, 25, 15, 15],
);
const paymentMethodTable = new WeightedTable(['alipay', 'wxpay', 'card'], [50, 40, 10]);
const XINJIANG: readonly CityChoice[] = citiesOf('650000');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The discount, in fen, that coupon `code` gives on items summing to `itemsFen`: 0 for an unknown
 * code or an unmet threshold, and never more than the item sum (a total is never negative).
 */
export function couponDiscountFen(code: string, itemsFen: number): number {
  const coupon = COUPONS.find((c) => c.code === code);
  if (coupon === undefined || itemsFen < coupon.thresholdFen) return 0;
  return Math.min(coupon.discountFen, itemsFen);
}

/** The part of a customer profile that order generation uses. */
interface Buyer {
  readonly index: number;
  readonly id: string;
  readonly name: PersonName;
  /** Plain 11 digits. */
  readonly phone: string;
  /** As written on the customer record. */
  readonly phoneOnRecord: string;
  readonly createdMs: number;
  readonly gender: 'female' | 'male';
  readonly addresses: Address[];
  readonly family: FamilyMember[];
  readonly channel: Channel;
  readonly devices: Record<Channel, string>;
  readonly paymentFingerprints: string[];
  readonly homeNetwork: string;
  readonly activity: number;
  readonly interests: Category[];
}

/** Validated options with defaults applied. */
interface Plan {
  readonly seed: string;
  readonly customers: number;
  readonly orders: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly days: number;
  readonly messy: boolean;
}

function planOf(options: ShopOptions): Plan {
  const { customers } = options;
  if (!Number.isInteger(customers) || customers < 0 || customers > MAX_CUSTOMERS) {
    throw new RangeError(`customers must be an integer from 0 to ${MAX_CUSTOMERS}.`);
  }
  const mean = options.ordersPerCustomer ?? DEFAULT_ORDERS_PER_CUSTOMER;
  if (!Number.isFinite(mean) || mean < 0)
    throw new RangeError('ordersPerCustomer must be a finite number ≥ 0.');
  const orders = Math.round(customers * mean);
  if (orders > MAX_ORDERS)
    throw new RangeError(`a shop has at most ${MAX_ORDERS} orders; lower ordersPerCustomer.`);
  const startMs = (options.start ?? new Date(DEFAULT_START_ISO)).getTime();
  if (!Number.isFinite(startMs)) throw new RangeError('start must be a valid Date.');
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 3_660)
    throw new RangeError('days must be an integer from 1 to 3660.');
  // The window starts on a whole second so every timestamp written (to the second) is exact.
  const start = Math.floor(startMs / SECOND) * SECOND;
  return {
    seed: seedText(options.seed),
    customers,
    orders,
    startMs: start,
    endMs: start + days * DAY,
    days,
    messy: options.messyFormats ?? false,
  };
}

/** `C000001` for index 0. */
function customerId(index: number): string {
  return `C${String(index + 1).padStart(6, '0')}`;
}

/** `O00000001` for sequence number 1. */
function orderId(sequence: number): string {
  return `O${String(sequence).padStart(8, '0')}`;
}

function fenToYuan(fen: number): number {
  return fen / 100;
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

/**
 * A synthetic shop: random access to customer profiles and streams of customers and orders. Cheap
 * to construct (it plans the calendar only); all records are generated on demand.
 */
export class SyntheticShop {
  /** Number of customers. */
  readonly customerCount: number;
  /** Exact number of orders: `round(customers × ordersPerCustomer)`. */
  readonly orderCount: number;
  /** The order window, epoch milliseconds, end exclusive. Order statuses are as of `windowEnd`. */
  readonly windowStart: number;
  readonly windowEnd: number;

  private readonly plan: Plan;
  private readonly root: Random;
  private readonly signupStart: number;
  private readonly phoneSuffixes: IndexPermutation;
  private readonly qqNumbers: IndexPermutation;
  private readonly activityKey: number;
  private readonly dailyCounts: readonly number[];
  private planDate = Number.NaN;
  private planOfDate: DayPlan | undefined;

  /** Validates the options (RangeError naming the option) and plans the order calendar. */
  constructor(options: ShopOptions) {
    this.plan = planOf(options);
    this.customerCount = this.plan.customers;
    this.orderCount = this.plan.orders;
    this.windowStart = this.plan.startMs;
    this.windowEnd = this.plan.endMs;
    this.root = new Random(this.plan.seed);
    this.signupStart = this.plan.startMs - SIGNUP_HISTORY_DAYS * DAY;
    this.phoneSuffixes = new IndexPermutation(100_000_000, hash32(`${this.plan.seed}/phone`));
    this.qqNumbers = new IndexPermutation(1_000_000_000, hash32(`${this.plan.seed}/qq`));
    this.activityKey = hash32(`${this.plan.seed}/activity`);
    const calendar = this.root.fork('calendar');
    const weights: number[] = [];
    for (let day = 0; day < this.plan.days; day += 1) {
      const noon = this.plan.startMs + day * DAY + DAY / 2;
      const growth = 1 + (0.15 * day) / this.plan.days;
      weights.push(dayPlan(noon).volume * growth * calendar.float(0.9, 1.1));
    }
    this.dailyCounts = apportion(this.plan.orders, weights);
  }

  /** Customers in id (= sign-up) order. */
  *customers(): Generator<Customer> {
    for (let index = 0; index < this.plan.customers; index += 1) yield this.buildProfile(index).customer;
  }

  /** Orders in time order, ids `O00000001` upward; memory stays at one day of timestamps. */
  *orders(): Generator<Order> {
    let sequence = 0;
    for (let day = 0; day < this.plan.days; day += 1) {
      for (const time of this.dayTimes(day)) {
        sequence += 1;
        yield this.buildOrder(sequence, time);
      }
    }
  }

  /** The full profile of customer `index` (0-based; `C000001` is 0), freshly built. */
  profile(index: number): CustomerProfile {
    if (!Number.isInteger(index) || index < 0 || index >= this.plan.customers) {
      throw new RangeError(`customer index must be an integer from 0 to ${this.plan.customers - 1}.`);
    }
    return this.buildProfile(index);
  }

  /** Relative buying activity of customer `index`, a pure function of the seed and the index. */
  activity(index: number): number {
    const u = mix32((this.activityKey + Math.imul(index, 0x9e3779b9)) >>> 0) / 4_294_967_296;
    if (u < 0.15) return 1;
    if (u < 0.5) return 0.35;
    return 0.12;
  }

  /** Sign-up time of customer `index` given its jitter in [0, 1): piecewise-linear in the index. */
  private signupTime(index: number, jitter: number): number {
    const p = (index + jitter) / this.plan.customers;
    const ms =
      p <= SHARE_BEFORE_WINDOW
        ? this.signupStart + (p / SHARE_BEFORE_WINDOW) * (this.plan.startMs - this.signupStart)
        : this.plan.startMs +
          ((p - SHARE_BEFORE_WINDOW) / (1 - SHARE_BEFORE_WINDOW)) * (this.plan.endMs - this.plan.startMs);
    return Math.floor(ms / SECOND) * SECOND;
  }

  /**
   * How many customers (a prefix of the ids) had signed up by `time`. Customer i's jitter is below
   * 0.999, so every customer counted here signed up strictly before `time`; customer 0 signs up at
   * the very beginning, so there is always at least one.
   */
  private signedUpBy(time: number): number {
    const { startMs, endMs, customers } = this.plan;
    let share: number;
    if (time <= this.signupStart) share = 0;
    else if (time < startMs)
      share = (SHARE_BEFORE_WINDOW * (time - this.signupStart)) / (startMs - this.signupStart);
    else
      share =
        SHARE_BEFORE_WINDOW + (1 - SHARE_BEFORE_WINDOW) * Math.min(1, (time - startMs) / (endMs - startMs));
    return Math.min(customers, Math.max(1, Math.floor(customers * share - 1e-9)));
  }

  /**
   * What orders need of a customer, from the customer's main generator. The rarely needed identity
   * fields (birth date, e-mail, ID number) come from a separate fork in {@link buildProfile}, so
   * order generation never pays for them.
   */
  private buildBuyer(index: number): Buyer {
    const random = this.root.fork(`customer:${index}`);
    const jitter = random.next() * 0.999;
    const createdMs = this.signupTime(index, index === 0 ? 0 : jitter);
    const gender = random.chance(0.55) ? 'female' : 'male';
    const name = generateName(random, { gender });
    const phone = uniqueMobile(random, index, this.phoneSuffixes);
    const phoneOnRecord = phoneSpelling(random, phone, this.plan.messy);

    const preferXinjiang = random.chance(0.6);
    const home = name.kind === 'uyghur' && preferXinjiang ? random.pick(XINJIANG) : pickCity(random);
    const addressCount = addressCountTable.pick(random);
    const addresses: Address[] = [generateAddress(random, home)];
    for (let k = 1; k < addressCount; k += 1) {
      addresses.push(random.chance(0.6) ? generateAddress(random, home) : generateAddress(random));
    }
    const family: FamilyMember[] = [];
    const familyCount = familyCountTable.pick(random);
    for (let k = 0; k < familyCount; k += 1) family.push(this.familyMember(random, name, gender));

    const channel = channelTable.pick(random);
    const devices: Record<Channel, string> = {
      app: random.chance(0.45) ? `ios-${uuid(random)}` : `and-${random.hex(16)}`,
      'mini-program': `wx-o${base64url(random, 27)}`,
      web: `web-${random.hex(32)}`,
    };
    const paymentFingerprints = [`${paymentMethodTable.pick(random)}:${random.hex(24)}`];
    if (random.chance(0.3)) paymentFingerprints.push(`${paymentMethodTable.pick(random)}:${random.hex(24)}`);
    const homeNetwork = `${random.pick(BROADBAND_BLOCKS)}.${random.int(0, 255)}`;
    const interestWeights = gender === 'female' ? [20, 30, 25, 25] : [40, 30, 22, 8];
    const interests: Category[] = [random.weightedPick(CATEGORIES, interestWeights)];
    if (random.chance(0.5)) interests.push(random.weightedPick(CATEGORIES, interestWeights));

    return {
      index,
      id: customerId(index),
      name,
      phone,
      phoneOnRecord,
      createdMs,
      gender,
      addresses,
      family,
      channel,
      devices,
      paymentFingerprints,
      homeNetwork,
      activity: this.activity(index),
      interests,
    };
  }

  private buildProfile(index: number): CustomerProfile {
    const buyer = this.buildBuyer(index);
    const random = this.root.fork(`customer:${index}/identity`);
    const age = Math.min(72, Math.max(18, random.normal(33, 10)));
    const birthDate = chinaDate(buyer.createdMs - age * 365.2425 * DAY - random.int(0, DAY - 1));
    const hasEmail = random.chance(0.4);
    const email = hasEmail
      ? generateEmail(random, buyer.name, Number(birthDate.slice(0, 4)), 10_000 + this.qqNumbers.apply(index))
      : undefined;
    const hasIdNumber = random.chance(0.3);
    const bornAtHome = random.chance(0.7);
    const region = bornAtHome
      ? (buyer.addresses[0]?.regionCode ?? randomRegionCode(random))
      : randomRegionCode(random);
    const idNumber = hasIdNumber ? generateIdNumber(random, region, birthDate, buyer.gender) : undefined;

    const customer: Customer = {
      id: buyer.id,
      name: buyer.name.full,
      phone: buyer.phoneOnRecord,
      ...(email !== undefined ? { email } : {}),
      ...(idNumber !== undefined ? { idNumber } : {}),
      createdAt: formatChinaTime(buyer.createdMs),
    };
    return {
      index,
      customer,
      phone: buyer.phone,
      gender: buyer.gender,
      birthDate,
      addresses: buyer.addresses,
      family: buyer.family,
      channel: buyer.channel,
      devices: buyer.devices,
      paymentFingerprints: buyer.paymentFingerprints,
      homeNetwork: buyer.homeNetwork,
      activity: buyer.activity,
      interests: buyer.interests,
    };
  }

  private familyMember(random: Random, name: PersonName, gender: 'female' | 'male'): FamilyMember {
    const relation = relationTable.pick(random);
    const theirGender =
      relation === 'spouse'
        ? gender === 'female'
          ? 'male'
          : 'female'
        : random.chance(0.5)
          ? 'female'
          : 'male';
    const sharesSurname = relation !== 'spouse' && !(relation === 'parent' && theirGender === 'female');
    let member: PersonName;
    if (name.kind === 'uyghur' || name.kind === 'latin') {
      member = generateName(random, { gender: theirGender, kind: name.kind });
    } else if (sharesSurname) {
      member = generateName(random, { gender: theirGender, kind: name.kind, surname: name.family });
    } else {
      member = generateName(random, { gender: theirGender, kind: 'han', surname: randomSurname(random) });
    }
    return { relation, name: member.full, phone: generateMobile(random) };
  }

  /** Sorted order timestamps (whole seconds) of day `day` of the window, following the hourly curve. */
  private dayTimes(day: number): Float64Array {
    const count = this.dailyCounts[day] ?? 0;
    const times = new Float64Array(count);
    if (count === 0) return times;
    const random = this.root.fork(`day:${day}`);
    const from = this.plan.startMs + day * DAY;
    const rush = dayPlan(from).midnightRush || dayPlan(from + DAY - 1).midnightRush;
    const ceiling = rush ? MIDNIGHT_RUSH_WEIGHT : MAX_HOUR_WEIGHT;
    for (let k = 0; k < count; k += 1) {
      for (;;) {
        const time = from + random.int(0, DAY / SECOND - 1) * SECOND;
        const hour = Math.floor(((time + CHINA_OFFSET) % DAY) / HOUR);
        let weight: number = HOUR_WEIGHTS[hour] ?? 1;
        if (rush && hour === 0 && dayPlan(time).midnightRush) weight = MIDNIGHT_RUSH_WEIGHT;
        if (random.next() * ceiling < weight) {
          times[k] = time;
          break;
        }
      }
    }
    return times.sort();
  }

  /** {@link dayPlan} of `time`, cached for the current China date (orders come in time order). */
  private dayPlanAt(time: number): DayPlan {
    const date = Math.floor((time + CHINA_OFFSET) / DAY);
    if (date !== this.planDate || this.planOfDate === undefined) {
      this.planDate = date;
      this.planOfDate = dayPlan(time);
    }
    return this.planOfDate;
  }

  /** A customer who had signed up by `time`, favouring active buyers (rejection sampling). */
  private chooseCustomer(random: Random, time: number): number {
    const eligible = this.signedUpBy(time);
    let index = 0;
    for (let attempt = 0; attempt < 64; attempt += 1) {
      index = random.int(0, eligible - 1);
      if (random.next() < this.activity(index)) break;
    }
    return index;
  }

  private buildOrder(sequence: number, time: number): Order {
    const random = this.root.fork(`order:${sequence}`);
    const buyer = this.buildBuyer(this.chooseCustomer(random, time));
    const day = this.dayPlanAt(time);

    const channel = random.chance(0.75) ? buyer.channel : channelTable.pick(random);
    const homeShare = channel === 'web' ? 0.85 : channel === 'app' ? 0.55 : 0.5;
    const ip = random.chance(homeShare)
      ? `${buyer.homeNetwork}.${random.int(2, 254)}`
      : `${random.pick(MOBILE_BLOCKS)}.${random.int(0, 255)}.${random.int(2, 254)}`;
    const receiver = this.receiver(random, buyer);

    const inPromo = random.chance(day.share);
    const pricePercent = inPromo ? day.pricePercent : 100;
    const items = this.items(random, buyer, pricePercent);
    let itemsFen = 0;
    for (const item of items) itemsFen += Math.round(item.price * 100) * item.qty;
    const coupon = this.coupon(random, buyer, time, itemsFen, inPromo);
    const totalFen = itemsFen - (coupon === undefined ? 0 : couponDiscountFen(coupon.code, itemsFen));

    const status = statusAt(random, this.plan.endMs - time);
    const paid = status !== 'created' && (status !== 'cancelled' || random.chance(0.5));
    const payment = random.chance(0.8)
      ? buyer.paymentFingerprints[0]
      : buyer.paymentFingerprints[buyer.paymentFingerprints.length - 1];

    return {
      id: orderId(sequence),
      customerId: buyer.id,
      createdAt: formatChinaTime(time),
      status,
      receiver,
      items,
      total: fenToYuan(totalFen),
      channel,
      device: buyer.devices[channel],
      ip,
      ...(paid && payment !== undefined ? { paymentFingerprint: payment } : {}),
      ...(coupon !== undefined ? { coupon: coupon.code } : {}),
      ...(inPromo ? { promo: day.promo } : {}),
    };
  }

  /** Usually the customer at home; sometimes another address, a family member, or a gift to someone else. */
  private receiver(random: Random, buyer: Buyer): Receiver {
    const roll = random.next();
    const address = random.weightedPick(buyer.addresses, ADDRESS_WEIGHTS[buyer.addresses.length] ?? [1]);
    const messy = this.plan.messy;
    if (roll < 0.84 || (roll < 0.96 && buyer.family.length === 0)) {
      return receiverAt(buyer.name.full, phoneSpelling(random, buyer.phone, messy), address);
    }
    if (roll < 0.96) {
      const member = random.pick(buyer.family);
      return receiverAt(member.name, phoneSpelling(random, member.phone, messy), address);
    }
    const someone = generateName(random, { gender: random.chance(0.5) ? 'female' : 'male' });
    const phone = phoneSpelling(random, generateMobile(random), messy);
    return receiverAt(someone.full, phone, generateAddress(random));
  }

  private items(random: Random, buyer: Buyer, pricePercent: number): OrderItem[] {
    const lines: Array<{ product: Product; qty: number }> = [];
    const count = lineCountTable.pick(random);
    for (let k = 0; k < count; k += 1) {
      const category = random.chance(0.7) ? random.pick(buyer.interests) : random.pick(CATEGORIES);
      const product = random.pick(CATALOG[category]);
      const qty = (category === 'groceries' ? groceryQtyTable : otherQtyTable).pick(random);
      let merged = false;
      for (const line of lines) {
        if (line.product === product) {
          line.qty += qty;
          merged = true;
        }
      }
      if (!merged) lines.push({ product, qty });
    }
    return lines.map(({ product, qty }) => ({
      sku: product.sku,
      name: product.name,
      // Integer half-up rounding of the promotion price: exact, unlike multiplying floats.
      price: fenToYuan(Math.floor((product.listPriceFen * pricePercent + 50) / 100)),
      qty,
    }));
  }

  /** A coupon the order qualifies for, or none: usually the best threshold coupon reached. */
  private coupon(
    random: Random,
    buyer: Buyer,
    time: number,
    itemsFen: number,
    inPromo: boolean,
  ): Coupon | undefined {
    const wanted = random.chance(inPromo ? 0.35 : 0.12);
    const preferBest = random.chance(0.7);
    if (!wanted) return undefined;
    const isNew = time - buyer.createdMs < 30 * DAY;
    const usable = COUPONS.filter(
      (c) => c.thresholdFen <= itemsFen && (c.newCustomersOnly !== true || isNew),
    );
    if (usable.length === 0) return undefined;
    if (preferBest) {
      const thresholds = usable.filter((c) => c.thresholdFen > 0);
      const best = thresholds.reduce<Coupon | undefined>(
        (top, c) => (top === undefined || c.thresholdFen > top.thresholdFen ? c : top),
        undefined,
      );
      if (best !== undefined) return best;
    }
    return random.pick(usable);
  }
}

/** A status for an order of age `age` (ms) at the end of the window. */
function statusAt(random: Random, age: number): OrderStatus {
  for (const row of STATUS_BY_AGE) if (age < row.maxAge) return row.table.pick(random);
  return 'delivered';
}

/** Receiver weights of a buyer's addresses by how many there are: home first. */
const ADDRESS_WEIGHTS: readonly (readonly number[])[] = [[], [1], [75, 25], [70, 20, 10]];

/** A receiver at an address (its region code stays in the profile). */
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

/**
 * A whole shop in memory: the customers in id order and the orders in time order. Fine for demos and
 * tests up to a few hundred thousand orders; for more, stream with {@link generateCustomers} and
 * {@link generateOrders} (the same records, in the same order).
 */
export function generateShop(options: ShopOptions): Shop {
  const shop = new SyntheticShop(options);
  return { customers: [...shop.customers()], orders: [...shop.orders()] };
}

/** Streams the customers of {@link generateShop} one by one. */
export function* generateCustomers(options: ShopOptions): Generator<Customer> {
  yield* new SyntheticShop(options).customers();
}

/** Streams the orders of {@link generateShop} one by one, in constant memory. */
export function* generateOrders(options: ShopOptions): Generator<Order> {
  yield* new SyntheticShop(options).orders();
}
