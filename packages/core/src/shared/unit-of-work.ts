import type { AccessRepository, AssignmentRepository, StaffRepository } from '../access/access.ports';
import type { ApiKeyRepository } from '../access/apikey.ports';
import type { LedgerEntryInput } from '../ledger/entry';
import type { LedgerRepository } from '../ledger/ledger.ports';
import type { RiskRepository } from '../risk/risk.ports';
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
}
