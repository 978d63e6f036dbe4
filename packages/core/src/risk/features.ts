import { createHmac } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { type OrderInput, toCents as toFen } from '../vault/interchange';
import { normalizeAddress, normalizePhone } from '../vault/normalize';
import type { Promotion, RiskContext } from './promotion';
import {
  PER_ACCOUNT_DIMENSIONS,
  RISK_DIMENSIONS,
  RISK_WINDOW_NAMES,
  type RiskDimension,
  type RiskObservation,
  type RiskObservationResult,
  type WindowCounts,
} from './risk-state.ports';

/**
 * The declared feature schema: every variable a rule may name, its CEL type and what it means. Rules
 * are type-checked against it when they are created, so a misspelt feature is refused with its
 * position rather than failing at checkout.
 */
export type FeatureType = 'int' | 'double' | 'bool' | 'list<string>';
export interface FeatureDeclaration {
  name: string;
  type: FeatureType;
  description: string;
}

const DIMENSION_WORDS: Record<RiskDimension, string> = {
  account: 'the buying account',
  device: 'the device',
  phone: "the receiver's phone",
  address: 'the normalized delivery address',
  ip: 'the IP address',
  ip24: 'the IPv4 /24 (IPv6 /48) network',
  payment: 'the payment fingerprint',
};
const WINDOW_WORDS = { '1m': 'minute', '1h': 'hour', '24h': '24 hours' } as const;

function declareFeatures(): FeatureDeclaration[] {
  const out: FeatureDeclaration[] = [
    { name: 'order_total', type: 'double', description: 'Order total in yuan.' },
    { name: 'order_lines', type: 'int', description: 'Order lines.' },
    { name: 'order_qty', type: 'int', description: 'Units across all lines.' },
    { name: 'max_line_qty', type: 'int', description: 'Units on the largest line.' },
    { name: 'hour_local', type: 'int', description: 'Hour of the order in China time (0–23).' },
    {
      name: 'account_age_days',
      type: 'double',
      description: 'Days from account creation to the order; -1 when accountCreatedAt was not sent.',
    },
  ];
  for (const dim of RISK_DIMENSIONS) {
    for (const w of RISK_WINDOW_NAMES) {
      out.push({
        name: `${dim}_orders_${w}`,
        type: 'int',
        description: `Orders with ${DIMENSION_WORDS[dim]} in the last ${WINDOW_WORDS[w]}, this one included (0 when unknown).`,
      });
    }
  }
  for (const dim of RISK_DIMENSIONS) {
    if (dim === 'account') continue;
    for (const w of RISK_WINDOW_NAMES) {
      out.push({
        name: `${dim}_accounts_${w}`,
        type: 'int',
        description: `Distinct accounts that used ${DIMENSION_WORDS[dim]} in the last ${WINDOW_WORDS[w]} (0 when unknown).`,
      });
    }
  }
  for (const dim of PER_ACCOUNT_DIMENSIONS) {
    for (const w of RISK_WINDOW_NAMES) {
      out.push({
        name: `account_${dim}s_${w}`,
        type: 'int',
        description: `Distinct values of ${DIMENSION_WORDS[dim]} this account used in the last ${WINDOW_WORDS[w]}.`,
      });
    }
  }
  out.push(
    {
      name: 'cluster_accounts',
      type: 'int',
      description:
        'Accounts in the identity cluster (linked through shared device, phone, address or payment).',
    },
    {
      name: 'cluster_newest_account_days',
      type: 'double',
      description: "Age in days of the cluster's newest account; -1 when no account age is known.",
    },
    {
      name: 'cluster_oldest_account_days',
      type: 'double',
      description: "Age in days of the cluster's oldest account; -1 when no account age is known.",
    },
    { name: 'in_promo', type: 'bool', description: 'The order buys SKUs of a promotion running now.' },
    { name: 'promo_qty', type: 'int', description: "Units of the promotion's SKUs in this order." },
    {
      name: 'promo_account_qty',
      type: 'int',
      description: 'Promotion units bought by the account, this order included.',
    },
    {
      name: 'promo_cluster_qty',
      type: 'int',
      description: 'Promotion units bought by the identity cluster, this order included.',
    },
    {
      name: 'promo_address_qty',
      type: 'int',
      description: 'Promotion units shipped to this address, this order included.',
    },
    {
      name: 'promo_cluster_orders',
      type: 'int',
      description: 'Promotion orders by the identity cluster, this one included.',
    },
    {
      name: 'promo_over_account_cap',
      type: 'bool',
      description: "The account's promotion units exceed the per-account cap.",
    },
    {
      name: 'promo_over_cluster_cap',
      type: 'bool',
      description: "The cluster's promotion units exceed the per-cluster cap.",
    },
    {
      name: 'promo_over_address_cap',
      type: 'bool',
      description: "The address's promotion units exceed the per-address cap.",
    },
    {
      name: 'promo_stock_left',
      type: 'int',
      description: 'Promotion units left after this order; -1 when stock is unlimited.',
    },
    { name: 'has_coupon', type: 'bool', description: 'The order uses a coupon.' },
    { name: 'coupon_known', type: 'bool', description: 'The coupon belongs to a promotion running now.' },
    {
      name: 'coupon_amount',
      type: 'double',
      description: 'Coupon discount on this order, in yuan (items sum minus total).',
    },
    {
      name: 'coupon_budget_left',
      type: 'double',
      description: "Yuan left in the promotion's coupon budget after this order; -1 without one.",
    },
    {
      name: 'coupon_cluster_orders',
      type: 'int',
      description: 'Coupon orders in this promotion by the identity cluster, this one included.',
    },
    {
      name: 'coupon_over_cluster_cap',
      type: 'bool',
      description: "The cluster's coupon orders exceed the promotion's per-cluster coupon cap.",
    },
    {
      name: 'min_price_ratio',
      type: 'double',
      description:
        'Lowest item price divided by its list price over items whose list price is known; 1 when none is.',
    },
    {
      name: 'price_error',
      type: 'bool',
      description:
        "An item is priced under the promotion's price-error ratio (or half its list price outside promotions).",
    },
    { name: 'price_error_qty', type: 'int', description: 'Units bought at a suspected price error.' },
    { name: 'has_device', type: 'bool', description: 'The context named a device.' },
    { name: 'has_ip', type: 'bool', description: 'The context named an IP address.' },
    { name: 'has_payment', type: 'bool', description: 'The context named a payment fingerprint.' },
    { name: 'has_account_age', type: 'bool', description: 'The context named accountCreatedAt.' },
    {
      name: 'context_missing',
      type: 'list<string>',
      description: 'Context fields that were not sent (accountCreatedAt, device, ip, paymentFingerprint).',
    },
    {
      name: 'repeat',
      type: 'bool',
      description: 'This order id was scored before (its counts were not added again).',
    },
  );
  return out;
}

