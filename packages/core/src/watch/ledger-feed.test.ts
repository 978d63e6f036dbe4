import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../ledger/entry';
import { watchEventFromLedger } from './ledger-feed';

const base: LedgerEntry = {
  seq: 7,
  time: new Date('2026-11-11T02:00:00Z'),
  actor: { type: 'staff', id: 'a1', role: 'support_agent' },
  action: 'reveal',
  outcome: 'allowed',
  purpose: 'customer_support',
  reference: 'T1',
  customerIds: ['C1'],
  orderIds: [],
  fields: ['phone'],
  clientAddress: '10.1.2.3',
  requestId: 'r',
};

describe('watchEventFromLedger', () => {
  it.each([
    ['staff reveal', base, { action: 'reveal', count: 1, purpose: 'customer_support', ip: '10.1.2.3' }],
    [
      'break-glass counts as a reveal',
      { ...base, action: 'break_glass' as const },
      { action: 'reveal', purpose: 'break_glass' },
    ],
    [
      'denied view keeps its outcome',
      { ...base, action: 'view' as const, outcome: 'denied' as const },
      { action: 'view', outcome: 'denied' },
    ],
    [
      'export download part',
      {
        ...base,
        action: 'export' as const,
        customerIds: ['C1', 'C2'],
        detail: { stage: 'download', part: 1 },
      },
      { action: 'export', count: 2 },
    ],
  ])('%s', (_name, entry, expected) => {
    expect(watchEventFromLedger(entry)).toMatchObject({
      ...expected,
      actor: 'a1',
      system: 'cordon',
      source: { ledgerSeq: 7 },
    });
  });

  it.each([
    ['a system credential', { ...base, actor: { type: 'apikey', id: 'apikey:x', role: 'service' } }],
    ['ingestion', { ...base, action: 'ingest' as const }],
    [
      'an export request (nothing left yet)',
      { ...base, action: 'export' as const, detail: { stage: 'request' } },
    ],
    ['staff administration', { ...base, action: 'staff_change' as const }],
  ])('ignores %s', (_name, entry) => {
    expect(watchEventFromLedger(entry)).toBeUndefined();
  });
});
