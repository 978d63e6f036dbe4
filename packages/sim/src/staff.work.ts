/**
 * Benign work: what honest staff do on a working day, role by role, as watch events. These are the
 * negatives detectors are judged on, so they carry the irregularities of real work: support agents
 * handle tickets (a search by phone or order id when a customer calls, views of the customer and
 * their orders, sometimes a reveal for that ticket, follow-ups days later, now and then a reveal
 * refused because the wrong ticket was named), leads take escalations, break the glass now and then
 * and export lists for customer care; couriers view, call (reveal) and reprint only their own
 * deliveries inside the delivery window; warehouse staff print labels in waves; merchant staff work
 * their shop's recent orders; analysts query and export (masked, count only); security admins
 * investigate; the DPO answers data-subject requests; engineers query production, sometimes at night
 * on call. Heavy workers, sale peaks and overtime produce the hard negatives.
 */
import type { ActivityContext, SimEvent, SimTicket, WorkItem } from './activity.types';
import { unitOf } from './draw.util';
import { orderIdOf } from './order.timeline';
import type { Random } from './random';
import { hash32 } from './random';
import { COURIER_CITIES, type StaffProfile, spellOn, WAREHOUSES } from './staff.generator';
import { DAY, HOUR, MINUTE } from './work.calendar';

const SECOND = 1_000;

/** A follow-up a support agent owes on one of their tickets. */
interface FollowUp {
  readonly ticket: SimTicket;
  readonly dueDay: number;
  readonly reveal: boolean;
}

/**
 * The size of a person's usual export (customers) in a shop of `customers`: a property of the person
 * (1–8 % of the customers for an analyst, 150–400 customers for a support lead's care list), so
 * scenarios that make exports grow start from it.
 */
export function usualExportSize(person: StaffProfile, customers: number): number {
  if (person.role === 'support_lead') {
    return Math.max(
      20,
      Math.min(150 + Math.floor(unitOf(hash32(person.id), 1) * 250), Math.round(customers * 0.02)),
    );
  }
  return Math.max(50, Math.round(customers * (0.01 + 0.07 * unitOf(hash32(person.id), 2))));
}

/** Runs a person's work items one after another from `from`, with a lunch break, until `hardStop`. */
export function runDay(
  items: WorkItem[],
  from: number,
  lunchAt: number,
  lunchMinutes: number,
  hardStop: number,
): void {
  items.sort((a, b) => a.at - b.at);
  let cursor = from;
  let lunched = false;
  for (const item of items) {
    let start = Math.max(cursor, item.at);
    if (!lunched && start >= lunchAt) {
      start = Math.max(start, Math.max(cursor, lunchAt) + lunchMinutes * MINUTE);
      lunched = true;
    }
    if (start > hardStop) break;
    cursor = item.run(start);
  }
}

/** Whole seconds. */
function sec(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}

/** The benign work models; one instance per simulation (it remembers follow-ups owed). */
export class BenignWork {
  private readonly followUps = new Map<StaffProfile, FollowUp[]>();
  private readonly ctx: ActivityContext;

  constructor(ctx: ActivityContext) {
    this.ctx = ctx;
  }

  /** An event by `person` with their session of the day. */
  private event(
    person: StaffProfile,
    day: number,
    ts: number,
    fields: Omit<SimEvent, 'ts' | 'actor' | 'ip' | 'device' | 'outcome'> & { outcome?: 'allowed' | 'denied' },
  ): void {
    const session = this.ctx.session(person, day);
    this.ctx.emit({
      ts: sec(ts),
      actor: person.id,
      outcome: 'allowed',
      ip: session.ip,
      device: session.device,
      ...fields,
    });
  }

  /** A login to `system` a few minutes before `at`. */
  login(person: StaffProfile, day: number, at: number, system: string, random: Random): void {
    this.event(person, day, at - random.int(1, 12) * MINUTE, { action: 'login', system });
  }