export const FEATURE_SCHEMA: readonly FeatureDeclaration[] = declareFeatures();
export const FEATURE_NAMES: ReadonlySet<string> = new Set(FEATURE_SCHEMA.map((f) => f.name));

/** Feature values as CEL sees them: ints are bigints. */
export type FeatureValue = bigint | number | boolean | readonly string[];
export type Features = Record<string, FeatureValue>;

/** What the engine knows about prices and promotions at the order's time. */
export interface PriceBook {
  /** Everyday price per SKU, in yuan. */
  listPrice(sku: string): number | undefined;
}

/** A price book over rows of everyday prices (the API's list prices, a backtest's price file). */
export function priceBookOf(rows: ReadonlyArray<{ sku: string; listPrice: number }>): PriceBook {
  const map = new Map(rows.map((r) => [r.sku, r.listPrice]));
  return { listPrice: (sku) => map.get(sku) };
}

/** Keyed pseudonyms for the state store: no phone, address, IP or account reaches it in the clear. */
export type RiskKeyFn = (dimension: RiskDimension, value: string) => string;

export function riskKeyFn(key: Uint8Array, cacheSize = 100_000): RiskKeyFn {
  // Devices, addresses, networks and accounts repeat within a sale: a bounded memo of recent
  // pseudonyms saves most HMACs. It lives only in this process's memory, like the request itself.
  let cache = new Map<string, string>();
  return (dimension, value) => {
    const id = `${dimension}\0${value}`;
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const pseudonym = createHmac('sha256', key).update(id).digest('base64url').slice(0, 22);
    if (cache.size >= cacheSize) cache = new Map();
    cache.set(id, pseudonym);
    return pseudonym;
  };
}

/** The /24 of an IPv4 address or the /48 of an IPv6 address. */
export function ipNetwork(ip: string): string {
  if (isIPv4(ip)) return ip.slice(0, ip.lastIndexOf('.'));
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/u, ''))
    .join(':');
}

