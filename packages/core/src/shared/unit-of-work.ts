import type {
  AccessRepository,
  AssignmentRepository,
  GrantRow,
  StaffRepository,
} from '../access/access.ports';
import type { ApiKeyRepository } from '../access/apikey.ports';
import type { LedgerEntryInput } from '../ledger/entry';
import type { LedgerRepository } from '../ledger/ledger.ports';
import type { RiskDecisionRow, RiskRepository } from '../risk/risk.ports';
import type { TraceRepository } from '../trace/trace.ports';
import type { VaultRepository } from '../vault/vault.ports';
import type { WatchRepository } from '../watch/watch.ports';

/** The repositories of one transaction. Repositories hold no rules; services in core decide. */
export interface Repositories {
  vault: VaultRepository;
  ledger: LedgerRepository;
  apiKeys: ApiKeyRepository;
  meta: MetaRepository;
  staff: StaffRepository;
  assignments: AssignmentRepository;
  access: AccessRepository;
  watch: WatchRepository;
  trace: TraceRepository;
  risk: RiskRepository;
}

/** Small key/value facts about the installation (schema version, keyring id, ledger origin). */
export interface MetaRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/**
 * Rows that are written together with ledger entries (`UnitOfWork.journal`, `LedgerRepository.append`):
 * the rows and the entries commit together or not at all, in the append's own statement where the
 * store can (ADR 0015, 0016).
 */
export interface JournalWrites {
  /** Risk decisions, one row per order (a later row for the same order replaces an earlier one). */
  riskDecisions?: readonly RiskDecisionRow[];
  /** Grants that reveals and break-glass uses count against their quotas. */
  grants?: readonly GrantRow[];
}

/** How many rows `writes` carries (0 for none): what a group commit weighs, and whether there is anything to write. */
export function journalRowCount(writes: JournalWrites | undefined): number {
  return (writes?.riskDecisions?.length ?? 0) + (writes?.grants?.length ?? 0);
}

/**
 * Runs work in one database transaction: either everything it wrote (data and ledger entries)
 * commits, or nothing does.
 */
export interface UnitOfWork {
  run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /** Reads that need no ledger entry of their own (credential lookups), outside any transaction. */
  read<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /**
   * Runs a read, then appends the ledger entries it returns; the result is released only after the
   * entries have committed, and if they cannot be written the read fails. Implementations may share
   * one append transaction among concurrent reads (group commit), so a read must not write.
   */
  recorded<T>(fn: (repos: Repositories) => Promise<{ result: T; entries: LedgerEntryInput[] }>): Promise<T>;
  /**
   * Stores rows whose content the caller has already decided (risk decisions) together with their
   * ledger entries: both commit or neither does, and the promise resolves only once they have. Concurrent
   * calls may share one group commit with each other and with `recorded` reads (ADR 0015); if a
   * shared group fails, each call is retried alone so one bad call fails only itself.
   */
  journal(writes: JournalWrites, entries: LedgerEntryInput[]): Promise<void>;
  /** Resolves when everything `recorded` and `journal` took so far has committed (or failed). */
  drain(): Promise<void>;
}
