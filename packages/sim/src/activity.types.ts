/**
 * Shapes shared by the staff-activity simulator, its benign work models and its insider scenarios:
 * the interchange records it writes (watch events, tickets, deliveries, merchant orders, exports,
 * the ground truth) and the context through which work models emit events and consult assignments.
 */
import type { OrderTimeline } from './order.timeline';
import type { Random } from './random';
import type { StaffDirectory, StaffProfile } from './staff.generator';
import type { WorkDay } from './work.calendar';

/** Watch event actions (core's `watchActions`). */
export type SimAction = 'view' | 'search' | 'reveal' | 'export' | 'print' | 'login' | 'query';

/**
 * An event while it is being simulated: times in epoch ms, customers and orders as indexes into the
 * shop (written as `C…`/`O…` ids).
 */
export interface SimEvent {
  ts: number;
  actor: string;
  action: SimAction;
  customers?: readonly number[];
  orders?: readonly number[];
  /** Customers affected by a bulk action whose ids are not logged (a legacy export of 5,000 rows). */
  count?: number;
  purpose?: string;
  reference?: string;
  outcome: 'allowed' | 'denied';
  ip?: string;
  device?: string;
  system: string;
  /** Export events: the step (request, approve — by the approver — or download, the default). */
  stage?: 'request' | 'approve' | 'download';
  /** Export events: the export's id (`exports.ndjson`). */
  exportId?: string;
  /** Export approvals: whose export it is. */
  requester?: string;
  /** The insider scenario that injected the event; never written to the events file. */
  scenario?: string;
}

/** One line of `events.ndjson` (core's `watchEventSchema`). */
export interface WatchEventRecord {
  ts: string;
  actor: string;
  action: SimAction;
  customers?: string[];
  orders?: string[];
  count?: number;
  purpose?: string;
  reference?: string;
  outcome: 'allowed' | 'denied';
  ip?: string;
  device?: string;
  system: string;
  stage?: 'request' | 'approve' | 'download';
  export?: string;
  requester?: string;
}

/** One line of `tickets.ndjson` (core's `ticketSchema`). */
export interface TicketRecord {
  id: string;
  customerId: string;
  orderId?: string;
  assignee: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt?: string;
}

/** One line of `deliveries.ndjson` (core's `deliverySchema`): the courier's access window. */
export interface DeliveryRecord {
  orderId: string;
  courier: string;
  from: string;
  to: string;
}

/** One line of `merchant-orders.ndjson` (core's `merchantOrderSchema`). */
export interface MerchantOrderRecord {
  orderId: string;
  merchant: string;
  deliveredAt?: string;
}

/**
 * One line of `exports.ndjson`: an approved bulk export (two-person rule). Its download is the
 * `export` event whose `reference` is this `id`.
 */
export interface ExportRecord {
  id: string;
  requester: string;
  approver: string;
  purpose: string;
  count: number;
  system: string;
  requestedAt: string;
  approvedAt: string;
  downloadedAt: string;
}

/** One scenario in `truth.json`. */
export interface ScenarioTruth {
  name: string;
  /** Staff ids the scenario uses (insiders, the rented or departed account, a colluding approver). */
  actors: string[];
  start: string;
  end: string;
  /**
   * Distinct customers the actors touched (view, search result, reveal, export, print, query; allowed
   * only) between start and end, their ordinary work included; bulk actions without ids add their
   * `count` (as core's `evaluateWatch` counts exposure), capped at the shop size.
   */
  customersTaken: number;
  /** The same, counting only the events the scenario injected (the harvest itself). */
  customersHarvested: number;
  /** Number of injected events (marked in `truth-events.ndjson`). */
  events: number;
  description: string;
}

/** `truth.json`. */
export interface SimulationTruth {
  seed: string;
  staff: number;
  customers: number;
  days: number;
  start: string;
  scenarios: ScenarioTruth[];
}

/** What the activity stream yields, in file order per kind. */
export type ActivityRecord =
  | { kind: 'event'; event: WatchEventRecord; scenario: string | undefined }
  | { kind: 'ticket'; ticket: TicketRecord }
  | { kind: 'delivery'; delivery: DeliveryRecord }
  | { kind: 'export'; export: ExportRecord };

/** Where a person works from on a day: the address their traffic comes from and the device. */
export interface Session {
  readonly ip: string;
  readonly device: string;
}

/** A support ticket while it is simulated. */
export interface SimTicket {
  readonly id: string;
  readonly customer: number;
  /** Order index, or −1 for an account question. */
  readonly order: number;
  readonly assignee: StaffProfile;
  readonly openedAt: number;
  closedAt: number | undefined;
}

/**
 * A piece of one person's work on one day, run in time order with everything else that person does
 * that day: `run` emits its events from `start` on and returns when the person is done with it.
 */
export interface WorkItem {
  readonly at: number;
  readonly run: (start: number) => number;
}

/** What work models and scenarios can see and do. */
export interface ActivityContext {
  /** Day 0 midnight and the end of the period, epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly days: number;
  readonly customerCount: number;
  readonly timeline: OrderTimeline;
  readonly directory: StaffDirectory;
  /** The calendar of day `index` (−1 … days − 1). */
  day(index: number): WorkDay;
  /** A generator for a named sub-stream of the simulation seed. */
  random(label: string): Random;
  /** Whether the person works a shift that starts on `day`. */
  onDuty(person: StaffProfile, day: number): boolean;
  /** Whether the person is employed and active at `ts` (hired, not departed or suspended). */
  employedAt(person: StaffProfile, ts: number): boolean;
  /** Start of the person's shift on `day`, epoch ms. */
  shiftStart(person: StaffProfile, day: number): number;
  /** The person's usual network and device on `day`. */
  session(person: StaffProfile, day: number): Session;
  /** Emits an event (dropped if outside the period). */
  emit(event: SimEvent): void;
  /**
   * Asks Cordon's quota for a reveal of `customer` by `person` at `ts` (distinct customers per rolling
   * 24 h, per role or per-person override); records it when allowed.
   */
  reveal(person: StaffProfile, ts: number, customer: number): 'allowed' | 'denied';
  /** Distinct customers the person revealed through Cordon in the 24 h before `ts`. */
  revealedWithin24h(person: StaffProfile, ts: number): number;
  openTicket(person: StaffProfile, customer: number, order: number, openedAt: number): SimTicket;
  closeTicket(ticket: SimTicket, at: number): void;
  /** The person's tickets opened and not closed as of now in the simulation. */
  openTicketsOf(person: StaffProfile): readonly SimTicket[];
  /** Records an approved export and returns its id. */
  recordExport(
    record: Omit<ExportRecord, 'id' | 'requestedAt' | 'approvedAt' | 'downloadedAt'> & {
      requestedAt: number;
      approvedAt: number;
      downloadedAt: number;
    },
  ): string;
  /** People who may approve exports (security admins, the DPO) and are employed at `ts`, except `not`. */
  approvers(ts: number, not: StaffProfile): readonly StaffProfile[];
  /** A new reference of a kind (`INC`, `INV`, `DSR`), unique in the run. */
  newReference(kind: string): string;
  /** An order placed in the `maxAgeDays` before `t`, favouring recent ones; −1 if there is none. */
  recentOrder(random: Random, t: number, maxAgeDays: number): number;
  /** The customer of a random order placed before `t` (so active buyers come up more often). */
  randomCustomer(random: Random, t: number): number;
}
