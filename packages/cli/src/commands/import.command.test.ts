import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerFixtures, orderFixture, type RequestContext } from '@cordon/core';
import { type Runtime, testRuntime } from '@cordon/server';
import { toCsv } from '@cordon/sim';
import { type Database, disposeDatabase, openDatabase, resetDatabase } from '@cordon/storage';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ImportOptions, importFile } from './import.command';

const ctx: RequestContext = {
  actor: { type: 'system', id: 'test', role: 'operator' },
  scopes: ['admin'],
  requestId: 'r',
};
const options: ImportOptions = { encoding: 'utf8', batch: 2, resume: false, json: true, concurrency: 1 };

describe('cordon import', () => {
  let database: Database;
  let runtime: Runtime;
  const dir = mkdtempSync(join(tmpdir(), 'cordon-import-'));
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await disposeDatabase(database);
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetDatabase(database);
    runtime = await testRuntime(database);
  });

  const lines = (items: unknown[]) => `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;

  it('imports NDJSON and reports per line, writing only whole valid batches', async () => {
    const good = customerFixtures;
    const content = Buffer.concat([
      Buffer.from(`${JSON.stringify(good[0])}\n${JSON.stringify(good[1])}\n`),
      Buffer.from(`${JSON.stringify({ ...good[2], phone: '555' })}\n`),
      Buffer.from(`${JSON.stringify({ ...good[2], id: 'C4' })}\n`),
      Buffer.from('{"id":"C5","name":"王'),
      Buffer.from('\n'),
      Buffer.from('{"id":"C6","name":"'),
      iconv.encode('王五', 'gbk'),
      Buffer.from('","phone":"13600000000","createdAt":"2026-01-01T00:00:00+08:00"}\n'),
      Buffer.from(`${JSON.stringify({ ...good[2], id: 'C7' })}\n`),
    ]);
    const report = await importFile(runtime, 'customers', file('mixed.ndjson', content), options);
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'CORDON_ERR_INVALID_PHONE'],
      [5, 'CORDON_ERR_VALIDATION'],
      [6, 'CORDON_ERR_INVALID_ENCODING'],
    ]);
    expect(report.errors.map((e) => e.message).join(' ')).not.toContain('王');
    // Batches of 2: [1,2] ok, [3,4] has line 3, [5,6] both bad, [7] ok.
    expect(report.inserted).toBe(3);
    expect(report.failedBatches).toBe(2);
    await expect(runtime.vault.getCustomer(ctx, 'C4')).rejects.toMatchObject({
      code: 'CORDON_ERR_NOT_FOUND',
    });
    expect((await runtime.vault.getCustomer(ctx, 'C7')).name).toBe('买**·**');
  });

  it('imports CSV with dotted columns, in GBK when asked', async () => {
    await runtime.vault.ingestCustomers(ctx, customerFixtures);
    const csv = toCsv([orderFixture('O1', 'C1'), orderFixture('O2', 'C2', { coupon: 'SAVE10,"X"' })]);
    const report = await importFile(runtime, 'orders', file('orders.csv', iconv.encode(csv, 'gbk')), {
      ...options,
      encoding: 'gbk',
    });
    expect(report.errors).toEqual([]);
    expect(report.inserted).toBe(2);
    const o = await runtime.vault.getOrder(ctx, 'O2');
    expect(o.receiver).toMatchObject({ name: '李*', district: '海淀区' });
  });

  it('reads CSV cells with line breaks, and reports a never-closed quote by its first line', async () => {
    await runtime.vault.ingestCustomers(ctx, customerFixtures);
    const csv = toCsv([
      orderFixture('O1', 'C1', {
        receiver: { ...orderFixture('O1', 'C1').receiver, street: '中关村大街27号\n3号楼501室' },
      }),
      orderFixture('O2', 'C2'),
    ]);
    expect(csv.split('\n').length).toBeGreaterThan(4);
    const report = await importFile(runtime, 'orders', file('multiline.csv', csv), options);
    expect(report.errors).toEqual([]);
    expect(report.inserted).toBe(2);
    const broken = `${csv.trimEnd()}\n"O3,C1,unterminated\n`;
    const bad = await importFile(runtime, 'orders', file('unclosed.csv', broken), options);
    expect(bad.errors).toEqual([
      expect.objectContaining({ code: 'CORDON_ERR_VALIDATION', line: csv.trimEnd().split('\n').length + 1 }),
    ]);
  });

  it('refuses GBK bytes in a file read as UTF-8, by line', async () => {
    const csv = toCsv([orderFixture('O1', 'C1')]);
    const report = await importFile(
      runtime,
      'orders',
      file('orders-gbk.csv', iconv.encode(csv, 'gbk')),
      options,
    );
    expect(report.errors[0]).toMatchObject({ line: 2, code: 'CORDON_ERR_INVALID_ENCODING' });
    expect(report.inserted).toBe(0);
  });

  it('reports a CSV row with missing cells as truncated', async () => {
    const csv = toCsv(customerFixtures.slice(0, 2));
    const truncated = csv.split('\n').slice(0, 2).join('\n').slice(0, -12);
    const report = await importFile(runtime, 'customers', file('cut.csv', `${truncated}\n`), options);
    expect(report.errors[0]).toMatchObject({ line: 2 });
    expect(report.inserted).toBe(0);
  });

  it('resumes after the last committed batch, and re-running is a no-op', async () => {
    const path = file('resume.ndjson', lines(customerFixtures));
    const first = await importFile(runtime, 'customers', path, options);
    expect(first.inserted).toBe(3);
    expect(existsSync(`${path}.cordon-progress.json`)).toBe(true);
    expect(JSON.parse(readFileSync(`${path}.cordon-progress.json`, 'utf8'))).toEqual({
      kind: 'customers',
      line: 3,
    });
    const resumed = await importFile(runtime, 'customers', path, { ...options, resume: true });
    expect(resumed).toMatchObject({ inserted: 0, unchanged: 0, skippedByResume: 3 });
    const again = await importFile(runtime, 'customers', path, options);
    expect(again).toMatchObject({ inserted: 0, unchanged: 3 });
  });

  it('handles an empty file and a missing file with clear answers', async () => {
    const report = await importFile(runtime, 'customers', file('empty.ndjson', ''), options);
    expect(report).toMatchObject({ lines: 0, inserted: 0, errors: [] });
    await expect(importFile(runtime, 'customers', join(dir, 'nope.ndjson'), options)).rejects.toMatchObject({
      code: 'CORDON_ERR_VALIDATION',
    });
    await expect(
      importFile(runtime, 'customers', file('x.ndjson', '{}'), { ...options, batch: 5000 }),
    ).rejects.toMatchObject({
      code: 'CORDON_ERR_BATCH_TOO_LARGE',
    });
  });

  it('names the line of an order whose customer does not exist', async () => {
    await runtime.vault.ingestCustomers(ctx, customerFixtures);
    const report = await importFile(
      runtime,
      'orders',
      file('orders.ndjson', lines([orderFixture('O1', 'C1'), orderFixture('O2', 'C404')])),
      options,
    );
    expect(report.errors[0]).toMatchObject({ line: 2, code: 'CORDON_ERR_CUSTOMER_NOT_FOUND' });
    expect(report.inserted).toBe(0);
  });
});
