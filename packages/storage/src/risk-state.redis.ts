/**
 * The risk engine's shared state in Redis, so many server processes score orders against the same
 * velocity counters, identity clusters and promotion counters. Same semantics as MemoryRiskState,
 * proven by the contract suite in risk-state.contract.ts.
 *
 * One observation is one Lua script call (EVALSHA through ioredis `defineCommand`): the order is
 * recorded and its counts read atomically, in one round trip; `observeMany` pipelines those calls.
 *
 * Key layout under the prefix (values are pseudonymised already):
 * - `s:<order>`                  seen order id (SET NX, 48 h TTL)
 * - `o:<dim>:<value>`            ZSET order id → order time; for `o:account:<account>` the member also
 *                                 carries the order's other keys (for late orders, see the script)
 * - `a:<dim>:<value>`            ZSET account → latest order time with this value
 * - `u:<dim>:<account>`          ZSET value → latest order time this account used it
 * - `n:<node>`                   HASH union-find node: p (parent), s, a, mn, mx (root aggregates), cr
 * - `l:<dim>:<value>`            SET accounts this attribute value linked (≤ link limit)
 * - `cp:<root>`                  HASH per-cluster promotion counters q:/o:/c:<promo>
 * - `pa:<promo>`, `pd:<promo>`, `pt:<promo>`  HASH per account, per address, totals (sold, coupon)
 * Window keys are trimmed by order time on every write and expire 25 h after their last write; cluster
 * and promotion keys expire 30 days after their last write. Needs Redis ≥ 6.2 (ZADD GT); standalone
 * or a primary with replicas, not Redis Cluster (the script builds its keys).
 */
import {
  assertRiskObservation,
  type ClusterView,
  LINK_DIMENSIONS,
  type LinkDimension,
  PER_ACCOUNT_DIMENSIONS,
  type PromoView,
  RISK_DIMENSIONS,
  RISK_SEEN_ORDER_RETENTION_MS,
  RISK_WINDOW_RETENTION_MS,
  RISK_WINDOWS,
  type RiskDimension,
  type RiskObservation,
  type RiskObservationResult,
  type RiskStateOptions,
  type RiskStateStore,
  riskLinkLimits,
  type WindowCounts,
} from '@cordon/core';
import { Redis, type RedisOptions } from 'ioredis';

/** Cluster and promotion keys live this long after their last write. */
export const RISK_LONG_TTL_MS = 30 * 86_400_000;
const WINDOW_TTL_MS = RISK_WINDOW_RETENTION_MS;
const BATCH = 512;

