import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import type { TotpAlgorithm } from './totp';
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  otpauthUri,
  totpCode,
  totpStep,
  verifyTotp,
} from './totp';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const at = (seconds: number): Date => new Date(seconds * 1000);

describe('base32 (RFC 4648 section 10)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];

  it.each(vectors)('encodes %j as %j', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain), { pad: true })).toBe(encoded);
    expect(base32Encode(Buffer.from(plain))).toBe(encoded.replace(/=+$/, ''));
  });

  it.each(vectors)(
    'decodes %j from %j, with or without padding, in any case, with spaces',
    (plain, encoded) => {
      expect(base32Decode(encoded).toString()).toBe(plain);
      expect(base32Decode(encoded.replace(/=+$/, '')).toString()).toBe(plain);
      expect(base32Decode(encoded.toLowerCase()).toString()).toBe(plain);
      expect(base32Decode(encoded.replace(/(.{4})/g, '$1 ')).toString()).toBe(plain);
    },
  );

  it('round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...base32Decode(base32Encode(bytes))]).toEqual([...bytes]);
  });

  it.each([
    ['a digit outside 2-7', 'MZXW1YQ', 4],
    ['a digit 8', 'MZXW8YTB', 4],
    ['punctuation', 'MZXW-YTB', 4],
    ['padding in the middle', 'MZ=XW6YTB', 2],
    ['non-ASCII', 'MZXWÉYTB', 4],
  ])('rejects %s with CORDON_ERR_VALIDATION naming the position', (_name, text, position) => {
    const error = thrown(() => base32Decode(text));
    expect(error).toBeInstanceOf(CordonError);
    expect((error as CordonError).code).toBe('CORDON_ERR_VALIDATION');
    expect((error as CordonError).details).toEqual({ field: 'secret', position });
    expect((error as CordonError).message).not.toContain(text);
  });

  it.each(['M', 'MZX', 'MZXW6Y'])('rejects the impossible length of %j', (text) => {
    expect((thrown(() => base32Decode(text)) as CordonError).code).toBe('CORDON_ERR_VALIDATION');
  });
});

describe('totpCode (RFC 6238 Appendix B)', () => {
  const seeds: Record<TotpAlgorithm, Buffer> = {
    SHA1: Buffer.from('12345678901234567890', 'ascii'),
    SHA256: Buffer.from('12345678901234567890123456789012', 'ascii'),
    SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
  };
  const vectors: [number, string, TotpAlgorithm, string][] = [
    [59, '0000000000000001', 'SHA1', '94287082'],
    [59, '0000000000000001', 'SHA256', '46119246'],
    [59, '0000000000000001', 'SHA512', '90693936'],
    [1111111109, '00000000023523EC', 'SHA1', '07081804'],
    [1111111109, '00000000023523EC', 'SHA256', '68084774'],
    [1111111109, '00000000023523EC', 'SHA512', '25091201'],
    [1111111111, '00000000023523ED', 'SHA1', '14050471'],
    [1111111111, '00000000023523ED', 'SHA256', '67062674'],
    [1111111111, '00000000023523ED', 'SHA512', '99943326'],
    [1234567890, '000000000273EF07', 'SHA1', '89005924'],
    [1234567890, '000000000273EF07', 'SHA256', '91819424'],
    [1234567890, '000000000273EF07', 'SHA512', '93441116'],
    [2000000000, '0000000003F940AA', 'SHA1', '69279037'],
    [2000000000, '0000000003F940AA', 'SHA256', '90698825'],
    [2000000000, '0000000003F940AA', 'SHA512', '38618901'],
    [20000000000, '0000000027BC86AA', 'SHA1', '65353130'],
    [20000000000, '0000000027BC86AA', 'SHA256', '77737706'],
    [20000000000, '0000000027BC86AA', 'SHA512', '47863826'],
  ];

  it.each(vectors)('at %i s (T=%s) with %s gives %s', (seconds, stepHex, algorithm, code) => {
    expect(totpStep(at(seconds))).toBe(Number.parseInt(stepHex, 16));
    expect(totpCode(seeds[algorithm], at(seconds), { algorithm, digits: 8 })).toBe(code);
    expect(verifyTotp(seeds[algorithm], code, at(seconds), { algorithm, digits: 8, window: 0 })).toEqual({
      ok: true,
      step: Number.parseInt(stepHex, 16),
    });
  });

  it('defaults to SHA1, 6 digits, 30 s (the last 6 digits of the 8-digit code)', () => {
    expect(totpCode(seeds.SHA1, at(59))).toBe('287082');
    expect(totpCode(seeds.SHA1, at(1111111109))).toBe('081804');
  });

  it('rejects short secrets and out-of-range options', () => {
    for (const fn of [
      () => totpCode(Buffer.alloc(10), at(59)),
      () => totpCode(seeds.SHA1, at(59), { digits: 5 }),
      () => totpCode(seeds.SHA1, at(59), { digits: 9 }),
      () => totpCode(seeds.SHA1, at(59), { period: 0 }),
      () => totpCode(seeds.SHA1, at(59), { algorithm: 'MD5' as TotpAlgorithm }),
      () => totpCode(seeds.SHA1, new Date(Number.NaN)),
      () => totpCode(seeds.SHA1, at(-1)),
    ]) {
      expect((thrown(fn) as CordonError).code).toBe('CORDON_ERR_VALIDATION');
    }
  });
});

