import { CordonError } from '../shared/errors';
import { type CountBaseline, type RateBaseline, type RateHistory, rateBaseline } from './baseline';
import { coveredCustomers, detectCoverReference } from './cover-reference.detector';
import type { WatchEvent } from './event';
import { detectExportApproval } from './export-approval.detector';
import { detectExportSpike, type ExportBaseline } from './export-spike.detector';
import type { FractionInput } from './fraction';
import { detectInactiveAccount } from './inactive-account.detector';
import { detectLowAndSlow, type ExposureWindow } from './low-and-slow.detector';
import { classifyOffShift, detectOffShift, onShiftPresence, type ShiftPresence } from './off-shift.detector';
import { detectQuotaHugging, hugsQuota, revealQuotaOf } from './quota-hugging.detector';
import { decayScore, severityOf, shouldAlert } from './risk-score';
import {
  estimateConcentration,
  median,
  medianAbsoluteDeviation,
  type RobustSummary,
  robustSummary,
  roundTo,
} from './robust-stats';
import { detectEnumeration, detectSearchSweep, followUpOf, isEnumerated } from './search-sweep.detector';
import {
  detectConcurrentLocations,
  detectSharedAccount,
  isHop,
  isNovelSession,
  networkOf,
  type Sighting,
} from './shared-account.detector';
import { ShiftClock, type ShiftSpec, ZoneOffsets } from './shift-clock';
import { detectUnassigned, isAssigned } from './unassigned.detector';
import {
  detectNovelChannelOrders,
  detectUndeliveredOrders,
  undeliveredUnassignedOrders,
} from './undelivered-order.detector';
import { channelOf, detectUnusualChannel } from './unusual-channel.detector';
import { detectVolume } from './volume.detector';
import {
  severityRank,
  type WatchAlert,
  type WatchEvidence,
  type WatchFinding,
  type WatchPeerComparison,
  type WatchReason,
  type WatchSeverity,
} from './watch-alert';
import { resolveWatchConfig, type WatchConfig } from './watch-config';
import type { WatchContext } from './watch-context';

/** What one closed staff-day looked like. */
export interface DayMetrics {
  /** Distinct customer ids touched (allowed or denied attempts). */
  customers: number;
  /** Customers of allowed bulk actions without ids (a legacy export of 5,000 rows). */
  bulk: number;
  /** Allowed bulk actions without ids. */
  bulkEvents: number;
  /**
   * Every distinct customer id the day touched (search results included) plus one per bulk action:
   * the units the fraction tests over the whole day count. A bulk action is one decision, so it
   * counts once however many rows it returned (its size is the export detector's business).
   */
  reach: number;
  revealed: number;
  unassigned: number;
  /** Customers and bulk actions off shift. */
  offShift: number;
  undelivered: number;
  exported: number;
  exports: number;
  searches: number;
  unfollowed: number;
  ids: number;
  adjacent: number;
  /** Customers and bulk actions from sessions new to the account. */
  novel: number;
  hops: number;
  events: number;
  /** Customers and bulk actions per channel (`action@system`). */
  channels: Record<string, number>;
}

type NumericMetric = Exclude<keyof DayMetrics, 'channels'>;

const streamDetectors = [
  'volume',
  'unassigned',
  'offShift',
  'undelivered',
  'sweep',
  'enumeration',
  'export',
  'novel',
  'concurrent',
  'channel',
  'cover',
  'novelChannel',
] as const;
type StreamDetector = (typeof streamDetectors)[number];

type RateKey = 'unassigned' | 'offShift' | 'undelivered' | 'sweep' | 'enumeration' | 'novel';
const rateDefs: Record<RateKey, { num: NumericMetric; den: NumericMetric; minDen: number }> = {
  unassigned: { num: 'unassigned', den: 'customers', minDen: 20 },
  offShift: { num: 'offShift', den: 'reach', minDen: 20 },
  undelivered: { num: 'undelivered', den: 'customers', minDen: 20 },
  sweep: { num: 'unfollowed', den: 'searches', minDen: 10 },
  enumeration: { num: 'adjacent', den: 'ids', minDen: 20 },
  novel: { num: 'novel', den: 'reach', minDen: 20 },
};
const rateKeys = Object.keys(rateDefs) as RateKey[];
/**
 * Fractions that need nothing from before the stream to be measured right: whether a search was
 * followed up and whether an id sits next to the last few are decided by the events themselves. The
 * others are not (an access looks unassigned when its ticket predates what watch was given, every
 * device and network is new in the first days, a shift's overtime needs the day before), so in a
 * stream's first days their pooled rates are not yet what they will be. Only these two may be judged
 * against an immature pooled history (see `coldStartBaseline`).
 */
const coldStartKeys: ReadonlySet<RateKey> = new Set<RateKey>(['sweep', 'enumeration']);

type CountKey = 'customers' | 'hops';
const countKeys: CountKey[] = ['customers', 'hops'];
const countDetector: Record<CountKey, StreamDetector> = { customers: 'volume', hops: 'concurrent' };

interface DayRecord {
  day: number;
  m: DayMetrics;
  /** Detectors that reached level 2 or more against a baseline: their metric stays out of baselines. */
  strong: StreamDetector[];
}

interface DayBaselines {
  counts: Record<CountKey, CountBaseline>;
  rates: Record<RateKey, RateBaseline | null>;
  exports: ExportBaseline;
}

/**
 * An evidence line as kept in the rings: the event's time in ms (formatted only when an alert is
 * built), what was done, how many customers, where, and its source.
 */
interface EvidenceRecord {
  ts: number;
  action: WatchEvent['action'];
  customers: number;
  system: string;
  ledgerSeq?: number;
  line?: number;
  flags?: string[];
}

/**
 * A day that a channel test (unusual channel, or undelivered orders through a channel new to the
 * group) found strong: its channel use stays out of the channel baselines.
 */
function channelStrong(r: DayRecord): boolean {
  return r.strong.includes('channel') || r.strong.includes('novelChannel');
}

function recordOf(event: WatchEvent, flags?: string[]): EvidenceRecord {
  const r: EvidenceRecord = {
    ts: event.ts,
    action: event.action,
    customers: event.count,
    system: event.system,
  };
  if (event.source?.ledgerSeq !== undefined) r.ledgerSeq = event.source.ledgerSeq;
  if (event.source?.line !== undefined) r.line = event.source.line;
  if (flags && flags.length > 0) r.flags = flags;
  return r;
}

function evidenceOf(r: EvidenceRecord): WatchEvidence {
  const e: WatchEvidence = {
    ts: new Date(r.ts).toISOString(),
    action: r.action,
    customers: r.customers,
    system: r.system,
    flags: r.flags ? [...r.flags] : [],
  };
  if (r.ledgerSeq !== undefined) e.ledgerSeq = r.ledgerSeq;
  if (r.line !== undefined) e.line = r.line;
  return e;
}

interface PendingSearch {
  ts: number;
  ids: string[];
  /** Other customers worked on since (see followUpOf). */
  others?: string[];
  evidence: EvidenceRecord;
}

interface OpenDay {
  day: number;
  end: number;
  customers: Set<string>;
  bulk: number;
  bulkEvents: number;
  revealed: Set<string>;
  unassigned: Set<string>;
  offShift: Set<string>;
  offShiftBulk: number;
  undelivered: Set<string>;
  /**
   * Of `undelivered`, the orders revealed or exported through a channel new to the whole peer group
   * (see detectNovelChannelOrders), by channel.
   */
  novelChannelOrders: Map<string, Set<string>>;
  /** Customers reached naming one of the person's own tickets about someone else. */
  covered: Set<string>;
  /** Covered customers a later access worked on with still no assignment. */
  pursued: Set<string>;
  ids: Set<string>;
  adjacent: number;
  exported: number;
  exports: number;
  searches: number;
  unfollowed: number;
  novel: Set<string>;
  novelBulk: number;
  hops: number;
  events: number;
  channels: Map<string, Set<string>>;
  channelBulk: Map<string, number>;
  levels: Record<StreamDetector, number>;
  channelLevels: Map<string, number>;
  /** The export level was reached against absolute thresholds (no export history): not "strong". */
  exportAbsolute: boolean;
  baselines: DayBaselines;
  channelBaselines: Map<string, RateBaseline | null>;
}

