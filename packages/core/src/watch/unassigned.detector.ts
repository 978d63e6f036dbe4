import type { WatchEvent } from './event';
import { formatCount } from './finding';
import { type FractionInput, fractionFinding, judgeFraction } from './fraction';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';
import type { WatchContext } from './watch-context';

/**
 * Whether `actor`'s access to `customer` at `ts` is covered by an assignment: one of their tickets
 * on the customer (or on one of the event's orders) open around that time, one of their deliveries
 * of the order (or of an order of the customer) around its window, or an order of their merchant
 * within the merchant's access. Pure over the context.
 */
export function isAssigned(
  ctx: WatchContext,
  actor: string,
  customer: string,
  orders: readonly string[],
  ts: number,
  cfg: WatchConfig,
): boolean {
  if (ctx.hasTicket(actor, 'c', customer, ts, cfg.ticketBeforeMs, cfg.ticketAfterMs)) return true;
  if (ctx.hasDelivery(actor, 'c', customer, ts, cfg.deliverySlackMs)) return true;
  if (ctx.hasMerchantOrder(actor, 'c', customer, ts)) return true;
  for (const o of orders) {
    const owner = ctx.customerOfOrder(o);
    if (owner !== undefined && owner !== customer) continue;
    if (ctx.hasTicket(actor, 'o', o, ts, cfg.ticketBeforeMs, cfg.ticketAfterMs)) return true;
    if (ctx.hasDelivery(actor, 'o', o, ts, cfg.deliverySlackMs)) return true;
    if (ctx.hasMerchantOrder(actor, 'o', o, ts)) return true;
  }
  return false;
}

/** The customers of an event that no assignment of its actor covers. */
export function unassignedCustomers(
  ctx: WatchContext,
  event: WatchEvent,
  customers: readonly string[],
  cfg: WatchConfig,
): string[] {
  return customers.filter((c) => !isAssigned(ctx, event.actor, c, event.orders, event.ts, cfg));
}

/**
 * Detector 2 — customers touched with no assignment. Statistic: of the day's distinct customers,
 * how many had no ticket or delivery of this person's, against the expected fraction (peer rate as
 * prior, own history as evidence) with a beta-binomial tail; levels at 10⁻⁴, 10⁻⁷, 10⁻¹². Roles
 * that never hold assignments (analysts, engineers) learn a rate near 1 and so never fire here.
 */
export function detectUnassigned(
  input: FractionInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg);
  if (!v) return null;
  return fractionFinding(
    input,
    v,
    'unassigned_access',
    'unassigned_share',
    `${input.flagged} of ${input.seen} customers touched in this staff-day had no ticket or delivery of this person's; about ${formatCount(v.expected)} expected (level ${v.level}).`,
    { unassigned: input.flagged, customers: input.seen },
  );
}
