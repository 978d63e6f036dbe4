import { levelOf } from './baseline';
import type { WatchEvent } from './event';
import { formatCount, levelIncrement, makeFinding } from './finding';
import { type FractionInput, fractionFinding, judgeFraction } from './fraction';
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
  return fractionFinding(
    input,
    v,
    'undelivered_orders',
    'undelivered_unassigned_share',
    `${input.flagged} paid-but-undelivered orders were touched in this staff-day without a ticket or delivery of this person's (${input.seen} customers in all); about ${formatCount(v.expected)} expected (level ${v.level}).`,
    { orders: input.flagged, customers: input.seen },
  );
}

export interface NovelChannelInput {
  at: number;
  group: string;
  /** The channel (`reveal@wms`) that neither the person nor their peers used in a mature history. */
  channel: string;
  /** Paid-but-undelivered orders, no ticket or delivery of the person's, disclosed through it today. */
  orders: number;
  /** Distinct customers touched so far in the staff-day. */
  customers: number;
  /** Distinct days in the peer group's history window (the history the channel is new to). */
  groupDays: number;
}

/**
 * The logistics pattern through a new route: paid-but-undelivered orders that no ticket or delivery
 * of the person's covers, revealed or exported through a channel (action and system) that nobody in
 * the person's peer group, the person included, used in a mature history (the engine checks that).
 * The fraction test cannot see it when the group's own work touches such orders all day (a warehouse
 * prints labels for pending orders), and the unusual-channel test only learns that the channel is
 * rare; this is an act rather than a rate: disclosing the full record of an order that is not
 * theirs by a route their job never takes. Levels at `novelChannelLevels` (1, 3, 10) such orders:
 * one is a note (a first use may be a new feature of the system), several are an alert.
 */
export function detectNovelChannelOrders(
  input: NovelChannelInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const level = levelOf(input.orders, cfg.novelChannelLevels);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  return makeFinding(
    input.at,
    'undelivered_orders',
    weight,
    `${input.orders} paid-but-undelivered ${input.orders === 1 ? 'order' : 'orders'} with no ticket or delivery of this person's ${input.orders === 1 ? 'was' : 'were'} disclosed in this staff-day through ${input.channel}, which nobody in the peer group used in ${input.groupDays} days of history (level ${level}).`,
    {
      level,
      channel: input.channel,
      novelChannel: true,
      orders: input.orders,
      customers: input.customers,
      groupDays: input.groupDays,
    },
  );
}