  /**
   * A support agent's or lead's day: tickets (and escalations for leads), follow-ups, and whatever
   * `extra` adds (an insider's own agenda), all run in time order.
   */
  supportDay(person: StaffProfile, day: number, extra: (plannedReveals: number) => WorkItem[]): void {
    const ctx = this.ctx;
    const wd = ctx.day(day);
    const r = ctx.random(`work/${person.id}/${day}`);
    const lead = person.role === 'support_lead';
    const start = ctx.shiftStart(person, day);
    const minutes = person.shift.minutes;
    const tenure = day - person.hireDay;
    const ramp = tenure < 6 ? 0.35 + 0.1 * tenure : 1;
    const night = person.shift.startMinute >= 22 * 60 ? 0.45 : 1;
    const base = lead ? 7 : 24;
    const n = Math.max(
      1,
      Math.round(
        base * person.pace * wd.contact ** 0.85 * ramp * night * r.float(0.8, 1.2) * (minutes / 540),
      ),
    );
    this.login(person, day, start, 'cordon', r);
    if (person.legacyUser)
      this.event(person, day, start + r.int(5, 40) * MINUTE, { action: 'login', system: 'legacy-bo' });

    const items: WorkItem[] = [];
    const revealed = new Set<number>();
    const workMinutes = minutes - 60;
    let previous: SimTicket | undefined;
    for (let k = 0; k < n; k += 1) {
      const at = start + (10 + ((k + r.next()) / n) * (workMinutes - 20)) * MINUTE;
      const order = ctx.recentOrder(r, at, 25);
      const account = order < 0 || r.chance(0.1);
      const customer = account ? ctx.randomCustomer(r, at) : (ctx.timeline.customer[order] ?? 0);
      const reveal = r.chance(Math.min(0.9, person.revealRate * (lead ? 1.4 : 1)));
      const call = r.chance(0.55);
      const legacy = person.legacyUser && r.chance(lead ? 0.3 : 0.12);
      if (reveal) revealed.add(customer);
      items.push({
        at,
        run: (s) => {
          const done = this.ticketWork(person, day, s, customer, account ? -1 : order, {
            call,
            reveal,
            legacy,
            previous,
            random: r,
          });
          previous = done.ticket;
          return done.end;
        },
      });
    }
    const owed = this.followUps.get(person) ?? [];
    const due = owed.filter((f) => f.dueDay <= day);
    this.followUps.set(
      person,
      owed.filter((f) => f.dueDay > day),
    );
    for (const follow of due) {
      if (follow.ticket.closedAt !== undefined) continue;
      if (follow.reveal) revealed.add(follow.ticket.customer);
      items.push({
        at: start + r.int(15, Math.max(16, workMinutes)) * MINUTE,
        run: (s) => this.followUpWork(person, day, s, follow, r),
      });
    }
    if (lead) items.push(...this.leadExtras(person, day, start, workMinutes, r));
    items.push(...extra(revealed.size));
    const peakStretch = wd.salePeak || person.heavy ? 100 : 25;
    runDay(
      items,
      start,
      start + (minutes / 2) * MINUTE,
      r.int(40, 60),
      start + (minutes + peakStretch) * MINUTE,
    );
  }

