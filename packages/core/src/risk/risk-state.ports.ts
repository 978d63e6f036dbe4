/**
 * The risk engine's shared state: sliding-window velocity, distinct counts, identity clusters and
 * promotion counters. Embedded mode keeps it in process (MemoryRiskState); with CORDON_REDIS_URL it
 * lives in Redis (RedisRiskState) so many server processes share it. Both implement this port with
 * the same semantics and pass the same contract suite.
 *
 * Every key handed to the store is already pseudonymised by core (keyed hash of the normalised
 * value): the store never sees a phone number, address, IP or account id in the clear.
 */

/** The sliding windows features are counted over, in milliseconds. */
export const RISK_WINDOWS = { '1m': 60_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type RiskWindow = keyof typeof RISK_WINDOWS;
export const RISK_WINDOW_NAMES = ['1m', '1h', '24h'] as const satisfies readonly RiskWindow[];

/** The attributes velocity is counted per. `ip24` is the IPv4 /24 (or IPv6 /48) of `ip`. */
export const RISK_DIMENSIONS = ['account', 'device', 'phone', 'address', 'ip', 'ip24', 'payment'] as const;
export type RiskDimension = (typeof RISK_DIMENSIONS)[number];

/** Attributes that link accounts into identity clusters. */
export const LINK_DIMENSIONS = ['device', 'phone', 'address', 'payment'] as const;
export type LinkDimension = (typeof LINK_DIMENSIONS)[number];

/** Dimensions whose distinct values are counted per account (how many devices did this account use…). */
export const PER_ACCOUNT_DIMENSIONS = ['device', 'phone', 'address', 'payment', 'ip24'] as const;
export type PerAccountDimension = (typeof PER_ACCOUNT_DIMENSIONS)[number];

export interface WindowCounts {
  '1m': number;
  '1h': number;
  '24h': number;
}

export interface RiskObservation {
  /** The shop's order id; observing the same order id twice counts it once. */
  orderId: string;
  /** Order time, epoch milliseconds. Windows end at this instant (inclusive) — never at wall-clock time. */
  at: number;
  /** Pseudonymised value per dimension; a dimension is absent when its context field was missing. `account` is always present. */
  keys: Partial<Record<RiskDimension, string>> & { account: string };
  /** When the account was created (epoch ms), if the shop said so. */
  accountCreatedAt?: number;
  /** Promotion accounting, present when the order falls in an active promotion. */
  promo?: {
    id: string;
    /** Units of the promotion's SKUs in this order. */
    qty: number;
    /** Coupon money (in fen) this order spends from the promotion's coupon budget; 0 without a coupon. */
    couponFen: number;
  };
}

export interface ClusterView {
  /** Stable id of the cluster's current root (a pseudonymised node id); changes when clusters merge. */
  id: string;
  /** Accounts in the cluster, this one included. */
  accounts: number;
  /** Oldest and newest accountCreatedAt among the cluster's accounts (epoch ms), null when none was given. */
  oldestAccountAt: number | null;
  newestAccountAt: number | null;
}

export interface PromoView {
  /** Units bought in this promotion (this order included) by the account, its cluster, and to this address. */
  accountQty: number;
  clusterQty: number;
  /** 0 when the address is unknown. */
  addressQty: number;
  /** Orders in this promotion by the cluster, this one included. */
  clusterOrders: number;
  /** Units sold across the whole promotion, this order included. */
  soldQty: number;
  /** Coupon money spent across the promotion (fen), this order included. */
  couponSpentFen: number;
  /** Orders with a coupon in this promotion by the cluster, this one included. */
  clusterCouponOrders: number;
}

export interface RiskObservationResult {
  /** Orders per present dimension value in each window, this one included. */
  orders: Partial<Record<RiskDimension, WindowCounts>>;
  /** Distinct accounts seen with this dimension value in each window, this one included (non-account dimensions present). */
  accountsPer: Partial<Record<Exclude<RiskDimension, 'account'>, WindowCounts>>;
  /** Distinct values of each dimension this account used in each window, this one included (dimensions present). */
  perAccount: Partial<Record<PerAccountDimension, WindowCounts>>;
  /** The identity cluster after linking this order's attributes. */
  cluster: ClusterView;
  /** Present when the observation carried a promotion. */
  promo?: PromoView;
  /** True when this order id had been observed before (nothing was counted again). */
  repeat: boolean;
}

export interface RiskStateOptions {
  /**
   * A linking attribute value that has already linked this many distinct accounts stops linking
   * further accounts: it is a shared place or device (a campus gate, an office, an internet café),
   * not an identity. Defaults: device 12, phone 6, address 8, payment 12.
   */
  linkLimit: Record<LinkDimension, number>;
}

export const DEFAULT_LINK_LIMITS: Readonly<Record<LinkDimension, number>> = {
  device: 12,
  phone: 6,
  address: 8,
  payment: 12,
};

export interface RiskStateStore {
  /** Records the order and answers the counts with it included. Atomic per call. */
  observe(observation: RiskObservation): Promise<RiskObservationResult>;
  /** Records many orders in the given order (time order) and answers each result; used by backtests and batches. */
  observeMany(observations: readonly RiskObservation[]): Promise<RiskObservationResult[]>;
  /** Drops all state (tests, backtests). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
