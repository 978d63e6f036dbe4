import {
  GroupCommit,
  type JournalWrites,
  journalRowCount,
  type LedgerEntry,
  type LedgerEntryInput,
  type Repositories,
  type RiskDecisionRow,
  type UnitOfWork,
} from '@cordon/core';
import type { Kysely } from 'kysely';
import { grantsInsert, KyselyAccessRepository } from './access.repository';
import { KyselyApiKeyRepository } from './apikey.repository';
import { KyselyAssignmentRepository } from './assignment.repository';
import { type Companion, type HeadHint, KyselyLedgerRepository } from './ledger.repository';
import { KyselyMetaRepository } from './meta.repository';
import { decisionsUpsert, KyselyRiskRepository } from './risk.repository';
import type { Schema } from './schema';
import { KyselyStaffRepository } from './staff.repository';
import { KyselyTraceRepository } from './trace.repository';
import { KyselyVaultRepository } from './vault.repository';
import { KyselyWatchRepository } from './watch.repository';

/**
 * The rows written with ledger entries, as companion statements of the append (ADR 0015, 0016). The
 * same order decided twice keeps its latest decision (one row per order).
 */
export function journalCompanions(writes: JournalWrites): Companion[] {
  const out: Companion[] = [];
  if (writes.riskDecisions && writes.riskDecisions.length > 0) {
    const latest = new Map<string, RiskDecisionRow>();
    for (const row of writes.riskDecisions) latest.set(row.orderId, row);
    const rows = [...latest.values()];
    out.push((gate) => decisionsUpsert(rows, gate));
  }
  if (writes.grants && writes.grants.length > 0) {
    const rows = writes.grants;
    out.push((gate) => grantsInsert(rows, gate));
  }
  return out;
}

/**
 * Repositories bound to one connection or transaction. With `hint`, the ledger's appends start from
 * that shared guess of the head (see `KyselyLedgerRepository.append`).
 */
export function repositoriesFor(db: Kysely<Schema>, hint?: HeadHint): Repositories {
  return {
    vault: new KyselyVaultRepository(db),
    ledger: new KyselyLedgerRepository(db, { companions: journalCompanions, ...(hint ? { hint } : {}) }),
    apiKeys: new KyselyApiKeyRepository(db),
    meta: new KyselyMetaRepository(db),
    staff: new KyselyStaffRepository(db),
    assignments: new KyselyAssignmentRepository(db),
    access: new KyselyAccessRepository(db),
    watch: new KyselyWatchRepository(db),
    trace: new KyselyTraceRepository(db),
    risk: new KyselyRiskRepository(db),
  };
}

/**
 * Coalesces single-row lookups into `id = any($1)` queries (the DataLoader pattern): the lookups of
 * one turn of the event loop (every request whose bytes arrived in the same poll) leave together at
 * its end (setImmediate), and while `maxInFlight` queries are running the next ones wait and leave
 * with everything that queued behind them. Light load adds no latency (the turn ends at once);
 * heavy load turns one query per request into one query per burst.
 */
