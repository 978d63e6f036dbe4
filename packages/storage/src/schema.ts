import type { ColumnType } from 'kysely';

type Bytes = Uint8Array;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Kysely view of the schema created by migrations.ts. */
export interface Schema {
  cordon_meta: { key: string; value: string };
  cordon_migrations: {
    version: number;
    name: string;
    applied_at: ColumnType<Date, Date | string | undefined, never>;
  };
  customers: {
    id: string;
    created_at: Timestamp;
    name_ct: Bytes;
    phone_ct: Bytes;
    email_ct: Bytes | null;
    id_number_ct: Bytes | null;
    name_bidx: Bytes | null;
    phone_bidx: Bytes | null;
    email_bidx: Bytes | null;
    id_number_bidx: Bytes | null;
    fingerprint: Bytes;
    erased_at: Timestamp | null;
  };
  customer_keys: { customer_id: string; kek_version: number; wrapped_dek: Bytes };
  orders: {
    id: string;
    customer_id: string;
    created_at: Timestamp;
    status: string;
    province: string;
    city: string;
    district: string;
    receiver_name_ct: Bytes;
    receiver_phone_ct: Bytes;
    street_ct: Bytes;
    receiver_name_bidx: Bytes | null;
    receiver_phone_bidx: Bytes | null;
    address_bidx: Bytes | null;
    items: ColumnType<unknown, string, string>;
    total_cents: ColumnType<number, number, number>;
    channel: string | null;
    device: string | null;
    ip: string | null;
    payment_fingerprint: string | null;
    coupon: string | null;
    promo: string | null;
    fingerprint: Bytes;
  };
  erasure_receipts: { customer_id: string; erased_at: Timestamp; ledger_seq: number; receipt: string };
  api_keys: {
    id: string;
    name: string;
    secret_hash: Bytes;
    scopes: ColumnType<unknown, string, string>;
    created_at: Timestamp;
    revoked_at: Timestamp | null;
  };
  ledger_head: { id: number; size: number; frontier: Bytes };
  ledger_entries: {
    seq: number;
    time: Timestamp;
    leaf_hash: Bytes;
    body: Bytes | null;
    actor_id: string;
    action: string;
    customer_ids: ColumnType<string[], string[], string[]>;
  };
  ledger_nodes: { level: number; idx: number; hash: Bytes };
  ledger_checkpoints: { size: number; root_hash: Bytes; note: string; created_at: Timestamp };
  ledger_cosignatures: { size: number; witness: string; signature_line: string; received_at: Timestamp };
}
