import { type CountBaseline, countThresholds, levelOf } from './baseline';
import { formatCount, levelIncrement, makeFinding, peerComparison } from './finding';
import { type FractionInput, fractionFinding, judgeFraction } from './fraction';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/**
 * The network an address belongs to for "where is this account": an IPv4 /16, an IPv6 /32, or the
 * string itself for a site or host name. Coarse on purpose: a DHCP lease or NAT pool change inside a
 * site is not a move, a different city or carrier is.
 */
export function networkOf(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}`;
  if (ip.includes(':')) return ip.toLowerCase().split(':').slice(0, 2).join(':');
  return ip;
}

/** The last place an account was seen. */
export interface Sighting {
  ts: number;
  network: string;
}

/**
 * Whether `current` is a hop from `previous`: another network within `windowMs`. One hop is a VPN
 * reconnect; a run of them (A, B, A, B …) is two people on one account at the same time.
 */
export function isHop(previous: Sighting | undefined, current: Sighting, windowMs: number): boolean {
  return (
    previous !== undefined &&
    previous.network !== current.network &&
    Math.abs(current.ts - previous.ts) <= windowMs
  );
}

/** When an account first used a device or a network (staff-day index), as far as watch has seen. */
export interface SessionNovelty {
  /** First staff-day the account was seen at all. */
  accountFirstDay: number;
  deviceFirstDay: number | undefined;
  networkFirstDay: number | undefined;
  /** Whether any other account has used the network (an office, a carrier, a home block colleagues share). */
  networkElsewhere: boolean;
}

/**
 * Whether an access comes from a session foreign to the account: its device and its network were
 * both first seen within the last `novelDays` (or are seen now), the network is one no other
 * account uses, and watch has known the account for at least twice that long. A new laptop at the
 * office (known network), a trip to another site (its network is colleagues'), a first day working
 * from home on a broadband block colleagues also live on: not foreign. An outsider's phone on a
 * network nobody in the company uses: foreign.
 */
export function isNovelSession(n: SessionNovelty, day: number, novelDays: number): boolean {
  if (day - n.accountFirstDay < 2 * novelDays || n.networkElsewhere) return false;
  const recent = (first: number | undefined) => first === undefined || day - first < novelDays;
  return recent(n.deviceFirstDay) && recent(n.networkFirstDay);
}

/**
 * Detector 5a — a rented or shared account: customers touched from sessions foreign to the account
 * (see {@link isNovelSession}), as a fraction of the day's customers, beta-binomial against own and
 * peer rates. At most level 1: a first day at home on a new laptop looks the same, so this is a note
 * that adds up with a night session, a concurrent login or a volume spike, never an alarm alone.
 */
export function detectSharedAccount(
  input: FractionInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg, 1);
  if (!v) return null;
  return fractionFinding(
    input,
    v,
    'shared_account',
    'new_session_share',
    `${input.flagged} of ${input.seen} customers in this staff-day were touched from a device new to this account on a network no other account uses; about ${formatCount(v.expected)} expected (level ${v.level}).`,
    { fromNewSessions: input.flagged, customers: input.seen },
  );
}

export interface ConcurrentInput {
  at: number;
  group: string;
  /** Hops (see {@link isHop}) so far in the staff-day. */
  hops: number;
  baseline: CountBaseline;
}

/**
 * Detector 5b — two places at once: network hops within `hopWindowMs` per staff-day, a robust z
 * against own and peer days (scale at least 1), with `minDeviceExcess` as the effect floor. Fires on
 * the event that makes the count, so a concurrent session is flagged while it is going on.
 */
export function detectConcurrentLocations(
  input: ConcurrentInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const thresholds = countThresholds(input.baseline, {
    zLevels: cfg.zLevels,
    minExcess: cfg.minDeviceExcess,
    minOwnDays: cfg.minOwnDays,
    minPeerDays: cfg.minPeerDays,
  });
  const level = levelOf(input.hops, thresholds);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  return makeFinding(
    input.at,
    'concurrent_locations',
    weight,
    `${input.hops} switches between networks within ${Math.round(cfg.hopWindowMs / 60_000)} minutes in this staff-day: the account is in use in two places at once (level ${level}).`,
    { level, hops: input.hops, windowMinutes: Math.round(cfg.hopWindowMs / 60_000) },
    peerComparison(input.group, 'network_hops_per_day', input.hops, input.baseline.peer),
  );
}
