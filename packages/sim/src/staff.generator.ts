/**
 * The simulated shop's staff directory: who works where, on which shift, since when, on which devices
 * and networks. Everything a benign day of work or an insider scenario needs to know about a person
 * is decided here, once, from the seed: hire day (some people join mid-period), departures and
 * suspensions, a team transfer, rest days of the week, leave, a device replacement, working from
 * home, business trips. The directory as of the end of the period becomes `staff.ndjson`
 * ({@link staffRecord}), valid for core's `staffSchema`.
 */
import { BROADBAND_BLOCKS } from './network.data';
import { generateName } from './people.generator';
import type { Random } from './random';
import { formatChinaTime } from './shop.generator';
import { DAY, MINUTE, type WorkDay } from './work.calendar';

/** Staff roles, as core's access context knows them (a test checks the two lists agree). */
export const STAFF_ROLES = [
  'support_agent',
  'support_lead',
  'warehouse',
  'courier',
  'merchant_staff',
  'analyst',
  'security_admin',
  'dpo',
  'engineer',
] as const;
export type SimStaffRole = (typeof STAFF_ROLES)[number];

/** The fewest people a simulated directory can have (every role present, enough agents for a ring). */
export const MIN_STAFF = 25;
/** The most people a simulated directory can have. */
export const MAX_STAFF = 20_000;

/** An office, warehouse or delivery station: a city and the egress addresses of its network. */
export interface Site {
  readonly code: string;
  readonly city: string;
  /** Public egress addresses of the site's network (NAT): stable, shared by everyone there. */
  readonly egress: readonly string[];
  /** The /16 of the mobile carrier NAT its handhelds come out of. */
  readonly mobileBlock: string;
}

/** The company's sites. Couriers work in the four cities of {@link COURIER_CITIES}. */
export const SITES: Readonly<Record<'hz' | 'cd' | 'gz' | 'sh' | 'bj', Site>> = {
  hz: { code: 'hz', city: '杭州市', egress: ['115.192.88.10', '115.192.88.11'], mobileBlock: '223.104' },
  cd: { code: 'cd', city: '成都市', egress: ['171.8.62.20', '171.8.62.21'], mobileBlock: '223.88' },
  gz: { code: 'gz', city: '广州市', egress: ['113.108.17.30', '113.108.17.31'], mobileBlock: '120.244' },
  sh: { code: 'sh', city: '上海市', egress: ['116.228.35.40', '116.228.35.41'], mobileBlock: '117.150' },
  bj: { code: 'bj', city: '北京市', egress: ['123.112.9.50', '123.112.9.51'], mobileBlock: '111.55' },
};

/** Cities where the shop's own couriers deliver (receiver city as written on orders), with their station. */
export const COURIER_CITIES: ReadonlyArray<{ readonly city: string; readonly site: Site }> = [
  { city: '上海市', site: SITES.sh },
  { city: '北京市', site: SITES.bj },
  { city: '广州市', site: SITES.gz },
  { city: '杭州市', site: SITES.hz },
];

/** The shop's warehouses; every order ships from one of them. */
export const WAREHOUSES: readonly Site[] = [SITES.sh, SITES.gz, SITES.bj];

/** Support teams in the order they are opened as the directory grows, with their office. */
const SUPPORT_TEAMS: ReadonlyArray<{ readonly team: string; readonly site: Site }> = [
  { team: 'cs-east', site: SITES.hz },
  { team: 'cs-west', site: SITES.cd },
  { team: 'cs-vip', site: SITES.hz },
  { team: 'cs-south', site: SITES.gz },
  { team: 'cs-north', site: SITES.bj },
  { team: 'cs-central', site: SITES.cd },
  { team: 'cs-returns', site: SITES.hz },
  { team: 'cs-marketplace', site: SITES.cd },
];

/** The VIP team's reveal quota override (distinct customers per rolling 24 h); others use the policy's 40. */
export const VIP_REVEAL_QUOTA = 60;

/** A working shift in Asia/Shanghai; one that ends before it starts runs over midnight. */
export interface Shift {
  readonly start: string;
  readonly end: string;
  /** Minutes after local midnight when it starts, and its length in minutes. */
  readonly startMinute: number;
  readonly minutes: number;
}

