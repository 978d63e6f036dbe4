import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customerFixtures, type RequestContext, verifyEvidence } from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { useTestApp } from '@cordon/server/testing';
import { resetDatabase } from '@cordon/storage';
import { beforeEach, describe, expect, it } from 'vitest';
import { readWitnessState, witnessOnce, writeWitnessState } from './witness';

const ctx: RequestContext = {
  actor: { type: 'apikey', id: 'apikey:t', role: 'service' },
  scopes: ['admin'],
  requestId: 'r',
};

describe('cordon witness against a live log', () => {
  const t = useTestApp({ listen: true });
  let state: string;

  beforeEach(async () => {
    state = mkdtempSync(join(tmpdir(), 'cordon-witness-'));
    await t.runtime.vault.ingestCustomers(ctx, customerFixtures);
    await t.runtime.ledger.checkpoint();
    return () => rmSync(state, { recursive: true, force: true });
  });

  it('cosigns consistent checkpoints and the log serves the cosignature', async () => {
    const first = await witnessOnce(t.url, state);
    expect(first).toMatchObject({ status: 'accepted', size: 2, previousSize: 0 });
    expect(await witnessOnce(t.url, state)).toEqual({ status: 'unchanged', size: 2 });
    await t.runtime.vault.getCustomer(ctx, 'C1');
    await t.runtime.vault.getCustomer(ctx, 'C2');
    await t.runtime.ledger.checkpoint();
    const second = await witnessOnce(t.url, state);
    expect(second).toMatchObject({ status: 'accepted', size: 4, previousSize: 2 });
    const note = await (await fetch(`${t.url}/v1/ledger/checkpoint`)).text();
    expect(note.split('\n').filter((l) => l.startsWith('\u2014 '))).toHaveLength(2);
    const { parseSignerKey } = await import('@cordon/core');
    const witnessKey = parseSignerKey(readWitnessState(state).signerKey ?? '').cosignatureVerifierKey;
    const pkg = await t.runtime.ledger.evidence(ctx, { customer: 'C1' });
    expect(
      verifyEvidence(pkg, { trustedLogKey: t.runtime.ledger.verifierKey, witnessKeys: [witnessKey] }),
    ).toMatchObject({
      ok: true,
      witnesses: ['witness.cordon.local'],
    });
  });

  it('reports a rollback, a split view and a rewritten log loudly and signs none of them', async () => {
    await witnessOnce(t.url, state);
    const accepted = readWitnessState(state);
    writeWitnessState(state, { ...accepted, size: 5 });
    expect(await witnessOnce(t.url, state)).toMatchObject({ status: 'rollback', size: 2, previousSize: 5 });
    writeWitnessState(state, { ...accepted, rootHash: Buffer.alloc(32, 9).toString('base64') });
    expect(await witnessOnce(t.url, state)).toMatchObject({ status: 'split_view' });

    // The shop rewrites history: same key, a different log that grows past the accepted size.
    writeWitnessState(state, accepted);
    await resetDatabase(t.database);
    await t.runtime.vault.ingestCustomers(ctx, [customerFixtures[1]]);
    await t.runtime.vault.getCustomer(ctx, 'C2');
    await t.runtime.vault.getCustomer(ctx, 'C2');
    await t.runtime.ledger.checkpoint();
    const outcome = await witnessOnce(t.url, state);
    expect(outcome).toMatchObject({ status: 'inconsistent', size: 3, previousSize: 2 });
    expect(readWitnessState(state).size).toBe(2);
  });

  it('refuses a log whose key changed from the pinned one', async () => {
    await witnessOnce(t.url, state);
    const other = await testRuntime(t.database);
    await expect(witnessOnce(t.url, state, { logKey: other.ledger.verifierKey })).rejects.toMatchObject({
      code: 'CORDON_ERR_SIGNATURE',
    });
  });
});
