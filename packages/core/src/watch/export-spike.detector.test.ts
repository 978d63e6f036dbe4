import { describe, expect, it } from 'vitest';
import { detectExportSpike, type ExportBaseline, exportThresholds } from './export-spike.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();
const never: ExportBaseline = { own: [], peer: [], mature: true };
const coldStart: ExportBaseline = { own: [], peer: [], mature: false };
/** An analyst with one export day of their own and one of a peer's (a short run, a small team). */
const briefAnalyst: ExportBaseline = { own: [700], peer: [1000], mature: true };
const analyst: ExportBaseline = {
  own: [500, 800, 600, 700],
  peer: [650, 700, 800, 500, 900, 600, 750],
  mature: true,
};

describe('exportThresholds', () => {
  it('uses 200, 1,000 and 5,000 customers with no export history', () => {
    expect(exportThresholds(never, cfg)).toEqual([200, 1000, 5000]);
  });
  it('judges nothing at a cold start', () => {
    expect(exportThresholds(coldStart, cfg)).toBeNull();
  });
  it('takes the largest of one or two export days with a wide spread, never below the no-history levels', () => {
    expect(exportThresholds(briefAnalyst, cfg)).toEqual([3500, 5000, 8000]);
    expect(exportThresholds({ own: [], peer: [60], mature: true }, cfg)).toEqual([260, 1000, 5000]);
    expect(exportThresholds({ own: [700], peer: [], mature: false }, cfg)).toBeNull();
  });
  it('scales with the export days otherwise', () => {
    const [l1, l2, l3] = exportThresholds(analyst, cfg) ?? [0, 0, 0];
    expect(l1).toBeGreaterThan(1000);
    expect(l2).toBeGreaterThan(l1);
    expect(l3).toBeGreaterThan(l2);
  });
});

describe('detectExportSpike (export days only, own or peer)', () => {
  it.each<[string, number, ExportBaseline, number | null]>([
    ['a support agent’s small export', 50, never, null],
    ['a support agent exporting 300 customers', 300, never, 1],
    ['a support agent exporting 6,000', 6000, never, 3],
    ['anything at a cold start', 60_000, coldStart, null],
    ['an analyst’s usual report', 900, analyst, null],
    ['an analyst’s report twice the usual', 1400, analyst, null],
    ['an analyst exporting 1,500', 1500, analyst, 1],
    ['an analyst exporting 2,000', 2000, analyst, 2],
    ['an analyst exporting 3,000', 3000, analyst, 3],
    ['an analyst exporting 100,000', 100_000, analyst, 3],
    ['a month-end report 2.6× the one export day seen so far', 1820, { ...briefAnalyst, peer: [] }, null],
    ['a month-end report 3× the one export day of a peer', 3000, { ...briefAnalyst, own: [] }, null],
    ['an analyst with two export days exporting 6,000', 6000, briefAnalyst, 2],
    ['an analyst with two export days exporting 20,000', 20_000, briefAnalyst, 3],
    [
      'a support agent whose peer once exported 60 customers, exporting 1,200',
      1200,
      { own: [], peer: [60], mature: true },
      2,
    ],
    [
      'a slow ramp has dragged the own baseline along, the peers’ still holds',
      3000,
      { ...analyst, own: [1500, 2000, 2600] },
      2,
    ],
  ])('%s', (_name, exported, baseline, level) => {
    const f = detectExportSpike({ at: 0, group: 'g', exported, exports: 1, baseline }, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else expect(f?.reason).toMatchObject({ code: 'export_spike', detail: { level, exported } });
  });
});
