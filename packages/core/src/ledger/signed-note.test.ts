import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import type { RandomSource } from '../shared/ports';
import { leafHash, rootOf } from './merkle';
import {
  cosignCheckpoint,
  decodeCosignature,
  formatCheckpoint,
  formatVerifierKey,
  generateNoteSigner,
  isValidKeyName,
  MAX_NOTE_SIGNATURES,
  NOTE_SIG_COSIGNATURE_V1,
  NOTE_SIG_ED25519,
  type NoteVerifier,
  noteKeyId,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  toCosignatureVerifierKey,
  verifyCosignature,
} from './signed-note';

/** `shared/` is a sibling of the repo folder: five levels up from packages/core/src/ledger. */
const shared = resolve(import.meta.dirname, '../../../../../shared');
const vectors = join(shared, 'vectors/merkle');

interface NoteVector {
  id: string;
  vkey: string;
  skey?: string;
  note: string;
  valid: boolean;
}
interface OpenCase {
  id: string;
  note: string;
  trusted: string[];
  expect: { ok: true; verified: string[]; unverified: string[] } | { ok: false; error: string };
}
interface SignedNoteVectors {
  vectors: NoteVector[];
  sumdbTreeNote: { recordInput: string; treeSize: number; text: string };
  openCases: { cases: OpenCase[] };
  cosignatureTimestamp: {
    cases: Array<{ sigBase64: string; expectTimestamp?: number; expectError?: string }>;
  };
}
const noteVectors = JSON.parse(
  readFileSync(join(vectors, 'derived/signed_note_vectors.json'), 'utf8'),
) as SignedNoteVectors;

const code = (c: string) => expect.objectContaining({ code: c });
/** Field `i` of a `+`-separated key string; the last field (base64) may itself contain '+'. */
const keyField = (key: string, i: number, last: number): string =>
  (i === last ? key.split('+').slice(i).join('+') : key.split('+')[i]) ?? '';
const seedOf = (signerKey: string): Buffer => Buffer.from(keyField(signerKey, 4, 4), 'base64').subarray(1);
const textOf = (note: string): string => note.slice(0, note.lastIndexOf('\n\n') + 1);

/** Deterministic seeds for tests: SHA-256 of a label. */
const seeded = (label: string): RandomSource => ({
  bytes: (length) => createHash('sha256').update(label).digest().subarray(0, length),
});

const sampleBody = formatCheckpoint({
  origin: 'shop.example/cordon',
  size: 42,
  rootHash: createHash('sha256').update('root').digest(),
});

// ---------------------------------------------------------------------------------------------

