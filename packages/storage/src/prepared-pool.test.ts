import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { MAX_PREPARED_PER_CONNECTION } from './prepared-pool';
import { disposeDatabase, testDatabases } from './testing/test-databases';

const postgres = (await testDatabases()).find((b) => b.name === 'postgres');

describe.skipIf(!postgres || postgres.skipReason !== undefined)('prepared statements on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await (postgres as NonNullable<typeof postgres>).open();
  });
  afterAll(async () => {
    await disposeDatabase(database);
  });

  /** Named statements this session holds whose text contains `marker`. */
  const preparedWith = async (db: Database['db'], marker: string) =>
    (
      await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements
        where name like 'c%' and strpos(statement, ${marker}) > 0`.execute(db)
    ).rows[0]?.n;

  it('prepares a parameterised statement once per connection and reuses it', async () => {
    await database.db.connection().execute(async (db) => {
      for (let i = 0; i < 3; i += 1) {
        const r = await sql<{ x: number }>`select ${i}::int + 1 as x /* marker-a */`.execute(db);
        expect(r.rows[0]?.x).toBe(i + 1);
      }
      expect(await preparedWith(db, 'marker-a')).toBe(1);
    });
  });

  it('leaves statements without parameters unnamed', async () => {
    await database.db.connection().execute(async (db) => {
      await sql`select 1 as x /* marker-b */`.execute(db);
      expect(await preparedWith(db, 'marker-b')).toBe(0);
    });
  });

  it(`keeps at most ${MAX_PREPARED_PER_CONNECTION} texts per connection, running the rest unnamed`, async () => {
    await database.db.connection().execute(async (db) => {
      for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 20; i += 1) {
        const r = await sql<{ x: number }>`select ${i}::int as x ${sql.raw(`/* marker-c ${i} */`)}`.execute(
          db,
        );
        expect(r.rows[0]?.x).toBe(i);
      }
      const held = (
        await sql<{
          n: number;
        }>`select count(*)::int as n from pg_prepared_statements where name like 'c%'`.execute(db)
      ).rows[0]?.n;
      expect(held).toBeLessThanOrEqual(MAX_PREPARED_PER_CONNECTION);
      expect(await preparedWith(db, 'marker-c')).toBeGreaterThan(MAX_PREPARED_PER_CONNECTION - 20);
    });
  });
});
