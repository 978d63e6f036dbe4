import { z } from 'zod';
import type { Delivery, MerchantOrder, StaffMember, Ticket } from '../access/staff';
import { externalId, isoTime, orderStatuses } from '../vault/interchange';

/**
 * The few fields of an order record watch reads (an orders.ndjson line of the import format passes;
 * its other fields, PII included, are neither checked nor kept).
 */
export const watchOrderSchema = z.looseObject({
  id: externalId,
  customerId: externalId,
  status: z.enum(orderStatuses),
  createdAt: isoTime,
});
export type WatchOrderInput = z.infer<typeof watchOrderSchema>;

/** Keeps only what watch needs of an order. */
export function toWatchOrder(o: WatchOrderInput): WatchOrder {
  return { id: o.id, customerId: o.customerId, status: o.status, createdAt: new Date(o.createdAt) };
}

/** An order as watch needs it: whose it is, where it stands now, and when it was placed. */
export interface WatchOrder {
  id: string;
  customerId: string;
  /** The order's current status (`created`, `paid`, `picked`, `shipped`, `delivered`, `cancelled`, `refunded`). */
  status: string;
  createdAt: Date;
}

/** What the context needs of a staff member (a {@link StaffMember} fits). */
export type WatchStaff = Pick<
  StaffMember,
  'id' | 'role' | 'team' | 'shift' | 'status' | 'since' | 'revealQuota'
> & { merchant?: string | null };

export interface WatchContextInput {
  staff: readonly WatchStaff[];
  tickets?: readonly Ticket[];
  deliveries?: readonly Delivery[];
  orders?: readonly WatchOrder[];
  /** Which merchant owns which order: merchant staff are assigned to their merchant's orders. */
  merchantOrders?: readonly MerchantOrder[];
  /** Merchant staff keep access this long after delivery (default 15 days, as the default policy). */
  merchantAfterDeliveryMs?: number;
  /**
   * A peer group needs at least this many other members; a role-and-team group smaller than that
   * falls back to the whole role (default 4).
   */
  minPeers?: number;
}

/** What watch knows of a ticket named as an event's reference. */
export interface WatchTicketRef {
  assignee: string;
  customerId: string;
  orderId: string | null;
}

interface Interval {
  from: number;
  to: number;
}

/** Statuses after payment and before delivery: the orders a fake "courier" call can quote. */
const undeliveredStatuses = new Set(['paid', 'picked', 'shipped']);

/**
 * The facts watch checks events against: who each person is (role, team, shift, status), who their
 * peers are, which customers and orders their tickets and deliveries tie them to, and where each
 * order stood. Built once from the directory and assignment feeds; read-only afterwards.
 */
export class WatchContext {
  private readonly staffById = new Map<string, WatchStaff>();
  private readonly groupOfActor = new Map<string, string>();
  private readonly groupMembers = new Map<string, string[]>();
  private readonly roleMembers = new Map<string, string[]>();
  /** person → (`c` customer | `o` order) → id → windows. */
  private readonly ticketWindows = new Map<string, Windows>();
  private readonly deliveryWindows = new Map<string, Windows>();
  private readonly orderById = new Map<string, { customerId: string; status: string; createdAt: number }>();
  private readonly deliveredAt = new Map<string, number>();
  private readonly merchantWindows = new Map<string, Windows>();
  private readonly ticketById = new Map<string, WatchTicketRef>();

  constructor(input: WatchContextInput) {
    const minPeers = input.minPeers ?? 4;
    for (const s of input.staff) this.staffById.set(s.id, s);
    const teamCount = new Map<string, number>();
    for (const s of this.staffById.values()) {
      const key = `${s.role}/${s.team}`;
      teamCount.set(key, (teamCount.get(key) ?? 0) + 1);
    }
    for (const s of this.staffById.values()) {
      const team = `${s.role}/${s.team}`;
      const group = (teamCount.get(team) ?? 0) - 1 >= minPeers ? team : s.role;
      this.groupOfActor.set(s.id, group);
      const members = this.groupMembers.get(group) ?? [];
      members.push(s.id);
      this.groupMembers.set(group, members);
      const sameRole = this.roleMembers.get(s.role) ?? [];
      sameRole.push(s.id);
      this.roleMembers.set(s.role, sameRole);
    }
    for (const o of input.orders ?? []) {
      this.orderById.set(o.id, {
        customerId: o.customerId,
        status: o.status,
        createdAt: o.createdAt.getTime(),
      });
    }
    for (const t of input.tickets ?? []) {
      const w = {
        from: t.openedAt.getTime(),
        to: t.closedAt ? t.closedAt.getTime() : Number.POSITIVE_INFINITY,
      };
      this.ticketById.set(t.id, {
        assignee: t.assignee,
        customerId: t.customerId,
        orderId: t.orderId ?? null,
      });
      push(this.ticketWindows, t.assignee, 'c', t.customerId, w);
      if (t.orderId) push(this.ticketWindows, t.assignee, 'o', t.orderId, w);
    }
    for (const d of input.deliveries ?? []) {
      const w = { from: d.from.getTime(), to: d.to.getTime() };
      push(this.deliveryWindows, d.courier, 'o', d.orderId, w);
      const order = this.orderById.get(d.orderId);
      if (order) push(this.deliveryWindows, d.courier, 'c', order.customerId, w);
      this.deliveredAt.set(d.orderId, Math.max(this.deliveredAt.get(d.orderId) ?? 0, w.to));
    }
    const after = input.merchantAfterDeliveryMs ?? 15 * 86_400_000;
    for (const m of input.merchantOrders ?? []) {
      const order = this.orderById.get(m.orderId);
      const w = {
        from: order ? order.createdAt : Number.NEGATIVE_INFINITY,
        to: m.deliveredAt ? m.deliveredAt.getTime() + after : Number.POSITIVE_INFINITY,
      };
      push(this.merchantWindows, m.merchant, 'o', m.orderId, w);
      if (order) push(this.merchantWindows, m.merchant, 'c', order.customerId, w);
    }
  }

