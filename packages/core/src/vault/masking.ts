/**
 * Masked views of customer PII. Masked is the default way every screen, export and API response
 * shows PII in Cordon, so each function states exactly what it reveals and must reveal nothing more:
 * hidden characters are replaced, never shifted or truncated into view, and input that cannot be
 * parsed is starred completely instead of echoed.
 */
import { normalizeBankCard, normalizePhone, normalizeResidentId, splitLandline, tidyName } from './normalize';
import { luhnValid } from './pii-validators';

/**
 * Chinese compound (two-character) surnames, from the compound part of the Hundred Family Surnames
 * (百家姓) plus a few common later ones (完颜, 纳兰).
 *
 * Every entry is a privacy trade-off: when a name of three or more characters starts with one of
 * these pairs, the second character is shown as part of the surname, so for a person with a single
 * surname whose given name happens to start with that character (乐 + 正华 vs 乐正 + 华) one given-name
 * character shows. Only attested surnames are therefore listed, never pairs copied from joke lists:
 * `吴铭` (a pun on 无名, "nameless") is not a surname, and 吴铭杰 must be masked `吴**`.
 */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(
  [
    '欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶',
    '太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良',
    '漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲',
    '公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚',
    '褚师 淳于 东门 归海 完颜 纳兰',
  ]
    .join(' ')
    .split(' '),
);

/** A Han character anywhere in the string: the name is masked by the Chinese rule. */
const HAN = /\p{Script=Han}/u;

/** Separator dot of transliterated names, as produced by `tidyName`. */
const NAME_DOT = '·';

/** `count` stars. */
function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/** One star per character of `value` (code points), at most `cap`: used for input that did not parse. */
function starsFor(value: string, cap: number): string {
  return stars(Math.min(Array.from(value).length, cap));
}

/**
 * A person's name with everything but the family-name initial hidden, one `*` per hidden
 * character.
 *
 * The name is first tidied (NFKC, whitespace, dot variants; see `tidyName`). Then:
 * - empty → empty; a single character → `*`;
 * - containing `·` (transliterated names, 买买提·艾力): the first character is kept, every other
 *   character is starred and the dots are kept: `买**·**`;
 * - containing a Han character: the surname is kept and the rest starred: `张三丰` → `张**`; the
 *   surname is two characters when the name has three or more and starts with one of
 *   {@link COMPOUND_SURNAMES} (`欧阳锋` → `欧阳*`), so a bare `欧阳` shows `欧*`;
 * - otherwise (Latin and other alphabets): each space-separated word keeps its first character:
 *   `John Smith` → `J*** S****`.
 *
 * Character counts are visible (as in the masks customers know from receipts); the characters are
 * not.
 */
export function maskName(name: string): string {
  const tidy = tidyName(name);
  const chars = Array.from(tidy);
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (tidy.includes(NAME_DOT)) {
    return chars.map((char, index) => (char === NAME_DOT ? NAME_DOT : index === 0 ? char : '*')).join('');
  }
  if (HAN.test(tidy)) {
    const surname = chars.slice(0, 2).join('');
    const kept = chars.length >= 3 && COMPOUND_SURNAMES.has(surname) ? 2 : 1;
    return chars.slice(0, kept).join('') + stars(chars.length - kept);
  }
  return tidy
    .split(' ')
    .map((word) => {
      const letters = Array.from(word);
      return (letters[0] ?? '') + stars(letters.length - 1);
    })
    .join(' ');
}

/**
 * A phone number with its subscriber digits hidden.
 *
 * Mobile (any spelling `normalizePhone` accepts): first 3 and last 4 digits, `138****5678`.
 * Landline: area code, a dash, the local number starred except its last 4 digits, one star per
 * hidden digit: `010-****5678`, `0755-***4567`; an extension is dropped. Anything unparseable: one
 * `*` per character, at most 11, so that a malformed value (which may be a mistyped real number or
 * another field pasted into the wrong column) is never echoed.
 */
export function maskPhone(phone: string): string {
  const parsed = normalizePhone(phone);
  if (parsed === null) return starsFor(phone, 11);
  const { digits } = parsed;
  if (parsed.kind === 'mobile') return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  const { areaCode, number } = splitLandline(digits);
  return `${areaCode}-${stars(number.length - 4)}${number.slice(-4)}`;
}

/**
 * An e-mail address with its local part hidden: the first character, exactly three stars (so the
 * length of the local part does not show) and the full domain, `z***@example.com`.
 *
 * The address must have exactly one `@`, a non-empty local part, no whitespace inside, and a domain
 * of at least two non-empty dot-separated labels; anything else gives `***`.
 */
export function maskEmail(email: string): string {
  const value = email.trim();
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@') || /\s/u.test(value)) return '***';
  const domain = value.slice(at + 1);
  if (!/^[^.]+(?:\.[^.]+)+$/u.test(domain)) return '***';
  const first = Array.from(value.slice(0, at))[0] ?? '';
  return `${first}***@${domain}`;
}

/**
 * A resident ID number with the birth date hidden: region code (first 6), 8 stars, last 4
 * (sequence and check character): `110101********1234`.
 *
 * Any value with the 18-character shape is masked this way even if its check character is wrong,
 * so that a mistyped stored ID still displays normally. Anything else: one `*` per character, at
 * most 18 (15-digit first-generation numbers included: their layout differs and is not shown).
 */
export function maskIdNumber(idNumber: string): string {
  const id = normalizeResidentId(idNumber);
  if (id === null) return starsFor(idNumber, 18);
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}

/**
 * A bank card number with its middle hidden: first 6 (issuer BIN) and last 4 digits, one star per
 * hidden digit, separators removed: `622202*********0128` for a 19-digit card (the PCI DSS maximum
 * that may be shown). A value that is not 13–19 digits with a valid Luhn check: one `*` per
 * character, at most 19.
 */
export function maskBankCard(card: string): string {
  const digits = normalizeBankCard(card);
  if (digits === null || !luhnValid(digits)) return starsFor(card, 19);
  return `${digits.slice(0, 6)}${stars(digits.length - 10)}${digits.slice(-4)}`;
}

/**
 * The street part of an address, fully hidden: always `****`, whatever the input (even empty).
 *
 * The street line (road, number, building, unit, room) is what locates a person's door; the
 * province/city/district shown beside it already give the area. Showing any part of it, or even its
 * length, narrows the door down (a 20-character street is a compound with building and room; a
 * 6-character one is a village road), so the output is a constant.
 */
export function maskStreet(_street: string): string {
  return '****';
}

/**
 * An address as shown by default: province, city and district as given (trimmed) and the street
 * hidden by {@link maskStreet}, `浙江省杭州市西湖区****`. The parts are concatenated literally, so a
 * municipality stored as province 北京市 / city 北京市 shows both.
 */
export function maskAddress(address: {
  readonly province: string;
  readonly city: string;
  readonly district: string;
  readonly street: string;
}): string {
  return `${address.province.trim()}${address.city.trim()}${address.district.trim()}${maskStreet(address.street)}`;
}
