import {
  CordonError,
  customerFixtures,
  fixturePlaintexts,
  openNote,
  orderFixture,
  type RequestContext,
} from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { newKeyring } from './keyring.file';
import { LATEST_SCHEMA, migrate } from './migrations';
import { staffMember } from './testing/staff-member';
import { disposeDatabase, resetDatabase, testDatabases } from './testing/test-databases';
import { repositoriesFor } from './unit-of-work';

const ctx: RequestContext = {
  actor: { type: 'apikey', id: 'apikey:test', role: 'service' },
  scopes: ['admin'],
  requestId: 'req-1',
  clientAddress: '127.0.0.1',
};

async function expectCode(promise: Promise<unknown>, code: string): Promise<CordonError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CordonError);
  expect((error as CordonError).code).toBe(code);
  return error as CordonError;
}

/** Every plaintext PII value of the fixtures, checked against raw rows of every table. */
async function rawDump(database: Database): Promise<string> {
  const tables = [
    'customers',
    'customer_keys',
    'orders',
    'erasure_receipts',
    'ledger_entries',
    'ledger_nodes',
    'ledger_checkpoints',
    'cordon_meta',
    'api_keys',
  ];
  let dump = '';
  for (const table of tables) {
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(database.db);
    for (const row of r.rows) {
      for (const value of Object.values(row)) {
        if (value instanceof Uint8Array)
          dump += `${Buffer.from(value).toString('utf8')}\n${Buffer.from(value).toString('latin1')}\n`;
        else dump += `${JSON.stringify(value)}\n`;
      }
    }
  }
  return dump;
}