  /** One ticket from opening (or picking it from the queue) to closing or leaving it for a follow-up. */
  private ticketWork(
    person: StaffProfile,
    day: number,
    s: number,
    customer: number,
    order: number,
    plan: {
      call: boolean;
      reveal: boolean;
      legacy: boolean;
      previous: SimTicket | undefined;
      random: Random;
    },
  ): { ticket: SimTicket; end: number } {
    const ctx = this.ctx;
    const r = plan.random;
    const hiredAt = ctx.startMs + person.hireDay * DAY;
    const openedAt = plan.call ? sec(s) : sec(Math.max(hiredAt, s - r.int(10, 1_800) * MINUTE));
    const ticket = ctx.openTicket(person, customer, order, openedAt);
    const purpose = 'customer_support';
    let t = s;
    if (plan.call) {
      const byOrder = order >= 0 && r.chance(0.3);
      this.event(person, day, t, {
        action: 'search',
        customers: r.chance(0.03) ? [] : [customer],
        ...(byOrder ? { orders: [order] } : {}),
        purpose,
        ...(r.chance(0.7) ? { reference: ticket.id } : {}),
        system: 'cordon',
      });
      t += r.int(20, 90) * SECOND;
    }
    this.event(person, day, t, {
      action: 'view',
      customers: [customer],
      purpose,
      reference: ticket.id,
      system: 'cordon',
    });
    t += r.int(15, 60) * SECOND;
    if (order >= 0) {
      const orders = [order, ...this.otherOrders(customer, order, t, r.int(0, 2))];
      this.event(person, day, t, {
        action: 'view',
        customers: [customer],
        orders,
        purpose,
        reference: ticket.id,
        system: 'cordon',
      });
      t += r.int(30, 180) * SECOND;
    }
    if (plan.reveal) {
      if (plan.previous !== undefined && plan.previous.customer !== customer && r.chance(0.005)) {
        // Named the previous ticket by mistake: refused, then done right.
        this.event(person, day, t, {
          action: 'reveal',
          customers: [customer],
          purpose,
          reference: plan.previous.id,
          outcome: 'denied',
          system: 'cordon',
        });
        t += r.int(15, 45) * SECOND;
      }
      const outcome = ctx.reveal(person, t, customer);
      this.event(person, day, t, {
        action: 'reveal',
        customers: [customer],
        ...(order >= 0 ? { orders: [order] } : {}),
        purpose,
        reference: ticket.id,
        outcome,
        system: 'cordon',
      });
      t += r.int(30, 120) * SECOND;
    }
    if (plan.legacy) {
      this.event(person, day, t, {
        action: 'view',
        customers: [customer],
        ...(order >= 0 ? { orders: [order] } : {}),
        system: 'legacy-bo',
      });
      t += r.int(30, 150) * SECOND;
    }
    t += r.int(60, 480) * SECOND;
    if (person.role === 'support_agent' && r.chance(0.15)) {
      const owed = this.followUps.get(person) ?? [];
      owed.push({ ticket, dueDay: day + r.int(1, 3), reveal: r.chance(0.3 * person.revealRate * 3) });
      this.followUps.set(person, owed);
      return { ticket, end: t };
    }
    ctx.closeTicket(ticket, sec(t));
    return { ticket, end: t };
  }

  /** Up to `count` other orders of the customer placed before `t`, newest first. */
  private otherOrders(customer: number, order: number, t: number, count: number): number[] {
    const all = this.ctx.timeline.ordersOf(customer);
    const out: number[] = [];
    for (let k = all.length - 1; k >= 0 && out.length < count; k -= 1) {
      const other = all[k] ?? -1;
      if (other !== order && (this.ctx.timeline.created[other] ?? Number.POSITIVE_INFINITY) < t)
        out.push(other);
    }
    return out;
  }

  private followUpWork(person: StaffProfile, day: number, s: number, follow: FollowUp, r: Random): number {
    const { ticket } = follow;
    if (ticket.closedAt !== undefined) return s;
    let t = s;
    const purpose = 'customer_support';
    this.event(person, day, t, {
      action: 'view',
      customers: [ticket.customer],
      ...(ticket.order >= 0 ? { orders: [ticket.order] } : {}),
      purpose,
      reference: ticket.id,
      system: 'cordon',
    });
    t += r.int(30, 120) * SECOND;
    if (follow.reveal) {
      const outcome = this.ctx.reveal(person, t, ticket.customer);
      this.event(person, day, t, {
        action: 'reveal',
        customers: [ticket.customer],
        purpose,
        reference: ticket.id,
        outcome,
        system: 'cordon',
      });
      t += r.int(60, 300) * SECOND;
    }
    t += r.int(60, 300) * SECOND;
    this.ctx.closeTicket(ticket, sec(t));
    return t;
  }

  /** Escalation break-glass and customer-care exports, now and then. */
  private leadExtras(
    person: StaffProfile,
    day: number,
    start: number,
    workMinutes: number,
    r: Random,
  ): WorkItem[] {
    const ctx = this.ctx;
    const items: WorkItem[] = [];
    if (r.chance(1 / 12)) {
      items.push({
        at: start + r.int(30, workMinutes) * MINUTE,
        run: (s) => {
          const order = ctx.recentOrder(r, s, 10);
          const customer = order >= 0 ? (ctx.timeline.customer[order] ?? 0) : ctx.randomCustomer(r, s);
          this.event(person, day, s, {
            action: 'reveal',
            customers: [customer],
            ...(order >= 0 ? { orders: [order] } : {}),
            purpose: 'break_glass',
            reference: ctx.newReference('INC'),
            system: 'cordon',
          });
          return s + r.int(5, 15) * MINUTE;
        },
      });
    }
    if (r.chance(0.08)) {
      items.push({
        at: start + r.int(30, workMinutes) * MINUTE,
        run: (s) => {
          this.approvedExport(person, day, s, {
            count: Math.round(usualExportSize(person, ctx.customerCount) * r.float(0.3, 1.6)),
            purpose: 'customer_support',
            random: r,
          });
          return s + r.int(5, 20) * MINUTE;
        },
      });
    }
    return items;
  }

