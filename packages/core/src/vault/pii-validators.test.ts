import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import {
  containsPersonalNumber,
  isPlausibleBankCard,
  isValidMobile,
  isValidResidentId,
  luhnValid,
  residentIdCheckChar,
} from './pii-validators';

/** Deterministic PRNG (mulberry32) so that generated cases are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Independent formulation of the GB 11643 check for cross-checking: weights W_i = 2^(i-1) mod 11 for
 * position i counted from the right (the check character is position 1), check value
 * a_1 = (12 - Σ a_i·W_i mod 11) mod 11, written X for 10.
 */
function referenceCheckChar(first17: string): string {
  let sum = 0;
  Array.from(first17).forEach((digit, index) => {
    const position = 18 - index;
    sum += Number(digit) * (2 ** (position - 1) % 11);
  });
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

describe('residentIdCheckChar', () => {
  it.each([
    ['11010519491231002', 'X'],
    ['44052418800101001', '4'],
    ['11010119900307123', '3'],
    ['31011519800229456', '7'],
    ['44030519990101001', '3'],
    ['51010720000229123', '2'],
    ['65010219850615567', '1'],
    ['32010619700101000', '9'],
    ['11010120000101999', '8'],
    ['37020219881111888', '3'],
  ])('%s → %s', (first17, expected) => {
    expect(residentIdCheckChar(first17)).toBe(expected);
    expect(referenceCheckChar(first17)).toBe(expected);
  });

  it('agrees with an independent formulation on 500 generated inputs', () => {
    const random = prng(11643);
    for (let n = 0; n < 500; n += 1) {
      const first17 = Array.from({ length: 17 }, () => String(Math.floor(random() * 10))).join('');
      expect(residentIdCheckChar(first17)).toBe(referenceCheckChar(first17));
    }
  });

  it.each([
    '1234',
    '110105194912310021',
    'abcdefghijklmnopq',
    '1101051949123100x',
    '１１０１０５１９４９１２３１００２',
    '',
  ])('%j throws CORDON_ERR_VALIDATION without echoing the value', (input) => {
    let caught: unknown;
    try {
      residentIdCheckChar(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CordonError);
    expect(caught).toMatchObject({ code: 'CORDON_ERR_VALIDATION' });
    const message = caught instanceof CordonError ? caught.message : '';
    if (input.length > 0) expect(message).not.toContain(input);
  });
});

/** A syntactically complete ID with a correct check character, so only the date can make it invalid. */
function withCheckChar(first17: string): string {
  return `${first17}${residentIdCheckChar(first17)}`;
}

describe('isValidResidentId', () => {
  it.each([
    '11010519491231002X',
    '11010519491231002x',
    '110101199003071233',
    '310115198002294567',
    '510107200002291232',
    '650102198506155671',
    '320106197001010009',
    '110101200001019998',
    '370202198811118883',
    '440305199901010013',
  ])('%s is valid', (id) => {
    expect(isValidResidentId(id)).toBe(true);
  });

  it.each([
    ['110101199003071234', 'wrong check digit (3 expected)'],
    ['110101199003071230', 'wrong check digit'],
    ['11010519491231002X'.replace('X', '0'), 'digit where X is expected'],
    ['110101199003071233'.replace(/3$/, 'X'), 'X where a digit is expected'],
    ['11010519491231002Y', 'letter other than X'],
    ['11010519491231002', '17 characters'],
    ['11010519491231002X1', '19 characters'],
    [' 11010519491231002X', 'leading space'],
    ['１１０１０５１９４９１２３１００２Ｘ', 'full-width digits'],
    ['110105491231002', '15-digit first-generation number'],
    ['440524188001010014', 'the GB 11643 example born 1880: check char right, year < 1900'],
    [withCheckChar('11010118991231123'), 'born 1899'],
    [withCheckChar('11010119900230123'), '30 February'],
    [withCheckChar('11010119000229123'), '29 February 1900 (not a leap year)'],
    [withCheckChar('11010120230229123'), '29 February 2023'],
    [withCheckChar('11010119900431123'), '31 April'],
    [withCheckChar('11010119901301123'), 'month 13'],
    [withCheckChar('11010119900001123'), 'month 00'],
    [withCheckChar('11010119900100123'), 'day 00'],
    [withCheckChar('11010119900132123'), 'day 32'],
    ['', 'empty'],
  ])('%s is invalid (%s)', (id) => {
    expect(isValidResidentId(id)).toBe(false);
  });

  it('accepts 29 February in leap years, including 2000', () => {
    expect(isValidResidentId(withCheckChar('11010119800229123'))).toBe(true);
    expect(isValidResidentId(withCheckChar('11010120000229123'))).toBe(true);
    expect(isValidResidentId(withCheckChar('11010119000101123'))).toBe(true);
  });
});

describe('luhnValid', () => {
  it.each([
    ['79927398713', true],
    ['79927398710', false],
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['6222021234567890128', true],
    ['6222021234567890127', false],
    ['0', true],
    ['', false],
    ['1234a', false],
    ['4111 1111 1111 1111', false],
  ])('%j → %s', (digits, expected) => {
    expect(luhnValid(digits)).toBe(expected);
  });
});

describe('isPlausibleBankCard', () => {
  it.each([
    ['6222021234567890128', true],
    ['6222 0212 3456 7890 128', true],
    ['6222-0212-3456-7890-128', true],
    ['6222021234567894', true],
    ['6228480402564890018', true],
    ['62122612345678903', true],
    ['4111 1111 1111 1111', true],
    ['5105105105105100', true],
    ['378282246310005', true],
    ['4222222222222', true],
    ['６２２２０２１２３４５６７８９４', true],
    ['6222021234567890127', false],
    ['6217000010012345678', false],
    ['6222021234567895', false],
    ['422222222222', false],
    ['62220212345678901280', false],
    ['4111 1111 1111 111a', false],
    ['4111/1111/1111/1111', false],
    ['', false],
  ])('%j → %s', (input, expected) => {
    expect(isPlausibleBankCard(input)).toBe(expected);
  });
});

describe('isValidMobile', () => {
  it.each([
    ['13812345678', true],
    ['+86 138-1234-5678', true],
    ['１３８１２３４５６７８', true],
    ['12012345678', false],
    ['1381234567', false],
    ['010-12345678', false],
    ['', false],
  ])('%j → %s', (input, expected) => {
    expect(isValidMobile(input)).toBe(expected);
  });
});

describe('containsPersonalNumber (references are ledgered, so they must not carry PII)', () => {
  it.each([
    ['T-13812345678', true],
    ['13812345678', true],
    ['ref+8613812345678', true],
    ['DSR-11010519491231002X', true],
    ['TK-1001', false],
    ['20261129000123', false],
    ['T-1381234567', false],
    ['CASE-110105194912310021', false],
  ])('%s → %s', (text, expected) => {
    expect(containsPersonalNumber(text)).toBe(expected);
  });
});
