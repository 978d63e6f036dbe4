/**
 * Normalization of customer PII before it is turned into a keyed HMAC blind index, and before it is
 * validated or masked.
 *
 * A blind index only finds a record when the search value and the stored value normalize to the very
 * same string, so every rule here is deliberate, documented and deterministic: the same input gives
 * the same output on every machine (no locale, no clock). Changing any rule changes blind-index values
 * and therefore needs a re-index of the stored data; treat these functions as a versioned format.
 *
 * All functions are pure and never throw on bad input: they return `null` (for values that must have
 * a shape, like phone numbers) or a best-effort canonical string (for free text, like names).
 */

/**
 * Characters with no visible glyph that survive copy and paste (soft hyphen, zero-width space/joiners,
 * word joiner, BOM). They are removed everywhere so that a value "broken up" with them, a common way
 * to slip PII past pattern matchers in leaked files, still normalizes to the plain value.
 */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/gu;

/** Dash-like characters left after NFKC (NFKC already maps full-width and small hyphen-minus to `-`). */
const DASHES = '\\-\\u2010-\\u2015\\u2212\\u2E3A\\u2E3B';

/** Separators a person may put inside a mobile number: whitespace, dashes, dots, parentheses. */
const MOBILE_SEPARATORS = new RegExp(`[\\s${DASHES}.()]`, 'gu');

/** Separators allowed inside resident ID and bank card numbers: whitespace and dashes. */
const NUMBER_SEPARATORS = new RegExp(`[\\s${DASHES}]`, 'gu');

/** A mainland China mobile number: 11 digits, `1`, then `3`–`9`. */
const MOBILE = /^1[3-9]\d{9}$/;

/** Country-code prefixes accepted in front of a mobile number, tried in this order. */
const MOBILE_COUNTRY_PREFIXES = ['+86', '0086', '86'] as const;

/** NFKC (full-width digits, letters and punctuation become ASCII) and invisible characters removed. */
function toHalfWidth(input: string): string {
  return input.normalize('NFKC').replace(INVISIBLE, '');
}

/**
 * The 11-digit form of a mainland China mobile number, or `null` when the input is not one.
 *
 * Accepted spellings: full-width digits (NFKC), spaces, dashes, dots and parentheses anywhere, and a
 * leading `+86`, `0086` or `86` (stripped only when exactly 11 digits remain, so a bare 11-digit
 * number starting with `86` is never mangled). Anything else (letters, other country codes, a
 * leading trunk `0`) gives `null` rather than a guess: a wrong guess would index the value under
 * somebody else's number.
 */
export function normalizeMobile(input: string): string | null {
  const compact = toHalfWidth(input).replace(MOBILE_SEPARATORS, '');
  let national = compact;
  for (const prefix of MOBILE_COUNTRY_PREFIXES) {
    const rest = compact.slice(prefix.length);
    if (compact.startsWith(prefix) && /^\d{11}$/.test(rest)) {
      national = rest;
      break;
    }
  }
  return MOBILE.test(national) ? national : null;
}

/** A phone number reduced to the digits that identify the line. */
export type NormalizedPhone = {
  /** `mobile`: 11 digits. `landline`: area code (with its leading `0`) followed by the local number. */
  kind: 'mobile' | 'landline';
  digits: string;
};

