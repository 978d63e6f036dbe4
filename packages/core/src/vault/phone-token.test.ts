import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import { Ff1 } from './ff1';
import { createPhoneTokenizer } from './phone-token';

const MOBILE = /^1[3-9]\d{9}$/;

function randomMobile(): string {
  return `1${randomInt(3, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('createPhoneTokenizer', () => {
  const key = randomBytes(32);
  const tokenizer = createPhoneTokenizer(key);

  it('keeps the mobile shape and round-trips for 5,000 random valid mobiles', () => {
    for (let i = 0; i < 5000; i++) {
      const mobile = randomMobile();
      const token = tokenizer.tokenize(mobile);
      expect(token).toMatch(MOBILE);
      expect(tokenizer.detokenize(token)).toBe(mobile);
    }
  });

  it('round-trips the edges of the valid range', () => {
    for (const mobile of ['13000000000', '13999999999', '19000000000', '19999999999', '15555555555']) {
      const token = tokenizer.tokenize(mobile);
      expect(token).toMatch(MOBILE);
      expect(tokenizer.detokenize(token)).toBe(mobile);
    }
  });

  it('is deterministic per key, across tokenizer instances', () => {
    const again = createPhoneTokenizer(Uint8Array.from(key));
    for (let i = 0; i < 200; i++) {
      const mobile = randomMobile();
      expect(again.tokenize(mobile)).toBe(tokenizer.tokenize(mobile));
    }
  });

  it('gives different tokens under different keys and different tweaks', () => {
    const otherKey = createPhoneTokenizer(randomBytes(32));
    const tenantA = createPhoneTokenizer(key, Buffer.from('tenant-a'));
    const tenantB = createPhoneTokenizer(key, Buffer.from('tenant-b'));
    let sameKey = 0;
    let sameTweak = 0;
    for (let i = 0; i < 1000; i++) {
      const mobile = randomMobile();
      if (otherKey.tokenize(mobile) === tokenizer.tokenize(mobile)) sameKey++;
      if (tenantA.tokenize(mobile) === tenantB.tokenize(mobile)) sameTweak++;
      expect(tenantA.detokenize(tenantA.tokenize(mobile))).toBe(mobile);
    }
    // Two independent permutations of 7·10^9 values agree on a point with probability ~1.4·10^-10.
    expect(sameKey).toBe(0);
    expect(sameTweak).toBe(0);
  });

  it('is injective on a sample: 10,000 distinct mobiles give 10,000 distinct tokens', () => {
    const mobiles = new Set<string>();
    // Half random, half a dense block of neighbours (the case a weak scheme would collide on).
    while (mobiles.size < 5000) mobiles.add(randomMobile());
    for (let i = 0; i < 5000; i++) mobiles.add(`1380013${String(i).padStart(4, '0')}`);
    const tokens = new Set<string>();
    for (const mobile of mobiles) tokens.add(tokenizer.tokenize(mobile));
    expect(tokens.size).toBe(mobiles.size);
  });

  it('follows the documented construction: FF1 on the last ten digits, cycle-walked into 3..9', () => {
    const ff1 = new Ff1(key, '0123456789');
    let walked = 0;
    for (let i = 0; i < 300; i++) {
      const mobile = randomMobile();
      let tail = ff1.encrypt(mobile.slice(1));
      while (tail < '3') {
        tail = ff1.encrypt(tail);
        walked++;
      }
      expect(tokenizer.tokenize(mobile)).toBe(`1${tail}`);
    }
    // About 3 in 10 first encryptions land on 0..2 and must walk on; make sure the walk was exercised.
    expect(walked).toBeGreaterThan(0);
  });

  it('keeps its own copy of the tweak', () => {
    const tweak = Buffer.from('tenant-a');
    const tok = createPhoneTokenizer(key, tweak);
    const before = tok.tokenize('13800138000');
    tweak.fill(0);
    expect(tok.tokenize('13800138000')).toBe(before);
  });

  it('rejects anything that is not a mainland mobile, without echoing it', () => {
    const invalid = [
      '',
      '1380013800',
      '138001380000',
      '12800138000',
      '10800138000',
      '23800138000',
      '+8613800138000',
      '138 0013 8000',
      '1380013800a',
      '１３８００１３８０００',
      ' 13800138000',
      '13800138000\n',
    ];
    for (const value of invalid) {
      for (const call of [() => tokenizer.tokenize(value), () => tokenizer.detokenize(value)]) {
        const error = thrown(call);
        expect(error).toBeInstanceOf(CordonError);
        const cordon = error as CordonError;
        expect(cordon.code).toBe('CORDON_ERR_INVALID_PHONE');
        if (value.length > 0) expect(JSON.stringify(cordon.toJSON())).not.toContain(value);
      }
    }
    for (const value of [undefined, null, 13800138000, {}]) {
      const error = thrown(() => tokenizer.tokenize(value as unknown as string));
      expect((error as CordonError).code).toBe('CORDON_ERR_INVALID_PHONE');
    }
    expect((thrown(() => tokenizer.tokenize('12800138000')) as CordonError).details).toEqual({
      field: 'mobile',
    });
    expect((thrown(() => tokenizer.detokenize('12800138000')) as CordonError).details).toEqual({
      field: 'token',
    });
  });

  it('rejects bad keys and tweaks at creation', () => {
    for (const badKey of [new Uint8Array(0), new Uint8Array(20)]) {
      expect((thrown(() => createPhoneTokenizer(badKey)) as CordonError).code).toBe('CORDON_ERR_VALIDATION');
    }
    const badTweak = 'tenant' as unknown as Uint8Array;
    expect((thrown(() => createPhoneTokenizer(key, badTweak)) as CordonError).code).toBe(
      'CORDON_ERR_VALIDATION',
    );
  });
});
