/**
 * Synthetic postal addresses: a real province, city and district from the gazetteer and a street
 * line in one of the shapes Chinese addresses take (`建国路88号院3号楼2单元501室`,
 * `中山路168号翠湖花园12栋1502`, an office tower floor, a Shanghai-style 弄). Pure functions of a
 * {@link Random}.
 */
import {
  type City,
  COMPOUND_STEMS,
  COMPOUND_SUFFIXES,
  OFFICE_BUILDINGS,
  PROVINCES,
  type Province,
  ROAD_STEMS,
  ROAD_SUFFIXES,
} from './places.data';
import { type Random, WeightedTable } from './random';
import type { Address } from './shop.types';

/** A city together with its province. */
export interface CityChoice {
  readonly province: Province;
  readonly city: City;
}

const ALL_CITIES: readonly CityChoice[] = PROVINCES.flatMap((province) =>
  province.cities.map((city) => ({ province, city })),
);

const cityTable = new WeightedTable(
  ALL_CITIES,
  ALL_CITIES.map((c) => c.city.weight),
);

const roadSuffixTable = new WeightedTable(
  ROAD_SUFFIXES.map(([suffix]) => suffix),
  ROAD_SUFFIXES.map(([, weight]) => weight),
);

const DIRECTIONS = ['东', '西', '南', '北', '中'] as const;

/** A city weighted by its share of online orders; one draw. */
export function pickCity(random: Random): CityChoice {
  return cityTable.pick(random);
}

/** The cities of one province (by its 6-digit code), or an empty list for an unknown code. */
export function citiesOf(provinceCode: string): readonly CityChoice[] {
  return ALL_CITIES.filter((c) => c.province.code === provinceCode);
}

/** A road name: `中山路`, `建国大街`, sometimes with a direction (`中山东路`). */
export function roadName(random: Random): string {
  const stem = random.pick(ROAD_STEMS);
  const suffix = roadSuffixTable.pick(random);
  const directional = random.chance(0.15) && suffix === '路';
  return directional ? `${stem}${random.pick(DIRECTIONS)}路` : `${stem}${suffix}`;
}

/** A room number such as `501` or `1502`: floor, then a two-digit door. */
function room(random: Random, maxFloor: number): string {
  return `${random.int(1, maxFloor)}${String(random.int(1, 6)).padStart(2, '0')}`;
}

function compoundName(random: Random): string {
  return `${random.pick(COMPOUND_STEMS)}${random.pick(COMPOUND_SUFFIXES)}`;
}

/** A street line below district level, in one of five common shapes. */
export function streetLine(random: Random): string {
  const road = roadName(random);
  const number = random.int(1, 299);
  const shape = random.next();
  if (shape < 0.3) {
    return `${road}${number}号院${random.int(1, 20)}号楼${random.int(1, 6)}单元${room(random, 24)}室`;
  }
  if (shape < 0.62)
    return `${road}${number}号${compoundName(random)}${random.int(1, 40)}栋${room(random, 33)}`;
  if (shape < 0.85) {
    return `${road}${number}号${compoundName(random)}${random.int(1, 30)}号楼${random.int(1, 4)}单元${room(random, 18)}室`;
  }
  if (shape < 0.95) {
    const tower = random.pick(OFFICE_BUILDINGS);
    const wing = random.chance(0.4) ? `${random.pick(['A', 'B', 'C'])}座` : '';
    return `${road}${number}号${tower}${wing}${random.int(2, 45)}层${random.int(1, 30)}室`;
  }
  return `${road}${random.int(10, 999)}弄${random.int(1, 120)}号${room(random, 7)}室`;
}

/** A full address in `where` (or in a city drawn by weight) with a uniformly chosen district. */
export function generateAddress(random: Random, where?: CityChoice): Address {
  const choice = where ?? pickCity(random);
  const district = random.pick(choice.city.districts);
  return {
    province: choice.province.name,
    city: choice.city.name,
    district: district.name,
    street: streetLine(random),
    regionCode: district.code,
  };
}

/** A district code drawn like a home address (by city weight, then uniformly); two draws. */
export function randomRegionCode(random: Random): string {
  return random.pick(pickCity(random).city.districts).code;
}
