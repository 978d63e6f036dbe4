import { describe, expect, it } from 'vitest';
import { OrderTimeline } from './order.timeline';
import { SyntheticShop } from './shop.generator';
import type { OrderStatus } from './shop.types';
import { chinaMidnight, DAY } from './work.calendar';

const RANK: Record<OrderStatus, number> = {
  created: 0,
  paid: 1,
  picked: 2,
  shipped: 3,
  delivered: 4,
  cancelled: 5,
  refunded: 5,
};

describe('order timeline', () => {
  const startMs = chinaMidnight('2026-11-01');
  const endMs = startMs + 20 * DAY;
  const shop = new SyntheticShop({
    customers: 800,
    seed: 'tl',
    start: new Date(startMs - 30 * DAY),
    days: 50,
  });
  const timeline = new OrderTimeline({
    capacity: shop.orderCount,
    customers: 800,
    startMs,
    endMs,
    merchants: [
      { id: 'M001', weight: 2, egress: '1.2.3.4' },
      { id: 'M002', weight: 1, egress: '1.2.3.5' },
    ],
    key: 99,
  });
  const written = [...shop.orders()].map((o) => timeline.add(o));
  timeline.finish();

  it('moves every order forward only, and writes the status at the end of the period', () => {
    const problems: string[] = [];
    for (let i = 0; i < timeline.count; i += 1) {
      let rank = -1;
      for (let t = timeline.created[i] ?? 0; t < endMs; t += 6 * 3_600_000) {
        const status = timeline.statusAt(i, t);
        const r = status === undefined ? -2 : RANK[status];
        if (r < rank) problems.push(`order ${i} went back to ${status}`);
        rank = r;
      }
      if (written[i]?.status !== timeline.statusAt(i, endMs - 1)) problems.push(`order ${i} written status`);
      if (written[i]?.status === 'created' && written[i]?.paymentFingerprint !== undefined) {
        problems.push(`order ${i} unpaid with a payment`);
      }
    }
    expect(problems).toEqual([]);
    expect(timeline.statusAt(0, (timeline.created[0] ?? 0) - 1)).toBeUndefined();
  });

  it('indexes orders by customer, by day picked and by day out for delivery', () => {
    for (let c = 0; c < 800; c += 1)
      for (const i of timeline.ordersOf(c)) expect(timeline.customer[i]).toBe(c);
    let picked = 0;
    for (let day = -1; day < 20; day += 1) {
      for (const i of timeline.pickedOn(day)) {
        picked += 1;
        expect(Math.floor(((timeline.picked[i] ?? 0) - startMs) / DAY)).toBe(day);
      }
      for (const i of timeline.outOn(day)) expect(timeline.outDay[i]).toBe(day);
    }
    expect(picked).toBeGreaterThan(100);
    expect(timeline.placedBefore(startMs)).toBeGreaterThan(0);
    expect(timeline.placedBefore(Number.POSITIVE_INFINITY)).toBe(timeline.count);
    const merchants = new Set(Array.from(timeline.merchant));
    expect(merchants).toEqual(new Set([-1, 0, 1]));
  });
});
