import type {
  AccessRepository,
  BreakGlassRow,
  ExportFilter,
  ExportRow,
  GrantRow,
  PolicyFactRows,
  PolicyFactsQuery,
  SecurityAlertRow,
  StaffMember,
} from '@cordon/core';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { toDelivery, toTicket } from './assignment.repository';
import type { Schema } from './schema';
import { toStaff } from './staff.repository';
import { toHold } from './watch.repository';

type Json = Record<string, unknown>;
type TicketRow = Selectable<Schema['tickets']>;
type DeliveryRow = Selectable<Schema['deliveries']>;
type MerchantOrderRow = Selectable<Schema['merchant_orders']>;
type HoldRow = Selectable<Schema['staff_holds']>;

/** A json_agg row with its timestamp columns (ISO text in JSON) turned back into Dates. */
function withDates(row: Json, columns: readonly string[]): Json {
  const out: Json = { ...row };
  for (const c of columns) {
    const v = row[c];
    out[c] = typeof v === 'string' ? new Date(v) : null;
  }
  return out;
}

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

/**
 * Grants as a data-modifying statement that writes its rows only where `gate` holds (written with the
 * ledger entries that record them, in one statement: see `KyselyLedgerRepository.append`). Each
 * column travels as one array, so the statement's text is the same for any number of rows.
 */
