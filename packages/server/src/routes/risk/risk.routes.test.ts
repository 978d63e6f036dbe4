import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../testing/test-app';
import { testRuntime } from '../../testing/test-runtime';

const allDay = { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' };
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

function order(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    customerId: 'U1',
    createdAt: iso(NOW),
    status: 'created',
    receiver: {
      name: '李雷',
      phone: '13912345678',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      street: '文三路100号3幢201室',
    },
    items: [{ sku: 'SKU-PHONE', name: '手机', price: 2999, qty: 1 }],
    total: 2999,
    ...over,
  };
}

const fullContext = {
  account: 'U1',
  accountCreatedAt: iso(NOW - 400 * 86_400_000),
  device: 'dev-1',
  ip: '203.0.113.7',
  paymentFingerprint: 'pay-1',
};

const promotion = {
  id: 'P11',
  name: 'Double 11 phone',
  startsAt: iso(NOW - 3_600_000),
  endsAt: iso(NOW + 86_400_000),
  skus: [{ sku: 'SKU-PHONE', listPrice: 3999, promoPrice: 2999 }],
  stock: 1000,
  caps: { perAccount: 2, perCluster: 4, perAddress: 4 },
  priceError: { minRatio: 0.5 },
};

describe('risk over HTTP', () => {
  const t = useTestApp();

  const post = (url: string, payload: unknown, headers = t.headers) =>
    t.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  const put = (url: string, payload: unknown, headers = t.headers) =>
    t.app.inject({ method: 'PUT', url, headers, payload: payload as Record<string, unknown> });
  const get = (url: string, headers = t.headers) => t.app.inject({ method: 'GET', url, headers });

  async function key(scopes: string[]) {
    const created = await t.runtime.apiKeys.create(
      { actor: { type: 'apikey', id: 'admin', role: 'admin' }, scopes: ['admin'], requestId: 'test' },
      { name: `k-${scopes.join('-')}`, scopes },
    );
    return { authorization: `Bearer ${created.key}` };
  }

  async function staffToken(id: string, role: string) {
    const r = await post('/v1/staff', [
      { id, name: id, role, team: 'risk', shift: allDay, status: 'active' },
    ]);
    expect(r.statusCode, r.body).toBe(200);
    const tok = await post(`/v1/staff/${id}/tokens`, {});
    return { authorization: `Bearer ${tok.json().token}` };
  }

  it('refuses a malformed order naming the field, and stores nothing', async () => {
    const bad = await post('/v1/risk/score', {
      order: order('D1', { receiver: { ...order('D1').receiver, phone: '12' } }),
      context: fullContext,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'CORDON_ERR_INVALID_PHONE',
      details: { field: 'order.receiver.phone' },
    });
    expect(bad.body).not.toContain('12"');
    const noContext = await post('/v1/risk/score', { order: order('D1') });
    expect(noContext.json().error).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { field: 'context' },
    });
    const batch = await post('/v1/risk/score', {
      orders: [
        { order: order('D1'), context: fullContext },
        { order: order('D2'), context: { ...fullContext, ip: 'not-an-ip' } },
      ],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error.details).toMatchObject({ index: 1, field: 'context.ip' });
    const overTotal = await post('/v1/risk/score', {
      orders: [
        { order: order('D1'), context: fullContext },
        { order: order('D2', { total: 3000 }), context: fullContext },
      ],
    });
    expect(overTotal.statusCode).toBe(400);
    expect(overTotal.json().error).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      message: 'item 1: order.total is larger than the sum of the items.',
      details: { index: 1, field: 'order.total' },
    });
    const dup = await post('/v1/risk/score', {
      orders: [
        { order: order('D1'), context: fullContext },
        { order: order('D1'), context: fullContext },
      ],
    });
    expect(dup.json().error.code).toBe('CORDON_ERR_DUPLICATE_IN_BATCH');
    expect(await t.database.db.selectFrom('risk_decisions').selectAll().execute()).toHaveLength(0);
  });

  it('accepts an ordinary order, stores and ledgers the decision without personal data', async () => {
    const r = await post('/v1/risk/score', { order: order('D1'), context: fullContext });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ orderId: 'D1', decision: 'accept', score: 0, reasons: [] });
    const rows = await t.database.db.selectFrom('risk_decisions').selectAll().execute();
    expect(rows.map((x) => [x.order_id, x.decision])).toEqual([['D1', 'accept']]);
    const entries = await t.database.db.selectFrom('ledger_entries').selectAll().execute();
    const decisionEntries = entries.filter((e) => JSON.stringify(e).includes('risk_decision'));
    expect(decisionEntries).toHaveLength(1);
    const text = JSON.stringify(entries);
    for (const secret of ['13912345678', '李雷', '文三路', 'dev-1', '203.0.113.7', 'pay-1']) {
      expect(text).not.toContain(secret);
    }
  });

  it('says when context is missing, with fewer features rather than a refusal', async () => {
    const r = await post('/v1/risk/score', { order: order('D1'), context: { account: 'U1' } });
    expect(r.statusCode).toBe(200);
    const reason = r.json().reasons.find((x: { code: string }) => x.code === 'CONTEXT_INCOMPLETE');
    expect(reason.evidence.missing).toEqual(['accountCreatedAt', 'device', 'ip', 'paymentFingerprint']);
    expect(r.json().decision).toBe('accept');
  });

  it('enforces promotion caps with a readable reason; the customer sees plain words and can appeal once, in time', async () => {
    expect((await put('/v1/risk/promotions/P11', promotion)).statusCode).toBe(200);
    const ok = await post('/v1/risk/score', {
      order: order('D1', { items: [{ sku: 'SKU-PHONE', name: '手机', price: 2999, qty: 2 }], total: 5998 }),
      context: fullContext,
    });
    expect(ok.json().decision).toBe('accept');
    const over = await post('/v1/risk/score', { order: order('D2'), context: fullContext });
    expect(over.json()).toMatchObject({ decision: 'reject' });
    const reason = over.json().reasons[0];
    expect(reason.code).toBe('PROMO_ACCOUNT_LIMIT');
    expect(reason.evidence).toEqual({ promo_over_account_cap: true });

    const customer = await key(['risk:customer']);
    const explained = await get('/v1/risk/orders/D2/explanation', customer);
    expect(explained.statusCode, explained.body).toBe(200);
    const body = explained.json();
    expect(body.status).toBe('rejected');
    expect(body.explanation.en.join(' ')).toContain("promotion's purchase limit per account");
    expect(JSON.stringify(body.explanation)).not.toMatch(/\d/u);
    expect(body).not.toHaveProperty('score');
    expect(body.appeal.state).toBe('available');

    const appeal = await post('/v1/risk/orders/D2/appeal', { statement: '第二台是给父母买的' }, customer);
    expect(appeal.statusCode, appeal.body).toBe(200);
    const again = await post('/v1/risk/orders/D2/appeal', { statement: 'again' }, customer);
    expect(again.json().error.code).toBe('CORDON_ERR_APPEAL_CLOSED');
    const acceptedAppeal = await post('/v1/risk/orders/D1/appeal', { statement: 'x' }, customer);
    expect(acceptedAppeal.json().error.code).toBe('CORDON_ERR_INVALID_STATE');

    const analyst = await staffToken('an1', 'analyst');
    const open = await get('/v1/risk/appeals', analyst);
    expect(open.json().items.map((a: { orderId: string }) => a.orderId)).toEqual(['D2']);
    // The statement is the customer's own words: reading the list is ledgered (ids, never the text).
    const reads = await t.database.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('actor_id', '=', 'an1')
      .where('action', '=', 'risk_appeal')
      .execute();
    expect(reads).toHaveLength(1);
    expect(reads[0]?.customer_ids).toEqual(['U1']);
    const entryText = Buffer.from(reads[0]?.body ?? []).toString('utf8');
    expect(entryText).toContain('appeal.statement');
    expect(entryText).toContain('D2');
    expect(entryText).not.toContain('父母');
    const decided = await post(
      '/v1/risk/appeals/D2',
      { outcome: 'overturned', reason: '核实为家庭自用，已恢复订单' },
      analyst,
    );
    expect(decided.statusCode, decided.body).toBe(200);
    const after = (await get('/v1/risk/orders/D2/explanation', customer)).json();
    expect(after.status).toBe('accepted');
    expect(after.appeal).toMatchObject({
      state: 'decided',
      outcome: 'overturned',
      reason: '核实为家庭自用，已恢复订单',
    });
    const labels = (await get('/v1/risk/labels', analyst)).json().items;
    expect(labels).toEqual([expect.objectContaining({ orderId: 'D2', abusive: false, source: 'appeal' })]);
  });

  it('closes the appeal window after the configured days', async () => {
    await put('/v1/risk/promotions/P11', promotion);
    await post('/v1/risk/score', {
      order: order('D1', { items: [{ sku: 'SKU-PHONE', name: '手机', price: 2999, qty: 3 }], total: 8997 }),
      context: fullContext,
    });
    await t.database.db
      .updateTable('risk_decisions')
      .set({ decided_at: new Date(NOW - 16 * 86_400_000) })
      .where('order_id', '=', 'D1')
      .execute();
    const customer = await key(['risk:customer']);
    expect((await get('/v1/risk/orders/D1/explanation', customer)).json().appeal.state).toBe('expired');
    const late = await post('/v1/risk/orders/D1/appeal', { statement: 'late' }, customer);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('CORDON_ERR_APPEAL_CLOSED');
    expect(await t.database.db.selectFrom('risk_appeals').selectAll().execute()).toHaveLength(0);
  });

  it('holds a price error for review; a reviewer decides once; the same reviewer cannot decide its appeal', async () => {
    await put('/v1/risk/list-prices', { prices: [{ sku: 'SKU-TV', listPrice: 4999 }] });
    const r = await post('/v1/risk/score', {
      order: order('D9', { items: [{ sku: 'SKU-TV', name: '电视', price: 49.99, qty: 20 }], total: 999.8 }),
      context: fullContext,
    });
    expect(r.json()).toMatchObject({ decision: 'review', reasons: [{ code: 'PRICE_ERROR_HOLD' }] });
    const agent = await staffToken('ag1', 'support_agent');
    expect((await get('/v1/risk/reviews', agent)).statusCode).toBe(403);
    const analyst = await staffToken('an1', 'analyst');
    const queue = (await get('/v1/risk/reviews', analyst)).json();
    expect(queue.items.map((i: { orderId: string }) => i.orderId)).toEqual(['D9']);
    expect(queue.items[0].reasons[0].evidence).toMatchObject({ price_error: true });
    const customer = await key(['risk:customer']);
    expect((await get('/v1/risk/orders/D9/explanation', customer)).json().status).toBe('under_review');
    const bad = await post('/v1/risk/reviews/D9', { outcome: 'maybe', reason: 'x' }, analyst);
    expect(bad.statusCode).toBe(400);
    const phoneInReason = await post(
      '/v1/risk/reviews/D9',
      { outcome: 'reject', reason: '买家电话13912345678' },
      analyst,
    );
    expect(phoneInReason.statusCode).toBe(400);
    expect(phoneInReason.body).not.toContain('13912345678');
    const decided = await post(
      '/v1/risk/reviews/D9',
      { outcome: 'reject', reason: '批量套利标价错误商品' },
      analyst,
    );
    expect(decided.statusCode, decided.body).toBe(200);
    expect(
      (await post('/v1/risk/reviews/D9', { outcome: 'accept', reason: 'changed mind' }, analyst)).statusCode,
    ).toBe(409);
    expect((await get('/v1/risk/reviews', analyst)).json().items).toEqual([]);
    expect((await get('/v1/risk/orders/D9/explanation', customer)).json()).toMatchObject({
      status: 'rejected',
      appeal: { state: 'available' },
    });
    await post('/v1/risk/orders/D9/appeal', { statement: '我是真实购买' }, customer);
    const self = await post('/v1/risk/appeals/D9', { outcome: 'upheld', reason: '维持原判决' }, analyst);
    expect(self.json().error.code).toBe('CORDON_ERR_SELF_APPROVAL');
    const second = await staffToken('sec1', 'security_admin');
    expect(
      (await post('/v1/risk/appeals/D9', { outcome: 'upheld', reason: '维持原判' }, second)).statusCode,
    ).toBe(200);
    // A re-score of a decided order does not overwrite the people's decision.
    await post('/v1/risk/score', { order: order('D9'), context: fullContext });
    const row = await t.database.db
      .selectFrom('risk_decisions')
      .selectAll()
      .where('order_id', '=', 'D9')
      .executeTakeFirst();
    expect(row?.decision).toBe('review');
  });

  it('refuses a rule that does not compile, naming the position; saves a good one as a new version, ledgered', async () => {
    const body = {
      description: 'many orders per account in a minute',
      expression: 'account_orders_1m >= 3 &&& has_device',
      action: 'review',
      reason: {
        code: 'ACCOUNT_BURST',
        zh: '账户在短时间内下单过多。',
        en: 'Too many orders from the account in a short time.',
      },
    };
    const syntax = await put('/v1/risk/rules/account_burst', body);
    expect(syntax.statusCode).toBe(400);
    expect(syntax.json().error).toMatchObject({
      code: 'CORDON_ERR_RULE_INVALID',
      details: { line: 1, column: 26 },
    });
    const unknown = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: 'account_orders_1m >= 3 &&\n  acount_age_days < 1.0',
    });
    expect(unknown.json().error).toMatchObject({
      code: 'CORDON_ERR_RULE_INVALID',
      details: { line: 2, column: 3 },
    });
    expect(unknown.json().error.message).toContain('acount_age_days');
    const notBool = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: 'account_orders_1m + 1',
    });
    expect(notBool.json().error.code).toBe('CORDON_ERR_RULE_INVALID');
    const digits = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: 'account_orders_1m >= 3',
      reason: { ...body.reason, en: 'More than 3 orders a minute.' },
    });
    expect(digits.json().error.details.field).toBe('reason.en');
    const huge = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: Array.from({ length: 200 }, () => 'account_orders_1m >= 3').join(' || '),
    });
    expect(huge.json().error).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { field: 'expression' },
    });
    const deep = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: `order_qty ${'+ 1 '.repeat(400)}> 0`,
    });
    expect(deep.json().error.code).toBe('CORDON_ERR_RULE_INVALID');
    expect(deep.json().error.message).toMatch(/maxAstNodes|maxDepth/u);
    const dry = await put('/v1/risk/rules/account_burst?dryRun=true', {
      ...body,
      expression: 'account_orders_1m >= 3',
    });
    expect(dry.json()).toMatchObject({ dryRun: true });
    const before = (await get('/v1/risk/rules')).json();
    expect(before.rules.map((r: { id: string }) => r.id)).not.toContain('account_burst');

    const saved = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: 'account_orders_1m >= 3',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().rule).toMatchObject({ id: 'account_burst', version: 1 });
    const changed = await put('/v1/risk/rules/account_burst', {
      ...body,
      expression: 'account_orders_1m >= 2',
    });
    expect(changed.json().rule.version).toBe(2);
    expect(changed.json().rulesetVersion).toBeGreaterThan(saved.json().rulesetVersion);
    const versions = (await get('/v1/risk/rules/account_burst/versions')).json().versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const ledgered = await t.database.db.selectFrom('ledger_entries').selectAll().execute();
    expect(ledgered.filter((e) => JSON.stringify(e).includes('risk_rule_change'))).toHaveLength(2);

    await post('/v1/risk/score', { order: order('D1'), context: fullContext });
    const second = await post('/v1/risk/score', { order: order('D2'), context: fullContext });
    expect(second.json()).toMatchObject({ decision: 'review', reasons: [{ code: 'ACCOUNT_BURST' }] });
    expect(second.json().rules).toContainEqual(
      expect.objectContaining({ id: 'account_burst', version: 2, result: 'hit' }),
    );
  });

  it('records shadow hits without acting, and skips a rule that fails at run time', async () => {
    const reason = { code: 'SHADOW_TEST', zh: '测试规则。', en: 'A test rule.' };
    await put('/v1/risk/rules/shadow_everything', {
      description: 'hits every order, in shadow',
      expression: 'order_qty >= 1',
      action: 'reject',
      mode: 'shadow',
      reason,
    });
    await put('/v1/risk/rules/broken_division', {
      description: 'divides by zero',
      expression: '1 / (order_lines - order_lines) > 0',
      action: 'reject',
      reason: { ...reason, code: 'BROKEN' },
    });
    const r = await post('/v1/risk/score', { order: order('D1'), context: fullContext });
    expect(r.json().decision).toBe('accept');
    expect(r.json().rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'shadow_everything', mode: 'shadow', result: 'hit' }),
        expect.objectContaining({
          id: 'broken_division',
          result: 'error',
          error: expect.stringContaining('division'),
        }),
      ]),
    );
  });

  it('another server process picks up a rule change within a couple of seconds', async () => {
    const other = await testRuntime(t.database);
    try {
      const system = {
        actor: { type: 'system' as const, id: 't', role: 'operator' },
        scopes: ['admin'],
        requestId: 'x',
      };
      expect(
        (await other.risk.score(system, { order: order('D1'), context: fullContext })).results[0]?.decision,
      ).toBe('accept');
      const saved = await put('/v1/risk/rules/everything_reviewed', {
        description: 'review every order',
        expression: 'order_qty >= 1',
        action: 'review',
        reason: { code: 'ALL_REVIEWED', zh: '全部人工确认。', en: 'Every order is checked by a person.' },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      // The first score after the interval starts the refresh; the next one sees the new rule.
      await other.risk.score(system, { order: order('D2'), context: fullContext });
      await new Promise((r) => setTimeout(r, 200));
      const r = await other.risk.score(system, { order: order('D3'), context: fullContext });
      expect(r.results[0]).toMatchObject({ decision: 'review', reasons: [{ code: 'ALL_REVIEWED' }] });
    } finally {
      await other.close();
    }
  });

  it('keeps each role to its part: a scoring key cannot change rules, a customer key cannot review', async () => {
    const scorer = await key(['risk:score']);
    expect(
      (await post('/v1/risk/score', { order: order('D1'), context: fullContext }, scorer)).statusCode,
    ).toBe(200);
    const r = await put('/v1/risk/thresholds', { review: 40, reject: 90 }, scorer);
    expect(r.statusCode).toBe(403);
    const customer = await key(['risk:customer']);
    expect((await get('/v1/risk/reviews', customer)).statusCode).toBe(403);
    expect(
      (await post('/v1/risk/score', { order: order('D2'), context: fullContext }, customer)).statusCode,
    ).toBe(403);
    const bad = await put('/v1/risk/thresholds', { review: 90, reject: 40 });
    expect(bad.json().error.details.field).toBe('reject');
    expect((await put('/v1/risk/thresholds', { review: 40, reject: 90 })).json()).toMatchObject({
      review: 40,
      reject: 90,
    });
    expect((await get('/v1/risk/rules')).json().thresholds).toEqual({ review: 40, reject: 90 });
  });
});
