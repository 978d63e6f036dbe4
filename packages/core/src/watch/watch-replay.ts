import { z } from 'zod';
import { isAccess, type WatchEvent } from './event';
import { roundTo } from './robust-stats';
import { WatchEngine } from './watch.engine';
import type { WatchAlert } from './watch-alert';
import type { WatchConfig } from './watch-config';
import type { WatchContext } from './watch-context';

const MIN = 60_000;

/**
 * Offline replay: feeds events to a {@link WatchEngine} in the order given, advancing the watermark
 * as event time advances (events may be up to `latenessMs` out of order), and closes everything at
 * the end. The same driver serves the CLI (streaming from a file) and tests (an array).
 */
export class WatchReplay {
  private readonly engine: WatchEngine;
  private readonly alerts: WatchAlert[] = [];
  private maxTs = Number.NEGATIVE_INFINITY;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    ctx: WatchContext,
    config?: Partial<WatchConfig>,
    /** How far behind the newest event time the watermark is held. */
    private readonly latenessMs = 10 * MIN,
    /** How often (event time) the watermark is advanced. */
    private readonly flushEveryMs = 15 * MIN,
  ) {
    this.engine = new WatchEngine(ctx, config);
  }

  push(event: WatchEvent): void {
    if (event.ts > this.maxTs) this.maxTs = event.ts;
    const watermark = this.maxTs - this.latenessMs;
    if (watermark - this.lastFlush >= this.flushEveryMs) {
      this.alerts.push(...this.engine.flush(watermark));
      this.lastFlush = watermark;
    }
    this.alerts.push(...this.engine.push(event));
  }

  /** Closes every open staff-day and returns the run's result. */
  finish(): WatchReplayResult {
    if (Number.isFinite(this.maxTs)) this.alerts.push(...this.engine.flush(this.maxTs + 3 * 86_400_000));
    return { alerts: this.alerts, staffDays: this.engine.staffDays() };
  }
}

export interface WatchReplayResult {
  alerts: WatchAlert[];
  /** Active staff-days per actor (the denominator of the false-alert rate). */
  staffDays: Record<string, number>;
}

/** Replays events (in the order given) through a fresh engine; see {@link WatchReplay}. */
export function replayWatch(
  events: Iterable<WatchEvent>,
  ctx: WatchContext,
  config?: Partial<WatchConfig>,
): WatchReplayResult {
  const replay = new WatchReplay(ctx, config);
  for (const e of events) replay.push(e);
  return replay.finish();
}

/**
 * The simulator's ground truth (truth.json): the insider scenarios it injected, with their actors,
 * when they started and how many customers they took over the period. Unknown fields are allowed,
 * so the simulator can say more than the evaluation reads.
 */
export const watchTruthSchema = z.looseObject({
  scenarios: z.array(
    z.looseObject({
      name: z.string().min(1).max(200),
      actors: z.array(z.string().min(1).max(64)).min(1),
      start: z.iso.datetime({ offset: true }),
      end: z.iso.datetime({ offset: true }).optional(),
      customersTaken: z.number().int().min(0),
    }),
  ),
});
export type WatchTruth = z.infer<typeof watchTruthSchema>;

export interface ScenarioResult {
  name: string;
  actors: string[];
  detected: boolean;
  firstAlertAt: string | null;
  timeToFirstAlertHours: number | null;
  /**
   * Distinct customers (plus id-less bulk counts) the scenario's actors were allowed to touch from
   * the scenario's first injected event (when the marks are given; else from its `start`) until the
   * first alert, strictly before it (all of them when there was no alert).
   */
  customersExposedBeforeFirstAlert: number;
  /** The same counted from the truth's `start` (a departure date can be days before anything happens). */
  customersExposedSinceStart: number;
  /** The same including the events at the first alert's instant (the event that raised it was not stopped). */
  customersExposedAtFirstAlert: number;
  customersTaken: number;
  /** Exposed (before the first alert) ÷ taken (0 when nothing was taken). */
  ratio: number;
  /**
   * When the scenario's first injected event happened (from truth-events.ndjson, when given): the
   * truth's `start` can be days earlier (a departure date), and everything the actors did in between
   * was ordinary work no detector could call a harvest.
   */
  firstInjectedAt?: string | null;
  /** Hours from the first injected event to the first alert (negative: alerted before it). */
  hoursFromFirstInjected?: number | null;
  /** Customers exposed from the first injected event until the first alert (strictly before it). */
  customersExposedSinceFirstInjected?: number | null;
}

export interface WatchEvaluation {
  scenarios: ScenarioResult[];
  /** Alerts on actors of no scenario. */
  falseAlerts: number;
  /** Staff-days of actors of no scenario. */
  benignStaffDays: number;
  falseAlertsPer1000StaffDays: number;
  /** Distinct people among the false alerts. */
  falselyAlertedActors: number;
}

/**
 * Scores a replay against the truth. A false alert is an alert on an actor of no scenario; a
 * scenario is detected by any alert on any of its actors at or after its start. Exposure counts the
 * distinct customers (plus id-less bulk counts) of the actors' allowed accesses (export requests
 * and approvals hand out nothing) from the scenario's first injected event — or its start, when no
 * marks are given — until the first alert: strictly before it (what the alert could not have
 * prevented had it come a moment earlier is the event that raised it, reported separately). The
 * truth's `start` can be days before the first injected event (a ring's start is its leaver's
 * departure date, and the members' ordinary work in between is no harvest); the count from `start`
 * is reported too, as `customersExposedSinceStart`.
 */
