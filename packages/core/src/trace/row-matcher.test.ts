import { describe, expect, it } from 'vitest';
import type { LeakedRecord } from './leaked-file';
import { matchLeakedRecords, OURS_THRESHOLD } from './row-matcher';
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
      'masked phone alone, two candidates: not ours',
      { mobileMasked: masked('138', '5678') },
      { confidence: 0.2, customers: ['C000001', 'C000002'], matchedBy: ['masked-phone'] },
    ],
    [
      'masked phone alone, one candidate: still not ours',
      { mobileMasked: masked('137', '1111') },
      { confidence: 0.45, customers: ['C000003'], matchedBy: ['masked-phone'] },
    ],
    [
      'masked phone with a masked name: the name says nothing',
      { mobileMasked: masked('138', '5678'), name: '张*', nameMasked: true },
      { confidence: 0.2, customers: ['C000001', 'C000002'], matchedBy: ['masked-phone'] },
    ],
    [
      "masked phone with another customer's name: not corroborated",
      { mobileMasked: masked('138', '5678'), name: '王五', nameMasked: false },
      { confidence: 0.2, customers: ['C000001', 'C000002'], matchedBy: ['masked-phone'] },
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

  it('does not enumerate a phone with more than five hidden digits', async () => {
    const [match] = await matchLeakedRecords([{ row: 1, mobileMasked: masked('13', '678') }], shop());
    expect(match).toMatchObject({ confidence: 0, customers: [] });
  });
});
