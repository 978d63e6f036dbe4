import type { LedgerEntryInput } from '../ledger/entry';
import { GroupCommit } from '../shared/group-commit';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { RiskDecisionRow } from './risk.ports';

interface Decisions {
  rows: RiskDecisionRow[];
  entries: LedgerEntryInput[];
}

/**
 * Group commit for decisions (ADR 0010). A scoring request waits until its decisions and their ledger
 * entries have committed, but concurrent requests share one transaction: while one batch commits, the
 * next gathers. A failed batch is retried one request at a time so one bad request cannot fail others.
 */
export class DecisionJournal {
  private readonly groups: GroupCommit<Decisions, undefined>;

  constructor(
    private readonly uow: UnitOfWork,
    maxBatch = 2000,
  ) {
    this.groups = new GroupCommit(
      (batch) => this.commit(batch),
      (d) => d.rows.length,
      maxBatch,
    );
  }

  async record(rows: RiskDecisionRow[], entries: LedgerEntryInput[]): Promise<void> {
    await this.groups.submit({ rows, entries });
  }

  /** Resolves when everything recorded so far has committed (or failed). */
  drain(): Promise<void> {
    return this.groups.drain();
  }

  private async commit(batch: readonly Decisions[]): Promise<undefined[]> {
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
    return batch.map(() => undefined);
  }
}
