import type { RequestContext } from './context';
import type { CordonError } from './errors';
import type { Repositories } from './unit-of-work';

/** A staff member's read of masked data, as the vault asks the access policy about it. */
export interface StaffReadRequest {
  action: 'view_masked' | 'search';
  customerId?: string | undefined;
  orderId?: string | undefined;
  searchBy?: string | undefined;
}

/**
 * The port through which the vault asks the access context whether a staff member may read. It runs
 * inside the caller's transaction so the decision, the counters and the ledger entry commit together.
 * A denial is returned (to be recorded), not thrown.
 */
export interface AccessGuard {
  checkStaffRead(
    repos: Repositories,
    ctx: RequestContext,
    request: StaffReadRequest,
  ): Promise<
    { denied: CordonError; customerId?: string | undefined } | { denied?: undefined; ruleId: string }
  >;
}
