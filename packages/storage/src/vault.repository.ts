import {
  CordonError,
  type CustomerRow,
  type DataKeyRow,
  type ErasureReceiptRow,
  type OrderFilter,
  type OrderRow,
  type SearchHit,
  type SearchQuery,
  type StoredCustomer,
  type StoredOrder,
  type VaultRepository,
} from '@cordon/core';
import { type Kysely, sql } from 'kysely';
import { CompiledOnce } from './compiled-once';
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

/**
 * A byte column of a batch as ONE bytea parameter (which `pg` sends in binary) plus each row's
 * 1-based offset and length, cut apart in SQL with substring(); a null value has a null offset
 * and length, so substring() yields null. Hex text per value cost an encoding in Node, an escaped
 * array literal in the driver and a decode in PostgreSQL.
 */
function packBytes<T>(
  rows: readonly T[],
  value: (row: T) => Buffer | null,
): { blob: Buffer; offsets: Array<number | null>; lengths: Array<number | null> } {
  const parts: Buffer[] = [];
  const offsets: Array<number | null> = [];
  const lengths: Array<number | null> = [];
  let offset = 1;
  for (const row of rows) {
    const bytes = value(row);
    if (bytes === null) {
      offsets.push(null);
      lengths.push(null);
      continue;
    }
    parts.push(bytes);
    offsets.push(offset);
    lengths.push(bytes.length);
    offset += bytes.length;
  }
  return { blob: Buffer.concat(parts), offsets, lengths };
}

/** A column of 32-byte values (blind indexes, fingerprints) as one bytea; see `nth32`. */
function fixed32<T>(rows: readonly T[], value: (row: T) => Buffer): Buffer {
  const blob = Buffer.allocUnsafe(rows.length * 32);
  rows.forEach((row, i) => {
    const bytes = value(row);
    if (bytes.length !== 32) {
      throw new CordonError('CORDON_ERR_INTERNAL', 'A blind index or fingerprint is not 32 bytes.');
    }
    bytes.copy(blob, i * 32);
  });
  return blob;
}

/** Row `u.i` (the unnest ordinality) of a `fixed32` column. */
const nth32 = (blob: Buffer) => sql`substring(${blob}::bytea from (u.i::int - 1) * 32 + 1 for 32)`;

// The read path's lookups (masked reads, reveals), compiled once (see CompiledOnce); the
// ids travel as one array parameter.
const customersByIds = new CompiledOnce((db, ids: string[]) =>
  db
    .selectFrom('customers as c')
    .leftJoin('customer_keys as k', 'k.customer_id', 'c.id')
    .selectAll('c')
    .select(['k.kek_version', 'k.wrapped_dek'])
    .where('c.id', '=', sql<string>`any(${ids}::text[])`),
);

