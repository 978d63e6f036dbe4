import { describe, expect, it } from 'vitest';
import {
  COMPOUND_SURNAMES,
  maskAddress,
  maskBankCard,
  maskEmail,
  maskIdNumber,
  maskName,
  maskPhone,
  maskStreet,
} from './masking';
import { residentIdCheckChar } from './pii-validators';

/** Deterministic PRNG (mulberry32) so that generated cases are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function digits(random: () => number, count: number): string {
  return Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
}

/** Asserts that no character of `hidden` that is not also shown in `kept` appears in `masked`. */
function expectNoHiddenCharacter(masked: string, kept: string, hidden: string): void {
  for (const char of Array.from(hidden)) {
    if (!kept.includes(char)) expect(masked).not.toContain(char);
  }
}

describe('maskName', () => {
  it.each([
    // single surnames
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['李四', '李*'],
    ['王小明', '王**'],
    ['陈', '*'],
    ['𠇔三', '𠇔*'],
    ['张 三', '张*'],
    [' 张三丰 ', '张**'],
    ['张San', '张***'],
    // compound surnames from the brief
    ['欧阳锋', '欧阳*'],
    ['司马相如', '司马**'],
    ['诸葛亮', '诸葛*'],
    ['上官婉儿', '上官**'],
    // other compound surnames
    ['欧阳娜娜', '欧阳**'],
    ['东方不败', '东方**'],
    ['令狐冲', '令狐*'],
    ['慕容复', '慕容*'],
    ['皇甫嵩', '皇甫*'],
    ['司徒雷登', '司徒**'],
    ['夏侯惇', '夏侯*'],
    ['尉迟恭', '尉迟*'],
    ['长孙无忌', '长孙**'],
    ['公孙策', '公孙*'],
    ['独孤求败', '独孤**'],
    ['端木蓉', '端木*'],
    ['宇文泰', '宇文*'],
    ['西门庆', '西门*'],
    ['钟离春', '钟离*'],
    ['呼延灼', '呼延*'],
    ['完颜阿骨打', '完颜***'],
    ['纳兰性德', '纳兰**'],
    ['第五伦', '第五*'],
    // a compound surname alone: only the first character shows
    ['欧阳', '欧*'],
    ['司马', '司*'],
    ['诸葛', '诸*'],
    // not compound surnames
    ['吴铭杰', '吴**'],
    ['吴铭', '吴*'],
    ['爱新觉罗', '爱***'],
    ['欧', '*'],
    // transliterated names with a separator dot
    ['买买提·艾力', '买**·**'],
    ['阿卜杜拉·买买提·艾则孜', '阿***·***·***'],
    ['迪丽热巴·迪力木拉提', '迪***·*****'],
    ['买买提・艾力', '买**·**'],
    ['买买提.艾力', '买**·**'],
    ['买买提 • 艾力', '买**·**'],
    ['Jean·Paul', 'J***·****'],
    ['·艾力', '·**'],
    // Latin names
    ['John Smith', 'J*** S****'],
    ['john smith', 'j*** s****'],
    ['  John   Smith  ', 'J*** S****'],
    ['Ｊｏｈｎ Ｓｍｉｔｈ', 'J*** S****'],
    ['Mary-Jane Watson', 'M******** W*****'],
    ['Jean Paul Sartre', 'J*** P*** S*****'],
    ['Li', 'L*'],
    ['A', '*'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (name, expected) => {
    expect(maskName(name)).toBe(expected);
  });

  it('lists every compound surname named in the design brief, and not 吴铭', () => {
    const required =
      '欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 ' +
      '公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 ' +
      '拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 ' +
      '西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 褚师';
    for (const surname of required.split(' ')) {
      expect(COMPOUND_SURNAMES.has(surname)).toBe(true);
      expect(maskName(`${surname}某`)).toBe(`${surname}*`);
      expect(maskName(`${surname}某某`)).toBe(`${surname}**`);
      expect(maskName(surname)).toBe(`${surname.charAt(0)}*`);
    }
    expect(COMPOUND_SURNAMES.has('吴铭')).toBe(false);
    for (const surname of COMPOUND_SURNAMES) expect(Array.from(surname)).toHaveLength(2);
  });

  describe('never reveals hidden characters (generated names)', () => {
    const random = prng(20240611);
    const singleSurnames = Array.from(
      '张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢',
    );
    const compoundSurnames = [...COMPOUND_SURNAMES];
    const givenChars = Array.from(
      '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建文辉玲红鑫宇浩然子涵梓轩欣怡雨泽一诺思远铭',
    );
    const latinLetters = Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');

    it('Chinese names: surname shown, one star per hidden character', () => {
      for (let n = 0; n < 400; n += 1) {
        const compound = random() < 0.4;
        const surname = compound ? pick(random, compoundSurnames) : pick(random, singleSurnames);
        const given = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          pick(random, givenChars),
        ).join('');
        const name = `${surname}${given}`;
        const length = Array.from(name).length;
        const kept = compound && length >= 3 ? surname : (Array.from(name)[0] ?? '');
        const masked = maskName(name);
        expect(masked).toBe(`${kept}${'*'.repeat(length - Array.from(kept).length)}`);
        expectNoHiddenCharacter(masked, kept, name.slice(kept.length));
      }
    });

    it('dotted names: first character and dots shown, everything else starred', () => {
      for (let n = 0; n < 300; n += 1) {
        const segments = Array.from({ length: 2 + Math.floor(random() * 2) }, () =>
          Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(random, givenChars)).join(''),
        );
        const name = segments.join(pick(random, ['·', '・', '•', '.', ' · ']));
        const masked = maskName(name);
        const first = segments[0]?.charAt(0) ?? '';
        const expected = segments
          .map(
            (segment, index) =>
              (index === 0 ? first : '') + '*'.repeat(segment.length - (index === 0 ? 1 : 0)),
          )
          .join('·');
        expect(masked).toBe(expected);
        expectNoHiddenCharacter(masked, first, segments.join('').slice(1));
      }
    });

    it('Latin names: first letter of each word shown', () => {
      for (let n = 0; n < 300; n += 1) {
        const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          Array.from({ length: 2 + Math.floor(random() * 8) }, () => pick(random, latinLetters)).join(''),
        );
        const masked = maskName(words.join(' '));
        expect(masked).toBe(words.map((word) => `${word.charAt(0)}${'*'.repeat(word.length - 1)}`).join(' '));
        const kept = words.map((word) => word.charAt(0)).join('');
        expectNoHiddenCharacter(masked, kept, words.map((word) => word.slice(1)).join(''));
      }
    });
  });
});

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+86 138-1234-5678', '138****5678'],
    ['0086 13812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['１３８１２３４５６７８', '138****5678'],
    ['(+86) 199.8765.4321', '199****4321'],
    ['010-12345678', '010-****5678'],
    ['(0755)1234567', '0755-***4567'],
    ['0755-56781234', '0755-****1234'],
    ['021 6123 4567-8001', '021-****4567'],
    ['021-61234567转8001', '021-****4567'],
    ['+86 10 12345678', '010-****5678'],
    ['+86 (0)755 8888 9999', '0755-****9999'],
    ['1381234567', '**********'],
    ['12012345678', '***********'],
    ['138123456789', '***********'],
    ['abc', '***'],
    ['call me on weekdays please', '***********'],
    ['400-123-4567', '***********'],
    ['', ''],
  ])('%j → %j', (phone, expected) => {
    expect(maskPhone(phone)).toBe(expected);
  });

  it('never reveals the hidden digits of generated mobiles, in any spelling', () => {
    const random = prng(86);
    const spellings: ReadonlyArray<(d: string) => string> = [
      (d) => d,
      (d) => `+86 ${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}`,
      (d) => `0086${d}`,
      (d) => `${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`,
      (d) => d.replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0)),
    ];
    for (let n = 0; n < 500; n += 1) {
      const mobile = `1${pick(random, ['3', '4', '5', '6', '7', '8', '9'])}${digits(random, 9)}`;
      const masked = maskPhone(pick(random, spellings)(mobile));
      expect(masked).toBe(`${mobile.slice(0, 3)}****${mobile.slice(7)}`);
      expect(masked.replace(/\D/g, '')).toBe(`${mobile.slice(0, 3)}${mobile.slice(7)}`);
    }
  });

  it('never reveals the hidden digits or the extension of generated landlines', () => {
    const random = prng(755);
    for (let n = 0; n < 500; n += 1) {
      const areaCode = pick(random, ['010', '021', '029', '0755', '0571', '0991']);
      const number = `${1 + Math.floor(random() * 9)}${digits(random, areaCode.length === 3 ? 7 : 6 + Math.floor(random() * 2))}`;
      const extension = random() < 0.5 ? digits(random, 1 + Math.floor(random() * 4)) : '';
      const spelling = pick(random, [
        `${areaCode}-${number}`,
        `(${areaCode})${number}`,
        `+86 ${areaCode.slice(1)} ${number}`,
        `${areaCode} ${number}`,
      ]);
      const phone =
        extension === '' ? spelling : `${spelling}${pick(random, ['-', '转', ' ext. '])}${extension}`;
      const masked = maskPhone(phone);
      expect(masked).toBe(`${areaCode}-${'*'.repeat(number.length - 4)}${number.slice(-4)}`);
      expect(masked.replace(/\D/g, '')).toBe(`${areaCode}${number.slice(-4)}`);
    }
  });

  it('never echoes an unparseable value', () => {
    const random = prng(404);
    const alphabet = Array.from('abcxyz张三#@!?');
    for (let n = 0; n < 300; n += 1) {
      const value = Array.from({ length: Math.floor(random() * 30) }, () => pick(random, alphabet)).join('');
      expect(maskPhone(value)).toMatch(/^\*{0,11}$/);
    }
  });
});

