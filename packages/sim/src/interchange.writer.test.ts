import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_CSV_COLUMNS,
  csvColumns,
  csvField,
  csvLines,
  flattenRecord,
  ndjsonLines,
  ORDER_CSV_COLUMNS,
  toCsv,
  toNdjson,
} from './interchange.writer';
import { generateShop } from './shop.generator';

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes, CR and LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  for (; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') {
      if (field !== '') throw new Error(`stray quote at ${i}`);
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text.charAt(i + 1) === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The inverse of the writer for interchange records: dotted columns nest, `items` is JSON, `total` a number. */
function unflatten(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  header.forEach((column, index) => {
    const raw = cells[index] ?? '';
    if (raw === '') return;
    const value: unknown = column === 'items' ? JSON.parse(raw) : column === 'total' ? Number(raw) : raw;
    const path = column.split('.');
    let target = out;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (typeof next === 'object' && next !== null) target = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = {};
        target[key] = created;
        target = created;
      }
    }
    target[path[path.length - 1] ?? ''] = value;
  });
  return out;
}

const TRICKY = [
  'plain',
  'with, comma',
  'with "quotes"',
  'line\nbreak',
  'carriage\r\nreturn',
  ' leading space',
  'trailing space ',
  '"',
  '',
  '张三,李四',
  '+86 138-1234-5678',
  '=1+1',
];

describe('csvField', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(' x')).toBe('" x"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(false)).toBe('false');
    expect(csvField(undefined)).toBe('');
  });

  it('round-trips tricky values through a strict RFC 4180 reader', () => {
    const records = TRICKY.map((value, index) => ({ id: `R${index}`, value, nested: { value } }));
    const text = toCsv(records);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['id', 'value', 'nested.value']);
    expect(rows).toHaveLength(TRICKY.length);
    rows.forEach((row, index) => {
      expect(row).toEqual([`R${index}`, TRICKY[index], TRICKY[index]]);
    });
  });
});

describe('flattenRecord and csvColumns', () => {
  it('flattens nested objects with dots, arrays to JSON, and drops undefined and null', () => {
    const cells = flattenRecord({
      id: 'O1',
      receiver: { name: '张三', address: { city: '北京市' } },
      items: [{ sku: 'A', qty: 1 }],
      gone: undefined,
      empty: null,
      total: 9.9,
    });
    expect([...cells]).toEqual([
      ['id', 'O1'],
      ['receiver.name', '张三'],
      ['receiver.address.city', '北京市'],
      ['items', '[{"sku":"A","qty":1}]'],
      ['total', 9.9],
    ]);
  });

  it('merges optional columns where they belong', () => {
    expect(
      csvColumns([
        { id: '1', name: 'a', phone: 'p', createdAt: 't' },
        { id: '2', name: 'b', phone: 'p', idNumber: 'x', createdAt: 't' },
        { id: '3', name: 'c', phone: 'p', email: 'e', idNumber: 'x', createdAt: 't' },
      ]),
    ).toEqual(['id', 'name', 'phone', 'email', 'idNumber', 'createdAt']);
  });
});

describe('CSV and NDJSON of a generated shop', () => {
  const shop = generateShop({ customers: 300, seed: 'writer', messyFormats: true });

  it('round-trips orders through CSV: dotted receiver columns and a JSON items column', () => {
    const text = toCsv(shop.orders, { columns: ORDER_CSV_COLUMNS });
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(ORDER_CSV_COLUMNS);
    expect(rows.map((row) => unflatten(ORDER_CSV_COLUMNS, row))).toEqual(shop.orders);
  });

  it('round-trips customers through CSV with the default (derived) columns', () => {
    const [header = [], ...rows] = parseCsv(toCsv(shop.customers));
    expect(header).toEqual(CUSTOMER_CSV_COLUMNS);
    expect(rows.map((row) => unflatten(header, row))).toEqual(shop.customers);
  });

  it('streams CSV lines (with an optional BOM) and refuses a column missing from the header', () => {
    const lines = [...csvLines(shop.customers, { columns: CUSTOMER_CSV_COLUMNS, bom: true })];
    expect(lines).toHaveLength(shop.customers.length + 1);
    expect(lines[0]?.startsWith('\uFEFFid,name,phone')).toBe(true);
    for (const line of lines) expect(line.endsWith('\r\n')).toBe(true);
    expect(() => [...csvLines(shop.orders, { columns: ['id'] })]).toThrow(/not in the header/);
  });

  it('writes NDJSON that parses back line by line', () => {
    const text = toNdjson(shop.orders);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(shop.orders);
    expect([...ndjsonLines([{ note: 'a\nb' }])]).toEqual(['{"note":"a\\nb"}\n']);
    expect(toNdjson([])).toBe('');
  });
});
