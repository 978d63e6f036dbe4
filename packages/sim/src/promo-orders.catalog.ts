/**
 * The Double-11 promotions of the order stream, built on the shop catalog: which SKUs each promotion
 * covers and at what price, the coupons, and the SKU groups the patterns buy from. Money is integer
 * fen here and yuan on output.
 */
import { CATALOG, CATEGORIES, type Product } from './catalog.data';

/** Every catalog product in category order. */
export const PRODUCTS: readonly Product[] = CATEGORIES.flatMap((c) => CATALOG[c]);

const BY_SKU = new Map(PRODUCTS.map((p) => [p.sku, p]));

/** The catalog product of a SKU (throws on an unknown SKU: the tables below are fixed). */
export function productOf(sku: string): Product {
  const product = BY_SKU.get(sku);
  if (product === undefined) throw new RangeError(`unknown SKU ${sku}`);
  return product;
}

/** Promotion ids. */
export const PHONE_PROMO = 'P-D11-PHONE';
export const GROCERY_PROMO = 'P-D11-GROCERY';
export const MAIN_PROMO = 'P-D11-MAIN';

/** The flash-sale phones: small stock, caps per account / cluster / address. */
export const PHONE_SKUS: ReadonlyArray<readonly [sku: string, promoFen: number]> = [
  ['EL-1007', 149_900],
  ['EL-1008', 249_900],
];
export const PHONE_CAPS = { perAccount: 2, perCluster: 4, perAddress: 4 } as const;

/** Groceries and cosmetics with a coupon (promo prices in fen). */
export const GROCERY_SKUS: ReadonlyArray<readonly [sku: string, promoFen: number]> = [
  ['GR-1001', 3_490],
  ['GR-1002', 9_900],
  ['GR-1003', 5_590],
  ['GR-1004', 4_590],
  ['GR-1005', 2_490],
  ['GR-1010', 2_990],
  ['GR-1016', 9_900],
  ['GR-1017', 3_990],
  ['GR-1022', 4_290],
  ['CO-1001', 13_900],
  ['CO-1002', 29_900],
  ['CO-1003', 4_500],
  ['CO-1004', 8_900],
  ['CO-1005', 11_900],
  ['CO-1015', 4_990],
  ['CO-1016', 3_990],
];

/** A coupon of the grocery promotion: `discountFen` off from `thresholdFen`. */
export interface PromoCoupon {
  readonly code: string;
  readonly thresholdFen: number;
  readonly discountFen: number;
  /** Only for accounts younger than 30 days, once per account. */
  readonly newAccountsOnly: boolean;
}

export const NEW_USER_COUPON: PromoCoupon = {
  code: 'D11NEW20',
  thresholdFen: 3_900,
  discountFen: 2_000,
  newAccountsOnly: true,
};
export const BIG_BASKET_COUPON: PromoCoupon = {
  code: 'D11MJ199-30',
  thresholdFen: 19_900,
  discountFen: 3_000,
  newAccountsOnly: false,
};
export const PROMO_COUPONS: readonly PromoCoupon[] = [NEW_USER_COUPON, BIG_BASKET_COUPON];
/** Coupon orders one identity cluster may place. */
export const COUPON_PER_CLUSTER = 2;

/** The general promotion: electronics and clothing at 85 % of list. */
export const MAIN_SKUS: readonly string[] = [
  'EL-1001',
  'EL-1002',
  'EL-1004',
  'EL-1005',
  'EL-1006',
  'EL-1009',
  'EL-1010',
  'EL-1011',
  'EL-1012',
  'EL-1013',
  'EL-1014',
  'EL-1017',
  'EL-1018',
  'EL-1019',
  'EL-1021',
  'EL-1022',
  'EL-1023',
  'EL-1024',
  'CL-1001',
  'CL-1002',
  'CL-1003',
  'CL-1004',
  'CL-1005',
  'CL-1006',
  'CL-1007',
  'CL-1008',
  'CL-1009',
  'CL-1011',
  'CL-1012',
  'CL-1013',
  'CL-1014',
  'CL-1015',
  'CL-1016',
  'CL-1017',
];
export const MAIN_PERCENT = 85;
export const MAIN_PER_ACCOUNT = 10;

/** Expensive SKUs of the general promotion one of which gets mispriced. */
export const PRICE_ERROR_SKUS: readonly string[] = ['EL-1009', 'EL-1013', 'EL-1018', 'EL-1022'];
/** Mispriced at this fraction of list (a slipped decimal point is 1 %). */
export const PRICE_ERROR_RATIOS: readonly number[] = [0.01, 0.02, 0.05, 0.1];

/** Cheap items outside every promotion: what order farms "sell" and scalpers warm up with. */
export const CHEAP_SKUS: readonly string[] = [
  'EL-1003',
  'EL-1015',
  'EL-1016',
  'CL-1010',
  'CL-1018',
  'CO-1012',
  'CO-1014',
  'GR-1007',
  'GR-1008',
  'GR-1009',
];

/** Office supplies outside every promotion (bought by the carton). */
export const OFFICE_SKUS: readonly string[] = [
  'GR-1006',
  'GR-1011',
  'GR-1012',
  'GR-1013',
  'GR-1015',
  'GR-1020',
  'GR-1021',
];

/** Tiny baskets just above the new-user coupon's 39-yuan threshold (at promotion prices). */
export const COUPON_BASKETS: ReadonlyArray<ReadonlyArray<readonly [sku: string, qty: number]>> = [
  [['GR-1017', 1]],
  [['CO-1016', 1]],
  [['GR-1022', 1]],
  [['CO-1003', 1]],
  [['GR-1004', 1]],
  [['GR-1005', 2]],
  [
    ['GR-1001', 1],
    ['GR-1008', 1],
  ],
];

/** Education-network /16 blocks (CERNET), where campus traffic comes from. */
export const CAMPUS_BLOCKS: readonly string[] = [
  '202.112',
  '166.111',
  '202.120',
  '219.216',
  '202.38',
  '210.32',
  '222.195',
  '59.66',
];

/** Half-up integer percent of a price in fen. */
export function percentOf(fen: number, percent: number): number {
  return Math.floor((fen * percent + 50) / 100);
}