class BatchLoader<T> {
  private pending = new Map<
    string,
    Array<{ resolve: (v: T | undefined) => void; reject: (e: unknown) => void }>
  >();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly fetch: (ids: string[]) => Promise<T[]>,
    private readonly idOf: (row: T) => string,
    private readonly maxInFlight = 2,
  ) {}

  load(id: string): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(id);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(id, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight += 1;
    try {
      const rows = await this.fetch([...batch.keys()]);
      const byId = new Map(rows.map((r) => [this.idOf(r), r]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(byId.get(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    } finally {
      this.inFlight -= 1;
    }
    if (this.pending.size > 0) this.schedule();
  }
}

/** Entries and rows per group commit at most. */
const MAX_GROUP_WEIGHT = 2000;

/** One caller's part of a group commit: a recorded read's entries, or journal rows with theirs. */
interface GroupItem {
  entries: LedgerEntryInput[];
  writes?: JournalWrites;
}

/**
 * Each `run` is one database transaction: data changes and their ledger entries commit together or
 * not at all.
 *
 * `recorded` serves reads: the read runs on the pool (reads change nothing, so they need no
 * transaction of their own and run in parallel), then its entries join the next group commit (one
 * statement, ADR 0014), and the caller gets the result only after that has committed. If the
 * entries cannot be written the read fails and nothing is released (ADR 0002). `journal` writes
 * (risk decisions) join the same groups: their rows go into the group's one statement, written only
 * if its append is (ADR 0015). If a group fails, each of its items is retried alone so one failure
 * never fails its neighbours.
 */
export class KyselyUnitOfWork implements UnitOfWork {
  private readonly groups = new GroupCommit<GroupItem, LedgerEntry[]>(
    (items) => this.commitGroup(items),
    (item) => item.entries.length + journalRowCount(item.writes),
    MAX_GROUP_WEIGHT,
  );
  /** The head this process's last append left (group commits and transactions alike; see `appendGroup`). */
  private readonly hint: HeadHint = { head: undefined };
  private readonly ledger: KyselyLedgerRepository;
  private readonly pooled: Repositories;

  constructor(private readonly db: Kysely<Schema>) {
    this.ledger = new KyselyLedgerRepository(db, { companions: journalCompanions });
    const repos = repositoriesFor(db, this.hint);
    const vault = repos.vault;
    const orders = new BatchLoader(
      (ids) => vault.findOrders(ids),
      (o) => o.id,
    );
    const customers = new BatchLoader(
      (ids) => vault.findCustomers(ids),
      (c) => c.id,
    );
    const staff = repos.staff;
    const people = new BatchLoader(
      (ids) => staff.findMany(ids),
      (p) => p.id,
    );
    const tokens = new BatchLoader(
      (ids) => staff.findTokenHolders(ids),
      (t) => t.token.id,
    );
    // Same repositories, with the single-row lookups of the read path (orders and customers for
    // masked reads, tokens and people for every staff request's authentication) batched.
    const batchedVault = Object.create(vault) as typeof vault;
    batchedVault.findOrder = (id) => orders.load(id);
    batchedVault.findCustomer = (id) => customers.load(id);
    const batchedStaff = Object.create(staff) as typeof staff;
    batchedStaff.find = (id) => people.load(id);
    batchedStaff.findTokenHolder = (id) => tokens.load(id);
    this.pooled = { ...repos, vault: batchedVault, staff: batchedStaff };
  }

  run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => fn(repositoriesFor(tx, this.hint)));
  }

  /** Reads outside any transaction (for lookups that need no ledger entry, such as credentials). */
  read<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return fn(this.pooled);
  }

  async recorded<T>(
    fn: (repos: Repositories) => Promise<{ result: T; entries: LedgerEntryInput[] }>,
  ): Promise<T> {
    const { result, entries } = await fn(this.pooled);
    await this.append(entries);
    return result;
  }

  async journal(writes: JournalWrites, entries: LedgerEntryInput[]): Promise<void> {
    if (journalRowCount(writes) === 0 && entries.length === 0) return;
    await this.groups.submit({ entries, writes });
  }

  drain(): Promise<void> {
    return this.groups.drain();
  }

  private append(entries: LedgerEntryInput[]): Promise<LedgerEntry[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return this.groups.submit({ entries });
  }

  /** One group: all its entries in one append (with the group's rows), handed back to each caller in order. */
  private async commitGroup(items: GroupItem[]): Promise<LedgerEntry[][]> {
    const writes: JournalWrites = {
      riskDecisions: items.flatMap((item) => item.writes?.riskDecisions ?? []),
      grants: items.flatMap((item) => item.writes?.grants ?? []),
    };
    try {
      const appended = await this.appendGroup(
        items.flatMap((item) => item.entries),
        writes,
      );
      let at = 0;
      return items.map(({ entries }) => {
        at += entries.length;
        return appended.slice(at - entries.length, at);
      });
    } catch (error) {
      this.hint.head = undefined;
      throw error;
    }
  }

  /**
   * One group's entries. While this process is the log's only writer, the head its last append left
   * is still the head, and the group goes in ONE autocommit statement conditional on that head
   * (no begin, head lock or commit round trips in the log's serialized section). When another
   * writer moved the head (an ingestion, another process), nothing was written: the group appends
   * the locked way and the head is remembered afresh.
   */
  private async appendGroup(entries: LedgerEntryInput[], writes: JournalWrites): Promise<LedgerEntry[]> {
    const known = this.hint.head ?? (await this.ledger.storedHead());
    const fast = await this.ledger.appendIfHead(entries, known, writes);
    if (fast) {
      this.hint.head = fast.head;
      return fast.entries;
    }
    this.hint.head = undefined;
    const locked = await this.db
      .transaction()
      .execute((tx) =>
        new KyselyLedgerRepository(tx, { companions: journalCompanions }).appendLocked(entries, writes),
      );
    this.hint.head = locked.head;
    return locked.entries;
  }
}
