import { describe, expect, it } from 'vitest';
import {
  checkPasswordStrength,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  needsRehash,
  verifyDummy,
  verifyPassword,
} from './password';

describe('hashPassword / verifyPassword', () => {
  it('round-trips and rejects a wrong password', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(phc, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(phc, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(phc, '')).toBe(false);
  });

  it('produces an argon2id PHC string with the OWASP parameters and a fresh salt each time', async () => {
    const a = await hashPassword('Tr0ub4dor&3xyz');
    const b = await hashPassword('Tr0ub4dor&3xyz');
    expect(a.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(a).not.toBe(b);
    expect(needsRehash(a)).toBe(false);
  });

  it('matches the same password typed in another Unicode normal form', async () => {
    const phc = await hashPassword('caf\u00e9 au lait 2024');
    expect(await verifyPassword(phc, 'cafe\u0301 au lait 2024')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a hash'],
    ['truncated', DUMMY_PASSWORD_HASH.slice(0, 40)],
    ['bcrypt', '$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['bad base64', '$argon2id$v=19$m=19456,t=2,p=1$!!!!$????'],
  ])('returns false, not an error, for a malformed hash (%s)', async (_name, phc) => {
    await expect(verifyPassword(phc, 'anything at all')).resolves.toBe(false);
  });

  it('flags weaker or unparsable hashes for re-hashing', () => {
    expect(
      needsRehash(
        '$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
      ),
    ).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });
});

describe('verifyDummy', () => {
  it('uses a valid hash with the current parameters and always resolves false', async () => {
    expect(DUMMY_PASSWORD_HASH.startsWith('$argon2id$')).toBe(true);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    await expect(verifyDummy('correct horse battery staple')).resolves.toBe(false);
    await expect(verifyDummy('')).resolves.toBe(false);
  });

  it('takes about as long as a real verification (no user enumeration by timing)', async () => {
    const phc = await hashPassword('a real staff password');
    const time = async (fn: () => Promise<boolean>): Promise<number> => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await fn();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const real = await time(() => verifyPassword(phc, 'a wrong guess here'));
    const dummy = await time(() => verifyDummy('a wrong guess here'));
    expect(dummy).toBeGreaterThan(real * 0.33);
    expect(dummy).toBeLessThan(real * 3);
  });
});

describe('checkPasswordStrength', () => {
  it.each([
    ['', 'at least 12'],
    ['Short1!', 'at least 12'],
    ['Abcdefghij1', 'at least 12'],
    ['x'.repeat(129), 'at most 128'],
    ['aaaaaaaaaaaa', 'repeat a single character'],
    ['############', 'repeat a single character'],
    ['abcdefghijklm', 'two kinds'],
    ['123456789012', 'two kinds'],
    ['ABCDEFGHIJKLMNOP', 'two kinds'],
    ['密码密码密码密码密码密码', 'two kinds'],
  ])('rejects %j with a message mentioning %j', (password, fragment) => {
    expect(checkPasswordStrength(password)).toContain(fragment);
  });

  it.each([
    'correct horse battery',
    'Abcdefghijkl',
    'abcdefghijk1',
    `a1${'b'.repeat(126)}`,
    '密码密码密码 12345',
  ])('accepts %j', (password) => {
    expect(checkPasswordStrength(password)).toBeUndefined();
  });

  it('counts characters, not UTF-16 units, and never echoes the password', () => {
    expect(checkPasswordStrength('😀😀😀😀😀😀a')).toContain('at least 12');
    const message = checkPasswordStrength('secretpassword');
    expect(message).toBeDefined();
    expect(message).not.toContain('secretpassword');
  });
});
