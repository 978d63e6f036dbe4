import { describe, expect, it } from 'vitest';
import {
  landlineAreaCodeLength,
  normalizeAddress,
  normalizeBankCard,
  normalizeEmail,
  normalizeMobile,
  normalizeName,
  normalizePhone,
  normalizeResidentId,
  splitLandline,
  tidyName,
} from './normalize';

describe('normalizeMobile', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+86 138-1234-5678', '13812345678'],
    ['+86 13812345678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['86 138 1234 5678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['138.1234.5678', '13812345678'],
    ['(138)1234-5678', '13812345678'],
    ['(+86) 138 1234 5678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['＋８６ １３８－１２３４－５６７８', '13812345678'],
    ['１３８　１２３４　５６７８', '13812345678'],
    ['  13812345678\t', '13812345678'],
    ['138\u200B1234\u200B5678', '13812345678'],
    ['138—1234—5678', '13812345678'],
    ['138–1234–5678', '13812345678'],
    ['19912345678', '19912345678'],
    ['16612345678', '16612345678'],
    ['14512345678', '14512345678'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it.each([
    ['1381234567', '10 digits'],
    ['138123456789', '12 digits'],
    ['12012345678', 'second digit 2'],
    ['11012345678', 'second digit 1'],
    ['23812345678', 'does not start with 1'],
    ['1381234567a', 'letter'],
    ['abc', 'letters only'],
    ['', 'empty'],
    ['+1 138 1234 5678', 'other country code'],
    ['+8513812345678', 'other country code'],
    ['013812345678', 'trunk 0 in front of a mobile'],
    ['+86 1381234567', '10 digits after +86'],
    ['86138123456789', '12 digits after 86'],
    ['86912345678', '11 digits starting 86: nothing is stripped'],
    ['138/1234/5678', 'slash is not a separator'],
    ['138_1234_5678', 'underscore is not a separator'],
    ['+86+8613812345678', 'double country code'],
  ])('%j → null (%s)', (input) => {
    expect(normalizeMobile(input)).toBeNull();
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+86 138-1234-5678', 'mobile', '13812345678'],
    ['0086 13812345678', 'mobile', '13812345678'],
    ['138 1234 5678', 'mobile', '13812345678'],
    ['１３８１２３４５６７８', 'mobile', '13812345678'],
    ['010-12345678', 'landline', '01012345678'],
    ['01012345678', 'landline', '01012345678'],
    ['(010)12345678', 'landline', '01012345678'],
    ['（０１０）１２３４５６７８', 'landline', '01012345678'],
    ['(0755)1234567', 'landline', '07551234567'],
    ['0755-12345678', 'landline', '075512345678'],
    ['0755 1234 5678', 'landline', '075512345678'],
    ['0571.8765.4321', 'landline', '057187654321'],
    ['021 6123 4567-8001', 'landline', '02161234567'],
    ['021-61234567-8001', 'landline', '02161234567'],
    ['021-61234567转8001', 'landline', '02161234567'],
    ['021-61234567 分机 8001', 'landline', '02161234567'],
    ['021-61234567 分机号8001', 'landline', '02161234567'],
    ['021-61234567 ext. 8001', 'landline', '02161234567'],
    ['021-61234567 EXT 8001', 'landline', '02161234567'],
    ['021-61234567x8001', 'landline', '02161234567'],
    ['021-61234567#8001', 'landline', '02161234567'],
    ['0755-12345678-90', 'landline', '075512345678'],
    ['0755-1234567-8', 'landline', '07551234567'],
    ['010-1234567', 'landline', '0101234567'],
    ['+86 21 6123 4567', 'landline', '02161234567'],
    ['+86-755-12345678', 'landline', '075512345678'],
    ['+86 (0)10 1234 5678', 'landline', '01012345678'],
    ['+86 010 12345678', 'landline', '01012345678'],
    ['0086 10 12345678', 'landline', '01012345678'],
    ['86-10-12345678', 'landline', '01012345678'],
    ['0991-1234567', 'landline', '09911234567'],
  ])('%j → %s %s', (input, kind, digits) => {
    expect(normalizePhone(input)).toEqual({ kind, digits });
  });

  it.each([
    ['12345678', 'no area code'],
    ['010-123456', '6-digit local number'],
    ['010-123456789', '9 digits without a separator'],
    ['0755123456789', '13 digits without a separator'],
    ['010-12345678-1234567', '7-digit extension'],
    ['400-123-4567', 'service number'],
    ['95588', 'short number'],
    ['010-1234567a', 'letter'],
    ['abc', 'letters only'],
    ['', 'empty'],
    ['+1 212 555 0100', 'other country code'],
    ['00-12345678', 'area code 00'],
    ['1381234567', '10-digit "mobile"'],
    ['12012345678', 'not a mobile prefix'],
    ['010/12345678', 'slash is not a separator'],
    ['010-12345678转', 'extension marker without digits'],
  ])('%j → null (%s)', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });
});

describe('landlineAreaCodeLength and splitLandline', () => {
  it.each([
    ['01012345678', 3, '010', '12345678'],
    ['02161234567', 3, '021', '61234567'],
    ['02987654321', 3, '029', '87654321'],
    ['075512345678', 4, '0755', '12345678'],
    ['07551234567', 4, '0755', '1234567'],
    ['09911234567', 4, '0991', '1234567'],
  ])('%s → %i: %s + %s', (digits, length, areaCode, number) => {
    expect(landlineAreaCodeLength(digits)).toBe(length);
    expect(splitLandline(digits)).toEqual({ areaCode, number });
  });
});

describe('normalizeName', () => {
  it.each([
    ['张三', '张三'],
    [' 张三 ', '张三'],
    ['张 三', '张三'],
    ['张　三', '张三'],
    ['欧阳 锋', '欧阳锋'],
    ['张三\u200B丰', '张三丰'],
    ['John Smith', 'john smith'],
    ['  John   Smith  ', 'john smith'],
    ['John\tSmith', 'john smith'],
    ['ＪＯＨＮ　ＳＭＩＴＨ', 'john smith'],
    ['J. Smith', 'j. smith'],
    ['张San', '张san'],
    ['张 San', '张 san'],
    ['买买提·艾力', '买买提·艾力'],
    ['买买提\u2022艾力', '买买提·艾力'],
    ['买买提\u30FB艾力', '买买提·艾力'],
    ['买买提\uFF65艾力', '买买提·艾力'],
    ['买买提\uFF0E艾力', '买买提·艾力'],
    ['买买提\u2027艾力', '买买提·艾力'],
    ['买买提\uFE52艾力', '买买提·艾力'],
    ['买买提\u0387艾力', '买买提·艾力'],
    ['买买提\u22C5艾力', '买买提·艾力'],
    ['买买提.艾力', '买买提·艾力'],
    ['买买提 · 艾力', '买买提·艾力'],
    ['买买提 . 艾力', '买买提·艾力'],
    ['阿卜杜拉・买买提・艾则孜', '阿卜杜拉·买买提·艾则孜'],
    ['Jean·Paul', 'jean·paul'],
    ['Jean • Paul', 'jean·paul'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('tidyName keeps the letter case', () => {
    expect(tidyName('  ＪＯＨＮ   Smith ')).toBe('JOHN Smith');
  });

  it.each([
    [['张三', ' 张 三 ', '张　三', '张\u200B三']],
    [['John Smith', 'JOHN SMITH', 'ｊｏｈｎ　ｓｍｉｔｈ', ' john  smith ']],
    [['买买提·艾力', '买买提・艾力', '买买提.艾力', '买买提 • 艾力', '买买提．艾力']],
  ])('spellings of one name share a blind-index form: %j', (spellings) => {
    expect(new Set(spellings.map(normalizeName)).size).toBe(1);
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['北京市朝阳区建国路88号3号楼2单元501室', '北京市朝阳区建国路88号3栋2单元501室'],
    ['北京市朝阳区建国路88号3幢2单元501室', '北京市朝阳区建国路88号3栋2单元501室'],
    ['北京市朝阳区建国路88号3栋2单元501室', '北京市朝阳区建国路88号3栋2单元501室'],
    ['北京市朝阳区建国路88号3#楼2单元501室', '北京市朝阳区建国路88号3栋2单元501室'],
    ['北京市 朝阳区 建国路 88 号 3 号楼 2 单元 501 室', '北京市朝阳区建国路88号3栋2单元501室'],
    ['北京市朝阳区建国路８８号３号楼２单元５０１室', '北京市朝阳区建国路88号3栋2单元501室'],
    ['北京市朝阳区，建国路88号（SOHO现代城）A座-1201室', '北京市朝阳区建国路88号soho现代城a座1201室'],
    ['北京市朝阳区,建国路88号(SOHO现代城)a座1201室。', '北京市朝阳区建国路88号soho现代城a座1201室'],
    ['浙江省杭州市西湖区文三路 100 号、5楼', '浙江省杭州市西湖区文三路100号5楼'],
    ['上海市浦东新区世纪大道100号—3-2-101', '上海市浦东新区世纪大道100号32101'],
    ['广东省深圳市南山区科技园12#', '广东省深圳市南山区科技园12'],
    ['广东省深圳市南山区科技园【南区】', '广东省深圳市南山区科技园南区'],
    ['四川省成都市武侯区\u200B人民南路四段', '四川省成都市武侯区人民南路四段'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe('normalizeEmail', () => {
  it.each([
    [' Zhang.San@Example.COM ', 'zhang.san@example.com'],
    ['lisi@qq.com', 'lisi@qq.com'],
    ['WANGWU@163.COM\n', 'wangwu@163.com'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('normalizeResidentId', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X'],
    [' 11010519491231002x ', '11010519491231002X'],
    ['110105 19491231 002X', '11010519491231002X'],
    ['110105-19491231-002X', '11010519491231002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
    ['110101199003071234', '110101199003071234'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeResidentId(input)).toBe(expected);
  });

  it.each(['1101051949123100', '110105194912310', '11010519491231002Y', '1101051949123100XX', 'abc', ''])(
    '%j → null',
    (input) => {
      expect(normalizeResidentId(input)).toBeNull();
    },
  );
});

describe('normalizeBankCard', () => {
  it.each([
    ['6222021234567890128', '6222021234567890128'],
    ['6222 0212 3456 7890 128', '6222021234567890128'],
    ['6222-0212-3456-7894', '6222021234567894'],
    ['６２２２０２１２３４５６７８９４', '6222021234567894'],
    ['4222222222222', '4222222222222'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeBankCard(input)).toBe(expected);
  });

  it.each(['422222222222', '62220212345678901281', '6222 0212 3456 789a', ''])('%j → null', (input) => {
    expect(normalizeBankCard(input)).toBeNull();
  });
});