export function evaluateWatch(
  alerts: readonly WatchAlert[],
  truth: WatchTruth,
  staffDays: Readonly<Record<string, number>>,
  events: Iterable<WatchEvent>,
  /** Time of each scenario's first injected event, by scenario name (optional). */
  firstInjected?: Readonly<Record<string, number>>,
): WatchEvaluation {
  const scenarioActors = new Set(truth.scenarios.flatMap((s) => s.actors));
  const perScenario = truth.scenarios.map((s) => {
    const actors = new Set(s.actors);
    const start = Date.parse(s.start);
    let firstAt: number | null = null;
    for (const a of alerts) {
      const at = Date.parse(a.at);
      if (actors.has(a.actor) && at >= start && (firstAt === null || at < firstAt)) firstAt = at;
    }
    return {
      s,
      actors,
      start,
      firstAt,
      exposed: new Set<string>(),
      anon: 0,
      atAlert: new Set<string>(),
      atAlertAnon: 0,
      injected: firstInjected?.[s.name],
      sinceInjected: new Set<string>(),
      sinceInjectedAnon: 0,
    };
  });
  for (const e of events) {
    if (e.outcome !== 'allowed' || !isAccess(e)) continue;
    for (const p of perScenario) {
      if (!p.actors.has(e.actor) || e.ts < p.start) continue;
      if (p.firstAt !== null && e.ts > p.firstAt) continue;
      const atAlert = p.firstAt !== null && e.ts === p.firstAt;
      const injected = p.injected === undefined || e.ts >= p.injected;
      if (atAlert) {
        if (!injected) continue;
        if (e.customers.length === 0) p.atAlertAnon += e.count;
        for (const c of e.customers) p.atAlert.add(c);
        continue;
      }
      if (e.customers.length === 0) p.anon += e.count;
      for (const c of e.customers) p.exposed.add(c);
      if (injected) {
        if (e.customers.length === 0) p.sinceInjectedAnon += e.count;
        for (const c of e.customers) p.sinceInjected.add(c);
      }
    }
  }
  const scenarios = perScenario.map((p): ScenarioResult => {
    const sinceStart = p.exposed.size + p.anon;
    const exposed = p.sinceInjected.size + p.sinceInjectedAnon;
    let inclusive = exposed + p.atAlertAnon;
    for (const c of p.atAlert) if (!p.sinceInjected.has(c)) inclusive += 1;
    return {
      name: p.s.name,
      actors: [...p.actors],
      detected: p.firstAt !== null,
      firstAlertAt: p.firstAt !== null ? new Date(p.firstAt).toISOString() : null,
      timeToFirstAlertHours: p.firstAt !== null ? roundTo((p.firstAt - p.start) / 3_600_000, 2) : null,
      customersExposedBeforeFirstAlert: exposed,
      customersExposedSinceStart: sinceStart,
      customersExposedAtFirstAlert: inclusive,
      customersTaken: p.s.customersTaken,
      ratio: p.s.customersTaken > 0 ? roundTo(exposed / p.s.customersTaken, 4) : 0,
      ...(p.injected !== undefined
        ? {
            firstInjectedAt: new Date(p.injected).toISOString(),
            hoursFromFirstInjected:
              p.firstAt !== null ? roundTo((p.firstAt - p.injected) / 3_600_000, 2) : null,
            customersExposedSinceFirstInjected: p.sinceInjected.size + p.sinceInjectedAnon,
          }
        : {}),
    };
  });
  const falseAlerts = alerts.filter((a) => !scenarioActors.has(a.actor));
  let benignStaffDays = 0;
  for (const [actor, days] of Object.entries(staffDays))
    if (!scenarioActors.has(actor)) benignStaffDays += days;
  return {
    scenarios,
    falseAlerts: falseAlerts.length,
    benignStaffDays,
    falseAlertsPer1000StaffDays:
      benignStaffDays > 0 ? roundTo((falseAlerts.length * 1000) / benignStaffDays, 3) : 0,
    falselyAlertedActors: new Set(falseAlerts.map((a) => a.actor)).size,
  };
}

/** The targets a run must meet (issue targets); returns the misses in words (empty: all met). */
export function watchTargetMisses(
  evaluation: WatchEvaluation,
  targets = { maxExposedRatio: 0.01, maxExposed: 500, maxFalsePer1000: 1 },
): string[] {
  const misses: string[] = [];
  for (const s of evaluation.scenarios) {
    if (!s.detected) misses.push(`${s.name}: not detected`);
    else {
      if (s.customersExposedBeforeFirstAlert > targets.maxExposed)
        misses.push(
          `${s.name}: ${s.customersExposedBeforeFirstAlert} customers exposed before the first alert (max ${targets.maxExposed})`,
        );
      if (s.customersTaken > 0 && s.ratio > targets.maxExposedRatio)
        misses.push(
          `${s.name}: ${roundTo(s.ratio * 100, 2)}% of the customers taken were exposed before the first alert (max ${targets.maxExposedRatio * 100}%)`,
        );
    }
  }
  if (evaluation.falseAlertsPer1000StaffDays > targets.maxFalsePer1000)
    misses.push(
      `${evaluation.falseAlertsPer1000StaffDays} false alerts per 1,000 staff-days (max ${targets.maxFalsePer1000})`,
    );
  return misses;
}
