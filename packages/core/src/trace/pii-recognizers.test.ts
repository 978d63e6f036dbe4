import { describe, expect, it } from 'vitest';
import {
  extractFromText,
  findNumbers,
  isLikelyAddress,
  looksLikePersonName,
  parseAddress,
  type RecognizedPii,
  recognizeName,
} from './pii-recognizers';

describe('findNumbers: mobile numbers', () => {
  it.each([
    ['13812345678'],
    ['138 1234 5678'],
    ['138-1234-5678'],
    ['138.1234.5678'],
    ['138 - 1234 - 5678'],
    ['(138)1234-5678'],
    ['+86 138 1234 5678'],
    ['+86-138-1234-5678'],
    ['+8613812345678'],
    ['(+86)13812345678'],
    ['0086 138 1234 5678'],
    ['008613812345678'],
    ['8613812345678'],
    ['86-13812345678'],
    ['１３８１２３４５６７８'],
    ['１３８－１２３４－５６７８'],
    ['138\u200B1234\u200B5678'],
    ['电话：13812345678'],
    ['Tel: 13812345678'],
    ['手机13812345678。'],
    ['13812345678 202611110001234567'],
  ])('%s → 13812345678', (text) => {
    expect(findNumbers(text)).toEqual([{ kind: 'mobile', digits: '13812345678' }]);
  });

  it.each([
    ['138****5678', '138', '5678', 4],
    ['138xxxx5678', '138', '5678', 4],
    ['138XXXX5678', '138', '5678', 4],
    ['138＊＊＊＊5678', '138', '5678', 4],
    ['138●●●●5678', '138', '5678', 4],
    ['138××××5678', '138', '5678', 4],
    ['138 **** 5678', '138', '5678', 4],
    ['138-****-5678', '138', '5678', 4],
    ['+86 138****5678', '138', '5678', 4],
    ['138*****678', '138', '678', 5],
    ['1381****678', '1381', '678', 4],
  ])('masked %s → %s…%s, %d hidden', (text, prefix, suffix, hiddenCount) => {
    expect(findNumbers(text)).toEqual([{ kind: 'mobile-masked', prefix, suffix, hiddenCount }]);
  });

  it.each([
    ['1385678', 'seven digits, no mask: not a masked mobile'],
    ['138123456789', '12-digit run'],
    ['1381234567', '10 digits'],
    ['12812345678', 'second digit 2 is not a mobile prefix'],
    ['202611110001234567', 'order id holding a mobile-like run'],
    ['SN13812345678', 'glued to letters in front'],
    ['13812345678abc', 'glued to letters behind'],
    ['A13812345678B', 'inside a serial number'],
    ['1381234****', 'nothing visible at the end'],
    ['138****56', 'too short'],
    ['2026-01-05 13:45', 'date and time'],
    ['192.168.1.100', 'IP address'],
    ['¥138.00', 'price'],
    ['', 'empty'],
    ['+44 20 7946 0958', 'foreign number'],
  ])('%s is not a mobile (%s)', (text) => {
    expect(
      findNumbers(text).filter((found) => found.kind === 'mobile' || found.kind === 'mobile-masked'),
    ).toEqual([]);
  });

  it.each([
    ['010-62751234', '01062751234'],
    ['(010)62751234', '01062751234'],
    ['0755-86001234', '075586001234'],
    ['0755 8600 1234', '075586001234'],
  ])('landline %s → %s, never a mobile', (text, digits) => {
    expect(findNumbers(text)).toEqual([{ kind: 'landline', digits }]);
  });

  it('finds several numbers in one line, each once', () => {
    expect(findNumbers('13812345678 / 139-8765-4321, 11010519491231002X')).toEqual([
      { kind: 'mobile', digits: '13812345678' },
      { kind: 'mobile', digits: '13987654321' },
      { kind: 'id-number', value: '11010519491231002X' },
    ]);
  });
});

describe('findNumbers: resident ID numbers', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X'],
    ['11010519491231002x', '11010519491231002X'],
    ['440305199901010013', '440305199901010013'],
    ['310115198002294567', '310115198002294567'],
    ['身份证：110105 19491231 002X', '11010519491231002X'],
    ['ID 440305199901010013', '440305199901010013'],
  ])('valid %s', (text, value) => {
    expect(findNumbers(text)).toEqual([{ kind: 'id-number', value }]);
  });

  it.each([
    ['110105194912310021', 'wrong check character'],
    ['440305199901010014', 'wrong check character'],
    ['110105194902301234', 'no 30 February'],
    ['11010519491231002', '17 characters'],
  ])('%s is not an ID (%s)', (text) => {
    expect(findNumbers(text).filter((found) => found.kind === 'id-number')).toEqual([]);
  });

  it.each([
    ['110101********1234', '110101', '1234', 8],
    ['1101011990****123X', '1101011990', '123X', 4],
    ['110***********1234', '110', '1234', 11],
    ['身份证 440305********001x', '440305', '001X', 8],
  ])('masked %s → %s…%s', (text, prefix, suffix, hiddenCount) => {
    expect(findNumbers(text)).toEqual([{ kind: 'id-masked', prefix, suffix, hiddenCount }]);
  });

  it('refuses a masked ID with an impossible province code', () => {
    expect(findNumbers('990101********1234')).toEqual([]);
  });
});

