import { describe, expect, it } from 'vitest';
import { canonicalJson, decodeEntry, encodeEntry, entryEncoder, type LedgerEntryInput } from './entry';

const base: LedgerEntryInput = {
  time: new Date('2026-11-29T01:02:03.456Z'),
  actor: { type: 'staff', id: 'staff:alice', role: 'support_agent' },
  action: 'reveal',
  outcome: 'denied',
  errorCode: 'CORDON_ERR_NO_ASSIGNMENT',
  purpose: 'customer_support',
  reference: 'T-9',
  customerIds: ['C2', 'C1'],
  orderIds: [],
  fields: ['phone'],
  clientAddress: '10.0.0.1',
  requestId: 'req-1',
  detail: { results: 0, note: 'a "quoted" \u2028 value' },
};

describe('ledger entry encoding', () => {
  it('is canonical JSON behind a version prefix, with sorted keys and no absent fields', () => {
    const bytes = encodeEntry({
      ...base,
      seq: 7,
      errorCode: undefined,
      detail: undefined,
      purpose: undefined,
    });
    expect(bytes.toString('utf8')).toBe(
      'cordon-ledger-entry/v1\n{"action":"reveal","actor":{"id":"staff:alice","role":"support_agent","type":"staff"},"clientAddress":"10.0.0.1","customerIds":["C2","C1"],"fields":["phone"],"orderIds":[],"outcome":"denied","reference":"T-9","requestId":"req-1","seq":7,"time":"2026-11-29T01:02:03.456Z"}',
    );
  });

  it('round-trips through decodeEntry', () => {
    const entry = { ...base, seq: 42 };
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
  });

  it('pre-encodes before the sequence number is known, byte for byte like encodeEntry', () => {
    const variants: LedgerEntryInput[] = [
      base,
      {
        ...base,
        errorCode: undefined,
        detail: undefined,
        clientAddress: undefined,
        purpose: undefined,
        reference: undefined,
      },
      { ...base, customerIds: [], fields: [], detail: { zeta: 1, alpha: true } },
    ];
    for (const v of variants) {
      for (const seq of [0, 1, 999_999_999]) {
        expect(entryEncoder(v)(seq).equals(encodeEntry({ ...v, seq }))).toBe(true);
      }
    }
  });

  it('sorts keys by code unit and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], B: { d: 2, c: 1 } })).toBe(
      '{"B":{"c":1,"d":2},"a":[true,null,"x"],"b":1}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });
});
