import { CordonError } from '@cordon/core';
import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema';

interface Migration {
  version: number;
  name: string;
  up: (db: Kysely<Schema>) => Promise<void>;
}

/**
 * Ordered, append-only list of migrations. The same SQL serves PGlite and PostgreSQL. Never edit a
 * released migration: add a new one.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'vault',
    up: async (db) => {
      await sql`
        create table customers (
          id text primary key,
          created_at timestamptz not null,
          name_ct bytea not null,
          phone_ct bytea not null,
          email_ct bytea,
          id_number_ct bytea,
          name_bidx bytea,
          phone_bidx bytea,
          email_bidx bytea,
          id_number_bidx bytea,
          fingerprint bytea not null,
          erased_at timestamptz
        )`.execute(db);
      await sql`create index customers_name_bidx on customers (name_bidx)`.execute(db);
      await sql`create index customers_phone_bidx on customers (phone_bidx)`.execute(db);
      await sql`create index customers_email_bidx on customers (email_bidx)`.execute(db);
      await sql`create index customers_id_number_bidx on customers (id_number_bidx)`.execute(db);
      await sql`
        create table customer_keys (
          customer_id text primary key references customers (id),
          kek_version integer not null,
          wrapped_dek bytea not null
        )`.execute(db);
      await sql`create index customer_keys_version on customer_keys (kek_version, customer_id)`.execute(db);
      await sql`
        create table orders (
          id text primary key,
          customer_id text not null,
          created_at timestamptz not null,
          status text not null,
          province text not null,
          city text not null,
          district text not null,
          receiver_name_ct bytea not null,
          receiver_phone_ct bytea not null,
          street_ct bytea not null,
          receiver_name_bidx bytea,
          receiver_phone_bidx bytea,
          address_bidx bytea,
          items jsonb not null,
          total_cents bigint not null,
          channel text,
          device text,
          ip text,
          payment_fingerprint text,
          coupon text,
          promo text,
          fingerprint bytea not null
        )`.execute(db);
      await sql`create index orders_customer on orders (customer_id)`.execute(db);
      await sql`create index orders_receiver_name_bidx on orders (receiver_name_bidx)`.execute(db);
      await sql`create index orders_receiver_phone_bidx on orders (receiver_phone_bidx)`.execute(db);
      await sql`create index orders_address_bidx on orders (address_bidx)`.execute(db);
      await sql`
        create table erasure_receipts (
          customer_id text primary key references customers (id),
          erased_at timestamptz not null,
          ledger_seq bigint not null,
          receipt text not null
        )`.execute(db);
      await sql`
        create table api_keys (
          id text primary key,
          name text not null,
          secret_hash bytea not null,
          scopes jsonb not null,
          created_at timestamptz not null,
          revoked_at timestamptz
        )`.execute(db);
    },
  },
  {
    version: 2,
    name: 'ledger',
    up: async (db) => {
      await sql`
        create table ledger_head (
          id integer primary key check (id = 1),
          size bigint not null,
          frontier bytea not null
        )`.execute(db);
      await sql`insert into ledger_head (id, size, frontier) values (1, 0, '\\x'::bytea)`.execute(db);
      await sql`
        create table ledger_entries (
          seq bigint primary key,
          time timestamptz not null,
          leaf_hash bytea not null,
          body bytea,
          actor_id text not null,
          action text not null,
          customer_ids text[] not null
        )`.execute(db);
      await sql`create index ledger_entries_customers on ledger_entries using gin (customer_ids)`.execute(db);
      await sql`create index ledger_entries_actor on ledger_entries (actor_id, seq)`.execute(db);
      await sql`create index ledger_entries_time on ledger_entries (time)`.execute(db);
      await sql`
        create table ledger_nodes (
          level smallint not null,
          idx bigint not null,
          hash bytea not null,
          primary key (level, idx)
        )`.execute(db);
      await sql`
        create table ledger_checkpoints (
          size bigint primary key,
          root_hash bytea not null,
          note text not null,
          created_at timestamptz not null
        )`.execute(db);
      await sql`
        create table ledger_cosignatures (
          size bigint not null,
          witness text not null,
          signature_line text not null,
          received_at timestamptz not null,
          primary key (size, witness)
        )`.execute(db);
    },
  },
  {
    version: 3,
    name: 'access',
    up: async (db) => {
      await sql`
        create table staff (
          id text primary key,
          name text not null,
          role text not null,
          team text not null,
          merchant text,
          shift_start text not null,
          shift_end text not null,
          shift_tz text not null,
          status text not null,
          since timestamptz,
          reveal_quota integer,
          updated_at timestamptz not null
        )`.execute(db);
      await sql`
        create table staff_credentials (
          staff_id text primary key references staff (id),
          password_hash text not null,
          totp_secret bytea,
          totp_kek_version integer,
          totp_last_step bigint,
          failed_count integer not null default 0,
          locked_until timestamptz,
          changed_at timestamptz not null
        )`.execute(db);
      await sql`
        create table staff_tokens (
          id text primary key,
          staff_id text not null references staff (id),
          name text not null,
          secret_hash bytea not null,
          created_at timestamptz not null,
          revoked_at timestamptz
        )`.execute(db);
      await sql`create index staff_tokens_staff on staff_tokens (staff_id)`.execute(db);
      await sql`
        create table staff_sessions (
          id_hash bytea primary key,
          staff_id text not null references staff (id),
          created_at timestamptz not null,
          expires_at timestamptz not null,
          revoked_at timestamptz
        )`.execute(db);
      await sql`create index staff_sessions_staff on staff_sessions (staff_id)`.execute(db);
      await sql`
        create table tickets (
          id text primary key,
          customer_id text not null,
          order_id text,
          assignee text not null,
          status text not null,
          opened_at timestamptz not null,
          closed_at timestamptz
        )`.execute(db);
      await sql`create index tickets_assignee_customer on tickets (assignee, customer_id) where status = 'open'`.execute(
        db,
      );
      await sql`
        create table deliveries (
          order_id text primary key,
          courier text not null,
          window_from timestamptz not null,
          window_to timestamptz not null
        )`.execute(db);
      await sql`create index deliveries_courier on deliveries (courier, window_to)`.execute(db);
      await sql`
        create table merchant_orders (
          order_id text primary key,
          merchant text not null,
          delivered_at timestamptz
        )`.execute(db);
      await sql`create index merchant_orders_merchant on merchant_orders (merchant)`.execute(db);
      await sql`
        create table access_grants (
          staff_id text not null,
          kind text not null,
          customer_id text,
          at timestamptz not null
        )`.execute(db);
      await sql`create index access_grants_staff on access_grants (staff_id, kind, at)`.execute(db);
      await sql`
        create table break_glass (
          id text primary key,
          staff_id text not null,
          customer_id text not null,
          order_id text,
          fields jsonb not null,
          justification text not null,
          at timestamptz not null,
          review_status text not null,
          reviewer text,
          reviewed_at timestamptz,
          review_note text
        )`.execute(db);
      await sql`create index break_glass_pending on break_glass (review_status, at)`.execute(db);
      await sql`
        create table security_alerts (
          id text primary key,
          kind text not null,
          severity text not null,
          staff_id text,
          subject text,
          detail jsonb not null,
          created_at timestamptz not null,
          status text not null
        )`.execute(db);
      await sql`create index security_alerts_open on security_alerts (status, created_at)`.execute(db);
      await sql`
        create table exports (
          id text primary key,
          requester text not null,
          filter jsonb not null,
          fields jsonb not null,
          purpose text not null,
          reference text,
          recipient text not null,
          format text not null,
          plaintext boolean not null,
          status text not null,
          created_at timestamptz not null,
          approver text,
          decided_at timestamptz,
          decision_note text,
          plaintext_approved boolean,
          row_count integer,
          downloads integer not null default 0,
          expires_at timestamptz
        )`.execute(db);
      await sql`
        create table export_subjects (
          export_id text not null references exports (id),
          customer_id text not null,
          order_id text not null,
          canary boolean not null default false,
          primary key (export_id, order_id)
        )`.execute(db);
      await sql`create index export_subjects_customer on export_subjects (customer_id)`.execute(db);
    },
  },
  {
    version: 4,
    name: 'watch',
    up: async (db) => {
      await sql`
        create table watch_events (
          seq bigserial primary key,
          ts timestamptz not null,
          actor text not null,
          body jsonb not null,
          received_at timestamptz not null
        )`.execute(db);
      await sql`create index watch_events_actor on watch_events (actor, ts)`.execute(db);
      await sql`
        create table watch_state (
          id integer primary key check (id = 1),
          ledger_cursor bigint not null,
          events_cursor bigint not null,
          snapshot jsonb,
          updated_at timestamptz not null
        )`.execute(db);
      await sql`alter table security_alerts add column body jsonb`.execute(db);
      await sql`
        create table staff_holds (
          staff_id text primary key,
          alert_id text not null,
          severity text not null,
          reason text not null,
          created_at timestamptz not null,
          status text not null,
          decided_by text,
          decided_at timestamptz,
          note text
        )`.execute(db);
    },
  },
  {
    version: 5,
    name: 'trace',
    up: async (db) => {
      await sql`
        create table canaries (
          customer_id text primary key,
          phone_bidx bytea not null,
          email_bidx bytea,
          address_bidx bytea,
          planted_at timestamptz not null,
          export_id text,
          allocated_at timestamptz
        )`.execute(db);
      await sql`create index canaries_phone on canaries (phone_bidx)`.execute(db);
      await sql`create index canaries_email on canaries (email_bidx)`.execute(db);
      await sql`create index canaries_address on canaries (address_bidx)`.execute(db);
      await sql`create index canaries_free on canaries (planted_at) where export_id is null`.execute(db);
      await sql`create index watch_events_customers on watch_events using gin ((body -> 'customers'))`.execute(
        db,
      );
      await sql`
        create table incidents (
          id text primary key,
          title text not null,
          opened_at timestamptz not null,
          opened_by text not null,
          detected_at timestamptz not null,
          status text not null,
          insider boolean not null,
          eu_residents boolean not null,
          affected_count integer not null,
          report jsonb not null,
          closed_at timestamptz,
          closed_by text,
          resolution text
        )`.execute(db);
      await sql`
        create table incident_log (
          incident_id text not null references incidents (id),
          at timestamptz not null,
          actor text not null,
          kind text not null,
          note text not null
        )`.execute(db);
      await sql`create index incident_log_incident on incident_log (incident_id, at)`.execute(db);
      await sql`
        create table incident_affected (
          incident_id text not null references incidents (id),
          customer_id text not null,
          primary key (incident_id, customer_id)
        )`.execute(db);
    },
  },
  {
    version: 6,
    name: 'risk',
    up: async (db) => {
      await sql`
        create table risk_rule_log (
          seq bigint generated always as identity primary key,
          rule_id text not null,
          version integer not null,
          body jsonb not null,
          changed_at timestamptz not null,
          changed_by text not null,
          unique (rule_id, version)
        )`.execute(db);
      await sql`
        create table risk_promotions (
          id text primary key,
          version integer not null,
          body jsonb not null,
          changed_at timestamptz not null,
          changed_by text not null
        )`.execute(db);
      await sql`create table risk_list_prices (sku text primary key, list_price numeric(14, 2) not null)`.execute(
        db,
      );
      await sql`
        create table risk_decisions (
          order_id text primary key,
          account text not null,
          customer_id text not null,
          order_time timestamptz not null,
          decided_at timestamptz not null,
          decision text not null,
          score integer not null,
          reasons jsonb not null,
          rules jsonb not null,
          ruleset_version integer not null,
          requested_by text not null
        )`.execute(db);
      await sql`create index risk_decisions_review on risk_decisions (order_time, order_id) where decision = 'review'`.execute(
        db,
      );
      await sql`
        create table risk_reviews (
          order_id text primary key references risk_decisions (order_id),
          reviewer text not null,
          outcome text not null,
          reason text not null,
          decided_at timestamptz not null
        )`.execute(db);
      await sql`
        create table risk_appeals (
          order_id text primary key references risk_decisions (order_id),
          filed_at timestamptz not null,
          statement text not null,
          status text not null,
          decided_by text,
          decided_at timestamptz,
          outcome_reason text
        )`.execute(db);
      await sql`create index risk_appeals_open on risk_appeals (filed_at) where status = 'open'`.execute(db);
    },
  },
];

export const LATEST_SCHEMA = Math.max(...migrations.map((m) => m.version));

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so that
 * several processes starting at once migrate exactly once. Refuses a database migrated by newer code.
 */
export async function migrate(db: Kysely<Schema>): Promise<{ applied: number[]; version: number }> {
  await sql`create table if not exists cordon_migrations (
    version integer primary key,
    name text not null,
    applied_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table if not exists cordon_meta (key text primary key, value text not null)`.execute(db);
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(72616401)`.execute(tx);
    const rows = await tx.selectFrom('cordon_migrations').select('version').execute();
    const done = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...done);
    if (newest > LATEST_SCHEMA) {
      throw new CordonError(
        'CORDON_ERR_SCHEMA_TOO_NEW',
        `The database schema is version ${newest}; this Cordon understands up to ${LATEST_SCHEMA}. Upgrade Cordon, or point it at another database.`,
        { databaseVersion: newest, codeVersion: LATEST_SCHEMA },
      );
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await m.up(tx);
      await tx.insertInto('cordon_migrations').values({ version: m.version, name: m.name }).execute();
      applied.push(m.version);
    }
    return { applied, version: LATEST_SCHEMA };
  });
}
