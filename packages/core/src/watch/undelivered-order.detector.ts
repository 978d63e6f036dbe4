import type { WatchEvent } from './event';
import { formatCount, makeFinding, peerRateComparison } from './finding';
import { type FractionInput, judgeFraction } from './fraction';
import { isAssigned } from './unassigned.detector';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';
import type { WatchContext } from './watch-context';

/**
 * The orders of an event that were paid but not yet delivered at its time and that no ticket or
 * delivery of its actor covers: the orders a fake courier or "customer service" call can quote.
 * Orders come from the event's `orders`; without orders data (orders.ndjson) nothing is found.
 */
export function undeliveredUnassignedOrders(
  ctx: WatchContext,
  event: WatchEvent,
  cfg: WatchConfig,
): string[] {
  const found: string[] = [];
  for (const o of event.orders) {
    if (!ctx.isUndelivered(o, event.ts, cfg.assumeDeliveredMs)) continue;
    const customer = ctx.customerOfOrder(o);
    if (customer === undefined) continue;
    if (isAssigned(ctx, event.actor, customer, [o], event.ts, cfg)) continue;
    found.push(o);
  }
  return found;
}

/**
 * Detector 9 — the logistics pattern: paid-but-undelivered orders touched with no ticket or delivery
 * of the person's. Statistic: such orders as a fraction of the day's customers, beta-binomial
 * against own and peer rates (a warehouse that legitimately looks up pending orders learns its rate).
 */
export function detectUndeliveredOrders(
  input: FractionInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg);
  if (!v) return null;
  return makeFinding(
    input.at,
    'undelivered_orders',
    v.weight,
    `${input.flagged} paid-but-undelivered orders were touched in this staff-day without a ticket or delivery of this person's (${input.seen} customers in all); about ${formatCount(v.expected)} expected (level ${v.level}).`,
    {
      level: v.level,
      orders: input.flagged,
      customers: input.seen,
      expected: v.expected,
      surprise: v.surprise,
    },
    peerRateComparison(
      input.group,
      'undelivered_unassigned_share',
      input.flagged / Math.max(v.n, 1),
      input.baseline?.peerRate ?? null,
      input.baseline?.peerMad ?? null,
    ),
  );
}
