import { describe, expect, it } from 'vitest';
import { detectQuotaHugging, hugsQuota, revealQuotaOf } from './quota-hugging.detector';
import { agent } from './synthetic-office.fixture';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();

describe('revealQuotaOf and hugsQuota', () => {
  it.each<[string, Parameters<typeof revealQuotaOf>[0], number | null]>([
    ['support agent default', agent('a'), 40],
    ['support lead default', agent('a', { role: 'support_lead' }), 60],
    ['courier default', agent('a', { role: 'courier' }), 150],
    ['dpo default', agent('a', { role: 'dpo' }), 100],
    ['a per-person override wins', agent('a', { revealQuota: 60 }), 60],
    ['a role without a quota', agent('a', { role: 'analyst' }), null],
    ['unknown person', undefined, null],
  ])('%s', (_name, staff, expected) => {
    expect(revealQuotaOf(staff, cfg)).toBe(expected);
  });

  it.each<[number, number, boolean]>([
    [33, 40, false],
    [34, 40, true],
    [40, 40, true],
    [5, 0, false],
  ])('%d of %d hugs: %s', (revealed, cap, expected) => {
    expect(hugsQuota(revealed, cap, cfg)).toBe(expected);
  });
});

describe('detectQuotaHugging (hugging days in the last 7 against the peers’ hugging rate)', () => {
  const peersCalm = Array.from({ length: 10 }, () => 0);
  const peersBusy = Array.from({ length: 10 }, () => 0.6);
  it.each<[string, number[], number[], number | null]>([
    ['an ordinary week', [20, 25, 18, 30, 22, 27, 19], peersCalm, null],
    ['two busy days are not a pattern', [38, 39, 18, 30, 22, 27, 19], peersCalm, null],
    ['just under the cap every day', [38, 39, 39, 40, 38, 39, 39], peersCalm, 2],
    ['five of seven', [38, 20, 39, 40, 21, 39, 39], peersCalm, 1],
    ['the whole group is busy (a peak week)', [38, 39, 39, 40, 38, 39, 39], peersBusy, null],
    ['no peers to compare with', [38, 39, 39, 40, 38, 39, 39], [], null],
  ])('%s', (_name, days, peerHugRates, level) => {
    const f = detectQuotaHugging({ at: 0, group: 'g', cap: 40, days, peerHugRates }, 0, cfg);
    if (level === null) expect(f).toBeNull();
    else expect(f?.reason).toMatchObject({ code: 'quota_hugging', detail: { level, cap: 40 } });
  });
});
