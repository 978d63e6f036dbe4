/**
 * The shapes of the Double-11 promotion order stream (see `promo-orders.generator.ts`). They mirror
 * core's `promotionSchema`, `riskContextSchema` and `orderSchema` field for field (the simulator stays
 * independent of core; its tests check the records against core's schemas).
 */
import type { Order } from './shop.types';

/** What an order of the stream really is: the label a risk engine is scored against. */
export type PromoPattern =
  | 'honest'
  | 'office_bulk'
  | 'family_device'
  | 'campus'
  | 'scalper'
  | 'farming'
  | 'price_error'
  | 'coupon_abuse';

/** Every {@link PromoPattern}, honest ones first. */
export const PROMO_PATTERNS: readonly PromoPattern[] = [
  'honest',
  'office_bulk',
  'family_device',
  'campus',
  'scalper',
  'farming',
  'price_error',
  'coupon_abuse',
];

/** The abusive patterns; every other pattern is honest. */
export const ABUSIVE_PATTERNS: readonly PromoPattern[] = [
  'scalper',
  'farming',
  'price_error',
  'coupon_abuse',
];

/** Options of {@link generatePromoOrders}. */
export interface PromoOrdersOptions {
  /** Number of orders in the stream, 1 … 5,000,000 (exact). */
  orders: number;
  seed: string | number;
  /** First instant of the stream, ISO 8601 with an offset (default `2026-11-10T20:00:00+08:00`). */
  start?: string;
  /** Length of the stream in hours, 1 … 168 (default 28: the evening pre-sale, the midnight rush, Double-11 day). */
  hours?: number;
  /** Share of abusive orders, 0 … 0.5 (default 0.06). */
  abuseShare?: number;
}

/** A promotion SKU: prices in yuan. */
export interface PromotionSku {
  sku: string;
  listPrice: number;
  promoPrice: number;
}

/** A promotion, in the shape of core's `promotionSchema` (money in yuan, times with `+08:00`). */
export interface SimPromotion {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  skus: PromotionSku[];
  stock?: number;
  caps: { perAccount?: number; perCluster?: number; perAddress?: number };
  coupon?: { codes: string[]; budget: number; perCluster?: number };
  priceError: { minRatio: number };
}

/** The everyday price of a catalog SKU, in yuan. */
export interface ListPrice {
  sku: string;
  listPrice: number;
}

/** What the shop sends with an order to be scored, in the shape of core's `riskContextSchema`. */
export interface PromoRiskContext {
  account: string;
  accountCreatedAt?: string;
  device?: string;
  ip?: string;
  paymentFingerprint?: string;
  coupon?: string;
  promo?: string;
}

/** The ground truth of one order. */
export interface PromoOrderTruth {
  abusive: boolean;
  pattern: PromoPattern;
  /** The ring or group (`scalper-3`, `campus-1`), or the account id of an ordinary honest buyer. */
  actor: string;
}

/** One line of the stream (one NDJSON line of `orders.ndjson`). */
export interface PromoOrderLine {
  order: Order;
  context: PromoRiskContext;
  truth: PromoOrderTruth;
}

/** Counts of one pattern. */
export interface PatternCount {
  orders: number;
  /** Rings or groups (for `honest`: distinct accounts that may order, the pool size). */
  actors: number;
  abusive: boolean;
}

/** The ground truth of a whole stream, known before it is generated. */
export interface PromoOrdersSummary {
  seed: string;
  options: { orders: number; start: string; hours: number; abuseShare: number };
  orders: number;
  abusive: number;
  patterns: Record<PromoPattern, PatternCount>;
  /** The midnight that opens Double 11 (the rush), China time. */
  midnight: string;
  /** The mispriced SKU and its window. */
  priceError: { sku: string; listPrice: number; price: number; from: string; to: string };
}

/** What {@link generatePromoOrders} returns. */
export interface PromoOrders {
  promotions: SimPromotion[];
  listPrices: ListPrice[];
  /** The orders in time order; each iteration regenerates them (same bytes), in constant memory per order. */
  stream: Iterable<PromoOrderLine>;
  truth: PromoOrdersSummary;
}
