import { describe, expect, it } from 'vitest';
import type { RateBaseline } from './baseline';
import { channelOf, detectUnusualChannel } from './unusual-channel.detector';
import { resolveWatchConfig } from './watch-config';

const cfg = resolveWatchConfig();

describe('detectUnusualChannel', () => {
  it('names the channel by action and system', () => {
    expect(channelOf({ action: 'reveal', system: 'legacy-bo' })).toBe('reveal@legacy-bo');
  });

  const never: RateBaseline = { rate: 0.0001, typicalN: 30, peerRate: 0, peerMad: 0, concentration: 1000 };
  const common: RateBaseline = { rate: 0.4, typicalN: 30, peerRate: 0.4, peerMad: 0.1, concentration: 40 };
  it.each<[string, number, number, RateBaseline, number | null]>([
    ['two customers through a channel nobody uses: under the minimum evidence', 2, 30, never, null],
    ['three of them: level 1', 3, 30, never, 1],
    ['four of them: level 2', 4, 30, never, 2],
    ['a dozen of them', 12, 40, never, 3],
    ['a channel the team uses all day', 15, 30, common, null],
  ])('%s', (_name, flagged, seen, baseline, level) => {
    const f = detectUnusualChannel(
      { at: 0, group: 'g', flagged, seen, baseline },
      'reveal@legacy-bo',
      0,
      cfg,
    );
    if (level === null) expect(f).toBeNull();
    else {
      expect(f?.reason).toMatchObject({
        code: 'unusual_channel',
        detail: { level, channel: 'reveal@legacy-bo' },
      });
      expect(f?.peer?.metric).toBe('share_via_reveal@legacy-bo');
    }
  });
});
