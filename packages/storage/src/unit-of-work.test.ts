import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { staffMember } from './testing/staff-member';
import { disposeDatabase, resetDatabase, testDatabases } from './testing/test-databases';
import { KyselyUnitOfWork, repositoriesFor } from './unit-of-work';

/** Counts the statements a Kysely instance runs (a real Kysely plugin, told of every result; it changes nothing). */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    this.count += 1;
    return args.result;
  }
}

for (const backend of await testDatabases()) {
  describe.skipIf(backend.skipReason !== undefined)(`unit of work: batched lookups (${backend.name})`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await backend.open();
    });
    afterAll(async () => {
      await disposeDatabase(database);
    });
    beforeEach(async () => {
      await resetDatabase(database);
      const repos = repositoriesFor(database.db);
      await repos.staff.upsert([staffMember('s1'), staffMember('s2')]);
      for (const [token, staffId] of [
        ['tok1', 's1'],
        ['tok2', 's2'],
      ] as const) {
        await repos.staff.insertToken({
          id: token,
          staffId,
          name: 'tool',
          secretHash: Buffer.alloc(32, 7),
          createdAt: new Date('2026-11-01T00:00:00Z'),
          revokedAt: null,
        });
      }
    });

    it("sends one statement for the token lookups of one event-loop turn, and answers each caller's own", async () => {
      const counter = new StatementCounter();
      const uow = new KyselyUnitOfWork(database.db.withPlugin(counter));
      const [a, b, again, missing] = await uow.read((repos) =>
        Promise.all([
          repos.staff.findTokenHolder('tok1'),
          repos.staff.findTokenHolder('tok2'),
          repos.staff.findTokenHolder('tok1'),
          repos.staff.findTokenHolder('tok-unknown'),
        ]),
      );
      expect(counter.count).toBe(1);
      expect(a?.holder?.id).toBe('s1');
      expect(b?.holder?.id).toBe('s2');
      expect(again?.token.id).toBe('tok1');
      expect(missing).toBeUndefined();
    });

    it('lookups of later turns leave in later statements, with the answers as stored then', async () => {
      const counter = new StatementCounter();
      const uow = new KyselyUnitOfWork(database.db.withPlugin(counter));
      const first = await uow.read((repos) => repos.staff.find('s1'));
      expect(first?.status).toBe('active');
      await repositoriesFor(database.db).staff.upsert([staffMember('s1', 'departed')]);
      const second = await uow.read((repos) => repos.staff.find('s1'));
      expect(second?.status).toBe('departed');
      expect(counter.count).toBe(2);
    });
  });
}
