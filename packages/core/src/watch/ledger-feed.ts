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
  approve: 'export',
};

/** The ledger actions that can become watch events; the watcher reads only entries with these. */
export const WATCHED_LEDGER_ACTIONS: readonly string[] = Object.keys(actionMap);

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * The watch event a ledger entry stands for, or undefined when it is neither a person's access nor
 * a step of an export (system credentials, ingestion, key and staff administration, rejections).
 * An export's request and approval become `export` events of stage `request` and `approve` (the
 * approval's size is the customers it fixed); its download parts are the access.
 */
export function watchEventFromLedger(entry: LedgerEntry): WatchEvent | undefined {
  if (entry.actor.type !== 'staff') return undefined;
  const action = actionMap[entry.action];
  if (!action) return undefined;
  if (entry.action === 'approve') {
    const exportId = text(entry.detail?.export);
    if (exportId === undefined || entry.detail?.decision !== 'approve') return undefined;
    const customers = entry.detail?.customers;
    return {
      ts: entry.time.getTime(),
      actor: entry.actor.id,
      action: 'export',
      stage: 'approve',
      exportId,
      requester: text(entry.detail?.requester),
      customers: [],
      orders: [],
      count: typeof customers === 'number' && customers >= 0 ? customers : 0,
      outcome: entry.outcome,
      ip: entry.clientAddress,
      system: 'cordon',
      source: { ledgerSeq: entry.seq },
    };
  }
  if (entry.action === 'export' && entry.detail?.stage === 'request') {
    const exportId = text(entry.detail?.export);
    if (exportId === undefined) return undefined;
    return {
      ts: entry.time.getTime(),
      actor: entry.actor.id,
      action: 'export',
      stage: 'request',
      exportId,
      customers: [],
      orders: [],
      // The size is fixed at approval.
      count: 0,
      purpose: entry.purpose,
      reference: entry.reference,
      outcome: entry.outcome,
      ip: entry.clientAddress,
      system: 'cordon',
      source: { ledgerSeq: entry.seq },
    };
  }
  if (entry.action === 'export' && entry.detail?.stage !== 'download') return undefined;
  return {
    ts: entry.time.getTime(),
    actor: entry.actor.id,
    action,
    customers: entry.customerIds,
    orders: entry.orderIds,
    // Export downloads are recorded in parts of up to 1,000 customers, each part naming its customers.
    count: entry.customerIds.length,
    ...(entry.action === 'export'
      ? { stage: 'download' as const, exportId: text(entry.detail?.export) }
      : {}),
    purpose: entry.action === 'break_glass' ? 'break_glass' : entry.purpose,
    reference: entry.reference,
    outcome: entry.outcome,
    ip: entry.clientAddress,
    system: 'cordon',
    source: { ledgerSeq: entry.seq },
  };
}
