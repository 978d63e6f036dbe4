import { openDatabase, TEST_DATABASE_URL } from '@cordon/storage';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
const pgDb = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: process.argv[2]!, poolSize: 1 });
const values = Array.from({ length: 50000 }, () => randomBytes(32));
for (const n of [50000, 10000, 1000]) {
  const ex = await sql`explain analyze select distinct customer_id from orders where receiver_phone_bidx = any(${values.slice(0, n)}::bytea[])`.execute(pgDb.db);
  const lines = ex.rows.map((r: any) => String(r['QUERY PLAN']).slice(0, 140));
  console.log(n, lines.filter((l) => /Scan|Execution/.test(l)).join(' | '));
  const ex2 = await sql`explain analyze select o.customer_id from unnest(${values.slice(0, n)}::bytea[]) v(b) join orders o on o.receiver_phone_bidx = v.b`.execute(pgDb.db);
  console.log('  join form', ex2.rows.map((r: any) => String(r['QUERY PLAN']).slice(0, 100)).filter((l: string) => /Scan|Loop|Join|Execution/.test(l)).join(' | '));
}
process.exit(0);
