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

interface QueuedRead {
  fn: (repos: Repositories) => Promise<{ result: unknown; entries: LedgerEntryInput[] }>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const MAX_GROUP = 128;

/**
 * Each `run` is one database transaction: data changes and their ledger entries commit together or
 * not at all. `recorded` reads are group-committed: reads that arrive while a transaction is in
 * flight run together in the next one, which appends all their entries with one statement set and
 * commits once; each caller gets its result only after that commit. If anything in a group fails,
 * the group rolls back and each read is retried alone, so one failure never fails its neighbours.
 */
export class KyselyUnitOfWork implements UnitOfWork {
  private queue: QueuedRead[] = [];
  private active = 0;

  /** `groups`: how many group transactions may be in flight at once (1 for PGlite's single connection). */
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly groups = 1,
  ) {}

  run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => fn(repositoriesFor(tx)));
  }

  recorded<T>(fn: (repos: Repositories) => Promise<{ result: T; entries: LedgerEntryInput[] }>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.active < this.groups) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.active += 1;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        try {
          const results = await this.run(async (repos) => {
            const out: unknown[] = [];
            const entries: LedgerEntryInput[] = [];
            for (const job of group) {
              const r = await job.fn(repos);
              out.push(r.result);
              entries.push(...r.entries);
            }
            await repos.ledger.append(entries);
            return out;
          });
          group.forEach((job, i) => {
            job.resolve(results[i]);
          });
        } catch {
          for (const job of group) {
            try {
              job.resolve(
                await this.run(async (repos) => {
                  const r = await job.fn(repos);
                  await repos.ledger.append(r.entries);
                  return r.result;
                }),
              );
            } catch (error) {
              job.reject(error);
            }
          }
        }
      }
    } finally {
      this.active -= 1;
    }
  }
}
