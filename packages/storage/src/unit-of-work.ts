import type { LedgerEntryInput, Repositories, UnitOfWork } from '@cordon/core';
import type { Kysely } from 'kysely';
import { KyselyApiKeyRepository } from './apikey.repository';
import { KyselyLedgerRepository } from './ledger.repository';
import { KyselyMetaRepository } from './meta.repository';
import type { Schema } from './schema';
import { KyselyVaultRepository } from './vault.repository';

/** Repositories bound to one connection or transaction. */
export function repositoriesFor(db: Kysely<Schema>): Repositories {
  return {
    vault: new KyselyVaultRepository(db),
    ledger: new KyselyLedgerRepository(db),
    apiKeys: new KyselyApiKeyRepository(db),
    meta: new KyselyMetaRepository(db),
  };
}

interface PendingAppend {
  entries: LedgerEntryInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Entries per group-commit transaction at most. */
const MAX_GROUP_ENTRIES = 2000;

/**
 * Each `run` is one database transaction: data changes and their ledger entries commit together or
 * not at all.
 *
 * `recorded` serves reads: the read runs on the pool (reads change nothing, so they need no
 * transaction of their own and run in parallel), then its entries join the next group-commit
 * transaction, and the caller gets the result only after that transaction commits. If the entries
 * cannot be written the read fails and nothing is released (ADR 0002). If a group fails, each of its
 * reads is retried alone so one failure never fails its neighbours.
 */
export class KyselyUnitOfWork implements UnitOfWork {
  private queue: PendingAppend[] = [];
  private draining = false;

  constructor(private readonly db: Kysely<Schema>) {}

  run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => fn(repositoriesFor(tx)));
  }

  /** Reads outside any transaction (for lookups that need no ledger entry, such as credentials). */
  read<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return fn(repositoriesFor(this.db));
  }

  async recorded<T>(
    fn: (repos: Repositories) => Promise<{ result: T; entries: LedgerEntryInput[] }>,
  ): Promise<T> {
    const { result, entries } = await fn(repositoriesFor(this.db));
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ entries, resolve, reject });
      if (!this.draining) void this.drain();
    });
    return result;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        let count = 0;
        let take = 0;
        while (take < this.queue.length && count < MAX_GROUP_ENTRIES) {
          count += this.queue[take]?.entries.length ?? 0;
          take += 1;
        }
        const group = this.queue.splice(0, take);
        try {
          await this.run((repos) => repos.ledger.append(group.flatMap((g) => g.entries)));
          for (const g of group) g.resolve();
        } catch {
          for (const g of group) {
            try {
              await this.run((repos) => repos.ledger.append(g.entries));
              g.resolve();
            } catch (error) {
              g.reject(error);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
