import type { WatchEventInput } from './event';

/** A pause of a person's reveal and export rights, raised by a watch alert. */
export interface StaffHoldRow {
  staffId: string;
  alertId: string;
  severity: string;
  reason: string;
  createdAt: Date;
  /** active: rights paused; confirmed: a security admin confirmed the finding (still paused); released. */
  status: 'active' | 'confirmed' | 'released';
  decidedBy: string | null;
  decidedAt: Date | null;
  note: string | null;
}

/** Where the live watcher resumes: the last ledger entry and external event it has counted. */
export interface WatchStateRow {
  ledgerCursor: number;
  eventsCursor: number;
  snapshot: unknown;
}

/** External access events, the watcher's resumable state and containment holds. No rules here. */
export interface WatchRepository {
  insertEvents(
    rows: ReadonlyArray<{ ts: Date; actor: string; body: WatchEventInput }>,
    receivedAt: Date,
  ): Promise<void>;
  eventsAfter(seq: number, limit: number): Promise<Array<{ seq: number; body: WatchEventInput }>>;
  /** The watcher's saved state, snapshot included (read to restore from it, after `lockCursors`). */
  loadState(): Promise<WatchStateRow | undefined>;
  /**
   * The watcher's cursors without its snapshot (which grows to hundreds of kilobytes), locked until
   * the transaction ends (one watcher at a time): what every tick needs.
   */
  lockCursors(): Promise<{ ledgerCursor: number; eventsCursor: number } | undefined>;
  saveState(state: WatchStateRow, at: Date): Promise<void>;
  upsertHold(row: StaffHoldRow): Promise<void>;
  findHold(staffId: string): Promise<StaffHoldRow | undefined>;
  decideHold(
    staffId: string,
    decision: { status: 'confirmed' | 'released'; by: string; at: Date; note: string },
  ): Promise<boolean>;
  listHolds(): Promise<StaffHoldRow[]>;
}