/** The order's facts that depend only on itself and the promotion, before the state store is consulted. */
export interface OrderFacts {
  at: number;
  promotion: Promotion | undefined;
  promoQty: number;
  couponFen: number;
  couponKnown: boolean;
  hasCoupon: boolean;
  missing: string[];
  observation: RiskObservation;
  minPriceRatio: number;
  priceErrorQty: number;
}

/** Picks the promotion an order falls under: the one it names if running, else the first running one selling its SKUs. */
export function promotionFor(
  promotions: readonly Promotion[],
  order: OrderInput,
  context: RiskContext,
  at: number,
): Promotion | undefined {
  const running = (p: Promotion) => Date.parse(p.startsAt) <= at && at < Date.parse(p.endsAt);
  if (context.promo) {
    const named = promotions.find((p) => p.id === context.promo);
    if (named && running(named)) return named;
  }
  const skus = new Set(order.items.map((i) => i.sku));
  return promotions.find((p) => running(p) && p.skus.some((s) => skus.has(s.sku)));
}

/** Reduces an order and its context to the pseudonymised observation plus the facts the features need. */
export function orderFacts(
  order: OrderInput,
  context: RiskContext,
  promotions: readonly Promotion[],
  prices: PriceBook,
  key: RiskKeyFn,
): OrderFacts {
  const at = Date.parse(order.createdAt);
  const promotion = promotionFor(promotions, order, context, at);
  const promoSkus = new Map(promotion?.skus.map((s) => [s.sku, s]) ?? []);
  let promoQty = 0;
  let itemsFen = 0;
  let minPriceRatio = 1;
  let priceErrorQty = 0;
  const errorRatio = promotion?.priceError.minRatio ?? 0.5;
  for (const item of order.items) {
    itemsFen += toFen(item.price) * item.qty;
    const promoSku = promoSkus.get(item.sku);
    if (promoSku) promoQty += item.qty;
    const list = promoSku?.listPrice ?? prices.listPrice(item.sku);
    if (list !== undefined && list > 0) {
      const ratio = item.price / list;
      if (ratio < minPriceRatio) minPriceRatio = ratio;
      if (ratio < errorRatio) priceErrorQty += item.qty;
    }
  }
  const coupon = context.coupon ?? order.coupon;
  const couponFen = coupon ? Math.max(0, itemsFen - toFen(order.total)) : 0;
  const couponKnown = coupon !== undefined && promotion?.coupon?.codes.includes(coupon) === true;
  const device = context.device ?? order.device;
  const ip = context.ip ?? order.ip;
  const payment = context.paymentFingerprint ?? order.paymentFingerprint;
  const phone = normalizePhone(order.receiver.phone)?.digits;
  const r = order.receiver;
  const keys: RiskObservation['keys'] = {
    account: key('account', context.account),
    address: key('address', normalizeAddress(`${r.province}${r.city}${r.district}${r.street}`)),
  };
  if (phone) keys.phone = key('phone', phone);
  if (device) keys.device = key('device', device);
  if (ip) {
    keys.ip = key('ip', ip);
    keys.ip24 = key('ip24', ipNetwork(ip));
  }
  if (payment) keys.payment = key('payment', payment);
  const missing: string[] = [];
  if (!context.accountCreatedAt) missing.push('accountCreatedAt');
  if (!device) missing.push('device');
  if (!ip) missing.push('ip');
  if (!payment) missing.push('paymentFingerprint');
  const observation: RiskObservation = { orderId: order.id, at, keys };
  if (context.accountCreatedAt) observation.accountCreatedAt = Date.parse(context.accountCreatedAt);
  if (promotion && promoQty > 0) {
    observation.promo = { id: promotion.id, qty: promoQty, couponFen: couponKnown ? couponFen : 0 };
  }
  return {
    at,
    promotion: promoQty > 0 ? promotion : undefined,
    promoQty,
    couponFen,
    couponKnown,
    hasCoupon: coupon !== undefined,
    missing,
    observation,
    minPriceRatio,
    priceErrorQty,
  };
}

const DAY = 86_400_000;
const ZERO: WindowCounts = { '1m': 0, '1h': 0, '24h': 0 };

/** The China-time hour of an instant. */
function chinaHour(at: number): number {
  return new Date(at + 8 * 3_600_000).getUTCHours();
}