describe('maskEmail', () => {
  it.each([
    ['zhangsan@example.com', 'z***@example.com'],
    ['a@b.cn', 'a***@b.cn'],
    [' Li.Si@Mail.QQ.com ', 'L***@Mail.QQ.com'],
    ['wang.wu+shop@163.com', 'w***@163.com'],
    ['张三@例子.中国', '张***@例子.中国'],
    ['zhangsan', '***'],
    ['@example.com', '***'],
    ['zhangsan@', '***'],
    ['zhangsan@example', '***'],
    ['zhang@san@example.com', '***'],
    ['zhang san@example.com', '***'],
    ['zhangsan@example..com', '***'],
    ['zhangsan@.example.com', '***'],
    ['zhangsan@example.com.', '***'],
    ['', '***'],
  ])('%j → %j', (email, expected) => {
    expect(maskEmail(email)).toBe(expected);
  });

  it('shows exactly three stars whatever the length of the local part', () => {
    expect(maskEmail('x@example.com')).toBe('x***@example.com');
    expect(maskEmail(`x${'y'.repeat(40)}@example.com`)).toBe('x***@example.com');
  });
});

describe('maskIdNumber', () => {
  it.each([
    ['11010519491231002X', '110105********002X'],
    ['11010519491231002x', '110105********002X'],
    ['110101199003071233', '110101********1233'],
    ['110101199003071234', '110101********1234'],
    ['110105 19491231 002X', '110105********002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '110105********002X'],
    ['110105491231002', '***************'],
    ['11010519491231002Y', '******************'],
    ['abc', '***'],
    ['1101051949123100211234', '******************'],
    ['', ''],
  ])('%j → %j', (id, expected) => {
    expect(maskIdNumber(id)).toBe(expected);
  });

  it('never reveals the birth date of generated IDs', () => {
    const random = prng(11643);
    for (let n = 0; n < 300; n += 1) {
      const year = 1930 + Math.floor(random() * 80);
      const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
      const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
      const first17 = `${pick(random, ['110101', '310115', '440305', '650102'])}${year}${month}${day}${digits(random, 3)}`;
      const id = `${first17}${residentIdCheckChar(first17)}`;
      const masked = maskIdNumber(id);
      expect(masked).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
      expect(masked.slice(6, 14)).toBe('********');
    }
  });
});

describe('maskBankCard', () => {
  it.each([
    ['6222021234567894', '622202******7894'],
    ['6222021234567890128', '622202*********0128'],
    ['6222 0212 3456 7890 128', '622202*********0128'],
    ['6222-0212-3456-7894', '622202******7894'],
    ['4111 1111 1111 1111', '411111******1111'],
    ['378282246310005', '378282*****0005'],
    ['4222222222222', '422222***2222'],
    ['6222021234567890127', '*******************'],
    ['6222021234567895', '****************'],
    ['not a card', '**********'],
    ['62220212345678901281234', '*******************'],
    ['', ''],
  ])('%j → %j', (card, expected) => {
    expect(maskBankCard(card)).toBe(expected);
  });
});

describe('maskStreet and maskAddress', () => {
  it.each([['建国路88号SOHO现代城3栋2单元501室'], ['文三路100号'], ['x'], [''], ['很'.repeat(200)]])(
    'maskStreet(%j) is the constant ****',
    (street) => {
      expect(maskStreet(street)).toBe('****');
    },
  );

  it.each([
    [
      { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路100号' },
      '浙江省杭州市西湖区****',
    ],
    [
      { province: '广东省', city: '深圳市', district: '南山区', street: '科技园南区12栋' },
      '广东省深圳市南山区****',
    ],
    [
      { province: '北京市', city: '北京市', district: '朝阳区', street: '建国路88号' },
      '北京市北京市朝阳区****',
    ],
    [{ province: ' 四川省', city: '成都市 ', district: '武侯区', street: '' }, '四川省成都市武侯区****'],
  ])('maskAddress(%j) → %j', (address, expected) => {
    const masked = maskAddress(address);
    expect(masked).toBe(expected);
    if (address.street !== '') expect(masked).not.toContain(address.street);
  });
});
