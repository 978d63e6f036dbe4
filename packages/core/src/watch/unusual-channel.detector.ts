import type { WatchEvent } from './event';
import { formatCount } from './finding';
import { type FractionInput, fractionFinding, judgeFraction } from './fraction';
import type { WatchFinding } from './watch-alert';
import type { WatchConfig } from './watch-config';

/** The channel of an access: what was done where (`reveal@legacy-bo`, `export@wms`). */
export function channelOf(event: Pick<WatchEvent, 'action' | 'system'>): string {
  return `${event.action}@${event.system}`;
}

/**
 * Detector 11 — an unusual channel: customers reached through an action and system that the person
 * and their peers (almost) never use: support agents revealing in the legacy back office that their
 * team only ever views in, warehouse staff revealing or exporting in the WMS where they print labels,
 * an engineer exporting from the ERP. Statistic: per channel, the share of the day's customers that
 * went through it, beta-binomial against the channel's share in the person's and the peers' history
 * (a channel nobody used is floored at half a customer in all the history seen); the day's level is
 * the highest over its channels.
 */
export function detectUnusualChannel(
  input: FractionInput,
  channel: string,
  previousLevel: number,
  cfg: WatchConfig,
): WatchFinding | null {
  const v = judgeFraction(input, previousLevel, cfg);
  if (!v) return null;
  return fractionFinding(
    input,
    v,
    'unusual_channel',
    `share_via_${channel}`,
    `${input.flagged} of ${input.seen} customers in this staff-day were reached through ${channel}, a channel this person and their peers rarely use; about ${formatCount(v.expected)} expected (level ${v.level}).`,
    { channel, throughChannel: input.flagged, customers: input.seen },
  );
}
