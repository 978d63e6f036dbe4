import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerFixtures, type RequestContext, verifyEvidence } from '@cordon/core';
import { buildApp, type Runtime, testRuntime } from '@cordon/server';
import { type Database, disposeDatabase, openDatabase, resetDatabase } from '@cordon/storage';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readWitnessState, witnessOnce, writeWitnessState } from './witness';

const ctx: RequestContext = {
  actor: { type: 'apikey', id: 'apikey:t', role: 'service' },
  scopes: ['admin'],
  requestId: 'r',
};

describe('cordon witness against a live log', () => {
  let database: Database;
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;
  let state: string;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await app?.close();
    await disposeDatabase(database);
  });
  beforeEach(async () => {
    await app?.close();
    await resetDatabase(database);
    runtime = await testRuntime(database);
    app = await buildApp({
      vault: runtime.vault,
      apiKeys: runtime.apiKeys,
      ledger: runtime.ledger,
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    state = mkdtempSync(join(tmpdir(), 'cordon-witness-'));
    await runtime.vault.ingestCustomers(ctx, customerFixtures);
    await runtime.ledger.checkpoint();
    return () => rmSync(state, { recursive: true, force: true });
  });

  it('cosigns consistent checkpoints and the log serves the cosignature', async () => {
    const first = await witnessOnce(url, state);
    expect(first).toMatchObject({ status: 'accepted', size: 1, previousSize: 0 });
    expect(await witnessOnce(url, state)).toEqual({ status: 'unchanged', size: 1 });
    await runtime.vault.getCustomer(ctx, 'C1');
    await runtime.vault.getCustomer(ctx, 'C2');
    await runtime.ledger.checkpoint();
    const second = await witnessOnce(url, state);
    expect(second).toMatchObject({ status: 'accepted', size: 3, previousSize: 1 });
    const note = await (await fetch(`${url}/v1/ledger/checkpoint`)).text();
    expect(note.split('\n').filter((l) => l.startsWith('\u2014 '))).toHaveLength(2);
    const { parseSignerKey } = await import('@cordon/core');
    const witnessKey = parseSignerKey(readWitnessState(state).signerKey ?? '').cosignatureVerifierKey;
    const pkg = await runtime.ledger.evidence(ctx, { customer: 'C1' });
    expect(
      verifyEvidence(pkg, { trustedLogKey: runtime.ledger.verifierKey, witnessKeys: [witnessKey] }),
    ).toMatchObject({
      ok: true,
      witnesses: ['witness.cordon.local'],
    });
  });

  it('reports a rollback, a split view and a rewritten log loudly and signs none of them', async () => {
    await witnessOnce(url, state);
    const accepted = readWitnessState(state);
    writeWitnessState(state, { ...accepted, size: 5 });
    expect(await witnessOnce(url, state)).toMatchObject({ status: 'rollback', size: 1, previousSize: 5 });
    writeWitnessState(state, { ...accepted, rootHash: Buffer.alloc(32, 9).toString('base64') });
    expect(await witnessOnce(url, state)).toMatchObject({ status: 'split_view' });

    // The shop rewrites history: same key, a different log that grows past the accepted size.
    writeWitnessState(state, accepted);
    await resetDatabase(database);
    await runtime.vault.ingestCustomers(ctx, [customerFixtures[1]]);
    await runtime.vault.getCustomer(ctx, 'C2');
    await runtime.ledger.checkpoint();
    const outcome = await witnessOnce(url, state);
    expect(outcome).toMatchObject({ status: 'inconsistent', size: 2, previousSize: 1 });
    expect(readWitnessState(state).size).toBe(1);
  });

  it('refuses a log whose key changed from the pinned one', async () => {
    await witnessOnce(url, state);
    const other = await testRuntime(database);
    await expect(witnessOnce(url, state, { logKey: other.ledger.verifierKey })).rejects.toMatchObject({
      code: 'CORDON_ERR_SIGNATURE',
    });
  });
});