describe('signed-note vectors (derived/signed_note_vectors.json)', () => {
  it.each(noteVectors.vectors)('$id', (v) => {
    const verifier = parseVerifierKey(v.vkey);
    expect(verifier.verifierKey).toBe(v.vkey);
    expect(verifier.type).toBe(NOTE_SIG_ED25519);
    expect(verifier.keyId.toString(16).padStart(8, '0')).toBe(v.vkey.split('+')[1]);
    if (v.valid) {
      const opened = openNote(v.note, [v.vkey]);
      expect(opened.text).toBe(textOf(v.note));
      expect(opened.verifiedBy).toEqual([verifier.name]);
      expect(opened.unverified).toEqual([]);
    } else {
      expect(() => openNote(v.note, [v.vkey])).toThrow(code('CORDON_ERR_SIGNATURE'));
    }
    if (v.skey !== undefined) {
      const signer = parseSignerKey(v.skey);
      expect(signer.verifierKey).toBe(v.vkey);
      expect(signer.signerKey).toBe(v.skey);
      // Ed25519 is deterministic: re-signing reproduces the note byte for byte.
      if (v.valid) expect(signNote(textOf(v.note), [v.skey])).toBe(v.note);
    }
  });

  it.each(noteVectors.openCases.cases)('Open semantics: $id', (c) => {
    if (c.expect.ok) {
      const opened = openNote(c.note, c.trusted);
      expect(opened.verifiedBy).toEqual(c.expect.verified);
      expect(opened.unverified.map((s) => s.name)).toEqual(c.expect.unverified);
    } else {
      const expected = c.expect.error === 'malformed note' ? 'CORDON_ERR_VALIDATION' : 'CORDON_ERR_SIGNATURE';
      expect(() => openNote(c.note, c.trusted)).toThrow(code(expected));
      expect(() => openNote(c.note, c.trusted)).toThrow(c.expect.error);
    }
  });

  it('parses and re-formats the go.sum tree note (a pre-C2SP checkpoint body)', () => {
    const { text, treeSize, recordInput } = noteVectors.sumdbTreeNote;
    const parsed = parseCheckpoint(text);
    expect(parsed.origin).toBe('go.sum database tree');
    expect(parsed.size).toBe(treeSize);
    expect(parsed.rootHash).toEqual(leafHash(Buffer.from(recordInput, 'utf8')));
    expect(parsed.extensions).toEqual([]);
    expect(formatCheckpoint(parsed)).toBe(text);
  });

  it('decodes the cosignature/v1 timestamp vector and refuses a plain 68-byte signature', () => {
    for (const c of noteVectors.cosignatureTimestamp.cases) {
      if (c.expectTimestamp !== undefined) {
        const decoded = decodeCosignature(c.sigBase64);
        expect(decoded.timestamp).toBe(c.expectTimestamp);
        expect(decoded.signature).toHaveLength(64);
        expect(decodeCosignature(Buffer.from(c.sigBase64, 'base64')).timestamp).toBe(c.expectTimestamp);
      } else {
        expect(() => decodeCosignature(c.sigBase64)).toThrow(code('CORDON_ERR_VALIDATION'));
        expect(() => decodeCosignature(c.sigBase64)).toThrow('68 bytes');
      }
    }
  });
});