describe('verifyTotp', () => {
  const secret = Buffer.from('12345678901234567890', 'ascii');
  // 1111111111 s is 1 s into step 37037037 (which spans 1111111110..1111111139).
  const now = at(1111111111);
  const step = 37037037;
  const codeAt = (s: number): string => totpCode(secret, at(s * 30));

  it('accepts the current code and reports its step', () => {
    expect(verifyTotp(secret, codeAt(step), now)).toEqual({ ok: true, step });
  });

  it('accepts one step either side by default and nothing further', () => {
    expect(verifyTotp(secret, codeAt(step - 1), now)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAt(step + 1), now)).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(secret, codeAt(step - 2), now)).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(step + 2), now)).toEqual({ ok: false });
  });

  it('honours the window at the exact step boundaries', () => {
    const code = codeAt(step);
    expect(verifyTotp(secret, code, at(1111111110), { window: 0 })).toEqual({ ok: true, step });
    expect(verifyTotp(secret, code, new Date(1111111139_999), { window: 0 })).toEqual({ ok: true, step });
    expect(verifyTotp(secret, code, at(1111111140), { window: 0 })).toEqual({ ok: false });
    expect(verifyTotp(secret, code, at(1111111140 + 30), { window: 2 })).toEqual({ ok: true, step });
    expect(verifyTotp(secret, code, at(1111111140 + 60), { window: 2 })).toEqual({ ok: false });
  });

  it('rejects a replayed code and any code at or before the last used step', () => {
    const first = verifyTotp(secret, codeAt(step), now);
    expect(first).toEqual({ ok: true, step });
    const lastUsedStep = first.ok ? first.step : -1;
    expect(verifyTotp(secret, codeAt(step), now, { lastUsedStep })).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(step - 1), now, { lastUsedStep })).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(step + 1), now, { lastUsedStep })).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(secret, codeAt(step), now, { lastUsedStep: null })).toEqual({ ok: true, step });
  });

  it.each([
    ['letters', 'abcdef'],
    ['too short', '12345'],
    ['too long', '1234567'],
    ['spaces', '123 456'],
    ['sign', '+12345'],
    ['non-ASCII digits', '١٢٣٤٥٦'],
    ['empty', ''],
  ])('rejects malformed input (%s) without throwing', (_name, code) => {
    expect(verifyTotp(secret, code, now)).toEqual({ ok: false });
  });

  it('rejects a wrong code', () => {
    const right = codeAt(step);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyTotp(secret, wrong, now, { window: 0 })).toEqual({ ok: false });
  });

  it('refuses an out-of-range window', () => {
    expect((thrown(() => verifyTotp(secret, '123456', now, { window: -1 })) as CordonError).code).toBe(
      'CORDON_ERR_VALIDATION',
    );
    expect((thrown(() => verifyTotp(secret, '123456', now, { window: 1.5 })) as CordonError).code).toBe(
      'CORDON_ERR_VALIDATION',
    );
  });
});

describe('otpauthUri', () => {
  const secret = Buffer.from('12345678901234567890', 'ascii');

  it('builds the key URI with the issuer in label and parameters', () => {
    expect(otpauthUri({ issuer: 'Cordon', account: 'alice@example.com', secret })).toBe(
      'otpauth://totp/Cordon:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Cordon&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('percent-encodes spaces, ampersands and non-ASCII', () => {
    const uri = otpauthUri({ issuer: 'Cordon Ops & Co', account: '张 三', secret, algorithm: 'SHA256' });
    expect(uri).toBe(
      'otpauth://totp/Cordon%20Ops%20%26%20Co:%E5%BC%A0%20%E4%B8%89?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Cordon%20Ops%20%26%20Co&algorithm=SHA256&digits=6&period=30',
    );
    const parsed = new URL(uri);
    expect(parsed.searchParams.get('issuer')).toBe('Cordon Ops & Co');
    expect(base32Decode(parsed.searchParams.get('secret') ?? '')).toEqual(secret);
  });

  it('refuses a colon or an empty issuer or account', () => {
    for (const input of [
      { issuer: 'Cordon', account: 'a:b', secret },
      { issuer: 'Cor:don', account: 'alice', secret },
      { issuer: 'Cordon', account: '', secret },
    ]) {
      expect((thrown(() => otpauthUri(input)) as CordonError).code).toBe('CORDON_ERR_VALIDATION');
    }
  });
});

describe('generateTotpSecret', () => {
  it('takes 20 bytes from the RandomSource', () => {
    const bytes = generateTotpSecret({ bytes: (length) => new Uint8Array(length).fill(7) });
    expect(bytes).toEqual(new Uint8Array(20).fill(7));
  });
});
