import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import {
  classifyHeader,
  LEAKED_FILE_MAX_BYTES,
  type LeakedColumnKind,
  type LeakedFileReport,
  readLeakedFile,
  sniffDelimiter,
} from './leaked-file';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Deterministic PRNG (mulberry32). */
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

/** Every PII value used in these tests: none may appear in a problem or skip reason. */
const PII_VALUES = [
  '张三',
  '李四',
  '王五',
  '欧阳娜娜',
  '13812345678',
  '13987654321',
  '13700001111',
  '138 1234 5678',
  '11010519491231002X',
  '110105194912310021',
  '6222021234567890128',
  '中关村大街',
  '科技园路',
];

/** Problems and skip reasons must never carry a value from the file. */
function expectNoPiiInMessages(report: LeakedFileReport): void {
  const messages = JSON.stringify({ problems: report.problems, skipped: report.skipped });
  for (const value of PII_VALUES) expect(messages).not.toContain(value);
}

/** A zip of stored (uncompressed) entries; `declaredSize` lets a test lie about an expanded size. */
function storedZip(entries: Array<{ name: string; data: string; declaredSize?: number }>): Uint8Array {
  const chunks: number[] = [];
  const central: number[] = [];
  const u16 = (target: number[], value: number) => target.push(value & 0xff, (value >>> 8) & 0xff);
  const u32 = (target: number[], value: number) => {
    u16(target, value & 0xffff);
    u16(target, Math.floor(value / 0x10000) & 0xffff);
  };
  for (const entry of entries) {
    const name = Array.from(utf8(entry.name));
    const data = Array.from(utf8(entry.data));
    const offset = chunks.length;
    u32(chunks, 0x04034b50);
    u16(chunks, 20);
    u16(chunks, 0);
    u16(chunks, 0);
    u32(chunks, 0);
    u32(chunks, 0);
    u32(chunks, data.length);
    u32(chunks, data.length);
    u16(chunks, name.length);
    u16(chunks, 0);
    chunks.push(...name, ...data);
    u32(central, 0x02014b50);
    u16(central, 20);
    u16(central, 20);
    u16(central, 0);
    u16(central, 0);
    u32(central, 0);
    u32(central, 0);
    u32(central, data.length);
    u32(central, entry.declaredSize ?? data.length);
    u16(central, name.length);
    u16(central, 0);
    u16(central, 0);
    u16(central, 0);
    u16(central, 0);
    u32(central, 0);
    u32(central, offset);
    central.push(...name);
  }
  const centralOffset = chunks.length;
  const end: number[] = [];
  u32(end, 0x06054b50);
  u16(end, 0);
  u16(end, 0);
  u16(end, entries.length);
  u16(end, entries.length);
  u32(end, central.length);
  u32(end, centralOffset);
  u16(end, 0);
  return new Uint8Array([...chunks, ...central, ...end]);
}

describe('classifyHeader', () => {
  it.each<[string, LeakedColumnKind]>([
    ['姓名', 'name'],
    ['收件人', 'name'],
    ['收货人姓名', 'name'],
    ['Name', 'name'],
    ['receiver_name', 'name'],
    ['手机', 'phone'],
    ['手机号码', 'phone'],
    ['收货人电话', 'phone'],
    ['联系方式', 'phone'],
    ['Phone', 'phone'],
    ['mobile', 'phone'],
    ['Tel', 'phone'],
    ['地址', 'address'],
    ['收货地址', 'address'],
    ['Shipping Address', 'address'],
    ['身份证号', 'id'],
    ['证件号码', 'id'],
    ['ID', 'id'],
    ['银行卡号', 'card'],
    ['Card No.', 'card'],
    ['订单号', 'order'],
    ['order_id', 'order'],
    ['省', 'province'],
    ['省份', 'province'],
    ['市', 'city'],
    ['区', 'district'],
    ['区县', 'district'],
    ['详细地址', 'street'],
    ['邮箱地址', 'other'],
    ['商品名称', 'other'],
    ['product_name', 'other'],
    ['username', 'other'],
    ['customer_id', 'other'],
    ['金额', 'other'],
    ['', 'other'],
  ])('%s → %s', (header, kind) => {
    expect(classifyHeader(header)).toBe(kind);
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n4,5,6', ',', true],
    ['a\tb\tc\n1\t2\t3', '\t', true],
    ['a;b;c\n1;2;3', ';', true],
    ['a|b|c\n1|2|3', '|', true],
    ['"x;y",b,c\n"1;2",2,3', ',', true],
    ['a,b;c;d\n1,2;3;4\n5;6;7', ';', true],
    ['one line, with a comma', ',', false],
    ['hello, world\nno commas here\nor here', ',', false],
  ])('%j → %j (consistent %s)', (text, delimiter, consistent) => {
    expect(sniffDelimiter(text)).toEqual({ delimiter, consistent });
  });

  it('finds nothing in text without delimiters', () => {
    expect(sniffDelimiter('收件人：欧阳娜娜\n电话：139-8765-4321')).toBeNull();
  });
});