describe('serverless-log signed checkpoints', () => {
  const logDir = join(vectors, 'serverless-log-testdata/testdata/log');
  const vkey = 'astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b';
  const skey = 'PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy';
  const seqDir = join(logDir, 'seq/00/00/00/00');
  const leaves = Array.from({ length: 15 }, (_, i) =>
    leafHash(readFileSync(join(seqDir, i.toString(16).padStart(2, '0')))),
  );

  it('every checkpoint.N verifies, re-signs byte for byte and carries the root of N leaves', () => {
    expect(parseSignerKey(skey).verifierKey).toBe(vkey);
    for (let n = 0; n <= 15; n += 1) {
      const note = readFileSync(join(logDir, `checkpoint.${n}`), 'utf8');
      const opened = openNote(note, [vkey]);
      expect(opened.verifiedBy).toEqual(['astra']);
      expect(signNote(opened.text, [skey])).toBe(note);
      const checkpoint = parseCheckpoint(opened.text, 'example.com/testdata');
      expect(checkpoint.size).toBe(n);
      expect(checkpoint.rootHash).toEqual(rootOf(leaves.slice(0, n)));
      expect(formatCheckpoint(checkpoint)).toBe(opened.text);
    }
  });

  it('refuses a checkpoint of another origin and a checkpoint whose size was edited', () => {
    const note = readFileSync(join(logDir, 'checkpoint.15'), 'utf8');
    expect(() => parseCheckpoint(openNote(note, [vkey]).text, 'example.com/other')).toThrow(
      code('CORDON_ERR_ORIGIN_MISMATCH'),
    );
    expect(() => openNote(note.replace('\n15\n', '\n16\n'), [vkey])).toThrow(code('CORDON_ERR_SIGNATURE'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('keys', () => {
  it('generates a signer whose keys round-trip and whose secret stays out of logs', () => {
    const signer = generateNoteSigner('shop.example/cordon', seeded('log'));
    expect(generateNoteSigner('shop.example/cordon', seeded('log')).signerKey).toBe(signer.signerKey);
    expect(signer.signerKey).toMatch(/^PRIVATE\+KEY\+shop\.example\/cordon\+[0-9a-f]{8}\+/);
    const again = parseSignerKey(signer.signerKey);
    expect(again.verifierKey).toBe(signer.verifierKey);
    expect(again.publicKey).toEqual(signer.publicKey);
    const verifier = parseVerifierKey(signer.verifierKey);
    expect(verifier.keyId).toBe(signer.keyId);
    expect(verifier.keyId).toBe(noteKeyId('shop.example/cordon', NOTE_SIG_ED25519, signer.publicKey));
    expect(signer.cosignatureVerifierKey).toBe(
      formatVerifierKey(signer.name, NOTE_SIG_COSIGNATURE_V1, signer.publicKey),
    );
    const secret = keyField(signer.signerKey, 4, 4);
    for (const shown of [JSON.stringify(signer), inspect(signer, { depth: 5, showHidden: true })]) {
      expect(shown).not.toContain('PRIVATE');
      expect(shown).not.toContain(secret);
    }
    expect(generateNoteSigner('a').signerKey).not.toBe(generateNoteSigner('a').signerKey);
  });

  it('validates key names: non-empty, no "+", no Unicode spaces, no control characters', () => {
    for (const ok of ['example.com/log', 'PeterNeumann', 'oid/1.3.6.1.4.1', '日志/一'])
      expect(isValidKeyName(ok)).toBe(true);
    for (const bad of [
      '',
      'a+b',
      'a b',
      'a\tb',
      'a\nb',
      'a\u00a0b',
      'a\u2003b',
      'a\u3000b',
      'a\u0001b',
      '\ud800',
    ]) {
      expect(isValidKeyName(bad)).toBe(false);
      expect(() => generateNoteSigner(bad)).toThrow(code('CORDON_ERR_VALIDATION'));
    }
  });

  it('refuses malformed, mismatched or non-Ed25519 keys without echoing the secret', () => {
    const signer = generateNoteSigner('k.example', seeded('k'));
    const [name, id, material] = [
      signer.name,
      keyField(signer.verifierKey, 1, 2),
      keyField(signer.verifierKey, 2, 2),
    ];
    const wrongId = (Number.parseInt(id, 16) ^ 1).toString(16).padStart(8, '0');
    const type2 = Buffer.from(material, 'base64');
    type2[0] = 2;
    for (const bad of [
      `${name}+${wrongId}+${material}`,
      `${name}+${id}+${type2.toString('base64')}`,
      `${name}+${id}+${material.slice(0, -4)}`,
      `${name}+${id}+!!!!`,
      `${name}+${id.slice(1)}+${material}`,
      `${name}+${id}`,
      `a b+${id}+${material}`,
    ]) {
      expect(() => parseVerifierKey(bad), bad).toThrow(code('CORDON_ERR_VALIDATION'));
    }
    const secret = signer.signerKey;
    const tampered = secret.replace(/\+([0-9a-f]{8})\+/, `+${wrongId}+`);
    for (const bad of [
      tampered,
      secret.replace('PRIVATE+KEY', 'PRIVATE+KEX'),
      `${secret}AAAA`,
      'PRIVATE+KEY+x',
    ]) {
      let message = '';
      try {
        parseSignerKey(bad);
      } catch (error) {
        message = String(error);
        expect(error).toMatchObject({ code: 'CORDON_ERR_VALIDATION' });
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(keyField(secret, 4, 4));
    }
  });
});

describe('notes', () => {
  const log = generateNoteSigner('shop.example/cordon', seeded('log'));
  const other = generateNoteSigner('other.example/log', seeded('other'));

  it('signs with several keys in order and opens with any one of them', () => {
    const note = signNote(sampleBody, [log, other.signerKey]);
    expect(note.startsWith(`${sampleBody}\n\u2014 shop.example/cordon `)).toBe(true);
    expect(openNote(note, [log.verifierKey]).unverified.map((s) => s.name)).toEqual(['other.example/log']);
    expect(openNote(note, [other.verifierKey, log.verifierKey]).verifiedBy).toEqual([
      'shop.example/cordon',
      'other.example/log',
    ]);
    expect(openNote(Buffer.from(note, 'utf8'), [log.verifierKey]).text).toBe(sampleBody);
  });

  it('accepts the C2SP minimum of 16 signatures and refuses more than 100', () => {
    const signers = Array.from({ length: 16 }, (_, i) =>
      generateNoteSigner(`w${i}.example`, seeded(`w${i}`)),
    );
    const note = signNote(sampleBody, signers);
    expect(
      openNote(
        note,
        signers.map((s) => s.verifierKey),
      ).verifiedBy,
    ).toHaveLength(16);
    const line = note.slice(note.lastIndexOf('\n\n') + 2).split('\n')[0] ?? '';
    const crowded = `${sampleBody}\n${`${line}\n`.repeat(MAX_NOTE_SIGNATURES)}`;
    expect(openNote(crowded, [signers[0]?.verifierKey ?? '']).verifiedBy).toEqual(['w0.example']);
    expect(() => openNote(`${crowded}${line}\n`, [signers[0]?.verifierKey ?? ''])).toThrow(
      code('CORDON_ERR_VALIDATION'),
    );
  });

  it('treats structural damage as malformed (CORDON_ERR_VALIDATION)', () => {
    const note = signNote(sampleBody, [log]);
    const sig = note.slice(note.lastIndexOf('\u2014'));
    const b64 = sig.slice(sig.lastIndexOf(' ') + 1, -1);
    const malformed = [
      note.slice(0, -1), // no final newline
      note.replace('\n\n', '\n'), // no blank line
      note.replace('\u2014 ', '- '), // not an em dash
      note.replace('\u2014 ', '\u2014'), // no space after the dash
      note.replace(b64, `${b64}!`), // not base64
      note.replace(b64, b64.slice(0, -1)), // bad padding
      note.replace(b64, 'AAAA'), // fewer than 5 bytes
      note.replace(` ${b64}`, ''), // no signature at all
      note.replace('\u2014 shop.example/cordon ', '\u2014 shop+example '), // '+' in the key name
      `${sampleBody}\n`, // empty signature block
      note.replace('42', '4\r2'), // control character
      note.replace('42', '4\t2'),
      `${note}\n`, // blank line after the signatures
    ];
    for (const bad of malformed)
      expect(() => openNote(bad, [log.verifierKey]), JSON.stringify(bad)).toThrow(
        code('CORDON_ERR_VALIDATION'),
      );
    expect(() => openNote(Uint8Array.of(0x61, 0x0a, 0x0a, 0xff, 0x0a), [log.verifierKey])).toThrow(
      code('CORDON_ERR_VALIDATION'),
    );
  });

  it('fails the note when a trusted signature is bad, even next to a good one from another key', () => {
    const note = signNote(sampleBody, [other, log]);
    const lines = note.split('\n');
    const last = lines[lines.length - 2] ?? '';
    const payload = Buffer.from(last.slice(last.lastIndexOf(' ') + 1), 'base64');
    payload[payload.length - 1] = (payload[payload.length - 1] ?? 0) ^ 1;
    const broken = note.replace(
      last,
      `${last.slice(0, last.lastIndexOf(' ') + 1)}${payload.toString('base64')}`,
    );
    expect(() => openNote(broken, [other.verifierKey, log.verifierKey])).toThrow(
      code('CORDON_ERR_SIGNATURE'),
    );
    expect(() => openNote(broken, [other.verifierKey, log.verifierKey])).toThrow(
      /invalid signature for key shop\.example\/cordon\+/,
    );
    // Go semantics: only the first signature line per trusted key counts; a repeat is skipped.
    expect(openNote(`${note}${last}\n`, [log.verifierKey]).verifiedBy).toEqual(['shop.example/cordon']);
  });

  it('refuses to sign malformed text, with no signer, or with a cosigner-only key', () => {
    expect(() => signNote('no newline', [log])).toThrow(code('CORDON_ERR_VALIDATION'));
    expect(() => signNote('bad\u0007char\n', [log])).toThrow(code('CORDON_ERR_VALIDATION'));
    expect(() => signNote(sampleBody, [])).toThrow(code('CORDON_ERR_VALIDATION'));
    const seed = seedOf(log.signerKey);
    const cosignerOnly = `PRIVATE+KEY+${log.name}+${log.cosignatureKeyId.toString(16).padStart(8, '0')}+${Buffer.concat([Uint8Array.of(4), seed]).toString('base64')}`;
    expect(parseSignerKey(cosignerOnly).verifierKey).toBe(log.cosignatureVerifierKey);
    expect(() => signNote(sampleBody, [cosignerOnly])).toThrow(code('CORDON_ERR_VALIDATION'));
  });

  it('refuses two different trusted keys with the same name and key ID', () => {
    const real = parseVerifierKey(log.verifierKey);
    const impostor: NoteVerifier = { ...real, publicKey: parseVerifierKey(other.verifierKey).publicKey };
    expect(() => openNote(signNote(sampleBody, [log]), [real, impostor])).toThrow(
      code('CORDON_ERR_VALIDATION'),
    );
  });
});

describe('checkpoints', () => {
  const root = createHash('sha256').update('r').digest();

  it('formats and parses with extension lines', () => {
    const text = formatCheckpoint({
      origin: 'o.example/log',
      size: 0,
      rootHash: root,
      extensions: ['ext one', 'two'],
    });
    expect(text).toBe(`o.example/log\n0\n${root.toString('base64')}\next one\ntwo\n`);
    expect(parseCheckpoint(text, 'o.example/log')).toEqual({
      origin: 'o.example/log',
      size: 0,
      rootHash: root,
      extensions: ['ext one', 'two'],
    });
    expect(parseCheckpoint(formatCheckpoint({ origin: 'o', size: 2 ** 53 - 1, rootHash: root })).size).toBe(
      2 ** 53 - 1,
    );
  });

  it('rejects malformed checkpoint bodies', () => {
    const r = root.toString('base64');
    for (const bad of [
      `o\n1\n${r}`, // no final newline
      `o\n1\n`,
      `\n1\n${r}\n`,
      `o\n01\n${r}\n`,
      `o\n-1\n${r}\n`,
      `o\n1e3\n${r}\n`,
      `o\n 1\n${r}\n`,
      `o\n9007199254740993\n${r}\n`,
      `o\n1\n${r.slice(0, -4)}\n`,
      `o\n1\n${Buffer.alloc(33).toString('base64')}\n`,
      `o\n1\n${r}\n\n`,
      `o\n1\n${r}\next\n\n`,
    ]) {
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow(code('CORDON_ERR_VALIDATION'));
    }
    expect(() => parseCheckpoint(`o\n1\n${r}\n`, 'p')).toThrow(code('CORDON_ERR_ORIGIN_MISMATCH'));
  });

  it('refuses to format what it could not parse back', () => {
    const v = code('CORDON_ERR_VALIDATION');
    expect(() => formatCheckpoint({ origin: '', size: 1, rootHash: root })).toThrow(v);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root })).toThrow(v);
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root })).toThrow(v);
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: root })).toThrow(v);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root.subarray(1) })).toThrow(v);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root, extensions: [''] })).toThrow(v);
  });
});

