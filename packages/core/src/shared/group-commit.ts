/**
 * Group commit: callers submit items and each waits for its own result, but items submitted while
 * a group is being committed (or in the same turn of the event loop as the first) go together in
 * the next group, so concurrent callers share one transaction and one durable flush. A group is
 * capped by weight (rows, entries). If a group fails, each of its items is committed alone, so one
 * bad item fails only its own caller. Used for ledgered reads (ADR 0002, 0014) and risk decisions
 * (ADR 0010).
 */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private flushing = false;

  /**
   * @param commit writes a group and answers one result per item, in order; throws to fail it all.
   * @param weight what an item counts against `maxWeight` (a group always takes at least one item).
   */
  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly weight: (item: T) => number,
    private readonly maxWeight: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let submissions arriving in the same turn of the event loop join the first group.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves when everything submitted so far has committed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let take = 0;
        let weight = 0;
        while (take < this.queue.length) {
          const next = this.weight((this.queue[take] as { item: T }).item);
          if (take > 0 && weight + next > this.maxWeight) break;
          weight += next;
          take += 1;
        }
        const group = this.queue.splice(0, take);
        try {
          const results = await this.commit(group.map((g) => g.item));
          for (const [i, g] of group.entries()) g.resolve(results[i] as R);
        } catch (error) {
          if (group.length === 1) {
            group[0]?.reject(error);
            continue;
          }
          for (const g of group) {
            try {
              const [result] = await this.commit([g.item]);
              g.resolve(result as R);
            } catch (single) {
              g.reject(single);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
