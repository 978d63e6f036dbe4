import type {
  CustomerRow,
  DataKeyRow,
  ErasureReceiptRow,
  OrderRow,
  SearchHit,
  SearchQuery,
  StoredCustomer,
  StoredOrder,
  VaultRepository,
} from '@cordon/core';
import { type Kysely, sql } from 'kysely';
import { buf, bufOrNull } from './database';
import type { Schema } from './schema';

function toStoredCustomer(r: {
  id: string;
  created_at: Date;
  name_ct: Uint8Array;
  phone_ct: Uint8Array;
  email_ct: Uint8Array | null;
  id_number_ct: Uint8Array | null;
  name_bidx: Uint8Array | null;
  phone_bidx: Uint8Array | null;
  email_bidx: Uint8Array | null;
  id_number_bidx: Uint8Array | null;
  fingerprint: Uint8Array;
  erased_at: Date | null;
  kek_version: number | null;
  wrapped_dek: Uint8Array | null;
}): StoredCustomer {
  return {
    id: r.id,
    createdAt: r.created_at,
    nameCt: buf(r.name_ct),
    phoneCt: buf(r.phone_ct),
    emailCt: bufOrNull(r.email_ct),
    idNumberCt: bufOrNull(r.id_number_ct),
    nameBidx: r.name_bidx ? buf(r.name_bidx) : Buffer.alloc(0),
    phoneBidx: r.phone_bidx ? buf(r.phone_bidx) : Buffer.alloc(0),
    emailBidx: bufOrNull(r.email_bidx),
    idNumberBidx: bufOrNull(r.id_number_bidx),
    fingerprint: buf(r.fingerprint),
    erasedAt: r.erased_at,
    key:
      r.wrapped_dek && r.kek_version !== null
        ? { customerId: r.id, kekVersion: r.kek_version, wrappedDek: buf(r.wrapped_dek) }
        : null,
  };
}

interface OrderSelect {
  id: string;
  customer_id: string;
  created_at: Date;
  status: string;
  province: string;
  city: string;
  district: string;
  receiver_name_ct: Uint8Array;
  receiver_phone_ct: Uint8Array;
  street_ct: Uint8Array;
  receiver_name_bidx: Uint8Array | null;
  receiver_phone_bidx: Uint8Array | null;
  address_bidx: Uint8Array | null;
  items: unknown;
  total_cents: number;
  channel: string | null;
  device: string | null;
  ip: string | null;
  payment_fingerprint: string | null;
  coupon: string | null;
  promo: string | null;
  fingerprint: Uint8Array;
  erased_at: Date | null;
  kek_version: number | null;
  wrapped_dek: Uint8Array | null;
}

function toStoredOrder(r: OrderSelect): StoredOrder {
  return {
    id: r.id,
    customerId: r.customer_id,
    createdAt: r.created_at,
    status: r.status,
    province: r.province,
    city: r.city,
    district: r.district,
    receiverNameCt: buf(r.receiver_name_ct),
    receiverPhoneCt: buf(r.receiver_phone_ct),
    streetCt: buf(r.street_ct),
    receiverNameBidx: r.receiver_name_bidx ? buf(r.receiver_name_bidx) : Buffer.alloc(0),
    receiverPhoneBidx: r.receiver_phone_bidx ? buf(r.receiver_phone_bidx) : Buffer.alloc(0),
    addressBidx: r.address_bidx ? buf(r.address_bidx) : Buffer.alloc(0),
    items: r.items as StoredOrder['items'],
    totalCents: r.total_cents,
    channel: r.channel,
    device: r.device,
    ip: r.ip,
    paymentFingerprint: r.payment_fingerprint,
    coupon: r.coupon,
    promo: r.promo,
    fingerprint: buf(r.fingerprint),
    erasedAt: r.erased_at,
    key:
      r.wrapped_dek && r.kek_version !== null
        ? { customerId: r.customer_id, kekVersion: r.kek_version, wrappedDek: buf(r.wrapped_dek) }
        : null,
  };
}

