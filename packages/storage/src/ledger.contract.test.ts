import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  decodeEntry,
  encodeEntry,
  type GrantRow,
  InMemoryMerkleTree,
  type LedgerEntry,
  leafHash,
  type RequestContext,
  type RiskDecisionRow,
  verifyConsistency,
  verifyInclusion,
} from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { type HeadHint, KyselyLedgerRepository } from './ledger.repository';
import { disposeDatabase, resetDatabase, TEST_DATABASE_URL, testDatabases } from './testing/test-databases';
import { journalCompanions, repositoriesFor } from './unit-of-work';

const ctx: RequestContext = {
  actor: { type: 'staff', id: 'staff:alice', role: 'support_agent' },
  scopes: ['admin'],
  purpose: 'customer_support',
  reference: 'T-1',
  requestId: 'req',
  clientAddress: '10.0.0.1',
};

function entries(n: number, offset = 0) {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, offset + i)),
    actor: ctx.actor,
    action: 'view' as const,
    outcome: 'allowed' as const,
    customerIds: [`C${(offset + i) % 7}`],
    orderIds: [],
    fields: ['phone'],
    requestId: `r${offset + i}`,
  }));
}

function decision(orderId: string, score: number): RiskDecisionRow {
  const at = new Date(Date.UTC(2026, 10, 11, 0, 0, score));
  return {
    orderId,
    account: `acct-${orderId}`,
    customerId: `C-${orderId}`,
    orderTime: at,
    decidedAt: at,
    decision: score >= 80 ? 'reject' : 'accept',
    score,
    reasons: [
      { code: 'velocity', message: { zh: '下单过快', en: 'Ordering fast' }, evidence: { orders_1h: score } },
    ],
    rules: [{ id: 'velocity', version: 1, action: 'reject', mode: 'active', weight: score, result: 'hit' }],
    rulesetVersion: 2,
    requestedBy: 'apikey:k1',
  };
}

/** The ledger entry that goes with a decision (as the risk service writes it). */
function decisionEntry(row: RiskDecisionRow) {
  return {
    time: row.decidedAt,
    actor: { type: 'apikey' as const, id: row.requestedBy, role: 'service' as const },
    action: 'risk_decision' as const,
    outcome: 'allowed' as const,
    customerIds: [row.customerId],
    orderIds: [row.orderId],
    fields: [],
    requestId: `score-${row.orderId}-${row.score}`,
  };
}

