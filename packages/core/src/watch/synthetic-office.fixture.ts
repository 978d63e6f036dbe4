import type { StaffMember, Ticket } from '../access/staff';
import type { WatchEvent } from './event';

/**
 * A small synthetic support office for watch's tests: agents on a 09:00–18:00 Asia/Shanghai shift,
 * each working tickets (view, then often a reveal, of the ticket's customer) with a little unassigned
 * browsing, from one device and one office network. Deterministic (seeded); not exported from core.
 */

export const DAY_MS = 86_400_000;
/** 2025-10-06 00:00 Asia/Shanghai (a Monday). */
export const OFFICE_START = Date.parse('2025-10-06T00:00:00+08:00');

/** A seeded PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function agent(id: string, overrides: Partial<StaffMember> = {}): StaffMember {
  return {
    id,
    name: `Agent ${id}`,
    role: 'support_agent',
    team: 'cs-a',
    merchant: null,
    shift: { start: '09:00', end: '18:00', tz: 'Asia/Shanghai' },
    status: 'active',
    since: null,
    revealQuota: null,
    updatedAt: new Date(OFFICE_START),
    ...overrides,
  };
}

export interface Office {
  staff: StaffMember[];
  tickets: Ticket[];
  events: WatchEvent[];
}

/** Local time on day `day` at `hour` (fractional) in Asia/Shanghai. */
export function at(day: number, hour: number): number {
  return OFFICE_START + day * DAY_MS + Math.round(hour * 3_600_000);
}

export function event(
  partial: Partial<WatchEvent> & Pick<WatchEvent, 'ts' | 'actor' | 'action'>,
): WatchEvent {
  const customers = partial.customers ?? [];
  return {
    customers,
    orders: [],
    count: customers.length,
    outcome: 'allowed',
    system: 'cordon',
    ip: '10.1.2.3',
    device: `pc-${partial.actor}`,
    ...partial,
  };
}

/**
 * `agents` agents for `days` days (weekends worked too, to keep it simple), ~`perDay` tickets each
 * a day, ~2 % unassigned views. Customer ids are random over a million, so adjacent ids are rare.
 */
export function office(opts: { agents: number; days: number; perDay?: number; seed?: number }): Office {
  const rnd = seeded(opts.seed ?? 1);
  const perDay = opts.perDay ?? 20;
  const staff: StaffMember[] = [];
  const tickets: Ticket[] = [];
  const events: WatchEvent[] = [];
  for (let a = 0; a < opts.agents; a++) staff.push(agent(`a${a + 1}`));
  let ticketNo = 0;
  const customer = () => `C${String(Math.floor(rnd() * 1_000_000)).padStart(7, '0')}`;
  for (let day = 0; day < opts.days; day++) {
    for (const s of staff) {
      const n = Math.max(1, Math.round(perDay * (0.7 + 0.6 * rnd())));
      for (let k = 0; k < n; k++) {
        const c = customer();
        const start = at(day, 9 + rnd() * 8.5);
        ticketNo += 1;
        tickets.push({
          id: `T${ticketNo}`,
          customerId: c,
          orderId: null,
          assignee: s.id,
          status: 'closed',
          openedAt: new Date(start - 60_000),
          closedAt: new Date(start + 1_800_000),
        });
        events.push(event({ ts: start, actor: s.id, action: 'view', customers: [c] }));
        if (rnd() < 0.4)
          events.push(event({ ts: start + 120_000, actor: s.id, action: 'reveal', customers: [c] }));
        if (rnd() < 0.02)
          events.push(event({ ts: start + 300_000, actor: s.id, action: 'view', customers: [customer()] }));
      }
    }
  }
  events.sort((x, y) => x.ts - y.ts);
  return { staff, tickets, events };
}

/** Merges event lists in time order (stable). */
export function merged(...lists: WatchEvent[][]): WatchEvent[] {
  return lists.flat().sort((x, y) => x.ts - y.ts);
}
