import type { AccessRepository, AssignmentRepository, StaffRepository } from '../access/access.ports';
import type { ApiKeyRepository } from '../access/apikey.ports';
import type { LedgerEntry, LedgerEntryInput } from '../ledger/entry';
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
  /**
   * Runs `fn` in its own transaction (its writes — counters, grants — commit), then appends the
   * entries it returns in the next group-commit transaction, and answers once they have committed,
   * with the entries as appended (their sequence numbers). The caller releases nothing before this
   * resolves, so nothing leaves without its entry; if the append fails, the writes stand (fail
   * closed: a quota consumed, nothing shown) and the call fails (ADR 0011).
   */
  runRecorded<T>(
    fn: (repos: Repositories) => Promise<{ result: T; entries: LedgerEntryInput[] }>,
  ): Promise<{ result: T; appended: LedgerEntry[] }>;
}
