import type { LedgerEntryInput } from '../ledger/entry';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { RiskDecisionRow } from './risk.ports';

interface Pending {
  rows: RiskDecisionRow[];
  entries: LedgerEntryInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for decisions (ADR 0010). A scoring request waits until its decisions and their ledger
 * entries have committed, but concurrent requests share one transaction: while one batch commits, the
 * next gathers. A failed batch is retried one request at a time so one bad request cannot fail others.
 */
export class DecisionJournal {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly maxBatch = 2000,
  ) {}

  record(rows: RiskDecisionRow[], entries: LedgerEntryInput[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, entries, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let requests arriving in the same turn of the event loop join the first batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves when everything recorded so far has committed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let size = 0;
        while (
          this.queue.length > 0 &&
          (batch.length === 0 || size + (this.queue[0]?.rows.length ?? 0) <= this.maxBatch)
        ) {
          const next = this.queue.shift() as Pending;
          batch.push(next);
          size += next.rows.length;
        }
        try {
          await this.commit(batch);
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          for (const p of batch) {
            try {
              await this.commit([p]);
              p.resolve();
            } catch (single) {
              p.reject(single);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    // The same order scored twice in one batch keeps its latest decision (one row per order).
    const byOrder = new Map<string, RiskDecisionRow>();
    const entries: LedgerEntryInput[] = [];
    for (const p of batch) {
      for (const row of p.rows) byOrder.set(row.orderId, row);
      entries.push(...p.entries);
    }
    await this.uow.run(async (repos) => {
      await repos.risk.upsertDecisions([...byOrder.values()]);
      await repos.ledger.append(entries);
    });
  }
}