  /**
   * Requests an export, has it approved by someone else, and downloads it: three watch events (the
   * request by the requester, the approval by the approver, the download), all naming the export.
   */
  approvedExport(
    person: StaffProfile,
    day: number,
    requestedAt: number,
    plan: {
      count: number;
      purpose: string;
      random: Random;
      approver?: StaffProfile;
      quick?: boolean;
      scenario?: string;
    },
  ): void {
    const ctx = this.ctx;
    const r = plan.random;
    const approver = plan.approver ?? pickOrUndefined(r, ctx.approvers(requestedAt, person));
    if (approver === undefined) return;
    const approvedAt = sec(requestedAt + (plan.quick === true ? r.int(1, 6) : r.int(8, 150)) * MINUTE);
    const downloadedAt = sec(approvedAt + r.int(1, plan.quick === true ? 8 : 40) * MINUTE);
    const id = ctx.recordExport({
      requester: person.id,
      approver: approver.id,
      purpose: plan.purpose,
      count: plan.count,
      system: 'cordon',
      requestedAt: sec(requestedAt),
      approvedAt,
      downloadedAt,
    });
    const tag = plan.scenario !== undefined ? { scenario: plan.scenario } : {};
    this.event(person, day, requestedAt, {
      action: 'export',
      stage: 'request',
      exportId: id,
      count: plan.count,
      purpose: plan.purpose,
      reference: id,
      system: 'cordon',
      ...tag,
    });
    this.event(approver, day, approvedAt, {
      action: 'export',
      stage: 'approve',
      exportId: id,
      requester: person.id,
      count: plan.count,
      purpose: plan.purpose,
      reference: id,
      system: 'cordon',
      ...tag,
    });
    this.event(person, day, downloadedAt, {
      action: 'export',
      stage: 'download',
      exportId: id,
      count: plan.count,
      purpose: plan.purpose,
      reference: id,
      system: 'cordon',
      ...tag,
    });
  }