describe('findNumbers: bank cards', () => {
  it.each([
    ['6222021234567890128', '6222021234567890128'],
    ['6222 0212 3456 7890 128', '6222021234567890128'],
    ['6217000000000000004', '6217000000000000004'],
    ['4111-1111-1111-1111', '4111111111111111'],
    ['卡号：4111 1111 1111 1111', '4111111111111111'],
  ])('Luhn-valid %s', (text, digits) => {
    expect(findNumbers(text)).toEqual([{ kind: 'bank-card', digits }]);
  });

  it.each([
    ['6222021234567890127', 'Luhn fails'],
    ['4111111111111112', 'Luhn fails'],
    ['411111111111111', '15 digits'],
    ['2026111100012344', 'Luhn-valid but starts like an order number'],
  ])('%s is not a card in free text (%s)', (text) => {
    expect(findNumbers(text)).toEqual([]);
  });

  it('accepts any Luhn-valid 16–19 digits in a card column', () => {
    expect(findNumbers('2026111100012344', { cardContext: true })).toEqual([
      { kind: 'bank-card', digits: '2026111100012344' },
    ]);
    expect(findNumbers('6222021234567890127', { cardContext: true })).toEqual([]);
  });
});

describe('recognizeName (a cell known to hold a name)', () => {
  it.each([
    ['张三', '张三', false],
    ['欧阳娜娜', '欧阳娜娜', false],
    ['司马相如', '司马相如', false],
    ['诸葛亮', '诸葛亮', false],
    ['买买提·艾力', '买买提·艾力', false],
    ['买买提.艾力', '买买提·艾力', false],
    ['买买提・艾力', '买买提·艾力', false],
    [' 张 三 ', '张三', false],
    ['Zhang San', 'Zhang San', false],
    ['张*', '张*', true],
    ['张＊＊', '张**', true],
    ['欧阳**', '欧阳**', true],
    ['张*丰', '张*丰', true],
    ['买**·**', '买**·**', true],
    ['张先生', '张先生', true],
  ])('%s → %s (masked %s)', (cell, value, masked) => {
    expect(recognizeName(cell)).toEqual({ kind: 'name', value, masked });
  });

  it.each([
    ['', 'empty'],
    ['张', 'one character'],
    ['张三丰丰丰', 'five characters without a compound surname'],
    ['未知', 'placeholder'],
    ['测试', 'placeholder'],
    ['收件人', 'label'],
    ['北京市', 'place'],
    ['13812345678', 'digits'],
    ['admin', 'one Latin word'],
    ['张三 13812345678', 'name and phone in one cell'],
  ])('%s is not a name (%s)', (cell) => {
    expect(recognizeName(cell)).toBeNull();
  });
});

describe('looksLikePersonName (no column or label says so)', () => {
  it.each([
    ['张三', true],
    ['欧阳娜娜', true],
    ['买买提·艾力', true],
    ['张*', true],
    ['耳机', false],
    ['科技园', false],
    ['电话', false],
    ['微信', false],
    ['Zhang San', false],
    ['谢谢', false],
    ['明天', false],
  ])('%s → %s', (word, expected) => {
    expect(looksLikePersonName(word)).toBe(expected);
  });
});