/** An explicit extension marker at the end of a landline: 转 / 分机(号) / ext / x / #, then 1–6 digits. */
const EXTENSION_MARKER = /^(.*?)\s*(?:转|分机号?|ext\.?|x|#)\s*\d{1,6}$/iu;

/** What a landline (without its extension marker) may consist of. */
const LANDLINE_CHARS = new RegExp(`^\\+?[\\d\\s${DASHES}.()]+$`, 'u');

/**
 * The length of the area code (leading `0` included) at the start of normalized landline digits.
 *
 * Follows the mainland numbering plan: `010` and `020`–`029` are three characters, every other area
 * code (`03xx`–`09xx`) is four. Exported so that masking and display split numbers the same way.
 */
export function landlineAreaCodeLength(digits: string): 3 | 4 {
  return /^0[12]/.test(digits) ? 3 : 4;
}

/**
 * Splits the `digits` of a landline returned by {@link normalizePhone} into area code and local
 * number, using {@link landlineAreaCodeLength}. For any other string the split is meaningless (but
 * still deterministic).
 */
export function splitLandline(digits: string): { areaCode: string; number: string } {
  const length = landlineAreaCodeLength(digits);
  return { areaCode: digits.slice(0, length), number: digits.slice(length) };
}

/**
 * Parses a landline into area code + local number digits, dropping the extension.
 *
 * The separators the writer used are kept as digit-position "boundaries" because they are the only
 * way to tell a trailing extension written with a plain dash (`010-12345678-8001`) from the number.
 */
function normalizeLandline(input: string): string | null {
  const text = toHalfWidth(input).trim();
  const marked = EXTENSION_MARKER.exec(text);
  const main = (marked ? (marked[1] ?? '') : text).trim();
  if (!LANDLINE_CHARS.test(main)) return null;

  const groups = main.split(/\D+/u).filter((group) => group.length > 0);
  const all = groups.join('');
  const boundaries: number[] = [];
  let position = 0;
  for (const group of groups) {
    position += group.length;
    boundaries.push(position);
  }

  // Country code: `+86` (the plus must be followed by 86), `0086` or a bare `86`. A domestic
  // landline always starts with 0, so stripping 86/0086 never damages one. Written
  // internationally, the trunk 0 is dropped (`+86 10 …`) or bracketed (`+86 (0)10 …`).
  let countryCodeLength = 0;
  if (main.startsWith('+')) {
    if (!all.startsWith('86')) return null;
    countryCodeLength = 2;
  } else if (all.startsWith('0086')) {
    countryCodeLength = 4;
  } else if (all.startsWith('86')) {
    countryCodeLength = 2;
  }
  let national = all.slice(countryCodeLength);
  let shift = -countryCodeLength;
  if (countryCodeLength > 0 && !national.startsWith('0')) {
    national = `0${national}`;
    shift += 1;
  }
  if (!/^0[1-9]/.test(national)) return null;

  const areaLength = landlineAreaCodeLength(national);
  const isNumberLength = (length: number): boolean => length === 7 || length === 8;

  if (marked) {
    return isNumberLength(national.length - areaLength) ? national : null;
  }
  // Without a marker, the number ends at the end of the text or at a separator; digits after that
  // separator (1–6 of them) are an extension. The earliest such end wins: a separator right after
  // 7 or 8 digits of local number is how people write an extension.
  const ends = [...boundaries.map((b) => b + shift), national.length].filter((b) => b > 0);
  for (const end of ends) {
    const extensionLength = national.length - end;
    if (isNumberLength(end - areaLength) && extensionLength >= 0 && extensionLength <= 6) {
      return national.slice(0, end);
    }
  }
  return null;
}

/**
 * The identifying digits of a mainland phone number, or `null` when it is neither a mobile nor a
 * landline.
 *
 * A mobile is recognized exactly as by {@link normalizeMobile}. Otherwise a landline is accepted: an
 * area code (`0` + 2 or 3 digits, split by the numbering plan, see {@link landlineAreaCodeLength})
 * and a local number of 7 or 8 digits, with or without spaces, dashes, dots, parentheses and a
 * `+86`/`0086` prefix; an extension (after 转, 分机, ext, x, # or a separator) is dropped because it
 * does not identify the customer's line. `digits` is area code + local number, e.g. `01012345678`.
 * Service numbers (400/800/95xxx) and numbers without an area code give `null`.
 */
export function normalizePhone(input: string): NormalizedPhone | null {
  const mobile = normalizeMobile(input);
  if (mobile !== null) return { kind: 'mobile', digits: mobile };
  const landline = normalizeLandline(input);
  return landline === null ? null : { kind: 'landline', digits: landline };
}

/**
 * Separator dots written between the parts of a transliterated name (买买提·艾力). All of them become
 * U+00B7 `·`. This runs before NFKC because NFKC turns the full-width and small full stops into an
 * ASCII `.`, which is not unified in general (it is part of Latin initials such as `J. Smith`).
 */
const NAME_DOT_VARIANTS = /[\u00B7\u0387\u2022\u2027\u2219\u22C5\u2E31\u30FB\uA78F\uFE52\uFF0E\uFF65]/gu;

/** Scripts whose names are written without spaces: Han, kana and Hangul. */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';

/** An ASCII full stop between two CJK characters (spaces allowed), as typed for `·` on a keyboard. */
const CJK_PERIOD = new RegExp(`([${CJK}])\\s*\\.\\s*(?=[${CJK}])`, 'gu');

/** A space between two CJK characters. */
const CJK_SPACE = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, 'gu');