/** Builds the feature record a rule sees from the order's facts and the state store's answer. */
export function buildFeatures(
  order: OrderInput,
  facts: OrderFacts,
  state: RiskObservationResult,
  needed?: ReadonlySet<string>,
): Features {
  const f: Features = {};
  // The window families are most of the work (54 bigints); with `needed` only the ones rules read are built.
  const want = (name: string) => needed === undefined || needed.has(name);
  let qty = 0;
  let maxLine = 0;
  for (const item of order.items) {
    qty += item.qty;
    if (item.qty > maxLine) maxLine = item.qty;
  }
  f.order_total = order.total;
  f.order_lines = BigInt(order.items.length);
  f.order_qty = BigInt(qty);
  f.max_line_qty = BigInt(maxLine);
  f.hour_local = BigInt(chinaHour(facts.at));
  const created = facts.observation.accountCreatedAt;
  f.account_age_days = created === undefined ? -1 : Math.max(0, (facts.at - created) / DAY);
  for (const dim of RISK_DIMENSIONS) {
    const counts = state.orders[dim] ?? ZERO;
    for (const w of RISK_WINDOW_NAMES) {
      const name = `${dim}_orders_${w}`;
      if (want(name)) f[name] = BigInt(counts[w]);
    }
    if (dim !== 'account') {
      const accounts = state.accountsPer[dim] ?? ZERO;
      for (const w of RISK_WINDOW_NAMES) {
        const name = `${dim}_accounts_${w}`;
        if (want(name)) f[name] = BigInt(accounts[w]);
      }
    }
  }
  for (const dim of PER_ACCOUNT_DIMENSIONS) {
    const counts = state.perAccount[dim] ?? ZERO;
    for (const w of RISK_WINDOW_NAMES) {
      const name = `account_${dim}s_${w}`;
      if (want(name)) f[name] = BigInt(counts[w]);
    }
  }
  const c = state.cluster;
  f.cluster_accounts = BigInt(c.accounts);
  f.cluster_newest_account_days =
    c.newestAccountAt === null ? -1 : Math.max(0, (facts.at - c.newestAccountAt) / DAY);
  f.cluster_oldest_account_days =
    c.oldestAccountAt === null ? -1 : Math.max(0, (facts.at - c.oldestAccountAt) / DAY);
  const p = facts.promotion;
  const pv = state.promo;
  f.in_promo = p !== undefined;
  f.promo_qty = BigInt(facts.promoQty);
  f.promo_account_qty = BigInt(pv?.accountQty ?? 0);
  f.promo_cluster_qty = BigInt(pv?.clusterQty ?? 0);
  f.promo_address_qty = BigInt(pv?.addressQty ?? 0);
  f.promo_cluster_orders = BigInt(pv?.clusterOrders ?? 0);
  const caps = p?.caps ?? {};
  f.promo_over_account_cap =
    pv !== undefined && caps.perAccount !== undefined && pv.accountQty > caps.perAccount;
  f.promo_over_cluster_cap =
    pv !== undefined && caps.perCluster !== undefined && pv.clusterQty > caps.perCluster;
  f.promo_over_address_cap =
    pv !== undefined && caps.perAddress !== undefined && pv.addressQty > caps.perAddress;
  f.promo_stock_left = BigInt(p?.stock === undefined || !pv ? -1 : p.stock - pv.soldQty);
  f.has_coupon = facts.hasCoupon;
  f.coupon_known = facts.couponKnown;
  f.coupon_amount = facts.couponFen / 100;
  const budget = p?.coupon?.budget;
  f.coupon_budget_left = budget === undefined || !pv ? -1 : budget - pv.couponSpentFen / 100;
  f.coupon_cluster_orders = BigInt(facts.couponKnown ? (pv?.clusterCouponOrders ?? 0) : 0);
  const couponCap = p?.coupon?.perCluster;
  f.coupon_over_cluster_cap =
    facts.couponKnown && couponCap !== undefined && (pv?.clusterCouponOrders ?? 0) > couponCap;
  f.min_price_ratio = facts.minPriceRatio;
  f.price_error = facts.priceErrorQty > 0;
  f.price_error_qty = BigInt(facts.priceErrorQty);
  f.has_device = state.orders.device !== undefined;
  f.has_ip = state.orders.ip !== undefined;
  f.has_payment = state.orders.payment !== undefined;
  f.has_account_age = created !== undefined;
  f.context_missing = facts.missing;
  f.repeat = state.repeat;
  return f;
}

/** A feature value as JSON (bigints become numbers; values are small counts). */
export function featureJson(value: FeatureValue): number | boolean | string[] {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'object' ? [...value] : value;
}
