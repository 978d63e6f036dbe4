/**
 * Insider scenarios injected into the benign staff activity, after the cases that shaped Cordon: a
 * colluding ring of support agents with a departed account still exporting, logistics staff pulling
 * paid-but-undelivered orders, a rented account, a departed admin who keeps working, a harvester who
 * stays just under every cap, and exports that grow with a colluding approver.
 *
 * Each scenario is planned from the seed (who, from which day, how hard), may change the directory
 * (a departed account), and then acts day by day: harvest folded into an insider's own shift (so it
 * competes with their real work for time and quota) and sessions of its own (evenings, nights,
 * after departure). Insiders keep doing their normal work. Every event a scenario emits is tagged with
 * its name so the truth can say exactly what was taken.
 */
import type { ActivityContext, SimEvent, WorkItem } from './activity.types';
import { BROADBAND_BLOCKS } from './network.data';
import { hash32, type Random } from './random';
import type { OrderStatus } from './shop.types';
import { type SimStaffRole, type StaffDirectory, type StaffProfile, spellOn } from './staff.generator';
import { type BenignWork, usualExportSize } from './staff.work';
import { DAY, MINUTE, type WorkDay } from './work.calendar';

/** The scenario names `--scenario` accepts, in the canonical order they are planned in. */
export const SCENARIO_NAMES = [
  'ring',
  'logistics',
  'rented',
  'departed-admin',
  'low-and-slow',
  'export-abuse',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Whether `name` is a scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** What a planned scenario does, once bound to a running simulation. */
export interface ScenarioBehaviour {
  /** Harvest folded into the shift of an actor who works support, on a day they are on duty. */
  workItems(person: StaffProfile, day: number, plannedReveals: number): WorkItem[];
  /** Everything else the scenario does on `day` (sessions of its own, exports, an outsider's nights). */
  inject(day: number): void;
}

/** A planned scenario: who, when, how; {@link ScenarioPlan.attach} binds it to a running simulation. */
export interface ScenarioPlan {
  readonly name: ScenarioName;
  readonly actors: readonly StaffProfile[];
  /** The scenario's period, epoch ms (end exclusive). */
  readonly startMs: number;
  readonly endMs: number;
  readonly description: string;
  attach(ctx: ActivityContext, work: BenignWork): ScenarioBehaviour;
}

/** What planning needs. */
export interface PlanningInput {
  readonly directory: StaffDirectory;
  readonly calendar: readonly WorkDay[];
  readonly startMs: number;
  /** A generator dedicated to scenario planning (each scenario forks its own stream from it). */
  readonly random: Random;
  /** Customers in the shop (bulk sizes scale with it). */
  readonly customers: number;
}

const SECOND = 1_000;

/** /16 blocks no site, office or home in the simulation uses: far-away or rented networks. */
const FOREIGN_BLOCKS: readonly string[] = [
  '36.149',
  '39.156',
  '27.38',
  '103.47',
  '103.216',
  '45.119',
  '43.249',
];
/** Cloud-provider style addresses (a VPS used as a jump host). */
const CLOUD_BLOCKS: readonly string[] = ['47.96', '47.100', '101.132', '121.40'];

function sec(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}

/** A day window [from, to) drawn from shares of the period, at least `minLength` days when possible. */
function window(
  r: Random,
  days: number,
  startShares: readonly [number, number],
  lengthShares: readonly [number, number],
  minLength: number,
): { from: number; to: number } {
  const from = r.int(
    Math.round(days * startShares[0]),
    Math.max(Math.round(days * startShares[0]), Math.round(days * startShares[1])),
  );
  const low = Math.max(minLength, Math.round(days * lengthShares[0]));
  const length = r.int(low, Math.max(low, Math.round(days * lengthShares[1])));
  const clampedFrom = Math.max(0, Math.min(from, days - Math.min(minLength, days)));
  return { from: clampedFrom, to: Math.min(days, clampedFrom + length) };
}

/** People who can be cast as insiders: settled (hired over a month before), staying, in one team. */
function castable(directory: StaffDirectory, roles: readonly SimStaffRole[]): StaffProfile[] {
  return directory.people.filter(
    (p) =>
      roles.includes(p.role) &&
      p.hireDay < -30 &&
      p.endMs === undefined &&
      p.scenario === undefined &&
      p.spells.length === 1,
  );
}

function ipIn(r: Random, blocks: readonly string[]): string {
  return `${r.pick(blocks)}.${r.int(0, 255)}.${r.int(2, 254)}`;
}

function browserDevice(r: Random): string {
  const kind = r.int(0, 2);
  return kind === 0 ? `web-${r.hex(16)}` : kind === 1 ? `and-${r.hex(12)}` : `ios-${r.hex(12)}`;
}

/** An event emitter for one scenario: events carry its tag. */
function emitterFor(ctx: ActivityContext, name: ScenarioName) {
  return (
    person: StaffProfile,
    ts: number,
    where: { ip: string; device: string },
    fields: Omit<SimEvent, 'ts' | 'actor' | 'ip' | 'device' | 'outcome' | 'scenario'> & {
      outcome?: 'allowed' | 'denied';
    },
  ) =>
    ctx.emit({
      ts: sec(ts),
      actor: person.id,
      outcome: 'allowed',
      ip: where.ip,
      device: where.device,
      scenario: name,
      ...fields,
    });
}

const FRESH: ReadonlySet<OrderStatus | undefined> = new Set(['paid', 'picked', 'shipped']);
const UNSHIPPED: ReadonlySet<OrderStatus | undefined> = new Set(['paid', 'picked']);

/** Plans the requested scenarios (in canonical order, whatever the order asked). */
export function planScenarios(names: readonly ScenarioName[], input: PlanningInput): ScenarioPlan[] {
  const plans: ScenarioPlan[] = [];
  for (const name of SCENARIO_NAMES) {
    if (!names.includes(name)) continue;
    const r = input.random.fork(name);
    plans.push(PLANNERS[name](input, r));
  }
  return plans;
}

const PLANNERS: Readonly<Record<ScenarioName, (input: PlanningInput, r: Random) => ScenarioPlan>> = {
  ring: planRing,
  logistics: planLogistics,
  rented: planRented,
  'departed-admin': planDepartedAdmin,
  'low-and-slow': planLowAndSlow,
  'export-abuse': planExportAbuse,
};

function need(pool: readonly StaffProfile[], count: number, name: ScenarioName, what: string): void {
  if (pool.length < count) {
    throw new RangeError(`the directory is too small for scenario ${name}: it needs ${count} ${what}.`);
  }
}

/**
 * `ring`: 3–5 support agents in at least two teams, each taking 4–14 extra customers a shift that no
 * ticket of theirs covers (searches in Cordon, which allows them, then views and reveals in the
 * legacy back office, which checks nothing; a reveal now and then tried in Cordon naming an
 * unrelated ticket of their own and refused), sometimes in the evening from home or from a shared
 * address; targets are fresh, high-value orders, split between members. Plus one agent or lead who
 * leaves (status departed) and whose account keeps exporting from the legacy back office every few
 * evenings after the departure date.
 */
function planRing(input: PlanningInput, r: Random): ScenarioPlan {
  const days = input.calendar.length;
  const pool = r.shuffle(castable(input.directory, ['support_agent']));
  need(pool, 4, 'ring', 'settled support agents');
  const size = Math.min(r.int(3, 5), pool.length - 1);
  const members: StaffProfile[] = [];
  for (const p of pool) {
    if (members.length >= size) break;
    const teams = new Set(members.map((m) => spellOn(m, 0).team));
    const last = members.length === size - 1;
    if (last && teams.size === 1 && teams.has(spellOn(p, 0).team)) continue;
    members.push(p);
  }
  for (const p of pool) if (members.length < size && !members.includes(p)) members.push(p);
  const { from, to: ringTo } = window(r, days, [0.1, 0.45], [0.25, 0.55], Math.min(7, days));
  const leaverPool = castable(input.directory, ['support_agent', 'support_lead']).filter(
    (p) => !members.includes(p),
  );
  need(leaverPool, 1, 'ring', 'support agent or lead to depart');
  const leaver = r.pick(leaverPool);
  const departDay = Math.max(2, Math.min(days - 3, from + r.int(-10, 4)));
  const to = Math.max(ringTo, Math.min(days, departDay + 7));
  leaver.endMs = input.startMs + departDay * DAY;
  leaver.endStatus = 'departed';
  for (const p of [...members, leaver]) p.scenario = 'ring';
  const daily = members.map(() => r.int(4, 14));
  const evening = members.map(() => r.float(0.1, 0.35));
  const sharedIp = r.chance(0.6) ? ipIn(r, BROADBAND_BLOCKS) : undefined;
  const memberDevices = members.map(() => `web-${r.hex(16)}`);
  const leaverDevice = `web-${r.hex(16)}`;
  const customers = input.customers;
  const exportBase = Math.max(50, Math.round(customers * r.float(0.003, 0.015)));
  const exportEvery = r.float(0.35, 0.65);
  const startMs = Math.min(input.startMs + from * DAY, leaver.endMs);
  const endMs = input.startMs + to * DAY;
  const teams = [...new Set(members.map((m) => spellOn(m, 0).team))].join(', ');
  return {
    name: 'ring',
    actors: [...members, leaver],
    startMs,
    endMs,
    description:
      `${members.length} support agents (${teams}) harvest ${Math.min(...daily)}–${Math.max(...daily)} extra customers per shift ` +
      `with no ticket of theirs (Cordon searches, legacy-bo views and reveals, a few refused Cordon reveals), ` +
      `some evenings from home${sharedIp !== undefined ? ' or a shared address' : ''}, targeting fresh high-value orders; ` +
      `account ${leaver.id} departs on day ${departDay} and keeps exporting from legacy-bo (about ${exportBase} rows, every 2–3 evenings).`,
    attach(ctx, _work) {
      const emit = emitterFor(ctx, 'ring');
      const tl = ctx.timeline;
      const inWindow = (day: number) => day >= from && day < to;
      const target = (
        rr: Random,
        t: number,
        member: number,
      ): { order: number; customer: number } | undefined => {
        let fallback: { order: number; customer: number } | undefined;
        for (let tries = 0; tries < 16; tries += 1) {
          const order = ctx.recentOrder(rr, t, 7);
          if (order < 0) return fallback;
          const customer = tl.customer[order] ?? 0;
          fallback = { order, customer };
          const mine = hash32(`${customer}`) % members.length === member || rr.chance(0.1);
          if (mine && (tl.totalFen[order] ?? 0) >= 20_000 && FRESH.has(tl.statusAt(order, t)))
            return fallback;
        }
        return fallback;
      };
      /** One customer taken: a Cordon search (allowed), legacy views and reveals. */
      const take = (
        person: StaffProfile,
        member: number,
        rr: Random,
        s: number,
        where: { ip: string; device: string },
        cordon: boolean,
      ): number => {
        const hit = target(rr, s, member);
        if (hit === undefined) return s;
        const { order, customer } = hit;
        let t = s;
        if (cordon) {
          const own = ctx.openTicketsOf(person).filter((k) => k.customer !== customer);
          const cover = own.length > 0 && rr.chance(0.4) ? rr.pick(own).id : undefined;
          emit(person, t, where, {
            action: 'search',
            customers: [customer],
            purpose: 'customer_support',
            ...(cover !== undefined ? { reference: cover } : {}),
            system: 'cordon',
          });
          t += rr.int(20, 80) * SECOND;
          if (cover !== undefined && rr.chance(0.05)) {
            emit(person, t, where, {
              action: 'reveal',
              customers: [customer],
              purpose: 'customer_support',
              reference: cover,
              outcome: 'denied',
              system: 'cordon',
            });
            t += rr.int(10, 40) * SECOND;
          }
        }
        emit(person, t, where, {
          action: 'view',
          customers: [customer],
          orders: [order],
          system: 'legacy-bo',
        });
        t += rr.int(15, 60) * SECOND;
        if (rr.chance(0.6)) {
          emit(person, t, where, {
            action: 'reveal',
            customers: [customer],
            orders: [order],
            system: 'legacy-bo',
          });
          t += rr.int(10, 50) * SECOND;
        }
        return t + rr.int(20, 120) * SECOND;
      };
      return {
        workItems(person, day) {
          const member = members.indexOf(person);
          if (member < 0 || !inWindow(day)) return [];
          const rr = ctx.random(`ring/${person.id}/${day}`);
          const ramp = Math.min(1, 0.5 + 0.1 * (day - from));
          const n = Math.round((daily[member] ?? 5) * ramp * rr.float(0.7, 1.3));
          const start = ctx.shiftStart(person, day);
          const session = ctx.session(person, day);
          return Array.from({ length: n }, () => ({
            at: start + rr.int(20, person.shift.minutes - 40) * MINUTE,
            run: (s: number) => take(person, member, rr, s, session, true),
          }));
        },
        inject(day) {
          const dayStart = ctx.day(day).startMs;
          if (inWindow(day)) {
            members.forEach((person, member) => {
              const rr = ctx.random(`ring/evening/${person.id}/${day}`);
              if (!rr.chance(evening[member] ?? 0.2)) return;
              const where = {
                ip: sharedIp !== undefined && rr.chance(0.5) ? sharedIp : person.homeIp,
                device: memberDevices[member] ?? person.spareDevice,
              };
              let t = dayStart + rr.int(20 * 60, 22 * 60 + 30) * MINUTE;
              emit(person, t, where, { action: 'login', system: 'legacy-bo' });
              t += rr.int(1, 4) * MINUTE;
              for (let k = rr.int(3, 12); k > 0; k -= 1) t = take(person, member, rr, t, where, false);
            });
          }
          if (day >= departDay && day < to) {
            const rr = ctx.random(`ring/leaver/${day}`);
            if (!rr.chance(exportEvery)) return;
            const where = { ip: sharedIp ?? leaver.homeIp, device: leaverDevice };
            let t = dayStart + rr.int(19 * 60, 23 * 60 + 20) * MINUTE;
            emit(leaver, t, where, { action: 'login', system: 'legacy-bo' });
            t += rr.int(1, 5) * MINUTE;
            const growth = 1 + 0.04 * (day - departDay);
            emit(leaver, t, where, {
              action: 'export',
              count: Math.min(customers, Math.round(exportBase * growth * rr.float(0.8, 1.2))),
              system: 'legacy-bo',
            });
          }
        },
      };
    },
  };
}

/**
 * `logistics`: 2–4 warehouse staff and couriers of one city pulling paid-but-unshipped orders that
 * are not theirs (no delivery, not their wave) through the WMS: list views of 8–25 orders, reveals of
 * receivers, an export now and then, 15–120 orders a shift each.
 */
function planLogistics(input: PlanningInput, r: Random): ScenarioPlan {
  const days = input.calendar.length;
  const all = castable(input.directory, ['warehouse', 'courier']);
  need(all, 2, 'logistics', 'warehouse staff or couriers');
  const anchor = r.pick(all);
  const city = spellOn(anchor, 0).site.city;
  const local = r.shuffle(all.filter((p) => p !== anchor && spellOn(p, 0).site.city === city));
  const others = r.shuffle(all.filter((p) => p !== anchor && spellOn(p, 0).site.city !== city));
  const size = Math.min(r.int(2, 4), all.length);
  const gang = [anchor, ...local, ...others].slice(0, size);
  for (const p of gang) p.scenario = 'logistics';
  const { from, to } = window(r, days, [0.15, 0.55], [0.2, 0.45], Math.min(5, days));
  const daily = gang.map(() => r.int(15, 120));
  const revealShare = r.float(0.1, 0.35);
  return {
    name: 'logistics',
    actors: gang,
    startMs: input.startMs + from * DAY,
    endMs: input.startMs + to * DAY,
    description:
      `${gang.length} warehouse/courier staff (${[...new Set(gang.map((p) => spellOn(p, 0).team))].join(', ')}) pull ` +
      `${Math.min(...daily)}–${Math.max(...daily)} paid-but-unshipped orders a shift that are not theirs through the WMS ` +
      `(list views, reveals of about ${Math.round(revealShare * 100)} % of them, occasional exports), no purpose, no delivery.`,
    attach(ctx) {
      const emit = emitterFor(ctx, 'logistics');
      const tl = ctx.timeline;
      return {
        workItems: () => [],
        inject(day) {
          if (day < from || day >= to) return;
          gang.forEach((person, k) => {
            if (!ctx.onDuty(person, day)) return;
            const rr = ctx.random(`logistics/${person.id}/${day}`);
            const where = ctx.session(person, day);
            const start = ctx.shiftStart(person, day);
            const want = Math.round((daily[k] ?? 30) * rr.float(0.6, 1.3));
            let taken = 0;
            let t = start + rr.int(20, 90) * MINUTE;
            const end = start + (person.shift.minutes - 10) * MINUTE;
            while (taken < want && t < end) {
              const low = tl.placedBefore(t - 3 * DAY);
              const high = tl.placedBefore(t);
              const batch: number[] = [];
              const size = rr.int(8, 25);
              for (let tries = 0; tries < size * 8 && batch.length < size && high > low; tries += 1) {
                const i = rr.int(low, high - 1);
                if (UNSHIPPED.has(tl.statusAt(i, t)) && !batch.includes(i)) batch.push(i);
              }
              if (batch.length === 0) break;
              emit(person, t, where, {
                action: 'view',
                customers: batch.map((i) => tl.customer[i] ?? 0),
                orders: batch,
                system: 'wms',
              });
              taken += batch.length;
              t += rr.int(30, 120) * SECOND;
              for (const i of batch) {
                if (!rr.chance(revealShare)) continue;
                emit(person, t, where, {
                  action: 'reveal',
                  customers: [tl.customer[i] ?? 0],
                  orders: [i],
                  system: 'wms',
                });
                t += rr.int(10, 40) * SECOND;
              }
              t += rr.int(10, 60) * MINUTE;
            }
            if (rr.chance(0.15)) {
              const count = Math.round(want * rr.float(1, 4));
              emit(person, Math.min(t, end), where, { action: 'export', count, system: 'wms' });
            }
          });
        },
      };
    },
  };
}

/**
 * `rented`: a merchant staff account (or a support agent's) also used by an outsider: 3–6 devices and
 * 4–8 networks nobody else uses, sessions at night (00:30–05:30) or late evening pulling the shop's
 * orders by the hundred (list views, waybill prints; a few refused because the order is past the
 * merchant's window), and on some days a login from far away a few minutes after the owner's at the
 * office. The owner keeps working normally.
 */
function planRented(input: PlanningInput, r: Random): ScenarioPlan {
  const days = input.calendar.length;
  const merchants = castable(input.directory, ['merchant_staff']);
  const agents = castable(input.directory, ['support_agent']);
  const useMerchant = merchants.length > 0 && (agents.length === 0 || r.chance(0.75));
  const pool = useMerchant ? merchants : agents;
  need(pool, 1, 'rented', 'merchant staff or support agent');
  const owner = r.pick(pool);
  owner.scenario = 'rented';
  const { from, to } = window(r, days, [0.2, 0.6], [0.25, 0.5], Math.min(5, days));
  const devices = Array.from({ length: r.int(3, 6) }, () => browserDevice(r));
  const ips = Array.from({ length: r.int(4, 8) }, () => ipIn(r, FOREIGN_BLOCKS));
  const intensity = r.int(40, 300);
  const activeShare = r.float(0.55, 0.9);
  const system = useMerchant ? 'erp' : 'cordon';
  return {
    name: 'rented',
    actors: [owner],
    startMs: input.startMs + from * DAY,
    endMs: input.startMs + to * DAY,
    description:
      `${owner.role} account ${owner.id} is rented to an outsider: ${devices.length} devices and ${ips.length} far-away networks, ` +
      `night sessions on about ${Math.round(activeShare * 100)} % of days taking about ${intensity} customers each, ` +
      `logins from far away minutes after the owner's office login; the owner keeps working.`,
    attach(ctx, work) {
      const emit = emitterFor(ctx, 'rented');
      const tl = ctx.timeline;
      /** Takes about `want` customers from `t` on; returns the end time. */
      const harvest = (
        rr: Random,
        s: number,
        where: { ip: string; device: string },
        want: number,
      ): number => {
        let t = s;
        let taken = 0;
        while (taken < want) {
          if (useMerchant) {
            const orders = work.merchantOrders(owner.merchant, t, rr.int(10, 20), rr, 30);
            if (orders.length === 0) return t;
            emit(owner, t, where, {
              action: 'view',
              customers: orders.map((i) => tl.customer[i] ?? 0),
              orders,
              purpose: 'order_fulfilment',
              system,
            });
            taken += orders.length;
            t += rr.int(20, 90) * SECOND;
            for (const i of orders) {
              if (!rr.chance(0.25)) continue;
              const expired = (tl.delivered[i] ?? Number.POSITIVE_INFINITY) + 15 * DAY < t;
              emit(owner, t, where, {
                action: 'print',
                customers: [tl.customer[i] ?? 0],
                orders: [i],
                purpose: 'order_fulfilment',
                outcome: expired ? 'denied' : 'allowed',
                system,
              });
              t += rr.int(5, 30) * SECOND;
            }
          } else {
            const customer = ctx.randomCustomer(rr, t);
            emit(owner, t, where, {
              action: 'search',
              customers: [customer],
              purpose: 'customer_support',
              system,
            });
            t += rr.int(8, 40) * SECOND;
            emit(owner, t, where, { action: 'view', customers: [customer], system: 'legacy-bo' });
            taken += 1;
            t += rr.int(10, 60) * SECOND;
          }
        }
        return t;
      };
      return {
        workItems: () => [],
        inject(day) {
          if (day < from || day >= to) return;
          const rr = ctx.random(`rented/${day}`);
          const dayStart = ctx.day(day).startMs;
          if (rr.chance(activeShare)) {
            const sessions = rr.int(1, 2);
            for (let k = 0; k < sessions; k += 1) {
              const where = { ip: rr.pick(ips), device: rr.pick(devices) };
              const night = k === 0 || rr.chance(0.5);
              const t = dayStart + (night ? rr.int(30, 330) : rr.int(21 * 60 + 30, 23 * 60 + 30)) * MINUTE;
              emit(owner, t, where, { action: 'login', system });
              harvest(
                rr,
                t + rr.int(1, 5) * MINUTE,
                where,
                Math.round((intensity * rr.float(0.5, 1.3)) / sessions),
              );
            }
          }
          if (ctx.onDuty(owner, day) && rr.chance(0.4)) {
            const where = { ip: rr.pick(ips), device: rr.pick(devices) };
            const t = ctx.shiftStart(owner, day) + rr.int(0, 15) * MINUTE;
            emit(owner, t, where, { action: 'login', system });
            harvest(rr, t + rr.int(1, 3) * MINUTE, where, rr.int(5, 20));
          }
        },
      };
    },
  };
}

/**
 * `departed-admin`: a security admin or engineer marked departed whose credentials outside Cordon
 * were never revoked: evenings after the departure date, from home or a cloud host, on the laptop
 * they kept, a refused Cordon login or two, then production database logins and queries of
 * hundreds to thousands of customer rows, and ERP exports every few days.
 */
function planDepartedAdmin(input: PlanningInput, r: Random): ScenarioPlan {
  const days = input.calendar.length;
  const admins = castable(input.directory, ['security_admin']);
  const engineers = castable(input.directory, ['engineer']);
  const pool = admins.length > 0 && (engineers.length === 0 || r.chance(0.6)) ? admins : engineers;
  need(pool, 1, 'departed-admin', 'security admin or engineer');
  const actor = r.pick(pool);
  actor.scenario = 'departed-admin';
  const departDay = Math.max(1, Math.min(days - 2, r.int(Math.round(days * 0.2), Math.round(days * 0.6))));
  actor.endMs = input.startMs + departDay * DAY;
  actor.endStatus = 'departed';
  const activity = r.float(0.4, 0.7);
  const cloudIp = ipIn(r, CLOUD_BLOCKS);
  const rows = (low: number, high: number, rr: Random) =>
    Math.max(20, Math.min(input.customers, Math.round(input.customers * rr.float(low, high))));
  return {
    name: 'departed-admin',
    actors: [actor],
    startMs: actor.endMs,
    endMs: input.startMs + days * DAY,
    description:
      `${actor.role} ${actor.id} departs on day ${departDay} and keeps working on about ${Math.round(activity * 100)} % of evenings: ` +
      `refused Cordon logins, then db logins, queries of 0.2–5 % of the customers and ERP exports of 2–20 %, ` +
      `from home or a cloud host on the laptop they kept.`,
    attach(ctx) {
      const emit = emitterFor(ctx, 'departed-admin');
      let active = 0;
      return {
        workItems: () => [],
        inject(day) {
          if (day < departDay) return;
          const rr = ctx.random(`departed-admin/${day}`);
          if (!rr.chance(activity)) return;
          active += 1;
          const where = { ip: rr.chance(0.7) ? actor.homeIp : cloudIp, device: actor.spareDevice };
          let t = ctx.day(day).startMs + rr.int(19 * 60 + 30, 23 * 60) * MINUTE;
          if (active <= 2) {
            emit(actor, t, where, { action: 'login', outcome: 'denied', system: 'cordon' });
            t += rr.int(1, 5) * MINUTE;
          }
          emit(actor, t, where, { action: 'login', system: 'db' });
          for (let k = rr.int(2, 8); k > 0; k -= 1) {
            t += rr.int(3, 20) * MINUTE;
            emit(actor, t, where, { action: 'query', count: rows(0.002, 0.05, rr), system: 'db' });
          }
          if (rr.chance(0.3)) {
            t += rr.int(5, 20) * MINUTE;
            emit(actor, t, where, { action: 'export', count: rows(0.02, 0.2, rr), system: 'erp' });
          }
        },
      };
    },
  };
}

/**
 * `low-and-slow`: one support agent who, every shift for (nearly) the whole period, opens tickets of
 * their own for customers nobody asked about (so every reveal names a valid, assigned, open ticket)
 * and reveals them until 35–39 distinct customers that day, never over 39 in any rolling 24 h
 * (the quota is 40), plus 30–100 extra phone searches a shift, paced far below the rate limit.
 */
function planLowAndSlow(input: PlanningInput, r: Random): ScenarioPlan {
  const days = input.calendar.length;
  const pool = castable(input.directory, ['support_agent']).filter(
    (p) => p.revealQuota === undefined && p.shift.startMinute < 20 * 60,
  );
  need(pool, 1, 'low-and-slow', 'settled support agent on a day or evening shift');
  const actor = r.pick(pool);
  actor.scenario = 'low-and-slow';
  const from = r.int(0, Math.max(0, Math.round(days * 0.15)));
  const searches = r.int(30, 100);
  const taken = new Set<number>();
  return {
    name: 'low-and-slow',
    actors: [actor],
    startMs: input.startMs + from * DAY,
    endMs: input.startMs + days * DAY,
    description:
      `support agent ${actor.id} reveals 35–39 distinct customers every shift from day ${from} to the end (quota 40, ` +
      `never over 39 in a rolling 24 h) through self-opened tickets that close within minutes, plus about ${searches} ` +
      `extra phone searches a shift well under the rate limit.`,
    attach(ctx) {
      const emit = emitterFor(ctx, 'low-and-slow');
      const tl = ctx.timeline;
      return {
        workItems(person, day, plannedReveals) {
          if (person !== actor || day < from) return [];
          const rr = ctx.random(`low-and-slow/${day}`);
          const goal = rr.int(35, 39);
          const start = ctx.shiftStart(person, day);
          const span = person.shift.minutes - 70;
          const where = ctx.session(person, day);
          const items: WorkItem[] = [];
          const reveals = Math.max(0, goal - plannedReveals);
          for (let k = 0; k < reveals; k += 1) {
            items.push({
              at: start + (15 + ((k + rr.next()) / reveals) * span) * MINUTE,
              run: (s) => {
                if (ctx.revealedWithin24h(person, s) >= 39) return s;
                let customer = ctx.randomCustomer(rr, s);
                for (let tries = 0; tries < 5 && taken.has(customer); tries += 1)
                  customer = ctx.randomCustomer(rr, s);
                taken.add(customer);
                const theirs = tl.ordersOf(customer);
                let order = -1;
                for (const o of theirs) if ((tl.created[o] ?? Number.POSITIVE_INFINITY) < s) order = o;
                if (!rr.chance(0.6)) order = -1;
                const ticket = ctx.openTicket(person, customer, order, sec(s - rr.int(0, 180) * SECOND));
                let t = s;
                emit(person, t, where, {
                  action: 'view',
                  customers: [customer],
                  ...(order >= 0 ? { orders: [order] } : {}),
                  purpose: 'customer_support',
                  reference: ticket.id,
                  system: 'cordon',
                });
                t += rr.int(20, 60) * SECOND;
                const outcome = ctx.reveal(person, t, customer);
                emit(person, t, where, {
                  action: 'reveal',
                  customers: [customer],
                  ...(order >= 0 ? { orders: [order] } : {}),
                  purpose: 'customer_support',
                  reference: ticket.id,
                  outcome,
                  system: 'cordon',
                });
                t += rr.int(30, 150) * SECOND;
                ctx.closeTicket(ticket, sec(t));
                return t;
              },
            });
          }
          const extraSearches = Math.round(searches * rr.float(0.7, 1.3));
          for (let k = 0; k < extraSearches; k += 1) {
            items.push({
              at: start + (10 + rr.next() * span) * MINUTE,
              run: (s) => {
                let t = s;
                for (let burst = rr.int(1, 3); burst > 0; burst -= 1) {
                  emit(person, t, where, {
                    action: 'search',
                    customers: [ctx.randomCustomer(rr, t)],
                    purpose: 'customer_support',
                    system: 'cordon',
                  });
                  t += rr.int(8, 40) * SECOND;
                }
                return t;
              },
            });
          }
          return items;
        },
        inject: () => undefined,
      };
    },
  };
}

/**
 * `export-abuse`: an analyst (or a support lead) whose approved exports grow from about their usual
 * size to 5–20 times it over the scenario, every other working day, half of them after hours, all
 * approved within minutes by the same colluding approver (a security admin or the DPO).
 */
function planExportAbuse(input: PlanningInput, r: Random): ScenarioPlan {
  const days = input.calendar.length;
  const analysts = castable(input.directory, ['analyst']);
  const leads = castable(input.directory, ['support_lead']);
  const pool = analysts.length > 0 && (leads.length === 0 || r.chance(0.7)) ? analysts : leads;
  need(pool, 1, 'export-abuse', 'analyst or support lead');
  const actor = r.pick(pool);
  const approvers = castable(input.directory, ['security_admin', 'dpo']);
  need(approvers, 1, 'export-abuse', 'security admin or DPO to approve');
  const approver = r.pick(approvers);
  actor.scenario = 'export-abuse';
  approver.scenario = 'export-abuse';
  const { from } = window(r, days, [0.25, 0.6], [0.3, 0.5], Math.min(5, days));
  const to = days;
  const growth = r.float(5, 20);
  const base = usualExportSize(actor, input.customers);
  const purpose = actor.role === 'analyst' ? 'analytics' : 'customer_support';
  return {
    name: 'export-abuse',
    actors: [actor, approver],
    startMs: input.startMs + from * DAY,
    endMs: input.startMs + to * DAY,
    description:
      `${actor.role} ${actor.id} (usual export about ${base} customers) exports every other working day from day ${from}, ` +
      `growing to about ${growth.toFixed(1)}× the usual size, half after hours, each approved within minutes by ${approver.role} ${approver.id}.`,
    attach(ctx, work) {
      return {
        workItems: () => [],
        inject(day) {
          if (day < from || day >= to || !ctx.onDuty(actor, day)) return;
          const rr = ctx.random(`export-abuse/${day}`);
          if (!rr.chance(0.6)) return;
          const progress = to - from > 1 ? (day - from) / (to - from - 1) : 1;
          const size = Math.round(base * Math.max(2, growth ** progress) * rr.float(0.85, 1.15));
          const start = ctx.shiftStart(actor, day);
          const at = rr.chance(0.5)
            ? start + rr.int(30, actor.shift.minutes - 60) * MINUTE
            : ctx.day(day).startMs + rr.int(19 * 60, 22 * 60 + 30) * MINUTE;
          if (!ctx.employedAt(approver, at)) return;
          work.approvedExport(actor, day, at, {
            count: Math.min(Math.round(input.customers * 0.6), size),
            purpose,
            random: rr,
            approver,
            quick: true,
            scenario: 'export-abuse',
          });
        },
      };
    },
  };
}