for (const backend of await testDatabases()) {
  describe.skipIf(backend.skipReason !== undefined)(`storage contract on ${backend.name}`, () => {
    let database: Database;
    let runtime: Awaited<ReturnType<typeof testRuntime>>;

    beforeAll(async () => {
      database = await backend.open();
    });
    afterAll(async () => {
      await disposeDatabase(database);
    });
    beforeEach(async () => {
      await resetDatabase(database);
      runtime = await testRuntime(database);
    });

    describe('migrations', () => {
      it('are idempotent', async () => {
        const again = await migrate(database.db);
        expect(again.applied).toEqual([]);
        expect(again.version).toBe(LATEST_SCHEMA);
      });

      it('refuse a database migrated by newer code', async () => {
        await sql`insert into cordon_migrations (version, name) values (${LATEST_SCHEMA + 1}, 'from the future')`.execute(
          database.db,
        );
        try {
          await expectCode(migrate(database.db), 'CORDON_ERR_SCHEMA_TOO_NEW');
        } finally {
          await sql`delete from cordon_migrations where version = ${LATEST_SCHEMA + 1}`.execute(database.db);
        }
      });
    });

    describe('ingestion', () => {
      it('stores customers and shows them masked', async () => {
        const r = await runtime.vault.ingestCustomers(ctx, customerFixtures);
        expect(r).toEqual({ received: 3, inserted: 3, unchanged: 0 });
        const c1 = await runtime.vault.getCustomer(ctx, 'C1');
        expect(c1).toMatchObject({
          id: 'C1',
          name: '张*',
          phone: '138****5678',
          idNumber: '110105********002X',
        });
        expect(c1.email).toMatch(/^z\*\*\*@example\.com$/);
        expect((await runtime.vault.getCustomer(ctx, 'C2')).name).toBe('欧阳**');
        expect((await runtime.vault.getCustomer(ctx, 'C3')).phone).toBe('010-****1234');
      });

      it('is idempotent on the external id and refuses changed content with 409, writing nothing', async () => {
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        expect(await runtime.vault.ingestCustomers(ctx, customerFixtures)).toEqual({
          received: 3,
          inserted: 0,
          unchanged: 3,
        });
        const changed = [
          { ...customerFixtures[0], name: '张四' },
          { id: 'C9', name: '王五', phone: '13600000000', createdAt: '2026-01-01T00:00:00+08:00' },
        ];
        const error = await expectCode(runtime.vault.ingestCustomers(ctx, changed), 'CORDON_ERR_CONFLICT');
        expect(error.status).toBe(409);
        expect(error.message).not.toContain('张四');
        await expectCode(runtime.vault.getCustomer(ctx, 'C9'), 'CORDON_ERR_NOT_FOUND');
      });

      it.each([
        ['a bad phone', { ...customerFixtures[0], phone: '12345' }, 'CORDON_ERR_INVALID_PHONE', 'phone'],
        [
          'a bad ID number',
          { ...customerFixtures[0], idNumber: '110105194912310021' },
          'CORDON_ERR_INVALID_ID_NUMBER',
          'idNumber',
        ],
        ['an unknown field', { ...customerFixtures[0], wechat: 'zs' }, 'CORDON_ERR_UNKNOWN_FIELD', 'wechat'],
        [
          'a phone number used as a field name',
          { ...customerFixtures[0], '13812345678': 1 },
          'CORDON_ERR_UNKNOWN_FIELD',
          'unprintable',
        ],
        ['a missing name', { ...customerFixtures[0], name: undefined }, 'CORDON_ERR_VALIDATION', 'name'],
        [
          'a bad time',
          { ...customerFixtures[0], createdAt: 'yesterday' },
          'CORDON_ERR_VALIDATION',
          'createdAt',
        ],
      ])(
        'refuses %s with a code naming the field, and writes nothing of the batch',
        async (_label, bad, code, field) => {
          const error = await expectCode(
            runtime.vault.ingestCustomers(ctx, [customerFixtures[1], bad]),
            code,
          );
          expect(error.message).toContain(field);
          expect(error.message).toContain('item 1');
          for (const pii of fixturePlaintexts) expect(error.message).not.toContain(pii);
          expect((await runtime.vault.search(ctx, { orderId: 'none' })).results).toEqual([]);
          await expectCode(runtime.vault.getCustomer(ctx, 'C2'), 'CORDON_ERR_NOT_FOUND');
        },
      );

      it('refuses duplicates in one batch and batches over 1,000', async () => {
        await expectCode(
          runtime.vault.ingestCustomers(ctx, [customerFixtures[0], customerFixtures[0]]),
          'CORDON_ERR_DUPLICATE_IN_BATCH',
        );
        const many = Array.from({ length: 1001 }, (_, i) => ({ ...customerFixtures[0], id: `X${i}` }));
        await expectCode(runtime.vault.ingestCustomers(ctx, many), 'CORDON_ERR_BATCH_TOO_LARGE');
      });

      it('refuses orders of unknown customers without writing the valid ones of the batch', async () => {
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        const error = await expectCode(
          runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C1'), orderFixture('O2', 'NOPE')]),
          'CORDON_ERR_CUSTOMER_NOT_FOUND',
        );
        expect(error.details).toMatchObject({ index: 1, customerId: 'NOPE' });
        await expectCode(runtime.vault.getOrder(ctx, 'O1'), 'CORDON_ERR_NOT_FOUND');
      });

      it('refuses an order whose total exceeds its items', async () => {
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        await expectCode(
          runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C1', { total: 1000 })]),
          'CORDON_ERR_VALIDATION',
        );
      });

      it('stores orders with the address masked below the district', async () => {
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        await runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C1')]);
        const o = await runtime.vault.getOrder(ctx, 'O1');
        expect(o.receiver).toEqual({
          name: '李*',
          phone: '137****1111',
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '****',
          address: '北京市北京市海淀区****',
        });
        expect(o.total).toBe(399);
        expect(o.items).toEqual([{ sku: 'SKU-1', name: '耳机', price: 199.5, qty: 2 }]);
      });
    });

    describe('search', () => {
      beforeEach(async () => {
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        await runtime.vault.ingestOrders(ctx, [
          orderFixture('O1', 'C1'),
          orderFixture('O2', 'C1', {
            receiver: { ...orderFixture('O2', 'C1').receiver, phone: '13812345678', name: '张三' },
          }),
          orderFixture('O3', 'C2'),
        ]);
      });

      it('finds a phone written in any format, in customers and order receivers', async () => {
        for (const phone of ['13812345678', '+86 138 1234 5678', '138-1234-5678']) {
          const r = await runtime.vault.search(ctx, { phone });
          expect(
            r.results.map((x) => (x.kind === 'customer' ? `c:${x.customer.id}` : `o:${x.order.id}`)),
          ).toEqual(['c:C1', 'o:O2']);
        }
      });

      it('finds by name and by order id, masked, and pages with a cursor', async () => {
        const first = await runtime.vault.search(ctx, { name: '李四', limit: 1 });
        expect(first.results).toHaveLength(1);
        expect(first.nextCursor).not.toBeNull();
        const second = await runtime.vault.search(ctx, {
          name: '李四',
          limit: 1,
          cursor: first.nextCursor ?? '',
        });
        expect(second.results).toHaveLength(1);
        expect(second.nextCursor).toBeNull();
        const ids = [...first.results, ...second.results].map((x) => (x.kind === 'order' ? x.order.id : ''));
        expect(ids).toEqual(['O1', 'O3']);
        const byId = await runtime.vault.search(ctx, { orderId: 'O3' });
        expect(byId.results[0]).toMatchObject({
          kind: 'order',
          order: { id: 'O3', receiver: { name: '李*' } },
        });
      });

      it('refuses ambiguous or malformed queries', async () => {
        await expectCode(runtime.vault.search(ctx, {}), 'CORDON_ERR_VALIDATION');
        await expectCode(runtime.vault.search(ctx, { phone: '1', name: 'x' }), 'CORDON_ERR_VALIDATION');
        await expectCode(runtime.vault.search(ctx, { phone: 'abc' }), 'CORDON_ERR_INVALID_PHONE');
        await expectCode(
          runtime.vault.search(ctx, { name: '张三', cursor: 'bm9wZQ' }),
          'CORDON_ERR_VALIDATION',
        );
      });
    });

    it('keeps no plaintext PII in any raw row', async () => {
      await runtime.vault.ingestCustomers(ctx, customerFixtures);
      await runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C1'), orderFixture('O2', 'C2')]);
      await runtime.vault.getCustomer(ctx, 'C1');
      await runtime.vault.search(ctx, { phone: '13812345678' });
      await runtime.vault.erase(ctx, 'C3');
      await runtime.ledger.checkpoint();
      const dump = await rawDump(database);
      expect(dump).toContain('C1');
      for (const pii of fixturePlaintexts) expect(dump).not.toContain(pii);
      expect(dump).not.toContain('139-8765-4321');
    });

    it('carries bytea both ways byte for byte (PGlite through its hex codec override)', async () => {
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const cases = [
        Buffer.alloc(0),
        Buffer.from([0]),
        every,
        Buffer.concat([every, Buffer.from(every).reverse()]),
      ];
      for (const value of cases) {
        // A view into a larger buffer: the codec must honour its offset and length.
        const view = Buffer.concat([Buffer.from([9, 9]), value, Buffer.from([9])]).subarray(
          2,
          2 + value.length,
        );
        const r = await sql<{
          b: Uint8Array;
          n: number;
        }>`select ${view}::bytea as b, length(${value}::bytea)::int as n`.execute(database.db);
        expect(r.rows[0]?.n).toBe(value.length);
        expect(Buffer.from(r.rows[0]?.b ?? []).equals(value)).toBe(true);
      }
    });

    it('stores batches whose byte columns are packed into one parameter each, nulls included', async () => {
      // Every third customer has no email and no ID number: null offsets in the packed columns.
      const many = Array.from({ length: 30 }, (_, i) => ({
        ...(customerFixtures[0] as object),
        id: `P${i}`,
        phone: `1381234${String(i).padStart(4, '0')}`,
        ...(i % 3 === 0 ? { email: undefined, idNumber: undefined } : {}),
      }));
      await runtime.vault.ingestCustomers(ctx, JSON.parse(JSON.stringify(many)));
      await runtime.vault.ingestOrders(
        ctx,
        many.map((c, i) => orderFixture(`PO${i}`, (c as { id: string }).id)),
      );
      for (const i of [0, 1, 2, 17, 29]) {
        const c = await runtime.vault.getCustomer(ctx, `P${i}`);
        expect(c.name).toMatch(/\*/);
        expect(c.email === null).toBe(i % 3 === 0);
        const o = await runtime.vault.getOrder(ctx, `PO${i}`);
        expect(o.customerId).toBe(`P${i}`);
        expect(o.receiver.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      }
      const raw = await sql<{ id: string; email: Uint8Array | null; name: Uint8Array }>`
        select id, email_ct as email, name_ct as name from customers where id like 'P%' order by id`.execute(
        database.db,
      );
      expect(raw.rows.filter((r) => r.email === null)).toHaveLength(10);
      expect(new Set(raw.rows.map((r) => Buffer.from(r.name).toString('hex'))).size).toBe(30);
    });

    describe('staff lookups for a burst of requests (one statement, any number of ids)', () => {
      it('finds people and token holders by id, ignoring unknown and repeated ids', async () => {
        const repos = repositoriesFor(database.db);
        const at = new Date('2026-11-29T08:00:00Z');
        // Ids are external: quotes, commas and braces must not break the array parameter.
        const ids = ['a1', 'a"2', 'a,3', '{a4}'];
        await repos.staff.upsert(ids.map((id, i) => staffMember(id, i === 3 ? 'departed' : 'active')));
        for (const [i, id] of ids.entries()) {
          await repos.staff.insertToken({
            id: `tok${i}`,
            staffId: id,
            name: 'laptop',
            secretHash: Buffer.alloc(32, i),
            createdAt: at,
            revokedAt: null,
          });
        }
        const found = await repos.staff.findMany(['{a4}', 'a,3', 'nobody', 'a,3', 'a"2']);
        expect(found.map((p) => [p.id, p.status]).sort()).toEqual([
          ['a"2', 'active'],
          ['a,3', 'active'],
          ['{a4}', 'departed'],
        ]);
        const holders = async (tokenIds: string[]) =>
          (await repos.staff.findTokenHolders(tokenIds))
            .map((h) => [h.token.id, h.holder?.id, h.token.secretHash[0]])
            .sort();
        expect(await holders(['tok3'])).toEqual([['tok3', '{a4}', 3]]);
        expect(await holders(['tok3', 'tok0', 'tok9'])).toEqual([
          ['tok0', 'a1', 0],
          ['tok3', '{a4}', 3],
        ]);
        expect(await repos.staff.findMany([])).toEqual([]);
        expect(await repos.staff.findTokenHolders([])).toEqual([]);
      });
    });

    describe('policy facts (one statement for a batch of decisions)', () => {
      it('answers every kind of fact, with dates as Dates and counters in the order asked', async () => {
        const repos = repositoriesFor(database.db);
        const now = new Date('2026-11-29T12:00:00Z');
        const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
        await repos.assignments.upsertTickets([
          ...Array.from({ length: 22 }, (_, i) => ({
            id: `T${String(i).padStart(2, '0')}`,
            customerId: 'C1',
            orderId: null,
            assignee: 'a1',
            status: 'open' as const,
            openedAt: at(60),
            closedAt: null,
          })),
          {
            id: 'X1',
            customerId: 'C2',
            orderId: 'O2',
            assignee: 'a2',
            status: 'closed',
            openedAt: at(90),
            closedAt: at(30),
          },
        ]);
        await repos.assignments.upsertDeliveries([
          { orderId: 'O2', courier: 'k1', from: at(120), to: at(-60) },
        ]);
        await repos.assignments.upsertMerchantOrders([{ orderId: 'O2', merchant: 'M1', deliveredAt: null }]);
        await repos.access.recordGrants([
          { staffId: 'a1', kind: 'reveal', customerId: 'C1', at: at(10) },
          { staffId: 'a1', kind: 'reveal', customerId: 'C1', at: at(5) },
          { staffId: 'a1', kind: 'reveal', customerId: 'C3', at: at(20) },
          { staffId: 'a1', kind: 'reveal', customerId: 'C4', at: at(25 * 60) },
          { staffId: 'a1', kind: 'search', customerId: null, at: at(0.5) },
          { staffId: 'a1', kind: 'search', customerId: null, at: at(2) },
          { staffId: 'a2', kind: 'break_glass', customerId: 'C2', at: at(3) },
        ]);
        await repos.watch.upsertHold({
          staffId: 'a2',
          alertId: 'al_1',
          severity: 'high',
          reason: 'test',
          createdAt: at(1),
          status: 'active',
          decidedBy: null,
          decidedAt: null,
          note: null,
        });
        const facts = await repos.access.policyFacts(
          {
            ticketIds: ['X1', 'missing'],
            openTicketPairs: [
              { staffId: 'a1', customerId: 'C1' },
              { staffId: 'a1', customerId: 'C1' },
              { staffId: 'a2', customerId: 'C2' },
            ],
            orderIds: ['O2', 'O9'],
            counters: [
              { staffId: 'a2', customerId: 'C2' },
              { staffId: 'a1', customerId: 'C3' },
              { staffId: 'nobody', customerId: undefined },
              { staffId: 'a1', customerId: 'C4' },
            ],
            holds: ['a1', 'a2'],
          },
          now,
        );
        expect(facts.tickets).toEqual([
          {
            id: 'X1',
            customerId: 'C2',
            orderId: 'O2',
            assignee: 'a2',
            status: 'closed',
            openedAt: at(90),
            closedAt: at(30),
          },
        ]);
        // At most 20 a pair, in id order; a pair with only closed tickets is absent.
        expect(facts.openTickets).toHaveLength(1);
        expect(facts.openTickets[0]?.ticketIds).toEqual(
          Array.from({ length: 20 }, (_, i) => `T${String(i).padStart(2, '0')}`),
        );
        expect(facts.deliveries).toEqual([{ orderId: 'O2', courier: 'k1', from: at(120), to: at(-60) }]);
        expect(facts.merchantOrders).toEqual([{ orderId: 'O2', merchant: 'M1', deliveredAt: null }]);
        expect(facts.counters).toEqual([
          { revealed24h: 0, alreadyRevealed: false, searchesLastMinute: 0, breakGlass24h: 1 },
          { revealed24h: 2, alreadyRevealed: true, searchesLastMinute: 1, breakGlass24h: 0 },
          { revealed24h: 0, alreadyRevealed: false, searchesLastMinute: 0, breakGlass24h: 0 },
          // C4 was revealed 25 hours ago: outside the window, so not "already revealed".
          { revealed24h: 2, alreadyRevealed: false, searchesLastMinute: 1, breakGlass24h: 0 },
        ]);
        expect(facts.holds).toEqual([
          {
            staffId: 'a2',
            alertId: 'al_1',
            severity: 'high',
            reason: 'test',
            createdAt: at(1),
            status: 'active',
            decidedBy: null,
            decidedAt: null,
            note: null,
          },
        ]);
        const none = await repos.access.policyFacts(
          { ticketIds: [], openTicketPairs: [], orderIds: [], counters: [], holds: [] },
          now,
        );
        expect(none).toEqual({
          tickets: [],
          openTickets: [],
          deliveries: [],
          merchantOrders: [],
          counters: [],
          holds: [],
        });
      });

      it("takes several people's locks in one statement, each once, until the transaction ends", async () => {
        const held = async (db: typeof database.db) =>
          (
            await sql<{ n: number }>`select count(*)::int as n from pg_locks
              where locktype = 'advisory' and pid = pg_backend_pid() and classid = 72616402`.execute(db)
          ).rows[0]?.n;
        await repositoriesFor(database.db).staff.upsert([staffMember('a'), staffMember('c', 'departed')]);
        // One connection throughout, so the last check looks at the same session the locks were in.
        await database.db.connection().execute(async (conn) => {
          await conn.transaction().execute(async (tx) => {
            const repos = repositoriesFor(tx);
            // The people come with their locks: those in the directory, as stored.
            const people = await repos.access.lockStaff(['b', 'a', 'c', 'a']);
            expect(people.map((p) => `${p.id}:${p.status}`).sort()).toEqual(['a:active', 'c:departed']);
            expect(people.find((p) => p.id === 'a')).toEqual(staffMember('a'));
            expect(await held(tx)).toBe(3);
            await repos.access.lockStaff(['a']);
            expect(await held(tx)).toBe(3);
            // Nobody in the directory: the lock is still taken.
            expect(await repos.access.lockStaff(['x'])).toEqual([]);
            expect(await held(tx)).toBe(4);
          });
          expect(await held(conn)).toBe(0);
        });
      });

      it.skipIf(backend.name !== 'postgres')(
        'counters read after the lock include a grant committed while the lock was awaited',
        async () => {
          await repositoriesFor(database.db).staff.upsert([staffMember('p')]);
          const now = new Date();
          const ask = {
            ticketIds: [],
            openTicketPairs: [],
            orderIds: [],
            counters: [{ staffId: 'p', customerId: 'C9' }],
            holds: [],
          };
          let releaseFirst: () => void = () => {};
          const firstMayCommit = new Promise<void>((r) => {
            releaseFirst = r;
          });
          let firstHolds: () => void = () => {};
          const firstHasLock = new Promise<void>((r) => {
            firstHolds = r;
          });
          // The first transaction takes p's lock, records a grant, and commits only when told.
          const first = database.db.transaction().execute(async (tx) => {
            const repos = repositoriesFor(tx);
            await repos.access.lockStaff(['p']);
            await repos.access.recordGrants([{ staffId: 'p', kind: 'reveal', customerId: 'C9', at: now }]);
            firstHolds();
            await firstMayCommit;
          });
          await firstHasLock;
          // The second locks p meanwhile: it waits, and the counters it reads next must include the
          // grant the first committed while it waited (else a quota could be passed by one).
          const second = database.db.transaction().execute(async (tx) => {
            const repos = repositoriesFor(tx);
            await repos.access.lockStaff(['p']);
            return repos.access.policyFacts(ask, new Date(now.getTime() + 1));
          });
          await new Promise((r) => setTimeout(r, 200));
          releaseFirst();
          await first;
          expect((await second).counters).toEqual([
            { revealed24h: 1, alreadyRevealed: true, searchesLastMinute: 0, breakGlass24h: 0 },
          ]);
        },
      );

      it('stores several alerts in one statement, leaving an id already stored as it was', async () => {
        const repos = repositoriesFor(database.db);
        const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 1, 0, s));
        const alert = (id: string, s: number, body?: unknown) => ({
          id,
          kind: 'watch',
          severity: 'high' as const,
          staffId: 'a1',
          subject: 'a1',
          detail: { score: 0.97, reasons: 'volume off_shift', hot: true },
          createdAt: at(s),
          status: 'open' as const,
          ...(body === undefined ? {} : { body }),
        });
        await repos.access.insertAlert(alert('wa_1', 1, { reasons: [{ code: 'volume' }], "quote's": '"x"' }));
        await repos.access.insertAlerts([]);
        await repos.access.insertAlerts([
          alert('wa_1', 9, { replaced: true }),
          alert('wa_2', 2),
          alert('wa_3', 3, [1, 2]),
        ]);
        const stored = await repos.access.listAlerts(undefined, 10);
        expect(stored).toEqual([
          alert('wa_3', 3, [1, 2]),
          alert('wa_2', 2),
          alert('wa_1', 1, { reasons: [{ code: 'volume' }], "quote's": '"x"' }),
        ]);
      });

      it("reads the watcher's cursors without its snapshot, locked, and the snapshot only when asked", async () => {
        const repos = repositoriesFor(database.db);
        expect(await database.db.transaction().execute((tx) => repositoriesFor(tx).watch.lockCursors())).toBe(
          undefined,
        );
        const snapshot = { windows: Array.from({ length: 50 }, (_, i) => ({ actor: `s${i}`, n: i })) };
        await repos.watch.saveState({ ledgerCursor: 41, eventsCursor: 7, snapshot }, new Date());
        await database.db.connection().execute(async (conn) => {
          await conn.transaction().execute(async (tx) => {
            expect(await repositoriesFor(tx).watch.lockCursors()).toEqual({
              ledgerCursor: 41,
              eventsCursor: 7,
            });
            const lock = await sql<{ n: number }>`select count(*)::int as n from pg_locks
              where pid = pg_backend_pid() and locktype in ('tuple', 'transactionid')`.execute(tx);
            expect(lock.rows[0]?.n).toBeGreaterThan(0);
            expect((await repositoriesFor(tx).watch.loadState())?.snapshot).toEqual(snapshot);
          });
        });
      });
    });

    describe('erasure', () => {
      it('crypto-shreds the customer, signs a receipt, and answers ERASED afterwards', async () => {
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        await runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C1')]);
        const receipt = await runtime.vault.erase(ctx, 'C1');
        const opened = openNote(receipt.receipt, [runtime.ledger.verifierKey]);
        expect(opened.text).toContain('customer C1');
        expect(opened.text).toContain(`ledger-seq ${receipt.ledgerSeq}`);
        await expectCode(runtime.vault.getCustomer(ctx, 'C1'), 'CORDON_ERR_ERASED');
        await expectCode(runtime.vault.getOrder(ctx, 'O1'), 'CORDON_ERR_ERASED');
        expect((await runtime.vault.search(ctx, { phone: '13812345678' })).results).toEqual([]);
        expect((await runtime.vault.search(ctx, { name: '李四' })).results).toEqual([]);
        await expectCode(runtime.vault.ingestOrders(ctx, [orderFixture('O2', 'C1')]), 'CORDON_ERR_ERASED');
        await expectCode(runtime.vault.erase(ctx, 'C1'), 'CORDON_ERR_ERASED');
        const keys = await sql<{
          n: number;
        }>`select count(*)::int as n from customer_keys where customer_id = 'C1'`.execute(database.db);
        expect(keys.rows[0]?.n).toBe(0);
        const idx = await sql<{
          n: number;
        }>`select count(*)::int as n from orders where receiver_phone_bidx is not null and customer_id = 'C1'`.execute(
          database.db,
        );
        expect(idx.rows[0]?.n).toBe(0);
      });
    });

    describe('key rotation', () => {
      it('rewraps every data key under a new KEK, resumably, without touching ciphertexts', async () => {
        const file = newKeyring(new Date(), 'rotation.test/log');
        runtime = await testRuntime(database, {}, file);
        await runtime.vault.ingestCustomers(ctx, customerFixtures);
        await runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C2')]);
        const before = await sql<{ id: string; name_ct: Uint8Array; wrapped_dek: Uint8Array }>`
          select c.id, c.name_ct, k.wrapped_dek from customers c join customer_keys k on k.customer_id = c.id order by c.id`.execute(
          database.db,
        );
        const rotatedFile = {
          ...file,
          activeKek: 2,
          keks: [
            ...file.keks,
            { version: 2, key: Buffer.alloc(32, 7).toString('base64'), createdAt: new Date().toISOString() },
          ],
        };
        const rotated = await testRuntime(database, {}, rotatedFile);
        expect(await rotated.rotation.pending()).toBe(3);
        // A crash after the first committed batch: the error escapes, the committed batch stays.
        let batches = 0;
        await expect(
          rotated.rotation.rewrapAll(ctx, {
            batchSize: 1,
            onProgress: (p) => {
              if (p.done > 0 && ++batches === 1) throw new Error('simulated crash');
            },
          }),
        ).rejects.toThrow('simulated crash');
        expect(await rotated.rotation.pending()).toBe(2);
        const resumed = await rotated.rotation.rewrapAll(ctx, { batchSize: 1 });
        expect(resumed).toEqual({ rewrapped: 2, kekVersion: 2 });
        expect(await rotated.rotation.pending()).toBe(0);
        const after = await sql<{
          id: string;
          name_ct: Uint8Array;
          wrapped_dek: Uint8Array;
          kek_version: number;
        }>`
          select c.id, c.name_ct, k.wrapped_dek, k.kek_version from customers c join customer_keys k on k.customer_id = c.id order by c.id`.execute(
          database.db,
        );
        after.rows.forEach((row, i) => {
          const old = before.rows[i];
          expect(row.kek_version).toBe(2);
          expect(Buffer.from(row.name_ct).equals(Buffer.from(old?.name_ct ?? []))).toBe(true);
          expect(Buffer.from(row.wrapped_dek).equals(Buffer.from(old?.wrapped_dek ?? []))).toBe(false);
        });
        expect((await rotated.vault.getCustomer(ctx, 'C1')).name).toBe('张*');
        expect((await rotated.vault.getOrder(ctx, 'O1')).receiver.name).toBe('李*');
        // The old keyring alone can no longer open the data keys.
        await expectCode(runtime.vault.getCustomer(ctx, 'C1'), 'CORDON_ERR_KEY_MISMATCH');
      });
    });
  });
}
