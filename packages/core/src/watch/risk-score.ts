import { severityRank, type WatchSeverity, watchSeverities } from './watch-alert';
import type { WatchConfig } from './watch-config';

/**
 * A person's risk score: findings add their weight, and the score halves every `halfLifeMs`, so
 * evidence that keeps coming accumulates while an isolated oddity fades. Pure arithmetic on
 * explicit times (event time, never the wall clock).
 */

/** The score at `at`, decayed from `score` held at `since`. */
export function decayScore(score: number, since: number, at: number, halfLifeMs: number): number {
  if (at <= since) return score;
  return score * 2 ** (-(at - since) / halfLifeMs);
}

/**
 * The severity a score reaches (null below `low`), raised to the highest floor of the episode's
 * findings; a floor alone is enough (activity on a departed account is critical at any score).
 */
export function severityOf(
  score: number,
  floors: readonly (WatchSeverity | undefined)[],
  cfg: Pick<WatchConfig, 'severityScores'>,
): WatchSeverity | null {
  let rank = -1;
  for (const s of watchSeverities) if (score >= cfg.severityScores[s]) rank = severityRank(s);
  for (const f of floors) if (f) rank = Math.max(rank, severityRank(f));
  return rank < 0 ? null : (watchSeverities[rank] ?? null);
}

/**
 * Whether to raise an alert now: one per person per escalation. The first time an episode reaches
 * a severity, and each time it reaches a higher one; never again at the same or a lower severity.
 * (A new episode starts after `quietMs` without findings; the engine resets `lastAlerted` then.)
 */
export function shouldAlert(current: WatchSeverity | null, lastAlerted: WatchSeverity | null): boolean {
  if (current === null) return false;
  return lastAlerted === null || severityRank(current) > severityRank(lastAlerted);
}