function shift(start: string, end: string): Shift {
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const from = toMinutes(start);
  const length = (toMinutes(end) - from + 1440) % 1440;
  return { start, end, startMinute: from, minutes: length === 0 ? 1440 : length };
}

const SHIFTS = {
  day: shift('09:00', '18:00'),
  evening: shift('14:00', '23:00'),
  night: shift('23:00', '08:00'),
  warehouseDay: shift('08:00', '20:00'),
  warehouseNight: shift('20:00', '08:00'),
  courier: shift('08:00', '20:00'),
  courierEarly: shift('07:00', '19:00'),
  merchant: shift('09:00', '21:00'),
  merchantLate: shift('10:00', '19:00'),
  office: shift('09:30', '18:30'),
  engineering: shift('10:00', '19:00'),
} as const;

/** A period in one team (transfers open a new one). */
export interface TeamSpell {
  /** First day in this team (day numbers as in the calendar; very negative for the first spell). */
  readonly fromDay: number;
  readonly team: string;
  readonly site: Site;
}

/** A trip to another site (business travel): another network for a few days. */
export interface Trip {
  readonly fromDay: number;
  /** Exclusive. */
  readonly toDay: number;
  readonly site: Site;
}

/** Everything the simulator knows about one person. */
export interface StaffProfile {
  /** Position in {@link StaffDirectory.people} (ids are in hire order, positions are not). */
  readonly index: number;
  id: string;
  readonly name: string;
  readonly role: SimStaffRole;
  /** Team history, oldest first; the last one is the team in the directory. */
  readonly spells: TeamSpell[];
  /** Merchant id (merchant staff only) and its index in {@link StaffDirectory.merchants}. */
  readonly merchant: number;
  readonly shift: Shift;
  /** Day the person started (negative: before the simulated period). */
  readonly hireDay: number;
  /**
   * When the person stopped working (status `departed` or `suspended` since then), epoch ms; the
   * scenario planner may set it (a departed account).
   */
  endMs: number | undefined;
  endStatus: 'departed' | 'suspended' | undefined;
  /** Weekdays (0 = Sunday) the person normally rests on (shift roles rotate them). */
  readonly restDays: readonly number[];
  /** Days of leave. */
  readonly leave: ReadonlySet<number>;
  /** The usual device; a second one (laptop, phone, spare desk) some days. */
  readonly device: string;
  readonly spareDevice: string;
  /** A replacement of the usual device from `day` on (new laptop), if any. */
  readonly replacement: { readonly day: number; readonly device: string } | undefined;
  /** Home broadband address (working from home, evenings). */
  readonly homeIp: string;
  readonly trip: Trip | undefined;
  /** Work rate relative to peers (tickets, orders handled): 0.7–1.3, heavy workers up to 1.9. */
  readonly pace: number;
  /** Share of support tickets that need a reveal of phone or address, for this person. */
  readonly revealRate: number;
  /** A heavy but honest worker: fast, many reveals, overtime at peaks (the hard negatives). */
  readonly heavy: boolean;
  /** Also works in the legacy back office (refund lookups), as some of the team always did. */
  readonly legacyUser: boolean;
  /** Per-person reveal quota override, if any. */
  readonly revealQuota: number | undefined;
  /** Courier city (index into {@link COURIER_CITIES}) or warehouse (into {@link WAREHOUSES}); −1 if none. */
  readonly courierCity: number;
  readonly warehouse: number;
  /** Set by the scenario planner: the scenario this person takes part in. */
  scenario: string | undefined;
}

/** A merchant selling on the platform: its id, share of orders and network. */
export interface Merchant {
  readonly id: string;
  readonly weight: number;
  readonly egress: string;
}

/** The whole directory. */
export interface StaffDirectory {
  readonly people: StaffProfile[];
  readonly merchants: readonly Merchant[];
}

/** The staff interchange record (core's `staffSchema`). */
export interface StaffRecord {
  id: string;
  name: string;
  role: SimStaffRole;
  team: string;
  merchant?: string;
  shift: { start: string; end: string; tz: string };
  status: 'active' | 'suspended' | 'departed';
  since?: string;
  revealQuota?: number;
}