  /** Analysts, security admins, the DPO and engineers on an office day. */
  officeDay(person: StaffProfile, day: number): void {
    const ctx = this.ctx;
    const r = ctx.random(`work/${person.id}/${day}`);
    const start = ctx.shiftStart(person, day) + r.int(-20, 40) * MINUTE;
    const minutes = person.shift.minutes;
    const within = () => start + r.int(10, minutes - 30) * MINUTE;
    switch (person.role) {
      case 'analyst': {
        this.login(person, day, start, 'bi', r);
        for (let k = r.int(2, 7); k > 0; k -= 1) {
          this.event(person, day, within(), {
            action: 'query',
            count: 0,
            purpose: 'analytics',
            system: 'bi',
          });
        }
        const wd = ctx.day(day);
        const monthEnd = Number(wd.date.slice(8, 10)) >= 27;
        if (r.chance(monthEnd ? 0.25 : 0.12)) {
          this.login(person, day, start + 30 * MINUTE, 'cordon', r);
          const size =
            usualExportSize(person, ctx.customerCount) *
            (monthEnd && r.chance(0.5) ? r.float(1.8, 2.6) : r.float(0.6, 1.4));
          this.approvedExport(person, day, within(), {
            count: Math.min(ctx.customerCount, Math.round(size)),
            purpose: 'analytics',
            random: r,
          });
        }
        break;
      }
      case 'security_admin': {
        this.login(person, day, start, 'cordon', r);
        for (let k = r.int(1, 5); k > 0; k -= 1) {
          this.event(person, day, within(), {
            action: 'query',
            count: 0,
            purpose: 'security_review',
            system: 'cordon',
          });
        }
        if (r.chance(0.35)) {
          const reference = ctx.newReference('INV');
          let t = within();
          for (let k = r.int(1, 4); k > 0; k -= 1) {
            const customer = ctx.randomCustomer(r, t);
            this.event(person, day, t, {
              action: 'view',
              customers: [customer],
              purpose: 'security_investigation',
              reference,
              system: 'cordon',
            });
            t += r.int(2, 20) * MINUTE;
          }
        }
        if (r.chance(1 / 40)) {
          const t = within();
          this.event(person, day, t, {
            action: 'reveal',
            customers: [ctx.randomCustomer(r, t)],
            purpose: 'break_glass',
            reference: ctx.newReference('INC'),
            system: 'cordon',
          });
        }
        break;
      }
      case 'dpo': {
        this.login(person, day, start, 'cordon', r);
        for (let k = r.int(0, 3); k > 0; k -= 1) {
          const reference = ctx.newReference('DSR');
          let t = within();
          const customer = ctx.randomCustomer(r, t);
          const purpose = 'data_subject_request';
          this.event(person, day, t, {
            action: 'search',
            customers: [customer],
            purpose,
            reference,
            system: 'cordon',
          });
          t += r.int(30, 120) * SECOND;
          this.event(person, day, t, {
            action: 'view',
            customers: [customer],
            purpose,
            reference,
            system: 'cordon',
          });
          t += r.int(60, 300) * SECOND;
          const outcome = ctx.reveal(person, t, customer);
          this.event(person, day, t, {
            action: 'reveal',
            customers: [customer],
            purpose,
            reference,
            outcome,
            system: 'cordon',
          });
          if (r.chance(0.5)) {
            t += r.int(2, 20) * MINUTE;
            this.event(person, day, t, {
              action: 'export',
              customers: [customer],
              count: 1,
              purpose,
              reference,
              system: 'cordon',
            });
          }
        }
        break;
      }
      default: {
        this.login(person, day, start, 'db', r);
        for (let k = r.int(3, 14); k > 0; k -= 1) {
          this.event(person, day, within(), { action: 'query', count: 0, system: 'db' });
        }
        if (r.chance(0.1)) this.debugQuery(person, day, within(), r);
      }
    }
  }

  /** An engineer debugging one order in production: a query that returns one customer's rows. */
  private debugQuery(person: StaffProfile, day: number, t: number, r: Random): void {
    const order = this.ctx.recentOrder(r, t, 5);
    if (order < 0) return;
    this.event(person, day, t, {
      action: 'query',
      customers: [this.ctx.timeline.customer[order] ?? 0],
      orders: [order],
      count: 1,
      purpose: 'incident',
      reference: this.ctx.newReference('INC'),
      system: 'db',
    });
  }

  /**
   * A night on call (engineers and security admins, any day): a page between 01:00 and 04:30, a
   * login from home on the laptop, queries, sometimes one order looked at.
   */
  onCall(person: StaffProfile, day: number): void {
    const ctx = this.ctx;
    const r = ctx.random(`oncall/${person.id}/${day}`);
    if (!r.chance(0.03)) return;
    const at = ctx.day(day).startMs + r.int(60, 270) * MINUTE;
    if (!ctx.employedAt(person, at)) return;
    const emit = (ts: number, fields: Omit<SimEvent, 'ts' | 'actor' | 'ip' | 'device' | 'outcome'>) =>
      ctx.emit({
        ts: sec(ts),
        actor: person.id,
        outcome: 'allowed',
        ip: person.homeIp,
        device: person.spareDevice,
        ...fields,
      });
    const system = person.role === 'engineer' ? 'db' : 'cordon';
    emit(at, { action: 'login', system });
    let t = at;
    for (let k = r.int(2, 8); k > 0; k -= 1) {
      t += r.int(1, 12) * MINUTE;
      emit(t, { action: 'query', count: 0, system });
    }
    if (person.role === 'engineer' && r.chance(0.4)) {
      const order = ctx.recentOrder(r, t, 3);
      if (order >= 0) {
        emit(t + MINUTE, {
          action: 'query',
          customers: [ctx.timeline.customer[order] ?? 0],
          orders: [order],
          count: 1,
          purpose: 'incident',
          reference: ctx.newReference('INC'),
          system,
        });
      }
    }
  }

