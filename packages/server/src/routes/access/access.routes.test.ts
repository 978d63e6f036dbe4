import { base32Decode, customerFixtures, orderFixture, totpCode } from '@cordon/core';
import { type Database, disposeDatabase, resetDatabase, testDatabases } from '@cordon/storage';
import type { FastifyInstance, InjectOptions } from 'fastify';
import jsQR from 'jsqr';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appDeps, buildApp } from '../../app';
import { inspectPdfPage } from '../../presenters/waybill/pdf-inspect.testing';
import type { Runtime } from '../../runtime';
import { adminKey, testRuntime } from '../../testing/test-runtime';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };

function person(id: string, role: string, extra: Record<string, unknown> = {}) {
  return { id, name: `Staff ${id}`, role, team: 'cs-1', shift: allDay, status: 'active', ...extra };
}

const staff = [
  person('a1', 'support_agent'),
  person('a2', 'support_agent'),
  person('L1', 'support_lead'),
  person('K1', 'courier', { team: 'logistics' }),
  person('K2', 'courier', { team: 'logistics' }),
  person('W1', 'warehouse', { team: 'wh' }),
  person('m1', 'merchant_staff', { merchant: 'M1', team: 'merchant' }),
  person('an1', 'analyst', { team: 'bi' }),
  person('S1', 'security_admin', { team: 'sec' }),
  person('D1', 'dpo', { team: 'legal' }),
  person('d1', 'support_agent', { status: 'departed' }),
];

const backends = await testDatabases();

