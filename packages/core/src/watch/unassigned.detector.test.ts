import { describe, expect, it } from 'vitest';
import type { StaffMember, Ticket } from '../access/staff';
import type { RateBaseline } from './baseline';
import { agent } from './synthetic-office.fixture';
import { detectUnassigned, isAssigned } from './unassigned.detector';
import { resolveWatchConfig } from './watch-config';
import { buildWatchContext } from './watch-context';

const cfg = resolveWatchConfig();
const H = 3_600_000;
const base: RateBaseline = { rate: 0.02, typicalN: 20, peerRate: 0.02, peerMad: 0.005 };

describe('detectUnassigned (beta-binomial, κ 40, levels 10⁻⁴/10⁻⁷/10⁻¹²)', () => {
  it.each<[string, number, number, RateBaseline | null, number, number | null, number | null]>([
    ['a couple of lookups', 2, 20, base, 0, null, null],
    ['7 of 20 is not yet enough', 7, 20, base, 0, null, null],
    ['8 of 20: level 1', 8, 20, base, 0, 1, 1],
    ['12 of 20: level 2', 12, 20, base, 0, 2, 3],
    ['18 of 20: level 3', 18, 20, base, 0, 3, 6],
    ['the same level again adds nothing', 8, 20, base, 1, null, null],
    [
      '5 of the first 5 of a morning: judged as a whole day (20), not yet surprising',
      5,
      5,
      base,
      0,
      null,
      null,
    ],
    ['a busy day dilutes: 8 of 60 is not surprising', 8, 60, base, 0, null, null],
    ['a role that is rarely assigned (rate 0.9)', 20, 20, { ...base, rate: 0.9 }, 0, null, null],
    ['no baseline yet (cold start)', 20, 20, null, 0, null, null],
  ])('%s', (_name, flagged, seen, baseline, previous, level, weight) => {
    const f = detectUnassigned({ at: 1, group: 'g', flagged, seen, baseline }, previous, cfg);
    if (level === null) expect(f).toBeNull();
    else {
      expect(f?.reason).toMatchObject({
        code: 'unassigned_access',
        weight,
        detail: { level, unassigned: flagged },
      });
      expect(f?.reason.message).toMatch(new RegExp(`^${flagged} of ${seen} customers`));
      expect(f?.peer).toMatchObject({ metric: 'unassigned_share', median: 0.02 });
    }
  });
});

describe('isAssigned', () => {
  const t0 = Date.parse('2025-10-10T02:00:00Z');
  const staff: StaffMember[] = [
    agent('a1'),
    agent('c1', { role: 'courier' }),
    agent('m1', { role: 'merchant_staff', merchant: 'M1' }),
  ];
  const tickets: Ticket[] = [
    {
      id: 'T1',
      customerId: 'C1',
      orderId: 'O1',
      assignee: 'a1',
      status: 'closed',
      openedAt: new Date(t0),
      closedAt: new Date(t0 + H),
    },
    {
      id: 'T2',
      customerId: 'C2',
      orderId: null,
      assignee: 'a1',
      status: 'open',
      openedAt: new Date(t0),
      closedAt: null,
    },
  ];
  const ctx = buildWatchContext({
    staff,
    tickets,
    orders: [
      { id: 'O1', customerId: 'C1', status: 'delivered', createdAt: new Date(t0 - 48 * H) },
      { id: 'O5', customerId: 'C5', status: 'shipped', createdAt: new Date(t0 - 24 * H) },
      { id: 'O6', customerId: 'C6', status: 'paid', createdAt: new Date(t0 - 24 * H) },
    ],
    deliveries: [{ orderId: 'O5', courier: 'c1', from: new Date(t0), to: new Date(t0 + 4 * H) }],
    merchantOrders: [{ orderId: 'O6', merchant: 'M1', deliveredAt: null }],
  });
  it.each<[string, string, string, string[], number, boolean]>([
    ['own ticket, while open', 'a1', 'C1', [], t0 + 0.5 * H, true],
    ['own ticket, shortly before it was opened', 'a1', 'C1', [], t0 - 1.5 * H, true],
    ['own ticket, long before it was opened', 'a1', 'C1', [], t0 - 5 * H, false],
    ['own ticket, follow-up two days after closing', 'a1', 'C1', [], t0 + 48 * H, true],
    ['own ticket, a week after closing', 'a1', 'C1', [], t0 + 7 * 24 * H, false],
    ['a ticket still open', 'a1', 'C2', [], t0 + 100 * H, true],
    ['by the ticket’s order', 'a1', 'C9', ['O1'], t0 + H, false],
    ['someone else’s customer', 'a1', 'C3', [], t0, false],
    ['courier in the delivery window', 'c1', 'C5', ['O5'], t0 + H, true],
    ['courier by customer, no order given', 'c1', 'C5', [], t0 + H, true],
    ['courier long after the window', 'c1', 'C5', ['O5'], t0 + 30 * H, false],
    ['merchant staff on their merchant’s order', 'm1', 'C6', [], t0, true],
    ['merchant staff on another order', 'm1', 'C5', [], t0, false],
  ])('%s', (_name, actor, customer, orders, ts, expected) => {
    expect(isAssigned(ctx, actor, customer, orders, ts, cfg)).toBe(expected);
  });
});