function runWorker(url: string, schema: string, name: string, count: number, batch: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'testing/append-worker.ts'),
        url,
        schema,
        name,
        String(count),
        String(batch),
      ],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${name} exited ${code}`))));
  });
}

for (const backend of await testDatabases()) {
  describe.skipIf(backend.skipReason !== undefined)(`ledger on ${backend.name}`, () => {
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

    async function appendAll(n: number, batch = 10) {
      for (let i = 0; i < n; i += batch) {
        await runtime.uow.run((repos) => repos.ledger.append(entries(Math.min(batch, n - i), i)));
      }
    }

    it('stores a tree whose proofs match an in-memory RFC 9162 tree at every size', async () => {
      const mem = new InMemoryMerkleTree();
      for (let size = 1; size <= 37; size += 1) {
        const [entry] = await runtime.uow.run((repos) => repos.ledger.append(entries(1, size - 1)));
        expect(entry?.seq).toBe(size - 1);
        const [row] = await runtime.uow.run((repos) => repos.ledger.entries(size - 1, size));
        mem.append(row?.leafHash ?? Buffer.alloc(0));
        const head = await runtime.uow.run((repos) => repos.ledger.head());
        expect(head.rootHash.equals(mem.root(size))).toBe(true);
      }
      for (const size of [1, 2, 5, 8, 13, 37]) {
        for (let seq = 0; seq < size; seq += 3) {
          const p = await runtime.ledger.inclusionProof(seq, size);
          expect(p.proof.map((x) => Buffer.from(x, 'base64'))).toEqual(mem.inclusionProof(seq, size));
          expect(
            verifyInclusion(
              Buffer.from(p.leafHash, 'base64'),
              seq,
              size,
              p.proof.map((x) => Buffer.from(x, 'base64')),
              mem.root(size),
            ),
          ).toBe(true);
        }
        for (const from of [1, 3, size]) {
          if (from > size) continue;
          const c = await runtime.ledger.consistencyProof(from, size);
          expect(
            verifyConsistency(
              from,
              size,
              c.proof.map((x) => Buffer.from(x, 'base64')),
              mem.root(from),
              mem.root(size),
            ),
          ).toBe(true);
        }
      }
    });

    it('stores batches of entries of varying size byte for byte, with every node of the tree', async () => {
      // Batches are sent as one bytea of bodies cut apart by offset: bodies of different lengths and
      // multi-byte characters must land in their own rows, in order, across batch boundaries.
      const mem = new InMemoryMerkleTree();
      const appended: LedgerEntry[] = [];
      let offset = 0;
      for (const batch of [1, 6, 17, 3, 13]) {
        const inputs = entries(batch, offset).map((e, i) => ({
          ...e,
          reference: `工单-${'é'.repeat((offset + i) % 5)}-${'x'.repeat((offset + i) * 7)}`,
          fields: (offset + i) % 2 === 0 ? ['phone'] : ['phone', 'receiver.street', 'receiver.name'],
        }));
        appended.push(...(await runtime.uow.run((repos) => repos.ledger.append(inputs))));
        offset += batch;
      }
      expect(appended.map((e) => e.seq)).toEqual(Array.from({ length: offset }, (_, i) => i));
      const stored = await runtime.uow.run((repos) => repos.ledger.entries(0, offset));
      for (const [i, entry] of appended.entries()) {
        const body = encodeEntry(entry);
        expect(stored[i]?.body?.equals(body)).toBe(true);
        expect(stored[i]?.leafHash.equals(leafHash(body))).toBe(true);
        mem.append(leafHash(body));
      }
      const refs: Array<{ level: number; index: number }> = [];
      for (let level = 0; mem.levelSize(level) > 0; level += 1) {
        for (let index = 0; index < mem.levelSize(level); index += 1) refs.push({ level, index });
      }
      const nodes = await runtime.uow.run((repos) => repos.ledger.nodes(refs));
      expect(nodes.size).toBe(refs.length);
      for (const { level, index } of refs) {
        expect(nodes.get(`${level}:${index}`)?.equals(mem.node(level, index))).toBe(true);
      }
      const head = await runtime.uow.run((repos) => repos.ledger.head());
      expect(head).toEqual({ size: offset, rootHash: mem.root() });
      const p = await runtime.ledger.inclusionProof(23, offset);
      expect(p.proof.map((x) => Buffer.from(x, 'base64'))).toEqual(mem.inclusionProof(23, offset));
    });

    it('indexes subject ids with any characters, as given', async () => {
      const odd = ['a"b', 'c\\d', 'e,f', '{g}', 'h i', 'NULL', ''];
      await runtime.uow.run((repos) =>
        repos.ledger.append([{ ...entries(1)[0], customerIds: odd } as never]),
      );
      for (const id of odd.filter((x) => x !== '')) {
        expect(await runtime.uow.run((repos) => repos.ledger.seqsForCustomer(id, 10))).toEqual([0]);
      }
      const stored = await sql<{
        ids: string[];
      }>`select customer_ids as ids from ledger_entries where seq = 0`.execute(database.db);
      expect(stored.rows[0]?.ids).toEqual(odd);
    });

    it('rejects proof requests outside the tree with stable codes', async () => {
      await appendAll(5);
      await expect(runtime.ledger.inclusionProof(5, 5)).rejects.toMatchObject({ code: 'CORDON_ERR_RANGE' });
      await expect(runtime.ledger.inclusionProof(0, 6)).rejects.toMatchObject({ code: 'CORDON_ERR_RANGE' });
      await expect(runtime.ledger.consistencyProof(4, 2)).rejects.toMatchObject({ code: 'CORDON_ERR_RANGE' });
      await expect(runtime.ledger.entries(3, 1)).rejects.toMatchObject({ code: 'CORDON_ERR_RANGE' });
      await expect(runtime.ledger.entries(0, 99)).rejects.toMatchObject({ code: 'CORDON_ERR_RANGE' });
    });

    it('rolls back entries with the transaction that wrote them', async () => {
      await appendAll(3);
      await expect(
        runtime.uow.run(async (repos) => {
          await repos.ledger.append(entries(2, 3));
          throw new Error('action failed');
        }),
      ).rejects.toThrow('action failed');
      expect(await runtime.uow.run((repos) => repos.ledger.size())).toBe(3);
      const [next] = await runtime.uow.run((repos) => repos.ledger.append(entries(1, 3)));
      expect(next?.seq).toBe(3);
    });

    it('appends in one statement only on the head the caller remembers; a moved head writes nothing', async () => {
      await appendAll(5);
      const ledger = new KyselyLedgerRepository(database.db);
      const remembered = await ledger.storedHead();
      expect(remembered.size).toBe(5);
      await appendAll(2); // another writer moves the head to 7
      expect(await ledger.appendIfHead(entries(3, 100), remembered)).toBeUndefined();
      // Right size, wrong frontier (a restored or rewritten log): refused as well.
      const current = await ledger.storedHead();
      const forged = { size: current.size, frontier: Buffer.from(current.frontier).fill(7, 0, 1) };
      expect(await ledger.appendIfHead(entries(3, 100), forged)).toBeUndefined();
      expect(await runtime.uow.run((repos) => repos.ledger.size())).toBe(7);
      expect(await sql`select 1 from ledger_entries where seq >= 7`.execute(database.db)).toMatchObject({
        rows: [],
      });

      const written = await ledger.appendIfHead(entries(3, 7), current);
      expect(written?.entries.map((e) => e.seq)).toEqual([7, 8, 9]);
      expect(written?.head).toEqual(await ledger.storedHead());
      const again = await ledger.appendIfHead(entries(1, 10), written?.head ?? current);
      expect(again?.entries.map((e) => e.seq)).toEqual([10]);
      const stored = await runtime.uow.run((repos) => repos.ledger.entries(0, 11));
      const mem = InMemoryMerkleTree.fromLeafHashes(stored.map((e) => e.leafHash));
      expect(await runtime.uow.run((repos) => repos.ledger.head())).toEqual({
        size: 11,
        rootHash: mem.root(),
      });
      await runtime.ledger.checkpoint();
      expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 11, problems: [] });
    });

    it('recorded reads and transactional appends interleave into one gap-free, verifiable log', async () => {
      // Recorded reads group-commit on the head their last group left; the transactional appends in
      // between move it, so groups keep finding a stale head and must fall back without losing or
      // doubling an entry.
      const reads = Array.from({ length: 40 }, (_, i) =>
        runtime.uow.recorded(async () => ({ result: i, entries: entries(1, 1000 + i) })),
      );
      const writes = Array.from({ length: 8 }, (_, i) =>
        runtime.uow.run((repos) => repos.ledger.append(entries(2, 2000 + 2 * i))),
      );
      expect(await Promise.all(reads)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      await Promise.all(writes);
      const more = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          runtime.uow.recorded(async () => ({ result: i, entries: entries(1, 3000 + i) })),
        ),
      );
      expect(more).toHaveLength(5);
      const stored = await runtime.uow.run((repos) => repos.ledger.entries(0, 61));
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i));
      const ids = stored.map((e) => decodeEntry(e.body ?? Buffer.alloc(0)).requestId);
      expect(new Set(ids).size).toBe(61);
      await runtime.ledger.checkpoint();
      expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 61, problems: [] });
    });

    describe('journal writes (risk decisions) in the group commit', () => {
      const storedScores = async () =>
        (
          await sql<{ order_id: string; score: number }>`
            select order_id, score from risk_decisions order by order_id`.execute(database.db)
        ).rows.map((r) => `${r.order_id}:${r.score}`);
      const decisionEntries = async () =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from ledger_entries where action = 'risk_decision'`.execute(database.db)
        ).rows[0]?.n;

      it('commits each decision with its entry, sharing groups with recorded reads and surviving a moved head', async () => {
        const rows = Array.from({ length: 12 }, (_, i) => decision(`J${String(i).padStart(2, '0')}`, i));
        const journaled = rows.map((row) =>
          runtime.uow.journal({ riskDecisions: [row] }, [decisionEntry(row)]),
        );
        const reads = Array.from({ length: 6 }, (_, i) =>
          runtime.uow.recorded(async () => ({ result: i, entries: entries(1, 500 + i) })),
        );
        // A transactional append in between moves the head, so some group must take the locked way.
        const moved = runtime.uow.run((repos) => repos.ledger.append(entries(2, 700)));
        await Promise.all([...journaled, ...reads, moved]);
        await runtime.uow.journal({ riskDecisions: [decision('J99', 5)] }, [
          decisionEntry(decision('J99', 5)),
        ]);

        expect(await storedScores()).toEqual([...rows.map((r) => `${r.orderId}:${r.score}`), 'J99:5']);
        expect(await decisionEntries()).toBe(13);
        expect(await runtime.uow.run((repos) => repos.risk.findDecision('J03'))).toEqual(rows[3]);
        const size = await runtime.uow.run((repos) => repos.ledger.size());
        expect(size).toBe(13 + 6 + 2);
        await runtime.ledger.checkpoint();
        expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size, problems: [] });
      });

      it('keeps the latest decision for an order decided twice in one group, and leaves reviewed ones as they were', async () => {
        await runtime.uow.journal({ riskDecisions: [decision('R1', 90)] }, [
          decisionEntry(decision('R1', 90)),
        ]);
        await runtime.uow.run((repos) =>
          repos.risk.insertReview({
            orderId: 'R1',
            reviewer: 'staff:rita',
            outcome: 'accept',
            reason: 'Known office address',
            decidedAt: new Date(Date.UTC(2026, 10, 11, 1)),
          }),
        );
        await Promise.all([
          runtime.uow.journal({ riskDecisions: [decision('D1', 10)] }, [decisionEntry(decision('D1', 10))]),
          runtime.uow.journal({ riskDecisions: [decision('D1', 20)] }, [decisionEntry(decision('D1', 20))]),
          runtime.uow.journal({ riskDecisions: [decision('R1', 95)] }, [decisionEntry(decision('R1', 95))]),
        ]);
        expect(await storedScores()).toEqual(['D1:20', 'R1:90']);
        // Every scoring was ledgered, including the one that could not replace a reviewed decision.
        expect(await decisionEntries()).toBe(4);
      });

      it('fails only the bad call of a group; nothing of it is written', async () => {
        const bad = { ...decision('B1', 50), customerId: null as unknown as string }; // violates NOT NULL
        const calls = [
          runtime.uow.journal({ riskDecisions: [decision('G1', 1)] }, [decisionEntry(decision('G1', 1))]),
          runtime.uow.journal({ riskDecisions: [bad] }, [decisionEntry(decision('B1', 50))]),
          runtime.uow.journal({ riskDecisions: [decision('G2', 2)] }, [decisionEntry(decision('G2', 2))]),
        ];
        const settled = await Promise.allSettled(calls);
        expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await storedScores()).toEqual(['G1:1', 'G2:2']);
        expect(await decisionEntries()).toBe(2);
        await runtime.ledger.checkpoint();
        expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 2, problems: [] });
      });

      it('writes a conditional companion only when the append happens', async () => {
        const ledger = new KyselyLedgerRepository(database.db, { companions: journalCompanions });
        const stale = await ledger.storedHead();
        await appendAll(1);
        const row = decision('S1', 7);
        const refused = await ledger.appendIfHead([decisionEntry(row)], stale, { riskDecisions: [row] });
        expect(refused).toBeUndefined();
        expect(await storedScores()).toEqual([]);
        const written = await ledger.appendIfHead([decisionEntry(row)], await ledger.storedHead(), {
          riskDecisions: [row],
        });
        expect(written?.entries.map((e) => e.seq)).toEqual([1]);
        expect(await storedScores()).toEqual(['S1:7']);
        await expect(ledger.appendIfHead([], stale, { riskDecisions: [row] })).rejects.toMatchObject({
          code: 'CORDON_ERR_INTERNAL',
        });
      });
    });

    describe('transactional appends from a shared head hint, with the rows they record (ADR 0016)', () => {
      const grant = (staffId: string, customerId: string): GrantRow => ({
        staffId,
        kind: 'reveal',
        customerId,
        at: new Date(Date.UTC(2026, 10, 11, 2)),
      });
      const storedGrants = async () =>
        (
          await sql<{ g: string }>`
            select staff_id || ':' || customer_id as g from access_grants order by 1`.execute(database.db)
        ).rows.map((r) => r.g);

      it('writes grants with their entries, from a right hint, a stale hint and no hint alike', async () => {
        const hint: HeadHint = { head: undefined };
        // No hint yet: the locked way, which leaves the hint.
        await database.db
          .transaction()
          .execute((tx) =>
            repositoriesFor(tx, hint).ledger.append(entries(2), { grants: [grant('s1', 'C1')] }),
          );
        expect(hint.head?.size).toBe(2);
        // A right hint: one conditional statement.
        await database.db
          .transaction()
          .execute((tx) =>
            repositoriesFor(tx, hint).ledger.append(entries(1, 2), { grants: [grant('s2', 'C2')] }),
          );
        expect(hint.head?.size).toBe(3);
        // Another writer moves the head: the hint is stale, nothing is written by the conditional
        // statement, and the locked way writes the entries and the grants once.
        await database.db.transaction().execute((tx) => repositoriesFor(tx).ledger.append(entries(4, 3)));
        const [entry] = await database.db
          .transaction()
          .execute((tx) =>
            repositoriesFor(tx, hint).ledger.append(entries(1, 7), { grants: [grant('s3', 'C3')] }),
          );
        expect(entry?.seq).toBe(7);
        expect(hint.head?.size).toBe(8);
        expect(await storedGrants()).toEqual(['s1:C1', 's2:C2', 's3:C3']);
        await runtime.ledger.checkpoint();
        expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 8, problems: [] });
      });

      it('recovers from a hint left by a transaction that rolled back', async () => {
        const hint: HeadHint = { head: undefined };
        await database.db.transaction().execute((tx) => repositoriesFor(tx, hint).ledger.append(entries(3)));
        await expect(
          database.db.transaction().execute(async (tx) => {
            await repositoriesFor(tx, hint).ledger.append(entries(2, 3), { grants: [grant('s1', 'C9')] });
            throw new Error('the caller fails after its append');
          }),
        ).rejects.toThrow('the caller fails');
        expect(hint.head?.size).toBe(5); // a head that never committed
        const [entry] = await database.db
          .transaction()
          .execute((tx) =>
            repositoriesFor(tx, hint).ledger.append(entries(1, 5), { grants: [grant('s1', 'C1')] }),
          );
        expect(entry?.seq).toBe(3);
        expect(await storedGrants()).toEqual(['s1:C1']);
        await runtime.ledger.checkpoint();
        expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 4, problems: [] });
      });

      it('writes nothing of an append whose rows fail, and refuses rows without entries', async () => {
        const hint: HeadHint = { head: undefined };
        await database.db.transaction().execute((tx) => repositoriesFor(tx, hint).ledger.append(entries(1)));
        const bad = { ...grant('s1', 'C1'), staffId: null as unknown as string }; // violates NOT NULL
        await expect(
          database.db
            .transaction()
            .execute((tx) => repositoriesFor(tx, hint).ledger.append(entries(2, 1), { grants: [bad] })),
        ).rejects.toThrow();
        await expect(
          database.db
            .transaction()
            .execute((tx) => repositoriesFor(tx, hint).ledger.append([], { grants: [grant('s1', 'C1')] })),
        ).rejects.toMatchObject({ code: 'CORDON_ERR_INTERNAL' });
        expect(await storedGrants()).toEqual([]);
        expect(await runtime.uow.run((repos) => repos.ledger.size())).toBe(1);
        await runtime.ledger.checkpoint();
        expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 1, problems: [] });
      });

      it('keeps concurrent hinted transactions and group commits in one gap-free verified log', async () => {
        const hint: HeadHint = { head: undefined };
        const transactions = Array.from({ length: 8 }, (_, i) =>
          database.db.transaction().execute((tx) =>
            repositoriesFor(tx, hint).ledger.append(entries(2, 100 + 2 * i), {
              grants: [grant(`s${i}`, `C${i}`)],
            }),
          ),
        );
        const reads = Array.from({ length: 8 }, (_, i) =>
          runtime.uow.recorded(async () => ({ result: i, entries: entries(1, 300 + i) })),
        );
        const written = (await Promise.all(transactions)).flat();
        await Promise.all(reads);
        expect(new Set(written.map((e) => e.seq)).size).toBe(16);
        expect((await storedGrants()).length).toBe(8);
        await runtime.ledger.checkpoint();
        expect(await runtime.ledger.verify()).toMatchObject({ ok: true, size: 24, problems: [] });
      });
    });

    it('verifies an untouched log', async () => {
      await appendAll(30);
      await runtime.ledger.checkpoint();
      await appendAll(5);
      const report = await runtime.ledger.verify();
      expect(report).toMatchObject({ ok: true, size: 35, checkpointsChecked: 1, problems: [] });
    });

    describe('a rogue administrator editing rows is caught', () => {
      beforeEach(async () => {
        await appendAll(20);
        await runtime.ledger.checkpoint();
        await appendAll(10, 10);
        await runtime.ledger.checkpoint();
      });

      it('a modified entry body', async () => {
        await sql`update ledger_entries set body = convert_to(replace(convert_from(body, 'UTF8'), 'staff:alice', 'staff:bob__'), 'UTF8') where seq = 7`.execute(
          database.db,
        );
        const report = await runtime.ledger.verify();
        expect(report.ok).toBe(false);
        expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'body_mismatch', seq: 7 }));
        expect(report.problems).toContainEqual(
          expect.objectContaining({ kind: 'checkpoint_mismatch', seq: 20, range: [0, 20] }),
        );
      });

      it('a modified body with its leaf hash recomputed', async () => {
        const [row] = await runtime.uow.run((repos) => repos.ledger.entries(12, 13));
        const forged = Buffer.from(
          (row?.body ?? Buffer.alloc(0)).toString('utf8').replace('staff:alice', 'staff:eve__'),
        );
        const { leafHash } = await import('@cordon/core');
        await sql`update ledger_entries set body = ${forged}, leaf_hash = ${leafHash(forged)} where seq = 12`.execute(
          database.db,
        );
        const report = await runtime.ledger.verify();
        expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'node_mismatch', seq: 12 }));
        expect(report.problems).toContainEqual(
          expect.objectContaining({ kind: 'checkpoint_mismatch', range: [0, 20] }),
        );
      });

      it('a modified entry with every stored hash rewritten is still caught by the signed checkpoint', async () => {
        const [row] = await runtime.uow.run((repos) => repos.ledger.entries(25, 26));
        const forged = Buffer.from(
          (row?.body ?? Buffer.alloc(0)).toString('utf8').replace('staff:alice', 'staff:eve__'),
        );
        const { leafHash } = await import('@cordon/core');
        await sql`update ledger_entries set body = ${forged}, leaf_hash = ${leafHash(forged)} where seq = 25`.execute(
          database.db,
        );
        await sql`update ledger_nodes set hash = ${leafHash(forged)} where level = 0 and idx = 25`.execute(
          database.db,
        );
        const report = await runtime.ledger.verify();
        expect(report.ok).toBe(false);
        expect(report.problems).toContainEqual(
          expect.objectContaining({ kind: 'checkpoint_mismatch', range: [20, 30] }),
        );
      });

      it('a deleted entry', async () => {
        await sql`delete from ledger_entries where seq = 4`.execute(database.db);
        const report = await runtime.ledger.verify();
        expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'gap', seq: 4 }));
      });

      it('an inserted entry', async () => {
        await sql`insert into ledger_entries (seq, time, leaf_hash, body, actor_id, action, customer_ids)
          select 30, time, leaf_hash, body, actor_id, action, customer_ids from ledger_entries where seq = 3`.execute(
          database.db,
        );
        const report = await runtime.ledger.verify();
        expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'extra_entry', seq: 30 }));
      });

      it('two entries swapped', async () => {
        await sql`update ledger_entries set seq = -1 where seq = 2`.execute(database.db);
        await sql`update ledger_entries set seq = 2 where seq = 9`.execute(database.db);
        await sql`update ledger_entries set seq = 9 where seq = -1`.execute(database.db);
        const report = await runtime.ledger.verify();
        const positions = report.problems.filter((p) => p.kind === 'node_mismatch').map((p) => p.seq);
        expect(positions).toEqual([2, 9]);
      });

      it('a forged checkpoint', async () => {
        await sql`update ledger_checkpoints set note = replace(note, '\n20\n', '\n21\n') where size = 20`.execute(
          database.db,
        );
        const report = await runtime.ledger.verify();
        expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'bad_signature', seq: 20 }));
      });
    });

    it('keeps hashes when retention prunes bodies, so verification still holds', async () => {
      await appendAll(10);
      await runtime.ledger.checkpoint();
      await sql`update ledger_entries set time = case when seq < 4 then now() - interval '400 days' else now() end`.execute(
        database.db,
      );
      expect(await runtime.ledger.prune()).toBe(4);
      const report = await runtime.ledger.verify();
      expect(report).toMatchObject({ ok: true, prunedBodies: 4 });
      const [pruned] = await runtime.ledger.entries(0, 1);
      expect(pruned?.entry).toBeNull();
    });

    it.runIf(backend.name === 'postgres')('never forks when two processes append at once', async () => {
      const schema =
        (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s ?? '';
      await Promise.all([
        runWorker(TEST_DATABASE_URL, schema, 'a', 300, 7),
        runWorker(TEST_DATABASE_URL, schema, 'b', 300, 11),
      ]);
      const size = await runtime.uow.run((repos) => repos.ledger.size());
      expect(size).toBe(600);
      const seqs = await sql<{
        n: number;
        mn: number;
        mx: number;
      }>`select count(distinct seq)::int as n, min(seq) as mn, max(seq) as mx from ledger_entries`.execute(
        database.db,
      );
      expect(seqs.rows[0]).toEqual({ n: 600, mn: 0, mx: 599 });
      await runtime.ledger.checkpoint();
      const report = await runtime.ledger.verify();
      expect(report.ok).toBe(true);
    });
  });
}
