import type { WatchEvent } from './event';
import { makeFinding } from './finding';
import type { WatchFinding } from './watch-alert';
import type { WatchStaff } from './watch-context';

/**
 * Detector 4 — any activity on a departed or suspended account after its status took effect
 * (`since`; without `since` the status holds for every event), and any activity by an account the
 * directory does not know. These fire on the event itself: no baseline can excuse them. A departed
 * account is critical at once, a suspended one high; denied attempts count too (someone is trying
 * the account), one weight per staff-day so a long session does not grow the score without bound.
 *
 * `alreadyToday` is true when this account already had such a finding in the staff-day.
 */
export function detectInactiveAccount(
  event: WatchEvent,
  staff: WatchStaff | undefined,
  alreadyToday: boolean,
): WatchFinding | null {
  if (!staff) {
    if (alreadyToday) return null;
    return makeFinding(
      event.ts,
      'unknown_account',
      6,
      `Activity (${event.action}) by account ${event.actor}, which is not in the staff directory.`,
      { action: event.action, system: event.system },
      null,
      'medium',
    );
  }
  if (staff.status === 'active') return null;
  if (staff.since && event.ts < staff.since.getTime()) return null;
  if (alreadyToday) return null;
  const departed = staff.status === 'departed';
  return makeFinding(
    event.ts,
    'inactive_account',
    departed ? 16 : 10,
    `Activity (${event.action}, ${event.outcome}) on ${staff.status} account ${staff.id}${staff.since ? ` (${staff.status} since ${staff.since.toISOString()})` : ''}.`,
    {
      status: staff.status,
      since: staff.since ? staff.since.toISOString() : null,
      action: event.action,
      outcome: event.outcome,
    },
    null,
    departed ? 'critical' : 'high',
  );
}