/**
 * A person's name in canonical form but with its letter case kept: what {@link normalizeName}
 * produces before lowercasing, and what masking works on.
 *
 * Steps, in order: middle-dot variants (U+00B7 `·`, U+0387, U+2022 `•`, U+2027 `‧`, U+2219 `∙`,
 * U+22C5 `⋅`, U+2E31 `⸱`, U+30FB `・`, U+FF65 `･`, U+A78F `ꞏ`, U+FF0E `．`, U+FE52 `﹒`) become U+00B7
 * `·`; NFKC (full-width → half-width); invisible characters removed; whitespace runs collapsed to one
 * space and trimmed; an ASCII `.` between two CJK characters becomes `·`; spaces around `·` removed;
 * spaces between two CJK characters removed (`张 三` → `张三`), spaces between Latin words kept.
 */
export function tidyName(input: string): string {
  return input
    .replace(NAME_DOT_VARIANTS, '·')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(CJK_PERIOD, '$1·')
    .replace(/ ?· ?/gu, '·')
    .replace(CJK_SPACE, '');
}

/**
 * The blind-index form of a person's name: {@link tidyName}, then lowercased, so that `张 三`,
 * `张三`, `ＪＯＨＮ  smith` / `John Smith` and `买买提.艾力` / `买买提・艾力` / `买买提·艾力` each
 * index the same. Lowercasing is locale-independent (`String.prototype.toLowerCase`).
 */
export function normalizeName(input: string): string {
  return tidyName(input).toLowerCase();
}

/**
 * Punctuation removed from addresses (after NFKC): commas, full stops, enumeration comma, semicolons,
 * colons, all dashes, round/square/curly/lenticular/tortoise-shell brackets, `#`, straight and curly
 * quotes, and the middle dot.
 */
const ADDRESS_PUNCTUATION = new RegExp(`[,.。、;:${DASHES}()\\[\\]{}【】〔〕#"'“”‘’·]`, 'gu');

/**
 * The blind-index form of a street address, so that the common spellings of one address index the
 * same.
 *
 * Steps, in order: NFKC (full-width → half-width, `（` → `(`, `＃` → `#`); invisible characters and
 * all whitespace removed; `#楼` becomes `栋` (`3#楼` is a common way to write `3号楼`, and removing
 * the `#` alone would turn it into `3楼`, "third floor"); the punctuation listed in
 * `ADDRESS_PUNCTUATION` removed; `号楼` and `幢` become `栋` (`3号楼` = `3幢` = `3栋`); Latin letters
 * lowercased (`A座` = `a座`). `单元`, `室`, `号`, `楼` on its own (a floor) and Chinese numerals are
 * kept as written.
 *
 * The trade-off: dropping punctuation merges `3-2-101` and `32-101` into `32101`. A blind-index
 * collision only yields a candidate that the caller then decrypts and checks, whereas a missed
 * spelling silently loses a match.
 */
export function normalizeAddress(input: string): string {
  return toHalfWidth(input)
    .replace(/\s+/gu, '')
    .replace(/#楼/gu, '栋')
    .replace(ADDRESS_PUNCTUATION, '')
    .replace(/号楼|幢/gu, '栋')
    .toLowerCase();
}

/**
 * The blind-index form of an e-mail address: trimmed and lowercased. Lowercasing the local part is
 * not RFC 5321-correct, but no mainstream mailbox provider distinguishes case, and customers type
 * their addresses in any case.
 */
export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}

/**
 * An 18-character resident ID number in canonical form (NFKC, whitespace and dashes removed, check
 * character `x` uppercased), or `null` when it does not have the shape 17 digits + digit/X.
 * Shape only: use `isValidResidentId` for the GB 11643 check character and birth date.
 */
export function normalizeResidentId(input: string): string | null {
  const compact = toHalfWidth(input).replace(NUMBER_SEPARATORS, '').toUpperCase();
  return /^\d{17}[\dX]$/.test(compact) ? compact : null;
}

/**
 * The digits of a bank card number (NFKC, whitespace and dashes removed), or `null` unless 13–19
 * digits remain. Shape only: use `isPlausibleBankCard` for the Luhn check.
 */
export function normalizeBankCard(input: string): string | null {
  const compact = toHalfWidth(input).replace(NUMBER_SEPARATORS, '');
  return /^\d{13,19}$/.test(compact) ? compact : null;
}
