import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../ledger/entry';
import { WATCHED_LEDGER_ACTIONS, watchEventFromLedger } from './ledger-feed';

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

describe('WATCHED_LEDGER_ACTIONS', () => {
  it('includes approvals, so the live watcher reads them', () => {
    expect([...WATCHED_LEDGER_ACTIONS].sort()).toEqual(
      ['approve', 'break_glass', 'export', 'login', 'print', 'reveal', 'search', 'view'].sort(),
    );
  });
});

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
        detail: { stage: 'download', part: 1, export: 'ex_1' },
      },
      { action: 'export', stage: 'download', exportId: 'ex_1', count: 2 },
    ],
    [
      'export request (no customer yet)',
      { ...base, action: 'export' as const, customerIds: [], detail: { stage: 'request', export: 'ex_1' } },
      { action: 'export', stage: 'request', exportId: 'ex_1', count: 0, customers: [] },
    ],
    [
      'export approval by a second person, sized by the customers it fixed',
      {
        ...base,
        action: 'approve' as const,
        customerIds: [],
        detail: { export: 'ex_1', decision: 'approve', customers: 4200, rows: 5000, requester: 'b2' },
      },
      { action: 'export', stage: 'approve', exportId: 'ex_1', requester: 'b2', count: 4200, customers: [] },
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
      'an export request without an export id (refused)',
      { ...base, action: 'export' as const, outcome: 'denied' as const, detail: { stage: 'request' } },
    ],
    [
      'a rejection',
      {
        ...base,
        action: 'approve' as const,
        detail: { export: 'ex_1', decision: 'reject', requester: 'b2' },
      },
    ],
    ['staff administration', { ...base, action: 'staff_change' as const }],
  ])('ignores %s', (_name, entry) => {
    expect(watchEventFromLedger(entry)).toBeUndefined();
  });
});
