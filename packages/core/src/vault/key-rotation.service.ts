import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import type { Clock } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { KeyProvider } from './crypto';

export interface RotationProgress {
  done: number;
  total: number;
}

/**
 * Rewraps every data key under the active KEK version, batch by batch, each batch its own transaction.
 * Field ciphertexts are never touched. A crash leaves some keys under the old version; running again
 * continues from there (the old KEK stays in the keyring until every data key has moved).
 */
export class KeyRotationService {
  constructor(private readonly deps: { uow: UnitOfWork; keys: KeyProvider; clock: Clock }) {}

  async pending(): Promise<number> {
    const target = this.deps.keys.activeKekVersion();
    return this.deps.uow.run((repos) => repos.vault.countDataKeys(target));
  }

  async rewrapAll(
    ctx: RequestContext,
    options: { batchSize?: number; onProgress?: (p: RotationProgress) => void } = {},
  ): Promise<{ rewrapped: number; kekVersion: number }> {
    const target = this.deps.keys.activeKekVersion();
    const batchSize = options.batchSize ?? 1000;
    const total = await this.pending();
    await this.deps.uow.run((repos) =>
      repos.ledger.append([
        entryFor(ctx, this.deps.clock.now(), 'key_rotate', {
          detail: { phase: 'start', kekVersion: target, pending: total },
        }),
      ]),
    );
    let done = 0;
    let after = '';
    options.onProgress?.({ done, total });
    for (;;) {
      const moved = await this.deps.uow.run(async (repos) => {
        const batch = await repos.vault.dataKeysToRewrap(target, after, batchSize);
        const rewrapped = batch.map((k) => ({
          customerId: k.customerId,
          kekVersion: target,
          wrappedDek: this.deps.keys.wrapDataKey(
            this.deps.keys.unwrapDataKey(k.wrappedDek, k.customerId, k.kekVersion),
            k.customerId,
            target,
          ),
        }));
        await repos.vault.updateDataKeys(rewrapped);
        return batch;
      });
      if (moved.length === 0) break;
      done += moved.length;
      after = moved[moved.length - 1]?.customerId ?? after;
      options.onProgress?.({ done, total: Math.max(total, done) });
    }
    await this.deps.uow.run((repos) =>
      repos.ledger.append([
        entryFor(ctx, this.deps.clock.now(), 'key_rotate', {
          detail: { phase: 'done', kekVersion: target, rewrapped: done },
        }),
      ]),
    );
    return { rewrapped: done, kekVersion: target };
  }
}
