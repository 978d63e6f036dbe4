/**
 * Recognizers for Chinese PII in text that Cordon did not write: the cells of a leaked spreadsheet,
 * the lines of a chat paste in which a seller offers "a free sample".
 *
 * They feed leak tracing, where a false positive is worse than a miss: a digit run wrongly read as a
 * phone number could make a list look like the shop's own. So every number must prove itself (the
 * mobile numbering plan, the GB 11643 check character, the Luhn check), digit runs embedded in longer
 * numbers or in letters (order ids, serial numbers) are never cut into pieces, and names are only
 * taken from a name-like column, after a label (收件人：…), or right beside a phone number.
 *
 * Pure and total: no I/O, no clock, never throws; any input gives a (possibly empty) list.
 */
import { COMPOUND_SURNAMES } from '../vault/masking';
import { normalizePhone, tidyName } from '../vault/normalize';
import { isValidResidentId, luhnValid } from '../vault/pii-validators';

/** A full mainland mobile number, 11 ASCII digits. */
export type MobileFinding = { readonly kind: 'mobile'; readonly digits: string };

/**
 * A partially masked mobile number (`138****5678`): the visible leading and trailing digits and how
 * many digits were hidden between them (prefix + hidden + suffix is always 11).
 */
export type MaskedMobileFinding = {
  readonly kind: 'mobile-masked';
  readonly prefix: string;
  readonly suffix: string;
  readonly hiddenCount: number;
};

/** A landline with area code (`01062751234`), as `normalizePhone` gives it; extensions dropped. */
export type LandlineFinding = { readonly kind: 'landline'; readonly digits: string };

/** An 18-character resident ID number that passes the GB 11643 check (check character uppercased). */
export type ResidentIdFinding = { readonly kind: 'id-number'; readonly value: string };

/** A masked resident ID number (`110101********1234`): visible ends and the hidden count (total 18). */
export type MaskedIdFinding = {
  readonly kind: 'id-masked';
  readonly prefix: string;
  readonly suffix: string;
  readonly hiddenCount: number;
};

/** A 16–19 digit card number that passes the Luhn check. */
export type BankCardFinding = { readonly kind: 'bank-card'; readonly digits: string };

/**
 * A personal name as written (tidied by `tidyName`). `masked` when the writer hid part of it (`张*`,
 * `欧阳**`, `张先生`): such a name says little more than a surname.
 */
export type NameFinding = { readonly kind: 'name'; readonly value: string; readonly masked: boolean };

/**
 * A postal address, split best-effort. `province` is the official full name (`广东` → `广东省`);
 * for the four municipalities `city` repeats it (`北京市`/`北京市`, as the vault stores them).
 * `raw` is the address text as found (NFKC-normalized), which is what a blind index is built from.
 */
export type AddressFinding = {
  readonly kind: 'address';
  readonly province?: string;
  readonly city?: string;
  readonly district?: string;
  readonly street?: string;
  readonly raw: string;
};

/** An order number found after a label (订单号：…). Not PII, but it ties a row to an order. */
export type OrderIdFinding = { readonly kind: 'order-id'; readonly value: string };

/** Every number kind {@link findNumbers} can report. */
export type NumberFinding =
  | MobileFinding
  | MaskedMobileFinding
  | LandlineFinding
  | ResidentIdFinding
  | MaskedIdFinding
  | BankCardFinding;

/** Everything the recognizers can report. */
export type RecognizedPii = NumberFinding | NameFinding | AddressFinding | OrderIdFinding;

/** Options for {@link findNumbers}. */
export type FindNumbersOptions = {
  /**
   * The text is known to hold a card number (a 银行卡 column): accept any Luhn-valid 16–19 digit
   * number. Otherwise a card number must also start like a payment card (3, 4, 5, 6 or the 2221–2720
   * range), which keeps Luhn-valid order and tracking numbers (one in ten of them) out.
   */
  readonly cardContext?: boolean;
};

// ---------------------------------------------------------------------------------------------
// Text preparation
// ---------------------------------------------------------------------------------------------

/** Invisible characters used to break up PII so that pattern matchers miss it. */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/gu;

/** Middle-dot variants in transliterated names (as in `tidyName`, minus the full stops). */
const NAME_DOTS = /[\u00B7\u0387\u2022\u2027\u2219\u22C5\u2E31\u30FB\uA78F\uFF65]/gu;

/** Dashes NFKC leaves alone. */
const DASH_VARIANTS = /[\u2010-\u2015\u2212\u2E3A\u2E3B]/gu;

