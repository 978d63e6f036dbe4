import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeMobile } from '@cordon/core';
import { appDeps, buildApp, type Runtime, testRuntime } from '@cordon/server';
import { generateShop, toNdjson } from '@cordon/sim';
import { type Database, disposeDatabase, openDatabase } from '@cordon/storage';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from './commands/import.command';

/**
 * The "no plaintext anywhere" guarantee, end to end: a few thousand generated customers and orders go
 * in through the CLI import and the HTTP API, are read back, searched and erased, while every log
 * line and every HTTP response is captured. No plaintext name, phone, ID number, email or street of
 * any record may appear in any of them.
 */
describe('no plaintext PII leaves through logs or responses', () => {
  const shop = generateShop({ customers: 3000, seed: 'pii-leak', messyFormats: true });
  const dir = mkdtempSync(join(tmpdir(), 'cordon-leak-'));
  const logs: string[] = [];
  const bodies: string[] = [];
  let database: Database;
  let runtime: Runtime;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    runtime = await testRuntime(database);
  });
  afterAll(async () => {
    await disposeDatabase(database);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds for import, HTTP ingestion, reads, searches, staff reveals, errors, erasure and the ledger itself', async () => {
    const half = Math.floor(shop.customers.length / 2);
    const customersFile = join(dir, 'customers.ndjson');
    const ordersFile = join(dir, 'orders.ndjson');
    const cliCustomers = shop.customers.slice(0, half);
    const cliIds = new Set(cliCustomers.map((c) => c.id));
    writeFileSync(customersFile, toNdjson(cliCustomers));
    writeFileSync(ordersFile, toNdjson(shop.orders.filter((o) => cliIds.has(o.customerId))));
    const importOptions = {
      encoding: 'utf8' as const,
      batch: 500,
      resume: false,
      json: true,
      concurrency: 1,
    };
    const r1 = await importFile(runtime, 'customers', customersFile, importOptions);
    const r2 = await importFile(runtime, 'orders', ordersFile, importOptions);
    bodies.push(JSON.stringify(r1), JSON.stringify(r2));
    expect(r1.errors).toEqual([]);
    expect(r2.errors).toEqual([]);

    const key = (
      await runtime.apiKeys.create(
        { actor: { type: 'system', id: 'test', role: 'operator' }, scopes: ['admin'], requestId: 'setup' },
        { name: 'leak-test', scopes: ['admin'] },
      )
    ).key;
    const app = await buildApp(
      appDeps(runtime, { level: 'trace', stream: { write: (line: string) => logs.push(line) } }),
    );
    const headers = { authorization: `Bearer ${key}` };
    const send = async (options: InjectOptions) => {
      const response = await app.inject(options);
      bodies.push(response.body);
      return response;
    };
    const rest = shop.customers.slice(half);
    for (let i = 0; i < rest.length; i += 500) {
      const r = await send({
        method: 'POST',
        url: '/v1/customers',
        headers,
        payload: rest.slice(i, i + 500),
      });
      expect(r.statusCode).toBe(200);
    }
    const restIds = new Set(rest.map((c) => c.id));
    const restOrders = shop.orders.filter((o) => restIds.has(o.customerId));
    for (let i = 0; i < restOrders.length; i += 1000) {
      const r = await send({
        method: 'POST',
        url: '/v1/orders',
        headers,
        payload: restOrders.slice(i, i + 1000),
      });
      expect(r.statusCode).toBe(200);
    }
    for (const c of shop.customers.slice(0, 400)) {
      expect((await send({ method: 'GET', url: `/v1/customers/${c.id}`, headers })).statusCode).toBe(200);
      await send({ method: 'GET', url: `/v1/search?phone=${encodeURIComponent(c.phone)}`, headers });
      await send({ method: 'POST', url: '/v1/search', headers, payload: { name: c.name } });
    }
    for (const o of shop.orders.slice(0, 400))
      await send({ method: 'GET', url: `/v1/orders/${o.id}`, headers });
    // Bad input carrying real values must not echo them.
    const victim = shop.customers[0];
    if (!victim) throw new Error('no customers generated');
    await send({ method: 'POST', url: '/v1/customers', headers, payload: { ...victim, name: 123 } });
    await send({
      method: 'POST',
      url: '/v1/customers',
      headers,
      payload: { ...victim, phone: `${victim.phone}9` },
    });
    await send({
      method: 'POST',
      url: '/v1/customers',
      headers,
      payload: { ...victim, name: `${victim.name}改` },
    });
    await send({
      method: 'POST',
      url: '/v1/customers',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(victim).slice(0, -3),
    });
    await send({ method: 'GET', url: `/v1/search?phone=${victim.phone}x`, headers });

    // Staff reveals: the plaintext goes to the agent (those bodies are the point of a reveal and are
    // left out of the haystack), but never to a log line or a ledger entry, and a reference carrying a
    // phone number is refused without echoing it.
    const agent = { id: 'a1', name: 'Agent', role: 'support_agent', team: 't', status: 'active' };
    await send({
      method: 'POST',
      url: '/v1/staff',
      headers,
      payload: { ...agent, shift: { start: '00:00', end: '00:00', tz: 'Asia/Shanghai' }, revealQuota: 1000 },
    });
    const revealed = shop.customers.slice(1, 51);
    await send({
      method: 'POST',
      url: '/v1/tickets',
      headers,
      payload: revealed.map((c, i) => ({
        id: `T${i}`,
        customerId: c.id,
        assignee: 'a1',
        status: 'open',
        openedAt: '2026-01-01T00:00:00Z',
      })),
    });
    const issued = await app.inject({ method: 'POST', url: '/v1/staff/a1/tokens', headers });
    expect(issued.statusCode, issued.body).toBe(200);
    const token = issued.json().token;
    for (const [i, c] of revealed.entries()) {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/reveal',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          customerId: c.id,
          fields: ['phone', 'name'],
          purpose: 'customer_support',
          reference: `T${i}`,
        },
      });
      expect(r.statusCode).toBe(200);
    }
    await send({
      method: 'POST',
      url: '/v1/reveal',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        customerId: victim.id,
        fields: ['phone'],
        purpose: 'customer_support',
        reference: `ref-${victim.phone}`,
      },
    });
    await send({
      method: 'GET',
      url: `/v1/customers/${victim.id}`,
      headers: {
        authorization: `Bearer ${token}`,
        'x-cordon-reference': normalizeMobile(victim.phone) ?? victim.phone,
      },
    });
    const size = (await runtime.uow.run((repos) => repos.ledger.size())) as number;
    for (let from = 0; from < size; from += 1000) {
      bodies.push(JSON.stringify(await runtime.ledger.entries(from, Math.min(size, from + 1000))));
    }
    await send({ method: 'DELETE', url: `/v1/customers/${victim.id}`, headers });
    await send({ method: 'GET', url: `/v1/customers/${victim.id}/access-history`, headers });
    await app.close();

    const haystack = `${logs.join('\n')}\n${bodies.join('\n')}`;
    expect(logs.length).toBeGreaterThan(1000);
    const secrets = new Set<string>();
    for (const c of shop.customers) {
      secrets.add(c.name);
      secrets.add(normalizeMobile(c.phone) ?? c.phone);
      secrets.add(c.phone);
      if (c.email) secrets.add(c.email);
      if (c.idNumber) secrets.add(c.idNumber);
    }
    for (const o of shop.orders) {
      secrets.add(o.receiver.name);
      secrets.add(normalizeMobile(o.receiver.phone) ?? o.receiver.phone);
      secrets.add(o.receiver.street);
    }
    // Region names and product names are stored in clear by design; a short name that happens to be
    // part of one (梁溪 is both a name and 梁溪区) is not a leak.
    const clear = shop.orders
      .map(
        (o) =>
          `${o.receiver.province}${o.receiver.city}${o.receiver.district}${o.items.map((i) => i.name).join('')}`,
      )
      .join('|');
    const leaked = [...secrets].filter((s) => s.length >= 2 && !clear.includes(s) && haystack.includes(s));
    expect(secrets.size).toBeGreaterThan(10_000);
    expect(leaked).toEqual([]);
  });
});
