/**
 * Synthetic people: names, mobile numbers, e-mail addresses and resident ID numbers that look and
 * validate like real ones (so import validation, normalization, masking and leak recognizers are
 * exercised for real) while belonging to nobody. Pure functions of a {@link Random}.
 */
import {
  COMPOUND_SURNAMES,
  EMAIL_DOMAINS,
  FEMALE_GIVEN_CHARS,
  LATIN_FAMILY_NAMES,
  LATIN_GIVEN_NAMES,
  MALE_GIVEN_CHARS,
  MOBILE_PREFIXES,
  type NamePart,
  NEUTRAL_GIVEN_CHARS,
  SURNAMES,
  UYGHUR_FEMALE_NAMES,
  UYGHUR_MALE_NAMES,
} from './people.data';
import type { IndexPermutation, Random } from './random';
import { WeightedTable } from './random';

/** The shapes of names the generator writes; masking treats each differently. */
export type NameKind = 'han' | 'compound' | 'uyghur' | 'latin';

/** A generated name with the ASCII parts used to build e-mail addresses. */
export interface PersonName {
  /** The name as written on an order, e.g. `王伟`, `欧阳娜娜`, `买买提·艾力`, `John Smith`. */
  full: string;
  kind: NameKind;
  /** The surname (Han kinds) or the first part (other kinds). */
  family: NamePart;
  /** ASCII spelling of the given name (`wei`, `nana`, `aili`, `john`). */
  givenLatin: string;
}

/** How often each rare name shape occurs: Uyghur-style 0.5 %, Latin 0.3 %, compound surname 0.2 %. */
const KIND_SHARES: ReadonlyArray<readonly [NameKind, number]> = [
  ['uyghur', 0.005],
  ['latin', 0.003],
  ['compound', 0.002],
];

/** Share of Han names with a one-character given name (王伟); the rest have two (王建国). */
const SINGLE_GIVEN_SHARE = 0.18;

const surnameTable = new WeightedTable(
  SURNAMES,
  SURNAMES.map((s) => s.weight),
);
const compoundTable = new WeightedTable(
  COMPOUND_SURNAMES,
  COMPOUND_SURNAMES.map((s) => s.weight),
);
const maleCharTable = new WeightedTable(
  [...MALE_GIVEN_CHARS, ...NEUTRAL_GIVEN_CHARS],
  [...MALE_GIVEN_CHARS, ...NEUTRAL_GIVEN_CHARS].map((c) => c.weight),
);
const femaleCharTable = new WeightedTable(
  [...FEMALE_GIVEN_CHARS, ...NEUTRAL_GIVEN_CHARS],
  [...FEMALE_GIVEN_CHARS, ...NEUTRAL_GIVEN_CHARS].map((c) => c.weight),
);
const uyghurMaleTable = new WeightedTable(
  UYGHUR_MALE_NAMES,
  UYGHUR_MALE_NAMES.map((n) => n.weight),
);
const uyghurFemaleTable = new WeightedTable(
  UYGHUR_FEMALE_NAMES,
  UYGHUR_FEMALE_NAMES.map((n) => n.weight),
);
const prefixTable = new WeightedTable(
  MOBILE_PREFIXES.map((p) => p.prefix),
  MOBILE_PREFIXES.map((p) => p.weight),
);
const domainTable = new WeightedTable(
  EMAIL_DOMAINS,
  EMAIL_DOMAINS.map((d) => d.weight),
);

/** Options of {@link generateName}. */
export interface NameOptions {
  gender: 'female' | 'male';
  /** Force a name shape (family members share the customer's); drawn by share when absent. */
  kind?: NameKind;
  /** Use this surname (children and fathers share it) for Han and compound names. */
  surname?: NamePart;
}

/** Lowercase ASCII: diacritics dropped (`Müller` → `muller`), anything else non-alphanumeric removed. */
function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function latinPart(text: string): NamePart {
  return { text, latin: asciiFold(text), weight: 1 };
}

/**
 * A person's name. Always one draw for the shape (even when `kind` is given), so that forcing a
 * shape does not shift what follows; then the draws of that shape.
 */
export function generateName(random: Random, options: NameOptions): PersonName {
  const roll = random.next();
  let kind: NameKind = 'han';
  if (options.kind !== undefined) kind = options.kind;
  else {
    let threshold = 0;
    for (const [candidate, share] of KIND_SHARES) {
      threshold += share;
      if (roll < threshold) {
        kind = candidate;
        break;
      }
    }
  }
  if (kind === 'uyghur') {
    const given = (options.gender === 'male' ? uyghurMaleTable : uyghurFemaleTable).pick(random);
    const father = uyghurMaleTable.pick(random);
    return { full: `${given.text}·${father.text}`, kind, family: given, givenLatin: father.latin };
  }
  if (kind === 'latin') {
    const given = latinPart(random.pick(LATIN_GIVEN_NAMES));
    const family = latinPart(random.pick(LATIN_FAMILY_NAMES));
    return { full: `${given.text} ${family.text}`, kind, family, givenLatin: given.latin };
  }
  const chars = options.gender === 'male' ? maleCharTable : femaleCharTable;
  const family = options.surname ?? (kind === 'compound' ? compoundTable : surnameTable).pick(random);
  const length = random.chance(kind === 'compound' ? 0.4 : SINGLE_GIVEN_SHARE) ? 1 : 2;
  let givenText = '';
  let givenLatin = '';
  for (let i = 0; i < length; i += 1) {
    const char = chars.pick(random);
    givenText += char.text;
    givenLatin += char.latin;
  }
  return { full: `${family.text}${givenText}`, kind, family, givenLatin };
}