describe('parseAddress', () => {
  it.each([
    [
      '北京市海淀区中关村大街27号院3号楼501室',
      { province: '北京市', city: '北京市', district: '海淀区', street: '中关村大街27号院3号楼501室' },
    ],
    [
      '广东省深圳市南山区科技园路1号',
      { province: '广东省', city: '深圳市', district: '南山区', street: '科技园路1号' },
    ],
    [
      '广东深圳市南山区科技园路1号',
      { province: '广东省', city: '深圳市', district: '南山区', street: '科技园路1号' },
    ],
    [
      '上海市浦东新区世纪大道100号',
      { province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道100号' },
    ],
    [
      '北京市北京市朝阳区建国路88号',
      { province: '北京市', city: '北京市', district: '朝阳区', street: '建国路88号' },
    ],
    [
      '内蒙古自治区呼和浩特市新城区新华大街1号',
      { province: '内蒙古自治区', city: '呼和浩特市', district: '新城区', street: '新华大街1号' },
    ],
    [
      '浙江省 杭州市 西湖区 文三路90号',
      { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路90号' },
    ],
    [
      '地址：江苏省苏州市昆山市前进中路1号',
      { province: '江苏省', city: '苏州市', district: '昆山市', street: '前进中路1号' },
    ],
    ['深圳市南山区科技园路1号', { city: '深圳市', district: '南山区', street: '科技园路1号' }],
    ['中关村大街27号院', { street: '中关村大街27号院' }],
  ])('%s', (cell, parts) => {
    const found = parseAddress(cell);
    expect(found).toMatchObject({ kind: 'address', ...parts });
    expect(found?.province).toBe('province' in parts ? parts.province : undefined);
  });

  it.each([['无'], ['-'], ['123'], ['']])('%s is not an address', (cell) => {
    expect(parseAddress(cell)).toBeNull();
  });

  it.each([
    ['广东省深圳市南山区科技园路1号', true],
    ['深圳市南山区科技园路1号', true],
    ['中关村大街27号院', false],
    ['红色耳机一副', false],
  ])('isLikelyAddress(%s) → %s', (cell, expected) => {
    const found = parseAddress(cell);
    expect(found !== null && isLikelyAddress(found)).toBe(expected);
  });
});

describe('extractFromText (chat pastes and free text)', () => {
  const cases: Array<[string, RecognizedPii[]]> = [
    [
      '收件人：欧阳娜娜，电话 139-8765-4321，地址：广东省深圳市南山区科技园路1号',
      [
        { kind: 'mobile', digits: '13987654321' },
        {
          kind: 'address',
          province: '广东省',
          city: '深圳市',
          district: '南山区',
          street: '科技园路1号',
          raw: '广东省深圳市南山区科技园路1号',
        },
        { kind: 'name', value: '欧阳娜娜', masked: false },
      ],
    ],
    [
      '张三 13812345678 北京市海淀区中关村大街27号院3号楼501室',
      [
        { kind: 'mobile', digits: '13812345678' },
        {
          kind: 'address',
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '中关村大街27号院3号楼501室',
          raw: '北京市海淀区中关村大街27号院3号楼501室',
        },
        { kind: 'name', value: '张三', masked: false },
      ],
    ],
    [
      '13812345678 张三 北京市海淀区中关村大街27号 3号楼501室',
      [
        { kind: 'mobile', digits: '13812345678' },
        {
          kind: 'address',
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '中关村大街27号 3号楼501室',
          raw: '北京市海淀区中关村大街27号 3号楼501室',
        },
        { kind: 'name', value: '张三', masked: false },
      ],
    ],
    [
      '北京市海淀区中关村大街27号 张三 13812345678',
      [
        { kind: 'mobile', digits: '13812345678' },
        {
          kind: 'address',
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '中关村大街27号',
          raw: '北京市海淀区中关村大街27号',
        },
        { kind: 'name', value: '张三', masked: false },
      ],
    ],
    [
      '张* 138****5678',
      [
        { kind: 'mobile-masked', prefix: '138', suffix: '5678', hiddenCount: 4 },
        { kind: 'name', value: '张*', masked: true },
      ],
    ],
    [
      '张三电话13812345678',
      [
        { kind: 'mobile', digits: '13812345678' },
        { kind: 'name', value: '张三', masked: false },
      ],
    ],
    [
      '收货人:李四 手机:13700001111 身份证:11010519491231002X 卡号:6222 0212 3456 7890 128',
      [
        { kind: 'mobile', digits: '13700001111' },
        { kind: 'id-number', value: '11010519491231002X' },
        { kind: 'bank-card', digits: '6222021234567890128' },
        { kind: 'name', value: '李四', masked: false },
      ],
    ],
    [
      '买买提·艾力 13987654321 新疆维吾尔自治区乌鲁木齐市天山区解放南路8号',
      [
        { kind: 'mobile', digits: '13987654321' },
        {
          kind: 'address',
          province: '新疆维吾尔自治区',
          city: '乌鲁木齐市',
          district: '天山区',
          street: '解放南路8号',
          raw: '新疆维吾尔自治区乌鲁木齐市天山区解放南路8号',
        },
        { kind: 'name', value: '买买提·艾力', masked: false },
      ],
    ],
    ['订单号：202611110001234567 客户已签收', [{ kind: 'order-id', value: '202611110001234567' }]],
    ['今天天气不错，发货了吗？', []],
    ['我在北京出差，明天回', []],
    ['西湖南路那家店', []],
    ['共 900000 条，500 元打包', []],
    ['', []],
  ];

  it.each(cases)('%s', (text, expected) => {
    expect(extractFromText(text)).toEqual(expected);
  });
});
