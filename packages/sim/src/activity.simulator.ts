/**
 * The staff-activity simulator: a synthetic shop (customers, orders with a consistent lifecycle), its
 * staff directory with tickets, deliveries and exports, a stream of watch events from honest work,
 * insider scenarios injected into it, and the ground truth an evaluator needs.
 *
 * Deterministic: every draw comes from a sub-stream of the seed named by what it decides (a person's
 * day, a scenario's night, an order's lifecycle), so the same options give byte-identical output.
 * Streaming: days are simulated in order and events are released, sorted by time, as soon as no
 * later work can precede them (work of day d never starts before day d's midnight), so memory holds
 * about one day of events; orders are kept in a compact column index.
 */
import type {
  ActivityContext,
  ActivityRecord,
  ExportRecord,
  MerchantOrderRecord,
  ScenarioTruth,
  Session,
  SimEvent,
  SimTicket,
  SimulationTruth,
  TicketRecord,
  WatchEventRecord,
} from './activity.types';
import { unitOf } from './draw.util';
import { customerIdOf, OrderTimeline, orderIdOf } from './order.timeline';
import { hash32, Random, type Seed, seedText } from './random';
import {
  isScenarioName,
  planScenarios,
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioPlan,
} from './scenarios';
import { formatChinaTime, SyntheticShop } from './shop.generator';
import type { Customer, Order } from './shop.types';
import {
  generateStaff,
  isOfficeRole,
  MAX_STAFF,
  MIN_STAFF,
  SITES,
  type StaffDirectory,
  type StaffProfile,
  type StaffRecord,
  spellOn,
  staffRecord,
} from './staff.generator';
import { BenignWork } from './staff.work';
import { chinaMidnight, DAY, MINUTE, type WorkDay, workDay } from './work.calendar';

/** Default first day of the simulation: the October golden week, then Double 11 within 60 days. */
export const DEFAULT_SIM_START = '2026-10-01';
/** Bounds of the options. */
export const SIM_LIMITS = {
  staff: { min: MIN_STAFF, max: MAX_STAFF },
  customers: { min: 100, max: 10_000_000 },
  days: { min: 7, max: 366 },
} as const;
/** Days of order history before day 0, so the first tickets and deliveries have orders to be about. */
export const ORDER_HISTORY_DAYS = 30;

/** Reveal quotas of the default policy (distinct customers per rolling 24 h) by role. */
const ROLE_REVEAL_QUOTA: Readonly<Record<string, number>> = {
  support_agent: 40,
  support_lead: 60,
  courier: 150,
  dpo: 100,
};

/** Actions that show customer data to the actor. */
const TOUCHING: ReadonlySet<string> = new Set(['view', 'search', 'reveal', 'export', 'print', 'query']);

/** Options of a simulation. */
export interface SimulationOptions {
  readonly staff: number;
  readonly customers: number;
  readonly days: number;
  readonly seed: Seed;
  /** First day, `YYYY-MM-DD` in China (default {@link DEFAULT_SIM_START}). */
  readonly start?: string;
  /** Scenario names (any order; duplicates ignored). */
  readonly scenarios?: readonly string[];
}

interface Buffered extends SimEvent {
  readonly seq: number;
}

/**
 * Customers touched by a set of events: the distinct customers named, plus the `count` of each bulk
 * action without ids (the convention of core's `evaluateWatch`, so exposure and take compare),
 * capped at the size of the shop.
 */
class Exposure {
  readonly named = new Set<number>();
  private bulk = 0;

  add(event: SimEvent): void {
    const ids = event.customers ?? [];
    if (ids.length > 0) for (const c of ids) this.named.add(c);
    else if (event.count !== undefined) this.bulk += event.count;
  }

  size(customers: number): number {
    return Math.min(customers, this.named.size + this.bulk);
  }
}

interface Tracker {
  readonly plan: ScenarioPlan;
  readonly actors: ReadonlySet<string>;
  readonly touched: Exposure;
  readonly harvested: Exposure;
  events: number;
}

