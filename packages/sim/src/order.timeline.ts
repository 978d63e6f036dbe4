/**
 * The life of every order in a compact, column-wise index: when it was paid, picked (label printed),
 * shipped, out for delivery and delivered, or cancelled or refunded; whose it is (customer, merchant),
 * where it goes (one of the courier cities or elsewhere) and which warehouse ships it. The staff
 * simulator asks it "what is this order's status at 14:05 on 3 November", "which orders were picked
 * today", "which orders go out for delivery in Shanghai today".
 *
 * The lifecycle is a pure function of the order (index, creation time) and a key: paid within
 * minutes, picked hours later (days after a sale peak, when the backlog builds up), shipped, out for
 * delivery one to three days later, delivered that day (or the next, after a missed first attempt).
 * Status written to `orders.ndjson` is the status at the end of the period, so the file agrees
 * with the events.
 */
import { unitOf } from './draw.util';
import type { Order, OrderStatus } from './shop.types';
import type { Merchant } from './staff.generator';
import { COURIER_CITIES } from './staff.generator';
import { chinaDateOf, DAY, fulfilmentMultiplier, HOUR, MINUTE } from './work.calendar';

/** What becomes of an order. */
const FATE_NORMAL = 0;
const FATE_UNPAID = 1;
const FATE_CANCELLED = 2;
const FATE_REFUNDED = 3;

/** Share of orders sold by the platform itself rather than by a merchant. */
const SELF_OPERATED_SHARE = 0.4;

/** A day number far outside any period (an order that never goes out for delivery). */
const FAR_DAY = 1_000_000;

/** Orders grouped by day. */
interface DayBuckets {
  of(day: number): Int32Array;
}

const EMPTY_BUCKETS: DayBuckets = { of: () => new Int32Array(0) };

/** The day number of `t` counted from `startMs` (FAR_DAY for never). */
function dayOf(t: number, startMs: number): number {
  return Number.isFinite(t) ? Math.floor((t - startMs) / DAY) : FAR_DAY;
}

/** `C000001` for customer index 0 (the shop generator's ids). */
export function customerIdOf(index: number): string {
  return `C${String(index + 1).padStart(6, '0')}`;
}

/** `O00000001` for order index 0 (the shop generator's ids). */
export function orderIdOf(index: number): string {
  return `O${String(index + 1).padStart(8, '0')}`;
}

/** Options of {@link OrderTimeline}. */
export interface TimelineOptions {
  /** How many orders will be added (the shop's exact order count). */
  readonly capacity: number;
  readonly customers: number;
  /** Day 0 of the simulation (a China midnight) and the end of the period, epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly merchants: readonly Merchant[];
  /** Key of the lifecycle draws. */
  readonly key: number;
}

/** The column-wise order index; add every order in time order, then {@link OrderTimeline.finish}. */
export class OrderTimeline {
  count = 0;
  readonly customer: Int32Array;
  readonly created: Float64Array;
  /** Infinity where the step never happens. */
  readonly paid: Float64Array;
  readonly picked: Float64Array;
  readonly shipped: Float64Array;
  readonly delivered: Float64Array;
  /** When a cancelled order was cancelled or a refunded one refunded (Infinity otherwise). */
  readonly closed: Float64Array;
  /** Day number (from day 0) the parcel goes out for delivery; a large number if never. */
  readonly outDay: Int32Array;
  readonly fate: Uint8Array;
  readonly totalFen: Float64Array;
  /** Merchant index, −1 for the platform's own goods. */
  readonly merchant: Int16Array;
  /** Index into {@link COURIER_CITIES}, −1 for a city the own couriers do not serve. */
  readonly city: Int8Array;
  readonly warehouse: Uint8Array;
  private readonly options: TimelineOptions;
  private readonly merchantCumulative: number[];
  private customerStart: Int32Array = new Int32Array(1);
  private customerOrderList: Int32Array = new Int32Array(0);
  private readonly cityIndex: ReadonlyMap<string, number>;
  private pickedBuckets: DayBuckets = EMPTY_BUCKETS;
  private outBuckets: DayBuckets = EMPTY_BUCKETS;