interface WindowStats extends ExposureWindow {
  day: number;
}

interface ActorState {
  id: string;
  open: Map<number, OpenDay>;
  closedThrough: number;
  history: DayRecord[];
  seen: Map<string, number>;
  unassignedSeen: Map<string, number>;
  window: WindowStats | null;
  firstDay: number | null;
  deviceFirst: Map<string, number>;
  networkFirst: Map<string, number>;
  score: number;
  scoreAt: number;
  episode: WatchFinding[];
  episodeStart: number;
  episodeFloor: WatchSeverity | null;
  lastFindingAt: number | null;
  lastAlerted: WatchSeverity | null;
  quotaLevel: number;
  lowSlowLevel: number;
  inactiveDay: number | null;
  evidence: EvidenceRecord[];
  context: EvidenceRecord[];
  last: Sighting | null;
  presence: ShiftPresence;
  pending: PendingSearch[];
  recentIds: string[];
  staffDays: number;
  /** Export days as [staff-day, customers exported], oldest first, for the lagged own export baseline. */
  exportLog: Array<[number, number]>;
  /** This person's exports approved lately, as [approval time, approver], oldest first. */
  approvedExports: Array<[number, string]>;
}

/** An export request waiting for its approval. */
interface PendingExport {
  ts: number;
  requester: string;
  customers: number;
}

interface GroupStats {
  /** Distinct days in the pooled history: below `minOwnDays` the group is too new to be a yardstick. */
  matureDays: number;
  counts: Record<CountKey, RobustSummary | null>;
  rates: Record<RateKey, { rates: number[]; typicalN: number | null; concentration: number; seen: number }>;
  exportDays: number[];
  /** Customers per channel pooled over the group's days, the pooled reach, and each channel's dispersion. */
  channels: Record<string, { reached: number; concentration: number }>;
  reach: number;
  typicalReach: number | null;
}

const SNAPSHOT_VERSION = 2;
/** A day index before any real one (JSON has no -Infinity). */
const NO_DAY = -1e9;
const EVIDENCE_RING = 200;
const CONTEXT_RING = 10;
const RECENT_IDS = 8;
const EPISODE_FINDINGS = 60;
const DAY_MS = 86_400_000;

/**
 * The watch engine: events in, alerts out, deterministic and pure (time is the events' time; the
 * caller advances the watermark). Streaming detectors (inactive accounts, unassigned, off-shift,
 * undelivered-order, unusual-channel and new-session access, volume, exports, hops, search sweeps,
 * enumeration) judge each event against the staff-day's baselines as it comes, so an alert fires
 * while a harvest is going on; window detectors (quota hugging, low and slow) run when a staff-day
 * closes, i.e. when `flush` receives a watermark past the day's end plus `graceMs` (events may
 * arrive minutes late). Scores accumulate per person with decay; one alert per person per escalation.
 *
 * `snapshot()` is JSON-safe and `WatchEngine.restore` continues exactly where it left off.
 */
export class WatchEngine {
  private readonly cfg: WatchConfig;
  private readonly zones = new ZoneOffsets();
  private readonly clocks = new Map<string, ShiftClock>();
  private readonly actors = new Map<string, ActorState>();
  private groupStats = new Map<string, GroupStats>();
  /** Which account a network was seen on: the only one so far, or null once several share it. */
  private networkUsers = new Map<string, string | null>();
  /** Export requests by export id, until approved (or a week old). */
  private exportRequests = new Map<string, PendingExport>();
  /** Cold-start yardsticks by `day|metric|actor`, as first computed that day (like `groupStats`). */
  private coldStart = new Map<string, RateBaseline | null>();
  private lateEvents = 0;
  private watermark: number | null = null;

  constructor(
    private readonly ctx: WatchContext,
    config?: Partial<WatchConfig>,
  ) {
    this.cfg = resolveWatchConfig(config);
  }