const LUA = `
local P = ARGV[1]
local orderId = ARGV[2]
local at = tonumber(ARGV[3])
local created = nil
if ARGV[4] ~= '' then created = tonumber(ARGV[4]) end
local hasPromo = ARGV[5] == '1'
local promoId = ARGV[6]
local promoQty = tonumber(ARGV[7])
local promoCoupon = tonumber(ARGV[8])
local limits = { device = tonumber(ARGV[9]), phone = tonumber(ARGV[10]), address = tonumber(ARGV[11]),
  payment = tonumber(ARGV[12]) }
local n = tonumber(ARGV[13])
local dims, vals = {}, {}
for i = 1, n do
  dims[i] = ARGV[12 + 2 * i]
  vals[i] = ARGV[13 + 2 * i]
end
local acct = vals[1]
local perAccount = { ${PER_ACCOUNT_DIMENSIONS.map((d) => `${d} = true`).join(', ')} }
local W = { ${RISK_WINDOWS['1m']}, ${RISK_WINDOWS['1h']}, ${RISK_WINDOWS['24h']} }
local WINDOW_TTL = '${WINDOW_TTL_MS}'
local LONG_TTL = '${RISK_LONG_TTL_MS}'

local function fmt(x) return string.format('%.17g', x) end
local T = fmt(at)
local cutoff = fmt(at - ${RISK_WINDOW_RETENTION_MS})
local lows = { '(' .. fmt(at - W[1]), '(' .. fmt(at - W[2]), '(' .. fmt(at - W[3]) }
-- An account's order entries carry the order's other keys, so a late order can tell when the account
-- last used a value: '<#v>:<v>' per non-account dimension in RISK_DIMENSIONS order ('-' when absent),
-- then the order id.
local FIELD = { ${RISK_DIMENSIONS.filter((d) => d !== 'account')
  .map((d, i) => `${d} = ${i + 1}`)
  .join(', ')} }
local function field(member, k)
  local pos = 1
  for j = 1, k do
    if string.sub(member, pos, pos) == '-' then
      if j == k then return nil end
      pos = pos + 1
    else
      local c = string.find(member, ':', pos, true)
      local len = tonumber(string.sub(member, pos, c - 1))
      if j == k then return string.sub(member, c + 1, c + len) end
      pos = c + 1 + len
    end
  end
  return nil
end
local function nodeKey(id) return P .. 'n:' .. id end

local rep = not redis.call('SET', P .. 's:' .. orderId, '1', 'NX', 'PX', '${RISK_SEEN_ORDER_RETENTION_MS}')

local function record(key, member)
  redis.call('ZADD', key, T, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  redis.call('PEXPIRE', key, WINDOW_TTL)
end
local function recordMax(key, member)
  redis.call('ZADD', key, 'GT', T, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  redis.call('PEXPIRE', key, WINDOW_TTL)
end

local function find(id)
  local path = {}
  local cur = id
  while true do
    local p = redis.call('HGET', nodeKey(cur), 'p')
    if not p then break end
    path[#path + 1] = cur
    cur = p
  end
  for i = 1, #path - 1 do redis.call('HSET', nodeKey(path[i]), 'p', cur) end
  return cur
end

local function union(ra, rb)
  if ra == rb then return end
  local a = redis.call('HMGET', nodeKey(ra), 's', 'a', 'mn', 'mx')
  local b = redis.call('HMGET', nodeKey(rb), 's', 'a', 'mn', 'mx')
  local win, lose, w, l = ra, rb, a, b
  if (tonumber(b[1]) or 1) > (tonumber(a[1]) or 1) then win, lose, w, l = rb, ra, b, a end
  local kw, kl = nodeKey(win), nodeKey(lose)
  redis.call('HSET', kl, 'p', win)
  redis.call('HDEL', kl, 's', 'a', 'mn', 'mx')
  redis.call('HSET', kw, 's', (tonumber(w[1]) or 1) + (tonumber(l[1]) or 1),
    'a', (tonumber(w[2]) or 0) + (tonumber(l[2]) or 0))
  if l[3] and (not w[3] or tonumber(l[3]) < tonumber(w[3])) then redis.call('HSET', kw, 'mn', l[3]) end
  if l[4] and (not w[4] or tonumber(l[4]) > tonumber(w[4])) then redis.call('HSET', kw, 'mx', l[4]) end
  redis.call('PEXPIRE', kw, LONG_TTL)
  redis.call('PEXPIRE', kl, LONG_TTL)
  local lp = P .. 'cp:' .. lose
  local h = redis.call('HGETALL', lp)
  if #h > 0 then
    local wp = P .. 'cp:' .. win
    for j = 1, #h, 2 do redis.call('HINCRBY', wp, h[j], h[j + 1]) end
    redis.call('DEL', lp)
    redis.call('PEXPIRE', wp, LONG_TTL)
  end
end

local aId = 'account:' .. acct
local aKey = nodeKey(aId)
local address = nil
for i = 1, n do if dims[i] == 'address' then address = vals[i] end end

if not rep then
  local present, parts = {}, {}
  for i = 2, n do present[FIELD[dims[i]]] = vals[i] end
  for j = 1, ${RISK_DIMENSIONS.length - 1} do
    local v = present[j]
    if v then parts[j] = #v .. ':' .. v else parts[j] = '-' end
  end
  record(P .. 'o:account:' .. acct, table.concat(parts) .. orderId)
  for i = 2, n do
    local d, v = dims[i], vals[i]
    record(P .. 'o:' .. d .. ':' .. v, orderId)
    recordMax(P .. 'a:' .. d .. ':' .. v, acct)
    if perAccount[d] then recordMax(P .. 'u:' .. d .. ':' .. acct, v) end
  end

  if redis.call('EXISTS', aKey) == 0 then
    redis.call('HSET', aKey, 's', 1, 'a', 1)
    if created then redis.call('HSET', aKey, 'cr', fmt(created), 'mn', fmt(created), 'mx', fmt(created)) end
  elseif created and redis.call('HEXISTS', aKey, 'cr') == 0 then
    redis.call('HSET', aKey, 'cr', fmt(created))
    local rk = nodeKey(find(aId))
    local mm = redis.call('HMGET', rk, 'mn', 'mx')
    if not mm[1] or created < tonumber(mm[1]) then redis.call('HSET', rk, 'mn', fmt(created)) end
    if not mm[2] or created > tonumber(mm[2]) then redis.call('HSET', rk, 'mx', fmt(created)) end
  end
  redis.call('PEXPIRE', aKey, LONG_TTL)

  for i = 1, n do
    local d = dims[i]
    local limit = limits[d]
    if limit then
      local v = vals[i]
      local lk = P .. 'l:' .. d .. ':' .. v
      if redis.call('SISMEMBER', lk, acct) == 0 and redis.call('SCARD', lk) < limit then
        redis.call('SADD', lk, acct)
        redis.call('PEXPIRE', lk, LONG_TTL)
        local xId = d .. ':' .. v
        local xKey = nodeKey(xId)
        if redis.call('EXISTS', xKey) == 0 then redis.call('HSET', xKey, 's', 1, 'a', 0) end
        redis.call('PEXPIRE', xKey, LONG_TTL)
        union(find(aId), find(xId))
      end
    end
  end
end

local root = find(aId)
local out = { rep and 1 or 0 }
if redis.call('EXISTS', nodeKey(root)) == 1 then
  local rv = redis.call('HMGET', nodeKey(root), 'a', 'mn', 'mx')
  out[2] = root
  out[3] = tonumber(rv[1]) or 0
  out[4] = rv[2]
  out[5] = rv[3]
else
  out[2] = aId
  out[3] = 1
  out[4] = created and fmt(created) or false
  out[5] = created and fmt(created) or false
end

if hasPromo then
  local ta, td, tt, tc = P .. 'pa:' .. promoId, P .. 'pd:' .. promoId, P .. 'pt:' .. promoId, P .. 'cp:' .. root
  local q, o, c = 'q:' .. promoId, 'o:' .. promoId, 'c:' .. promoId
  if not rep then
    redis.call('HINCRBY', ta, acct, promoQty)
    if address then redis.call('HINCRBY', td, address, promoQty) end
    redis.call('HINCRBY', tt, 'sold', promoQty)
    redis.call('HINCRBY', tt, 'coupon', promoCoupon)
    redis.call('HINCRBY', tc, q, promoQty)
    redis.call('HINCRBY', tc, o, 1)
    if promoCoupon > 0 then redis.call('HINCRBY', tc, c, 1) end
    redis.call('PEXPIRE', ta, LONG_TTL)
    if address then redis.call('PEXPIRE', td, LONG_TTL) end
    redis.call('PEXPIRE', tt, LONG_TTL)
    redis.call('PEXPIRE', tc, LONG_TTL)
  end
  local totals = redis.call('HMGET', tt, 'sold', 'coupon')
  local cl = redis.call('HMGET', tc, q, o, c)
  local addrQty = 0
  if address then addrQty = tonumber(redis.call('HGET', td, address)) or 0 end
  out[6] = 1
  out[7] = tonumber(redis.call('HGET', ta, acct)) or 0
  out[8] = tonumber(cl[1]) or 0
  out[9] = addrQty
  out[10] = tonumber(cl[2]) or 0
  out[11] = tonumber(totals[1]) or 0
  out[12] = tonumber(totals[2]) or 0
  out[13] = tonumber(cl[3]) or 0
else
  out[6] = 0
  for j = 7, 13 do out[j] = 0 end
end

local function counts3(key)
  for w = 1, 3 do out[#out + 1] = redis.call('ZCOUNT', key, lows[w], T) end
end
-- The latest time in (at - 24h, at] the account used value v of dimension d, or nil.
local function latestUse(account, d, v)
  local k = FIELD[d]
  local r = redis.call('ZREVRANGEBYSCORE', P .. 'o:account:' .. account, T, lows[3], 'WITHSCORES')
  for j = 1, #r, 2 do
    if field(r[j], k) == v then return tonumber(r[j + 1]) end
  end
  return nil
end
-- Distinct members by latest time; a member whose latest time is after this order (a late order) counts
-- when the account's own order history has a use in the window.
local function distinct3(key, d, v, byValue)
  local late = redis.call('ZRANGEBYSCORE', key, '(' .. T, '+inf')
  local times = {}
  for j = 1, #late do
    if byValue then times[j] = latestUse(late[j], d, v) else times[j] = latestUse(acct, d, late[j]) end
  end
  for w = 1, 3 do
    local c = redis.call('ZCOUNT', key, lows[w], T)
    for j = 1, #late do
      if times[j] and times[j] > at - W[w] then c = c + 1 end
    end
    out[#out + 1] = c
  end
end
for i = 1, n do counts3(P .. 'o:' .. dims[i] .. ':' .. vals[i]) end
for i = 1, n do
  if dims[i] ~= 'account' then distinct3(P .. 'a:' .. dims[i] .. ':' .. vals[i], dims[i], vals[i], true) end
end
for i = 1, n do
  if perAccount[dims[i]] then distinct3(P .. 'u:' .. dims[i] .. ':' .. acct, dims[i], vals[i], false) end
end
return out
`;