  /** The person, or undefined for an account the directory does not know. */
  staff(actor: string): WatchStaff | undefined {
    return this.staffById.get(actor);
  }

  /** Every person in the directory, in input order. */
  allStaff(): IterableIterator<WatchStaff> {
    return this.staffById.values();
  }

  /** The peer group's name (`role/team`, or `role` when the team is too small); undefined when unknown. */
  groupOf(actor: string): string | undefined {
    return this.groupOfActor.get(actor);
  }

  /** Members of a group, the person included. */
  members(group: string): readonly string[] {
    return this.groupMembers.get(group) ?? [];
  }

  /** Everyone with the person's role (the person included); empty for an unknown account. */
  sameRole(actor: string): readonly string[] {
    const role = this.staffById.get(actor)?.role;
    return role === undefined ? [] : (this.roleMembers.get(role) ?? []);
  }

  /** Every group name, in first-seen order. */
  groups(): string[] {
    return [...this.groupMembers.keys()];
  }

  /** The customer an order belongs to, when orders were given. */
  customerOfOrder(orderId: string): string | undefined {
    return this.orderById.get(orderId)?.customerId;
  }

  /** Whether any order data was given (the undelivered-order detector sleeps without it). */
  hasOrders(): boolean {
    return this.orderById.size > 0;
  }

  /** A ticket by id: whose it is and which customer (and order) it is about; undefined when unknown. */
  ticket(id: string): WatchTicketRef | undefined {
    return this.ticketById.get(id);
  }

  /**
   * Whether `actor` had a ticket on this customer (or order) open around `ts`: opened no more than
   * `before` ms later and closed no more than `after` ms earlier (follow-up work after closing).
   */
  hasTicket(actor: string, kind: 'c' | 'o', id: string, ts: number, before: number, after: number): boolean {
    return within(this.ticketWindows.get(actor)?.[kind].get(id), ts, before, after);
  }

  /**
   * Whether `actor` is staff of the merchant that owns this order (or an order of this customer) and
   * `ts` is within the merchant's access: from the order's placing until the policy's days after delivery.
   */
  hasMerchantOrder(actor: string, kind: 'c' | 'o', id: string, ts: number): boolean {
    const merchant = this.staffById.get(actor)?.merchant;
    if (!merchant) return false;
    return within(this.merchantWindows.get(merchant)?.[kind].get(id), ts, 0, 0);
  }

  /** Whether `actor` was the courier of a delivery of this order (or of this customer's order) around `ts`. */
  hasDelivery(actor: string, kind: 'c' | 'o', id: string, ts: number, slack: number): boolean {
    return within(this.deliveryWindows.get(actor)?.[kind].get(id), ts, slack, slack);
  }

  /**
   * Whether the order was paid and not yet delivered at `ts`. An order whose current status is
   * delivered counts as undelivered until the end of its last delivery window, or for
   * `assumeDeliveredMs` after it was placed when no delivery is known; a cancelled or refunded order
   * never counts (there is no parcel to call about). Unknown orders are not undelivered.
   */
  isUndelivered(orderId: string, ts: number, assumeDeliveredMs: number): boolean {
    const o = this.orderById.get(orderId);
    if (!o || ts < o.createdAt) return false;
    if (undeliveredStatuses.has(o.status)) return true;
    if (o.status !== 'delivered') return false;
    const at = this.deliveredAt.get(orderId) ?? o.createdAt + assumeDeliveredMs;
    return ts < at;
  }
}

interface Windows {
  c: Map<string, Interval[]>;
  o: Map<string, Interval[]>;
}

function push(map: Map<string, Windows>, who: string, kind: 'c' | 'o', id: string, w: Interval): void {
  let windows = map.get(who);
  if (!windows) {
    windows = { c: new Map(), o: new Map() };
    map.set(who, windows);
  }
  const list = windows[kind].get(id);
  if (list) list.push(w);
  else windows[kind].set(id, [w]);
}

function within(list: Interval[] | undefined, ts: number, before: number, after: number): boolean {
  if (!list) return false;
  for (const w of list) if (ts >= w.from - before && ts <= w.to + after) return true;
  return false;
}

/** Builds the context watch checks events against; see {@link WatchContext}. */
export function buildWatchContext(input: WatchContextInput): WatchContext {
  return new WatchContext(input);
}
