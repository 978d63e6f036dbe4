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
  findToken(id: string): Promise<StaffTokenRow | undefined>;
  revokeTokens(staffId: string, at: Date): Promise<number>;
  insertSession(row: StaffSessionRow): Promise<void>;
  findSession(idHash: Buffer): Promise<StaffSessionRow | undefined>;
  revokeSession(idHash: Buffer, at: Date): Promise<void>;
  revokeSessions(staffId: string, at: Date): Promise<number>;
}

/** Assignments fed by the shop's systems: tickets, deliveries, merchant ownership of orders. */
export interface AssignmentRepository {
  upsertTickets(rows: readonly Ticket[]): Promise<number>;
  findTicket(id: string): Promise<Ticket | undefined>;
  openTicketsOn(staffId: string, customerId: string): Promise<string[]>;
  upsertDeliveries(rows: readonly Delivery[]): Promise<number>;
  findDelivery(orderId: string): Promise<Delivery | undefined>;
  upsertMerchantOrders(rows: readonly MerchantOrder[]): Promise<number>;
  findMerchantOrder(orderId: string): Promise<MerchantOrder | undefined>;
  merchantOrderIds(merchant: string, limit: number): Promise<string[]>;
  /** Tickets open now or closed after `since` (the watch context), at most `limit`. */
  ticketsActiveSince(since: Date, limit: number): Promise<Ticket[]>;
  /** Deliveries whose window ends after `since`, at most `limit`. */
  deliveriesSince(since: Date, limit: number): Promise<Delivery[]>;
}

export type GrantKind = 'reveal' | 'search' | 'break_glass';

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
  /** Serialises decisions of one person across processes (transaction-scoped advisory lock). */
  lockStaff(staffId: string): Promise<void>;
  counters(
    staffId: string,
    customerId: string | undefined,
    now: Date,
  ): Promise<{
    revealed24h: number;
    alreadyRevealed: boolean;
    searchesLastMinute: number;
    breakGlass24h: number;
  }>;
  recordGrants(
    rows: ReadonlyArray<{ staffId: string; kind: GrantKind; customerId: string | null; at: Date }>,
  ): Promise<void>;
  insertBreakGlass(row: BreakGlassRow): Promise<void>;
  findBreakGlass(id: string): Promise<BreakGlassRow | undefined>;
  listBreakGlass(status: BreakGlassRow['reviewStatus'] | undefined, limit: number): Promise<BreakGlassRow[]>;
  reviewBreakGlass(
    id: string,
    review: { status: 'justified' | 'unjustified'; reviewer: string; at: Date; note: string },
  ): Promise<boolean>;
  insertAlert(row: SecurityAlertRow): Promise<void>;
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
