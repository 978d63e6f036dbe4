import { customerFixtures, fixturePlaintexts, orderFixture } from '@cordon/core';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../testing/test-app';

describe('vault HTTP API', () => {
  const logs: string[] = [];
  const t = useTestApp({ logger: { level: 'debug', stream: { write: (line: string) => logs.push(line) } } });

  it('requires a valid API key', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/v1/customers/C1' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('CORDON_ERR_UNAUTHENTICATED');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="cordon"');
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/C1',
      headers: { authorization: 'Bearer ck_0000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(bad.statusCode).toBe(401);
  });

  it('ingests, reads masked, searches and erases', async () => {
    const c = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: t.headers,
      payload: customerFixtures,
    });
    expect(c.statusCode).toBe(200);
    expect(c.json()).toEqual({ received: 3, inserted: 3, unchanged: 0 });
    const o = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: t.headers,
      payload: orderFixture('O1', 'C1'),
    });
    expect(o.json()).toEqual({ received: 1, inserted: 1, unchanged: 0 });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: t.headers,
      payload: orderFixture('O1', 'C1'),
    });
    expect(again.json()).toEqual({ received: 1, inserted: 0, unchanged: 1 });
    const conflict = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: t.headers,
      payload: orderFixture('O1', 'C1', { status: 'shipped' }),
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('CORDON_ERR_CONFLICT');

    const customer = await t.app.inject({ method: 'GET', url: '/v1/customers/C1', headers: t.headers });
    expect(customer.json()).toMatchObject({ id: 'C1', name: '张*', phone: '138****5678', masked: true });
    const order = await t.app.inject({ method: 'GET', url: '/v1/orders/O1', headers: t.headers });
    expect(order.json().receiver).toEqual({
      name: '李*',
      phone: '137****1111',
      province: '北京市',
      city: '北京市',
      district: '海淀区',
      street: '****',
    });

    const search = await t.app.inject({
      method: 'GET',
      url: '/v1/search?phone=%2B86%20138-1234-5678',
      headers: t.headers,
    });
    expect(search.json().results).toHaveLength(1);
    const post = await t.app.inject({
      method: 'POST',
      url: '/v1/search',
      headers: t.headers,
      payload: { name: '李四' },
    });
    expect(post.json().results[0]).toMatchObject({ kind: 'order', order: { id: 'O1' } });

    const erased = await t.app.inject({ method: 'DELETE', url: '/v1/customers/C1', headers: t.headers });
    expect(erased.statusCode).toBe(200);
    expect(erased.json().receipt).toContain('cordon erasure receipt');
    const gone = await t.app.inject({ method: 'GET', url: '/v1/customers/C1', headers: t.headers });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('CORDON_ERR_ERASED');
  });

  it.each([
    [
      'a batch over 1,000',
      () => Array.from({ length: 1001 }, (_, i) => ({ ...customerFixtures[0], id: `B${i}` })),
      'CORDON_ERR_BATCH_TOO_LARGE',
    ],
    ['duplicate ids', () => [customerFixtures[0], customerFixtures[0]], 'CORDON_ERR_DUPLICATE_IN_BATCH'],
    ['an unknown field', () => ({ ...customerFixtures[0], extra: 1 }), 'CORDON_ERR_UNKNOWN_FIELD'],
    ['a malformed phone', () => ({ ...customerFixtures[0], phone: '138123' }), 'CORDON_ERR_INVALID_PHONE'],
  ])('answers %s with 400 and a stable code', async (_label, payload, code) => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: t.headers,
      payload: payload(),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe(code);
    for (const pii of fixturePlaintexts) expect(r.body).not.toContain(pii);
  });

  it('answers malformed JSON without quoting the body', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { ...t.headers, 'content-type': 'application/json' },
      payload: '{"id":"C1","name":"张三","phone":"13812345678"',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('CORDON_ERR_VALIDATION');
    expect(r.body).not.toContain('张三');
    expect(r.body).not.toContain('13812345678');
  });

  it('answers an order of an unknown customer with 422', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: t.headers,
      payload: [orderFixture('O9', 'C404')],
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().error).toMatchObject({
      code: 'CORDON_ERR_CUSTOMER_NOT_FOUND',
      details: { index: 0, customerId: 'C404' },
    });
  });

  it('scopes API keys to actions', async () => {
    const readOnly = await t.runtime.apiKeys.create(
      { actor: { type: 'system', id: 'test', role: 'operator' }, scopes: ['admin'], requestId: 'r' },
      { name: 'reader', scopes: ['customers:read'] },
    );
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/customers',
      headers: { authorization: `Bearer ${readOnly.key}` },
      payload: customerFixtures[0],
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('CORDON_ERR_FORBIDDEN');
  });

  it('stops accepting a revoked key at once, and records the revocation', async () => {
    const admin = {
      actor: { type: 'system' as const, id: 'test', role: 'operator' },
      scopes: ['admin'],
      requestId: 'r',
    };
    const created = await t.runtime.apiKeys.create(admin, { name: 'temp', scopes: ['customers:read'] });
    const headers = { authorization: `Bearer ${created.key}` };
    expect((await t.app.inject({ method: 'GET', url: '/v1/customers/C1', headers })).statusCode).toBe(404);
    await t.runtime.apiKeys.revoke(admin, created.id);
    expect((await t.app.inject({ method: 'GET', url: '/v1/customers/C1', headers })).statusCode).toBe(401);
    await expect(t.runtime.apiKeys.revoke(admin, created.id)).rejects.toMatchObject({
      code: 'CORDON_ERR_NOT_FOUND',
    });
    const size = await t.runtime.uow.run((repos) => repos.ledger.size());
    const [last] = await t.runtime.ledger.entries(size - 1, size);
    expect(last?.entry).toMatchObject({ action: 'apikey_revoke', detail: { apiKey: created.id } });
  });

  it('issues deterministic phone-shaped tokens and refuses non-mobiles', async () => {
    const a = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens/phone',
      headers: t.headers,
      payload: { phone: '+86 138-1234-5678' },
    });
    const b = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens/phone',
      headers: t.headers,
      payload: { phone: '13812345678' },
    });
    expect(a.json().token).toMatch(/^1[3-9]\d{9}$/);
    expect(a.json().token).toBe(b.json().token);
    expect(a.json().token).not.toBe('13812345678');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens/phone',
      headers: t.headers,
      payload: { phone: '010-62751234' },
    });
    expect(bad.json().error.code).toBe('CORDON_ERR_INVALID_PHONE');
  });

  it('refuses a malformed purpose or reference header instead of dropping it', async () => {
    const purpose = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/C1',
      headers: { ...t.headers, 'x-cordon-purpose': 'Because I Can' },
    });
    expect(purpose.statusCode).toBe(400);
    expect(purpose.json().error).toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
      details: { field: 'X-Cordon-Purpose' },
    });
    const reference = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/C1',
      headers: { ...t.headers, 'x-cordon-reference': 'x'.repeat(200) },
    });
    expect(reference.json().error.details.field).toBe('X-Cordon-Reference');
  });

  it('serves the OpenAPI document at /docs', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(r.statusCode).toBe(200);
    expect(Object.keys(r.json().paths)).toEqual(
      expect.arrayContaining(['/v1/customers', '/v1/orders', '/v1/search', '/v1/customers/{id}']),
    );
  });

  it('never writes a phone from a search URL into the logs', async () => {
    await t.app.inject({ method: 'GET', url: '/v1/search?phone=13812345678', headers: t.headers });
    const text = logs.join('');
    expect(text).toContain('/v1/search');
    expect(text).not.toContain('13812345678');
  });
});
