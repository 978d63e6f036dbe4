/** A planted canary customer: the blind indexes by which a tripwire hit finds it, and its export. */
export interface CanaryRow {
  customerId: string;
  phoneBidx: Buffer;
  emailBidx: Buffer | null;
  addressBidx: Buffer | null;
  plantedAt: Date;
  exportId: string | null;
  allocatedAt: Date | null;
}

/** Who obtained which of a set of customers, and when (first and last time). */
export interface AccessFact {
  kind: 'staff' | 'export';
  id: string;
  customerId: string;
  first: Date;
  last: Date;
}

export interface IncidentRow {
  id: string;
  title: string;
  openedAt: Date;
  openedBy: string;
  detectedAt: Date;
  status: 'open' | 'notified' | 'contained' | 'closed';
  insider: boolean;
  euResidents: boolean;
  affectedCount: number;
  report: unknown;
  closedAt: Date | null;
  closedBy: string | null;
  resolution: string | null;
}

export interface IncidentLogRow {
  incidentId: string;
  at: Date;
  actor: string;
  kind: string;
  note: string;
}

/** Canaries, access facts for attribution, and incidents. Holds no rules. */
export interface TraceRepository {
  insertCanaries(rows: readonly CanaryRow[]): Promise<void>;
  countCanaries(): Promise<{ total: number; free: number }>;
  /** Canaries matching any of the given blind indexes or ids. */
  findCanaries(by: {
    phoneBidx?: readonly Buffer[];
    emailBidx?: readonly Buffer[];
    addressBidx?: readonly Buffer[];
    customerIds?: readonly string[];
  }): Promise<CanaryRow[]>;
  /** Marks up to `count` unallocated canaries as this export's (each canary belongs to one export). */
  allocateCanaries(exportId: string, count: number, at: Date): Promise<string[]>;
  /** Allowed accesses by staff (from the ledger) to any of the customers. */
  ledgerAccess(customerIds: readonly string[]): Promise<AccessFact[]>;
  /** Accesses recorded by other systems (imported events) to any of the customers. */
  eventAccess(customerIds: readonly string[]): Promise<AccessFact[]>;
  /** Export subjects among the customers (the exact sets fixed at approval). */
  exportAccess(customerIds: readonly string[]): Promise<AccessFact[]>;
  /** Distinct customers each actor or export obtained overall (the size of its access set). */
  accessSizes(kind: 'staff' | 'export', ids: readonly string[]): Promise<Map<string, number>>;
  insertIncident(row: IncidentRow, affected: readonly string[]): Promise<void>;
  findIncident(id: string): Promise<IncidentRow | undefined>;
  listIncidents(limit: number): Promise<IncidentRow[]>;
  updateIncident(
    id: string,
    change: Partial<Pick<IncidentRow, 'status' | 'closedAt' | 'closedBy' | 'resolution'>>,
  ): Promise<boolean>;
  appendIncidentLog(row: IncidentLogRow): Promise<void>;
  incidentLog(id: string): Promise<IncidentLogRow[]>;
  incidentAffected(id: string, limit: number): Promise<string[]>;
}