describe('readLeakedFile: CSV', () => {
  it.each([
    [',', 'a.csv'],
    [';', 'a.csv'],
    ['|', 'a.txt'],
    ['\t', 'a.tsv'],
  ])('reads delimiter %j with a Chinese header', async (delimiter, name) => {
    const text = [
      ['姓名', '手机', '收货地址', '订单号'],
      ['张三', '138 1234 5678', '北京市海淀区中关村大街27号院3号楼501室', 'E2026111100001'],
      ['李四', '+86 139-8765-4321', '广东省深圳市南山区科技园路1号', 'E2026111100002'],
    ]
      .map((cells) => cells.join(delimiter))
      .join('\r\n');
    const report = await readLeakedFile(utf8(text), name);
    expect(report).toMatchObject({
      kind: 'csv',
      encoding: 'utf-8',
      delimiter,
      headerRow: 1,
      rowsRead: 2,
      rowsWithPii: 2,
      rowsWithoutPii: 0,
      problems: [],
    });
    expect(report.columns?.map((column) => column.kind)).toEqual(['name', 'phone', 'address', 'order']);
    expect(report.records).toEqual([
      {
        row: 2,
        name: '张三',
        nameMasked: false,
        mobile: '13812345678',
        address: {
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '中关村大街27号院3号楼501室',
          raw: '北京市海淀区中关村大街27号院3号楼501室',
        },
        orderId: 'E2026111100001',
      },
      {
        row: 3,
        name: '李四',
        nameMasked: false,
        mobile: '13987654321',
        address: {
          province: '广东省',
          city: '深圳市',
          district: '南山区',
          street: '科技园路1号',
          raw: '广东省深圳市南山区科技园路1号',
        },
        orderId: 'E2026111100002',
      },
    ]);
  });

  it('reads an English header with ID, card, masked phone and quoted fields', async () => {
    const text = [
      'Name,Phone,Address,ID,Card,Order',
      '"Zhang San","138****5678","北京市海淀区中关村大街27号院, 3号楼501室",11010519491231002X,6222 0212 3456 7890 128,E1',
      '欧阳**,13700001111,,110101********1234,,E2',
    ].join('\n');
    const report = await readLeakedFile(utf8(text), 'leak.csv');
    expect(report.records).toEqual([
      {
        row: 2,
        name: 'Zhang San',
        nameMasked: false,
        mobileMasked: { prefix: '138', suffix: '5678', hiddenCount: 4 },
        address: {
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '中关村大街27号院, 3号楼501室',
          raw: '北京市海淀区中关村大街27号院, 3号楼501室',
        },
        idNumber: '11010519491231002X',
        bankCard: '6222021234567890128',
        orderId: 'E1',
      },
      {
        row: 3,
        name: '欧阳**',
        nameMasked: true,
        mobile: '13700001111',
        idMasked: { prefix: '110101', suffix: '1234', hiddenCount: 8 },
        orderId: 'E2',
      },
    ]);
  });

  it('joins separate 省/市/区/详细地址 columns into one address', async () => {
    const text = '收货人,电话,省,市,区,详细地址\n王五,13700001111,浙江,杭州市,西湖区,文三路90号\n';
    const report = await readLeakedFile(utf8(text), 'orders.csv');
    expect(report.records).toEqual([
      {
        row: 2,
        name: '王五',
        nameMasked: false,
        mobile: '13700001111',
        address: {
          province: '浙江省',
          city: '杭州市',
          district: '西湖区',
          street: '文三路90号',
          raw: '浙江杭州市西湖区文三路90号',
        },
      },
    ]);
  });

  it('classifies the columns of a headerless file by content', async () => {
    const text =
      '张三,13812345678,北京市海淀区中关村大街27号\n李四,13987654321,广东省深圳市南山区科技园路1号\n王五,13700001111,浙江省杭州市西湖区文三路90号\n';
    const report = await readLeakedFile(utf8(text), 'sample.txt');
    expect(report.kind).toBe('csv');
    expect(report.headerRow).toBeUndefined();
    expect(report.columns).toEqual([
      { column: 1, kind: 'name', source: 'content' },
      { column: 2, kind: 'other', source: 'none' },
      { column: 3, kind: 'address', source: 'content' },
    ]);
    expect(
      report.records.map((record) => [record.row, record.name, record.mobile, record.address?.district]),
    ).toEqual([
      [1, '张三', '13812345678', '海淀区'],
      [2, '李四', '13987654321', '南山区'],
      [3, '王五', '13700001111', '西湖区'],
    ]);
  });

  it('reads GBK and says so', async () => {
    const text = '收货人,联系方式,收货地址\n王五,139-8765-4321,浙江省杭州市西湖区文三路90号\n';
    const report = await readLeakedFile(iconv.encode(text, 'gbk'), 'gbk.csv');
    expect(report.encoding).toBe('gbk');
    expect(report.problems).toEqual([]);
    expect(report.records).toMatchObject([{ row: 2, name: '王五', mobile: '13987654321' }]);
  });

  it.each([
    [
      'UTF-8 with BOM',
      new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('姓名,手机\n张三,13812345678\n')]),
      'utf-8-bom',
    ],
    [
      'UTF-16LE with BOM (Excel "Unicode text")',
      new Uint8Array([
        0xff,
        0xfe,
        ...new Uint8Array(Buffer.from('姓名\t手机\r\n张三\t13812345678\r\n', 'utf16le')),
      ]),
      'utf-16le',
    ],
  ])('reads %s', async (_label, bytes, encoding) => {
    const report = await readLeakedFile(bytes, 'x.txt');
    expect(report.encoding).toBe(encoding);
    expect(report.records).toEqual([{ row: 2, name: '张三', nameMasked: false, mobile: '13812345678' }]);
  });

  it('reads a file cut off in the middle of a UTF-8 character, with a problem', async () => {
    const bytes = utf8('姓名,手机\n张三,13812345678\n李四');
    const report = await readLeakedFile(bytes.subarray(0, bytes.length - 1), 'cut.csv');
    expect(report.encoding).toBe('utf-8');
    expect(report.records).toMatchObject([{ row: 2, mobile: '13812345678' }]);
    expect(report.problems.join(' ')).toMatch(/cut off/u);
  });

  it('reports rows without PII and a file with no PII columns', async () => {
    const report = await readLeakedFile(
      utf8('product,price,qty\n耳机,199,2\n王老吉,5,10\n数据线,29.9,1\n'),
      'goods.csv',
    );
    expect(report).toMatchObject({
      kind: 'csv',
      rowsRead: 3,
      rowsWithPii: 0,
      rowsWithoutPii: 3,
      skippedTotal: 3,
    });
    expect(report.records).toEqual([]);
    expect(report.skipped[0]).toEqual({ row: 2, reason: 'no phone, ID, bank card, name or address found' });
  });

  it('counts values that fail their check and says why a row gave nothing', async () => {
    const text = '身份证,手机\n110105194912310021,1381234567\n11010519491231002X,\n';
    const report = await readLeakedFile(utf8(text), 'ids.csv');
    expect(report.checks).toEqual({
      phoneInvalid: 1,
      idCheckFailed: 1,
      cardLuhnFailed: 0,
      numbersTooLong: 0,
    });
    expect(report.records).toEqual([{ row: 3, idNumber: '11010519491231002X' }]);
    expect(report.skipped).toEqual([
      { row: 2, reason: 'the phone column holds no valid mobile or landline number' },
    ]);
    expectNoPiiInMessages(report);
  });

  it('reads past a quote that is never closed and reports it', async () => {
    const text = '姓名,手机\n"张三,13812345678\n李四,13987654321\n';
    const report = await readLeakedFile(utf8(text), 'bad.csv');
    expect(report.rowsRead).toBe(2);
    expect(report.records.map((record) => record.mobile)).toEqual(['13812345678', '13987654321']);
    expect(report.problems.join(' ')).toMatch(/never closed \(first at row 2\)/u);
    expectNoPiiInMessages(report);
  });

  it('honours an Excel sep= line', async () => {
    const report = await readLeakedFile(utf8('sep=;\n姓名;手机\n张三;13812345678\n'), 'excel.csv');
    expect(report.delimiter).toBe(';');
    expect(report.records).toEqual([{ row: 3, name: '张三', nameMasked: false, mobile: '13812345678' }]);
  });

  it('stops at maxRows and says so', async () => {
    const lines = [
      '手机',
      ...Array.from({ length: 50 }, (_, index) => `1381234${String(index).padStart(4, '0')}`),
    ];
    const progress: number[] = [];
    const report = await readLeakedFile(utf8(lines.join('\n')), 'many.csv', {
      maxRows: 10,
      onProgress: (rows) => progress.push(rows),
    });
    expect(report).toMatchObject({ rowsRead: 10, truncated: true });
    expect(report.records).toHaveLength(10);
    expect(report.problems.join(' ')).toMatch(/stopped after 10 rows/u);
    expect(progress).toEqual([10]);
  });

  it('parses 100,000 rows (timing printed, not asserted)', async () => {
    const surnames = Array.from('王李张刘陈杨黄赵吴周');
    const given = Array.from('伟芳娜敏静丽强磊军洋');
    const lines = ['订单号,收货人,手机,收货地址,商品,金额'];
    for (let index = 0; index < 100_000; index += 1) {
      const phone = `13${index % 10}${String(10_000_000 + index * 37).slice(-8)}`;
      lines.push(
        `E2026${String(index).padStart(10, '0')},${surnames[index % 10]}${given[(index * 3) % 10]},${phone},广东省深圳市南山区科技园路${index % 300}号${index % 20}栋${index % 900}室,耳机,199.00`,
      );
    }
    const bytes = utf8(lines.join('\n'));
    const progress: number[] = [];
    const started = performance.now();
    const report = await readLeakedFile(bytes, 'big.csv', { onProgress: (rows) => progress.push(rows) });
    const elapsed = performance.now() - started;
    console.log(
      `readLeakedFile: 100,000-row CSV (${(bytes.length / 1024 / 1024).toFixed(1)} MB) in ${elapsed.toFixed(0)} ms`,
    );
    expect(report).toMatchObject({ rowsRead: 100_000, rowsWithPii: 100_000, truncated: false });
    expect(report.records[99_999]).toMatchObject({ row: 100_001, orderId: 'E20260000099999' });
    expect(progress.at(-1)).toBe(100_000);
    expect(progress).toHaveLength(11);
  });
});