/** Share of the directory per role (support agents take the rest). */
const ROLE_SHARES: ReadonlyArray<readonly [SimStaffRole, number, number]> = [
  ['support_lead', 0.05, 2],
  ['warehouse', 0.14, 2],
  ['courier', 0.17, 3],
  ['merchant_staff', 0.12, 2],
  ['analyst', 0.04, 1],
  ['security_admin', 0.02, 1],
  ['dpo', 0.01, 1],
  ['engineer', 0.05, 1],
];

/** How many people of each role a directory of `count` has. */
export function roleCounts(count: number): Record<SimStaffRole, number> {
  const counts = {} as Record<SimStaffRole, number>;
  let others = 0;
  for (const [role, share, min] of ROLE_SHARES) {
    counts[role] = Math.max(min, Math.floor(count * share));
    others += counts[role];
  }
  counts.support_agent = count - others;
  return counts;
}

function hex(random: Random, length: number): string {
  return random.hex(length);
}

/** Options of {@link generateStaff}. */
export interface StaffOptions {
  readonly count: number;
  /** The simulated days (index 0 … days − 1), for hire days, leave and transfers. */
  readonly calendar: readonly WorkDay[];
  /** Day 0 midnight, epoch ms. */
  readonly startMs: number;
}

/** Office roles keep office hours and rest on weekends and holidays. */
export function isOfficeRole(role: SimStaffRole): boolean {
  return role === 'analyst' || role === 'security_admin' || role === 'dpo' || role === 'engineer';
}

/**
 * Generates the directory. `random` should be a fork dedicated to staff, so the directory does not
 * depend on anything else drawn from the seed.
 */
