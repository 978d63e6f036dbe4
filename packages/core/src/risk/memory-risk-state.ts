/**
 * The risk engine's shared state kept in process (embedded mode, backtests, tests). Same semantics as
 * RedisRiskState, proven by one contract suite (packages/storage/src/risk-state.contract.ts).
 *
 * Windows are counted by order time, never by arrival: every structure is sorted by timestamp, so an
 * order that arrives late is counted at its own time and is answered for its own instant. Window state
 * older than 24 h plus a one-hour grace (behind the newest order time seen) is pruned lazily; clusters
 * and promotion counters are kept.
 */
import {
  type ClusterView,
  DEFAULT_LINK_LIMITS,
  LINK_DIMENSIONS,
  type LinkDimension,
  PER_ACCOUNT_DIMENSIONS,
  type PromoView,
  RISK_DIMENSIONS,
  RISK_WINDOWS,
  type RiskDimension,
  type RiskObservation,
  type RiskObservationResult,
  type RiskStateOptions,
  type RiskStateStore,
  type WindowCounts,
} from './risk-state.ports';

const W1M = RISK_WINDOWS['1m'];
const W1H = RISK_WINDOWS['1h'];
const W24H = RISK_WINDOWS['24h'];

/**
 * Window entries older than this (behind the newest order time) may be dropped. The hour beyond 24 h
 * keeps orders that arrive up to an hour late counted exactly; RedisRiskState uses the same figure.
 */
export const RISK_WINDOW_RETENTION_MS = W24H + 3_600_000;
/** Order ids are remembered at least this long (order time) so a replayed order is recognised. */
export const RISK_SEEN_ORDER_RETENTION_MS = 48 * 3_600_000;
/** How far order time advances between full sweeps of the window state. */
const SWEEP_EVERY_MS = 3_600_000;

