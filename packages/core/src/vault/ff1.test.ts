import { createCipheriv, randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CordonError, type ErrorCode } from '../shared/errors';
import { Ff1 } from './ff1';

interface NistVector {
  name: string;
  key: string;
  radix: number;
  alphabet: string;
  tweak: string;
  plaintext: string;
  ciphertext: string;
}

/** The repo root is four levels up from packages/core/src/vault; `shared/` sits beside the repo folder. */
const repoRoot = resolve(import.meta.dirname, '../../../..');
const vectorsPath = resolve(repoRoot, '../shared/vectors/fpe/nist_ff1_samples.json');

function loadVectors(): NistVector[] {
  if (!existsSync(vectorsPath)) {
    throw new Error(`FF1 vectors not found at ${vectorsPath}: clone the repo with shared/ beside it.`);
  }
  const parsed = JSON.parse(readFileSync(vectorsPath, 'utf8')) as { vectors: NistVector[] };
  return parsed.vectors;
}

const vectors = loadVectors();

const DIGITS = '0123456789';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomText(alphabet: string, length: number): string {
  const chars = Array.from(alphabet);
  const out = new Array<string>(length);
  for (let i = 0; i < length; i++) out[i] = chars[randomInt(chars.length)] ?? '';
  return out.join('');
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function expectCordonError(fn: () => unknown, code: ErrorCode): CordonError {
  const error = catchError(fn);
  expect(error).toBeInstanceOf(CordonError);
  const cordon = error as CordonError;
  expect(cordon.code).toBe(code);
  return cordon;
}

/**
 * A literal, unoptimized transcription of SP 800-38G Algorithms 7/8 (fresh AES per block, BigInt for
 * everything, no cached prefix). The class under test is checked against it on inputs the nine NIST
 * vectors do not reach: long texts (d > 16), long tweaks, radix 2 and 65536, astral characters.
 */
function referenceFf1(
  key: Uint8Array,
  alphabet: string,
  tweak: Uint8Array,
  text: string,
  inverse: boolean,
): string {
  const chars = Array.from(alphabet);
  const radix = BigInt(chars.length);
  const x = Array.from(text).map((ch) => BigInt(chars.indexOf(ch)));
  const n = x.length;
  const u = Math.floor(n / 2);
  const v = n - u;
  const t = tweak.length;
  const num = (digits: bigint[]): bigint => digits.reduce((acc, dgt) => acc * radix + dgt, 0n);
  const str = (value: bigint, m: number): bigint[] => {
    const out: bigint[] = [];
    let rest = value;
    for (let i = 0; i < m; i++) {
      out.unshift(rest % radix);
      rest /= radix;
    }
    return out;
  };
  const bytes = (value: bigint, len: number): Buffer => {
    const out = Buffer.alloc(len);
    let rest = value;
    for (let i = len - 1; i >= 0; i--) {
      out[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
    return out;
  };
  const ciph = (block: Buffer): Buffer => {
    const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    c.setAutoPadding(false);
    return c.update(block);
  };
  const xor = (p: Buffer, q: Buffer): Buffer => Buffer.from(p.map((byte, i) => byte ^ (q[i] ?? 0)));
  const prf = (data: Buffer): Buffer => {
    let y: Buffer = Buffer.alloc(16);
    for (let off = 0; off < data.length; off += 16) y = ciph(xor(y, data.subarray(off, off + 16)));
    return y;
  };
  const b = Math.ceil(Math.ceil(v * Math.log2(Number(radix))) / 8);
  const d = 4 * Math.ceil(b / 4) + 4;
  const p = Buffer.concat([
    Buffer.from([1, 2, 1]),
    bytes(radix, 3),
    Buffer.from([10, u % 256]),
    bytes(BigInt(n), 4),
    bytes(BigInt(t), 4),
  ]);
  let a = x.slice(0, u);
  let bb = x.slice(u);
  for (let k = 0; k < 10; k++) {
    const i = inverse ? 9 - k : k;
    const pad = (((-t - b - 1) % 16) + 16) % 16;
    const q = Buffer.concat([
      Buffer.from(tweak),
      Buffer.alloc(pad),
      Buffer.from([i]),
      bytes(num(inverse ? a : bb), b),
    ]);
    const r = prf(Buffer.concat([p, q]));
    const blocks = [r];
    for (let j = 1; j < Math.ceil(d / 16); j++) blocks.push(ciph(xor(r, bytes(BigInt(j), 16))));
    const y = BigInt(`0x${Buffer.concat(blocks).subarray(0, d).toString('hex')}`);
    const m = i % 2 === 0 ? u : v;
    const mod = radix ** BigInt(m);
    if (inverse) {
      const c = (((num(bb) - y) % mod) + mod) % mod;
      bb = a;
      a = str(c, m);
    } else {
      const c = (num(a) + y) % mod;
      a = bb;
      bb = str(c, m);
    }
  }
  return [...a, ...bb].map((dgt) => chars[Number(dgt)] ?? '?').join('');
}

/** 65,536 distinct well-formed characters: all non-surrogate BMP code points plus 2,048 astral ones. */
function alphabet65536(): string {
  const cps: number[] = [];
  for (let cp = 0; cp < 0xd800; cp++) cps.push(cp);
  for (let cp = 0xe000; cps.length < 65_536; cp++) cps.push(cp);
  const parts: string[] = [];
  for (let i = 0; i < cps.length; i += 4096) parts.push(String.fromCodePoint(...cps.slice(i, i + 4096)));
  return parts.join('');
}

describe('Ff1 — NIST SP 800-38G sample vectors', () => {
  it('finds every official sample', () => {
    expect(vectorsPath.endsWith('/shared/vectors/fpe/nist_ff1_samples.json')).toBe(true);
    expect(vectors).toHaveLength(9);
  });

  for (const vector of vectors) {
    it(`${vector.name}: encrypts and decrypts`, () => {
      const ff1 = new Ff1(Buffer.from(vector.key, 'hex'), vector.alphabet);
      const tweak = Buffer.from(vector.tweak, 'hex');
      expect(ff1.radix).toBe(vector.radix);
      expect(ff1.encrypt(vector.plaintext, tweak)).toBe(vector.ciphertext);
      expect(ff1.decrypt(vector.ciphertext, tweak)).toBe(vector.plaintext);
      // A second call must not be disturbed by the shared AES context or the cached prefix state.
      expect(ff1.encrypt(vector.plaintext, tweak)).toBe(vector.ciphertext);
    });
  }
});

describe('Ff1 — agrees with a literal transcription of the standard', () => {
  const cases: { label: string; alphabet: string; lengths: number[] }[] = [
    { label: 'radix 2', alphabet: '01', lengths: [20, 21, 64, 130] },
    { label: 'radix 10', alphabet: DIGITS, lengths: [6, 7, 10, 11, 19, 28, 29, 57, 100] },
    { label: 'radix 36', alphabet: BASE36, lengths: [4, 5, 9, 10, 19, 40] },
    { label: 'radix 62', alphabet: `${BASE36}ABCDEFGHIJKLMNOPQRSTUVWXYZ`, lengths: [4, 16, 33] },
    {
      label: 'radix 1000 (CJK)',
      alphabet: String.fromCodePoint(...range(0x4e00, 1000)),
      lengths: [2, 3, 8, 21],
    },
    { label: 'radix 65536 (astral)', alphabet: alphabet65536(), lengths: [2, 3, 7, 16] },
  ];
  for (const { label, alphabet, lengths } of cases) {
    it(`${label}, lengths ${lengths.join('/')}, random keys and tweaks`, () => {
      for (const keyLength of [16, 24, 32]) {
        const key = randomBytes(keyLength);
        const ff1 = new Ff1(key, alphabet);
        for (const length of lengths) {
          const tweak = randomBytes(randomInt(0, 40));
          const plain = randomText(alphabet, length);
          const expected = referenceFf1(key, alphabet, tweak, plain, false);
          const cipher = ff1.encrypt(plain, tweak);
          expect(cipher).toBe(expected);
          expect(Array.from(cipher)).toHaveLength(length);
          expect(ff1.decrypt(cipher, tweak)).toBe(plain);
          expect(referenceFf1(key, alphabet, tweak, cipher, true)).toBe(plain);
        }
      }
    });
  }
});

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

describe('Ff1 — round trips', () => {
  for (const [label, alphabet, minLength] of [
    ['radix 10', DIGITS, 6],
    ['radix 36', BASE36, 4],
  ] as const) {
    it(`${label}: 2,000 random texts of random lengths decrypt to themselves and keep the alphabet`, () => {
      const ff1 = new Ff1(randomBytes(32), alphabet);
      expect(ff1.minLength).toBe(minLength);
      const shape = new RegExp(`^[${alphabet}]+$`);
      for (let k = 0; k < 2000; k++) {
        const plain = randomText(alphabet, randomInt(minLength, 48));
        const tweak = randomBytes(randomInt(0, 12));
        const cipher = ff1.encrypt(plain, tweak);
        expect(cipher).toHaveLength(plain.length);
        expect(cipher).toMatch(shape);
        expect(ff1.decrypt(cipher, tweak)).toBe(plain);
      }
    });
  }

  it('is a permutation: 6-digit texts under one key never collide on a sample', () => {
    const ff1 = new Ff1(randomBytes(16), DIGITS);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(ff1.encrypt(String(i).padStart(6, '0')));
    expect(seen.size).toBe(20_000);
  });

  it('is deterministic across instances with the same key', () => {
    const key = randomBytes(16);
    expect(new Ff1(key, DIGITS).encrypt('13800138000')).toBe(new Ff1(key, DIGITS).encrypt('13800138000'));
  });
});

describe('Ff1 — tweak and key sensitivity', () => {
  const key = randomBytes(16);
  const ff1 = new Ff1(key, DIGITS);
  const plain = '0123456789012345';

  it('gives a different ciphertext for each tweak, and decrypting with the wrong tweak does not recover', () => {
    const tweaks = [
      new Uint8Array(0),
      Buffer.from('a'),
      Buffer.from('b'),
      Buffer.from('tenant-1'),
      randomBytes(32),
    ];
    const ciphers = tweaks.map((tweak) => ff1.encrypt(plain, tweak));
    expect(new Set(ciphers).size).toBe(tweaks.length);
    expect(ff1.decrypt(ff1.encrypt(plain, Buffer.from('a')), Buffer.from('b'))).not.toBe(plain);
    expect(ff1.encrypt(plain)).toBe(ff1.encrypt(plain, new Uint8Array(0)));
  });

  it('gives a different ciphertext under a different key', () => {
    expect(new Ff1(randomBytes(16), DIGITS).encrypt(plain)).not.toBe(ff1.encrypt(plain));
  });

  it('is not fooled by a reused tweak buffer mutated between calls', () => {
    const tweak = Buffer.from('abcd');
    const first = ff1.encrypt(plain, tweak);
    tweak[0] = 0x7a;
    expect(ff1.encrypt(plain, tweak)).toBe(ff1.encrypt(plain, Buffer.from('zbcd')));
    expect(ff1.encrypt(plain, tweak)).not.toBe(first);
  });
});

describe('Ff1 — validation', () => {
  const key = randomBytes(16);

  it('rejects keys that are not 16, 24 or 32 bytes', () => {
    for (const length of [0, 8, 15, 17, 31, 33, 64]) {
      const error = expectCordonError(() => new Ff1(new Uint8Array(length), DIGITS), 'CORDON_ERR_VALIDATION');
      expect(error.details).toMatchObject({ field: 'key', length });
    }
    expectCordonError(
      () => new Ff1('0123456789abcdef' as unknown as Uint8Array, DIGITS),
      'CORDON_ERR_VALIDATION',
    );
  });

  it('rejects bad alphabets: too small, too large, duplicates, lone surrogates, not a string', () => {
    expectCordonError(() => new Ff1(key, ''), 'CORDON_ERR_VALIDATION');
    expect(expectCordonError(() => new Ff1(key, '0'), 'CORDON_ERR_VALIDATION').details).toMatchObject({
      length: 1,
    });
    expectCordonError(() => new Ff1(key, `${alphabet65536()}\u{1F600}`), 'CORDON_ERR_VALIDATION');
    expect(
      expectCordonError(() => new Ff1(key, '01234567890'), 'CORDON_ERR_VALIDATION').details,
    ).toMatchObject({
      field: 'alphabet',
      position: 10,
    });
    expectCordonError(() => new Ff1(key, '01\uD800'), 'CORDON_ERR_VALIDATION');
    expectCordonError(() => new Ff1(key, 10 as unknown as string), 'CORDON_ERR_VALIDATION');
  });

  it('derives minLength from radix^len ≥ 1,000,000 and never below 2', () => {
    expect(new Ff1(key, '01').minLength).toBe(20);
    expect(new Ff1(key, DIGITS).minLength).toBe(6);
    expect(new Ff1(key, BASE36).minLength).toBe(4);
    expect(new Ff1(key, String.fromCodePoint(...range(0x4e00, 1000))).minLength).toBe(2);
    expect(new Ff1(key, DIGITS).maxLength).toBe(2 ** 32 - 1);
  });

  it('rejects texts shorter than minLength, naming lengths only', () => {
    const ff1 = new Ff1(key, DIGITS);
    const error = expectCordonError(() => ff1.encrypt('13800'), 'CORDON_ERR_VALIDATION');
    expect(error.message).not.toContain('13800');
    expect(error.details).toMatchObject({ field: 'plaintext', length: 5, minLength: 6 });
    expectCordonError(() => ff1.decrypt('12345'), 'CORDON_ERR_VALIDATION');
    expectCordonError(() => ff1.encrypt(''), 'CORDON_ERR_VALIDATION');
    expectCordonError(() => new Ff1(key, '01').encrypt('1'.repeat(19)), 'CORDON_ERR_VALIDATION');
  });

  it('rejects texts longer than maxLength', () => {
    const ff1 = new Ff1(key, DIGITS, { maxLength: 12 });
    expect(ff1.encrypt('123456789012')).toHaveLength(12);
    const error = expectCordonError(() => ff1.encrypt('1234567890123'), 'CORDON_ERR_VALIDATION');
    expect(error.details).toMatchObject({ length: 13, maxLength: 12 });
    expectCordonError(() => ff1.decrypt('1234567890123'), 'CORDON_ERR_VALIDATION');
  });

  it('rejects characters outside the alphabet by position, without echoing the text', () => {
    const ff1 = new Ff1(key, DIGITS);
    const secret = '1380013800x';
    const error = expectCordonError(() => ff1.encrypt(secret), 'CORDON_ERR_VALIDATION');
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('1380013800');
    expect(JSON.stringify(error.toJSON())).not.toContain('1380013800');
    expect(error.details).toMatchObject({ field: 'plaintext', position: 10 });
    expect(expectCordonError(() => ff1.decrypt('１2345678'), 'CORDON_ERR_VALIDATION').details).toMatchObject({
      field: 'ciphertext',
      position: 0,
    });
    expectCordonError(() => new Ff1(key, BASE36).encrypt('ABCDEF'), 'CORDON_ERR_VALIDATION');
  });

  it('counts positions in characters for astral alphabets', () => {
    const ff1 = new Ff1(key, '😀😁😂😃😄😅😆😇😈😉');
    expect(ff1.decrypt(ff1.encrypt('😀😁😂😃😄😅'))).toBe('😀😁😂😃😄😅');
    expect(
      expectCordonError(() => ff1.encrypt('😀😁😂x😄😅'), 'CORDON_ERR_VALIDATION').details,
    ).toMatchObject({
      position: 3,
    });
  });

  it('rejects non-string texts', () => {
    const ff1 = new Ff1(key, DIGITS);
    expectCordonError(() => ff1.encrypt(1234567 as unknown as string), 'CORDON_ERR_VALIDATION');
    expectCordonError(() => ff1.decrypt(null as unknown as string), 'CORDON_ERR_VALIDATION');
  });

  it('rejects tweaks longer than maxTweakLength, and tweaks that are not bytes', () => {
    const ff1 = new Ff1(key, DIGITS, { maxTweakLength: 4 });
    expect(ff1.maxTweakLength).toBe(4);
    expect(ff1.decrypt(ff1.encrypt('123456', Buffer.from('abcd')), Buffer.from('abcd'))).toBe('123456');
    const error = expectCordonError(
      () => ff1.encrypt('123456', Buffer.from('abcde')),
      'CORDON_ERR_VALIDATION',
    );
    expect(error.details).toMatchObject({ field: 'tweak', length: 5, maxLength: 4 });
    expectCordonError(() => ff1.decrypt('123456', Buffer.from('abcde')), 'CORDON_ERR_VALIDATION');
    expectCordonError(() => ff1.encrypt('123456', 'abcd' as unknown as Uint8Array), 'CORDON_ERR_VALIDATION');
    expect(new Ff1(key, DIGITS, { maxTweakLength: 0 }).encrypt('123456')).toHaveLength(6);
  });

  it('rejects out-of-range options', () => {
    for (const maxTweakLength of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expectCordonError(() => new Ff1(key, DIGITS, { maxTweakLength }), 'CORDON_ERR_VALIDATION');
    }
    for (const maxLength of [5, 6.5, 2 ** 32, Number.POSITIVE_INFINITY]) {
      expectCordonError(() => new Ff1(key, DIGITS, { maxLength }), 'CORDON_ERR_VALIDATION');
    }
    expect(new Ff1(key, DIGITS, { maxLength: 6 }).maxLength).toBe(6);
  });
});