/** Validates options, throwing a RangeError that names the option. */
export function checkSimulationOptions(options: SimulationOptions): void {
  const whole = (name: 'staff' | 'customers' | 'days') => {
    const value = options[name];
    const { min, max } = SIM_LIMITS[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be a whole number from ${min} to ${max}.`);
    }
  };
  whole('staff');
  whole('customers');
  whole('days');
  seedText(options.seed);
  if (options.start !== undefined && Number.isNaN(chinaMidnight(options.start))) {
    throw new RangeError('start must be a date as YYYY-MM-DD.');
  }
  for (const name of options.scenarios ?? []) {
    if (!isScenarioName(name)) {
      throw new RangeError(`unknown scenario "${name}"; valid scenarios: ${SCENARIO_NAMES.join(', ')}.`);
    }
  }
}

/**
 * One simulation. Read {@link staffRecords}, stream {@link customers} and {@link orders} (the
 * orders build the order index; {@link activity} builds it itself if they were not streamed), then
 * {@link merchantOrders} and {@link activity}, and finally {@link truth}.
 */
export class StaffActivitySimulation implements ActivityContext {
  readonly startMs: number;
  readonly endMs: number;
  readonly days: number;
  readonly customerCount: number;
  readonly directory: StaffDirectory;
  readonly plans: readonly ScenarioPlan[];
  /** How high this run's Double 11 contact peak goes (2–4× an ordinary day). */
  readonly peak: number;
  private readonly seed: string;
  private readonly root: Random;
  private readonly key: number;
  private readonly shop: SyntheticShop;
  private readonly calendar: WorkDay[];
  private builtTimeline: OrderTimeline | undefined;
  private buffer: Buffered[] = [];
  private records: ActivityRecord[] = [];
  private watermark = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private ticketSeq = 0;
  private exportSeq = 0;
  private readonly referenceSeq = new Map<string, number>();
  private readonly openTickets = new Map<StaffProfile, SimTicket[]>();
  private readonly quotas = new Map<StaffProfile, Map<number, number>>();
  private readonly duty = new Map<number, Int8Array>();
  private readonly sessions = new Map<number, Session>();
  private readonly trackers: Tracker[];
  private started = false;
  private finished = false;

  constructor(options: SimulationOptions) {
    checkSimulationOptions(options);
    this.seed = seedText(options.seed);
    this.root = new Random(`${this.seed}#staff-activity`);
    this.key = hash32(`${this.seed}#staff-activity`);
    this.startMs = chinaMidnight(options.start ?? DEFAULT_SIM_START);
    this.days = options.days;
    this.endMs = this.startMs + this.days * DAY;
    this.customerCount = options.customers;
    this.peak = 2 + 2 * this.root.fork('peak').next();
    this.calendar = Array.from({ length: this.days + 1 }, (_, k) => workDay(this.startMs, k - 1, this.peak));
    this.shop = new SyntheticShop({
      customers: options.customers,
      seed: options.seed,
      start: new Date(this.startMs - ORDER_HISTORY_DAYS * DAY),
      days: this.days + ORDER_HISTORY_DAYS,
    });
    this.directory = generateStaff(this.root.fork('staff'), {
      count: options.staff,
      calendar: this.calendar.slice(1),
      startMs: this.startMs,
    });
    const names = [...new Set(options.scenarios ?? [])].filter(isScenarioName) as ScenarioName[];
    this.plans = planScenarios(names, {
      directory: this.directory,
      calendar: this.calendar.slice(1),
      startMs: this.startMs,
      random: this.root.fork('scenarios'),
      customers: this.customerCount,
    });
    this.trackers = this.plans.map((plan) => ({
      plan,
      actors: new Set(plan.actors.map((a) => a.id)),
      touched: new Exposure(),
      harvested: new Exposure(),
      events: 0,
    }));
  }

  /** The staff directory as of the end of the period, by id. */
  staffRecords(): StaffRecord[] {
    return this.directory.people
      .map((p) => staffRecord(p, this.directory, this.startMs))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The shop's customers (the shop generator's, for this seed and window). */
  *customers(): Generator<Customer> {
    yield* this.shop.customers();
  }

  /**
   * The shop's orders from {@link ORDER_HISTORY_DAYS} before day 0 to the end, in time order, with
   * statuses as of the end of the period; builds the order index as it goes.
   */
  *orders(): Generator<Order> {
    const timeline = this.newTimeline();
    for (const order of this.shop.orders()) yield timeline.add(order);
    timeline.finish();
    this.builtTimeline = timeline;
  }

  /** Orders sold by merchants (not the platform itself), with their delivery time if delivered. */
  *merchantOrders(): Generator<MerchantOrderRecord> {
    const tl = this.timeline;
    for (let i = 0; i < tl.count; i += 1) {
      const merchant = tl.merchant[i] ?? -1;
      if (merchant < 0) continue;
      const delivered = tl.delivered[i] ?? Number.POSITIVE_INFINITY;
      yield {
        orderId: orderIdOf(i),
        merchant: this.directory.merchants[merchant]?.id ?? 'M001',
        ...(delivered < this.endMs ? { deliveredAt: formatChinaTime(delivered) } : {}),
      };
    }
  }

  /** The order index (built on first use if the orders were not streamed). */
  get timeline(): OrderTimeline {
    return this.ensureTimeline();
  }

  private ensureTimeline(): OrderTimeline {
    if (this.builtTimeline === undefined) {
      const timeline = this.newTimeline();
      for (const order of this.shop.orders()) timeline.add(order);
      timeline.finish();
      this.builtTimeline = timeline;
    }
    return this.builtTimeline;
  }

  private newTimeline(): OrderTimeline {
    return new OrderTimeline({
      capacity: this.shop.orderCount,
      customers: this.customerCount,
      startMs: this.startMs,
      endMs: this.endMs,
      merchants: this.directory.merchants,
      key: hash32(`${this.seed}#orders`),
    });
  }

  /**
   * Events (sorted by time), tickets, deliveries and exports, day by day. Call once; then
   * {@link truth} is available.
   */
  *activity(): Generator<ActivityRecord> {
    if (this.started) throw new RangeError('activity() can be streamed once per simulation.');
    this.started = true;
    this.ensureTimeline();
    const work = new BenignWork(this);
    const behaviours = this.plans.map((plan) => plan.attach(this, work));
    const people = this.directory.people;
    const warehouse = people.filter((p) => p.role === 'warehouse');
    const couriers = people.filter((p) => p.role === 'courier');
    for (let day = -1; day < this.days; day += 1) {
      this.sessions.clear();
      this.duty.delete(day - 2);
      for (const person of people) {
        const onDuty = this.onDuty(person, day);
        if (isOfficeRole(person.role)) {
          if (onDuty) work.officeDay(person, day);
          if (person.role === 'engineer' || person.role === 'security_admin') work.onCall(person, day);
        } else if (person.role === 'support_agent' || person.role === 'support_lead') {
          if (onDuty) {
            work.supportDay(person, day, (planned) =>
              behaviours.flatMap((b) => b.workItems(person, day, planned)),
            );
          }
        } else if (person.role === 'merchant_staff' && onDuty) work.merchantDay(person, day);
      }
      work.fulfilmentDay(day, warehouse, couriers, (order, courier, from, to) => {
        if (from >= this.endMs || to <= this.startMs) return;
        this.records.push({
          kind: 'delivery',
          delivery: {
            orderId: orderIdOf(order),
            courier: courier.id,
            from: formatChinaTime(from),
            to: formatChinaTime(to),
          },
        });
      });
      for (const behaviour of behaviours) behaviour.inject(day);
      yield* this.flush(this.startMs + (day + 1) * DAY);
    }
    yield* this.flush(Number.POSITIVE_INFINITY);
    const stillOpen: SimTicket[] = [];
    for (const tickets of this.openTickets.values()) stillOpen.push(...tickets);
    stillOpen.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const ticket of stillOpen) {
      if (ticket.openedAt < this.endMs) yield { kind: 'ticket', ticket: this.ticketRecord(ticket) };
    }
    this.finished = true;
  }

  /** Ground truth of the scenarios; available after {@link activity} has been streamed to the end. */
  truth(): SimulationTruth {
    if (!this.finished) throw new RangeError('truth() needs the activity streamed to the end first.');
    const scenarios: ScenarioTruth[] = this.trackers.map((t) => ({
      name: t.plan.name,
      actors: t.plan.actors.map((a) => a.id),
      start: formatChinaTime(t.plan.startMs),
      end: formatChinaTime(t.plan.endMs),
      customersTaken: t.touched.size(this.customerCount),
      customersHarvested: t.harvested.size(this.customerCount),
      events: t.events,
      description: t.plan.description,
    }));
    return {
      seed: this.seed,
      staff: this.directory.people.length,
      customers: this.customerCount,
      days: this.days,
      start: formatChinaTime(this.startMs),
      scenarios,
    };
  }

  private *flush(limit: number): Generator<ActivityRecord> {
    const ready: Buffered[] = [];
    const keep: Buffered[] = [];
    for (const event of this.buffer) (event.ts < limit ? ready : keep).push(event);
    this.buffer = keep;
    ready.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    this.watermark = limit;
    for (const event of ready) {
      this.track(event);
      yield { kind: 'event', event: toRecord(event), scenario: event.scenario };
    }
    const records = this.records;
    this.records = [];
    yield* records;
  }

  private track(event: SimEvent): void {
    for (const t of this.trackers) {
      if (event.scenario === t.plan.name) t.events += 1;
      if (event.outcome !== 'allowed' || !TOUCHING.has(event.action)) continue;
      // An export's request and approval hand out nothing; its download does.
      if (event.stage === 'request' || event.stage === 'approve') continue;
      if (!t.actors.has(event.actor) || event.ts < t.plan.startMs || event.ts >= t.plan.endMs) continue;
      t.touched.add(event);
      if (event.scenario === t.plan.name) t.harvested.add(event);
    }
  }

  private ticketRecord(ticket: SimTicket): TicketRecord {
    const closed = ticket.closedAt !== undefined && ticket.closedAt < this.endMs;
    return {
      id: ticket.id,
      customerId: customerIdOf(ticket.customer),
      ...(ticket.order >= 0 ? { orderId: orderIdOf(ticket.order) } : {}),
      assignee: ticket.assignee.id,
      status: closed ? 'closed' : 'open',
      openedAt: formatChinaTime(ticket.openedAt),
      ...(closed && ticket.closedAt !== undefined ? { closedAt: formatChinaTime(ticket.closedAt) } : {}),
    };
  }

  // ActivityContext

  day(index: number): WorkDay {
    const cached = this.calendar[index + 1];
    return cached ?? workDay(this.startMs, index, this.peak);
  }

  random(label: string): Random {
    return this.root.fork(label);
  }

  onDuty(person: StaffProfile, day: number): boolean {
    let known = this.duty.get(day);
    if (known === undefined) {
      known = new Int8Array(this.directory.people.length).fill(-1);
      this.duty.set(day, known);
    }
    const cached = known[person.index] ?? -1;
    if (cached >= 0) return cached === 1;
    const answer = this.decideDuty(person, day);
    known[person.index] = answer ? 1 : 0;
    return answer;
  }

  private decideDuty(person: StaffProfile, day: number): boolean {
    if (day < person.hireDay || person.leave.has(day)) return false;
    const start = this.shiftStart(person, day);
    if (person.endMs !== undefined && start + person.shift.minutes * MINUTE > person.endMs) return false;
    const wd = this.day(day);
    if (isOfficeRole(person.role)) return !wd.weekend && wd.holiday === undefined;
    const u = unitOf(this.key, person.index * 8 + 5, day);
    if (person.restDays.includes(wd.weekday)) return wd.salePeak && u < 0.55;
    if (wd.holiday !== undefined) return u >= (person.role === 'support_agent' ? 0.4 : 0.3);
    return true;
  }

  employedAt(person: StaffProfile, ts: number): boolean {
    return ts >= this.startMs + person.hireDay * DAY && (person.endMs === undefined || ts < person.endMs);
  }

  shiftStart(person: StaffProfile, day: number): number {
    return this.day(day).startMs + person.shift.startMinute * MINUTE;
  }

  session(person: StaffProfile, day: number): Session {
    const key = person.index * 1_000 + day + 1;
    const cached = this.sessions.get(key);
    if (cached !== undefined) return cached;
    const u1 = unitOf(this.key, person.index * 8 + 1, day);
    const u2 = unitOf(this.key, person.index * 8 + 2, day);
    const u3 = unitOf(this.key, person.index * 8 + 3, day);
    const spell = spellOn(person, day);
    const device =
      person.replacement !== undefined && day >= person.replacement.day
        ? person.replacement.device
        : person.device;
    const egress = (addresses: readonly string[]) =>
      addresses[u2 < 0.5 ? 0 : 1] ?? addresses[0] ?? '10.0.0.1';
    const mobile = (block: string) => `${block}.${Math.floor(u2 * 256)}.${2 + Math.floor(u3 * 252)}`;
    let session: Session;
    switch (person.role) {
      case 'courier':
        session = { ip: mobile(spell.site.mobileBlock), device: u1 < 0.15 ? person.spareDevice : device };
        break;
      case 'warehouse':
        session = { ip: egress(spell.site.egress), device: u1 < 0.3 ? person.spareDevice : device };
        break;
      case 'merchant_staff':
        session =
          u1 < 0.2
            ? { ip: mobile(SITES.hz.mobileBlock), device: person.spareDevice }
            : { ip: this.directory.merchants[person.merchant]?.egress ?? person.homeIp, device };
        break;
      case 'support_agent':
        session = { ip: egress(spell.site.egress), device: u1 < 0.08 ? person.spareDevice : device };
        break;
      default: {
        const trip = person.trip;
        if (trip !== undefined && day >= trip.fromDay && day < trip.toDay) {
          session = { ip: egress(trip.site.egress), device: person.spareDevice };
        } else if (u1 < 0.08) session = { ip: person.homeIp, device: person.spareDevice };
        else session = { ip: egress(spell.site.egress), device };
      }
    }
    this.sessions.set(key, session);
    return session;
  }

  emit(event: SimEvent): void {
    if (event.ts < this.startMs || event.ts >= this.endMs) return;
    if (event.ts < this.watermark) {
      throw new RangeError(`an event at ${formatChinaTime(event.ts)} came after that time was released.`);
    }
    this.buffer.push({ ...event, seq: this.seq });
    this.seq += 1;
  }

  reveal(person: StaffProfile, ts: number, customer: number): 'allowed' | 'denied' {
    const quota = person.revealQuota ?? ROLE_REVEAL_QUOTA[person.role] ?? Number.POSITIVE_INFINITY;
    const window = this.revealWindow(person, ts);
    if (window.has(customer)) {
      window.set(customer, ts);
      return 'allowed';
    }
    if (window.size >= quota) return 'denied';
    window.set(customer, ts);
    return 'allowed';
  }

  revealedWithin24h(person: StaffProfile, ts: number): number {
    return this.revealWindow(person, ts).size;
  }

  private revealWindow(person: StaffProfile, ts: number): Map<number, number> {
    let window = this.quotas.get(person);
    if (window === undefined) {
      window = new Map();
      this.quotas.set(person, window);
    }
    for (const [customer, last] of window) if (last <= ts - DAY) window.delete(customer);
    return window;
  }

  openTicket(person: StaffProfile, customer: number, order: number, openedAt: number): SimTicket {
    this.ticketSeq += 1;
    const ticket: SimTicket = {
      id: `TK${String(this.ticketSeq).padStart(8, '0')}`,
      customer,
      order,
      assignee: person,
      openedAt,
      closedAt: undefined,
    };
    const open = this.openTickets.get(person);
    if (open === undefined) this.openTickets.set(person, [ticket]);
    else open.push(ticket);
    return ticket;
  }

  closeTicket(ticket: SimTicket, at: number): void {
    if (ticket.closedAt !== undefined) return;
    ticket.closedAt = Math.max(at, ticket.openedAt);
    const open = this.openTickets.get(ticket.assignee);
    if (open !== undefined) {
      const k = open.indexOf(ticket);
      if (k >= 0) open.splice(k, 1);
    }
    if (ticket.openedAt < this.endMs)
      this.records.push({ kind: 'ticket', ticket: this.ticketRecord(ticket) });
  }

  openTicketsOf(person: StaffProfile): readonly SimTicket[] {
    return this.openTickets.get(person) ?? [];
  }

  recordExport(
    record: Omit<ExportRecord, 'id' | 'requestedAt' | 'approvedAt' | 'downloadedAt'> & {
      requestedAt: number;
      approvedAt: number;
      downloadedAt: number;
    },
  ): string {
    this.exportSeq += 1;
    const id = `EXP${String(this.exportSeq).padStart(6, '0')}`;
    if (record.downloadedAt >= this.startMs && record.downloadedAt < this.endMs) {
      this.records.push({
        kind: 'export',
        export: {
          id,
          requester: record.requester,
          approver: record.approver,
          purpose: record.purpose,
          count: record.count,
          system: record.system,
          requestedAt: formatChinaTime(record.requestedAt),
          approvedAt: formatChinaTime(record.approvedAt),
          downloadedAt: formatChinaTime(record.downloadedAt),
        },
      });
    }
    return id;
  }

  approvers(ts: number, not: StaffProfile): readonly StaffProfile[] {
    return this.directory.people.filter(
      (p) => (p.role === 'security_admin' || p.role === 'dpo') && p !== not && this.employedAt(p, ts),
    );
  }

  newReference(kind: string): string {
    const next = (this.referenceSeq.get(kind) ?? 0) + 1;
    this.referenceSeq.set(kind, next);
    return `${kind}-${String(next).padStart(6, '0')}`;
  }

  recentOrder(random: Random, t: number, maxAgeDays: number): number {
    const tl = this.timeline;
    const high = tl.placedBefore(t - 10 * MINUTE);
    const low = tl.placedBefore(t - maxAgeDays * DAY);
    const u = random.next();
    if (high <= low) return -1;
    return Math.max(low, high - 1 - Math.floor((high - low) * u ** 1.8));
  }

  randomCustomer(random: Random, t: number): number {
    const tl = this.timeline;
    const high = tl.placedBefore(t);
    if (high === 0) return random.int(0, this.customerCount - 1);
    return tl.customer[random.int(0, high - 1)] ?? 0;
  }
}

/** The interchange form of an event, keys in a fixed order. */
function toRecord(event: SimEvent): WatchEventRecord {
  return {
    ts: formatChinaTime(event.ts),
    actor: event.actor,
    action: event.action,
    ...(event.customers !== undefined ? { customers: event.customers.map(customerIdOf) } : {}),
    ...(event.orders !== undefined && event.orders.length > 0 ? { orders: event.orders.map(orderIdOf) } : {}),
    ...(event.count !== undefined ? { count: event.count } : {}),
    ...(event.purpose !== undefined ? { purpose: event.purpose } : {}),
    ...(event.reference !== undefined ? { reference: event.reference } : {}),
    outcome: event.outcome,
    ...(event.ip !== undefined ? { ip: event.ip } : {}),
    ...(event.device !== undefined ? { device: event.device } : {}),
    system: event.system,
    ...(event.stage !== undefined ? { stage: event.stage } : {}),
    ...(event.exportId !== undefined ? { export: event.exportId } : {}),
    ...(event.requester !== undefined ? { requester: event.requester } : {}),
  };
}