describe('cosignatures (tlog-cosignature v1)', () => {
  const log = generateNoteSigner('shop.example/cordon', seeded('log'));
  const witness = generateNoteSigner('witness.example/w1', seeded('witness'));
  const otherWitness = generateNoteSigner('witness.example/w2', seeded('witness2'));
  const t = 1_727_964_367;

  it('cosigns and verifies with the 0x04 key (or the 0x01 key of the same witness)', () => {
    const line = cosignCheckpoint(sampleBody, witness.signerKey, t);
    expect(line.startsWith('\u2014 witness.example/w1 ')).toBe(true);
    const decoded = decodeCosignature(line);
    expect(decoded).toMatchObject({ keyId: witness.cosignatureKeyId, timestamp: t });
    expect(witness.cosignatureKeyId).not.toBe(witness.keyId);
    expect(toCosignatureVerifierKey(witness.verifierKey)).toBe(witness.cosignatureVerifierKey);
    const expected = { name: 'witness.example/w1', keyId: witness.cosignatureKeyId, timestamp: t };
    expect(verifyCosignature(sampleBody, line, witness.cosignatureVerifierKey)).toEqual(expected);
    expect(verifyCosignature(sampleBody, `${line}\n`, witness.verifierKey)).toEqual(expected);
  });

  it('is an ordinary signature line of the checkpoint note, opened with a 0x04 verifier', () => {
    const note = signNote(sampleBody, [log]);
    const line = cosignCheckpoint(sampleBody, witness, t);
    const cosigned = `${note}${line}\n`;
    const opened = openNote(cosigned, [log.verifierKey, witness.cosignatureVerifierKey]);
    expect(opened.verifiedBy).toEqual(['shop.example/cordon', 'witness.example/w1']);
    expect(opened.signatures[1]?.timestamp).toBe(t);
    expect(openNote(cosigned, [log.verifierKey]).unverified.map((s) => s.name)).toEqual([
      'witness.example/w1',
    ]);
    // A 0x01 verifier for the witness has another key ID, so the cosignature is simply unknown to it.
    expect(openNote(cosigned, [log.verifierKey, witness.verifierKey]).verifiedBy).toEqual([
      'shop.example/cordon',
    ]);
  });

  it('rejects other checkpoints, other witnesses, plain signatures and bad timestamps', () => {
    const line = cosignCheckpoint(sampleBody, witness, t);
    const otherBody = sampleBody.replace('\n42\n', '\n43\n');
    expect(() => verifyCosignature(otherBody, line, witness.cosignatureVerifierKey)).toThrow(
      code('CORDON_ERR_SIGNATURE'),
    );
    expect(() => verifyCosignature(sampleBody, line, otherWitness.cosignatureVerifierKey)).toThrow(
      code('CORDON_ERR_SIGNATURE'),
    );
    const plain = signNote(sampleBody, [witness]).split('\n').at(-2) ?? '';
    expect(() => verifyCosignature(sampleBody, plain, witness.cosignatureVerifierKey)).toThrow(
      code('CORDON_ERR_VALIDATION'),
    );
    const payload = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
    payload.writeBigUInt64BE(BigInt(t + 1), 4);
    const shifted = `${line.slice(0, line.lastIndexOf(' ') + 1)}${payload.toString('base64')}`;
    expect(() => verifyCosignature(sampleBody, shifted, witness.cosignatureVerifierKey)).toThrow(
      code('CORDON_ERR_SIGNATURE'),
    );
    expect(() => cosignCheckpoint(sampleBody, witness, -1)).toThrow(code('CORDON_ERR_VALIDATION'));
    expect(() => cosignCheckpoint('not a checkpoint\n', witness, t)).toThrow(code('CORDON_ERR_VALIDATION'));
    expect(() => verifyCosignature(sampleBody, 'no dash', witness.cosignatureVerifierKey)).toThrow(
      code('CORDON_ERR_VALIDATION'),
    );
  });

  it('a cosigner-only (0x04) signer key produces the same cosignature as its 0x01 form', () => {
    const seed = seedOf(witness.signerKey);
    const id = witness.cosignatureKeyId.toString(16).padStart(8, '0');
    const cosignerOnly = `PRIVATE+KEY+${witness.name}+${id}+${Buffer.concat([Uint8Array.of(4), seed]).toString('base64')}`;
    expect(cosignCheckpoint(sampleBody, cosignerOnly, t)).toBe(cosignCheckpoint(sampleBody, witness, t));
  });
});