export function generateStaff(random: Random, options: StaffOptions): StaffDirectory {
  const { count, calendar, startMs } = options;
  if (!Number.isInteger(count) || count < MIN_STAFF || count > MAX_STAFF) {
    throw new RangeError(`staff must be an integer from ${MIN_STAFF} to ${MAX_STAFF}.`);
  }
  const days = calendar.length;
  const counts = roleCounts(count);
  const merchantCount = Math.max(2, Math.ceil(counts.merchant_staff / 3));
  const merchants: Merchant[] = Array.from({ length: merchantCount }, (_, k) => {
    const r = random.fork(`merchant:${k}`);
    return {
      id: `M${String(k + 1).padStart(3, '0')}`,
      weight: 1 / (k + 1.5),
      egress: `${r.pick(BROADBAND_BLOCKS)}.${r.int(0, 255)}.${r.int(2, 254)}`,
    };
  });
  const agentTeams = SUPPORT_TEAMS.slice(
    0,
    Math.min(SUPPORT_TEAMS.length, Math.max(2, Math.round(counts.support_agent / 12))),
  );
  const roles: SimStaffRole[] = [];
  for (const role of STAFF_ROLES) for (let k = 0; k < counts[role]; k += 1) roles.push(role);
  const perRole = new Map<SimStaffRole, number>();
  const people: StaffProfile[] = [];
  const newHireUntil = Math.max(1, days - 3);

  roles.forEach((role, index) => {
    const r = random.fork(`person:${index}`);
    const k = perRole.get(role) ?? 0;
    perRole.set(role, k + 1);
    const gender = r.chance(role === 'support_agent' ? 0.7 : role === 'courier' ? 0.15 : 0.45)
      ? 'female'
      : 'male';
    const name = generateName(r, { gender }).full;
    const shiftRole = !isOfficeRole(role);
    const newHire = shiftRole && role !== 'support_lead' && days >= 10 && r.chance(0.06) && newHireUntil > 3;
    const hireDay = newHire ? r.int(3, newHireUntil - 1) : -r.int(45, 2_500);

    let team: string;
    let site: Site;
    let merchant = -1;
    let courierCity = -1;
    let warehouse = -1;
    let chosenShift: Shift;
    switch (role) {
      case 'support_agent':
      case 'support_lead': {
        const t = agentTeams[k % agentTeams.length] ?? SUPPORT_TEAMS[0];
        team = t?.team ?? 'cs-east';
        site = t?.site ?? SITES.hz;
        const roll = r.next();
        chosenShift =
          role === 'support_lead'
            ? roll < 0.7
              ? SHIFTS.day
              : SHIFTS.evening
            : roll < 0.6
              ? SHIFTS.day
              : roll < 0.88 || counts.support_agent < 15
                ? SHIFTS.evening
                : SHIFTS.night;
        break;
      }
      case 'warehouse':
        warehouse = k % WAREHOUSES.length;
        site = WAREHOUSES[warehouse] ?? SITES.sh;
        team = `wh-${site.code}`;
        chosenShift = r.chance(0.6) ? SHIFTS.warehouseDay : SHIFTS.warehouseNight;
        break;
      case 'courier': {
        courierCity = k % COURIER_CITIES.length;
        site = COURIER_CITIES[courierCity]?.site ?? SITES.sh;
        team = `logistics-${site.code}`;
        chosenShift = r.chance(0.7) ? SHIFTS.courier : SHIFTS.courierEarly;
        break;
      }
      case 'merchant_staff':
        merchant = k % merchantCount;
        site = SITES.hz;
        team = `merchant-${merchants[merchant]?.id ?? 'M001'}`;
        chosenShift = r.chance(0.5) ? SHIFTS.merchant : SHIFTS.merchantLate;
        break;
      case 'analyst':
        team = 'analytics';
        site = k % 3 === 2 ? SITES.cd : SITES.hz;
        chosenShift = SHIFTS.office;
        break;
      case 'security_admin':
        team = 'security';
        site = SITES.hz;
        chosenShift = SHIFTS.office;
        break;
      case 'dpo':
        team = 'privacy';
        site = SITES.hz;
        chosenShift = SHIFTS.office;
        break;
      default:
        team = 'platform';
        site = k % 2 === 1 ? SITES.cd : SITES.hz;
        chosenShift = r.chance(0.7) ? SHIFTS.engineering : SHIFTS.office;
    }
    const spells: TeamSpell[] = [{ fromDay: -100_000, team, site }];

    const restDays: number[] = [];
    if (shiftRole) {
      const weights = [2.2, 1, 1, 1, 1, 1, 2.2];
      while (restDays.length < 2) {
        const wd = r.weightedPick([0, 1, 2, 3, 4, 5, 6], weights);
        if (!restDays.includes(wd)) restDays.push(wd);
      }
    } else restDays.push(0, 6);

    const leave = new Set<number>();
    if (days >= 14 && r.chance(0.1)) {
      const from = r.int(0, days - 1);
      const length = r.int(3, 7);
      for (let d = from; d < Math.min(days, from + length); d += 1) {
        if (!calendar[d]?.salePeak) leave.add(d);
      }
    }
    for (let d = 0; d < days; d += 1) if (r.chance(0.025) && !calendar[d]?.salePeak) leave.add(d);

    const siteTag = site.code;
    const device =
      role === 'courier'
        ? `pda-${hex(r, 8)}`
        : role === 'warehouse'
          ? `wms-${siteTag}-${String(r.int(1, Math.max(4, Math.ceil(counts.warehouse / 2)))).padStart(2, '0')}`
          : `pc-${siteTag}-${hex(r, 6)}`;
    const spareDevice =
      role === 'courier' || role === 'merchant_staff'
        ? `${r.chance(0.5) ? 'ios' : 'and'}-${hex(r, 12)}`
        : role === 'warehouse'
          ? `wms-${siteTag}-${String(r.int(1, Math.max(4, Math.ceil(counts.warehouse / 2)))).padStart(2, '0')}`
          : role === 'support_agent'
            ? `pc-${siteTag}-${hex(r, 6)}`
            : `lt-${hex(r, 8)}`;
    const replacement =
      days >= 10 && r.chance(0.04)
        ? { day: r.int(2, days - 2), device: `${device.split('-')[0]}-${siteTag}-${hex(r, 6)}` }
        : undefined;
    const homeIp = `${r.pick(BROADBAND_BLOCKS)}.${r.int(0, 255)}.${r.int(2, 254)}`;
    const travels = (role === 'support_lead' || isOfficeRole(role)) && days >= 10 && r.chance(0.25);
    const tripStart = r.int(1, Math.max(1, days - 5));
    const tripSite = r.pick(Object.values(SITES).filter((s) => s !== site));
    const trip = travels ? { fromDay: tripStart, toDay: tripStart + r.int(2, 5), site: tripSite } : undefined;

    const heavy = (role === 'support_agent' || role === 'courier') && r.chance(0.08);
    const pace = heavy ? r.float(1.45, 1.9) : Math.min(1.35, Math.max(0.65, r.normal(1, 0.15)));
    const revealRate = heavy ? r.float(0.4, 0.5) : r.float(0.18, 0.36);
    people.push({
      index,
      id: '',
      name,
      role,
      spells,
      merchant,
      shift: chosenShift,
      hireDay,
      endMs: undefined,
      endStatus: undefined,
      restDays,
      leave,
      device,
      spareDevice,
      replacement,
      homeIp,
      trip,
      pace,
      revealRate,
      heavy,
      legacyUser: role === 'support_lead' || (role === 'support_agent' && r.chance(0.3)),
      revealQuota: role === 'support_agent' && team === 'cs-vip' ? VIP_REVEAL_QUOTA : undefined,
      courierCity,
      warehouse,
      scenario: undefined,
    });
  });

  // Departures, suspensions and transfers: only in roles with enough people to spare.
  const events = random.fork('movements');
  for (const person of people) {
    if ((counts[person.role] ?? 0) < 4 || person.hireDay >= 0 || days < 10) continue;
    const roll = events.next();
    const day = events.int(4, days - 2);
    if (roll < 0.02) {
      person.endMs = startMs + day * DAY;
      person.endStatus = 'departed';
    } else if (roll < 0.03) {
      person.endMs = startMs + day * DAY + 14 * 60 * MINUTE;
      person.endStatus = 'suspended';
    } else if (roll < 0.07 && person.role === 'support_agent' && person.revealQuota === undefined) {
      // Transfers between ordinary teams (the VIP team's quota override stays with its members).
      const current = person.spells[0];
      const others = agentTeams.filter((t) => t.team !== current?.team && t.team !== 'cs-vip');
      if (others.length === 0) continue;
      const next = events.pick(others);
      person.spells.push({ fromDay: day, team: next.team, site: next.site });
    } else if (roll < 0.1 && person.role === 'warehouse') {
      const current = person.spells[0];
      const next = events.pick(WAREHOUSES.filter((s) => s !== current?.site));
      person.spells.push({ fromDay: day, team: `wh-${next.code}`, site: next });
    }
  }

  // Employee numbers in hire order: a mid-period hire has one of the highest numbers.
  const byHire = people.slice().sort((a, b) => a.hireDay - b.hireDay || a.index - b.index);
  byHire.forEach((person, rank) => {
    person.id = `E${10_001 + rank}`;
  });
  return { people, merchants };
}

/** The team spell a person is in on `day`. */
export function spellOn(person: StaffProfile, day: number): TeamSpell {
  let current = person.spells[0];
  for (const spell of person.spells) if (spell.fromDay <= day) current = spell;
  if (current === undefined) throw new RangeError('a person has at least one team spell');
  return current;
}

/** The staff record of a person as of the end of the period. */
export function staffRecord(person: StaffProfile, directory: StaffDirectory, startMs: number): StaffRecord {
  const spells = person.spells;
  const last = spells[spells.length - 1] ?? spellOn(person, 0);
  const sinceMs = person.endMs !== undefined ? person.endMs : startMs + person.hireDay * DAY;
  const merchant = person.merchant >= 0 ? directory.merchants[person.merchant]?.id : undefined;
  return {
    id: person.id,
    name: person.name,
    role: person.role,
    team: last.team,
    ...(merchant !== undefined ? { merchant } : {}),
    shift: { start: person.shift.start, end: person.shift.end, tz: 'Asia/Shanghai' },
    status: person.endStatus ?? 'active',
    since: formatChinaTime(sinceMs),
    ...(person.revealQuota !== undefined ? { revealQuota: person.revealQuota } : {}),
  };
}