  /** A merchant staff member working their shop's recent orders in the merchant ERP. */
  merchantDay(person: StaffProfile, day: number): void {
    const ctx = this.ctx;
    const wd = ctx.day(day);
    const r = ctx.random(`work/${person.id}/${day}`);
    const start = ctx.shiftStart(person, day);
    const minutes = person.shift.minutes;
    this.login(person, day, start, 'erp', r);
    const lists = r.int(2, 6);
    const singles = Math.round(25 * person.pace * wd.contact ** 0.7 * r.float(0.7, 1.3));
    for (let k = 0; k < lists; k += 1) {
      const t = start + r.int(5, minutes - 20) * MINUTE;
      const orders = this.merchantOrders(person.merchant, t, r.int(8, 20), r);
      if (orders.length === 0) continue;
      this.event(person, day, t, {
        action: 'view',
        customers: orders.map((o) => ctx.timeline.customer[o] ?? 0),
        orders,
        purpose: 'order_fulfilment',
        system: 'erp',
      });
    }
    for (let k = 0; k < singles; k += 1) {
      const t = start + r.int(5, minutes - 10) * MINUTE;
      const [order] = this.merchantOrders(person.merchant, t, 1, r);
      if (order === undefined) continue;
      const customer = ctx.timeline.customer[order] ?? 0;
      const print = r.chance(0.1);
      this.event(person, day, t, {
        action: print ? 'print' : 'view',
        customers: [customer],
        orders: [order],
        purpose: 'order_fulfilment',
        system: 'erp',
      });
    }
  }

  /**
   * Up to `count` distinct orders of merchant `merchant` placed in the `days` before `t` (rejection
   * sampling over the period's orders; orders of small merchants may come up short).
   */
  merchantOrders(merchant: number, t: number, count: number, r: Random, days = 5): number[] {
    const tl = this.ctx.timeline;
    const high = tl.placedBefore(t);
    const low = tl.placedBefore(t - days * DAY);
    const out: number[] = [];
    if (high <= low) return out;
    for (let tries = 0; tries < count * 60 && out.length < count; tries += 1) {
      const i = r.int(low, high - 1);
      if (tl.merchant[i] === merchant && !out.includes(i)) out.push(i);
    }
    return out;
  }