const ordersByIds = new CompiledOnce((db, ids: string[]) =>
  db
    .selectFrom('orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .leftJoin('customer_keys as k', 'k.customer_id', 'o.customer_id')
    .selectAll('o')
    .select(['c.erased_at', 'k.kek_version', 'k.wrapped_dek'])
    .where('o.id', '=', sql<string>`any(${ids}::text[])`),
);

/** Kysely implementation of the vault port; one instance per transaction. */
export class KyselyVaultRepository implements VaultRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertCustomers(rows: readonly CustomerRow[], keys: readonly DataKeyRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const col = <T>(f: (r: CustomerRow) => T): T[] => rows.map(f);
    const name = packBytes(rows, (r) => r.nameCt);
    const phone = packBytes(rows, (r) => r.phoneCt);
    const email = packBytes(rows, (r) => r.emailCt);
    const idNumber = packBytes(rows, (r) => r.idNumberCt);
    const emailBidx = packBytes(rows, (r) => r.emailBidx);
    const idNumberBidx = packBytes(rows, (r) => r.idNumberBidx);
    const inserted = await sql<{ id: string }>`
      insert into customers (id, created_at, name_ct, phone_ct, email_ct, id_number_ct,
        name_bidx, phone_bidx, email_bidx, id_number_bidx, fingerprint)
      select u.id, u.created_at,
        substring(${name.blob}::bytea from u.name_off for u.name_len),
        substring(${phone.blob}::bytea from u.phone_off for u.phone_len),
        substring(${email.blob}::bytea from u.email_off for u.email_len),
        substring(${idNumber.blob}::bytea from u.id_number_off for u.id_number_len),
        ${nth32(fixed32(rows, (r) => r.nameBidx))}, ${nth32(fixed32(rows, (r) => r.phoneBidx))},
        substring(${emailBidx.blob}::bytea from u.email_bidx_off for 32),
        substring(${idNumberBidx.blob}::bytea from u.id_number_bidx_off for 32),
        ${nth32(fixed32(rows, (r) => r.fingerprint))}
      from unnest(${col((r) => r.id)}::text[], ${col((r) => r.createdAt.toISOString())}::timestamptz[],
        ${name.offsets}::int[], ${name.lengths}::int[], ${phone.offsets}::int[], ${phone.lengths}::int[],
        ${email.offsets}::int[], ${email.lengths}::int[], ${idNumber.offsets}::int[], ${idNumber.lengths}::int[],
        ${emailBidx.offsets}::int[], ${idNumberBidx.offsets}::int[])
        with ordinality as u(id, created_at, name_off, name_len, phone_off, phone_len, email_off, email_len,
          id_number_off, id_number_len, email_bidx_off, id_number_bidx_off, i)
      on conflict (id) do nothing
      returning id`.execute(this.db);
    const ids = new Set(inserted.rows.map((r) => r.id));
    const newKeys = keys.filter((k) => ids.has(k.customerId));
    if (newKeys.length > 0) {
      const wrapped = packBytes(newKeys, (k) => k.wrappedDek);
      await sql`
        insert into customer_keys (customer_id, kek_version, wrapped_dek)
        select u.customer_id, u.kek_version, substring(${wrapped.blob}::bytea from u.off for u.len)
        from unnest(${newKeys.map((k) => k.customerId)}::text[], ${newKeys.map((k) => k.kekVersion)}::int[],
          ${wrapped.offsets}::int[], ${wrapped.lengths}::int[]) as u(customer_id, kek_version, off, len)`.execute(
        this.db,
      );
    }
    return ids;
  }

  /**
   * One statement per batch with one array parameter per column (`unnest`), instead of a
   * 22,000-parameter VALUES list: much less to compile, send and parse on the hot ingestion path.
   * Byte columns travel as one bytea each (see `packBytes`).
   */
  async insertOrders(rows: readonly OrderRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const col = <T>(f: (r: OrderRow) => T): T[] => rows.map(f);
    const name = packBytes(rows, (r) => r.receiverNameCt);
    const phone = packBytes(rows, (r) => r.receiverPhoneCt);
    const street = packBytes(rows, (r) => r.streetCt);
    const inserted = await sql<{ id: string }>`
      insert into orders (id, customer_id, created_at, status, province, city, district,
        receiver_name_ct, receiver_phone_ct, street_ct, receiver_name_bidx, receiver_phone_bidx, address_bidx,
        items, total_cents, channel, device, ip, payment_fingerprint, coupon, promo, fingerprint)
      select u.id, u.customer_id, u.created_at, u.status, u.province, u.city, u.district,
        substring(${name.blob}::bytea from u.name_off for u.name_len),
        substring(${phone.blob}::bytea from u.phone_off for u.phone_len),
        substring(${street.blob}::bytea from u.street_off for u.street_len),
        ${nth32(fixed32(rows, (r) => r.receiverNameBidx))}, ${nth32(fixed32(rows, (r) => r.receiverPhoneBidx))},
        ${nth32(fixed32(rows, (r) => r.addressBidx))},
        u.items::jsonb, u.total_cents, u.channel, u.device, u.ip, u.payment_fingerprint, u.coupon, u.promo,
        ${nth32(fixed32(rows, (r) => r.fingerprint))}
      from unnest(${col((r) => r.id)}::text[], ${col((r) => r.customerId)}::text[],
        ${col((r) => r.createdAt.toISOString())}::timestamptz[], ${col((r) => r.status)}::text[],
        ${col((r) => r.province)}::text[], ${col((r) => r.city)}::text[], ${col((r) => r.district)}::text[],
        ${name.offsets}::int[], ${name.lengths}::int[], ${phone.offsets}::int[], ${phone.lengths}::int[],
        ${street.offsets}::int[], ${street.lengths}::int[],
        ${col((r) => JSON.stringify(r.items))}::text[], ${col((r) => r.totalCents)}::bigint[],
        ${col((r) => r.channel)}::text[], ${col((r) => r.device)}::text[], ${col((r) => r.ip)}::text[],
        ${col((r) => r.paymentFingerprint)}::text[], ${col((r) => r.coupon)}::text[], ${col((r) => r.promo)}::text[])
        with ordinality as u(id, customer_id, created_at, status, province, city, district,
             name_off, name_len, phone_off, phone_len, street_off, street_len,
             items, total_cents, channel, device, ip, payment_fingerprint, coupon, promo, i)
      on conflict (id) do nothing
      returning id`.execute(this.db);
    return new Set(inserted.rows.map((r) => r.id));
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
    return (await this.findCustomers([id]))[0];
  }

  async findCustomers(ids: readonly string[]): Promise<StoredCustomer[]> {
    if (ids.length === 0) return [];
    const rows = await customersByIds.execute(this.db, [...ids]);
    return rows.map((r) => toStoredCustomer(r));
  }

  async findOrder(id: string): Promise<StoredOrder | undefined> {
    return (await this.findOrders([id]))[0];
  }

  async findOrders(ids: readonly string[]): Promise<StoredOrder[]> {
    if (ids.length === 0) return [];
    const rows = await ordersByIds.execute(this.db, [...ids]);
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

  async matchOrders(
    filter: OrderFilter,
    limit: number,
  ): Promise<Array<{ orderId: string; customerId: string }>> {
    let q = this.db
      .selectFrom('orders as o')
      .innerJoin('customer_keys as k', 'k.customer_id', 'o.customer_id')
      .select(['o.id', 'o.customer_id'])
      .orderBy('o.id')
      .limit(limit);
    if (filter.customerIds)
      q = q.where('o.customer_id', 'in', filter.customerIds.length ? [...filter.customerIds] : ['']);
    if (filter.orderIds) q = q.where('o.id', 'in', filter.orderIds.length ? [...filter.orderIds] : ['']);
    if (filter.createdFrom) q = q.where('o.created_at', '>=', filter.createdFrom);
    if (filter.createdTo) q = q.where('o.created_at', '<', filter.createdTo);
    if (filter.status) q = q.where('o.status', 'in', filter.status.length ? [...filter.status] : ['']);
    if (filter.province) q = q.where('o.province', '=', filter.province);
    if (filter.merchant) {
      const merchant = filter.merchant;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('merchant_orders as m')
            .select('m.order_id')
            .whereRef('m.order_id', '=', 'o.id')
            .where('m.merchant', '=', merchant),
        ),
      );
    }
    const rows = await q.execute();
    return rows.map((r) => ({ orderId: r.id, customerId: r.customer_id }));
  }

  async findByBlindIndex(
    field: 'phone' | 'name' | 'idNumber' | 'address',
    values: readonly Buffer[],
  ): Promise<Array<{ bidx: Buffer; customerId: string }>> {
    const out: Array<{ bidx: Buffer; customerId: string }> = [];
    const customerColumn = {
      phone: 'phone_bidx',
      name: 'name_bidx',
      idNumber: 'id_number_bidx',
      address: null,
    }[field];
    const orderColumn = {
      phone: 'receiver_phone_bidx',
      name: 'receiver_name_bidx',
      idNumber: null,
      address: 'address_bidx',
    }[field];
    for (let i = 0; i < values.length; i += 50_000) {
      const chunk = values.slice(i, i + 50_000);
      if (customerColumn) {
        const r = await sql<{ bidx: Uint8Array; id: string }>`
          select ${sql.ref(customerColumn)} as bidx, id from customers
          where ${sql.ref(customerColumn)} = any(${chunk}::bytea[])`.execute(this.db);
        for (const row of r.rows) out.push({ bidx: buf(row.bidx), customerId: row.id });
      }
      if (orderColumn) {
        const r = await sql<{ bidx: Uint8Array; id: string }>`
          select distinct ${sql.ref(orderColumn)} as bidx, customer_id as id from orders
          where ${sql.ref(orderColumn)} = any(${chunk}::bytea[])`.execute(this.db);
        for (const row of r.rows) out.push({ bidx: buf(row.bidx), customerId: row.id });
      }
    }
    return out;
  }

  async phoneIndexesOf(customerIds: readonly string[]): Promise<Array<{ customerId: string; bidx: Buffer }>> {
    const out: Array<{ customerId: string; bidx: Buffer }> = [];
    for (let i = 0; i < customerIds.length; i += 10_000) {
      const chunk = customerIds.slice(i, i + 10_000);
      const r = await sql<{ customer_id: string; bidx: Uint8Array }>`
        select id as customer_id, phone_bidx as bidx from customers
        where id = any(${chunk}::text[]) and phone_bidx is not null
        union
        select customer_id, receiver_phone_bidx as bidx from orders
        where customer_id = any(${chunk}::text[]) and receiver_phone_bidx is not null`.execute(this.db);
      for (const row of r.rows) out.push({ customerId: row.customer_id, bidx: buf(row.bidx) });
    }
    return out;
  }

  async countCustomers(): Promise<number> {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from customers where erased_at is null`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async orderStatesSince(
    since: Date,
    limit: number,
  ): Promise<Array<{ id: string; customerId: string; status: string; createdAt: Date }>> {
    const rows = await this.db
      .selectFrom('orders')
      .select(['id', 'customer_id', 'status', 'created_at'])
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      status: r.status,
      createdAt: r.created_at,
    }));
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
