import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, openDatabase } from '../database';

/** Where the storage tests find PostgreSQL; CI always has it (see .ci/run). */
export const TEST_DATABASE_URL =
  process.env.CORDON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** Why this backend is unavailable, or undefined when it runs. */
  skipReason: string | undefined;
  open(): Promise<Database>;
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The backends the storage contract suite runs on, from STORAGE (default `pglite,postgres`).
 * PostgreSQL that cannot be reached is a hard failure in CI and a loud skip elsewhere.
 */
export async function testDatabases(): Promise<TestDatabase[]> {
  const wanted = (process.env.STORAGE ?? 'pglite,postgres').split(',').map((s) => s.trim());
  const out: TestDatabase[] = [];
  if (wanted.includes('pglite')) {
    out.push({ name: 'pglite', skipReason: undefined, open: () => openDatabase({ dataDir: 'memory://' }) });
  }
  if (wanted.includes('postgres')) {
    const problem = await postgresReachable();
    if (problem && process.env.CI) {
      throw new Error(`PostgreSQL is required in CI but unreachable at ${TEST_DATABASE_URL}: ${problem}`);
    }
    if (problem) {
      process.stderr.write(
        `\n!!! SKIPPING PostgreSQL storage tests: ${TEST_DATABASE_URL} unreachable (${problem}) !!!\n\n`,
      );
    }
    out.push({
      name: 'postgres',
      skipReason: problem,
      open: () =>
        openDatabase({
          databaseUrl: TEST_DATABASE_URL,
          schema: `cordon_test_${randomBytes(6).toString('hex')}`,
          poolSize: 4,
        }),
    });
  }
  return out;
}

/** Empties every data table (between tests), keeping the schema and the ledger head row. */
export async function resetDatabase(database: Database): Promise<void> {
  await sql`truncate erasure_receipts, orders, customer_keys, customers, api_keys, ledger_entries, ledger_nodes,
    ledger_checkpoints, ledger_cosignatures, cordon_meta, staff_sessions, staff_tokens, staff_credentials, staff,
    tickets, deliveries, merchant_orders, access_grants, break_glass, security_alerts, export_subjects, exports, watch_events, watch_state, staff_holds, canaries, incident_affected, incident_log, incidents, risk_appeals, risk_reviews, risk_decisions, risk_rule_log, risk_promotions, risk_list_prices`.execute(
    database.db,
  );
  await sql`update ledger_head set size = 0, frontier = '\\x'::bytea where id = 1`.execute(database.db);
}

/** Drops a test schema on PostgreSQL when a file's tests are done. */
export async function disposeDatabase(database: Database): Promise<void> {
  if (database.dialect === 'postgres') {
    const r = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
    const schema = r.rows[0]?.schema;
    if (schema?.startsWith('cordon_test_'))
      await sql.raw(`drop schema ${schema} cascade`).execute(database.db);
  }
  await database.close();
}
