import { describe, expect, it } from 'vitest';
import { COMPOUND_STEMS, COMPOUND_SUFFIXES, OFFICE_BUILDINGS, PROVINCES, ROAD_STEMS } from './places.data';

describe('gazetteer', () => {
  const cities = PROVINCES.flatMap((p) => p.cities.map((c) => ({ province: p, city: c })));
  const districts = cities.flatMap(({ province, city }) =>
    city.districts.map((d) => ({ province, city, d })),
  );

  it('covers at least 15 provinces, 40 cities and 120 districts', () => {
    expect(PROVINCES.length).toBeGreaterThanOrEqual(15);
    expect(cities.length).toBeGreaterThanOrEqual(40);
    expect(districts.length).toBeGreaterThanOrEqual(120);
  });

  it('nests every code under its parent: province PP0000, city PPCC00, district PPCCDD', () => {
    for (const { province, city, d } of districts) {
      expect(province.code).toMatch(/^\d{2}0000$/);
      expect(city.code).toMatch(/^\d{4}00$/);
      expect(d.code).toMatch(/^\d{6}$/);
      expect(city.code.slice(0, 2)).toBe(province.code.slice(0, 2));
      expect(d.code.slice(0, 4)).toBe(city.code.slice(0, 4));
      expect(d.code.endsWith('00')).toBe(false);
    }
  });

  it('has unique codes and well-formed names', () => {
    const codes = [
      ...PROVINCES.map((p) => p.code),
      ...cities.map((c) => c.city.code),
      ...districts.map((x) => x.d.code),
    ];
    expect(new Set(codes).size).toBe(codes.length);
    for (const { province, city, d } of districts) {
      expect(province.name).toMatch(/(省|市|自治区)$/u);
      expect(city.name).toMatch(/市$/u);
      expect(d.name).toMatch(/区$/u);
      expect(city.weight).toBeGreaterThan(0);
    }
  });

  it('has non-empty street pools of Han text', () => {
    for (const pool of [ROAD_STEMS, COMPOUND_STEMS, COMPOUND_SUFFIXES, OFFICE_BUILDINGS]) {
      expect(pool.length).toBeGreaterThan(10);
      for (const entry of pool) expect(entry).toMatch(/^\p{Script=Han}+$/u);
    }
  });
});
