import { describe, expect, it } from 'vitest';
import type { LeakedRecord } from './leaked-file';
import { type BlindLookup, MAX_MASKED_ROWS, matchLeakedRecords, OURS_THRESHOLD } from './row-matcher';
import { InMemoryBlindIndex } from './trace-eval';

/**
 * Three customers; 张三 and 李四 share the visible digits of 138****5678, so that masked number alone
 * is two candidates.
 */
function shop(): InMemoryBlindIndex {
  const index = new InMemoryBlindIndex({ knownOnly: false });
  index.add(0, {
    name: '张三',
    phone: '13812345678',
    address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路90号' },
    idNumber: '110105194912310021',
  });
  index.add(1, {
    name: '李四',
    phone: '13899995678',
    address: { province: '广东省', city: '深圳市', district: '南山区', street: '科技园路1号' },
  });
  index.add(2, { name: '王五', phone: '13700001111' });
  return index;
}

const hangzhou = {
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  street: '文三路90号',
  raw: '浙江省杭州市西湖区文三路90号',
};
const masked = (prefix: string, suffix: string) => ({
  prefix,
  suffix,
  hiddenCount: 11 - prefix.length - suffix.length,
});

describe('matchLeakedRecords', () => {
  it.each<
    [string, Omit<LeakedRecord, 'row'>, { confidence: number; customers: string[]; matchedBy: string[] }]
  >([
    [
      'full phone',
      { mobile: '13812345678' },
      { confidence: 0.9, customers: ['C000001'], matchedBy: ['phone'] },
    ],
    [
      'full phone and name',
      { mobile: '13812345678', name: '张三', nameMasked: false },
      { confidence: 0.99, customers: ['C000001'], matchedBy: ['phone', 'name'] },
    ],
    [
      'masked phone corroborated by name',
      { mobileMasked: masked('138', '5678'), name: '张三', nameMasked: false },
      { confidence: 0.9, customers: ['C000001'], matchedBy: ['masked-phone', 'name'] },
    ],
    [
      'masked phone corroborated by address',
      { mobileMasked: masked('138', '5678'), address: hangzhou },
      { confidence: 0.9, customers: ['C000001'], matchedBy: ['masked-phone', 'address'] },
    ],
    [
      'masked phone of two customers, alone: not enumerated, nothing',
      { mobileMasked: masked('138', '5678') },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      'masked phone of one customer, alone: still nothing',
      { mobileMasked: masked('137', '1111') },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      'masked phone with a masked name: the name says nothing',
      { mobileMasked: masked('138', '5678'), name: '张*', nameMasked: true },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      "masked phone with another customer's name: that customer's phone does not fit, nothing",
      { mobileMasked: masked('138', '5678'), name: '王五', nameMasked: false },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      "masked phone with a customer's name and address that it does not fit: ruled out",
      { mobileMasked: masked('138', '0000'), name: '张三', nameMasked: false, address: hangzhou },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      'masked phone with a partial address: the address says nothing',
      {
        mobileMasked: masked('138', '5678'),
        address: { province: '浙江省', city: '杭州市', district: '西湖区', raw: '浙江省杭州市西湖区' },
      },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      'address only: not ours',
      { address: hangzhou },
      { confidence: 0.3, customers: ['C000001'], matchedBy: ['address'] },
    ],
    [
      'name and address',
      { name: '张三', nameMasked: false, address: hangzhou },
      { confidence: 0.8, customers: ['C000001'], matchedBy: ['name', 'address'] },
    ],
    [
      'name only: nothing',
      { name: '张三', nameMasked: false },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      'ID number',
      { idNumber: '110105194912310021' },
      { confidence: 0.9, customers: ['C000001'], matchedBy: ['idNumber'] },
    ],
    [
      'foreign row: a stranger with a full phone and a common name',
      { mobile: '13900001111', name: '李四', nameMasked: false },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
    [
      'foreign row: a stranger with a masked phone nobody has',
      { mobileMasked: masked('139', '0000'), name: '赵六', nameMasked: false },
      { confidence: 0, customers: [], matchedBy: [] },
    ],
  ])('%s', async (_case, fields, expected) => {
    const [match] = await matchLeakedRecords([{ row: 2, ...fields }], shop());
    expect({
      confidence: match?.confidence,
      customers: match?.customers.map((c) => c.id),
      matchedBy: match?.matchedBy,
    }).toEqual(expected);
    const weights = match?.customers.map((c) => c.weight) ?? [];
    if (weights.length > 0) expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('counts a row as ours only when it is confirmed', async () => {
    const records: LeakedRecord[] = [
      { row: 1, mobile: '13812345678' },
      { row: 2, mobileMasked: masked('138', '5678'), name: '李四', nameMasked: false },
      { row: 3, mobileMasked: masked('138', '5678') },
      { row: 4, address: hangzhou },
      { row: 5, mobile: '13900001111' },
    ];
    const matches = await matchLeakedRecords(records, shop());
    expect(matches.filter((m) => m.confidence >= OURS_THRESHOLD).map((m) => m.record.row)).toEqual([1, 2]);
    expect(matches.map((m) => m.record.row)).toEqual([1, 2, 3, 4, 5]);
  });

  /** The shop, counting what the matcher asks of it. */
  function counted() {
    const index = shop();
    const calls = { phoneIndexes: 0, phonesOf: [] as string[][], find: [] as string[] };
    const lookup: BlindLookup = {
      indexFor: (field, value) => {
        if (field === 'phone') calls.phoneIndexes += 1;
        return index.indexFor(field, value);
      },
      find: (field, values) => {
        calls.find.push(field);
        return index.find(field, values);
      },
      phonesOf: (ids) => {
        calls.phonesOf.push([...ids]);
        return index.phonesOf(ids);
      },
    };
    return { lookup, calls };
  }

  it('does not enumerate a masked phone whose row names none of our customers', async () => {
    const { lookup, calls } = counted();
    const matches = await matchLeakedRecords(
      [
        { row: 1, mobileMasked: masked('138', '5678') },
        { row: 2, mobileMasked: masked('138', '5678'), name: '张*', nameMasked: true },
        { row: 3, mobileMasked: masked('138', '5678'), name: '赵六', nameMasked: false },
      ],
      lookup,
    );
    expect(matches.map((m) => m.confidence)).toEqual([0, 0, 0]);
    expect(calls.phoneIndexes).toBe(0);
    expect(calls.phonesOf).toEqual([]);
    expect(calls.find).toEqual(['name']);
  });

  it("compares a masked phone only with the named customers' phones, in one lookup for all rows", async () => {
    const { lookup, calls } = counted();
    const matches = await matchLeakedRecords(
      [
        { row: 1, mobileMasked: masked('138', '5678'), name: '张三', nameMasked: false },
        { row: 2, mobileMasked: masked('138', '5678'), name: '李四', nameMasked: false },
        { row: 3, mobileMasked: masked('138', '5678'), name: '王五', nameMasked: false },
      ],
      lookup,
    );
    expect(matches.map((m) => [m.confidence, m.customers.map((c) => c.id)])).toEqual([
      [0.9, ['C000001']],
      [0.9, ['C000002']],
      [0, []],
    ]);
    expect(calls.phonesOf).toEqual([['C000001', 'C000002', 'C000003']]);
    // 张三 (138-1234-5678) is confirmed at candidate 1234 and 李四 (138-9999-5678) at 9999; 王五's
    // phone fits nothing, so its row goes through all 10^4.
    expect(calls.phoneIndexes).toBe(1235 + 10_000 + 10_000);
  });

  it('keeps every named customer whose phone fits the mask', async () => {
    const index = new InMemoryBlindIndex({ knownOnly: false });
    index.add(0, { name: '王伟', phone: '13812345678' });
    index.add(1, { name: '王伟', phone: '13800005678' });
    index.add(2, { name: '王伟', phone: '13912345678' });
    const [match] = await matchLeakedRecords(
      [{ row: 1, mobileMasked: masked('138', '5678'), name: '王伟', nameMasked: false }],
      index,
    );
    expect(match).toMatchObject({
      confidence: 0.7,
      customers: [
        { id: 'C000001', weight: 0.5 },
        { id: 'C000002', weight: 0.5 },
      ],
      matchedBy: ['masked-phone', 'name'],
    });
  });

  it('matches masked rows beyond the per-file cap as if they had no phone', async () => {
    const { lookup, calls } = counted();
    const rows: LeakedRecord[] = Array.from({ length: MAX_MASKED_ROWS + 1 }, (_, i) => ({
      row: i + 1,
      mobileMasked: masked('1381234567', ''),
      name: '张三',
      nameMasked: false,
      address: hangzhou,
    }));
    const matches = await matchLeakedRecords(rows, lookup);
    expect(matches[0]).toMatchObject({ confidence: 0.9, matchedBy: ['masked-phone', 'name'] });
    expect(matches.at(-1)).toMatchObject({ confidence: 0.8, matchedBy: ['name', 'address'] });
    expect(calls.phonesOf).toHaveLength(1);
  });

  it('does not enumerate a phone with more than five hidden digits', async () => {
    const [match] = await matchLeakedRecords([{ row: 1, mobileMasked: masked('13', '678') }], shop());
    expect(match).toMatchObject({ confidence: 0, customers: [] });
  });
});