  /** Judges one event; returns the alerts it raised (usually none). */
  push(event: WatchEvent): WatchAlert[] {
    if (event.action === 'export' && (event.stage === 'request' || event.stage === 'approve'))
      return this.exportStep(event);
    const st = this.actor(event.actor);
    const staff = this.ctx.staff(event.actor);
    const clock = this.clockOf(event.actor);
    const day = clock.dayOf(event.ts);
    const flags: string[] = [];
    const findings: WatchFinding[] = [];
    const group = this.ctx.groupOf(event.actor) ?? 'unknown';
    const allowed = event.outcome === 'allowed';

    const inactive = detectInactiveAccount(event, staff, st.inactiveDay === day);
    if (inactive) {
      st.inactiveDay = day;
      findings.push(inactive);
    }
    if (!staff) flags.push('unknown_account');
    else if (staff.status !== 'active' && (!staff.since || event.ts >= staff.since.getTime()))
      flags.push(staff.status);
    if (!allowed) flags.push('denied');

    const shiftCheck = classifyOffShift(clock.onShift(event.ts), event.ts, st.presence, this.cfg);
    st.presence = shiftCheck.presence;
    const offSession = shiftCheck.offSession;
    const late = day <= st.closedThrough;
    if (late) this.lateEvents += 1;
    const open = late ? undefined : (st.open.get(day) ?? this.openDay(st, day, clock));
    if (st.firstDay === null || day < st.firstDay) st.firstDay = day;
    const customers = this.customersOf(event);
    const bulk = allowed && customers.length === 0 ? event.count : 0;
    const bulkUnit = bulk > 0 ? 1 : 0;

    // Where the account is: hops are judged even for late events (the session is what matters).
    let hopped = false;
    let novel = false;
    if (event.ip !== undefined) {
      const network = networkOf(event.ip);
      const sighting = { ts: event.ts, network };
      if (isHop(st.last ?? undefined, sighting, this.cfg.hopWindowMs)) {
        hopped = true;
        flags.push('network_hop');
      }
      if (!st.last || sighting.ts >= st.last.ts) st.last = sighting;
      if (event.device !== undefined) {
        const users = this.networkUsers.get(network);
        novel = isNovelSession(
          {
            accountFirstDay: st.firstDay,
            deviceFirstDay: st.deviceFirst.get(event.device),
            networkFirstDay: st.networkFirst.get(network),
            networkElsewhere: users !== undefined && users !== event.actor,
          },
          day,
          this.cfg.novelDays,
        );
        if (novel) flags.push('new_session');
        if (!st.deviceFirst.has(event.device)) st.deviceFirst.set(event.device, day);
      }
      if (!st.networkFirst.has(network)) st.networkFirst.set(network, day);
      const users = this.networkUsers.get(network);
      if (users === undefined) this.networkUsers.set(network, event.actor);
      else if (users !== null && users !== event.actor) this.networkUsers.set(network, null);
    }

    if (open) {
      open.events += 1;
      if (hopped) open.hops += 1;
      const before = {
        customers: open.customers.size,
        unassigned: open.unassigned.size,
        offShift: open.offShift.size + open.offShiftBulk,
        undelivered: open.undelivered.size,
        covered: open.covered.size,
        pursued: open.pursued.size,
        adjacent: open.adjacent,
        exported: open.exported,
        novel: open.novel.size + open.novelBulk,
      };

      // Enumeration: ids next to ones just touched, search results included.
      for (const c of customers) {
        if (open.ids.has(c)) continue;
        open.ids.add(c);
        if (isEnumerated(c, st.recentIds, this.cfg.enumerationDistance)) open.adjacent += 1;
        st.recentIds.push(c);
        if (st.recentIds.length > RECENT_IDS) st.recentIds.shift();
      }
      if (open.adjacent > before.adjacent) flags.push('adjacent_id');

      const channel = channelOf(event);
      let channelMoved = false;
      if (event.action === 'search') {
        open.searches += 1;
        st.pending.push({ ts: event.ts, ids: [...customers], evidence: recordOf(event, ['search']) });
      }
      if (event.action !== 'login' && (customers.length > 0 || bulk > 0)) {
        const via = open.channels.get(channel) ?? new Set<string>();
        const size = via.size + (open.channelBulk.get(channel) ?? 0);
        for (const c of customers) via.add(c);
        open.channels.set(channel, via);
        if (bulk > 0) open.channelBulk.set(channel, (open.channelBulk.get(channel) ?? 0) + bulkUnit);
        channelMoved = via.size + (open.channelBulk.get(channel) ?? 0) > size;
      }
      if (event.action !== 'search' && event.action !== 'login') {
        if (allowed && customers.length > 0) this.followUp(st, customers, event.ts, findings);
        for (const c of customers) {
          open.customers.add(c);
          if (!isAssigned(this.ctx, event.actor, c, event.orders, event.ts, this.cfg)) {
            open.unassigned.add(c);
            if (allowed) st.unassignedSeen.set(c, day);
            // Covered by an earlier access of the day (this event's own cover is counted below).
            if (allowed && open.covered.has(c)) open.pursued.add(c);
          }
          if (offSession) open.offShift.add(c);
          if (novel) open.novel.add(c);
          if (allowed) {
            st.seen.set(c, day);
            if (event.action === 'reveal') open.revealed.add(c);
          }
        }
        open.bulk += bulk;
        open.bulkEvents += bulkUnit;
        if (offSession) open.offShiftBulk += bulkUnit;
        if (novel) open.novelBulk += bulkUnit;
        const undelivered = undeliveredUnassignedOrders(this.ctx, event, this.cfg);
        for (const o of undelivered) open.undelivered.add(o);
        if (
          allowed &&
          undelivered.length > 0 &&
          (event.action === 'reveal' || event.action === 'export') &&
          this.channelNewToGroup(st, open.day, channel)
        )
          this.novelChannelOrders(open, channel, undelivered, event.ts, group, findings);
        if (event.action === 'export' && allowed) {
          open.exported += event.count;
          open.exports += 1;
          flags.push('export');
        }
        if (open.unassigned.size > before.unassigned) flags.push('unassigned');
        if (open.pursued.size > before.pursued) flags.push('cover_pursued');
        if (offSession && (customers.length > 0 || bulk > 0)) flags.push('off_shift');
        if (open.undelivered.size > before.undelivered) flags.push('undelivered');
      }

      // A reference to one of the person's own tickets about someone else (searches included).
      const ticket =
        allowed && event.reference !== undefined && event.action !== 'login' && customers.length > 0
          ? this.ctx.ticket(event.reference)
          : undefined;
      if (ticket) {
        const covered = coveredCustomers({
          actor: event.actor,
          action: event.action,
          ticket,
          customers,
          orders: event.orders,
          assigned: (c) => isAssigned(this.ctx, event.actor, c, event.orders, event.ts, this.cfg),
        });
        for (const c of covered) open.covered.add(c);
        if (open.covered.size > before.covered) flags.push('cover_reference');
      }

      // Streaming detectors, each only when its measure moved.
      const b = open.baselines;
      const at = event.ts;
      const reach = open.ids.size + open.bulkEvents;
      if (open.customers.size > before.customers) {
        const f = detectVolume(
          { at, group, customers: open.customers.size, baseline: b.counts.customers },
          open.levels.volume,
          this.cfg,
        );
        if (f) {
          open.levels.volume = num(f.reason.detail.level);
          flags.push('volume');
          findings.push(f);
        }
      }
      if (open.exported > before.exported) {
        const f = detectExportSpike(
          { at, group, exported: open.exported, exports: open.exports, baseline: b.exports },
          open.levels.export,
          this.cfg,
        );
        if (f) {
          open.levels.export = num(f.reason.detail.level);
          open.exportAbsolute = b.exports.own.length < 3 && b.exports.peer.length < 3;
          findings.push(f);
        }
      }
      if (open.covered.size > before.covered || open.pursued.size > before.pursued) {
        const f = detectCoverReference(
          {
            at,
            group,
            covered: open.covered.size,
            customers: open.ids.size,
            pursued: open.pursued.size,
          },
          open.levels.cover,
          this.cfg,
        );
        if (f) {
          open.levels.cover = num(f.reason.detail.level);
          findings.push(f);
        }
      }
      if (hopped) {
        const f = detectConcurrentLocations(
          { at, group, hops: open.hops, baseline: b.counts.hops },
          open.levels.concurrent,
          this.cfg,
        );
        if (f) {
          open.levels.concurrent = num(f.reason.detail.level);
          findings.push(f);
        }
      }
      const seen = open.customers.size;
      if (open.unassigned.size > before.unassigned)
        this.fraction(
          st,
          open,
          'unassigned',
          { at, group, flagged: open.unassigned.size, seen, baseline: b.rates.unassigned },
          findings,
        );
      const offShift = open.offShift.size + open.offShiftBulk;
      if (offShift > before.offShift && staff)
        this.fraction(
          st,
          open,
          'offShift',
          { at, group, flagged: offShift, seen: reach, baseline: b.rates.offShift },
          findings,
          staff.shift,
        );
      if (open.undelivered.size > before.undelivered)
        this.fraction(
          st,
          open,
          'undelivered',
          { at, group, flagged: open.undelivered.size, seen, baseline: b.rates.undelivered },
          findings,
        );
      if (open.adjacent > before.adjacent)
        this.fraction(
          st,
          open,
          'enumeration',
          { at, group, flagged: open.adjacent, seen: open.ids.size, baseline: b.rates.enumeration },
          findings,
        );
      const novelNow = open.novel.size + open.novelBulk;
      if (novelNow > before.novel)
        this.fraction(
          st,
          open,
          'novel',
          { at, group, flagged: novelNow, seen: reach, baseline: b.rates.novel },
          findings,
        );
      if (channelMoved) this.channel(st, open, channel, at, group, reach, findings);
    }

    if (flags.length > 0 || findings.length > 0) pushRing(st.evidence, recordOf(event, flags), EVIDENCE_RING);
    else pushRing(st.context, recordOf(event), CONTEXT_RING);

    this.expireSearches(st, event.ts - this.cfg.followUpMs, findings);
    return this.raise(st, findings);
  }