type Arg = string | number;
type Reply = readonly unknown[];

interface RiskCommands {
  cordonRiskObserve(...args: Arg[]): Promise<Reply>;
}
interface RiskPipeline {
  cordonRiskObserve(...args: Arg[]): RiskPipeline;
  exec(): Promise<[error: Error | null, result: unknown][] | null>;
}

/** Options of RedisRiskState. */
export interface RedisRiskStateOptions extends Partial<RiskStateOptions> {
  /** Prefix of every key this store writes; default `cordon:risk:`. Instances on one prefix share state. */
  keyPrefix?: string;
  /** Extra ioredis options (timeouts, TLS, retry strategy). */
  redis?: RedisOptions;
}

const PER_ACCOUNT = new Set<string>(PER_ACCOUNT_DIMENSIONS);

/** RiskStateStore in Redis; instances on the same URL and prefix share one state. */
export class RedisRiskState implements RiskStateStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly limits: Record<LinkDimension, number>;

  constructor(url: string, options: RedisRiskStateOptions = {}) {
    this.prefix = options.keyPrefix ?? 'cordon:risk:';
    this.limits = riskLinkLimits(options);
    this.redis = new Redis(url, { ...options.redis });
    this.redis.defineCommand('cordonRiskObserve', { numberOfKeys: 0, lua: LUA });
  }

  async observe(observation: RiskObservation): Promise<RiskObservationResult> {
    const dims = presentDimensions(observation);
    const reply = await (this.redis as unknown as RiskCommands).cordonRiskObserve(
      ...this.args(observation, dims),
    );
    return decode(reply, dims);
  }

  async observeMany(observations: readonly RiskObservation[]): Promise<RiskObservationResult[]> {
    const out: RiskObservationResult[] = [];
    for (let start = 0; start < observations.length; start += BATCH) {
      const chunk = observations.slice(start, start + BATCH);
      const dimsOf = chunk.map(presentDimensions);
      const args = chunk.map((o, i) => this.args(o, dimsOf[i] ?? []));
      const pipeline = this.redis.pipeline() as unknown as RiskPipeline;
      for (const a of args) pipeline.cordonRiskObserve(...a);
      const replies = await pipeline.exec();
      if (!replies) throw new Error('Redis pipeline was aborted');
      replies.forEach(([error, reply], i) => {
        if (error) throw error;
        out.push(decode(reply as Reply, dimsOf[i] ?? []));
      });
    }
    return out;
  }

  /** Deletes every key under this store's prefix (all instances on the prefix see it empty). */
  async clear(): Promise<void> {
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private args(o: RiskObservation, dims: readonly [RiskDimension, string][]): Arg[] {
    assertRiskObservation(o);
    const args: Arg[] = [
      this.prefix,
      o.orderId,
      String(o.at),
      typeof o.accountCreatedAt === 'number' ? String(o.accountCreatedAt) : '',
      o.promo ? '1' : '0',
      o.promo?.id ?? '',
      o.promo?.qty ?? 0,
      o.promo?.couponFen ?? 0,
      ...LINK_DIMENSIONS.map((d) => this.limits[d]),
      dims.length,
    ];
    for (const [dim, value] of dims) args.push(dim, value);
    return args;
  }
}