  constructor(options: TimelineOptions) {
    const n = options.capacity;
    this.options = options;
    this.customer = new Int32Array(n);
    this.created = new Float64Array(n);
    this.paid = new Float64Array(n);
    this.picked = new Float64Array(n);
    this.shipped = new Float64Array(n);
    this.delivered = new Float64Array(n);
    this.closed = new Float64Array(n);
    this.outDay = new Int32Array(n);
    this.fate = new Uint8Array(n);
    this.totalFen = new Float64Array(n);
    this.merchant = new Int16Array(n);
    this.city = new Int8Array(n);
    this.warehouse = new Uint8Array(n);
    let sum = 0;
    this.merchantCumulative = options.merchants.map((m) => {
      sum += m.weight;
      return sum;
    });
    this.cityIndex = new Map(COURIER_CITIES.map((c, k) => [c.city, k]));
  }

  /** The end of the period (statuses in the orders file are as of then). */
  get endMs(): number {
    return this.options.endMs;
  }

  /**
   * Adds the next order (in time order) and returns it as written to the orders file: the status as
   * of the end of the period, and no payment fingerprint if it was never paid.
   */
  add(order: Order): Order {
    const i = this.count;
    if (i >= this.customer.length) throw new RangeError('more orders than the timeline was sized for');
    this.count += 1;
    const { key, startMs } = this.options;
    const u = (k: number) => unitOf(key, i, k);
    const created = Date.parse(order.createdAt);
    this.customer[i] = Number(order.customerId.slice(1)) - 1;
    this.created[i] = created;
    this.totalFen[i] = Math.round(order.total * 100);
    this.city[i] = this.cityIndex.get(order.receiver.city) ?? -1;
    this.warehouse[i] = Math.floor(u(9) * 3);
    const merchantRoll = u(8);
    let merchant = -1;
    if (merchantRoll >= SELF_OPERATED_SHARE && this.merchantCumulative.length > 0) {
      const total = this.merchantCumulative[this.merchantCumulative.length - 1] ?? 1;
      const target = ((merchantRoll - SELF_OPERATED_SHARE) / (1 - SELF_OPERATED_SHARE)) * total;
      merchant = this.merchantCumulative.findIndex((c) => c > target);
      if (merchant < 0) merchant = this.merchantCumulative.length - 1;
    }
    this.merchant[i] = merchant;

    const fateRoll = u(0);
    const fate =
      fateRoll < 0.04
        ? FATE_UNPAID
        : fateRoll < 0.07
          ? FATE_CANCELLED
          : fateRoll < 0.11
            ? FATE_REFUNDED
            : FATE_NORMAL;
    this.fate[i] = fate;
    const never = Number.POSITIVE_INFINITY;
    const load = fulfilmentMultiplier(chinaDateOf(created));
    const second = (ms: number) => Math.floor(ms / 1000) * 1000;
    let paid = never;
    let picked = never;
    let shipped = never;
    let delivered = never;
    let closed = never;
    let outDay = FAR_DAY;
    if (fate === FATE_UNPAID) closed = created + 30 * MINUTE;
    else {
      paid = second(created + (10 + u(1) * 900) * 1000);
      if (fate === FATE_CANCELLED) closed = second(paid + (1 + u(2) * 7) * HOUR);
      else {
        picked = second(paid + (2 + u(2) * 16) * HOUR * Math.max(1, load));
        shipped = second(picked + (1 + u(3) * 5) * HOUR);
        const shipDay = Math.floor((shipped - startMs) / DAY);
        outDay = shipDay + 1 + Math.floor(u(4) * 3) + (load >= 1.5 ? 1 : 0);
        delivered = second(startMs + outDay * DAY + (9 + u(5) * 10) * HOUR + (u(6) < 0.1 ? DAY : 0));
        if (fate === FATE_REFUNDED) closed = second(delivered + (1 + u(7) * 9) * DAY);
      }
    }
    this.paid[i] = paid;
    this.picked[i] = picked;
    this.shipped[i] = shipped;
    this.delivered[i] = delivered;
    this.closed[i] = closed;
    this.outDay[i] = outDay;

    const status = this.statusAt(i, this.options.endMs - 1) ?? order.status;
    const { paymentFingerprint, ...rest } = order;
    return {
      ...rest,
      status,
      ...(paymentFingerprint !== undefined && paid <= this.options.endMs ? { paymentFingerprint } : {}),
    };
  }

