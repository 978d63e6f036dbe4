import { createHash } from 'node:crypto';
import { customerFixtures, orderFixture, type RequestContext, verifyEvidence } from '@cordon/core';
import { ed25519 } from '@noble/curves/ed25519.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from '../../testing/test-app';
import { testRuntime } from '../../testing/test-runtime';

/** RFC 9162 §2.1.3.2 inclusion verification, written here from the RFC text alone as an independent check. */
function rfcVerifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Buffer,
  proof: Buffer[],
  root: Buffer,
): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  const h = (a: Buffer, b: Buffer) =>
    createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), a, b]))
      .digest();
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = h(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = h(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** Checks a C2SP note signature with @noble/curves given only the published verifier key string. */
function nobleVerify(note: string, vkey: string): boolean {
  const v = vkey.trim();
  const name = v.slice(0, v.indexOf('+'));
  const key = Buffer.from(v.slice(name.length + 10), 'base64');
  const sep = note.indexOf('\n\n');
  const text = note.slice(0, sep + 1);
  const line = note
    .slice(sep + 2)
    .split('\n')
    .find((l) => l.startsWith(`\u2014 ${name} `));
  if (!line) return false;
  const sig = Buffer.from(line.split(' ')[2] ?? '', 'base64');
  return ed25519.verify(
    new Uint8Array(sig.subarray(4)),
    new Uint8Array(Buffer.from(text, 'utf8')),
    new Uint8Array(key.subarray(1)),
  );
}

describe('ledger HTTP API', () => {
  const t = useTestApp();
  const ctx: RequestContext = {
    actor: { type: 'apikey', id: 'apikey:t', role: 'service' },
    scopes: ['admin'],
    requestId: 'r',
  };

  beforeEach(async () => {
    await t.runtime.vault.ingestCustomers(ctx, customerFixtures);
    await t.runtime.vault.ingestOrders(ctx, [orderFixture('O1', 'C1'), orderFixture('O2', 'C2')]);
    await t.runtime.vault.getCustomer(ctx, 'C1');
    await t.runtime.vault.getOrder(ctx, 'O2');
  });

  it('serves a checkpoint whose signature verifies with an independent Ed25519 implementation', async () => {
    const key = (await t.app.inject({ method: 'GET', url: '/v1/ledger/key' })).body;
    const note = (await t.app.inject({ method: 'GET', url: '/v1/ledger/checkpoint' })).body;
    expect(key).toMatch(/^cordon\.example\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+\n$/);
    expect(note.split('\n').slice(0, 2)).toEqual(['cordon.example/ledger', '5']);
    expect(nobleVerify(note, key)).toBe(true);
    expect(nobleVerify(note.replace('\n5\n', '\n7\n'), key)).toBe(false);
  });

  it('gives a customer their access history, each entry provable against the signed root with the RFC algorithm', async () => {
    const r = await t.app.inject({
      method: 'GET',
      url: '/v1/customers/C1/access-history',
      headers: t.headers,
    });
    expect(r.statusCode).toBe(200);
    const history = r.json() as {
      checkpoint: string;
      treeSize: number;
      entries: Array<{
        seq: number;
        body: string;
        entry: { action: string; customerIds: string[] };
        proof: string[];
      }>;
    };
    expect(history.entries.map((e) => e.entry.action)).toEqual(['ingest', 'ingest', 'view']);
    const root = Buffer.from(history.checkpoint.split('\n')[2] ?? '', 'base64');
    for (const e of history.entries) {
      const leaf = createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(e.body, 'base64')]))
        .digest();
      expect(
        rfcVerifyInclusion(
          e.seq,
          history.treeSize,
          leaf,
          e.proof.map((p) => Buffer.from(p, 'base64')),
          root,
        ),
      ).toBe(true);
      expect(e.entry.customerIds).toContain('C1');
      expect(Buffer.from(e.body, 'base64').toString('utf8')).not.toContain('张三');
    }
  });

  it('answers entries, proofs and consistency, and refuses out-of-range requests with CORDON_ERR_RANGE', async () => {
    const entries = await t.app.inject({ method: 'GET', url: '/v1/ledger/entries?from=0&to=3' });
    expect(entries.json().entries).toHaveLength(3);
    const proof = await t.app.inject({ method: 'GET', url: '/v1/ledger/entries/2/proof?size=5' });
    expect(proof.json()).toMatchObject({ leafIndex: 2, treeSize: 5 });
    const consistency = await t.app.inject({ method: 'GET', url: '/v1/ledger/consistency?from=2&to=5' });
    expect(consistency.json().proof.length).toBeGreaterThan(0);
    for (const url of [
      '/v1/ledger/entries/9/proof?size=5',
      '/v1/ledger/entries/0/proof?size=60',
      '/v1/ledger/consistency?from=5&to=3',
      '/v1/ledger/entries?from=4&to=2',
    ]) {
      const r = await t.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code, url).toBe('CORDON_ERR_RANGE');
    }
    const bad = await t.app.inject({ method: 'GET', url: '/v1/ledger/entries?from=x&to=2' });
    expect(bad.json().error.code).toBe('CORDON_ERR_VALIDATION');
  });

  it('exports evidence that verifies offline, and detects a tampered package', async () => {
    const pkg = await t.runtime.ledger.evidence(ctx, { customer: 'C2' });
    const ok = verifyEvidence(JSON.parse(JSON.stringify(pkg)), {
      trustedLogKey: t.runtime.ledger.verifierKey,
    });
    expect(ok).toMatchObject({ ok: true, entriesVerified: 3, logKeyPinned: true });

    const edited = JSON.parse(JSON.stringify(pkg));
    edited.entries[1].entry.actor.id = 'staff:someone-else';
    expect(verifyEvidence(edited).problems[0]).toMatch(/differs from the signed bytes/);

    const forgedBody = JSON.parse(JSON.stringify(pkg));
    forgedBody.entries[0].body = Buffer.from(
      Buffer.from(forgedBody.entries[0].body, 'base64').toString('utf8').replace('ingest', 'reveal'),
    ).toString('base64');
    expect(verifyEvidence(forgedBody).problems[0]).toMatch(/inclusion proof/);

    const otherLog = await testRuntime(t.database);
    expect(() => verifyEvidence(pkg, { trustedLogKey: otherLog.ledger.verifierKey })).toThrow(
      expect.objectContaining({ code: 'CORDON_ERR_SIGNATURE' }),
    );
    expect(() => verifyEvidence({ format: 'nope' })).toThrow(
      expect.objectContaining({ code: 'CORDON_ERR_EVIDENCE_INVALID' }),
    );
    const swapped = { ...pkg, logKey: otherLog.ledger.verifierKey };
    expect(() => verifyEvidence(swapped)).toThrow(expect.objectContaining({ code: 'CORDON_ERR_SIGNATURE' }));
  });
});
