import { describe, expect, it } from 'vitest';
import { isAccess, toWatchEvent, watchEventSchema } from './event';

const parse = (v: unknown) => toWatchEvent(watchEventSchema.parse(v), { line: 1 });

describe('toWatchEvent: export steps', () => {
  it('reads an export without a stage as its download', () => {
    expect(
      parse({ ts: '2026-10-01T10:00:00+08:00', actor: 'a1', action: 'export', count: 50 }),
    ).toMatchObject({
      stage: 'download',
      count: 50,
    });
  });

  it('keeps the step, the export id and, on approvals, the requester', () => {
    const e = parse({
      ts: '2026-10-01T10:00:00+08:00',
      actor: 's1',
      action: 'export',
      stage: 'approve',
      export: 'EXP000001',
      requester: 'a1',
      count: 5000,
    });
    expect(e).toMatchObject({ stage: 'approve', exportId: 'EXP000001', requester: 'a1', count: 5000 });
    expect(isAccess(e)).toBe(false);
  });

  it('leaves other actions without export fields', () => {
    const e = parse({ ts: '2026-10-01T10:00:00+08:00', actor: 'a1', action: 'view', customers: ['C1'] });
    expect(e).not.toHaveProperty('stage');
    expect(isAccess(e)).toBe(true);
    expect(isAccess({ action: 'login' })).toBe(false);
    expect(isAccess({ action: 'export', stage: 'request' })).toBe(false);
    expect(isAccess({ action: 'export', stage: 'download' })).toBe(true);
  });

  it('refuses an unknown stage', () => {
    expect(
      watchEventSchema.safeParse({
        ts: '2026-10-01T10:00:00+08:00',
        actor: 'a1',
        action: 'export',
        stage: 'x',
      }).success,
    ).toBe(false);
  });
});