  /** Builds the per-customer order lists; call after the last {@link OrderTimeline.add}. */
  finish(): void {
    const customers = this.options.customers;
    const start = new Int32Array(customers + 1);
    for (let i = 0; i < this.count; i += 1) {
      const c = this.customer[i] ?? 0;
      start[c + 1] = (start[c + 1] ?? 0) + 1;
    }
    for (let c = 0; c < customers; c += 1) start[c + 1] = (start[c + 1] ?? 0) + (start[c] ?? 0);
    const fill = start.slice(0, customers);
    const list = new Int32Array(this.count);
    for (let i = 0; i < this.count; i += 1) {
      const c = this.customer[i] ?? 0;
      const at = fill[c] ?? 0;
      list[at] = i;
      fill[c] = at + 1;
    }
    this.customerStart = start;
    this.customerOrderList = list;
    this.pickedBuckets = this.bucket((i) =>
      dayOf(this.picked[i] ?? Number.POSITIVE_INFINITY, this.options.startMs),
    );
    this.outBuckets = this.bucket((i) => this.outDay[i] ?? FAR_DAY);
  }

  /** Orders whose labels are printed (picked) on `day` (−1 … days − 1), in order index order. */
  pickedOn(day: number): Int32Array {
    return this.pickedBuckets.of(day);
  }

  /** Orders that go out for delivery on `day` (−1 … days − 1), in order index order. */
  outOn(day: number): Int32Array {
    return this.outBuckets.of(day);
  }

  /** Orders grouped by a day number in [−1, days) (counting sort). */
  private bucket(dayOfOrder: (i: number) => number): DayBuckets {
    const days = Math.round((this.options.endMs - this.options.startMs) / DAY);
    const width = days + 1;
    const start = new Int32Array(width + 1);
    const slot = (i: number) => {
      const d = dayOfOrder(i);
      return d >= -1 && d < days ? d + 1 : -1;
    };
    for (let i = 0; i < this.count; i += 1) {
      const s = slot(i);
      if (s >= 0) start[s + 1] = (start[s + 1] ?? 0) + 1;
    }
    for (let s = 0; s < width; s += 1) start[s + 1] = (start[s + 1] ?? 0) + (start[s] ?? 0);
    const fill = start.slice(0, width);
    const list = new Int32Array(start[width] ?? 0);
    for (let i = 0; i < this.count; i += 1) {
      const s = slot(i);
      if (s < 0) continue;
      const at = fill[s] ?? 0;
      list[at] = i;
      fill[s] = at + 1;
    }
    return {
      of: (day: number) =>
        day < -1 || day >= days ? new Int32Array(0) : list.subarray(start[day + 1] ?? 0, start[day + 2] ?? 0),
    };
  }

  /** The orders of customer `c`, oldest first. */
  ordersOf(c: number): Int32Array {
    return this.customerOrderList.subarray(this.customerStart[c] ?? 0, this.customerStart[c + 1] ?? 0);
  }

  /** The status of order `i` at time `t`, or undefined before it was placed. */
  statusAt(i: number, t: number): OrderStatus | undefined {
    const created = this.created[i] ?? 0;
    if (t < created) return undefined;
    const fate = this.fate[i];
    const closed = this.closed[i] ?? Number.POSITIVE_INFINITY;
    if (fate === FATE_UNPAID) return t < closed ? 'created' : 'cancelled';
    if (t < (this.paid[i] ?? 0)) return 'created';
    if (fate === FATE_CANCELLED) return t < closed ? 'paid' : 'cancelled';
    if (t < (this.picked[i] ?? 0)) return 'paid';
    if (t < (this.shipped[i] ?? 0)) return 'picked';
    if (t < (this.delivered[i] ?? 0)) return 'shipped';
    if (fate === FATE_REFUNDED && t >= closed) return 'refunded';
    return 'delivered';
  }

  /** How many orders were placed before `t` (orders are in time order, so these are indexes 0 … n − 1). */
  placedBefore(t: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.created[middle] ?? 0) < t) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Whether order `i` was bought from a merchant's shop (rather than the platform's own). */
  merchantOf(i: number): number {
    return this.merchant[i] ?? -1;
  }
}