/** A random surname by frequency, for a spouse or a mother who does not share the customer's. */
export function randomSurname(random: Random): NamePart {
  return surnameTable.pick(random);
}

/** A mainland mobile number (plain 11 digits): a weighted carrier prefix and 8 random digits. */
export function generateMobile(random: Random): string {
  return prefixTable.pick(random) + random.digits(8);
}

/**
 * A mobile number unique to `index`: a random prefix and the image of the index under `suffixes`
 * (a permutation of [0, 10^8)) as the last 8 digits, so no two indexes share a number whatever
 * their prefixes.
 */
export function uniqueMobile(random: Random, index: number, suffixes: IndexPermutation): string {
  if (suffixes.domain !== 100_000_000) throw new RangeError('uniqueMobile needs a permutation of [0, 10^8).');
  return prefixTable.pick(random) + String(suffixes.apply(index)).padStart(8, '0');
}

/** Ways people write a mobile number, all accepted by Cordon's phone normalization. */
export type PhoneStyle = 'plain' | 'intl-dashed' | 'spaced' | 'intl-compact';

/** `13812345678` in the given style: `+86 138-1234-5678`, `138 1234 5678`, `+8613812345678`. */
export function formatMobile(phone: string, style: PhoneStyle): string {
  const a = phone.slice(0, 3);
  const b = phone.slice(3, 7);
  const c = phone.slice(7);
  switch (style) {
    case 'intl-dashed':
      return `+86 ${a}-${b}-${c}`;
    case 'spaced':
      return `${a} ${b} ${c}`;
    case 'intl-compact':
      return `+86${phone}`;
    default:
      return phone;
  }
}

/**
 * How a phone is written on one record: two draws always (so the messy option changes spellings
 * only, never the rest of the data); when `messy`, about 5 % are not plain, mostly `+86 138-…`.
 */
export function phoneSpelling(random: Random, phone: string, messy: boolean): string {
  const roll = random.next();
  const styleRoll = random.next();
  if (!messy || roll >= 0.05) return phone;
  const style: PhoneStyle = styleRoll < 0.6 ? 'intl-dashed' : styleRoll < 0.85 ? 'spaced' : 'intl-compact';
  return formatMobile(phone, style);
}

/**
 * An e-mail address. QQ mailboxes are mostly the QQ number (`qqNumber`, unique per customer);
 * others are built from the name's pinyin with digits or dots (`wangwei1990@163.com`,
 * `wei.wang@outlook.com`), so they may repeat between customers as real ones would.
 */
export function generateEmail(random: Random, name: PersonName, birthYear: number, qqNumber: number): string {
  const domain = domainTable.pick(random);
  const useNumber = random.chance(0.85);
  const pattern = random.next();
  const digits = random.int(1, 9999);
  if (domain.qq && useNumber) return `${qqNumber}@${domain.domain}`;
  const family = name.family.latin || 'user';
  const given = name.givenLatin || 'mail';
  const full = name.kind === 'latin' ? `${given}${family}` : `${family}${given}`;
  let local: string;
  if (pattern < 0.3) local = `${full}${digits}`;
  else if (pattern < 0.5) local = `${full}${birthYear}`;
  else if (pattern < 0.65) local = `${given}.${family}`;
  else if (pattern < 0.75) local = `${family}_${given}`;
  else if (pattern < 0.9) local = `${family.charAt(0)}${given.charAt(0)}${birthYear % 100}${digits}`;
  else local = full;
  return `${local}@${domain.domain}`;
}

/** Check characters indexed by (weighted sum mod 11), GB 11643-1999 / ISO 7064 MOD 11-2. */
const ID_CHECK_CHARS = '10X98765432';

/**
 * The GB 11643-1999 check character of a resident ID number from its first 17 digits (ISO 7064
 * MOD 11-2: the digit at position i from the left, 0-based, weighs 2^(17−i) mod 11). Implemented
 * here rather than imported so the simulator stays independent of core and the two can check
 * each other.
 */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckChar needs exactly 17 ASCII digits.');
  let sum = 0;
  let weight = 1; // 2^0; the loop runs from the right so weights are 2^1 … 2^17 mod 11
  for (let i = 16; i >= 0; i -= 1) {
    weight = (weight * 2) % 11;
    sum += (first17.charCodeAt(i) - 48) * weight;
  }
  return ID_CHECK_CHARS.charAt(sum % 11);
}

/**
 * An 18-character resident ID number: 6-digit region code, birth date `YYYYMMDD`, a 3-digit
 * sequence whose last digit is odd for men and even for women, and the check character. Two draws.
 */
export function generateIdNumber(
  random: Random,
  regionCode: string,
  birthDate: string,
  gender: 'female' | 'male',
): string {
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError('regionCode must be 6 digits.');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new RangeError('birthDate must be YYYY-MM-DD.');
  const sequence = String(random.int(0, 99)).padStart(2, '0');
  const genderDigit = random.int(0, 4) * 2 + (gender === 'male' ? 1 : 0);
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${sequence}${genderDigit}`;
  return first17 + idCheckChar(first17);
}