export function grantsInsert(rows: readonly GrantRow[], gate: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into access_grants (staff_id, kind, customer_id, at)
    select u.staff_id, u.kind, u.customer_id, u.at
    from unnest(${rows.map((r) => r.staffId)}::text[], ${rows.map((r) => r.kind)}::text[],
                ${rows.map((r) => r.customerId)}::text[], ${rows.map((r) => r.at.toISOString())}::timestamptz[])
      as u(staff_id, kind, customer_id, at)
    where ${gate}`;
}

/** Quota counters, break-glass records, security alerts and export requests. */
export class KyselyAccessRepository implements AccessRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async lockStaff(staffIds: readonly string[]): Promise<StaffMember[]> {
    if (staffIds.length === 0) return [];
    // One statement; the locks are taken in the order of their keys (the sorted subquery is scanned
    // in order before the outer projection calls the lock function), so any two transactions that
    // lock several people take the shared ones in the same order and cannot deadlock. `taken` is one
    // row that exists only once every lock is held; the people come with it (ADR 0016).
    const r = await sql<Selectable<Schema['staff']> | { [K in keyof Selectable<Schema['staff']>]: null }>`
      with locks as materialized (
        select pg_advisory_xact_lock(72616402, k) from (
          select distinct hashtext(id) as k from unnest(${[...staffIds]}::text[]) as id order by k
        ) sorted
      ), taken as (select count(*) as n from locks)
      select s.* from taken left join staff s on s.id = any(${[...staffIds]}::text[])`.execute(this.db);
    return r.rows.flatMap((row) => (row.id === null ? [] : [toStaff(row as Selectable<Schema['staff']>)]));
  }

  async policyFacts(query: PolicyFactsQuery, now: Date): Promise<PolicyFactRows> {
    const asked =
      query.ticketIds.length +
      query.openTicketPairs.length +
      query.orderIds.length +
      query.counters.length +
      query.holds.length;
    // Nothing to look up (an approval, a system actor): no round trip, like the single-table reads.
    if (asked === 0) {
      return { tickets: [], openTickets: [], deliveries: [], merchantOrders: [], counters: [], holds: [] };
    }
    const dayAgo = new Date(now.getTime() - 86_400_000);
    const minuteAgo = new Date(now.getTime() - 60_000);
    // One round trip: each kind of fact is a json_agg sub-select (rows keep their column names and
    // are mapped by the same functions as the single-table reads; timestamps arrive as ISO text).
    const r = await sql<{
      tickets: Json[];
      open_tickets: Array<{ assignee: string; customer_id: string; ids: string[] }>;
      deliveries: Json[];
      merchant_orders: Json[];
      counters: Array<{ revealed: number; already: boolean; searches: number; break_glass: number }>;
      holds: Json[];
    }>`
      select
        (select coalesce(json_agg(t), '[]') from tickets t
          where t.id = any(${[...query.ticketIds]}::text[])) as tickets,
        (select coalesce(json_agg(p), '[]') from (
          select u.assignee, u.customer_id,
            array(
              select t.id from tickets t
              where t.assignee = u.assignee and t.customer_id = u.customer_id and t.status = 'open'
              order by t.id limit 20
            ) as ids
          from (select distinct assignee, customer_id
                from unnest(${query.openTicketPairs.map((p) => p.staffId)}::text[],
                            ${query.openTicketPairs.map((p) => p.customerId)}::text[]) as u(assignee, customer_id)) u
        ) p where cardinality(p.ids) > 0) as open_tickets,
        (select coalesce(json_agg(d), '[]') from deliveries d
          where d.order_id = any(${[...query.orderIds]}::text[])) as deliveries,
        (select coalesce(json_agg(m), '[]') from merchant_orders m
          where m.order_id = any(${[...query.orderIds]}::text[])) as merchant_orders,
        (select coalesce(json_agg(c order by c.ord), '[]') from (
          -- Each counter is a range of the (staff_id, kind, at) index: its cost follows the person's
          -- own recent grants, whatever the table's size or the statistics the plan was made with.
          select q.ord,
            (select count(distinct g.customer_id) from access_grants g
              where g.staff_id = q.staff_id and g.kind = 'reveal' and g.at > ${dayAgo})::int as revealed,
            exists (select 1 from access_grants g
              where g.staff_id = q.staff_id and g.kind = 'reveal' and g.at > ${dayAgo}
                and g.customer_id = q.customer_id) as already,
            (select count(*) from access_grants g
              where g.staff_id = q.staff_id and g.kind = 'search' and g.at > ${minuteAgo})::int as searches,
            (select count(*) from access_grants g
              where g.staff_id = q.staff_id and g.kind = 'break_glass' and g.at > ${dayAgo})::int as break_glass
          from unnest(${query.counters.map((c) => c.staffId)}::text[],
                      ${query.counters.map((c) => c.customerId ?? '')}::text[])
            with ordinality as q(staff_id, customer_id, ord)
        ) c) as counters,
        (select coalesce(json_agg(h), '[]') from staff_holds h
          where h.staff_id = any(${[...query.holds]}::text[])) as holds`.execute(this.db);
    const row = r.rows[0];
    if (!row) throw new Error('policy facts: the statement returned no row');
    return {
      tickets: row.tickets.map((t) => toTicket(withDates(t, ['opened_at', 'closed_at']) as TicketRow)),
      openTickets: row.open_tickets.map((o) => ({
        staffId: o.assignee,
        customerId: o.customer_id,
        ticketIds: o.ids,
      })),
      deliveries: row.deliveries.map((d) =>
        toDelivery(withDates(d, ['window_from', 'window_to']) as DeliveryRow),
      ),
      merchantOrders: row.merchant_orders.map((j) => {
        const m = withDates(j, ['delivered_at']) as MerchantOrderRow;
        return { orderId: m.order_id, merchant: m.merchant, deliveredAt: m.delivered_at };
      }),
      counters: row.counters.map((c) => ({
        revealed24h: Number(c.revealed),
        alreadyRevealed: c.already === true,
        searchesLastMinute: Number(c.searches),
        breakGlass24h: Number(c.break_glass),
      })),
      holds: row.holds.map((h) => toHold(withDates(h, ['created_at', 'decided_at']) as HoldRow)),
    };
  }

  async recordGrants(rows: readonly GrantRow[]): Promise<void> {
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
    await this.insertAlerts([row]);
  }

  async insertAlerts(rows: readonly SecurityAlertRow[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement for any number of alerts (a watcher tick can raise many): each column travels
    // as one array, so the statement's text, and its prepared plan, are the same for any count.
    await sql`
      insert into security_alerts (id, kind, severity, staff_id, subject, detail, created_at, status, body)
      select u.id, u.kind, u.severity, u.staff_id, u.subject, u.detail::jsonb, u.created_at, u.status,
             u.body::jsonb
      from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.kind)}::text[],
                  ${rows.map((r) => r.severity)}::text[], ${rows.map((r) => r.staffId)}::text[],
                  ${rows.map((r) => r.subject)}::text[], ${rows.map((r) => JSON.stringify(r.detail))}::text[],
                  ${rows.map((r) => r.createdAt.toISOString())}::timestamptz[], ${rows.map((r) => r.status)}::text[],
                  ${rows.map((r) => (r.body === undefined ? null : JSON.stringify(r.body)))}::text[])
        as u(id, kind, severity, staff_id, subject, detail, created_at, status, body)
      on conflict (id) do nothing`.execute(this.db);
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
