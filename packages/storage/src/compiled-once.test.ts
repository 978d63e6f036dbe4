import { CamelCasePlugin, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CompiledOnce } from './compiled-once';
import type { Database } from './database';
import { disposeDatabase, resetDatabase, testDatabases } from './testing/test-databases';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 11, 0, minute));

for (const backend of await testDatabases()) {
  describe.skipIf(backend.skipReason !== undefined)(`CompiledOnce (${backend.name})`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await backend.open();
    });
    afterAll(async () => {
      await disposeDatabase(database);
    });
    beforeEach(async () => {
      await resetDatabase(database);
      await database.db
        .insertInto('access_grants')
        .values([
          { staff_id: 'a', kind: 'reveal', customer_id: 'C1', at: at(1) },
          { staff_id: 'a', kind: 'search', customer_id: null, at: at(2) },
          { staff_id: `o'neil,"x"{y}`, kind: 'reveal', customer_id: 'C2', at: at(3) },
          { staff_id: 'b', kind: 'reveal', customer_id: 'C3', at: at(4) },
        ])
        .execute();
    });

    it('answers what the builder answers, with each call’s own values and the builder’s constants', async () => {
      let builds = 0;
      const grantsOf = new CompiledOnce((db, staff: string[], after: Date) => {
        builds += 1;
        return db
          .selectFrom('access_grants')
          .select(['staff_id', 'customer_id'])
          .where('staff_id', '=', sql<string>`any(${staff}::text[])`)
          .where('kind', '=', 'reveal') // a constant of the statement, not an argument
          .where('at', '>', after)
          .orderBy('at');
      });
      const direct = (staff: string[], after: Date) =>
        database.db
          .selectFrom('access_grants')
          .select(['staff_id', 'customer_id'])
          .where('staff_id', '=', sql<string>`any(${staff}::text[])`)
          .where('kind', '=', 'reveal')
          .where('at', '>', after)
          .orderBy('at')
          .execute();
      for (const [staff, after] of [
        [['a', 'b'], at(0)],
        [[`o'neil,"x"{y}`], at(0)],
        [['a', 'b', `o'neil,"x"{y}`], at(2)],
        [[], at(0)],
      ] as Array<[string[], Date]>) {
        expect(await grantsOf.execute(database.db, staff, after)).toEqual(await direct(staff, after));
      }
      // Transactions use the same compilation.
      const inTx = await database.db.transaction().execute((tx) => grantsOf.execute(tx, ['a'], at(0)));
      expect(inTx).toEqual([{ staff_id: 'a', customer_id: 'C1' }]);
      expect(builds).toBe(1);
    });

    it('compiles afresh on a database with plugins (they transform queries as they compile)', async () => {
      let builds = 0;
      const count = new CompiledOnce((db, staff: string[]) => {
        builds += 1;
        return db
          .selectFrom('access_grants')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('staff_id', '=', sql<string>`any(${staff}::text[])`);
      });
      const plugged = database.db.withPlugin(new CamelCasePlugin());
      expect(await count.execute(plugged, ['a'])).toEqual([{ n: 2 }]);
      expect(await count.execute(plugged, ['b'])).toEqual([{ n: 1 }]);
      expect(builds).toBe(2);
    });

    it('refuses a builder that leaves an argument out, at its first use', async () => {
      const broken = new CompiledOnce((db, _staff: string[]) => db.selectFrom('access_grants').selectAll());
      await expect(broken.execute(database.db, ['a'])).rejects.toThrow(/argument 0 does not reach/);
    });
  });
}