/** Kysely implementation of the vault port; one instance per transaction. */
export class KyselyVaultRepository implements VaultRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  private customerQuery() {
    return this.db
      .selectFrom('customers as c')
      .leftJoin('customer_keys as k', 'k.customer_id', 'c.id')
      .selectAll('c')
      .select(['k.kek_version', 'k.wrapped_dek']);
  }

  private orderQuery() {
    return this.db
      .selectFrom('orders as o')
      .innerJoin('customers as c', 'c.id', 'o.customer_id')
      .leftJoin('customer_keys as k', 'k.customer_id', 'o.customer_id')
      .selectAll('o')
      .select(['c.erased_at', 'k.kek_version', 'k.wrapped_dek']);
  }

  async insertCustomers(rows: readonly CustomerRow[], keys: readonly DataKeyRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await this.db
      .insertInto('customers')
      .values(
        rows.map((r) => ({
          id: r.id,
          created_at: r.createdAt,
          name_ct: r.nameCt,
          phone_ct: r.phoneCt,
          email_ct: r.emailCt,
          id_number_ct: r.idNumberCt,
          name_bidx: r.nameBidx,
          phone_bidx: r.phoneBidx,
          email_bidx: r.emailBidx,
          id_number_bidx: r.idNumberBidx,
          fingerprint: r.fingerprint,
          erased_at: null,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    const ids = new Set(inserted.map((r) => r.id));
    const newKeys = keys.filter((k) => ids.has(k.customerId));
    if (newKeys.length > 0) {
      await this.db
        .insertInto('customer_keys')
        .values(
          newKeys.map((k) => ({
            customer_id: k.customerId,
            kek_version: k.kekVersion,
            wrapped_dek: k.wrappedDek,
          })),
        )
        .execute();
    }
    return ids;
  }

  async insertOrders(rows: readonly OrderRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await this.db
      .insertInto('orders')
      .values(
        rows.map((r) => ({
          id: r.id,
          customer_id: r.customerId,
          created_at: r.createdAt,
          status: r.status,
          province: r.province,
          city: r.city,
          district: r.district,
          receiver_name_ct: r.receiverNameCt,
          receiver_phone_ct: r.receiverPhoneCt,
          street_ct: r.streetCt,
          receiver_name_bidx: r.receiverNameBidx,
          receiver_phone_bidx: r.receiverPhoneBidx,
          address_bidx: r.addressBidx,
          items: JSON.stringify(r.items),
          total_cents: r.totalCents,
          channel: r.channel,
          device: r.device,
          ip: r.ip,
          payment_fingerprint: r.paymentFingerprint,
          coupon: r.coupon,
          promo: r.promo,
          fingerprint: r.fingerprint,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    return new Set(inserted.map((r) => r.id));
  }

  async fingerprints(kind: 'customer' | 'order', ids: readonly string[]): Promise<Map<string, Buffer>> {
    if (ids.length === 0) return new Map();
    const table = kind === 'customer' ? 'customers' : 'orders';
    const rows = await this.db
      .selectFrom(table)
      .select(['id', 'fingerprint'])
      .where('id', '=', sql<string>`any(${[...ids]}::text[])`)
      .execute();
    return new Map(rows.map((r) => [r.id, buf(r.fingerprint)]));
  }

  async dataKeys(customerIds: readonly string[]): Promise<Map<string, DataKeyRow | 'erased'>> {
    if (customerIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('customers as c')
      .leftJoin('customer_keys as k', 'k.customer_id', 'c.id')
      .select(['c.id', 'k.kek_version', 'k.wrapped_dek'])
      .where('c.id', '=', sql<string>`any(${[...customerIds]}::text[])`)
      .execute();
    return new Map(
      rows.map((r) => [
        r.id,
        r.wrapped_dek && r.kek_version !== null
          ? { customerId: r.id, kekVersion: r.kek_version, wrappedDek: buf(r.wrapped_dek) }
          : 'erased',
      ]),
    );
  }

  async findCustomer(id: string): Promise<StoredCustomer | undefined> {
    const r = await this.customerQuery().where('c.id', '=', id).executeTakeFirst();
    return r ? toStoredCustomer(r) : undefined;
  }

  async findCustomers(ids: readonly string[]): Promise<StoredCustomer[]> {
    if (ids.length === 0) return [];
    const rows = await this.customerQuery()
      .where('c.id', '=', sql<string>`any(${[...ids]}::text[])`)
      .execute();
    return rows.map((r) => toStoredCustomer(r));
  }

  async findOrder(id: string): Promise<StoredOrder | undefined> {
    const r = await this.orderQuery().where('o.id', '=', id).executeTakeFirst();
    return r ? toStoredOrder(r as OrderSelect) : undefined;
  }

  async findOrders(ids: readonly string[]): Promise<StoredOrder[]> {
    if (ids.length === 0) return [];
    const rows = await this.orderQuery()
      .where('o.id', '=', sql<string>`any(${[...ids]}::text[])`)
      .execute();
    return rows.map((r) => toStoredOrder(r as OrderSelect));
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const afterKind = query.after?.kind ?? '';
    const afterId = query.after?.id ?? '';
    let rows: Array<{ kind: string; id: string; customer_id: string }>;
    if (query.orderId !== undefined) {
      const r = await sql<{ kind: string; id: string; customer_id: string }>`
        select 'order' as kind, id, customer_id from orders
        where id = ${query.orderId} and ('order', id) > (${afterKind}, ${afterId})
        limit ${query.limit}`.execute(this.db);
      rows = r.rows;
    } else {
      const column = query.phoneBidx ? 'phone' : 'name';
      const value = query.phoneBidx ?? query.nameBidx ?? Buffer.alloc(0);
      const r =
        column === 'phone'
          ? await sql<{ kind: string; id: string; customer_id: string }>`
        select * from (
          select 'customer' as kind, id, id as customer_id from customers where phone_bidx = ${value}
          union all
          select 'order' as kind, id, customer_id from orders where receiver_phone_bidx = ${value}
        ) hits where (kind, id) > (${afterKind}, ${afterId}) order by kind, id limit ${query.limit}`.execute(
              this.db,
            )
          : await sql<{ kind: string; id: string; customer_id: string }>`
        select * from (
          select 'customer' as kind, id, id as customer_id from customers where name_bidx = ${value}
          union all
          select 'order' as kind, id, customer_id from orders where receiver_name_bidx = ${value}
        ) hits where (kind, id) > (${afterKind}, ${afterId}) order by kind, id limit ${query.limit}`.execute(
              this.db,
            );
      rows = r.rows;
    }
    return rows.map((r) =>
      r.kind === 'customer'
        ? { kind: 'customer', id: r.id }
        : { kind: 'order', id: r.id, customerId: r.customer_id },
    );
  }

  async erase(customerId: string, at: Date): Promise<void> {
    await this.db.deleteFrom('customer_keys').where('customer_id', '=', customerId).execute();
    await this.db
      .updateTable('customers')
      .set({ erased_at: at, name_bidx: null, phone_bidx: null, email_bidx: null, id_number_bidx: null })
      .where('id', '=', customerId)
      .execute();
    await this.db
      .updateTable('orders')
      .set({ receiver_name_bidx: null, receiver_phone_bidx: null, address_bidx: null })
      .where('customer_id', '=', customerId)
      .execute();
  }

  async saveErasureReceipt(receipt: ErasureReceiptRow): Promise<void> {
    await this.db
      .insertInto('erasure_receipts')
      .values({
        customer_id: receipt.customerId,
        erased_at: receipt.erasedAt,
        ledger_seq: receipt.ledgerSeq,
        receipt: receipt.receipt,
      })
      .execute();
  }

  async findErasureReceipt(customerId: string): Promise<ErasureReceiptRow | undefined> {
    const r = await this.db
      .selectFrom('erasure_receipts')
      .selectAll()
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    return r
      ? { customerId: r.customer_id, erasedAt: r.erased_at, ledgerSeq: r.ledger_seq, receipt: r.receipt }
      : undefined;
  }

  async dataKeysToRewrap(kekVersion: number, afterId: string, limit: number): Promise<DataKeyRow[]> {
    const rows = await this.db
      .selectFrom('customer_keys')
      .selectAll()
      .where('kek_version', '<>', kekVersion)
      .where('customer_id', '>', afterId)
      .orderBy('customer_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      customerId: r.customer_id,
      kekVersion: r.kek_version,
      wrappedDek: buf(r.wrapped_dek),
    }));
  }

  async countDataKeys(notKekVersion?: number): Promise<number> {
    let q = this.db.selectFrom('customer_keys').select((eb) => eb.fn.countAll<number>().as('n'));
    if (notKekVersion !== undefined) q = q.where('kek_version', '<>', notKekVersion);
    const r = await q.executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async updateDataKeys(rows: readonly DataKeyRow[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`
      update customer_keys as k set kek_version = u.kek_version, wrapped_dek = decode(u.wrapped_hex, 'hex')
      from unnest(${rows.map((r) => r.customerId)}::text[], ${rows.map((r) => r.kekVersion)}::int[], ${rows.map(
        (r) => r.wrappedDek.toString('hex'),
      )}::text[]) as u(customer_id, kek_version, wrapped_hex)
      where k.customer_id = u.customer_id`.execute(this.db);
  }

  async counts(): Promise<{ customers: number; orders: number; erased: number }> {
    const r = await sql<{ customers: number; orders: number; erased: number }>`
      select (select count(*) from customers)::int as customers,
             (select count(*) from orders)::int as orders,
             (select count(*) from customers where erased_at is not null)::int as erased`.execute(this.db);
    const row = r.rows[0];
    return row ?? { customers: 0, orders: 0, erased: 0 };
  }
}