describe('readLeakedFile: plain text and chat pastes', () => {
  it('groups consecutive labelled lines into one record and reads one-line records', async () => {
    const text = [
      '卖家 12:01',
      '样本如下，要的私聊',
      '收件人：欧阳娜娜',
      '电话：139-8765-4321',
      '地址：广东省深圳市南山区科技园路1号',
      '',
      '张* 138****5678 上海市浦东新区世纪大道100号',
      '李四 13700001111',
      '买家 12:05',
      '多少钱',
    ].join('\n');
    const report = await readLeakedFile(utf8(text), 'chat.txt');
    expect(report).toMatchObject({
      kind: 'text',
      rowsRead: 9,
      rowsWithPii: 5,
      rowsWithoutPii: 4,
      rowsEmpty: 1,
    });
    expect(report.records).toEqual([
      {
        row: 3,
        name: '欧阳娜娜',
        nameMasked: false,
        mobile: '13987654321',
        address: {
          province: '广东省',
          city: '深圳市',
          district: '南山区',
          street: '科技园路1号',
          raw: '广东省深圳市南山区科技园路1号',
        },
      },
      {
        row: 7,
        name: '张*',
        nameMasked: true,
        mobileMasked: { prefix: '138', suffix: '5678', hiddenCount: 4 },
        address: {
          province: '上海市',
          city: '上海市',
          district: '浦东新区',
          street: '世纪大道100号',
          raw: '上海市浦东新区世纪大道100号',
        },
      },
      { row: 8, name: '李四', nameMasked: false, mobile: '13700001111' },
    ]);
    expectNoPiiInMessages(report);
  });

  it('reads a whitespace-only file as text without rows', async () => {
    const report = await readLeakedFile(utf8('  \n\n\t\n'), 'blank.txt');
    expect(report).toMatchObject({ kind: 'text', rowsRead: 0, records: [] });
    expect(report.problems).toEqual(['The file holds only whitespace.']);
  });
});

