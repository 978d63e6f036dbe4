import type {
  AccessRepository,
  BreakGlassRow,
  ExportFilter,
  ExportRow,
  GrantKind,
  SecurityAlertRow,
} from '@cordon/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Schema } from './schema';

function toBreakGlass(r: Selectable<Schema['break_glass']>): BreakGlassRow {
  return {
    id: r.id,
    staffId: r.staff_id,
    customerId: r.customer_id,
    orderId: r.order_id,
    fields: r.fields as string[],
    justification: r.justification,
    at: r.at,
    reviewStatus: r.review_status as BreakGlassRow['reviewStatus'],
    reviewer: r.reviewer,
    reviewedAt: r.reviewed_at,
    reviewNote: r.review_note,
  };
}

function toExport(r: Selectable<Schema['exports']>): ExportRow {
  return {
    id: r.id,
    requester: r.requester,
    filter: r.filter as ExportFilter,
    fields: r.fields as string[],
    purpose: r.purpose,
    reference: r.reference,
    recipient: r.recipient,
    format: r.format === 'xlsx' ? 'xlsx' : 'csv',
    plaintext: r.plaintext,
    status: r.status as ExportRow['status'],
    createdAt: r.created_at,
    approver: r.approver,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    plaintextApproved: r.plaintext_approved,
    rowCount: r.row_count,
    downloads: r.downloads,
    expiresAt: r.expires_at,
  };
}