// ---------------------------------------------------------------------------------------------
// Independent Ed25519 (@noble/curves) cross-checks: only the key strings cross the boundary.

/** Decodes `<name>+<hex id>+<base64(type ‖ key)>` by hand and checks the key ID, without our parser. */
function decodeVkeyIndependently(vkey: string): { name: string; id: number; type: number; pub: Uint8Array } {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const name = vkey.slice(0, first);
  const id = Number.parseInt(vkey.slice(first + 1, second), 16);
  const material = Buffer.from(vkey.slice(second + 1), 'base64');
  const type = material[0] ?? -1;
  const pub = new Uint8Array(material.subarray(1));
  const digest = createHash('sha256').update(`${name}\n`).update(material).digest();
  expect(digest.readUInt32BE(0)).toBe(id);
  return { name, id, type, pub };
}

function independentKey(name: string, type: number, seed: Uint8Array): { vkey: string; id: number } {
  const pub = ed25519.getPublicKey(seed);
  const material = Buffer.concat([Uint8Array.of(type), pub]);
  const id = createHash('sha256').update(`${name}\n`).update(material).digest().readUInt32BE(0);
  return { vkey: `${name}+${id.toString(16).padStart(8, '0')}+${material.toString('base64')}`, id };
}

describe('Ed25519 cross-check with @noble/curves', () => {
  it('a checkpoint signed here verifies with noble given only the verifier key string', () => {
    const log = generateNoteSigner('shop.example/cordon', seeded('noble-log'));
    const note = signNote(sampleBody, [log]);
    const key = decodeVkeyIndependently(log.verifierKey);
    expect(key.type).toBe(1);
    const line = note.slice(note.lastIndexOf('\n\n') + 2, -1);
    expect(line.startsWith(`\u2014 ${key.name} `)).toBe(true);
    const payload = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
    expect(payload.readUInt32BE(0)).toBe(key.id);
    const message = new Uint8Array(Buffer.from(sampleBody, 'utf8'));
    expect(ed25519.verify(new Uint8Array(payload.subarray(4)), message, key.pub)).toBe(true);
    expect(ed25519.verify(new Uint8Array(payload.subarray(4)), message.slice(1), key.pub)).toBe(false);
  });

  it('a note signed by noble opens here, and our signer reproduces it byte for byte', () => {
    const seed = new Uint8Array(createHash('sha256').update('noble seed').digest());
    const name = 'noble.example/log';
    const { vkey, id } = independentKey(name, 1, seed);
    const sig = ed25519.sign(new Uint8Array(Buffer.from(sampleBody, 'utf8')), seed);
    const payload = Buffer.concat([Buffer.alloc(4), sig]);
    payload.writeUInt32BE(id, 0);
    const note = `${sampleBody}\n\u2014 ${name} ${payload.toString('base64')}\n`;
    expect(openNote(note, [vkey]).verifiedBy).toEqual([name]);
    const skey = `PRIVATE+KEY+${name}+${id.toString(16).padStart(8, '0')}+${Buffer.concat([Uint8Array.of(1), seed]).toString('base64')}`;
    expect(parseSignerKey(skey).verifierKey).toBe(vkey);
    expect(signNote(sampleBody, [skey])).toBe(note);
  });

  it('cosignatures interoperate both ways', () => {
    const witness = generateNoteSigner('witness.example/w1', seeded('noble-witness'));
    const t = 1_700_000_000;
    const line = cosignCheckpoint(sampleBody, witness, t);
    const key = decodeVkeyIndependently(witness.cosignatureVerifierKey);
    expect(key.type).toBe(4);
    const payload = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
    expect(payload.readUInt32BE(0)).toBe(key.id);
    expect(Number(payload.readBigUInt64BE(4))).toBe(t);
    const signed = new Uint8Array(Buffer.from(`cosignature/v1\ntime ${t}\n${sampleBody}`, 'utf8'));
    expect(ed25519.verify(new Uint8Array(payload.subarray(12)), signed, key.pub)).toBe(true);

    const seed = new Uint8Array(createHash('sha256').update('noble witness seed').digest());
    const name = 'noble.example/witness';
    const { vkey, id } = independentKey(name, 4, seed);
    const nobleSig = ed25519.sign(signed, seed);
    const noblePayload = Buffer.alloc(76);
    noblePayload.writeUInt32BE(id, 0);
    noblePayload.writeBigUInt64BE(BigInt(t), 4);
    noblePayload.set(nobleSig, 12);
    const nobleLine = `\u2014 ${name} ${noblePayload.toString('base64')}`;
    expect(verifyCosignature(sampleBody, nobleLine, vkey)).toEqual({ name, keyId: id, timestamp: t });
  });
});
