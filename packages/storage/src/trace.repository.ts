import type { AccessFact, CanaryRow, IncidentLogRow, IncidentRow, TraceRepository } from '@cordon/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import { buf, bufOrNull } from './database';
import type { Schema } from './schema';

const accessActions = ['view', 'search', 'reveal', 'export', 'print', 'break_glass'];

function toCanary(r: Selectable<Schema['canaries']>): CanaryRow {
  return {
    customerId: r.customer_id,
    phoneBidx: buf(r.phone_bidx),
    emailBidx: bufOrNull(r.email_bidx),
    addressBidx: bufOrNull(r.address_bidx),
    plantedAt: r.planted_at,
    exportId: r.export_id,
    allocatedAt: r.allocated_at,
  };
}

function toIncident(r: Selectable<Schema['incidents']>): IncidentRow {
  return {
    id: r.id,
    title: r.title,
    openedAt: r.opened_at,
    openedBy: r.opened_by,
    detectedAt: r.detected_at,
    status: r.status as IncidentRow['status'],
    insider: r.insider,
    euResidents: r.eu_residents,
    affectedCount: r.affected_count,
    report: r.report,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    resolution: r.resolution,
  };
}

/** Canaries, the access facts behind leak attribution, and breach incidents. */
export class KyselyTraceRepository implements TraceRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertCanaries(rows: readonly CanaryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('canaries')
      .values(
        rows.map((r) => ({
          customer_id: r.customerId,
          phone_bidx: r.phoneBidx,
          email_bidx: r.emailBidx,
          address_bidx: r.addressBidx,
          planted_at: r.plantedAt,
          export_id: r.exportId,
          allocated_at: r.allocatedAt,
        })),
      )
      .execute();
  }

  async countCanaries(): Promise<{ total: number; free: number }> {
    const r = await sql<{ total: number; free: number }>`
      select count(*)::int as total, (count(*) filter (where export_id is null))::int as free from canaries`.execute(
      this.db,
    );
    return { total: Number(r.rows[0]?.total ?? 0), free: Number(r.rows[0]?.free ?? 0) };
  }

  async findCanaries(by: {
    phoneBidx?: readonly Buffer[];
    emailBidx?: readonly Buffer[];
    addressBidx?: readonly Buffer[];
    customerIds?: readonly string[];
  }): Promise<CanaryRow[]> {
    const rows = await this.db
      .selectFrom('canaries')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(by.phoneBidx?.length ? [eb('phone_bidx', 'in', [...by.phoneBidx])] : []),
          ...(by.emailBidx?.length ? [eb('email_bidx', 'in', [...by.emailBidx])] : []),
          ...(by.addressBidx?.length ? [eb('address_bidx', 'in', [...by.addressBidx])] : []),
          ...(by.customerIds?.length ? [eb('customer_id', 'in', [...by.customerIds])] : []),
          eb.val(false),
        ]),
      )
      .execute();
    return rows.map(toCanary);
  }

  async allocateCanaries(exportId: string, count: number, at: Date): Promise<string[]> {
    if (count <= 0) return [];
    const r = await sql<{ customer_id: string }>`
      update canaries set export_id = ${exportId}, allocated_at = ${at}
      where customer_id in (
        select customer_id from canaries where export_id is null
        order by planted_at, customer_id limit ${count} for update skip locked
      )
      returning customer_id`.execute(this.db);
    return r.rows.map((x) => x.customer_id).sort();
  }

  async ledgerAccess(customerIds: readonly string[]): Promise<AccessFact[]> {
    if (customerIds.length === 0) return [];
    const r = await sql<{ actor_id: string; customer_id: string; first: Date; last: Date }>`
      select e.actor_id, c as customer_id, min(e.time) as first, max(e.time) as last
      from ledger_entries e, unnest(e.customer_ids) c
      where e.customer_ids && ${[...customerIds]}::text[]
        and e.action = any(${accessActions}::text[])
        and c = any(${[...customerIds]}::text[])
        and e.body is not null
        and position('"outcome":"allowed"' in convert_from(e.body, 'UTF8')) > 0
        and position('"type":"staff"' in convert_from(e.body, 'UTF8')) > 0
      group by e.actor_id, c`.execute(this.db);
    return r.rows.map((x) => ({
      kind: 'staff',
      id: x.actor_id,
      customerId: x.customer_id,
      first: x.first,
      last: x.last,
    }));
  }

  async eventAccess(customerIds: readonly string[]): Promise<AccessFact[]> {
    if (customerIds.length === 0) return [];
    const r = await sql<{ actor: string; customer_id: string; first: Date; last: Date }>`
      select w.actor, c as customer_id, min(w.ts) as first, max(w.ts) as last
      from watch_events w, jsonb_array_elements_text(w.body -> 'customers') c
      where (w.body -> 'customers') ?| ${[...customerIds]}::text[]
        and c = any(${[...customerIds]}::text[])
        and coalesce(w.body ->> 'outcome', 'allowed') = 'allowed'
      group by w.actor, c`.execute(this.db);
    return r.rows.map((x) => ({
      kind: 'staff',
      id: x.actor,
      customerId: x.customer_id,
      first: x.first,
      last: x.last,
    }));
  }

  async exportAccess(customerIds: readonly string[]): Promise<AccessFact[]> {
    if (customerIds.length === 0) return [];
    const r = await sql<{ export_id: string; customer_id: string; at: Date }>`
      select s.export_id, s.customer_id, coalesce(x.decided_at, x.created_at) as at
      from export_subjects s join exports x on x.id = s.export_id
      where s.customer_id = any(${[...customerIds]}::text[]) and x.status = 'approved'
      group by s.export_id, s.customer_id, x.decided_at, x.created_at`.execute(this.db);
    return r.rows.map((x) => ({
      kind: 'export',
      id: x.export_id,
      customerId: x.customer_id,
      first: x.at,
      last: x.at,
    }));
  }

  async accessSizes(kind: 'staff' | 'export', ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (ids.length === 0) return out;
    if (kind === 'export') {
      const r = await sql<{ id: string; n: number }>`
        select export_id as id, count(distinct customer_id)::int as n from export_subjects
        where export_id = any(${[...ids]}::text[]) group by export_id`.execute(this.db);
      for (const row of r.rows) out.set(row.id, Number(row.n));
      return out;
    }
    const ledger = await sql<{ id: string; c: string }>`
      select distinct e.actor_id as id, c from ledger_entries e, unnest(e.customer_ids) c
      where e.actor_id = any(${[...ids]}::text[]) and e.action = any(${accessActions}::text[])`.execute(
      this.db,
    );
    const events = await sql<{ id: string; c: string }>`
      select distinct w.actor as id, c from watch_events w, jsonb_array_elements_text(w.body -> 'customers') c
      where w.actor = any(${[...ids]}::text[])`.execute(this.db);
    const sets = new Map<string, Set<string>>();
    for (const row of [...ledger.rows, ...events.rows]) {
      let set = sets.get(row.id);
      if (!set) {
        set = new Set();
        sets.set(row.id, set);
      }
      set.add(row.c);
    }
    for (const [id, set] of sets) out.set(id, set.size);
    return out;
  }

  async insertIncident(row: IncidentRow, affected: readonly string[]): Promise<void> {
    await this.db
      .insertInto('incidents')
      .values({
        id: row.id,
        title: row.title,
        opened_at: row.openedAt,
        opened_by: row.openedBy,
        detected_at: row.detectedAt,
        status: row.status,
        insider: row.insider,
        eu_residents: row.euResidents,
        affected_count: row.affectedCount,
        report: JSON.stringify(row.report),
        closed_at: row.closedAt,
        closed_by: row.closedBy,
        resolution: row.resolution,
      })
      .execute();
    for (let i = 0; i < affected.length; i += 5000) {
      await this.db
        .insertInto('incident_affected')
        .values(affected.slice(i, i + 5000).map((c) => ({ incident_id: row.id, customer_id: c })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async findIncident(id: string): Promise<IncidentRow | undefined> {
    const r = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toIncident(r) : undefined;
  }

  async listIncidents(limit: number): Promise<IncidentRow[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .orderBy('opened_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toIncident);
  }

  async updateIncident(
    id: string,
    change: Partial<Pick<IncidentRow, 'status' | 'closedAt' | 'closedBy' | 'resolution'>>,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('incidents')
      .set({
        ...(change.status ? { status: change.status } : {}),
        ...(change.closedAt !== undefined ? { closed_at: change.closedAt } : {}),
        ...(change.closedBy !== undefined ? { closed_by: change.closedBy } : {}),
        ...(change.resolution !== undefined ? { resolution: change.resolution } : {}),
      })
      .where('id', '=', id)
      .where('status', '!=', 'closed')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async appendIncidentLog(row: IncidentLogRow): Promise<void> {
    await this.db
      .insertInto('incident_log')
      .values({ incident_id: row.incidentId, at: row.at, actor: row.actor, kind: row.kind, note: row.note })
      .execute();
  }

  async incidentLog(id: string): Promise<IncidentLogRow[]> {
    const rows = await this.db
      .selectFrom('incident_log')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('at')
      .execute();
    return rows.map((r) => ({
      incidentId: r.incident_id,
      at: r.at,
      actor: r.actor,
      kind: r.kind,
      note: r.note,
    }));
  }

  async incidentAffected(id: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('incident_affected')
      .select('customer_id')
      .where('incident_id', '=', id)
      .orderBy('customer_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.customer_id);
  }
}
