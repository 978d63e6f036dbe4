import { describe, expect, it } from 'vitest';
import {
  formatMobile,
  generateIdNumber,
  generateMobile,
  generateName,
  idCheckChar,
  phoneSpelling,
  uniqueMobile,
} from './people.generator';
import { IndexPermutation, Random } from './random';

/**
 * ISO 7064 MOD 11-2 written the other way (the standard's recursive form, not the weight table), so
 * the generator's check character is checked against an independent computation.
 */
function iso7064Mod112(first17: string): string {
  let p = 0;
  for (const char of first17) p = ((p + Number(char)) * 2) % 11;
  const check = (12 - p) % 11;
  return check === 10 ? 'X' : String(check);
}

describe('idCheckChar', () => {
  it('matches published examples', () => {
    // The GB 11643-1999 standard's own example and a well-known specimen.
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('44052418800101001')).toBe('4');
  });

  it('agrees with the recursive ISO 7064 MOD 11-2 form on random inputs', () => {
    const random = new Random('mod11-2');
    for (let i = 0; i < 5_000; i += 1) {
      const first17 = random.digits(17);
      expect(idCheckChar(first17)).toBe(iso7064Mod112(first17));
    }
  });

  it('refuses anything but 17 ASCII digits', () => {
    expect(() => idCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => idCheckChar('1101051949123100X')).toThrow(RangeError);
  });
});

describe('generateIdNumber', () => {
  it('writes region, birth date, a gender-parity sequence and a correct check character', () => {
    const random = new Random('ids');
    for (let i = 0; i < 1_000; i += 1) {
      const gender = i % 2 === 0 ? 'male' : 'female';
      const id = generateIdNumber(random, '440305', '1990-02-28', gender);
      expect(id).toMatch(/^44030519900228\d{3}[\dX]$/);
      expect(Number(id.charAt(16)) % 2).toBe(gender === 'male' ? 1 : 0);
      expect(id.charAt(17)).toBe(iso7064Mod112(id.slice(0, 17)));
    }
    expect(() => generateIdNumber(random, '4403', '1990-02-28', 'male')).toThrow(RangeError);
    expect(() => generateIdNumber(random, '440305', '19900228', 'male')).toThrow(RangeError);
  });
});

describe('mobile numbers', () => {
  it('generates valid mainland mobiles', () => {
    const random = new Random('mobiles');
    for (let i = 0; i < 5_000; i += 1) expect(generateMobile(random)).toMatch(/^1[3-9]\d{9}$/);
  });

  it('gives distinct indexes distinct numbers', () => {
    const random = new Random('unique');
    const suffixes = new IndexPermutation(100_000_000, 99);
    const phones = Array.from({ length: 20_000 }, (_, i) => uniqueMobile(random, i, suffixes));
    expect(new Set(phones.map((p) => p.slice(3))).size).toBe(phones.length);
    for (const phone of phones) expect(phone).toMatch(/^1[3-9]\d{9}$/);
    expect(() => uniqueMobile(random, 0, new IndexPermutation(1000, 1))).toThrow(RangeError);
  });

  it('formats the spellings people type', () => {
    expect(formatMobile('13812345678', 'plain')).toBe('13812345678');
    expect(formatMobile('13812345678', 'intl-dashed')).toBe('+86 138-1234-5678');
    expect(formatMobile('13812345678', 'spaced')).toBe('138 1234 5678');
    expect(formatMobile('13812345678', 'intl-compact')).toBe('+8613812345678');
  });

  it('spells about 5 % messily when asked, and uses the same draws either way', () => {
    const messy = new Random('spell');
    const plain = new Random('spell');
    let odd = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const written = phoneSpelling(messy, '13812345678', true);
      expect(phoneSpelling(plain, '13812345678', false)).toBe('13812345678');
      if (written !== '13812345678') {
        odd += 1;
        expect(written.replace(/^\+86/, '').replace(/\D/g, '')).toBe('13812345678');
      }
    }
    expect(odd / 20_000).toBeCloseTo(0.05, 1);
    expect(messy.uint32()).toBe(plain.uint32());
  });
});

describe('generateName', () => {
  it('writes mostly two- or three-character Han names with a pool surname', () => {
    const random = new Random('names');
    let han = 0;
    for (let i = 0; i < 5_000; i += 1) {
      const name = generateName(random, { gender: i % 2 === 0 ? 'male' : 'female' });
      if (name.kind === 'han') {
        han += 1;
        expect(name.full).toMatch(/^\p{Script=Han}{2,3}$/u);
        expect(name.full.startsWith(name.family.text)).toBe(true);
      }
      if (name.kind === 'uyghur') expect(name.full).toMatch(/^\p{Script=Han}+·\p{Script=Han}+$/u);
      if (name.kind === 'latin') expect(name.full).toMatch(/^\p{L}+ \p{L}+$/u);
      if (name.kind === 'compound') expect(name.full).toMatch(/^\p{Script=Han}{3,4}$/u);
    }
    expect(han / 5_000).toBeGreaterThan(0.97);
  });

  it('honours a forced shape and surname, and still takes one draw for the shape', () => {
    const random = new Random('forced');
    const surname = { text: '欧阳', latin: 'ouyang', weight: 1 };
    const name = generateName(random, { gender: 'female', kind: 'compound', surname });
    expect(name.full.startsWith('欧阳')).toBe(true);
    expect(generateName(new Random('u'), { gender: 'male', kind: 'uyghur' }).full).toContain('·');
    expect(generateName(new Random('l'), { gender: 'male', kind: 'latin' }).kind).toBe('latin');
  });
});
