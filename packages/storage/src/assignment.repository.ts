import type { AssignmentRepository, Delivery, MerchantOrder, Ticket } from '@cordon/core';
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from './schema';

/** A ticket row as the core sees it (also used by the access repository's policy facts). */
export function toTicket(r: Selectable<Schema['tickets']>): Ticket {
  return {
    id: r.id,
    customerId: r.customer_id,
    orderId: r.order_id,
    assignee: r.assignee,
    status: r.status === 'open' ? 'open' : 'closed',
    openedAt: r.opened_at,
    closedAt: r.closed_at,
  };
}

export function toDelivery(r: Selectable<Schema['deliveries']>): Delivery {
  return { orderId: r.order_id, courier: r.courier, from: r.window_from, to: r.window_to };
}

/** Tickets, deliveries and merchant ownership as the shop's systems last reported them. */
export class KyselyAssignmentRepository implements AssignmentRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async upsertTickets(rows: readonly Ticket[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.db
      .insertInto('tickets')
      .values(
        rows.map((t) => ({
          id: t.id,
          customer_id: t.customerId,
          order_id: t.orderId,
          assignee: t.assignee,
          status: t.status,
          opened_at: t.openedAt,
          closed_at: t.closedAt,
        })),
      )
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          customer_id: eb.ref('excluded.customer_id'),
          order_id: eb.ref('excluded.order_id'),
          assignee: eb.ref('excluded.assignee'),
          status: eb.ref('excluded.status'),
          opened_at: eb.ref('excluded.opened_at'),
          closed_at: eb.ref('excluded.closed_at'),
        })),
      )
      .execute();
    return rows.length;
  }

  async upsertDeliveries(rows: readonly Delivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.db
      .insertInto('deliveries')
      .values(
        rows.map((d) => ({ order_id: d.orderId, courier: d.courier, window_from: d.from, window_to: d.to })),
      )
      .onConflict((oc) =>
        oc.column('order_id').doUpdateSet((eb) => ({
          courier: eb.ref('excluded.courier'),
          window_from: eb.ref('excluded.window_from'),
          window_to: eb.ref('excluded.window_to'),
        })),
      )
      .execute();
    return rows.length;
  }

  async findDelivery(orderId: string): Promise<Delivery | undefined> {
    const r = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return r ? toDelivery(r) : undefined;
  }

  async upsertMerchantOrders(rows: readonly MerchantOrder[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.db
      .insertInto('merchant_orders')
      .values(rows.map((m) => ({ order_id: m.orderId, merchant: m.merchant, delivered_at: m.deliveredAt })))
      .onConflict((oc) =>
        oc.column('order_id').doUpdateSet((eb) => ({
          merchant: eb.ref('excluded.merchant'),
          delivered_at: eb.ref('excluded.delivered_at'),
        })),
      )
      .execute();
    return rows.length;
  }

  async merchantOrderIds(merchant: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('merchant_orders')
      .select('order_id')
      .where('merchant', '=', merchant)
      .orderBy('order_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.order_id);
  }

  async ticketsActiveSince(since: Date, limit: number): Promise<Ticket[]> {
    const rows = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where((eb) => eb.or([eb('status', '=', 'open'), eb('closed_at', '>=', since)]))
      .orderBy('opened_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toTicket);
  }

  async deliveriesSince(since: Date, limit: number): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('window_to', '>=', since)
      .orderBy('window_to', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }
}