  /**
   * The day's parcels: labels printed in waves by the warehouse staff on shift when orders are
   * picked, and deliveries in the couriers' cities, each assigned to a courier on duty (a delivery
   * record with its window) and worked inside that window: the waybill viewed on arrival, the
   * receiver called (a reveal for purpose `delivery`) about a third of the time, a label reprinted
   * now and then. Orders elsewhere go to third-party carriers and leave no events.
   */
  fulfilmentDay(
    day: number,
    warehouseStaff: readonly StaffProfile[],
    couriers: readonly StaffProfile[],
    assignDelivery: (order: number, courier: StaffProfile, from: number, to: number) => void,
  ): void {
    const ctx = this.ctx;
    const tl = ctx.timeline;
    const r = ctx.random(`fulfilment/${day}`);
    const dayStart = ctx.day(day).startMs;

    // Warehouse: logins, label waves per warehouse and hour, a few exception views.
    const onShift = (p: StaffProfile, t: number) => {
      const s = ctx.shiftStart(p, day);
      if (t >= s && t < s + p.shift.minutes * MINUTE && ctx.onDuty(p, day)) return true;
      const prev = ctx.shiftStart(p, day - 1);
      return t >= prev && t < prev + p.shift.minutes * MINUTE && ctx.onDuty(p, day - 1);
    };
    const staffOn = warehouseStaff.filter((p) => ctx.onDuty(p, day));
    for (const p of staffOn) this.login(p, day, ctx.shiftStart(p, day), 'wms', r);
    const waves = new Map<string, number[]>();
    for (const i of tl.pickedOn(day)) {
      const picked = tl.picked[i] ?? dayStart;
      const key = `${tl.warehouse[i] ?? 0}:${Math.floor((picked - dayStart) / HOUR)}`;
      const wave = waves.get(key);
      if (wave === undefined) waves.set(key, [i]);
      else wave.push(i);
    }
    for (const [key, orders] of waves) {
      const [warehouse, hour] = key.split(':').map(Number);
      const t0 = dayStart + (hour ?? 0) * HOUR;
      const present = warehouseStaff.filter(
        (p) => spellWarehouse(p, day) === warehouse && onShift(p, t0 + 30 * MINUTE) && ctx.employedAt(p, t0),
      );
      if (present.length === 0) continue;
      orders.sort((a, b) => (tl.picked[a] ?? 0) - (tl.picked[b] ?? 0) || a - b);
      for (let k = 0; k < orders.length; k += 40) {
        const batch = orders.slice(k, k + 40);
        const worker = r.pick(present);
        const workDay = ctx.onDuty(worker, day) ? day : day - 1;
        this.event(worker, workDay, tl.picked[batch[0] ?? 0] ?? t0, {
          action: 'print',
          customers: batch.map((o) => tl.customer[o] ?? 0),
          orders: batch,
          purpose: 'fulfilment',
          system: 'wms',
        });
      }
    }
    for (const p of staffOn) {
      const mine = tl.pickedOn(day).filter((i) => tl.warehouse[i] === spellWarehouse(p, day));
      const start = ctx.shiftStart(p, day);
      for (let k = r.int(0, 4); k > 0 && mine.length > 0; k -= 1) {
        const order = mine[r.int(0, mine.length - 1)] ?? 0;
        const t = Math.max(start + r.int(10, p.shift.minutes - 10) * MINUTE, tl.picked[order] ?? 0);
        this.event(p, day, t, {
          action: 'view',
          customers: [tl.customer[order] ?? 0],
          orders: [order],
          purpose: 'fulfilment',
          system: 'wms',
        });
      }
    }

    // Couriers: assignment, delivery windows and doorstep work.
    const byCity = COURIER_CITIES.map((_, city) =>
      couriers.filter((p) => p.courierCity === city && ctx.onDuty(p, day)),
    );
    const routes = new Map<StaffProfile, number[]>();
    for (const i of tl.outOn(day)) {
      const city = tl.city[i] ?? -1;
      const crew = city >= 0 ? byCity[city] : undefined;
      if (crew === undefined || crew.length === 0) continue;
      const courier = crew[Math.floor(unitOf(hash32(`${day}`), i) * crew.length)] ?? crew[0];
      if (courier === undefined) continue;
      const route = routes.get(courier);
      if (route === undefined) routes.set(courier, [i]);
      else route.push(i);
    }
    const from = dayStart + 7 * HOUR;
    const to = from + 38 * HOUR;
    for (const courier of couriers) {
      const route = routes.get(courier);
      if (route === undefined) continue;
      const cr = ctx.random(`route/${courier.id}/${day}`);
      const start = ctx.shiftStart(courier, day);
      this.login(courier, day, start, 'cordon', cr);
      const stops = route
        .map((i) => {
          const delivered = tl.delivered[i] ?? to;
          const firstAttempt = delivered - dayStart >= DAY ? delivered - DAY : delivered;
          return { i, at: Math.max(from + 30 * MINUTE, firstAttempt - cr.int(5, 40) * MINUTE) };
        })
        .sort((a, b) => a.at - b.at || a.i - b.i);
      for (const { i, at } of stops) {
        assignDelivery(i, courier, from, to);
        const customer = tl.customer[i] ?? 0;
        const reference = orderIdOf(i);
        if (cr.chance(0.04)) {
          this.event(courier, day, from + cr.int(40, 120) * MINUTE, {
            action: 'print',
            customers: [customer],
            orders: [i],
            purpose: 'delivery',
            reference,
            system: 'cordon',
          });
        }
        this.event(courier, day, at, {
          action: 'view',
          customers: [customer],
          orders: [i],
          purpose: 'delivery',
          reference,
          system: 'cordon',
        });
        if (cr.chance(0.35)) {
          const t = at + cr.int(1, 8) * MINUTE;
          this.event(courier, day, t, {
            action: 'reveal',
            customers: [customer],
            orders: [i],
            purpose: 'delivery',
            reference,
            outcome: ctx.reveal(courier, t, customer),
            system: 'cordon',
          });
        }
      }
    }
  }
}

/** The warehouse (index into WAREHOUSES) a warehouse worker is at on `day`, −1 for others. */
function spellWarehouse(person: StaffProfile, day: number): number {
  return person.warehouse < 0 ? -1 : WAREHOUSES.indexOf(spellOn(person, day).site);
}

function pickOrUndefined<T>(random: Random, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : random.pick(items);
}
