import type { Category } from './catalog.data';

/**
 * The interchange shapes the simulator produces: the same customers and orders a shop hands to
 * Cordon's importer (NDJSON, or CSV with dotted column names). Optional fields are omitted, never
 * present as `undefined`, so that JSON, CSV and deep equality all see the same record.
 */

/** Order lifecycle states, in the order an order normally moves through them. */
export type OrderStatus = 'created' | 'paid' | 'picked' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';

/** Every {@link OrderStatus}. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'created',
  'paid',
  'picked',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
];

/** Where an order was placed. */
export type Channel = 'app' | 'web' | 'mini-program';

/** A shop customer account. */
export interface Customer {
  /** `C` + at least 6 digits, in sign-up order (`C000001` signed up first). */
  id: string;
  name: string;
  /** A mainland mobile number: 11 digits, or another accepted spelling when messy formats are on. */
  phone: string;
  email?: string;
  /** 18-character resident ID number with a valid GB 11643 check character. */
  idNumber?: string;
  /** ISO 8601 with the `+08:00` offset, to the second. */
  createdAt: string;
}

/** Who receives a parcel and where; the PII most at risk in order records. */
export interface Receiver {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  street: string;
}

/** One order line. `price` is the unit price actually charged, in yuan with at most two decimals. */
export interface OrderItem {
  sku: string;
  name: string;
  price: number;
  qty: number;
}

/** A shop order. Money is in yuan with at most two decimals, computed in integer fen. */
export interface Order {
  /** `O` + at least 8 digits, in time order (`O00000001` is the earliest). */
  id: string;
  customerId: string;
  /** ISO 8601 with the `+08:00` offset, to the second; never before the customer's `createdAt`. */
  createdAt: string;
  status: OrderStatus;
  receiver: Receiver;
  items: OrderItem[];
  /** Sum of price × qty minus the coupon discount (capped so it is never negative). */
  total: number;
  channel?: string;
  device?: string;
  ip?: string;
  paymentFingerprint?: string;
  coupon?: string;
  promo?: string;
}

/** Options of the synthetic shop. Everything but `customers` and `seed` has a default. */
export interface ShopOptions {
  /** Number of customers (0 … 99,999,999). */
  customers: number;
  /**
   * Mean orders per customer (default 2.5). The shop has exactly `round(customers × mean)` orders;
   * per customer the count varies (heavy and light buyers, late sign-ups order less, some never).
   */
  ordersPerCustomer?: number;
  seed: string | number;
  /** Start of the order window (default 2025-09-15T00:00:00+08:00, so Double 11 and 12 fall inside). */
  start?: Date;
  /** Length of the order window in days (default 90). */
  days?: number;
  /**
   * Write some phone numbers the way people type them (`+86 138-1234-5678`, `138 1234 5678`,
   * `+8613812345678`): about 5 % of customer and receiver phones. Default false: always 11 digits.
   * Messy and plain shops of the same seed are identical apart from those spellings.
   */
  messyFormats?: boolean;
}

/** A whole shop in memory; see the streaming generators for large shops. */
export interface Shop {
  customers: Customer[];
  orders: Order[];
}

/** A postal address with its district's division code. */
export interface Address {
  province: string;
  city: string;
  district: string;
  street: string;
  /** 6-digit GB/T 2260 code of the district. */
  regionCode: string;
}

/** Someone who receives parcels for a customer. */
export interface FamilyMember {
  relation: 'spouse' | 'parent' | 'child' | 'sibling';
  name: string;
  /** Always the plain 11-digit form. */
  phone: string;
}

/**
 * Everything the simulator knows about one customer, beyond the interchange record: the ground truth
 * that later simulations (insider threat, order fraud, canaries) build on. Pure function of the
 * options and the customer's index.
 */
export interface CustomerProfile {
  /** 0-based position: customer `C000001` has index 0. */
  index: number;
  customer: Customer;
  /** The phone in its plain 11-digit form (the record may spell it differently). */
  phone: string;
  gender: 'female' | 'male';
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** 1–3 addresses; the first is home and receives most parcels. */
  addresses: Address[];
  family: FamilyMember[];
  /** The channel this customer uses most. */
  channel: Channel;
  /** A stable device id per channel. */
  devices: Record<Channel, string>;
  /** 1–2 payment instruments (wallet or card fingerprints). */
  paymentFingerprints: string[];
  /** The home broadband /24 (first three octets), e.g. `116.228.37`. */
  homeNetwork: string;
  /** Relative buying activity in (0, 1]: heavy buyers are 1. */
  activity: number;
  /** 1–2 favourite product categories (may repeat); most order lines come from them. */
  interests: Category[];
}
