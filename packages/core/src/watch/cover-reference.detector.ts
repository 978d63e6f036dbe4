import { levelOf } from './baseline';
import { levelIncrement, makeFinding } from './finding';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';
import type { WatchTicketRef } from './watch-context';

/** What one allowed access claimed and touched. */
export interface CoverCheck {
  actor: string;
  action: string;
  /** The ticket the event names as its reference, when it is a known ticket. */
  ticket: WatchTicketRef | undefined;
  /** The event's customers (search results included). */
  customers: readonly string[];
  orders: readonly string[];
  /** Whether a customer is covered by any assignment of the actor (another ticket, a delivery …). */
  assigned: (customer: string) => boolean;
}

/**
 * The customers an access reached under a cover: the event names one of its actor's own tickets as
 * the reason, but the ticket is about someone else (not the customer, not one of the event's
 * orders) and nothing else of the actor's covers the customer. A search counts only when none of its
 * results is the ticket's customer (a search by phone may list the caller's relatives too). Another
 * person's ticket, an unknown reference or a free-text one is not a cover (the unassigned detector
 * judges those accesses).
 */
export function coveredCustomers(c: CoverCheck): string[] {
  const t = c.ticket;
  if (!t || t.assignee !== c.actor || c.customers.length === 0) return [];
  if (c.action === 'search' && c.customers.includes(t.customerId)) return [];
  if (t.orderId !== null && c.orders.includes(t.orderId)) return [];
  return c.customers.filter((id) => id !== t.customerId && !c.assigned(id));
}

export interface CoverInput {
  at: number;
  group: string;
  /** Distinct customers reached under a cover so far in the staff-day. */
  covered: number;
  /** Distinct customers touched so far in the staff-day. */
  customers: number;
  /**
   * Of the covered customers, how many a later access then worked on (view, reveal, print, export,
   * in any system) with still no assignment of the person's: the false justification was acted on.
   */
  pursued?: number;
}

/**
 * Detector 14 — cover references: customers reached while naming one of one's own tickets that is
 * about somebody else (see {@link coveredCustomers}). Unlike a missing assignment (the unassigned
 * detector, which needs a baseline and several customers before it can be sure), this is an act: a
 * false justification. Levels at `coverLevels` (1, 2, 4) of the day's covered customers plus those
 * of them a later access worked on with still no assignment: one cover is a note (a wrong ticket
 * picked by mistake is usually refused and redone right, and refusals do not count), two are an
 * alert, and so is one that was then pursued — a mistake is put right with the right ticket (the
 * customer is then assigned), not followed by work on the customer that no ticket covers.
 */
export function detectCoverReference(
  input: CoverInput,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const pursued = input.pursued ?? 0;
  const level = levelOf(input.covered + pursued, cfg.coverLevels);
  const weight = levelIncrement(level, previousLevel, cfg.levelWeights);
  if (weight <= 0) return null;
  const then = pursued > 0 ? `, ${pursued} of them then worked on with no assignment of this person's` : '';
  return makeFinding(
    input.at,
    'cover_reference',
    weight,
    `${input.covered} of ${input.customers} customers in this staff-day were reached naming a ticket of this person's that is about another customer${then} (level ${level}).`,
    {
      level,
      covered: input.covered,
      customers: input.customers,
      ...(pursued > 0 ? { pursued } : {}),
    },
  );
}
