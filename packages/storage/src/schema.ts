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
  staff: {
    id: string;
    name: string;
    role: string;
    team: string;
    merchant: string | null;
    shift_start: string;
    shift_end: string;
    shift_tz: string;
    status: string;
    since: Timestamp | null;
    reveal_quota: number | null;
    updated_at: Timestamp;
  };
  staff_credentials: {
    staff_id: string;
    password_hash: string;
    totp_secret: Bytes | null;
    totp_kek_version: number | null;
    totp_last_step: number | null;
    failed_count: ColumnType<number, number | undefined, number>;
    locked_until: Timestamp | null;
    changed_at: Timestamp;
  };
  staff_tokens: {
    id: string;
    staff_id: string;
    name: string;
    secret_hash: Bytes;
    created_at: Timestamp;
    revoked_at: Timestamp | null;
  };
  staff_sessions: {
    id_hash: Bytes;
    staff_id: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    revoked_at: Timestamp | null;
  };
  tickets: {
    id: string;
    customer_id: string;
    order_id: string | null;
    assignee: string;
    status: string;
    opened_at: Timestamp;
    closed_at: Timestamp | null;
  };
  deliveries: { order_id: string; courier: string; window_from: Timestamp; window_to: Timestamp };
  merchant_orders: { order_id: string; merchant: string; delivered_at: Timestamp | null };
  access_grants: { staff_id: string; kind: string; customer_id: string | null; at: Timestamp };
  break_glass: {
    id: string;
    staff_id: string;
    customer_id: string;
    order_id: string | null;
    fields: ColumnType<unknown, string, string>;
    justification: string;
    at: Timestamp;
    review_status: string;
    reviewer: string | null;
    reviewed_at: Timestamp | null;
    review_note: string | null;
  };
  security_alerts: {
    id: string;
    kind: string;
    severity: string;
    staff_id: string | null;
    subject: string | null;
    detail: ColumnType<unknown, string, string>;
    created_at: Timestamp;
    status: string;
    body: ColumnType<unknown, string | null | undefined, string | null>;
  };
  exports: {
    id: string;
    requester: string;
    filter: ColumnType<unknown, string, string>;
    fields: ColumnType<unknown, string, string>;
    purpose: string;
    reference: string | null;
    recipient: string;
    format: string;
    plaintext: boolean;
    status: string;
    created_at: Timestamp;
    approver: string | null;
    decided_at: Timestamp | null;
    decision_note: string | null;
    plaintext_approved: boolean | null;
    row_count: number | null;
    downloads: ColumnType<number, number | undefined, number>;
    expires_at: Timestamp | null;
  };
  export_subjects: {
    export_id: string;
    customer_id: string;
    order_id: string;
    canary: ColumnType<boolean, boolean | undefined, boolean>;
  };
  watch_events: {
    seq: ColumnType<number, never, never>;
    ts: Timestamp;
    actor: string;
    body: ColumnType<unknown, string, string>;
    received_at: Timestamp;
  };
  watch_state: {
    id: number;
    ledger_cursor: number;
    events_cursor: number;
    snapshot: ColumnType<unknown, string | null, string | null>;
    updated_at: Timestamp;
  };
  staff_holds: {
    staff_id: string;
    alert_id: string;
    severity: string;
    reason: string;
    created_at: Timestamp;
    status: string;
    decided_by: string | null;
    decided_at: Timestamp | null;
    note: string | null;
  };
  canaries: {
    customer_id: string;
    phone_bidx: Bytes;
    email_bidx: Bytes | null;
    address_bidx: Bytes | null;
    planted_at: Timestamp;
    export_id: string | null;
    allocated_at: Timestamp | null;
  };
  incidents: {
    id: string;
    title: string;
    opened_at: Timestamp;
    opened_by: string;
    detected_at: Timestamp;
    status: string;
    insider: boolean;
    eu_residents: boolean;
    affected_count: number;
    report: ColumnType<unknown, string, string>;
    closed_at: Timestamp | null;
    closed_by: string | null;
    resolution: string | null;
  };
  incident_log: { incident_id: string; at: Timestamp; actor: string; kind: string; note: string };
  incident_affected: { incident_id: string; customer_id: string };
  risk_rule_log: {
    seq: ColumnType<number, never, never>;
    rule_id: string;
    version: number;
    body: ColumnType<unknown, string, string>;
    changed_at: Timestamp;
    changed_by: string;
  };
  risk_promotions: {
    id: string;
    version: number;
    body: ColumnType<unknown, string, string>;
    changed_at: Timestamp;
    changed_by: string;
  };
  risk_list_prices: { sku: string; list_price: ColumnType<string, number | string, number | string> };
  risk_decisions: {
    order_id: string;
    account: string;
    customer_id: string;
    order_time: Timestamp;
    decided_at: Timestamp;
    decision: string;
    score: number;
    reasons: ColumnType<unknown, string, string>;
    rules: ColumnType<unknown, string, string>;
    ruleset_version: number;
    requested_by: string;
  };
  risk_reviews: {
    order_id: string;
    reviewer: string;
    outcome: string;
    reason: string;
    decided_at: Timestamp;
  };
  risk_appeals: {
    order_id: string;
    filed_at: Timestamp;
    statement: string;
    status: string;
    decided_by: string | null;
    decided_at: Timestamp | null;
    outcome_reason: string | null;
  };
}
