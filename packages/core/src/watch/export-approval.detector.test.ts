import { describe, expect, it } from 'vitest';
import {
  detectExportApproval,
  type ExportApprovalInput,
  exportApprovalFlags,
  exportApprovalLevel,
  usualExportSize,
} from './export-approval.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();
const MIN = 60_000;
const analyst: ExportApprovalInput = {
  at: 0,
  group: 'analyst',
  requester: 'a1',
  approver: 's1',
  exportId: 'EXP1',
  customers: 5000,
  reviewMs: 45 * MIN,
  offShift: false,
  baseline: { own: [4000, 5000, 6000], peer: [2000, 3000, 9000, 4000], mature: true },
  pair: { exports: 2, byApprover: 1 },
};

describe('usualExportSize', () => {
  it('is the own median with three export days, else unknown (peers are no yardstick)', () => {
    expect(usualExportSize(analyst.baseline)).toBe(5000);
    expect(usualExportSize({ own: [100], peer: [2000, 3000, 9000, 4000], mature: true })).toBeNull();
  });
});

describe('detectExportApproval (at approval time, before the download)', () => {
  it.each<[string, Partial<ExportApprovalInput>, string[], number]>([
    ['a usual export reviewed for 45 minutes', {}, [], 0],
    ['approved 3 minutes after the request', { reviewMs: 3 * MIN }, ['rubber_stamp'], 2],
    ['approved 9 minutes after the request', { reviewMs: 9 * MIN }, ['rubber_stamp'], 2],
    ['approved 10 minutes after the request', { reviewMs: 10 * MIN }, [], 0],
    ['a rubber stamp of a tiny export', { reviewMs: MIN, customers: 150 }, [], 0],
    ['a request the watcher never saw', { reviewMs: null }, [], 0],
    ['twice the usual size', { customers: 10_000 }, ['large'], 0],
    ['twice the usual size, off shift', { customers: 10_000, offShift: true }, ['off_shift', 'large'], 1],
    [
      'twice the usual, off shift, always the same approver',
      { customers: 10_000, offShift: true, pair: { exports: 4, byApprover: 4 } },
      ['off_shift', 'large', 'same_approver'],
      2,
    ],
    ['a rubber stamp off shift', { reviewMs: 2 * MIN, offShift: true }, ['rubber_stamp', 'off_shift'], 3],
    [
      'the same approver for three of four exports is a pair',
      { pair: { exports: 4, byApprover: 3 }, offShift: true },
      ['off_shift', 'same_approver'],
      1,
    ],
    ['two of four is not', { pair: { exports: 4, byApprover: 2 }, offShift: true }, ['off_shift'], 0],
    [
      'a first export is not large however it compares with the peers',
      {
        customers: 12_000,
        reviewMs: 4 * MIN,
        baseline: { own: [], peer: [2000, 3000, 9000, 4000], mature: true },
      },
      ['rubber_stamp'],
      2,
    ],
  ])('%s', (_name, patch, flags, level) => {
    const input = { ...analyst, ...patch };
    expect(exportApprovalFlags(input, cfg)).toEqual(flags);
    expect(exportApprovalLevel(flags as never)).toBe(level);
    const f = detectExportApproval(input, cfg);
    if (level === 0) expect(f).toBeNull();
    else
      expect(f?.reason).toMatchObject({
        code: 'export_approval',
        weight: cfg.levelWeights[level - 1],
        detail: { level, flags: flags.join(' '), requester: 'a1', approver: 's1', export: 'EXP1' },
      });
  });

  it('words the finding with ids and counts only', () => {
    const f = detectExportApproval({ ...analyst, reviewMs: 2 * MIN, customers: 12_000 }, cfg);
    expect(f?.reason.message).toBe(
      'Export EXP1 of 12000 customers requested by a1, approved by s1: approved 2 min after the request; usual export day 5000; flags: rubber_stamp, large (level 3).',
    );
  });
});