/** The observation's present dimensions in RISK_DIMENSIONS order (account first), as the script expects. */
function presentDimensions(o: RiskObservation): [RiskDimension, string][] {
  const keys = o.keys as Partial<Record<RiskDimension, string>>;
  const out: [RiskDimension, string][] = [];
  for (const dim of RISK_DIMENSIONS) {
    const value = keys[dim];
    if (typeof value === 'string') out.push([dim, value]);
  }
  return out;
}

function num(x: unknown): number {
  return typeof x === 'number' ? x : Number(x);
}

function nullableNum(x: unknown): number | null {
  return x === null || x === undefined || x === false ? null : Number(x);
}

function decode(reply: Reply, dims: readonly [RiskDimension, string][]): RiskObservationResult {
  let i = 13;
  const next = (): WindowCounts => {
    const counts = { '1m': num(reply[i]), '1h': num(reply[i + 1]), '24h': num(reply[i + 2]) };
    i += 3;
    return counts;
  };
  const cluster: ClusterView = {
    id: String(reply[1]),
    accounts: num(reply[2]),
    oldestAccountAt: nullableNum(reply[3]),
    newestAccountAt: nullableNum(reply[4]),
  };
  const result: RiskObservationResult = {
    orders: {},
    accountsPer: {},
    perAccount: {},
    cluster,
    repeat: reply[0] === 1,
  };
  if (reply[5] === 1) {
    const promo: PromoView = {
      accountQty: num(reply[6]),
      clusterQty: num(reply[7]),
      addressQty: num(reply[8]),
      clusterOrders: num(reply[9]),
      soldQty: num(reply[10]),
      couponSpentFen: num(reply[11]),
      clusterCouponOrders: num(reply[12]),
    };
    result.promo = promo;
  }
  for (const [dim] of dims) result.orders[dim] = next();
  for (const [dim] of dims) if (dim !== 'account') result.accountsPer[dim] = next();
  for (const [dim] of dims)
    if (PER_ACCOUNT.has(dim)) result.perAccount[dim as (typeof PER_ACCOUNT_DIMENSIONS)[number]] = next();
  return result;
}