/** Characters used in place of hidden digits or name characters besides `*` (NFKC maps ＊ and ﹡). */
const MASK_VARIANTS = /[\u00D7\u2217\u204E\u2731\u25CF]/gu;

/**
 * The text every recognizer works on: middle dots unified to `·`, NFKC (full-width digits, letters
 * and punctuation become ASCII, so `，` is `,` and `：` is `:`), invisible characters removed, dashes
 * unified to `-` and mask symbols (`×`, `●`, `∗`…) to `*`.
 */
function prepare(text: string): string {
  return text
    .replace(NAME_DOTS, '·')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(DASH_VARIANTS, '-')
    .replace(MASK_VARIANTS, '*');
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isAsciiAlnum(char: string): boolean {
  return (char >= '0' && char <= '9') || (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

/** A character standing for a hidden digit. `x`/`X` count only inside a digit run. */
function isMaskChar(char: string): boolean {
  return char === '*' || char === 'x' || char === 'X';
}

/** Characters people put between digit groups of one number. */
function isNumberSeparator(char: string): boolean {
  return char === ' ' || char === '-' || char === '.' || char === '(' || char === ')';
}

const HAN_CHAR = /^\p{Script=Han}$/u;

function isHan(char: string): boolean {
  return char !== '' && HAN_CHAR.test(char);
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** A finding with its position in the prepared text. */
type Located<T> = { readonly finding: T; readonly start: number; readonly end: number };

type DigitGroup = { readonly text: string; readonly start: number; readonly end: number };

/** A run of digit groups with single separators between them, not glued to letters or digits. */
type NumberToken = { readonly plus: boolean; readonly start: number; readonly groups: readonly DigitGroup[] };

/** At most this many separator characters between two groups of one number (`138 - 1234`). */
const MAX_SEPARATOR_RUN = 3;

/** At most this many groups are joined into one number (a 19-digit card in groups of 4 has 5). */
const MAX_GROUPS_PER_NUMBER = 6;

/**
 * In a number written in several groups, each group has at most this many characters. Writers group
 * numbers as 3-4-4, 4-4-4-4, 6-8-4; a longer group is a number of its own, so two separate numbers
 * written side by side (a phone then an order id) are never joined.
 */
const MAX_GROUP_LENGTH = 8;

/** Splits the text into number tokens. A token glued to an ASCII letter or digit on either side is dropped. */
function scanTokens(text: string): NumberToken[] {
  const tokens: NumberToken[] = [];
  const length = text.length;
  let index = 0;
  while (index < length) {
    const char = text.charAt(index);
    const plus = char === '+' && isDigit(text.charAt(index + 1));
    if (!(isDigit(char) || plus) || (index > 0 && isAsciiAlnum(text.charAt(index - 1)))) {
      index += 1;
      continue;
    }
    const start = index;
    let cursor = plus ? index + 1 : index;
    const groups: DigitGroup[] = [];
    let groupStart = cursor;
    let current = '';
    while (cursor < length) {
      const next = text.charAt(cursor);
      if (isDigit(next) || (isMaskChar(next) && (current !== '' || groups.length > 0))) {
        if (current === '') groupStart = cursor;
        current += next;
        cursor += 1;
        continue;
      }
      if (current !== '' && isNumberSeparator(next)) {
        let after = cursor;
        while (
          after < length &&
          after - cursor < MAX_SEPARATOR_RUN &&
          isNumberSeparator(text.charAt(after))
        ) {
          after += 1;
        }
        const resume = text.charAt(after);
        if (isDigit(resume) || resume === '*') {
          groups.push({ text: current, start: groupStart, end: cursor });
          current = '';
          cursor = after;
          continue;
        }
      }
      break;
    }
    if (current !== '') groups.push({ text: current, start: groupStart, end: cursor });
    // The last group runs straight into a letter or digit: it is part of something longer.
    if (cursor < length && isAsciiAlnum(text.charAt(cursor))) groups.pop();
    if (groups.length > 0) tokens.push({ plus, start, groups });
    // Skip the rest of an alphanumeric run so that its tail is not read as a number of its own.
    while (cursor < length && isAsciiAlnum(text.charAt(cursor))) cursor += 1;
    index = Math.max(cursor, index + 1);
  }
  return tokens;
}

const MOBILE = /^1[3-9]\d{9}$/;
const MASKED_MOBILE = /^(1[3-9]\d+)([*xX]+)(\d{3,})$/;
const RESIDENT_ID_SHAPE = /^\d{17}[\dXx]$/;
const MASKED_ID = /^(\d+)([*xX]+)(\d*[\dXx])$/;

/**
 * Two-digit province codes that begin resident ID numbers (GB/T 2260), plus 81/82/83 used by the
 * residence permits of Hong Kong, Macao and Taiwan residents.
 */
const ID_PROVINCE_CODES: ReadonlySet<string> = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83'.split(
    ' ',
  ),
);

/** Whether a card number starts like a payment card: 3 (JCB, Amex), 4 (Visa), 5 (Mastercard), 6 (UnionPay), 2221–2720. */
function hasCardIssuerPrefix(digits: string): boolean {
  const first = digits.charAt(0);
  if (first >= '3' && first <= '6') return true;
  const four = Number(digits.slice(0, 4));
  return four >= 2221 && four <= 2720;
}

/** The mobile, masked mobile or nothing in 11 national characters. */
function interpretMobile(national: string): MobileFinding | MaskedMobileFinding | null {
  if (MOBILE.test(national)) return { kind: 'mobile', digits: national };
  const masked = MASKED_MOBILE.exec(national);
  if (masked) {
    const prefix = masked[1] ?? '';
    const hidden = masked[2] ?? '';
    const suffix = masked[3] ?? '';
    return { kind: 'mobile-masked', prefix, suffix, hiddenCount: hidden.length };
  }
  return null;
}

/**
 * What one candidate string (digit groups joined, separators removed) is, if anything. `raw` is the
 * same stretch of text with its separators, which landline parsing needs.
 */
function interpretNumber(
  joined: string,
  plus: boolean,
  raw: string,
  options: FindNumbersOptions,
): NumberFinding | null {
  if (plus) {
    // An explicit country code: only +86 numbers are mainland numbers.
    if (!joined.startsWith('86')) return null;
    const national = joined.slice(2);
    if (national.length === 11) {
      const mobile = interpretMobile(national);
      if (mobile) return mobile;
    }
    const phone = /^\d+$/.test(joined) ? normalizePhone(raw) : null;
    return phone?.kind === 'landline' ? { kind: 'landline', digits: phone.digits } : null;
  }
  let national = joined;
  if (joined.length === 15 && joined.startsWith('0086')) national = joined.slice(4);
  else if (joined.length === 13 && joined.startsWith('86')) national = joined.slice(2);
  if (national.length === 11) {
    const mobile = interpretMobile(national);
    if (mobile) return mobile;
  }
  if (joined.length === 18) {
    if (RESIDENT_ID_SHAPE.test(joined)) {
      const id = joined.toUpperCase();
      if (isValidResidentId(id)) return { kind: 'id-number', value: id };
    }
    const masked = MASKED_ID.exec(joined);
    if (masked) {
      const prefix = masked[1] ?? '';
      const hidden = masked[2] ?? '';
      const suffix = (masked[3] ?? '').toUpperCase();
      const regionOk = prefix.length < 2 ? /^[1-8]/.test(prefix) : ID_PROVINCE_CODES.has(prefix.slice(0, 2));
      if (regionOk) return { kind: 'id-masked', prefix, suffix, hiddenCount: hidden.length };
    }
  }
  if (
    /^\d{16,19}$/.test(joined) &&
    luhnValid(joined) &&
    (options.cardContext || hasCardIssuerPrefix(joined))
  ) {
    return { kind: 'bank-card', digits: joined };
  }
  if (/^0\d{9,11}$/.test(joined)) {
    const phone = normalizePhone(raw);
    if (phone?.kind === 'landline') return { kind: 'landline', digits: phone.digits };
  }
  return null;
}

/** Numbers in prepared text, with positions. */
function scanNumbers(text: string, options: FindNumbersOptions): Located<NumberFinding>[] {
  const found: Located<NumberFinding>[] = [];
  for (const token of scanTokens(text)) {
    const { groups } = token;
    let first = 0;
    while (first < groups.length) {
      let matched: Located<NumberFinding> | null = null;
      let matchedLast = first;
      // Longest window first, so that `138 1234 5678` is one mobile rather than nothing.
      for (
        let last = Math.min(groups.length - 1, first + MAX_GROUPS_PER_NUMBER - 1);
        last >= first;
        last -= 1
      ) {
        const window = groups.slice(first, last + 1);
        if (window.length > 1 && window.some((group) => group.text.length > MAX_GROUP_LENGTH)) continue;
        const plus = token.plus && first === 0;
        const startGroup = window[0];
        const endGroup = window[window.length - 1];
        if (!startGroup || !endGroup) continue;
        const start = plus ? token.start : startGroup.start;
        const joined = window.map((group) => group.text).join('');
        const finding = interpretNumber(joined, plus, text.slice(start, endGroup.end), options);
        if (finding) {
          matched = { finding, start, end: endGroup.end };
          matchedLast = last;
          break;
        }
      }
      if (matched) {
        found.push(matched);
        first = matchedLast + 1;
      } else {
        first += 1;
      }
    }
  }
  return found;
}

/**
 * The phone, resident ID and bank card numbers in a piece of text, in order of appearance.
 *
 * Mobiles: 11 digits `1[3-9]…` with spaces, dashes, dots or parentheses anywhere between digit
 * groups, a `+86`/`0086`/`86` prefix, full-width digits; masked forms (`138****5678`, `138xxxx5678`,
 * `138＊＊＊＊5678`) need at least 3 visible leading and 3 trailing digits and 11 characters in all
 * (`1385678` is not a masked mobile). Landlines need an area code (`010-62751234`).
 * ID numbers pass GB 11643; masked ones (`110101********1234`) are 18 characters starting with a
 * province code. Cards: 16–19 digits, Luhn, see {@link FindNumbersOptions.cardContext}.
 *
 * Never cut out of something longer: a digit run glued to letters or other digits
 * (`SN13812345678`, `202611110001234567`) yields nothing, and a group of more than 8 characters is
 * never joined with its neighbours.
 */
export function findNumbers(text: string, options: FindNumbersOptions = {}): NumberFinding[] {
  return scanNumbers(prepare(text), options).map((located) => located.finding);
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/**
 * Common single-character Chinese surnames (the few hundred that cover nearly all of the
 * population). Used only where nothing else says "this is a name": a Han word beside a phone
 * number in free text, or a headerless column whose cells look like names.
 */
export const COMMON_SURNAMES: ReadonlySet<string> = new Set(
  Array.from(
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由',
  ),
);

/**
 * Words that are never a name: labels found next to phone numbers, placeholders found in name
 * columns, and chat words that start with a surname character (谢谢, 明天).
 */
const NOT_A_NAME =
  /电话|手机|号码|联系|地址|姓名|收件|收货|客服|微信|订单|快递|备注|尾号|本人|老板|买家|卖家|客户|顾客|用户|会员|未知|匿名|测试|暂无|无名|不详|合计|总计|小计|谢谢|你好|您好|好的|收到|发货|明天|今天|马上|全部|平安/u;

/** Last characters of place, road and organization names: a Han word ending so is not a person. */
const PLACE_ENDING = /[省市区县镇乡村路街巷弄号楼室店司局厂站]$/u;

/** Polite forms of address that replace a given name (张先生): treated as masked names. */
const HONORIFIC = /^(\p{Script=Han}{1,2})(先生|女士|小姐)$/u;

const HAN_NAME = /^\p{Script=Han}{2,4}$/u;
const HAN_NAME_COMPOUND = /^\p{Script=Han}{5}$/u;
const DOTTED_NAME = /^\p{Script=Han}{1,10}(?:·\p{Script=Han}{1,10})+$/u;
const MASKED_HAN_NAME = /^\p{Script=Han}{1,2}\*{1,3}$|^\p{Script=Han}\*{1,2}\p{Script=Han}$/u;
const MASKED_DOTTED_NAME = /^\p{Script=Han}[\p{Script=Han}*]*(?:·[\p{Script=Han}*]+)+$/u;
const LATIN_NAME = /^[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'.-]*){1,3}$/;

/** How many leading characters of a Han name are its surname: 2 for 欧阳…, 1 for 张…, 0 if unknown. */
function surnameLength(chars: readonly string[]): number {
  const pair = `${chars[0] ?? ''}${chars[1] ?? ''}`;
  if (chars.length >= 3 && COMPOUND_SURNAMES.has(pair)) return 2;
  if (COMMON_SURNAMES.has(chars[0] ?? '')) return 1;
  return 0;
}

/** Tidied text with mask symbols unified to `*`. */
function tidyMasked(cell: string): string {
  return tidyName(cell.replace(MASK_VARIANTS, '*'));
}

/**
 * The name in a cell that is known to hold a name (a 姓名/收件人 column, the text after a 收件人：
 * label), or `null` when the cell does not look like one.
 *
 * Accepted: 2–4 Han characters (5 with a compound surname, 欧阳…), transliterated names with `·`
 * (买买提·艾力), masked forms (`张*`, `欧阳**`, `张*丰`, `买**·**`) and forms of address (`张先生`)
 * as masked, and Latin names of two to four words (`Zhang San`). Placeholders (未知, 匿名, 测试…),
 * labels, place names and anything with digits are refused.
 */
export function recognizeName(cell: string): NameFinding | null {
  const value = tidyMasked(cell);
  if (value === '' || value.length > 40) return null;
  if (DOTTED_NAME.test(value)) return { kind: 'name', value, masked: false };
  if (MASKED_DOTTED_NAME.test(value) && value.includes('*')) return { kind: 'name', value, masked: true };
  if (MASKED_HAN_NAME.test(value)) return { kind: 'name', value, masked: true };
  const honorific = HONORIFIC.exec(value);
  if (honorific) return { kind: 'name', value, masked: true };
  const chars = Array.from(value);
  const isHanName = HAN_NAME.test(value) || (HAN_NAME_COMPOUND.test(value) && surnameLength(chars) === 2);
  if (isHanName) {
    if (NOT_A_NAME.test(value) || PLACE_ENDING.test(value)) return null;
    return { kind: 'name', value, masked: false };
  }
  if (LATIN_NAME.test(value)) return { kind: 'name', value, masked: false };
  return null;
}

/**
 * Whether a word is very probably a Chinese personal name even without a column or label saying so:
 * a {@link recognizeName} name that is transliterated (with `·`), or starts with a known surname
 * (single from {@link COMMON_SURNAMES} or compound). Latin words never qualify here.
 */
export function looksLikePersonName(word: string): boolean {
  const found = recognizeName(word);
  if (!found) return false;
  if (found.value.includes('·')) return true;
  const chars = Array.from(found.value);
  if (!isHan(chars[0] ?? '')) return false;
  return surnameLength(chars) > 0;
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

type Province = { readonly full: string; readonly short: string };

/** Provincial-level divisions, longest short name first so that 黑龙江 and 内蒙古 win over shorter matches. */
const PROVINCES: readonly Province[] = [
  ['北京市', '北京'],
  ['天津市', '天津'],
  ['上海市', '上海'],
  ['重庆市', '重庆'],
  ['河北省', '河北'],
  ['山西省', '山西'],
  ['辽宁省', '辽宁'],
  ['吉林省', '吉林'],
  ['黑龙江省', '黑龙江'],
  ['江苏省', '江苏'],
  ['浙江省', '浙江'],
  ['安徽省', '安徽'],
  ['福建省', '福建'],
  ['江西省', '江西'],
  ['山东省', '山东'],
  ['河南省', '河南'],
  ['湖北省', '湖北'],
  ['湖南省', '湖南'],
  ['广东省', '广东'],
  ['海南省', '海南'],
  ['四川省', '四川'],
  ['贵州省', '贵州'],
  ['云南省', '云南'],
  ['陕西省', '陕西'],
  ['甘肃省', '甘肃'],
  ['青海省', '青海'],
  ['台湾省', '台湾'],
  ['内蒙古自治区', '内蒙古'],
  ['广西壮族自治区', '广西'],
  ['西藏自治区', '西藏'],
  ['宁夏回族自治区', '宁夏'],
  ['新疆维吾尔自治区', '新疆'],
  ['香港特别行政区', '香港'],
  ['澳门特别行政区', '澳门'],
]
  .map(([full, short]) => ({ full: full ?? '', short: short ?? '' }))
  .sort((a, b) => b.short.length - a.short.length);

const MUNICIPALITIES: ReadonlySet<string> = new Set(['北京市', '天津市', '上海市', '重庆市']);

/** Any province name, short or full: the places where an address may start in free text. */
const PROVINCE_SCAN = new RegExp(PROVINCES.map((province) => province.short).join('|'), 'gu');

/** Prefecture level: ends in 市, 自治州, 地区 or 盟. */
const CITY = /^(\p{Script=Han}{1,8}?)(自治州|地区|盟|市)/u;

/** County level: ends in 区, 县, 旗 or 市 (county-level cities). */
const DISTRICT = /^(\p{Script=Han}{1,7}?)(区|县|旗|市)/u;

/** Characters that cannot be inside the name of a city or district (they belong to the street part). */
const NOT_IN_DIVISION = /[省区县路街道号镇乡村巷弄楼室大]/u;

/** A city then a district with no province before them, as an address start in free text. */
const CITY_DISTRICT_SCAN = /(?<!\p{Script=Han})\p{Script=Han}{2,6}?市\s?\p{Script=Han}{1,6}?[区县]/gu;

/** Labels that introduce an address. */
const ADDRESS_LABEL =
  /(?:收货地址|收件地址|送货地址|详细地址|联系地址|地址|住址|(?<![A-Za-z])(?:address|addr))\s*(?:[:=]|是|为)?\s*/giu;

/** Labels that end an address in free text (the next field starts). */
const FIELD_LABEL =
  /^(?:电话|手机|收件人|收货人|姓名|联系人|联系方式|身份证|订单|备注|微信|邮编|tel|phone|name)/iu;

/** Characters that end an address in free text; U+0000 marks a number already taken. */
const ADDRESS_STOP = new Set(['\u0000', ',', ';', '。', '\n', '\r', '\t', '|', '!', '?']);

/** Punctuation trimmed off both ends of a street. */
const STREET_TRIM = /^[\s:,;、()]+|[\s:,;、(]+$/gu;

function skipSpaces(text: string, index: number): number {
  let cursor = index;
  while (text.charAt(cursor) === ' ') cursor += 1;
  return cursor;
}

/** The province written at `index` (full or short, with a stray 省/市), and its length. */
function provinceAt(text: string, index: number): { province: Province; length: number } | null {
  for (const province of PROVINCES) {
    if (text.startsWith(province.full, index)) return { province, length: province.full.length };
  }
  for (const province of PROVINCES) {
    if (text.startsWith(province.short, index)) {
      const after = text.charAt(index + province.short.length);
      const length = province.short.length + (after === '省' || after === '市' ? 1 : 0);
      return { province, length };
    }
  }
  return null;
}

/** A city or district name at `index` that passes {@link NOT_IN_DIVISION}, and its length. */
function divisionAt(text: string, index: number, pattern: RegExp): string | null {
  const match = pattern.exec(text.slice(index, index + 12));
  if (!match) return null;
  const body = match[1] ?? '';
  if (NOT_IN_DIVISION.test(body)) return null;
  return match[0];
}

/** A word that continues a street after a space: it holds a road, building, unit or room marker. */
const STREET_WORD = /[号楼室栋幢单元层座弄巷村组路街道院区镇乡]/u;

/**
 * Where the street part starting at `index` ends in free text: at a delimiter, a taken number, the
 * label of another field, or a space not followed by more street (a word with 号/楼/室/路… that is
 * not a name).
 */
function streetEnd(text: string, index: number): number {
  let cursor = index;
  while (cursor < text.length) {
    const char = text.charAt(cursor);
    if (ADDRESS_STOP.has(char)) break;
    if (cursor > index && FIELD_LABEL.test(text.slice(cursor, cursor + 5))) break;
    if (char === ' ') {
      let wordEnd = cursor + 1;
      while (
        wordEnd < text.length &&
        text.charAt(wordEnd) !== ' ' &&
        !ADDRESS_STOP.has(text.charAt(wordEnd))
      ) {
        wordEnd += 1;
      }
      const word = text.slice(cursor + 1, wordEnd);
      if (word === '' || !STREET_WORD.test(word) || FIELD_LABEL.test(word) || looksLikePersonName(word))
        break;
    }
    cursor += 1;
  }
  return cursor;
}

type ParsedAddress = { readonly finding: AddressFinding; readonly end: number };

/**
 * Parses an address starting at `index`: province, city, district (each optional, spaces allowed
 * between them), then the street. In `cell` mode the street is the rest of the text; in `text` mode
 * it ends as {@link streetEnd} says.
 */
function parseAddressAt(text: string, index: number, mode: 'cell' | 'text'): ParsedAddress | null {
  let cursor = skipSpaces(text, index);
  let province: string | undefined;
  let city: string | undefined;
  let district: string | undefined;
  const provinceMatch = provinceAt(text, cursor);
  if (provinceMatch) {
    province = provinceMatch.province.full;
    cursor = skipSpaces(text, cursor + provinceMatch.length);
    if (MUNICIPALITIES.has(province)) {
      city = province;
      const short = provinceMatch.province.short;
      if (text.startsWith(`${short}市`, cursor)) cursor = skipSpaces(text, cursor + short.length + 1);
    }
  }
  if (city === undefined) {
    const cityName = divisionAt(text, cursor, CITY);
    if (cityName !== null) {
      city = cityName;
      cursor = skipSpaces(text, cursor + cityName.length);
    }
  }
  const districtName = divisionAt(text, cursor, DISTRICT);
  if (districtName !== null) {
    district = districtName;
    cursor = skipSpaces(text, cursor + districtName.length);
  }
  const end = mode === 'cell' ? text.length : streetEnd(text, cursor);
  const street = text.slice(cursor, end).replace(STREET_TRIM, '');
  const raw = text.slice(index, end).replace(STREET_TRIM, '');
  if (raw === '') return null;
  const finding: AddressFinding = {
    kind: 'address',
    ...(province !== undefined ? { province } : {}),
    ...(city !== undefined ? { city } : {}),
    ...(district !== undefined ? { district } : {}),
    ...(street !== '' ? { street } : {}),
    raw,
  };
  return { finding, end };
}

const HAS_HAN = /\p{Script=Han}/u;

/**
 * The address in a cell known to hold one (an 地址/收货地址 column), split best-effort into
 * province, city, district and street; `null` for cells without a Han character or shorter than 4
 * characters (placeholders such as `无`, `-`). A leading `地址：` label is dropped.
 */
export function parseAddress(cell: string): AddressFinding | null {
  let text = prepare(cell).replace(/\s+/gu, ' ').trim();
  const label = new RegExp(`^${ADDRESS_LABEL.source}`, 'iu').exec(text);
  if (label) text = text.slice(label[0].length);
  if (text.length < 4 || !HAS_HAN.test(text)) return null;
  return parseAddressAt(text, 0, 'cell')?.finding ?? null;
}

/**
 * Whether a parsed address names enough of a place to be one without a column or label saying so:
 * a province, or a city and a district.
 */
export function isLikelyAddress(address: AddressFinding): boolean {
  return address.province !== undefined || (address.city !== undefined && address.district !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------------

/** Labels that introduce a name. */
const NAME_LABEL =
  /(?:收件人|收货人|联系人|客户姓名|买家姓名|姓名|名字|(?<![A-Za-z])(?:name|receiver|consignee|recipient))\s*(?:[:=]|是|为)?\s*/giu;

/** Label words that end a name run written without a delimiter (收件人欧阳娜娜电话…). */
const NAME_RUN_CUT = /电话|手机|联系|地址|身份证|订单|收货|收件|邮编|号码|微信|备注|tel|phone/iu;

/** Labels that introduce an order number. */
const ORDER_LABEL =
  /(?:订单编号|订单号|订单|(?<![A-Za-z])order\s*(?:id|no\.?|number)?)\s*(?:[:#=]|是|为)?\s*([A-Za-z0-9][A-Za-z0-9-]{5,39})(?![A-Za-z0-9])/giu;

/** A character that can be part of a name run: Han, the name dot, a mask star. */
function isNameChar(char: string): boolean {
  return char === '·' || char === '*' || isHan(char);
}

/** Replaces text[start, end) with U+0000 so that later recognizers neither read it nor cross it. */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + '\u0000'.repeat(end - start) + text.slice(end);
}

/** Separators allowed between a name and the phone number beside it. */
const NAME_PHONE_GAP = /[\s,:;、/|-]/u;

/** The name run ending just before `index` (separators skipped), or the empty string. */
function nameRunBefore(text: string, index: number): string {
  let cursor = index;
  let gap = 0;
  while (cursor > 0 && gap < 3 && NAME_PHONE_GAP.test(text.charAt(cursor - 1))) {
    cursor -= 1;
    gap += 1;
  }
  let start = cursor;
  while (start > 0 && cursor - start < 8 && isNameChar(text.charAt(start - 1))) start -= 1;
  if (start > 0 && isNameChar(text.charAt(start - 1))) return '';
  return text.slice(start, cursor);
}

/** The name run starting just after `index` (separators skipped), or the empty string. */
function nameRunAfter(text: string, index: number): string {
  let cursor = index;
  let gap = 0;
  while (cursor < text.length && gap < 3 && NAME_PHONE_GAP.test(text.charAt(cursor))) {
    cursor += 1;
    gap += 1;
  }
  let end = cursor;
  while (end < text.length && end - cursor < 8 && isNameChar(text.charAt(end))) end += 1;
  if (end < text.length && isNameChar(text.charAt(end))) return '';
  return text.slice(cursor, end);
}

/** A phone label between a name and its number (张三电话138…), dropped before the name is read. */
const TRAILING_PHONE_LABEL = /(?:联系电话|联系方式|手机号码|电话号码|手机号|电话|手机|号码)$/u;

/** The best name in a run before a phone number: the whole run, else its longest name-like tail. */
function nameFromRunBefore(run: string): NameFinding | null {
  const chars = Array.from(run.replace(TRAILING_PHONE_LABEL, ''));
  for (let start = 0; start <= chars.length - 2; start += 1) {
    const candidate = chars.slice(start).join('');
    if (looksLikePersonName(candidate)) return recognizeName(candidate);
  }
  return null;
}

/** The best name in a run after a phone number: the whole run, else its longest name-like head. */
function nameFromRunAfter(run: string): NameFinding | null {
  const chars = Array.from(run);
  for (let end = chars.length; end >= 2; end -= 1) {
    const candidate = chars.slice(0, end).join('');
    if (looksLikePersonName(candidate)) return recognizeName(candidate);
  }
  return null;
}

/** A cheap test that a text can hold no PII at all (no digit, no Han, no Latin letter, full-width included). */
const MAY_HOLD_PII = /[\p{Nd}\p{Script=Han}A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]/u;

/**
 * Everything recognizable in a line of free text (a chat message, a pasted row, a note column), in
 * this order: numbers ({@link findNumbers}); order numbers after a label; addresses (after an
 * address label, from a province name, or from a `…市…区` pair); names after a label (收件人：…) or,
 * when there is none, directly before or after a mobile or landline number, which must then pass
 * {@link looksLikePersonName}.
 *
 * Each stretch of text is used once: a number taken as a phone is not also read as part of an
 * address, an address is not read as a name.
 */
export function extractFromText(input: string): RecognizedPii[] {
  if (!MAY_HOLD_PII.test(input)) return [];
  const original = prepare(input);
  let text = original;
  const results: RecognizedPii[] = [];
  const hasDigit = /\d/u.test(original);

  const orderSpans: Array<{ start: number; end: number }> = [];
  for (const match of hasDigit ? original.matchAll(ORDER_LABEL) : []) {
    const value = match[1] ?? '';
    const end = (match.index ?? 0) + match[0].length;
    orderSpans.push({ start: end - value.length, end });
    results.push({ kind: 'order-id', value });
  }

  const numbers = (hasDigit ? scanNumbers(original, {}) : []).filter(
    (located) => !orderSpans.some((span) => located.start < span.end && span.start < located.end),
  );
  for (const located of numbers) {
    results.push(located.finding);
    text = blank(text, located.start, located.end);
  }
  for (const span of orderSpans) text = blank(text, span.start, span.end);
  // Addresses and names need Han characters (Latin names are read only from name columns).
  if (!HAS_HAN.test(text)) return results;

  const addresses: Array<Located<AddressFinding>> = [];
  const takeAddress = (start: number, accept: (found: AddressFinding) => boolean): void => {
    if (text.charAt(start) === '\u0000') return;
    const parsed = parseAddressAt(text, start, 'text');
    if (!parsed || !accept(parsed.finding)) return;
    addresses.push({ finding: parsed.finding, start, end: parsed.end });
    text = blank(text, start, parsed.end);
  };
  for (const match of Array.from(text.matchAll(ADDRESS_LABEL))) {
    takeAddress(
      (match.index ?? 0) + match[0].length,
      (found) => HAS_HAN.test(found.raw) && found.raw.length >= 4,
    );
  }
  for (const match of Array.from(text.matchAll(PROVINCE_SCAN))) {
    const start = match.index ?? 0;
    const previous = text.charAt(start - 1);
    const full = provinceAt(text, start);
    const written = text.slice(start, start + (full?.length ?? 0));
    const explicit =
      full !== null && (written === full.province.full || written.length > full.province.short.length);
    if (!explicit && start > 0 && isHan(previous)) continue;
    takeAddress(
      start,
      (found) => found.city !== undefined || found.district !== undefined || (found.street?.length ?? 0) >= 2,
    );
  }
  for (const match of Array.from(text.matchAll(CITY_DISTRICT_SCAN))) {
    takeAddress(match.index ?? 0, (found) => found.city !== undefined && found.district !== undefined);
  }
  for (const located of addresses.sort((a, b) => a.start - b.start)) results.push(located.finding);

  const names: NameFinding[] = [];
  for (const match of Array.from(text.matchAll(NAME_LABEL))) {
    const start = (match.index ?? 0) + match[0].length;
    let end = start;
    while (end < text.length && end - start < 12 && isNameChar(text.charAt(end))) end += 1;
    let run = text.slice(start, end);
    const cut = NAME_RUN_CUT.exec(run);
    if (cut) run = run.slice(0, cut.index);
    const found = recognizeName(run);
    if (found) {
      names.push(found);
      text = blank(text, start, start + run.length);
    }
  }
  if (names.length === 0) {
    for (const located of numbers) {
      const kind = located.finding.kind;
      if (kind !== 'mobile' && kind !== 'mobile-masked' && kind !== 'landline') continue;
      const found =
        nameFromRunBefore(nameRunBefore(text, located.start)) ??
        nameFromRunAfter(nameRunAfter(text, located.end));
      if (found) {
        names.push(found);
        break;
      }
    }
  }
  results.push(...names);
  return results;
}