  /**
   * An export's request or approval: no customer changes hands, so no day metric moves. A request is
   * remembered until its approval; an approval is judged at once (export-approval detector) for the
   * requester, and the approver is charged one level less. Inactive accounts are judged as ever.
   */
  private exportStep(event: WatchEvent): WatchAlert[] {
    const st = this.actor(event.actor);
    const staff = this.ctx.staff(event.actor);
    const clock = this.clockOf(event.actor);
    const day = clock.dayOf(event.ts);
    const findings: WatchFinding[] = [];
    const alerts: WatchAlert[] = [];
    const inactive = detectInactiveAccount(event, staff, st.inactiveDay === day);
    if (inactive) {
      st.inactiveDay = day;
      findings.push(inactive);
    }
    if (st.firstDay === null || day < st.firstDay) st.firstDay = day;
    const flags: string[] = [event.stage === 'request' ? 'export_request' : 'export_approval'];
    if (event.outcome !== 'allowed') flags.push('denied');
    const id = event.exportId;
    if (event.outcome === 'allowed' && id !== undefined) {
      if (event.stage === 'request') {
        this.exportRequests.set(id, { ts: event.ts, requester: event.actor, customers: event.count });
        if (this.exportRequests.size > 256) {
          for (const [k, r] of this.exportRequests)
            if (r.ts < event.ts - 7 * DAY_MS) this.exportRequests.delete(k);
        }
      } else {
        const request = this.exportRequests.get(id);
        this.exportRequests.delete(id);
        const requester = event.requester ?? request?.requester;
        if (requester !== undefined && requester !== event.actor) {
          const rq = this.actor(requester);
          const rqClock = this.clockOf(requester);
          const rqDay = rqClock.dayOf(event.ts);
          const baseline = rq.open.get(rqDay)?.baselines.exports ?? this.baselinesFor(rq, rqDay).exports;
          const since = event.ts - this.cfg.exportPairDays * DAY_MS;
          while ((rq.approvedExports[0]?.[0] ?? event.ts) < since) rq.approvedExports.shift();
          const f = detectExportApproval(
            {
              at: event.ts,
              group: this.ctx.groupOf(requester) ?? 'unknown',
              requester,
              approver: event.actor,
              exportId: id,
              customers: event.count > 0 ? event.count : (request?.customers ?? 0),
              reviewMs: request ? event.ts - request.ts : null,
              offShift: !clock.onShift(event.ts) || (request !== undefined && !rqClock.onShift(request.ts)),
              baseline,
              pair: {
                exports: rq.approvedExports.length,
                byApprover: rq.approvedExports.filter(([, a]) => a === event.actor).length,
              },
            },
            this.cfg,
          );
          rq.approvedExports.push([event.ts, event.actor]);
          if (f) {
            flags.push('flagged');
            pushRing(rq.evidence, recordOf(event, ['export_approval', 'flagged']), EVIDENCE_RING);
            alerts.push(...this.raise(rq, [f]));
            // The approver's part: one level less (a careless approver; several make a pattern).
            const level = num(f.reason.detail.level);
            const weight = level >= 2 ? (this.cfg.levelWeights[level - 2] ?? 0) : 0;
            if (weight > 0)
              findings.push({
                ...f,
                reason: {
                  ...f.reason,
                  weight,
                  detail: { ...f.reason.detail, level: level - 1, charged: 'approver' },
                },
              });
          }
        }
      }
    }
    pushRing(st.evidence, recordOf(event, flags), EVIDENCE_RING);
    alerts.push(...this.raise(st, findings));
    return alerts;
  }

  /**
   * Advances the watermark: every event before `watermarkMs` has been pushed (late ones may still
   * come within `graceMs`). Closes the staff-days that ended more than `graceMs` before it and runs
   * the window detectors on them; returns the alerts they raised.
   */
  flush(watermarkMs: number): WatchAlert[] {
    if (!Number.isFinite(watermarkMs))
      throw new CordonError('CORDON_ERR_VALIDATION', 'The watermark must be a finite time.', {
        field: 'watermark',
      });
    this.watermark = Math.max(this.watermark ?? watermarkMs, watermarkMs);
    const alerts: WatchAlert[] = [];
    for (const st of this.actors.values()) {
      const expired: WatchFinding[] = [];
      this.expireSearches(st, watermarkMs - this.cfg.followUpMs, expired);
      alerts.push(...this.raise(st, expired));
    }
    const closable: Array<{ st: ActorState; open: OpenDay; order: number }> = [];
    let order = 0;
    for (const st of this.actors.values()) {
      for (const open of st.open.values())
        if (open.end + this.cfg.graceMs <= watermarkMs) closable.push({ st, open, order });
      order += 1;
    }
    closable.sort((a, b) => a.open.end - b.open.end || a.open.day - b.open.day || a.order - b.order);
    for (const { st, open } of closable) alerts.push(...this.closeDay(st, open));
    return alerts;
  }

