import type { LedgerEntry } from '../ledger/entry';
import type { WatchAction, WatchEvent } from './event';

const actionMap: Partial<Record<LedgerEntry['action'], WatchAction>> = {
  view: 'view',
  search: 'search',
  reveal: 'reveal',
  break_glass: 'reveal',
  export: 'export',
  print: 'print',
  login: 'login',
};

/** The ledger actions that can become watch events; the watcher reads only entries with these. */
export const WATCHED_LEDGER_ACTIONS: readonly string[] = Object.keys(actionMap);

/**
 * The watch event a ledger entry stands for, or undefined when it is not a person's access (system
 * credentials, ingestion, key and staff administration, export requests before their download).
 */
export function watchEventFromLedger(entry: LedgerEntry): WatchEvent | undefined {
  if (entry.actor.type !== 'staff') return undefined;
  const action = actionMap[entry.action];
  if (!action) return undefined;
  if (entry.action === 'export' && entry.detail?.stage !== 'download') return undefined;
  return {
    ts: entry.time.getTime(),
    actor: entry.actor.id,
    action,
    customers: entry.customerIds,
    orders: entry.orderIds,
    // Export downloads are recorded in parts of up to 1,000 customers, each part naming its customers.
    count: entry.customerIds.length,
    purpose: entry.action === 'break_glass' ? 'break_glass' : entry.purpose,
    reference: entry.reference,
    outcome: entry.outcome,
    ip: entry.clientAddress,
    system: 'cordon',
    source: { ledgerSeq: entry.seq },
  };
}
