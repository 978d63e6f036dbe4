import type { StaffHoldRow } from '../watch/watch.ports';
import type { Delivery, MerchantOrder, StaffMember, StaffStatus, Ticket } from './staff';

/** Stored sign-in state of a person. The TOTP secret is wrapped under the keyring's KEK. */
export interface StaffCredentials {
  staffId: string;
  passwordHash: string;
  totpSecret: Buffer | null;
  totpKekVersion: number | null;
  totpLastStep: number | null;
  failedCount: number;
  lockedUntil: Date | null;
  changedAt: Date;
}

export interface StaffTokenRow {
  id: string;
  staffId: string;
  name: string;
  secretHash: Buffer;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface StaffSessionRow {
  idHash: Buffer;
  staffId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** The staff directory and its credentials. Holds no rules: services decide. */
export interface StaffRepository {
  /** Inserts or replaces people; returns the ids whose stored record changed. */
  upsert(rows: readonly StaffMember[]): Promise<{ inserted: string[]; updated: string[] }>;
  find(id: string): Promise<StaffMember | undefined>;
  findMany(ids: readonly string[]): Promise<StaffMember[]>;
  list(filter: { status?: StaffStatus | undefined; role?: string | undefined }): Promise<StaffMember[]>;
  setStatus(id: string, status: StaffStatus, at: Date): Promise<boolean>;
  findCredentials(staffId: string): Promise<StaffCredentials | undefined>;
  saveCredentials(row: StaffCredentials): Promise<void>;
  insertToken(row: StaffTokenRow): Promise<void>;
  /** Tokens with the person each belongs to (undefined if no longer in the directory), in one read. */
  findTokenHolders(
    ids: readonly string[],
  ): Promise<Array<{ token: StaffTokenRow; holder: StaffMember | undefined }>>;
  findTokenHolder(id: string): Promise<{ token: StaffTokenRow; holder: StaffMember | undefined } | undefined>;
  revokeTokens(staffId: string, at: Date): Promise<number>;
  insertSession(row: StaffSessionRow): Promise<void>;
  findSession(idHash: Buffer): Promise<StaffSessionRow | undefined>;
  revokeSession(idHash: Buffer, at: Date): Promise<void>;
  revokeSessions(staffId: string, at: Date): Promise<number>;
}

/** Assignments fed by the shop's systems: tickets, deliveries, merchant ownership of orders. */
export interface AssignmentRepository {
  upsertTickets(rows: readonly Ticket[]): Promise<number>;
  upsertDeliveries(rows: readonly Delivery[]): Promise<number>;
  findDelivery(orderId: string): Promise<Delivery | undefined>;
  upsertMerchantOrders(rows: readonly MerchantOrder[]): Promise<number>;
  merchantOrderIds(merchant: string, limit: number): Promise<string[]>;
  /** Tickets open now or closed after `since` (the watch context), at most `limit`. */
  ticketsActiveSince(since: Date, limit: number): Promise<Ticket[]>;
  /** Deliveries whose window ends after `since`, at most `limit`. */
  deliveriesSince(since: Date, limit: number): Promise<Delivery[]>;
}

export type GrantKind = 'reveal' | 'search' | 'break_glass';

/** One use of a counted right (a reveal, a search, a break-glass), counted against quotas and rate limits. */
export interface GrantRow {
  staffId: string;
  kind: GrantKind;
  customerId: string | null;
  at: Date;
}

/** What `policyFacts` is asked for. */
export interface PolicyFactsQuery {
  /** Tickets named as references. */
  ticketIds: readonly string[];
  /** (assignee, customer) pairs whose open tickets are wanted. */
  openTicketPairs: ReadonlyArray<{ staffId: string; customerId: string }>;
  /** Orders whose delivery and merchant are wanted. */
  orderIds: readonly string[];
  /** Grant counters per request (`customerId` for `alreadyRevealed`). */
  counters: ReadonlyArray<{ staffId: string; customerId: string | undefined }>;
  /** People whose containment hold is wanted. */
  holds: readonly string[];
}

/** What `policyFacts` answers; `counters` is in the order it was asked, everything else unordered. */
export interface PolicyFactRows {
  tickets: Ticket[];
  /** At most 20 open tickets a pair, in id order; pairs with none are absent. */
  openTickets: Array<{ staffId: string; customerId: string; ticketIds: string[] }>;
  deliveries: Delivery[];
  merchantOrders: MerchantOrder[];
  counters: GrantCounters[];
  holds: StaffHoldRow[];
}

/** What a person's grants add up to at one moment (the quota and rate facts of the policy). */
export interface GrantCounters {
  /** Distinct customers revealed in the last 24 h. */
  revealed24h: number;
  /** Whether the request's customer is among them (a repeat reveal costs no quota). */
  alreadyRevealed: boolean;
  searchesLastMinute: number;
  breakGlass24h: number;
}

export interface BreakGlassRow {
  id: string;
  staffId: string;
  customerId: string;
  orderId: string | null;
  fields: string[];
  justification: string;
  at: Date;
  reviewStatus: 'pending' | 'justified' | 'unjustified';
  reviewer: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
}

export interface SecurityAlertRow {
  id: string;
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  staffId: string | null;
  subject: string | null;
  detail: Record<string, string | number | boolean>;
  createdAt: Date;
  status: 'open' | 'acknowledged' | 'closed';
  /** The full alert (reasons, peer comparison, evidence timeline) for watch alerts. */
  body?: unknown;
}

export interface ExportFilter {
  customerIds?: string[] | undefined;
  orderIds?: string[] | undefined;
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  status?: string[] | undefined;
  province?: string | undefined;
  merchant?: string | undefined;
}

export interface ExportRow {
  id: string;
  requester: string;
  filter: ExportFilter;
  fields: string[];
  purpose: string;
  reference: string | null;
  recipient: string;
  format: 'csv' | 'xlsx';
  plaintext: boolean;
  status: 'requested' | 'approved' | 'rejected';
  createdAt: Date;
  approver: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  plaintextApproved: boolean | null;
  rowCount: number | null;
  downloads: number;
  expiresAt: Date | null;
}

/** Counters behind quotas and rate limits, break-glass records, alerts and exports. */
export interface AccessRepository {
  /**
   * Serialises decisions of each person across transactions and processes (transaction-scoped
   * advisory locks, taken in one fixed order so two transactions locking several people cannot
   * deadlock). Answers the people's directory rows, read in the same statement (those that exist).
   */
  lockStaff(staffIds: readonly string[]): Promise<StaffMember[]>;
  /**
   * Every fact the policy needs for a set of requests, in ONE statement (one round trip however
   * many requests are decided together); read after `lockStaff`, so the counters include every
   * grant committed before the locks were taken.
   */
  policyFacts(query: PolicyFactsQuery, now: Date): Promise<PolicyFactRows>;
  recordGrants(rows: readonly GrantRow[]): Promise<void>;
  insertBreakGlass(row: BreakGlassRow): Promise<void>;
  findBreakGlass(id: string): Promise<BreakGlassRow | undefined>;
  listBreakGlass(status: BreakGlassRow['reviewStatus'] | undefined, limit: number): Promise<BreakGlassRow[]>;
  reviewBreakGlass(
    id: string,
    review: { status: 'justified' | 'unjustified'; reviewer: string; at: Date; note: string },
  ): Promise<boolean>;
  insertAlert(row: SecurityAlertRow): Promise<void>;
  /** Several alerts in one statement; an id already stored is left as it is (alert ids are deterministic). */
  insertAlerts(rows: readonly SecurityAlertRow[]): Promise<void>;
  listAlerts(status: SecurityAlertRow['status'] | undefined, limit: number): Promise<SecurityAlertRow[]>;
  insertExport(row: ExportRow): Promise<void>;
  findExport(id: string): Promise<ExportRow | undefined>;
  listExports(limit: number): Promise<ExportRow[]>;
  decideExport(
    id: string,
    decision: {
      status: 'approved' | 'rejected';
      approver: string;
      at: Date;
      note: string;
      plaintextApproved: boolean;
      rowCount: number | null;
      expiresAt: Date | null;
    },
  ): Promise<boolean>;
  countDownload(id: string): Promise<void>;
  insertExportSubjects(
    exportId: string,
    rows: ReadonlyArray<{ customerId: string; orderId: string; canary: boolean }>,
  ): Promise<void>;
  exportSubjects(exportId: string): Promise<Array<{ customerId: string; orderId: string; canary: boolean }>>;
}
