import { describe, expect, it } from 'vitest';
import type { RateBaseline } from './baseline';
import { agent, event } from './synthetic-office.fixture';
import {
  detectNovelChannelOrders,
  detectUndeliveredOrders,
  undeliveredUnassignedOrders,
} from './undelivered-order.detector';
import { resolveWatchConfig } from './watch-config';
import { buildWatchContext } from './watch-context';

const cfg = resolveWatchConfig();
const H = 3_600_000;
const t0 = Date.parse('2025-11-01T02:00:00Z');

describe('undeliveredUnassignedOrders (paid, not yet delivered, and not the person’s)', () => {
  const ctx = buildWatchContext({
    staff: [agent('w1', { role: 'warehouse' }), agent('c1', { role: 'courier' })],
    orders: [
      { id: 'O1', customerId: 'C1', status: 'paid', createdAt: new Date(t0 - 5 * H) },
      { id: 'O2', customerId: 'C2', status: 'shipped', createdAt: new Date(t0 - 30 * H) },
      { id: 'O3', customerId: 'C3', status: 'delivered', createdAt: new Date(t0 - 50 * H) },
      { id: 'O4', customerId: 'C4', status: 'delivered', createdAt: new Date(t0 - 200 * H) },
      { id: 'O5', customerId: 'C5', status: 'cancelled', createdAt: new Date(t0 - 5 * H) },
      { id: 'O6', customerId: 'C6', status: 'paid', createdAt: new Date(t0 + 5 * H) },
    ],
    deliveries: [
      { orderId: 'O2', courier: 'c1', from: new Date(t0 - H), to: new Date(t0 + 10 * H) },
      { orderId: 'O3', courier: 'c1', from: new Date(t0 - 2 * H), to: new Date(t0 + 2 * H) },
    ],
  });
  it.each<[string, string, string[], string[]]>([
    [
      'a warehouse worker pulling pending orders',
      'w1',
      ['O1', 'O2', 'O3', 'O4', 'O5', 'O6'],
      ['O1', 'O2', 'O3'],
    ],
    ['the courier of two of them', 'c1', ['O1', 'O2', 'O3'], ['O1']],
    ['an order placed after the access', 'w1', ['O6'], []],
    ['an unknown order', 'w1', ['O99'], []],
  ])('%s', (_name, actor, orders, expected) => {
    expect(undeliveredUnassignedOrders(ctx, event({ ts: t0, actor, action: 'view', orders }), cfg)).toEqual(
      expected,
    );
  });
});

describe('detectUndeliveredOrders', () => {
  const printer: RateBaseline = { rate: 0.9, typicalN: 200, peerRate: 0.9, peerMad: 0.05 };
  const courier: RateBaseline = {
    rate: 0.001,
    typicalN: 40,
    peerRate: 0.001,
    peerMad: 0,
    concentration: 1000,
  };
  it.each<[string, number, number, RateBaseline, number | null]>([
    ['a warehouse printing labels for pending orders all day', 180, 200, printer, null],
    ['a courier pulling 20 orders that are not theirs', 20, 45, courier, 3],
  ])('%s', (_name, flagged, seen, baseline, level) => {
    const f = detectUndeliveredOrders({ at: 0, group: 'g', flagged, seen, baseline }, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else expect(f?.reason).toMatchObject({ code: 'undelivered_orders', detail: { level, orders: flagged } });
  });
});

describe('detectNovelChannelOrders (undelivered orders disclosed through a channel new to the group)', () => {
  it.each<[string, number, number, number | null, number]>([
    ['the first such order is a note (a new feature of the system may explain it)', 1, 0, 1, 1],
    ['a warehouse worker revealing three pending orders in the WMS, where the group only prints', 3, 1, 2, 2],
    ['ten of them in a day', 10, 2, 3, 3],
    ['a second order the same day stays a note', 2, 1, null, 0],
    ['nothing disclosed', 0, 0, null, 0],
  ])('%s', (_name, orders, previous, level, weight) => {
    const f = detectNovelChannelOrders(
      { at: 0, group: 'warehouse', channel: 'reveal@wms', orders, customers: 13, groupDays: 9 },
      previous,
      cfg,
    );
    if (level === null) expect(f).toBeNull();
    else
      expect(f?.reason).toMatchObject({
        code: 'undelivered_orders',
        weight,
        detail: { level, orders, channel: 'reveal@wms', novelChannel: true },
      });
  });
});