/** Index of the first element in a[from..] greater than x (a sorted ascending). */
function upperBound(a: readonly number[], from: number, x: number): number {
  let lo = from;
  let hi = a.length;
  if (hi > lo && (a[hi - 1] ?? 0) <= x) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element in a[from..] not less than x. */
function lowerBound(a: readonly number[], from: number, x: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Order times sorted ascending; the prefix before `head` is pruned and compacted away in bulk. */
class TimeList {
  protected times: number[] = [];
  protected head = 0;

  add(t: number): number {
    const times = this.times;
    if (times.length === this.head || t >= (times[times.length - 1] ?? 0)) {
      times.push(t);
      return times.length - 1;
    }
    const i = upperBound(times, this.head, t);
    times.splice(i, 0, t);
    return i;
  }

  /** Entries in (lo, hi]. */
  count(lo: number, hi: number): number {
    return upperBound(this.times, this.head, hi) - upperBound(this.times, this.head, lo);
  }

  prune(cutoff: number): void {
    const times = this.times;
    let h = this.head;
    if (h === times.length || (times[h] ?? 0) > cutoff) return;
    while (h < times.length && (times[h] ?? 0) <= cutoff) h++;
    if (h * 2 > times.length) {
      this.times = times.slice(h);
      this.dropTags(h);
      h = 0;
    }
    this.head = h;
  }

  get empty(): boolean {
    return this.head === this.times.length;
  }

  /** The latest time held; -Infinity when empty. */
  get newest(): number {
    return this.head === this.times.length
      ? Number.NEGATIVE_INFINITY
      : (this.times[this.times.length - 1] ?? Number.NEGATIVE_INFINITY);
  }

  protected dropTags(_count: number): void {}
}

/**
 * An account's orders by time with their keys, so a late observation can tell when the account last
 * used a value (its own history is short, unlike a shared value's).
 */
class AccountOrders extends TimeList {
  private keys: Keys[] = [];

  addOrder(t: number, keys: Keys): void {
    const i = this.add(t);
    if (i === this.keys.length) this.keys.push(keys);
    else this.keys.splice(i, 0, keys);
  }

  /** The latest time in (lo, hi] at which the account used `value` for `dim`; lo when it did not. */
  latest(lo: number, hi: number, dim: RiskDimension, value: string): number {
    const times = this.times;
    for (let i = upperBound(times, this.head, hi) - 1; i >= this.head; i--) {
      const t = times[i] ?? lo;
      if (t <= lo) break;
      if (this.keys[i]?.[dim] === value) return t;
    }
    return lo;
  }

  protected override dropTags(count: number): void {
    this.keys = this.keys.slice(count);
  }
}

/** Above this many live members a DistinctIndex keeps a map from member to latest time. */
const INDEX_MAP_FROM = 16;

/**
 * Distinct members by the latest time each was seen, sorted by that time, so "members whose latest
 * time is in (lo, hi]" is two binary searches. Small sets (most values have one or two accounts) find
 * a member by scanning; larger ones keep a map. Members whose latest time is after hi (a late
 * observation) are listed by `lateMembers` for an exact check against the order history.
 */
class DistinctIndex {
  private ts: number[] = [];
  private ms: string[] = [];
  private head = 0;
  private max: Map<string, number> | null = null;

  touch(member: string, t: number): void {
    const ts = this.ts;
    const ms = this.ms;
    const i = this.indexOf(member);
    if (i < 0) {
      this.insert(t, member);
      if (this.max) this.max.set(member, t);
      else if (ms.length - this.head > INDEX_MAP_FROM) {
        this.max = new Map();
        for (let j = this.head; j < ms.length; j++) this.max.set(ms[j] ?? '', ts[j] ?? 0);
      }
      return;
    }
    if (t <= (ts[i] ?? 0)) return;
    this.max?.set(member, t);
    if (i === ts.length - 1 || t <= (ts[i + 1] ?? 0)) {
      ts[i] = t;
      return;
    }
    ts.splice(i, 1);
    ms.splice(i, 1);
    this.insert(t, member);
  }

  /** Members whose latest time is in (lo, hi]. */
  count(lo: number, hi: number): number {
    return upperBound(this.ts, this.head, hi) - upperBound(this.ts, this.head, lo);
  }

  /** Members whose latest time is after hi; usually none. */
  lateMembers(hi: number): readonly string[] {
    const from = upperBound(this.ts, this.head, hi);
    return from === this.ts.length ? NONE : this.ms.slice(from);
  }

  prune(cutoff: number): void {
    const ts = this.ts;
    let h = this.head;
    if (h === ts.length || (ts[h] ?? 0) > cutoff) return;
    while (h < ts.length && (ts[h] ?? 0) <= cutoff) {
      this.max?.delete(this.ms[h] ?? '');
      h++;
    }
    if (h * 2 > ts.length) {
      this.ts = ts.slice(h);
      this.ms = this.ms.slice(h);
      h = 0;
    }
    this.head = h;
  }

  get empty(): boolean {
    return this.head === this.ts.length;
  }

  private indexOf(member: string): number {
    const ms = this.ms;
    if (!this.max) {
      for (let i = ms.length - 1; i >= this.head; i--) if (ms[i] === member) return i;
      return -1;
    }
    const t = this.max.get(member);
    if (t === undefined) return -1;
    let i = lowerBound(this.ts, this.head, t);
    while (i < ms.length && ms[i] !== member) i++;
    return i < ms.length ? i : -1;
  }

  private insert(t: number, member: string): void {
    const ts = this.ts;
    if (ts.length === this.head || t >= (ts[ts.length - 1] ?? 0)) {
      ts.push(t);
      this.ms.push(member);
    } else {
      const i = upperBound(ts, this.head, t);
      ts.splice(i, 0, t);
      this.ms.splice(i, 0, member);
    }
  }
}

const NONE: readonly string[] = [];

type Keys = Partial<Record<RiskDimension, string>>;

/** Window state of one value of a non-account dimension. */
interface ValueState {
  /** Times of the orders with this value. */
  orders: TimeList;
  /** Accounts by the latest time they used this value. */
  accounts: DistinctIndex;
  /** Link dimensions: the value's cluster node once looked up (undefined: not yet, null: none). */
  node: ClusterNode | null | undefined;
}

/** Window state of one account. */
interface AccountState {
  /** The account's orders with their keys. */
  orders: AccountOrders;
  /** By dimension index: values by the latest time this account used them. */
  values: (DistinctIndex | undefined)[];
  /** The account's cluster node (kept apart: clusters outlive window state). */
  node: ClusterNode | undefined;
}

interface ClusterPromo {
  qty: number;
  orders: number;
  couponOrders: number;
}

/** A union-find node: an account or a linking attribute value. Aggregates are valid on roots. */
interface ClusterNode {
  id: string;
  parent: ClusterNode | null;
  size: number;
  accounts: number;
  oldest: number | null;
  newest: number | null;
  /** Account nodes: the first createdAt given. */
  createdAt: number | null;
  promo: Map<string, ClusterPromo> | null;
  /** Attribute nodes: the accounts this value linked (at most the link limit). */
  linked: Set<string> | null;
}

interface PromoState {
  sold: number;
  couponFen: number;
  byAccount: Map<string, number>;
  byAddress: Map<string, number>;
}

const DIM_COUNT = RISK_DIMENSIONS.length;
const ACCOUNT_DIM = RISK_DIMENSIONS.indexOf('account');
const IS_PER_ACCOUNT: readonly boolean[] = RISK_DIMENSIONS.map((d) =>
  (PER_ACCOUNT_DIMENSIONS as readonly string[]).includes(d),
);
const IS_LINK: readonly boolean[] = RISK_DIMENSIONS.map((d) =>
  (LINK_DIMENSIONS as readonly string[]).includes(d),
);

/** Checks the numbers both implementations rely on; a bad observation changes nothing. */
export function assertRiskObservation(o: RiskObservation): void {
  if (!Number.isFinite(o.at))
    throw new RangeError(`risk observation ${o.orderId}: at must be a finite number`);
  if (typeof o.keys?.account !== 'string')
    throw new RangeError(`risk observation ${o.orderId}: keys.account is required`);
  if (o.accountCreatedAt != null && !Number.isFinite(o.accountCreatedAt))
    throw new RangeError(`risk observation ${o.orderId}: accountCreatedAt must be a finite number`);
  if (o.promo && (!Number.isSafeInteger(o.promo.qty) || !Number.isSafeInteger(o.promo.couponFen)))
    throw new RangeError(`risk observation ${o.orderId}: promo qty and couponFen must be integers`);
}

/** Link limits with defaults filled in. */
export function riskLinkLimits(options?: Partial<RiskStateOptions>): Record<LinkDimension, number> {
  return { ...DEFAULT_LINK_LIMITS, ...options?.linkLimit };
}

/**
 * In-process RiskStateStore: no I/O, one process, ~50–70k observations/s on one core. Sorted arrays with
 * binary search for windows, a union-find (by size, path compression) for clusters, lazy pruning.
 */
export class MemoryRiskState implements RiskStateStore {
  private readonly limits: Record<LinkDimension, number>;
  private values: Map<string, ValueState>[] = [];
  private accounts = new Map<string, AccountState>();
  private accountNodes = new Map<string, ClusterNode>();
  private attributeNodes: Map<string, ClusterNode>[] = [];
  private promos = new Map<string, PromoState>();
  private seen = new Set<string>();
  private seenIds: string[] = [];
  private seenAts: number[] = [];
  private seenHead = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options?: Partial<RiskStateOptions>) {
    this.limits = riskLinkLimits(options);
    this.reset();
  }

  observe(observation: RiskObservation): Promise<RiskObservationResult> {
    try {
      return Promise.resolve(this.observeNow(observation));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  observeMany(observations: readonly RiskObservation[]): Promise<RiskObservationResult[]> {
    try {
      return Promise.resolve(observations.map((o) => this.observeNow(o)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  clear(): Promise<void> {
    this.reset();
    return Promise.resolve();
  }

  /** How much window state the store holds (accounts, values over all dimensions, remembered order ids). */
  stats(): { accounts: number; values: number; seenOrders: number } {
    let values = 0;
    for (const map of this.values) values += map.size;
    return { accounts: this.accounts.size, values, seenOrders: this.seen.size };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private reset(): void {
    this.values = RISK_DIMENSIONS.map(() => new Map());
    this.accounts = new Map();
    this.attributeNodes = RISK_DIMENSIONS.map(() => new Map());
    this.accountNodes = new Map();
    this.promos = new Map();
    this.seen = new Set();
    this.seenIds = [];
    this.seenAts = [];
    this.seenHead = 0;
    this.newest = Number.NEGATIVE_INFINITY;
    this.lastSweep = Number.NEGATIVE_INFINITY;
  }

  /** observe without the promise, for in-process callers (backtests). */
  observeNow(o: RiskObservation): RiskObservationResult {
    assertRiskObservation(o);
    const at = o.at;
    const account = o.keys.account;
    const keys = o.keys as Keys;
    const repeat = this.seen.has(o.orderId);
    let cutoff = Number.NEGATIVE_INFINITY;
    if (!repeat) {
      this.seen.add(o.orderId);
      this.seenIds.push(o.orderId);
      this.seenAts.push(at);
      if (at > this.newest) this.newest = at;
      if (this.newest - this.lastSweep >= SWEEP_EVERY_MS) this.sweep();
      cutoff = this.newest - RISK_WINDOW_RETENTION_MS;
    }
    const result: RiskObservationResult = {
      orders: {},
      accountsPer: {},
      perAccount: {},
      cluster: NO_CLUSTER,
      repeat,
    };

    let acct = this.accounts.get(account);
    let accountNode = acct?.node ?? this.accountNodes.get(account);
    if (!repeat) {
      if (!acct) {
        acct = { orders: new AccountOrders(), values: [], node: accountNode };
      } else {
        this.accounts.delete(account); // re-inserted last: maps stay in order of last use (see sweep)
      }
      this.accounts.set(account, acct);
      acct.orders.addOrder(at, { ...keys });
      acct.orders.prune(cutoff);
      accountNode = this.accountNode(acct, account, o.accountCreatedAt ?? null);
    }
    result.orders.account = acct ? orderCounts(acct.orders, at) : zero();

    for (let d = 0; d < DIM_COUNT; d++) {
      if (d === ACCOUNT_DIM) continue;
      const dim = RISK_DIMENSIONS[d] as Exclude<RiskDimension, 'account'>;
      const value = keys[dim];
      if (typeof value !== 'string') continue;
      const values = this.values[d] as Map<string, ValueState>;
      let state = values.get(value);
      if (!repeat && acct && accountNode) {
        if (!state) {
          state = { orders: new TimeList(), accounts: new DistinctIndex(), node: undefined };
        } else {
          values.delete(value); // re-inserted last, in order of last use (see sweep)
        }
        values.set(value, state);
        state.orders.add(at);
        state.orders.prune(cutoff);
        state.accounts.touch(account, at);
        state.accounts.prune(cutoff);
        if (IS_PER_ACCOUNT[d]) {
          let index = acct.values[d];
          if (!index) {
            index = new DistinctIndex();
            acct.values[d] = index;
          }
          index.touch(value, at);
          index.prune(cutoff);
        }
        if (IS_LINK[d]) this.link(accountNode, account, d, value, state);
      }
      if (!state) {
        result.orders[dim] = zero();
        result.accountsPer[dim] = zero();
      } else {
        result.orders[dim] = orderCounts(state.orders, at);
        result.accountsPer[dim] = this.distinctCounts(state.accounts, at, dim, value, account);
      }
      if (IS_PER_ACCOUNT[d]) {
        const index = acct?.values[d];
        result.perAccount[dim as PerAccountDimension] = index
          ? this.distinctCounts(index, at, dim, null, account)
          : zero();
      }
    }

    result.cluster = accountNode
      ? clusterView(find(accountNode))
      : {
          id: `account:${account}`,
          accounts: 1,
          oldestAccountAt: o.accountCreatedAt ?? null,
          newestAccountAt: o.accountCreatedAt ?? null,
        };
    if (o.promo) result.promo = this.promo(o.promo, account, keys.address, accountNode, repeat);
    return result;
  }

  /** The account's cluster node, created on first sight; records its first createdAt. */
  private accountNode(acct: AccountState, account: string, createdAt: number | null): ClusterNode {
    let node = acct.node;
    if (!node) {
      node = newNode(`account:${account}`, 1, createdAt);
      this.accountNodes.set(account, node);
      acct.node = node;
    } else if (createdAt !== null && node.createdAt === null) {
      node.createdAt = createdAt;
      const root = find(node);
      if (root.oldest === null || createdAt < root.oldest) root.oldest = createdAt;
      if (root.newest === null || createdAt > root.newest) root.newest = createdAt;
    }
    return node;
  }

  /** Links the account with a link attribute value unless the value is at its link limit. */
  private link(accountNode: ClusterNode, account: string, d: number, value: string, state: ValueState): void {
    const dim = RISK_DIMENSIONS[d] as LinkDimension;
    const nodes = this.attributeNodes[d] as Map<string, ClusterNode>;
    let node = state.node;
    if (node === undefined) {
      node = nodes.get(value) ?? null;
      state.node = node;
    }
    if (node) {
      if (!node.linked || node.linked.has(account) || node.linked.size >= this.limits[dim]) return;
    } else {
      node = newNode(`${dim}:${value}`, 0, null);
      node.linked = new Set();
      nodes.set(value, node);
      state.node = node;
    }
    node.linked?.add(account);
    union(find(accountNode), find(node));
  }

  private promo(
    p: NonNullable<RiskObservation['promo']>,
    account: string,
    address: string | undefined,
    accountNode: ClusterNode | undefined,
    repeat: boolean,
  ): PromoView {
    let promo = this.promos.get(p.id);
    const root = accountNode ? find(accountNode) : undefined;
    let cluster = root?.promo?.get(p.id);
    const hasAddress = typeof address === 'string';
    if (!repeat && root) {
      if (!promo) {
        promo = { sold: 0, couponFen: 0, byAccount: new Map(), byAddress: new Map() };
        this.promos.set(p.id, promo);
      }
      promo.sold += p.qty;
      promo.couponFen += p.couponFen;
      promo.byAccount.set(account, (promo.byAccount.get(account) ?? 0) + p.qty);
      if (hasAddress) promo.byAddress.set(address, (promo.byAddress.get(address) ?? 0) + p.qty);
      if (!cluster) {
        cluster = { qty: 0, orders: 0, couponOrders: 0 };
        root.promo ??= new Map();
        root.promo.set(p.id, cluster);
      }
      cluster.qty += p.qty;
      cluster.orders += 1;
      if (p.couponFen > 0) cluster.couponOrders += 1;
    }
    return {
      accountQty: promo?.byAccount.get(account) ?? 0,
      clusterQty: cluster?.qty ?? 0,
      addressQty: hasAddress ? (promo?.byAddress.get(address) ?? 0) : 0,
      clusterOrders: cluster?.orders ?? 0,
      soldQty: promo?.sold ?? 0,
      couponSpentFen: promo?.couponFen ?? 0,
      clusterCouponOrders: cluster?.couponOrders ?? 0,
    };
  }

  /**
   * Distinct members in each window ending at `at`: accounts of `value` (value given) or values of
   * `dim` the account used (value null). A member whose latest time is after `at` (this is a late
   * observation) counts when the account's own order history has a use in the window.
   */
  private distinctCounts(
    index: DistinctIndex,
    at: number,
    dim: RiskDimension,
    value: string | null,
    account: string,
  ): WindowCounts {
    const counts: WindowCounts = {
      '1m': index.count(at - W1M, at),
      '1h': index.count(at - W1H, at),
      '24h': index.count(at - W24H, at),
    };
    const late = index.lateMembers(at);
    const lo = at - W24H;
    for (const member of late) {
      const t =
        value === null
          ? (this.accounts.get(account)?.orders.latest(lo, at, dim, member) ?? lo)
          : (this.accounts.get(member)?.orders.latest(lo, at, dim, value) ?? lo);
      if (t > at - W1M) counts['1m']++;
      if (t > at - W1H) counts['1h']++;
      if (t > lo) counts['24h']++;
    }
    return counts;
  }

  /**
   * Drops window state and seen order ids that fell out of retention. The value and account maps are
   * kept in order of last use (an observation moves its entries to the end), so the states whose
   * every order is past the cutoff are at the front: the sweep deletes from the front and stops at
   * the first state still in use, visiting only what it drops (a full walk cost more than half of the
   * store's time on a long stream). A late observation can leave an expired state behind a live one
   * for a while; it goes once those in front of it do. Counts never depend on the sweep: windows are
   * counted by time, and a state is pruned whenever it is observed.
   */
  private sweep(): void {
    this.lastSweep = this.newest;
    const cutoff = this.newest - RISK_WINDOW_RETENTION_MS;
    for (const values of this.values) {
      for (const [value, state] of values) {
        if (state.orders.newest > cutoff) break;
        values.delete(value);
      }
    }
    for (const [account, acct] of this.accounts) {
      if (acct.orders.newest > cutoff) break;
      this.accounts.delete(account);
    }
    const seenCutoff = this.newest - RISK_SEEN_ORDER_RETENTION_MS;
    let h = this.seenHead;
    while (h < this.seenAts.length && (this.seenAts[h] ?? 0) < seenCutoff) {
      this.seen.delete(this.seenIds[h] ?? '');
      h++;
    }
    if (h > 1024 && h * 2 > this.seenAts.length) {
      this.seenIds = this.seenIds.slice(h);
      this.seenAts = this.seenAts.slice(h);
      h = 0;
    }
    this.seenHead = h;
  }
}

type PerAccountDimension = (typeof PER_ACCOUNT_DIMENSIONS)[number];

const NO_CLUSTER: ClusterView = { id: '', accounts: 0, oldestAccountAt: null, newestAccountAt: null };

function zero(): WindowCounts {
  return { '1m': 0, '1h': 0, '24h': 0 };
}

function orderCounts(list: TimeList, at: number): WindowCounts {
  return { '1m': list.count(at - W1M, at), '1h': list.count(at - W1H, at), '24h': list.count(at - W24H, at) };
}

function newNode(id: string, accounts: number, createdAt: number | null): ClusterNode {
  return {
    id,
    parent: null,
    size: 1,
    accounts,
    oldest: createdAt,
    newest: createdAt,
    createdAt,
    promo: null,
    linked: null,
  };
}

function find(node: ClusterNode): ClusterNode {
  let root = node;
  while (root.parent) root = root.parent;
  let cur = node;
  while (cur.parent && cur.parent !== root) {
    const next: ClusterNode = cur.parent;
    cur.parent = root;
    cur = next;
  }
  return root;
}

/** Union by size; on a tie the first root (the account's) stays root. Aggregates move to the winner. */
function union(a: ClusterNode, b: ClusterNode): void {
  if (a === b) return;
  const [winner, loser] = b.size > a.size ? [b, a] : [a, b];
  loser.parent = winner;
  winner.size += loser.size;
  winner.accounts += loser.accounts;
  if (loser.oldest !== null && (winner.oldest === null || loser.oldest < winner.oldest))
    winner.oldest = loser.oldest;
  if (loser.newest !== null && (winner.newest === null || loser.newest > winner.newest))
    winner.newest = loser.newest;
  if (loser.promo) {
    if (!winner.promo) winner.promo = loser.promo;
    else {
      for (const [id, p] of loser.promo) {
        const w = winner.promo.get(id);
        if (w) {
          w.qty += p.qty;
          w.orders += p.orders;
          w.couponOrders += p.couponOrders;
        } else winner.promo.set(id, p);
      }
    }
    loser.promo = null;
  }
}

function clusterView(root: ClusterNode): ClusterView {
  return { id: root.id, accounts: root.accounts, oldestAccountAt: root.oldest, newestAccountAt: root.newest };
}
