import type { StaffHoldRow, WatchEventInput, WatchRepository, WatchStateRow } from '@cordon/core';
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from './schema';

/** A hold row as the core sees it (also used by the access repository's policy facts). */
export function toHold(r: Selectable<Schema['staff_holds']>): StaffHoldRow {
  return {
    staffId: r.staff_id,
    alertId: r.alert_id,
    severity: r.severity,
    reason: r.reason,
    createdAt: r.created_at,
    status: r.status as StaffHoldRow['status'],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    note: r.note,
  };
}

/** External access events, watcher state (cursor + engine snapshot) and containment holds. */
export class KyselyWatchRepository implements WatchRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertEvents(
    rows: ReadonlyArray<{ ts: Date; actor: string; body: WatchEventInput }>,
    receivedAt: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('watch_events')
      .values(
        rows.map((r) => ({
          ts: r.ts,
          actor: r.actor,
          body: JSON.stringify(r.body),
          received_at: receivedAt,
        })),
      )
      .execute();
  }

  async eventsAfter(seq: number, limit: number): Promise<Array<{ seq: number; body: WatchEventInput }>> {
    const rows = await this.db
      .selectFrom('watch_events')
      .select(['seq', 'body'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), body: r.body as WatchEventInput }));
  }

  async loadState(): Promise<WatchStateRow | undefined> {
    const r = await this.db.selectFrom('watch_state').selectAll().where('id', '=', 1).executeTakeFirst();
    return r
      ? { ledgerCursor: Number(r.ledger_cursor), eventsCursor: Number(r.events_cursor), snapshot: r.snapshot }
      : undefined;
  }

  async lockCursors(): Promise<{ ledgerCursor: number; eventsCursor: number } | undefined> {
    const r = await this.db
      .selectFrom('watch_state')
      .select(['ledger_cursor', 'events_cursor'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirst();
    return r ? { ledgerCursor: Number(r.ledger_cursor), eventsCursor: Number(r.events_cursor) } : undefined;
  }

  async saveState(state: WatchStateRow, at: Date): Promise<void> {
    const values = {
      id: 1,
      ledger_cursor: state.ledgerCursor,
      events_cursor: state.eventsCursor,
      snapshot: state.snapshot === undefined ? null : JSON.stringify(state.snapshot),
      updated_at: at,
    };
    await this.db
      .insertInto('watch_state')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, id: undefined }))
      .execute();
  }

  async upsertHold(row: StaffHoldRow): Promise<void> {
    const values = {
      staff_id: row.staffId,
      alert_id: row.alertId,
      severity: row.severity,
      reason: row.reason,
      created_at: row.createdAt,
      status: row.status,
      decided_by: row.decidedBy,
      decided_at: row.decidedAt,
      note: row.note,
    };
    await this.db
      .insertInto('staff_holds')
      .values(values)
      .onConflict((oc) => oc.column('staff_id').doUpdateSet({ ...values, staff_id: undefined }))
      .execute();
  }

  async findHold(staffId: string): Promise<StaffHoldRow | undefined> {
    const r = await this.db
      .selectFrom('staff_holds')
      .selectAll()
      .where('staff_id', '=', staffId)
      .executeTakeFirst();
    return r ? toHold(r) : undefined;
  }

  async decideHold(
    staffId: string,
    d: { status: 'confirmed' | 'released'; by: string; at: Date; note: string },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('staff_holds')
      .set({ status: d.status, decided_by: d.by, decided_at: d.at, note: d.note })
      .where('staff_id', '=', staffId)
      .where('status', 'in', ['active', 'confirmed'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async listHolds(): Promise<StaffHoldRow[]> {
    const rows = await this.db.selectFrom('staff_holds').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map(toHold);
  }
}