  /** Staff-days closed so far, per actor (the denominator of false-alert rates). */
  staffDays(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const st of this.actors.values()) out[st.id] = st.staffDays;
    return out;
  }

  /** Events that arrived after their staff-day had closed (judged by the streaming rules only). */
  lateEventCount(): number {
    return this.lateEvents;
  }

  /** The whole state as plain JSON (no Maps, Sets or class instances). */
  snapshot(): WatchEngineSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      watermark: this.watermark,
      lateEvents: this.lateEvents,
      groupStats: [...this.groupStats.entries()],
      networkUsers: [...this.networkUsers],
      exportRequests: [...this.exportRequests],
      coldStart: [...this.coldStart],
      actors: [...this.actors.values()].map((st) => ({
        ...st,
        open: [...st.open.values()].map((o) => ({
          ...o,
          customers: [...o.customers],
          revealed: [...o.revealed],
          unassigned: [...o.unassigned],
          offShift: [...o.offShift],
          undelivered: [...o.undelivered],
          novelChannelOrders: [...o.novelChannelOrders].map(([k, v]) => [k, [...v]] as [string, string[]]),
          covered: [...o.covered],
          pursued: [...o.pursued],
          ids: [...o.ids],
          novel: [...o.novel],
          channels: [...o.channels].map(([k, v]) => [k, [...v]] as [string, string[]]),
          channelBulk: [...o.channelBulk],
          channelLevels: [...o.channelLevels],
          channelBaselines: [...o.channelBaselines],
        })),
        seen: [...st.seen],
        unassignedSeen: [...st.unassignedSeen],
        deviceFirst: [...st.deviceFirst],
        networkFirst: [...st.networkFirst],
      })),
    };
  }

  /** An engine that continues from `snapshot` (taken with the same context and configuration). */
  static restore(ctx: WatchContext, snapshot: unknown, config?: Partial<WatchConfig>): WatchEngine {
    const snap = snapshot as WatchEngineSnapshot;
    if (
      typeof snap !== 'object' ||
      snap === null ||
      snap.version !== SNAPSHOT_VERSION ||
      !Array.isArray(snap.actors) ||
      !Array.isArray(snap.groupStats)
    )
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `Not a watch engine snapshot of version ${SNAPSHOT_VERSION}.`,
        {
          field: 'snapshot',
        },
      );
    const engine = new WatchEngine(ctx, config);
    engine.watermark = snap.watermark;
    engine.lateEvents = snap.lateEvents;
    engine.groupStats = new Map(snap.groupStats);
    engine.networkUsers = new Map(snap.networkUsers);
    engine.exportRequests = new Map(snap.exportRequests ?? []);
    engine.coldStart = new Map(snap.coldStart ?? []);
    for (const a of snap.actors) {
      engine.actors.set(a.id, {
        ...a,
        open: new Map(
          a.open.map((o) => [
            o.day,
            {
              ...o,
              customers: new Set(o.customers),
              revealed: new Set(o.revealed),
              unassigned: new Set(o.unassigned),
              offShift: new Set(o.offShift),
              undelivered: new Set(o.undelivered),
              covered: new Set(o.covered ?? []),
              pursued: new Set(o.pursued ?? []),
              ids: new Set(o.ids),
              levels: { ...o.levels, cover: o.levels.cover ?? 0, novelChannel: o.levels.novelChannel ?? 0 },
              novelChannelOrders: new Map(
                (o.novelChannelOrders ?? []).map(([k, v]) => [k, new Set(v)] as [string, Set<string>]),
              ),
              novel: new Set(o.novel),
              channels: new Map(o.channels.map(([k, v]) => [k, new Set(v)])),
              channelBulk: new Map(o.channelBulk),
              channelLevels: new Map(o.channelLevels),
              channelBaselines: new Map(o.channelBaselines),
            },
          ]),
        ),
        seen: new Map(a.seen),
        unassignedSeen: new Map(a.unassignedSeen),
        deviceFirst: new Map(a.deviceFirst),
        networkFirst: new Map(a.networkFirst),
        approvedExports: a.approvedExports ?? [],
      });
    }
    return engine;
  }

  // ------------------------------------------------------------------------------------------
  // internals

  private actor(id: string): ActorState {
    let st = this.actors.get(id);
    if (!st) {
      st = {
        id,
        open: new Map(),
        closedThrough: NO_DAY,
        history: [],
        seen: new Map(),
        unassignedSeen: new Map(),
        window: null,
        firstDay: null,
        deviceFirst: new Map(),
        networkFirst: new Map(),
        score: 0,
        scoreAt: 0,
        episode: [],
        episodeStart: 0,
        episodeFloor: null,
        lastFindingAt: null,
        lastAlerted: null,
        quotaLevel: 0,
        lowSlowLevel: 0,
        inactiveDay: null,
        evidence: [],
        context: [],
        last: null,
        presence: { ...onShiftPresence },
        pending: [],
        recentIds: [],
        staffDays: 0,
        exportLog: [],
        approvedExports: [],
      };
      this.actors.set(id, st);
    }
    return st;
  }

  private clockOf(actor: string): ShiftClock {
    let clock = this.clocks.get(actor);
    if (!clock) {
      const shift: ShiftSpec = this.ctx.staff(actor)?.shift ?? { start: '00:00', end: '00:00', tz: 'UTC' };
      clock = new ShiftClock(shift, this.zones, this.cfg.shiftSlackMinutes);
      this.clocks.set(actor, clock);
    }
    return clock;
  }

  /** The event's customers, with the customers of its orders when orders are known. */
  private customersOf(event: WatchEvent): string[] {
    if (event.orders.length === 0) return event.customers as string[];
    const set = new Set(event.customers);
    for (const o of event.orders) {
      const c = this.ctx.customerOfOrder(o);
      if (c !== undefined) set.add(c);
    }
    return [...set];
  }

  private openDay(st: ActorState, day: number, clock: ShiftClock): OpenDay {
    const open: OpenDay = {
      day,
      end: clock.dayEnd(day),
      customers: new Set(),
      bulk: 0,
      bulkEvents: 0,
      revealed: new Set(),
      unassigned: new Set(),
      offShift: new Set(),
      offShiftBulk: 0,
      undelivered: new Set(),
      novelChannelOrders: new Map(),
      covered: new Set(),
      pursued: new Set(),
      ids: new Set(),
      adjacent: 0,
      exported: 0,
      exports: 0,
      searches: 0,
      unfollowed: 0,
      novel: new Set(),
      novelBulk: 0,
      hops: 0,
      events: 0,
      channels: new Map(),
      channelBulk: new Map(),
      levels: Object.fromEntries(streamDetectors.map((d) => [d, 0])) as Record<StreamDetector, number>,
      channelLevels: new Map(),
      exportAbsolute: false,
      baselines: this.baselinesFor(st, day),
      channelBaselines: new Map(),
    };
    st.open.set(day, open);
    return open;
  }

  private ownDays(st: ActorState, day: number): DayRecord[] {
    const from = day - this.cfg.historyDays;
    return st.history.filter((r) => r.day >= from && r.day < day);
  }

  private baselinesFor(st: ActorState, day: number): DayBaselines {
    const own = this.ownDays(st, day);
    const group = this.ctx.groupOf(st.id);
    const peers = group !== undefined ? this.peerStats(group, day) : null;
    const mature = peers !== null && peers.matureDays >= this.cfg.minOwnDays;
    const counts = {} as Record<CountKey, CountBaseline>;
    for (const k of countKeys) {
      const values = own.filter((r) => !r.strong.includes(countDetector[k])).map((r) => r.m[k]);
      counts[k] = { own: robustSummary(values), peer: mature ? (peers?.counts[k] ?? null) : null };
    }
    const rates = {} as Record<RateKey, RateBaseline | null>;
    for (const k of rateKeys) {
      const def = rateDefs[k];
      const days = own.filter((r) => !r.strong.includes(k) && r.m[def.den] > 0);
      const peer = mature ? peers?.rates[k] : undefined;
      rates[k] = rateBaseline(
        {
          flagged: days.reduce((s, r) => s + r.m[def.num], 0),
          seen: days.reduce((s, r) => s + r.m[def.den], 0),
          days: days.length,
        },
        days.length > 0 ? median(days.map((r) => r.m[def.den])) : null,
        peer?.rates ?? [],
        peer?.typicalN ?? null,
        {
          priorStrength: this.cfg.priorStrength,
          minOwnDays: this.cfg.minOwnDays,
          minPeers: this.cfg.minPeers,
          peerSeen: peer?.seen ?? 0,
        },
        peer?.concentration,
      );
    }
    const lagged = st.exportLog
      .filter(([d]) => d < day - this.cfg.exportLagDays && d >= day - this.cfg.exportMemoryDays)
      .map(([, n]) => n);
    const exports: ExportBaseline = {
      own:
        lagged.length >= 3
          ? lagged
          : own.filter((r) => r.m.exported > 0 && !r.strong.includes('export')).map((r) => r.m.exported),
      peer: mature ? (peers?.exportDays ?? []) : [],
      mature,
    };
    return { counts, rates, exports };
  }

  /** The baseline of one channel for the day: its share of the reach in own and peer history. */
  private channelBaseline(st: ActorState, open: OpenDay, channel: string): RateBaseline | null {
    if (open.channelBaselines.has(channel)) return open.channelBaselines.get(channel) ?? null;
    const own = this.ownDays(st, open.day).filter((r) => !channelStrong(r) && r.m.reach > 0);
    const group = this.ctx.groupOf(st.id);
    const peers = group !== undefined ? this.peerStats(group, open.day) : null;
    const mature = peers !== null && peers.matureDays >= this.cfg.minOwnDays && peers.reach > 0;
    const hist: RateHistory = {
      flagged: own.reduce((s, r) => s + (r.m.channels[channel] ?? 0), 0),
      seen: own.reduce((s, r) => s + r.m.reach, 0),
      days: own.length,
    };
    const peerShare = mature && peers ? (peers.channels[channel]?.reached ?? 0) / peers.reach : null;
    const b = rateBaseline(
      hist,
      own.length > 0 ? median(own.map((r) => r.m.reach)) : null,
      // The pooled share stands in for the peers' rates (most channels are all or nothing per person).
      peerShare !== null ? Array.from({ length: this.cfg.minPeers }, () => peerShare) : [],
      peers?.typicalReach ?? null,
      {
        priorStrength: this.cfg.priorStrength,
        minOwnDays: this.cfg.minOwnDays,
        minPeers: this.cfg.minPeers,
        peerSeen: mature && peers ? peers.reach : 0,
      },
      (mature && peers?.channels[channel]?.concentration) || this.cfg.maxConcentration,
    );
    open.channelBaselines.set(channel, b);
    return b;
  }

  private channel(
    st: ActorState,
    open: OpenDay,
    channel: string,
    at: number,
    group: string,
    reach: number,
    out: WatchFinding[],
  ): void {
    const previous = open.channelLevels.get(channel) ?? 0;
    if (previous >= 3) return;
    const baseline = this.channelBaseline(st, open, channel);
    if (!baseline) return;
    const flagged = (open.channels.get(channel)?.size ?? 0) + (open.channelBulk.get(channel) ?? 0);
    if (flagged <= baseline.rate * Math.max(reach, baseline.typicalN)) return;
    const f = detectUnusualChannel(
      { at, group, flagged, seen: reach, baseline },
      channel,
      previous,
      this.cfg,
    );
    if (!f) return;
    const level = num(f.reason.detail.level);
    open.channelLevels.set(channel, level);
    // The day's channel score is its highest channel's: only the rise above the day's level counts.
    const dayLevel = open.levels.channel;
    if (level <= dayLevel) return;
    const weights = this.cfg.levelWeights;
    const w = (l: number) => (l <= 0 ? 0 : (weights[l - 1] ?? 0));
    open.levels.channel = level;
    out.push({ ...f, reason: { ...f.reason, weight: roundTo(w(level) - w(dayLevel), 3) } });
  }

  /**
   * Whether nobody in the person's peer group (the person included) used `channel` in the history
   * window before `day`, and that history is mature (the same maturity as the channel baselines: a
   * new deployment or a new group has no yardstick yet, so nothing is new to it). Days on which a
   * channel test reached level 2 are left out, as in the channel baselines.
   */
  private channelNewToGroup(st: ActorState, day: number, channel: string): boolean {
    const group = this.ctx.groupOf(st.id);
    if (group === undefined) return false;
    const peers = this.peerStats(group, day);
    if (peers.matureDays < this.cfg.minOwnDays || peers.reach <= 0) return false;
    // The group's members include the person (see WatchContext.members).
    return (peers.channels[channel]?.reached ?? 0) === 0;
  }

  /** Counts undelivered orders disclosed through a channel new to the group and judges the day. */
  private novelChannelOrders(
    open: OpenDay,
    channel: string,
    orders: readonly string[],
    at: number,
    group: string,
    out: WatchFinding[],
  ): void {
    const set = open.novelChannelOrders.get(channel) ?? new Set<string>();
    const before = set.size;
    for (const o of orders) set.add(o);
    open.novelChannelOrders.set(channel, set);
    if (set.size === before) return;
    // The day's level is its highest channel's, as for unusual channels.
    let most = 0;
    for (const s of open.novelChannelOrders.values()) most = Math.max(most, s.size);
    if (set.size < most) return;
    const f = detectNovelChannelOrders(
      {
        at,
        group,
        channel,
        orders: set.size,
        customers: open.customers.size,
        groupDays: this.peerStats(group, open.day).matureDays,
      },
      open.levels.novelChannel,
      this.cfg,
    );
    if (!f) return;
    open.levels.novelChannel = num(f.reason.detail.level);
    out.push(f);
  }

  /**
   * The peer group's baselines for a day: its members' closed days in the history window before it,
   * leaving out days on which a detector of the metric reached level 2 (they are not "normal").
   */
  private peerStats(group: string, day: number): GroupStats {
    const key = `${group}|${day}`;
    const hit = this.groupStats.get(key);
    if (hit) return hit;
    const from = day - this.cfg.historyDays;
    const pooled: Record<CountKey, number[]> = { customers: [], hops: [] };
    const rates = Object.fromEntries(
      rateKeys.map((k) => [
        k,
        { rates: [] as number[], dens: [] as number[], pairs: [] as Array<[number, number]> },
      ]),
    ) as Record<RateKey, { rates: number[]; dens: number[]; pairs: Array<[number, number]> }>;
    const exportDays: number[] = [];
    const dayIndexes = new Set<number>();
    const channelDays: Array<{ reach: number; channels: Record<string, number> }> = [];
    const channelTotals = new Map<string, number>();
    let reach = 0;
    const reaches: number[] = [];
    for (const member of this.ctx.members(group)) {
      const st = this.actors.get(member);
      if (!st) continue;
      const days = st.history.filter((r) => r.day >= from && r.day < day);
      for (const r of days) {
        dayIndexes.add(r.day);
        for (const k of countKeys) if (!r.strong.includes(countDetector[k])) pooled[k].push(r.m[k]);
        if (r.m.exported > 0 && !r.strong.includes('export')) exportDays.push(r.m.exported);
        if (!channelStrong(r) && r.m.reach > 0) {
          reach += r.m.reach;
          reaches.push(r.m.reach);
          channelDays.push({ reach: r.m.reach, channels: r.m.channels });
          for (const [c, n] of Object.entries(r.m.channels))
            channelTotals.set(c, (channelTotals.get(c) ?? 0) + n);
        }
      }
      for (const k of rateKeys) {
        const def = rateDefs[k];
        let n = 0;
        let d = 0;
        for (const r of days) {
          if (r.strong.includes(k)) continue;
          n += r.m[def.num];
          d += r.m[def.den];
          if (r.m[def.den] > 0) {
            rates[k].dens.push(r.m[def.den]);
            rates[k].pairs.push([r.m[def.num], r.m[def.den]]);
          }
        }
        if (d >= def.minDen) rates[k].rates.push(n / d);
      }
    }
    const channels: GroupStats['channels'] = {};
    for (const [c, reached] of [...channelTotals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      channels[c] = {
        reached,
        concentration: estimateConcentration(
          channelDays.map((d) => [Math.min(d.channels[c] ?? 0, d.reach), d.reach] as const),
          this.cfg.concentration,
          this.cfg.maxConcentration,
        ),
      };
    }
    const stats: GroupStats = {
      matureDays: dayIndexes.size,
      counts: {
        customers: pooled.customers.length >= this.cfg.minPeerDays ? robustSummary(pooled.customers) : null,
        hops: pooled.hops.length >= this.cfg.minPeerDays ? robustSummary(pooled.hops) : null,
      },
      rates: Object.fromEntries(
        rateKeys.map((k) => [
          k,
          {
            rates: rates[k].rates,
            typicalN: rates[k].dens.length > 0 ? median(rates[k].dens) : null,
            concentration: estimateConcentration(
              rates[k].pairs,
              this.cfg.concentration,
              this.cfg.maxConcentration,
            ),
            seen: rates[k].pairs.reduce((s, [, n]) => s + n, 0),
          },
        ]),
      ) as GroupStats['rates'],
      exportDays,
      channels,
      reach,
      typicalReach: reaches.length > 0 ? median(reaches) : null,
    };
    this.groupStats.set(key, stats);
    if (this.groupStats.size > 4 * this.ctx.groups().length + 64) {
      for (const k of this.groupStats.keys()) {
        const d = Number(k.slice(k.lastIndexOf('|') + 1));
        if (d < day - 3) this.groupStats.delete(k);
      }
    }
    return stats;
  }

  private fraction(
    st: ActorState,
    open: OpenDay,
    key: RateKey,
    input: FractionInput,
    out: WatchFinding[],
    shift?: ShiftSpec,
  ): void {
    const previous = open.levels[key];
    if (previous >= 3 || input.flagged < this.cfg.minEvidence) return;
    // Cheap pre-filter: at or below the expected count nothing can be surprising (today's peers
    // can only raise the expectation).
    const own = input.baseline;
    if (own && input.flagged <= own.rate * Math.max(input.seen, own.typicalN)) return;
    // A day when most of the group does it (a sale peak) is not one person's anomaly; and before any
    // history exists (watch just started, or a new group), today's peers are the only yardstick.
    const today = this.peersToday(st.id, open.day, key);
    let baseline = input.baseline;
    if (!baseline && !today && coldStartKeys.has(key)) baseline = this.coldStartBaseline(st, open.day, key);
    if (!baseline) {
      if (!today) return;
      baseline = {
        rate: Math.max(today.rate, 0.5 / (today.seen + 1)),
        typicalN: today.typicalN,
        peerRate: today.rate,
        peerMad: today.mad,
      };
    } else if (today && today.rate > baseline.rate) baseline = { ...baseline, rate: today.rate };
    // Cheap pre-filter: at or below the expected count nothing can be surprising.
    if (input.flagged <= baseline.rate * Math.max(input.seen, baseline.typicalN)) return;
    const judged = { ...input, baseline };
    let f: WatchFinding | null;
    if (key === 'unassigned') f = detectUnassigned(judged, previous, this.cfg);
    else if (key === 'offShift') f = shift ? detectOffShift(judged, shift, previous, this.cfg) : null;
    else if (key === 'undelivered') f = detectUndeliveredOrders(judged, previous, this.cfg);
    else if (key === 'sweep') f = detectSearchSweep(judged, previous, this.cfg);
    else if (key === 'novel') f = detectSharedAccount(judged, previous, this.cfg);
    else f = detectEnumeration(judged, previous, this.cfg);
    if (f) {
      open.levels[key] = num(f.reason.detail.level);
      out.push(f);
    }
  }

  /**
   * A cold-start yardstick for a fraction in {@link coldStartKeys}, when neither a baseline nor
   * today's peers exist (the stream's first days, a holiday with few at work): everyone else of the
   * person's role, each pooled over whatever closed days they have in the history window (at least
   * the metric's `minDen` in all), at least `minPeers` of them; the person's own days update it as
   * usual, and the dispersion is estimated from those days as for a mature group (the configured
   * floor when there are too few of them). Null when too few of the role have enough history.
   */
  private coldStartBaseline(st: ActorState, day: number, key: RateKey): RateBaseline | null {
    const cacheKey = `${day}|${key}|${st.id}`;
    const hit = this.coldStart.get(cacheKey);
    if (hit !== undefined) return hit;
    const def = rateDefs[key];
    const from = day - this.cfg.historyDays;
    const rates: number[] = [];
    const dens: number[] = [];
    const pairs: Array<[number, number]> = [];
    let peerSeen = 0;
    for (const member of this.ctx.sameRole(st.id)) {
      if (member === st.id) continue;
      const days = (this.actors.get(member)?.history ?? []).filter(
        (r) => r.day >= from && r.day < day && !r.strong.includes(key),
      );
      let n = 0;
      let d = 0;
      for (const r of days) {
        n += r.m[def.num];
        d += r.m[def.den];
        if (r.m[def.den] > 0) {
          dens.push(r.m[def.den]);
          pairs.push([r.m[def.num], r.m[def.den]]);
        }
      }
      if (d < def.minDen) continue;
      rates.push(n / d);
      peerSeen += d;
    }
    const own = this.ownDays(st, day).filter((r) => !r.strong.includes(key) && r.m[def.den] > 0);
    const b =
      rates.length < this.cfg.minPeers
        ? null
        : rateBaseline(
            {
              flagged: own.reduce((s, r) => s + r.m[def.num], 0),
              seen: own.reduce((s, r) => s + r.m[def.den], 0),
              days: own.length,
            },
            own.length > 0 ? median(own.map((r) => r.m[def.den])) : null,
            rates,
            median(dens),
            {
              priorStrength: this.cfg.priorStrength,
              minOwnDays: this.cfg.minOwnDays,
              minPeers: this.cfg.minPeers,
              peerSeen,
            },
            estimateConcentration(pairs, this.cfg.concentration, this.cfg.maxConcentration),
          );
    this.coldStart.set(cacheKey, b);
    if (this.coldStart.size > 1024) {
      for (const k of this.coldStart.keys())
        if (Number(k.slice(0, k.indexOf('|'))) < day - 1) this.coldStart.delete(k);
    }
    return b;
  }

  /**
   * The peers' fractions so far today (each peer with at least `minEvidence` customers or searches
   * today; at least `minPeers` of them, from the peer group or else the whole role): median, MAD and
   * sizes; or null.
   */
  private peersToday(
    actor: string,
    day: number,
    key: RateKey,
  ): { rate: number; mad: number; seen: number; typicalN: number } | null {
    const group = this.ctx.groupOf(actor);
    if (group === undefined) return null;
    const def = rateDefs[key];
    const collect = (members: readonly string[]) => {
      const rates: number[] = [];
      const dens: number[] = [];
      for (const member of members) {
        if (member === actor) continue;
        const o = this.actors.get(member)?.open.get(day);
        if (!o) continue;
        const den = openMetric(o, def.den);
        if (den < Math.max(this.cfg.minEvidence, 1)) continue;
        rates.push(openMetric(o, def.num) / den);
        dens.push(den);
      }
      return { rates, dens };
    };
    // The team first; early in a day (or on a holiday) too few of them are at work, then the role.
    let { rates, dens } = collect(this.ctx.members(group));
    if (rates.length < this.cfg.minPeers) ({ rates, dens } = collect(this.ctx.sameRole(actor)));
    if (rates.length < this.cfg.minPeers) return null;
    const rate = median(rates);
    return {
      rate,
      mad: medianAbsoluteDeviation(rates, rate),
      seen: dens.reduce((a, b) => a + b, 0),
      typicalN: median(dens),
    };
  }

  /**
   * Work on customers at `ts`: searches whose results it works on are followed up; searches it
   * leaves behind (see followUpOf) are counted as unfollowed at once (and may raise a sweep finding).
   */
  private followUp(st: ActorState, customers: readonly string[], ts: number, out: WatchFinding[]): void {
    if (st.pending.length === 0) return;
    const keep: PendingSearch[] = [];
    const abandoned: PendingSearch[] = [];
    for (const p of st.pending) {
      const { state, others } = followUpOf(p, customers, ts, this.cfg);
      if (state === 'followed') continue;
      if (others.length > 0) p.others = others;
      (state === 'abandoned' ? abandoned : keep).push(p);
    }
    st.pending = keep;
    for (const p of abandoned) this.unfollowed(st, p, ts, out);
  }

  /** Searches older than `before` with no follow-up are counted (and may raise a sweep finding). */
  private expireSearches(st: ActorState, before: number, out: WatchFinding[]): void {
    if (st.pending.length === 0 || (st.pending[0]?.ts ?? Number.POSITIVE_INFINITY) >= before) return;
    const keep: PendingSearch[] = [];
    const expired: PendingSearch[] = [];
    for (const p of st.pending) (p.ts >= before ? keep : expired).push(p);
    st.pending = keep;
    for (const p of expired) this.unfollowed(st, p, p.ts + this.cfg.followUpMs, out);
  }

  /** Counts a search left without follow-up, known as such at `at`, in its staff-day. */
  private unfollowed(st: ActorState, p: PendingSearch, at: number, out: WatchFinding[]): void {
    const open = st.open.get(this.clockOf(st.id).dayOf(p.ts));
    if (!open) return;
    open.unfollowed += 1;
    pushRing(st.evidence, { ...p.evidence, flags: ['search', 'no_follow_up'] }, EVIDENCE_RING);
    this.fraction(
      st,
      open,
      'sweep',
      {
        at,
        group: this.ctx.groupOf(st.id) ?? 'unknown',
        flagged: open.unfollowed,
        seen: open.searches,
        baseline: open.baselines.rates.sweep,
      },
      out,
    );
  }

  private closeDay(st: ActorState, open: OpenDay): WatchAlert[] {
    const findings: WatchFinding[] = [];
    if (st.pending.some((p) => p.ts < open.end)) this.expireSearches(st, open.end, findings);
    st.open.delete(open.day);
    st.closedThrough = Math.max(st.closedThrough, open.day);
    st.staffDays += 1;
    const channels: Record<string, number> = {};
    for (const [c, set] of open.channels) channels[c] = set.size + (open.channelBulk.get(c) ?? 0);
    for (const [c, n] of open.channelBulk) if (!(c in channels)) channels[c] = n;
    const m: DayMetrics = {
      customers: open.customers.size,
      bulk: open.bulk,
      bulkEvents: open.bulkEvents,
      reach: open.ids.size + open.bulkEvents,
      revealed: open.revealed.size,
      unassigned: open.unassigned.size,
      offShift: open.offShift.size + open.offShiftBulk,
      undelivered: open.undelivered.size,
      exported: open.exported,
      exports: open.exports,
      searches: open.searches,
      unfollowed: open.unfollowed,
      ids: open.ids.size,
      adjacent: open.adjacent,
      novel: open.novel.size + open.novelBulk,
      hops: open.hops,
      events: open.events,
      channels,
    };
    const strong = streamDetectors.filter(
      (d) => open.levels[d] >= 2 && !(d === 'export' && open.exportAbsolute),
    );
    st.history.push({ day: open.day, m, strong });
    if (m.exported > 0 && !strong.includes('export')) {
      st.exportLog.push([open.day, m.exported]);
      st.exportLog.sort((a, b) => a[0] - b[0]);
      while ((st.exportLog[0]?.[0] ?? open.day) < open.day - this.cfg.exportMemoryDays) st.exportLog.shift();
    }
    st.history.sort((a, b) => a.day - b.day);
    const keepFrom =
      open.day - Math.max(this.cfg.historyDays, this.cfg.lowAndSlowDays, this.cfg.quotaHugWindowDays) - 1;
    while ((st.history[0]?.day ?? keepFrom) < keepFrom) st.history.shift();

    const at = open.end + this.cfg.graceMs;
    const group = this.ctx.groupOf(st.id) ?? 'unknown';
    const staff = this.ctx.staff(st.id);

    // Low and slow: the window's exposure against the peers' latest windows.
    const windowFrom = open.day - this.cfg.lowAndSlowDays;
    const inWindow = st.history.filter((r) => r.day > windowFrom && r.day <= open.day);
    const distinct = countSince(st.seen, windowFrom);
    const sum = (k: NumericMetric) => inWindow.reduce((s, r) => s + r.m[k], 0);
    st.window = {
      day: open.day,
      distinct,
      activeDays: inWindow.length,
      exported: sum('exported'),
      shares: {
        unassigned: [countSince(st.unassignedSeen, windowFrom), distinct],
        unfollowed: [sum('unfollowed'), sum('searches')],
        offShift: [sum('offShift'), sum('reach')],
        exportDays: [inWindow.filter((r) => r.m.exports > 0).length, inWindow.length],
      },
    };
    const peers: ExposureWindow[] = [];
    for (const member of group === 'unknown' ? [] : this.ctx.members(group)) {
      if (member === st.id) continue;
      const w = this.actors.get(member)?.window;
      if (!w || w.day < open.day - 2 || w.activeDays < this.cfg.lowAndSlowMinDays || w.distinct === 0)
        continue;
      peers.push(w);
    }
    const ls = detectLowAndSlow({ at, group, ...st.window, peers }, st.lowSlowLevel, this.cfg);
    if (ls) {
      st.lowSlowLevel = num(ls.reason.detail.level);
      findings.push(ls);
    }

    // Quota hugging: the last active days' reveals against the cap, and peers' hugging rates.
    const cap = revealQuotaOf(staff, this.cfg);
    if (cap !== null && cap > 0 && open.revealed.size > 0) {
      const peerHug: number[] = [];
      const from = open.day - this.cfg.historyDays;
      for (const member of group === 'unknown' ? [] : this.ctx.members(group)) {
        if (member === st.id) continue;
        const peerCap = revealQuotaOf(this.ctx.staff(member), this.cfg);
        const days = (this.actors.get(member)?.history ?? []).filter(
          (r) => r.day > from && r.day <= open.day,
        );
        if (peerCap === null || days.length < this.cfg.minOwnDays) continue;
        peerHug.push(days.filter((r) => hugsQuota(r.m.revealed, peerCap, this.cfg)).length / days.length);
      }
      const q = detectQuotaHugging(
        { at, group, cap, days: st.history.map((r) => r.m.revealed), peerHugRates: peerHug },
        st.quotaLevel,
        this.cfg,
      );
      if (q) {
        st.quotaLevel = num(q.reason.detail.level);
        findings.push(q);
      }
    }
    return this.raise(st, findings);
  }

  /**
   * Adds the findings of one event (or one closed staff-day) to the person's score and episode, in
   * time order; returns at most one alert, at the highest severity they reached, when it is higher
   * than the episode's last (one event that crosses several lines is one alert, not a burst).
   */
  private raise(st: ActorState, findings: readonly WatchFinding[]): WatchAlert[] {
    if (findings.length === 0) return [];
    const ordered = [...findings].sort((a, b) => a.at - b.at);
    for (const f of ordered) {
      if (st.lastFindingAt !== null && f.at - st.lastFindingAt >= this.cfg.quietMs) {
        st.episode = [];
        st.lastAlerted = null;
        st.episodeFloor = null;
        st.quotaLevel = 0;
        st.lowSlowLevel = 0;
      }
      if (st.episode.length === 0) st.episodeStart = f.at;
      st.score = decayScore(st.score, st.scoreAt, f.at, this.cfg.halfLifeMs) + f.reason.weight;
      st.scoreAt = Math.max(st.scoreAt, f.at);
      st.lastFindingAt = Math.max(st.lastFindingAt ?? f.at, f.at);
      if (f.floor && (st.episodeFloor === null || severityRank(f.floor) > severityRank(st.episodeFloor)))
        st.episodeFloor = f.floor;
      st.episode.push(f);
      if (st.episode.length > EPISODE_FINDINGS) st.episode.splice(0, st.episode.length - EPISODE_FINDINGS);
    }
    const severity = severityOf(st.score, [st.episodeFloor ?? undefined], this.cfg);
    const trigger = ordered[ordered.length - 1];
    if (severity === null || trigger === undefined || !shouldAlert(severity, st.lastAlerted)) return [];
    st.lastAlerted = severity;
    return [this.alertOf(st, trigger, severity)];
  }

  private alertOf(st: ActorState, trigger: WatchFinding, severity: WatchSeverity): WatchAlert {
    const byCode = new Map<string, { reason: WatchReason; weight: number; top: number }>();
    for (const f of st.episode) {
      const seen = byCode.get(f.reason.code);
      if (!seen)
        byCode.set(f.reason.code, { reason: f.reason, weight: f.reason.weight, top: f.reason.weight });
      else {
        seen.weight += f.reason.weight;
        if (f.reason.weight >= seen.top) {
          seen.reason = f.reason;
          seen.top = f.reason.weight;
        }
      }
    }
    const reasons = [...byCode.values()]
      .map((r) => ({ ...r.reason, weight: roundTo(r.weight, 3) }))
      .sort((a, b) => b.weight - a.weight || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    let peer: WatchPeerComparison | null = null;
    let best = -1;
    for (const f of st.episode) {
      if (f.peer && f.reason.weight > best) {
        peer = f.peer;
        best = f.reason.weight;
      }
    }
    const since = st.episodeStart - DAY_MS;
    const items = [...st.evidence, ...st.context]
      .filter((e) => e.ts >= since && e.ts <= trigger.at)
      .sort((a, b) => a.ts - b.ts);
    const cap = this.cfg.evidenceCap;
    const head = Math.min(10, Math.floor(cap / 5));
    const kept =
      items.length <= cap ? items : [...items.slice(0, head), ...items.slice(items.length - (cap - head))];
    const evidence = kept.map(evidenceOf);
    const untilIso = new Date(trigger.at).toISOString();
    return {
      id: `watch-${st.id}-${trigger.at.toString(36)}-${severity}`,
      actor: st.id,
      at: untilIso,
      severity,
      score: roundTo(st.score, 2),
      reasons,
      peer,
      evidence,
    };
  }
}

/** A day metric of a still-open day. */
function openMetric(o: OpenDay, metric: NumericMetric): number {
  switch (metric) {
    case 'customers':
      return o.customers.size;
    case 'reach':
      return o.ids.size + o.bulkEvents;
    case 'unassigned':
      return o.unassigned.size;
    case 'offShift':
      return o.offShift.size + o.offShiftBulk;
    case 'undelivered':
      return o.undelivered.size;
    case 'searches':
      return o.searches;
    case 'unfollowed':
      return o.unfollowed;
    case 'ids':
      return o.ids.size;
    case 'adjacent':
      return o.adjacent;
    case 'novel':
      return o.novel.size + o.novelBulk;
    default:
      return 0;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function pushRing<T>(ring: T[], item: T, cap: number): void {
  ring.push(item);
  if (ring.length > cap) ring.splice(0, ring.length - cap);
}

/** Counts entries last seen after `from`, forgetting the older ones. */
function countSince(map: Map<string, number>, from: number): number {
  let n = 0;
  for (const [k, d] of map) {
    if (d > from) n += 1;
    else map.delete(k);
  }
  return n;
}

type Jsonified<T> = {
  [K in keyof T]: T[K] extends Set<infer V>
    ? V[]
    : T[K] extends Map<infer A, Set<infer V>>
      ? Array<[A, V[]]>
      : T[K] extends Map<infer A, infer B>
        ? Array<[A, B]>
        : T[K];
};

/** The engine's state as plain JSON. Opaque to callers: store it and hand it back to `restore`. */
export interface WatchEngineSnapshot {
  version: number;
  watermark: number | null;
  lateEvents: number;
  groupStats: Array<[string, GroupStats]>;
  networkUsers: Array<[string, string | null]>;
  /** Absent in snapshots taken before export requests were watched. */
  exportRequests?: Array<[string, PendingExport]>;
  /** Absent in snapshots taken before cold-start yardsticks. */
  coldStart?: Array<[string, RateBaseline | null]>;
  actors: Array<Omit<Jsonified<ActorState>, 'open'> & { open: Array<Jsonified<OpenDay>> }>;
}