for (const backend of backends) {
  describe.skipIf(backend.skipReason !== undefined)(`access over HTTP on ${backend.name}`, () => {
    let database: Database;
    let runtime: Runtime;
    let app: FastifyInstance;
    let admin: { authorization: string };
    const tokens = new Map<string, string>();

    const as = (id: string, extra: Record<string, string> = {}) => ({
      authorization: `Bearer ${tokens.get(id) ?? 'none'}`,
      ...extra,
    });
    const call = async (options: InjectOptions) => app.inject(options);
    const reveal = (id: string, body: Record<string, unknown>) =>
      call({ method: 'POST', url: '/v1/reveal', headers: as(id), payload: body });
    const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;

    /** Ledger entries of an actor, decoded. */
    async function ledgerOf(actorId: string) {
      const size = (
        await runtime.database.db
          .selectFrom('ledger_entries')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
      const page = await runtime.ledger.entries(0, size);
      return page
        .map(
          (p) =>
            p.entry as {
              actor: { id: string };
              action: string;
              outcome: string;
              errorCode?: string;
              customerIds: string[];
            } | null,
        )
        .filter((e): e is NonNullable<typeof e> => e !== null && e.actor.id === actorId);
    }

    /** The customers a person's stored grants name (any kind), sorted. */
    async function grantedCustomers(staffId: string): Promise<Array<string | null>> {
      const rows = await runtime.database.db
        .selectFrom('access_grants')
        .select('customer_id')
        .where('staff_id', '=', staffId)
        .orderBy('customer_id')
        .execute();
      return rows.map((r) => r.customer_id);
    }

    beforeAll(async () => {
      database = await backend.open();
    });
    afterAll(async () => {
      await app?.close();
      await disposeDatabase(database);
    });

    beforeEach(async () => {
      await app?.close();
      await resetDatabase(database);
      runtime = await testRuntime(database);
      app = await buildApp(appDeps(runtime, false));
      admin = { authorization: `Bearer ${await adminKey(runtime)}` };
      const ok = async (options: InjectOptions) => {
        const r = await call({ ...options, headers: admin });
        expect(r.statusCode, r.body).toBe(200);
        return r.json();
      };
      await ok({ method: 'POST', url: '/v1/customers', payload: customerFixtures });
      await ok({
        method: 'POST',
        url: '/v1/orders',
        payload: [orderFixture('O1', 'C1'), orderFixture('O2', 'C2'), orderFixture('O3', 'C3')],
      });
      await ok({ method: 'POST', url: '/v1/staff', payload: staff });
      await ok({
        method: 'POST',
        url: '/v1/tickets',
        payload: [
          { id: 'T1', customerId: 'C1', assignee: 'a1', status: 'open', openedAt: iso(-HOUR) },
          { id: 'T2', customerId: 'C1', assignee: 'a2', status: 'open', openedAt: iso(-HOUR) },
          {
            id: 'T3',
            customerId: 'C1',
            assignee: 'a1',
            status: 'closed',
            openedAt: iso(-3 * HOUR),
            closedAt: iso(-2 * HOUR),
          },
          { id: 'T4', customerId: 'C2', assignee: 'a1', status: 'open', openedAt: iso(-HOUR) },
          { id: 'T5', customerId: 'C3', assignee: 'a1', status: 'open', openedAt: iso(-HOUR) },
          { id: 'T6', customerId: 'C1', assignee: 'd1', status: 'open', openedAt: iso(-HOUR) },
        ],
      });
      await ok({
        method: 'POST',
        url: '/v1/deliveries',
        payload: [
          { orderId: 'O1', courier: 'K1', from: iso(-HOUR), to: iso(2 * HOUR) },
          { orderId: 'O2', courier: 'K1', from: iso(-5 * HOUR), to: iso(-HOUR) },
        ],
      });
      await ok({ method: 'POST', url: '/v1/merchant-orders', payload: [{ orderId: 'O1', merchant: 'M1' }] });
      tokens.clear();
      for (const s of staff.filter((p) => p.status === 'active')) {
        const t = await ok({ method: 'POST', url: `/v1/staff/${s.id}/tokens`, payload: { name: 'test' } });
        tokens.set(s.id, (t as { token: string }).token);
      }
    });

    describe('reveal: denials first, each ledgered with its code', () => {
      it("refuses another agent's ticket", async () => {
        const r = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'customer_support',
          reference: 'T2',
        });
        expect(r.statusCode).toBe(403);
        expect(code(r)).toBe('CORDON_ERR_NO_ASSIGNMENT');
        expect(r.body).not.toContain('13812345678');
      });

      it('refuses a closed ticket', async () => {
        const r = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'customer_support',
          reference: 'T3',
        });
        expect([r.statusCode, code(r)]).toEqual([403, 'CORDON_ERR_ASSIGNMENT_CLOSED']);
      });

      it('refuses a missing or wrong purpose', async () => {
        const none = await reveal('a1', { customerId: 'C1', fields: ['phone'], reference: 'T1' });
        expect([none.statusCode, code(none)]).toEqual([403, 'CORDON_ERR_PURPOSE_REQUIRED']);
        const wrong = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'marketing',
          reference: 'T1',
        });
        expect([wrong.statusCode, code(wrong)]).toEqual([403, 'CORDON_ERR_PURPOSE_NOT_ALLOWED']);
      });

      it('refuses the wrong customer on a valid ticket', async () => {
        const r = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'customer_support',
          reference: 'T4',
        });
        expect([r.statusCode, code(r)]).toEqual([403, 'CORDON_ERR_NO_ASSIGNMENT']);
        const denied = (await ledgerOf('a1')).filter((e) => e.outcome === 'denied');
        expect(denied.map((e) => [e.action, e.errorCode, e.customerIds])).toEqual([
          ['reveal', 'CORDON_ERR_NO_ASSIGNMENT', ['C1']],
        ]);
      });

      it('refuses fields the purpose does not cover, and analysts altogether', async () => {
        const id = await reveal('a1', {
          customerId: 'C1',
          fields: ['idNumber'],
          purpose: 'customer_support',
          reference: 'T1',
        });
        expect(code(id)).toBe('CORDON_ERR_FIELD_NOT_ALLOWED');
        const analyst = await reveal('an1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'analytics',
          reference: 'x',
        });
        expect(code(analyst)).toBe('CORDON_ERR_NOT_PERMITTED');
      });

      it('refuses quota + 1 distinct customers, while a repeat reveal stays free', async () => {
        await call({
          method: 'POST',
          url: '/v1/staff',
          headers: admin,
          payload: { ...person('a1', 'support_agent'), revealQuota: 2 },
        });
        const body = (customerId: string, reference: string) => ({
          customerId,
          fields: ['phone'],
          purpose: 'customer_support',
          reference,
        });
        expect((await reveal('a1', body('C1', 'T1'))).statusCode).toBe(200);
        expect((await reveal('a1', body('C2', 'T4'))).statusCode).toBe(200);
        const over = await reveal('a1', body('C3', 'T5'));
        expect([over.statusCode, code(over)]).toEqual([403, 'CORDON_ERR_QUOTA_EXCEEDED']);
        expect((await reveal('a1', body('C1', 'T1'))).statusCode).toBe(200);
        const outcomes = (await ledgerOf('a1'))
          .filter((e) => e.action === 'reveal')
          .map((e) => e.errorCode ?? 'ok');
        expect(outcomes).toEqual(['ok', 'ok', 'CORDON_ERR_QUOTA_EXCEEDED', 'ok']);
      });

      it('refuses a departed account even with a still-valid session, and ends sessions on status change', async () => {
        await call({
          method: 'POST',
          url: '/v1/staff/a2/password',
          headers: admin,
          payload: { password: 'correct horse battery 9' },
        });
        const login = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'a2', password: 'correct horse battery 9' },
        });
        expect(login.statusCode, login.body).toBe(200);
        const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
        expect(cookie).toMatch(/^cordon_session=/);
        expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
        const body = { customerId: 'C1', fields: ['phone'], purpose: 'customer_support', reference: 'T2' };
        const before = await call({ method: 'POST', url: '/v1/reveal', headers: { cookie }, payload: body });
        expect(before.statusCode).toBe(200);
        // HR marks the person departed behind Cordon's back (straight in the table): the session is still
        // valid, and the policy still refuses, because it reads the status on every request.
        await sql`update staff set status = 'departed' where id = 'a2'`.execute(database.db);
        const after = await call({ method: 'POST', url: '/v1/reveal', headers: { cookie }, payload: body });
        expect([after.statusCode, code(after)]).toEqual([403, 'CORDON_ERR_ACCOUNT_INACTIVE']);
        const view = await call({ method: 'GET', url: '/v1/customers/C1', headers: { cookie } });
        expect(code(view)).toBe('CORDON_ERR_ACCOUNT_INACTIVE');
        // Through the API the change also ends every session and token at once.
        await sql`update staff set status = 'active' where id = 'a2'`.execute(database.db);
        const st = await call({
          method: 'POST',
          url: '/v1/staff/a2/status',
          headers: admin,
          payload: { status: 'departed' },
        });
        expect(st.statusCode).toBe(200);
        expect(
          (await call({ method: 'POST', url: '/v1/reveal', headers: { cookie }, payload: body })).statusCode,
        ).toBe(401);
        expect((await reveal('a2', body)).statusCode).toBe(401);
        const denials = (await ledgerOf('a2')).filter((e) => e.outcome === 'denied').map((e) => e.errorCode);
        expect(denials).toEqual(['CORDON_ERR_ACCOUNT_INACTIVE', 'CORDON_ERR_ACCOUNT_INACTIVE']);
      });

      it('refuses a system credential: reveal is for people', async () => {
        const r = await call({
          method: 'POST',
          url: '/v1/reveal',
          headers: admin,
          payload: { customerId: 'C1', fields: ['phone'], purpose: 'customer_support', reference: 'T1' },
        });
        expect([r.statusCode, code(r)]).toEqual([403, 'CORDON_ERR_FORBIDDEN']);
      });

      it('rejects malformed requests with a validation error and records nothing', async () => {
        const before = (await ledgerOf('a1')).length;
        for (const payload of [
          { customerId: 'C1', orderId: 'O1', fields: ['phone'] },
          { customerId: 'C1', fields: [] },
          { customerId: 'C1', fields: ['address'], purpose: 'customer_support', reference: 'T1' },
          { customerId: 'C1', fields: ['salary'] },
          { customerId: 'C1', fields: ['phone'], extra: 1 },
        ]) {
          const r = await reveal('a1', payload);
          expect(r.statusCode, JSON.stringify(payload)).toBe(400);
          expect(code(r)).toMatch(/^CORDON_ERR_(VALIDATION|UNKNOWN_FIELD)$/);
        }
        expect((await ledgerOf('a1')).length).toBe(before);
      });

      it('grants an open ticket of their own, returns only the asked fields, and ledgers every attempt', async () => {
        await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'customer_support',
          reference: 'T2',
        });
        await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'customer_support',
          reference: 'T3',
        });
        await reveal('a1', { customerId: 'C1', fields: ['phone'], reference: 'T1' });
        const r = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone', 'name'],
          purpose: 'customer_support',
          reference: 'T1',
        });
        expect(r.statusCode, r.body).toBe(200);
        const json = r.json() as { fields: Record<string, string>; ledgerSeq: number };
        expect(json.fields).toEqual({ phone: '13812345678', name: '张三' });
        expect(r.headers['cache-control']).toBe('no-store');
        const mine = await ledgerOf('a1');
        const reveals = mine.filter((e) => e.action === 'reveal');
        expect(reveals.map((e) => [e.outcome, e.errorCode ?? null])).toEqual([
          ['denied', 'CORDON_ERR_NO_ASSIGNMENT'],
          ['denied', 'CORDON_ERR_ASSIGNMENT_CLOSED'],
          ['denied', 'CORDON_ERR_PURPOSE_REQUIRED'],
          ['allowed', null],
        ]);
        expect(reveals.every((e) => e.customerIds.includes('C1'))).toBe(true);
        const page = await runtime.ledger.entries(json.ledgerSeq, json.ledgerSeq + 1);
        expect(JSON.stringify(page)).not.toContain('13812345678');
      });

      it('releases nothing when the ledger entry cannot be written', async () => {
        // Every new ledger row is refused (a check constraint that no row passes, for new rows only).
        await sql`alter table ledger_entries add constraint refuse_all check (false) not valid`.execute(
          runtime.database.db,
        );
        try {
          const r = await reveal('a1', {
            customerId: 'C1',
            fields: ['phone'],
            purpose: 'customer_support',
            reference: 'T1',
          });
          expect(r.statusCode).toBe(500);
          expect(r.body).not.toContain('13812345678');
        } finally {
          await sql`alter table ledger_entries drop constraint refuse_all`.execute(runtime.database.db);
        }
        // Fail closed: nothing was shown, and the grant went with the failed entry (same transaction),
        // so no quota was spent; the next reveal works and is ledgered.
        expect(await grantedCustomers('a1')).toEqual([]);
        const again = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          purpose: 'customer_support',
          reference: 'T1',
        });
        expect(again.statusCode, again.body).toBe(200);
        expect(
          (await ledgerOf('a1')).filter((e) => e.action === 'reveal' && e.outcome === 'allowed'),
        ).toHaveLength(1);
      });

      it('reveals an order address only through orderId', async () => {
        const r = await reveal('a1', {
          orderId: 'O1',
          fields: ['address', 'phone'],
          purpose: 'customer_support',
          reference: 'T1',
        });
        expect(r.statusCode, r.body).toBe(200);
        expect((r.json() as { fields: { address: string } }).fields.address).toBe(
          '北京市北京市海淀区中关村大街27号院3号楼501室',
        );
      });
    });

    describe('reveals decided together (one transaction per batch)', () => {
      const body = (customerId: string, reference: string) => ({
        customerId,
        fields: ['phone'],
        purpose: 'customer_support',
        reference,
      });
      const staffCtx = (id: string, role: string) => ({
        actor: { type: 'staff' as const, id, role },
        scopes: [],
        requestId: `batch-${id}`,
      });
      /** Reveals submitted in one turn of the event loop (so they are batched), settled. */
      const together = (asks: Array<[string, string, ReturnType<typeof body>]>) =>
        Promise.allSettled(asks.map(([id, role, b]) => runtime.access.reveal(staffCtx(id, role), b)));
      /** Counts the reveal transactions (the real unit of work, observed, not replaced). */
      function countTransactions(): { count: () => number } {
        let n = 0;
        const original = runtime.uow.run.bind(runtime.uow);
        runtime.uow.run = (fn) => {
          n += 1;
          return original(fn);
        };
        return { count: () => n };
      }
      const codeOf = (r: PromiseSettledResult<unknown>) =>
        r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code;

      it("keeps one person's quota exact when their reveals arrive at once", async () => {
        await call({
          method: 'POST',
          url: '/v1/staff',
          headers: admin,
          payload: { ...person('a1', 'support_agent'), revealQuota: 2 },
        });
        const tx = countTransactions();
        const results = await together([
          ['a1', 'support_agent', body('C1', 'T1')],
          ['a1', 'support_agent', body('C2', 'T4')],
          ['a1', 'support_agent', body('C3', 'T5')],
          ['a2', 'support_agent', body('C1', 'T2')],
        ]);
        // a1's three reveals go one per batch (a2's joins the first), each decided against the
        // grants of the one before: the third is over the quota of 2.
        expect(results.map(codeOf)).toEqual(['ok', 'ok', 'CORDON_ERR_QUOTA_EXCEEDED', 'ok']);
        expect(tx.count()).toBe(3);
        expect(await grantedCustomers('a1')).toEqual(['C1', 'C2']);
        const ledgered = (await ledgerOf('a1')).filter((e) => e.action === 'reveal');
        expect(ledgered.map((e) => e.errorCode ?? 'ok')).toEqual(['ok', 'ok', 'CORDON_ERR_QUOTA_EXCEEDED']);
      });

      it('decides reveals of different people in one transaction, each with its own answer', async () => {
        const tx = countTransactions();
        const results = await together([
          ['a1', 'support_agent', body('C1', 'T1')],
          ['a2', 'support_agent', body('C1', 'T2')],
          ['L1', 'support_lead', body('C3', 'T5')],
          ['an1', 'analyst', body('C1', 'T1')],
        ]);
        expect(results.map(codeOf)).toEqual([
          'ok',
          'ok',
          'CORDON_ERR_NO_ASSIGNMENT',
          'CORDON_ERR_NOT_PERMITTED',
        ]);
        expect(tx.count()).toBe(1);
        const [first, second] = results;
        if (first?.status !== 'fulfilled' || second?.status !== 'fulfilled') throw new Error('unreachable');
        expect(first.value.fields.phone).toBe('13812345678');
        expect(first.value.ledgerSeq).not.toBe(second.value.ledgerSeq);
      });

      it('fails only the reveal whose row cannot be decrypted, not the others of its batch', async () => {
        // A damaged ciphertext makes decryption throw inside the shared transaction, which rolls
        // back; the batch is then retried one reveal at a time, so the neighbours get their answers.
        await sql`update customers set phone_ct = ${Buffer.from('damaged ciphertext')} where id = 'C2'`.execute(
          runtime.database.db,
        );
        const tx = countTransactions();
        const results = await together([
          ['a1', 'support_agent', body('C2', 'T4')],
          ['a2', 'support_agent', body('C1', 'T2')],
          ['L1', 'support_lead', body('C3', 'T5')],
        ]);
        expect(results.map(codeOf)).toEqual(['CORDON_ERR_DECRYPT', 'ok', 'CORDON_ERR_NO_ASSIGNMENT']);
        expect(tx.count()).toBe(4);
        expect(JSON.stringify(results[0])).not.toContain('138');
        expect(
          (await ledgerOf('a2')).filter((e) => e.action === 'reveal' && e.outcome === 'allowed'),
        ).toHaveLength(1);
        expect((await ledgerOf('L1')).map((e) => e.errorCode)).toEqual(['CORDON_ERR_NO_ASSIGNMENT']);
        // The failed reveal granted nothing and recorded no allowed entry.
        expect(await grantedCustomers('a1')).toEqual([]);
        expect((await ledgerOf('a1')).filter((e) => e.outcome === 'allowed')).toEqual([]);
      });
    });

    describe('masked views and search for staff', () => {
      it('shows masked customers on their own open tickets only', async () => {
        const mine = await call({ method: 'GET', url: '/v1/customers/C1', headers: as('a1') });
        expect(mine.statusCode, mine.body).toBe(200);
        expect((mine.json() as { phone: string }).phone).toBe('138****5678');
        const other = await call({ method: 'GET', url: '/v1/customers/C3', headers: as('a2') });
        expect([other.statusCode, code(other)]).toEqual([403, 'CORDON_ERR_NO_ASSIGNMENT']);
        const denied = (await ledgerOf('a2')).filter((e) => e.outcome === 'denied');
        expect(denied.map((e) => [e.action, e.errorCode, e.customerIds])).toEqual([
          ['view', 'CORDON_ERR_NO_ASSIGNMENT', ['C3']],
        ]);
      });

      it('lets agents search by phone (counted, rate-limited) but not by name', async () => {
        const byName = await call({
          method: 'POST',
          url: '/v1/search',
          headers: as('a1'),
          payload: { name: '张三' },
        });
        expect(code(byName)).toBe('CORDON_ERR_FIELD_NOT_ALLOWED');
        for (let i = 0; i < 20; i++) {
          const r = await call({
            method: 'POST',
            url: '/v1/search',
            headers: as('a1'),
            payload: { phone: '13812345678' },
          });
          expect(r.statusCode, r.body).toBe(200);
          expect(r.body).toContain('138****5678');
        }
        const limited = await call({
          method: 'POST',
          url: '/v1/search',
          headers: as('a1'),
          payload: { phone: '13812345678' },
        });
        expect([limited.statusCode, code(limited)]).toEqual([429, 'CORDON_ERR_RATE_LIMITED']);
      });

      it('shows merchant staff their own merchant orders, masked', async () => {
        const own = await call({ method: 'GET', url: '/v1/orders/O1', headers: as('m1') });
        expect(own.statusCode, own.body).toBe(200);
        expect((own.json() as { receiver: { street: string } }).receiver.street).toBe('****');
        const other = await call({ method: 'GET', url: '/v1/orders/O2', headers: as('m1') });
        expect(code(other)).toBe('CORDON_ERR_NO_ASSIGNMENT');
      });
    });

    describe('break-glass', () => {
      const justification = 'Customer on the phone reports a fraud call quoting this order right now';

      it('allows a lead within the cap, raises an alert, needs a review by someone else, and refuses over the cap', async () => {
        const bg = (customerId: string) =>
          reveal('L1', { customerId, fields: ['phone'], breakGlass: { justification } });
        const first = await bg('C2');
        expect(first.statusCode, first.body).toBe(200);
        const id = (first.json() as { breakGlassId: string }).breakGlassId;
        expect(id).toMatch(/^bg_/);
        expect((await bg('C3')).statusCode).toBe(200);
        const over = await bg('C1');
        expect([over.statusCode, code(over)]).toEqual([403, 'CORDON_ERR_QUOTA_EXCEEDED']);
        const short = await reveal('L1', {
          customerId: 'C1',
          fields: ['phone'],
          breakGlass: { justification: 'urgent' },
        });
        expect(code(short)).toBe('CORDON_ERR_JUSTIFICATION_REQUIRED');
        const agent = await reveal('a1', {
          customerId: 'C1',
          fields: ['phone'],
          breakGlass: { justification },
        });
        expect(code(agent)).toBe('CORDON_ERR_NOT_PERMITTED');

        const alerts = await call({ method: 'GET', url: '/v1/alerts', headers: as('S1') });
        expect(
          (alerts.json() as { items: Array<{ kind: string; staffId: string }> }).items.filter(
            (a) => a.kind === 'break_glass',
          ),
        ).toHaveLength(2);
        const pending = await call({
          method: 'GET',
          url: '/v1/break-glass?status=pending',
          headers: as('S1'),
        });
        expect((pending.json() as { items: unknown[] }).items).toHaveLength(2);
        const self = await call({
          method: 'POST',
          url: `/v1/break-glass/${id}/review`,
          headers: as('L1'),
          payload: { outcome: 'justified', note: 'mine' },
        });
        expect(code(self)).toBe('CORDON_ERR_NOT_PERMITTED');
        const review = await call({
          method: 'POST',
          url: `/v1/break-glass/${id}/review`,
          headers: as('S1'),
          payload: { outcome: 'justified', note: 'call recording checked' },
        });
        expect(review.statusCode, review.body).toBe(200);
        const again = await call({
          method: 'POST',
          url: `/v1/break-glass/${id}/review`,
          headers: as('S1'),
          payload: { outcome: 'unjustified', note: 'x' },
        });
        expect(code(again)).toBe('CORDON_ERR_INVALID_STATE');
        const codes = (await ledgerOf('L1'))
          .filter((e) => e.action === 'break_glass')
          .map((e) => e.errorCode ?? 'ok');
        expect(codes).toEqual(['ok', 'ok', 'CORDON_ERR_QUOTA_EXCEEDED', 'CORDON_ERR_JUSTIFICATION_REQUIRED']);
      });
    });

    describe('two-person exports', () => {
      const request = {
        filter: { customerIds: ['C1', 'C2'] },
        fields: ['orderId', 'name', 'phone', 'address', 'total'],
        purpose: 'data_subject_request',
        reference: 'DSR-9',
        recipient: 'legal@shop.example',
        plaintext: true,
      };

      it('refuses self-approval, lets a second person approve masked, and records the exact customer set', async () => {
        const asked = await call({ method: 'POST', url: '/v1/exports', headers: as('D1'), payload: request });
        expect(asked.statusCode, asked.body).toBe(200);
        const id = (asked.json() as { id: string }).id;
        const self = await call({
          method: 'POST',
          url: `/v1/exports/${id}/decision`,
          headers: as('D1'),
          payload: { decision: 'approve', note: 'fine' },
        });
        expect([self.statusCode, code(self)]).toEqual([403, 'CORDON_ERR_SELF_APPROVAL']);
        const approvals = (await ledgerOf('D1')).filter((e) => e.action === 'approve');
        expect(approvals.map((e) => [e.outcome, e.errorCode])).toEqual([
          ['denied', 'CORDON_ERR_SELF_APPROVAL'],
        ]);
        const early = await call({ method: 'GET', url: `/v1/exports/${id}/file`, headers: as('D1') });
        expect(code(early)).toBe('CORDON_ERR_INVALID_STATE');
        const approved = await call({
          method: 'POST',
          url: `/v1/exports/${id}/decision`,
          headers: as('S1'),
          payload: { decision: 'approve', plaintext: false, note: 'masked is enough for this request' },
        });
        expect(approved.statusCode, approved.body).toBe(200);
        expect(approved.json()).toMatchObject({
          status: 'approved',
          approver: 'S1',
          plaintextApproved: false,
          rowCount: 2,
        });
        const stranger = await call({ method: 'GET', url: `/v1/exports/${id}/file`, headers: as('S1') });
        expect([stranger.statusCode, code(stranger)]).toEqual([403, 'CORDON_ERR_NOT_PERMITTED']);
        const file = await call({ method: 'GET', url: `/v1/exports/${id}/file`, headers: as('D1') });
        expect(file.statusCode, file.body).toBe(200);
        expect(file.headers['content-type']).toContain('text/csv');
        expect(file.body).toContain('O1');
        expect(file.body).toContain('O2');
        expect(file.body).not.toContain('O3');
        expect(file.body).toContain('137****1111');
        expect(file.body).not.toContain('13700001111');
        expect(file.body).not.toContain('中关村');
        const subjects = await database.db
          .selectFrom('export_subjects')
          .select(['customer_id', 'order_id'])
          .where('export_id', '=', id)
          .orderBy('order_id')
          .execute();
        expect(subjects).toEqual([
          { customer_id: 'C1', order_id: 'O1' },
          { customer_id: 'C2', order_id: 'O2' },
        ]);
        const downloads = (await ledgerOf('D1')).filter(
          (e) => e.action === 'export' && e.outcome === 'allowed' && e.customerIds.length > 0,
        );
        expect(downloads.map((e) => e.customerIds)).toEqual([['C1', 'C2']]);
      });

      it('refuses plaintext exports to analysts', async () => {
        const r = await call({
          method: 'POST',
          url: '/v1/exports',
          headers: as('an1'),
          payload: { ...request, purpose: 'analytics', reference: undefined },
        });
        expect([r.statusCode, code(r)]).toEqual([403, 'CORDON_ERR_PLAINTEXT_NOT_ALLOWED']);
      });

      it('gives plaintext only when the approval covers it, as XLSX when asked', async () => {
        const asked = await call({
          method: 'POST',
          url: '/v1/exports',
          headers: as('D1'),
          payload: { ...request, format: 'xlsx' },
        });
        const id = (asked.json() as { id: string }).id;
        await call({
          method: 'POST',
          url: `/v1/exports/${id}/decision`,
          headers: as('S1'),
          payload: { decision: 'approve', plaintext: true, note: 'DSR needs the full data' },
        });
        const file = await call({ method: 'GET', url: `/v1/exports/${id}/file`, headers: as('D1') });
        expect(file.statusCode).toBe(200);
        expect(file.headers['content-type']).toContain('spreadsheetml');
        const { default: ExcelJS } = await import('exceljs');
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(new Uint8Array(file.rawPayload).buffer);
        const values = wb.getWorksheet('Export')?.getSheetValues().flat().map(String) ?? [];
        expect(values).toContain('13700001111');
      });
    });

    describe('privacy waybill', () => {
      it('prints a masked label whose QR resolves only for the courier inside the window', async () => {
        const pdf = await call({ method: 'GET', url: '/v1/orders/O1/waybill', headers: as('K1') });
        expect(pdf.statusCode, pdf.body).toBe(200);
        expect(pdf.headers['content-type']).toBe('application/pdf');
        const page = await inspectPdfPage(new Uint8Array(pdf.rawPayload));
        const text = page.texts.map((t) => t.text).join(' ');
        expect(text).toContain('李*');
        expect(text).toContain('137****1111');
        expect(text).toContain('海淀区');
        expect(text).not.toContain('中关村');
        expect(text).not.toContain('13700001111');
        const image = page.images[0];
        if (!image) throw new Error('no QR image in the label');
        const qr = jsQR(image.rgba, image.width, image.height);
        const token = qr?.data ?? '';
        expect(token).toMatch(/^cw1\./);

        const other = await call({
          method: 'POST',
          url: '/v1/waybill/resolve',
          headers: as('K2'),
          payload: { token },
        });
        expect([other.statusCode, code(other)]).toEqual([403, 'CORDON_ERR_NO_ASSIGNMENT']);
        const agent = await call({
          method: 'POST',
          url: '/v1/waybill/resolve',
          headers: as('a1'),
          payload: { token },
        });
        expect(code(agent)).toBe('CORDON_ERR_PURPOSE_NOT_ALLOWED');
        const forged = await call({
          method: 'POST',
          url: '/v1/waybill/resolve',
          headers: as('K1'),
          // One character of the signature changed (always a different one: a fixed 'AA' equalled
          // the real ending about once in 4,096 runs).
          payload: { token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` },
        });
        expect(code(forged)).toBe('CORDON_ERR_TOKEN_INVALID');
        const mine = await call({
          method: 'POST',
          url: '/v1/waybill/resolve',
          headers: as('K1'),
          payload: { token },
        });
        expect(mine.statusCode, mine.body).toBe(200);
        expect((mine.json() as { fields: { address: string } }).fields.address).toContain('中关村大街27号院');
      });

      it('refuses the courier outside the delivery window, at print and at resolve', async () => {
        const print = await call({ method: 'GET', url: '/v1/orders/O2/waybill', headers: as('K1') });
        expect([print.statusCode, code(print)]).toEqual([403, 'CORDON_ERR_OUTSIDE_WINDOW']);
        const label = await runtime.waybills.label(
          { actor: { type: 'staff', id: 'W1', role: 'warehouse' }, scopes: [], requestId: 'wh' },
          'O2',
        );
        const late = await call({
          method: 'POST',
          url: '/v1/waybill/resolve',
          headers: as('K1'),
          payload: { token: label.token },
        });
        expect([late.statusCode, code(late)]).toEqual([403, 'CORDON_ERR_OUTSIDE_WINDOW']);
        const codes = (await ledgerOf('K1'))
          .filter((e) => e.outcome === 'denied')
          .map((e) => [e.action, e.errorCode]);
        expect(codes).toEqual([
          ['print', 'CORDON_ERR_OUTSIDE_WINDOW'],
          ['reveal', 'CORDON_ERR_OUTSIDE_WINDOW'],
        ]);
      });
    });

    describe('sign-in', () => {
      it('requires TOTP for security admins, blocks replay, and locks after repeated failures', async () => {
        await call({
          method: 'POST',
          url: '/v1/staff/S1/password',
          headers: admin,
          payload: { password: 'Secure-Admin-2026' },
        });
        const noTotpYet = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'S1', password: 'Secure-Admin-2026' },
        });
        expect(code(noTotpYet)).toBe('CORDON_ERR_TOTP_REQUIRED');
        const enrol = await call({ method: 'POST', url: '/v1/staff/S1/totp', headers: admin });
        const secret = base32Decode((enrol.json() as { secret: string }).secret);
        const missing = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'S1', password: 'Secure-Admin-2026' },
        });
        expect([missing.statusCode, code(missing)]).toEqual([401, 'CORDON_ERR_TOTP_REQUIRED']);
        const totp = totpCode(secret, new Date());
        const good = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'S1', password: 'Secure-Admin-2026', totp },
        });
        expect(good.statusCode, good.body).toBe(200);
        const replay = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'S1', password: 'Secure-Admin-2026', totp },
        });
        expect(code(replay)).toBe('CORDON_ERR_INVALID_CREDENTIALS');
        for (let i = 0; i < 4; i++) {
          const bad = await call({
            method: 'POST',
            url: '/v1/auth/login',
            payload: { username: 'S1', password: 'wrong password!!' },
          });
          expect(code(bad)).toBe('CORDON_ERR_INVALID_CREDENTIALS');
        }
        const locked = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: {
            username: 'S1',
            password: 'Secure-Admin-2026',
            totp: totpCode(secret, new Date(Date.now() + 30_000)),
          },
        });
        expect([locked.statusCode, code(locked)]).toEqual([423, 'CORDON_ERR_ACCOUNT_LOCKED']);
        const unknown = await call({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { username: 'nobody', password: 'whatever-123456' },
        });
        expect(code(unknown)).toBe('CORDON_ERR_INVALID_CREDENTIALS');
      });
    });
  });
}