describe('readLeakedFile: XLSX', () => {
  async function workbookBytes(): Promise<Uint8Array> {
    const workbook = new ExcelJS.Workbook();
    const customers = workbook.addWorksheet('客户');
    customers.addRow(['客户名单（样本）']);
    customers.mergeCells('A1:D1');
    customers.addRow(['姓名', '联系方式', '', '地址']);
    customers.mergeCells('B2:C2');
    customers.addRow(['张三', 13812345678, '', '北京市海淀区中关村大街27号院3号楼501室']);
    customers.addRow([]);
    customers.addRow(['李四', '139 8765 4321', '', '广东省深圳市南山区科技园路1号']);
    customers.addRow(['王五', { richText: [{ text: '137' }, { text: '0000 1111' }] }, '', '']);
    customers.mergeCells('D5:D6');
    customers.addRow(['合计', '', '', '']);
    const second = workbook.addWorksheet('Sheet2');
    second.addRow(['ID', 'name', 'mobile']);
    second.addRow([
      '11010519491231002X',
      '欧阳娜娜',
      { formula: '"+86 139-8765-4321"', result: '+86 139-8765-4321' },
    ]);
    second.addRow([110105194912310020, '', '']);
    const hidden = workbook.addWorksheet('隐藏');
    hidden.state = 'hidden';
    hidden.addRow(['手机']);
    hidden.addRow(['13700001111']);
    return new Uint8Array(await workbook.xlsx.writeBuffer());
  }

  it('reads every sheet, the header under a merged title, merged cells once, and skips empty rows', async () => {
    const report = await readLeakedFile(await workbookBytes(), 'leak.xlsx');
    expect(report).toMatchObject({ kind: 'xlsx', encoding: null, rowsRead: 8, rowsWithPii: 5, rowsEmpty: 1 });
    expect(
      report.sheets?.map((sheet) => [
        sheet.name,
        sheet.state,
        sheet.headerRow,
        sheet.rowsRead,
        sheet.rowsWithPii,
      ]),
    ).toEqual([
      ['客户', 'visible', 2, 5, 3],
      ['Sheet2', 'visible', 1, 2, 1],
      ['隐藏', 'hidden', 1, 1, 1],
    ]);
    expect(report.sheets?.[0]?.mergedCellsSkipped).toBe(5);
    expect(report.sheets?.[0]?.columns.map((column) => column.kind)).toEqual([
      'name',
      'phone',
      'other',
      'address',
    ]);
    expect(report.records).toEqual([
      {
        row: 3,
        sheet: '客户',
        name: '张三',
        nameMasked: false,
        mobile: '13812345678',
        address: {
          province: '北京市',
          city: '北京市',
          district: '海淀区',
          street: '中关村大街27号院3号楼501室',
          raw: '北京市海淀区中关村大街27号院3号楼501室',
        },
      },
      {
        row: 5,
        sheet: '客户',
        name: '李四',
        nameMasked: false,
        mobile: '13987654321',
        address: {
          province: '广东省',
          city: '深圳市',
          district: '南山区',
          street: '科技园路1号',
          raw: '广东省深圳市南山区科技园路1号',
        },
      },
      // The merged address D5:D6 belongs to row 5 only.
      { row: 6, sheet: '客户', name: '王五', nameMasked: false, mobile: '13700001111' },
      {
        row: 2,
        sheet: 'Sheet2',
        idNumber: '11010519491231002X',
        name: '欧阳娜娜',
        nameMasked: false,
        mobile: '13987654321',
      },
      { row: 2, sheet: '隐藏', mobile: '13700001111' },
    ]);
    expect(report.skipped).toEqual([
      {
        row: 1,
        sheet: '客户',
        reason: 'above the header row (a title or note); no phone, ID, bank card, name or address found',
      },
      { row: 7, sheet: '客户', reason: 'no phone, ID, bank card, name or address found' },
      {
        row: 3,
        sheet: 'Sheet2',
        reason: 'a number has more digits than Excel keeps (15): an ID or card number in it was lost',
      },
    ]);
    expect(report.checks.numbersTooLong).toBe(1);
    expect(report.problems).toEqual([
      '1 number cell(s) have more digits than Excel keeps (15): ID or card numbers typed as numbers lost their last digits and could not be checked.',
    ]);
    expectNoPiiInMessages(report);
  });

  it('reports a truncated workbook instead of throwing', async () => {
    const bytes = await workbookBytes();
    const report = await readLeakedFile(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.xlsx');
    expect(report).toMatchObject({ kind: 'xlsx', rowsRead: 0, records: [] });
    expect(report.problems).toEqual([
      'The XLSX workbook cannot be read: it has no zip directory at its end (the download was probably cut off).',
    ]);
  });

  it('reports a damaged workbook whose zip directory is intact', async () => {
    const zip = storedZip([
      { name: '[Content_Types].xml', data: '<not xml' },
      { name: 'xl/workbook.xml', data: 'garbage' },
    ]);
    const report = await readLeakedFile(zip, 'broken.xlsx');
    expect(report.kind).toBe('xlsx');
    expect(report.problems).toEqual([
      'The workbook could not be opened: it is damaged or not a valid XLSX file.',
    ]);
  });

  it('refuses a workbook that expands too far (zip bomb) before opening it', async () => {
    const zip = storedZip([
      { name: '[Content_Types].xml', data: '' },
      { name: 'xl/workbook.xml', data: '', declaredSize: 0xfffffff0 },
    ]);
    const report = await readLeakedFile(zip, 'bomb.xlsx');
    expect(report.kind).toBe('xlsx');
    expect(report.problems.join(' ')).toMatch(/expands to more than 512 MB/u);
  });

  it('says what a zip that is not a workbook is', async () => {
    const report = await readLeakedFile(
      storedZip([{ name: 'list.csv', data: '张三,13812345678' }]),
      'list.zip',
    );
    expect(report.kind).toBe('unreadable');
    expect(report.problems).toEqual([
      'The file is a zip archive, not an XLSX workbook: unpack it and trace the files inside.',
    ]);
  });
});

describe('readLeakedFile: unreadable input never throws', () => {
  const random = prng(20261111);
  const binary = new Uint8Array(4096).map(() => Math.floor(random() * 256));
  binary[100] = 0;

  it.each<[string, Uint8Array, string, RegExp]>([
    ['empty', new Uint8Array(0), 'empty.csv', /^The file is empty\.$/u],
    ['random bytes with NULs', binary, 'dump.csv', /NUL bytes, so it is binary data/u],
    ['a PDF', utf8('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'list.pdf', /a PDF document/u],
    [
      'a PNG',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
      'shot.png',
      /a PNG image/u,
    ],
    [
      'a legacy .xls',
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(512)]),
      'old.xls',
      /old-format Office file.*save it as \.xlsx or CSV/u,
    ],
    ['a lone zip signature', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'x.xlsx', /cannot be read/u],
    [
      'control characters',
      new Uint8Array(Array.from({ length: 300 }, (_, index) => (index % 3 === 0 ? 1 : 65))),
      'c.txt',
      /control characters/u,
    ],
  ])('%s', async (_label, bytes, name, problem) => {
    const report = await readLeakedFile(bytes, name);
    expect(report.rowsRead).toBe(0);
    expect(report.records).toEqual([]);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(problem);
  });

  it('refuses a file over the hard size limit with the limit in the message', async () => {
    const huge = new Uint8Array(LEAKED_FILE_MAX_BYTES + 1);
    const error = await readLeakedFile(huge, 'huge.csv').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CordonError);
    expect(error).toMatchObject({ code: 'CORDON_ERR_VALIDATION' });
    expect(String((error as CordonError).message)).toMatch(/200 MB/u);
  });
});
