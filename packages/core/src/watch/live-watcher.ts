import type { SecurityAlertRow } from '../access/access.ports';
import { decodeEntry, entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import type { Clock } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import { toWatchEvent, type WatchEvent } from './event';
import { WATCHED_LEDGER_ACTIONS, watchEventFromLedger } from './ledger-feed';
import { WatchEngine } from './watch.engine';
import { severityRank, type WatchAlert, type WatchSeverity } from './watch-alert';
import type { WatchConfig } from './watch-config';
import { buildWatchContext, type WatchContext } from './watch-context';

const DAY_MS = 86_400_000;

/**
 * Events decoded or pushed between two yields to the event loop. A tick under load carries hundreds
 * of events (about 15–25 µs each in the engine), and one unbroken run of them held the server's only
 * thread for 13–23 ms at a time: every request waiting behind it paid that in its latency (the
 * reveal bench's p99). Slices of this size keep each run near a millisecond; the tick's transaction
 * and cursor lock stay held across the yields, so nothing else changes.
 */
const SLICE = 64;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface LiveWatcherOptions {
  /** Alerts at or above this severity pause the person's reveal and export rights at once. */
  containSeverity: WatchSeverity;
  /** Events read per source per tick. */
  batch?: number;
  /** How often the staff directory, tickets, deliveries and order states are reloaded. */
  contextRefreshMs?: number;
  /** The engine state is saved at least this often (and always with an alert). */
  persistEveryMs?: number;
  config?: Partial<WatchConfig>;
}

export interface LiveWatcherDeps {
  uow: UnitOfWork;
  clock: Clock;
  options: LiveWatcherOptions;
  /** Told of every new alert after it committed (for logs and notifications; no PII in alerts). */
  onAlert?: ((alert: WatchAlert, contained: boolean) => void) | undefined;
}

const watchActor: RequestContext = {
  actor: { type: 'system', id: 'cordon:watch', role: 'system' },
  scopes: [],
  requestId: 'watch',
};

/** A watch alert's stored id: derived from the alert's own, so a replayed alert is stored once. */
const alertIdOf = (alert: WatchAlert): string => `wa_${alert.id}`;

/** The stored form of a watch alert. */
function alertRow(alert: WatchAlert, now: Date): SecurityAlertRow {
  return {
    id: alertIdOf(alert),
    kind: 'watch',
    severity: alert.severity,
    staffId: alert.actor,
    subject: alert.actor,
    detail: {
      score: Math.round(alert.score * 100) / 100,
      reasons: alert.reasons.map((r) => r.code).join(' '),
      at: alert.at,
    },
    createdAt: now,
    status: 'open',
    body: alert,
  };
}

/**
 * Runs watch over the live stream: the ledger (every person's access in Cordon) and the events other
 * systems posted, in arrival order, each read once. The cursors and the engine's snapshot are saved
 * together in the transaction that stores the alerts they produced, so a restart resumes exactly
 * there without counting an event twice; a crash between saves re-reads events into the restored
 * engine, and alert ids are deterministic, so nothing is stored twice either.
 */
export class LiveWatcher {
  private engine: WatchEngine | undefined;
  private context: WatchContext | undefined;
  private contextAt = 0;
  private cursors = { ledger: -1, events: -1 };
  /** The cursors as last read from or written to the database by this process. */
  private persisted = { ledger: -2, events: -2 };
  private savedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly deps: LiveWatcherDeps) {}

  private async loadContext(repos: Repositories, now: Date): Promise<WatchContext> {
    const since = new Date(now.getTime() - 60 * DAY_MS);
    const [staff, tickets, deliveries, orders] = await Promise.all([
      repos.staff.list({}),
      repos.assignments.ticketsActiveSince(since, 500_000),
      repos.assignments.deliveriesSince(since, 500_000),
      repos.vault.orderStatesSince(new Date(now.getTime() - 30 * DAY_MS), 1_000_000),
    ]);
    return buildWatchContext({ staff, tickets, deliveries, orders });
  }

  /** Processes what arrived since the last tick; returns the number of events and the new alerts. */
  async tick(): Promise<{ processed: number; alerts: WatchAlert[]; backlog: boolean }> {
    const batch = this.deps.options.batch ?? 5000;
    const notify: Array<{ alert: WatchAlert; contained: boolean }> = [];
    const result = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      // The cursors, locked (one watcher at a time); the snapshot only when restoring from it.
      const locked = await repos.watch.lockCursors();
      const stored = { ledger: locked?.ledgerCursor ?? -1, events: locked?.eventsCursor ?? 0 };
      const refresh = now.getTime() - this.contextAt > (this.deps.options.contextRefreshMs ?? 300_000);
      if (!this.context || refresh) {
        this.context = await this.loadContext(repos, now);
        this.contextAt = now.getTime();
        if (this.engine)
          this.engine = WatchEngine.restore(this.context, this.engine.snapshot(), this.deps.options.config);
      }
      // Another process moved the cursors (or this is a fresh start): continue from the stored state.
      // Compared with what this process last persisted, not with its in-memory cursors: between saves
      // the in-memory state is ahead of the stored one, and restoring then would redo every event
      // since the last save on every tick.
      if (
        !this.engine ||
        stored.ledger !== this.persisted.ledger ||
        stored.events !== this.persisted.events
      ) {
        const state = locked ? await repos.watch.loadState() : undefined;
        this.engine = state?.snapshot
          ? WatchEngine.restore(this.context, state.snapshot, this.deps.options.config)
          : new WatchEngine(this.context, this.deps.options.config);
        this.cursors = { ...stored };
        this.persisted = { ...stored };
      }
      const engine = this.engine;
      const size = await repos.ledger.size();
      const to = Math.min(size, this.cursors.ledger + 1 + batch);
      // Only entries that can be a person's access are read and decoded; ingestion, risk decisions
      // and administration are skipped in SQL, and the cursor still moves past them.
      const ledgerRows =
        to > this.cursors.ledger + 1
          ? await repos.ledger.entriesWithActions(this.cursors.ledger + 1, to, WATCHED_LEDGER_ACTIONS)
          : [];
      const external = await repos.watch.eventsAfter(this.cursors.events, batch);
      const events: WatchEvent[] = [];
      for (const [i, row] of ledgerRows.entries()) {
        if (i % SLICE === SLICE - 1) await nextTurn();
        if (!row.body) continue;
        const event = watchEventFromLedger(decodeEntry(row.body));
        if (event) events.push(event);
      }
      for (const row of external) events.push(toWatchEvent(row.body, { line: row.seq }));
      events.sort((a, b) => a.ts - b.ts);
      const alerts: WatchAlert[] = [];
      for (const [i, event] of events.entries()) {
        if (i % SLICE === SLICE - 1) await nextTurn();
        alerts.push(...engine.push(event));
      }
      alerts.push(...engine.flush(now.getTime()));
      const scannedLedger = to > this.cursors.ledger + 1;
      if (scannedLedger) this.cursors.ledger = to - 1;
      const lastExternal = external[external.length - 1];
      if (lastExternal) this.cursors.events = lastExternal.seq;
      // The tick's alerts in one statement, then containment for those at its severity.
      await repos.access.insertAlerts(alerts.map((alert) => alertRow(alert, now)));
      for (const alert of alerts) {
        const contained = await this.contain(repos, alert, now);
        notify.push({ alert, contained });
      }
      const moved = scannedLedger || external.length > 0;
      if (
        alerts.length > 0 ||
        (moved && now.getTime() - this.savedAt > (this.deps.options.persistEveryMs ?? 10_000))
      ) {
        await repos.watch.saveState(
          {
            ledgerCursor: this.cursors.ledger,
            eventsCursor: this.cursors.events,
            snapshot: engine.snapshot(),
          },
          now,
        );
        this.savedAt = now.getTime();
        this.persisted = { ...this.cursors };
      }
      // More is waiting when a read stopped at its batch limit: then the next tick follows at once.
      const backlog = to < size || external.length >= batch;
      return { processed: events.length, alerts, backlog };
    });
    for (const n of notify) this.deps.onAlert?.(n.alert, n.contained);
    return result;
  }

  /** At or above the containment severity, pauses the person's rights (ledgered); true if it did. */
  private async contain(repos: Repositories, alert: WatchAlert, now: Date): Promise<boolean> {
    if (severityRank(alert.severity) < severityRank(this.deps.options.containSeverity)) return false;
    const existing = await repos.watch.findHold(alert.actor);
    if (existing && existing.status !== 'released') return false;
    await repos.watch.upsertHold({
      staffId: alert.actor,
      alertId: alertIdOf(alert),
      severity: alert.severity,
      reason: alert.reasons.map((r) => r.code).join(', '),
      createdAt: now,
      status: 'active',
      decidedBy: null,
      decidedAt: null,
      note: null,
    });
    await repos.ledger.append([
      entryFor(watchActor, now, 'contain', {
        detail: {
          subject: alert.actor,
          alert: alertIdOf(alert),
          severity: alert.severity,
          decision: 'paused',
        },
      }),
    ]);
    return true;
  }

  /** Ticks every `intervalMs` (default 500 ms: the detection lag) until `stop`. */
  start(intervalMs = 500): void {
    if (this.timer) return;
    this.stopped = false;
    const loop = async () => {
      let delay = intervalMs;
      try {
        const run = this.tick();
        this.running = run;
        // Back to back only while catching up; otherwise every interval (the detection lag), so a
        // steady trickle of reveals does not keep a transaction and the event loop busy all the time.
        if ((await run).backlog) delay = 0;
      } catch {
        delay = intervalMs * 4;
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), delay);
    };
    this.timer = setTimeout(() => void loop(), intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
