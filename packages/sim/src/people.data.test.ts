import { describe, expect, it } from 'vitest';
import {
  COMPOUND_SURNAMES,
  EMAIL_DOMAINS,
  FEMALE_GIVEN_CHARS,
  LATIN_FAMILY_NAMES,
  LATIN_GIVEN_NAMES,
  MALE_GIVEN_CHARS,
  MOBILE_PREFIXES,
  NEUTRAL_GIVEN_CHARS,
  SURNAMES,
  UYGHUR_FEMALE_NAMES,
  UYGHUR_MALE_NAMES,
} from './people.data';

const HAN = /^\p{Script=Han}+$/u;
const PINYIN = /^[a-z]+$/;

describe('people pools', () => {
  it('lists the 100 most common surnames, single Han characters with pinyin and positive weights', () => {
    expect(SURNAMES.length).toBeGreaterThanOrEqual(100);
    expect(SURNAMES.slice(0, 10).map((s) => s.text)).toEqual([
      '王',
      '李',
      '张',
      '刘',
      '陈',
      '杨',
      '赵',
      '黄',
      '周',
      '吴',
    ]);
    expect(new Set(SURNAMES.map((s) => s.text)).size).toBe(SURNAMES.length);
    for (const surname of SURNAMES) {
      expect(Array.from(surname.text)).toHaveLength(1);
      expect(surname.text).toMatch(HAN);
      expect(surname.latin).toMatch(PINYIN);
      expect(surname.weight).toBeGreaterThan(0);
    }
  });

  it('has two-character compound surnames with pinyin', () => {
    expect(COMPOUND_SURNAMES.map((s) => s.text)).toEqual(
      expect.arrayContaining(['欧阳', '司马', '诸葛', '上官']),
    );
    for (const surname of COMPOUND_SURNAMES) {
      expect(Array.from(surname.text)).toHaveLength(2);
      expect(surname.text).toMatch(HAN);
      expect(surname.latin).toMatch(PINYIN);
    }
  });

  it('has a few hundred distinct given-name characters, each a Han character with pinyin', () => {
    const all = [...MALE_GIVEN_CHARS, ...FEMALE_GIVEN_CHARS, ...NEUTRAL_GIVEN_CHARS];
    expect(all.length).toBeGreaterThanOrEqual(250);
    expect(new Set(all.map((c) => c.text)).size).toBe(all.length);
    for (const char of all) {
      expect(Array.from(char.text)).toHaveLength(1);
      expect(char.text).toMatch(HAN);
      expect(char.latin).toMatch(PINYIN);
      expect(char.weight).toBeGreaterThan(0);
    }
  });

  it('has transliterated Uyghur names and Latin names', () => {
    for (const name of [...UYGHUR_MALE_NAMES, ...UYGHUR_FEMALE_NAMES]) {
      expect(name.text).toMatch(HAN);
      expect(name.latin).toMatch(PINYIN);
    }
    for (const name of [...LATIN_GIVEN_NAMES, ...LATIN_FAMILY_NAMES])
      expect(name).toMatch(/^\p{Lu}\p{Ll}+$/u);
  });

  it('has mobile prefixes of all three carriers, each 1[3-9]x, without duplicates', () => {
    const prefixes = MOBILE_PREFIXES.map((p) => p.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const prefix of prefixes) expect(prefix).toMatch(/^1[3-9]\d$/);
    expect(new Set(MOBILE_PREFIXES.map((p) => p.carrier))).toEqual(
      new Set(['China Mobile', 'China Unicom', 'China Telecom', 'MVNO']),
    );
    expect(prefixes).toEqual(
      expect.arrayContaining(['130', '139', '145', '147', '150', '166', '170', '189', '199']),
    );
  });

  it('has e-mail domains with positive weights', () => {
    for (const domain of EMAIL_DOMAINS) {
      expect(domain.domain).toMatch(/^[a-z0-9.]+\.[a-z]{2,}$/);
      expect(domain.weight).toBeGreaterThan(0);
    }
  });
});