/** Quota counters, break-glass records, security alerts and export requests. */
export class KyselyAccessRepository implements AccessRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async lockStaff(staffId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(72616402, hashtext(${staffId}))`.execute(this.db);
  }

  async counters(
    staffId: string,
    customerId: string | undefined,
    now: Date,
  ): Promise<{
    revealed24h: number;
    alreadyRevealed: boolean;
    searchesLastMinute: number;
    breakGlass24h: number;
  }> {
    const dayAgo = new Date(now.getTime() - 86_400_000);
    const minuteAgo = new Date(now.getTime() - 60_000);
    const r = await sql<{ revealed: number; already: boolean | null; searches: number; break_glass: number }>`
      select
        count(distinct customer_id) filter (where kind = 'reveal')::int as revealed,
        bool_or(kind = 'reveal' and customer_id = ${customerId ?? ''}) as already,
        count(*) filter (where kind = 'search' and at > ${minuteAgo})::int as searches,
        count(*) filter (where kind = 'break_glass')::int as break_glass
      from access_grants
      where staff_id = ${staffId} and at > ${dayAgo}`.execute(this.db);
    const row = r.rows[0];
    return {
      revealed24h: Number(row?.revealed ?? 0),
      alreadyRevealed: row?.already === true,
      searchesLastMinute: Number(row?.searches ?? 0),
      breakGlass24h: Number(row?.break_glass ?? 0),
    };
  }

  async recordGrants(
    rows: ReadonlyArray<{ staffId: string; kind: GrantKind; customerId: string | null; at: Date }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('access_grants')
      .values(rows.map((r) => ({ staff_id: r.staffId, kind: r.kind, customer_id: r.customerId, at: r.at })))
      .execute();
  }

  async insertBreakGlass(row: BreakGlassRow): Promise<void> {
    await this.db
      .insertInto('break_glass')
      .values({
        id: row.id,
        staff_id: row.staffId,
        customer_id: row.customerId,
        order_id: row.orderId,
        fields: JSON.stringify(row.fields),
        justification: row.justification,
        at: row.at,
        review_status: row.reviewStatus,
        reviewer: row.reviewer,
        reviewed_at: row.reviewedAt,
        review_note: row.reviewNote,
      })
      .execute();
  }

  async findBreakGlass(id: string): Promise<BreakGlassRow | undefined> {
    const r = await this.db.selectFrom('break_glass').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toBreakGlass(r) : undefined;
  }

  async listBreakGlass(
    status: BreakGlassRow['reviewStatus'] | undefined,
    limit: number,
  ): Promise<BreakGlassRow[]> {
    let q = this.db.selectFrom('break_glass').selectAll().orderBy('at', 'desc').limit(limit);
    if (status) q = q.where('review_status', '=', status);
    return (await q.execute()).map(toBreakGlass);
  }

  async reviewBreakGlass(
    id: string,
    review: { status: 'justified' | 'unjustified'; reviewer: string; at: Date; note: string },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('break_glass')
      .set({
        review_status: review.status,
        reviewer: review.reviewer,
        reviewed_at: review.at,
        review_note: review.note,
      })
      .where('id', '=', id)
      .where('review_status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertAlert(row: SecurityAlertRow): Promise<void> {
    await this.db
      .insertInto('security_alerts')
      .values({
        id: row.id,
        kind: row.kind,
        severity: row.severity,
        staff_id: row.staffId,
        subject: row.subject,
        detail: JSON.stringify(row.detail),
        created_at: row.createdAt,
        status: row.status,
        body: row.body === undefined ? null : JSON.stringify(row.body),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async listAlerts(
    status: SecurityAlertRow['status'] | undefined,
    limit: number,
  ): Promise<SecurityAlertRow[]> {
    let q = this.db.selectFrom('security_alerts').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (status) q = q.where('status', '=', status);
    return (await q.execute()).map((r) => ({
      id: r.id,
      kind: r.kind,
      severity: r.severity as SecurityAlertRow['severity'],
      staffId: r.staff_id,
      subject: r.subject,
      detail: r.detail as SecurityAlertRow['detail'],
      createdAt: r.created_at,
      status: r.status as SecurityAlertRow['status'],
      body: r.body ?? undefined,
    }));
  }

  async insertExport(row: ExportRow): Promise<void> {
    await this.db
      .insertInto('exports')
      .values({
        id: row.id,
        requester: row.requester,
        filter: JSON.stringify(row.filter),
        fields: JSON.stringify(row.fields),
        purpose: row.purpose,
        reference: row.reference,
        recipient: row.recipient,
        format: row.format,
        plaintext: row.plaintext,
        status: row.status,
        created_at: row.createdAt,
        approver: row.approver,
        decided_at: row.decidedAt,
        decision_note: row.decisionNote,
        plaintext_approved: row.plaintextApproved,
        row_count: row.rowCount,
        downloads: row.downloads,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async findExport(id: string): Promise<ExportRow | undefined> {
    const r = await this.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toExport(r) : undefined;
  }

  async listExports(limit: number): Promise<ExportRow[]> {
    const rows = await this.db
      .selectFrom('exports')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toExport);
  }

  async decideExport(
    id: string,
    d: {
      status: 'approved' | 'rejected';
      approver: string;
      at: Date;
      note: string;
      plaintextApproved: boolean;
      rowCount: number | null;
      expiresAt: Date | null;
    },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('exports')
      .set({
        status: d.status,
        approver: d.approver,
        decided_at: d.at,
        decision_note: d.note,
        plaintext_approved: d.plaintextApproved,
        row_count: d.rowCount,
        expires_at: d.expiresAt,
      })
      .where('id', '=', id)
      .where('status', '=', 'requested')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async countDownload(id: string): Promise<void> {
    await this.db
      .updateTable('exports')
      .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
      .where('id', '=', id)
      .execute();
  }

  async insertExportSubjects(
    exportId: string,
    rows: ReadonlyArray<{ customerId: string; orderId: string; canary: boolean }>,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      await this.db
        .insertInto('export_subjects')
        .values(
          chunk.map((r) => ({
            export_id: exportId,
            customer_id: r.customerId,
            order_id: r.orderId,
            canary: r.canary,
          })),
        )
        .execute();
    }
  }

  async exportSubjects(
    exportId: string,
  ): Promise<Array<{ customerId: string; orderId: string; canary: boolean }>> {
    const rows = await this.db
      .selectFrom('export_subjects')
      .select(['customer_id', 'order_id', 'canary'])
      .where('export_id', '=', exportId)
      .orderBy('order_id')
      .execute();
    return rows.map((r) => ({ customerId: r.customer_id, orderId: r.order_id, canary: r.canary }));
  }
}
