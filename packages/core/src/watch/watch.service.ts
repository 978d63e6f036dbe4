import { z } from 'zod';
import { AccessService } from '../access/access.service';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import { toValidationError } from '../vault/interchange';
import { MAX_BATCH } from '../vault/vault.service';
import { watchEventSchema } from './event';
import type { StaffHoldRow } from './watch.ports';

export interface WatchServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  access: AccessService;
}

type LineOf = (i: number) => { line?: number; index?: number };

/**
 * The stored side of watch: access events from other systems (ERP, warehouse, legacy back office),
 * security alerts and containment holds. A hold pauses a person's reveal and export rights at once
 * (AccessService refuses with CORDON_ERR_CONTAINED); a second person releases or confirms it.
 */
export class WatchService {
  constructor(private readonly deps: WatchServiceDeps) {}

  /** Stores up to 1,000 events (all or nothing); the live watcher picks them up on its next tick. */
  async ingestEvents(
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: LineOf = (index) => ({ index }),
  ): Promise<{ received: number }> {
    if (
      ctx.actor.type !== 'system' &&
      !ctx.scopes.includes('events:write') &&
      !ctx.scopes.includes('admin')
    ) {
      throw new CordonError('CORDON_ERR_FORBIDDEN', 'This credential lacks the "events:write" scope.', {
        scope: 'events:write',
      });
    }
    if (raw.length === 0) throw new CordonError('CORDON_ERR_VALIDATION', 'The batch is empty.');
    if (raw.length > MAX_BATCH) {
      throw new CordonError(
        'CORDON_ERR_BATCH_TOO_LARGE',
        `The batch has ${raw.length} events; the limit is ${MAX_BATCH}.`,
        {
          count: raw.length,
          limit: MAX_BATCH,
        },
      );
    }
    const events = raw.map((r, i) => {
      const parsed = watchEventSchema.safeParse(r);
      if (!parsed.success) throw toValidationError(parsed.error, lineOf(i));
      return parsed.data;
    });
    await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      await repos.watch.insertEvents(
        events.map((e) => ({ ts: new Date(e.ts), actor: e.actor, body: e })),
        now,
      );
      const systems = [...new Set(events.map((e) => e.system ?? 'external'))].sort().join(' ');
      await repos.ledger.append([
        entryFor(ctx, now, 'ingest', { detail: { kind: 'access_events', received: events.length, systems } }),
      ]);
    });
    return { received: events.length };
  }

  async holds(ctx: RequestContext): Promise<StaffHoldRow[]> {
    return this.deps.uow.run(async (repos) => {
      if (!ctx.scopes.includes('admin')) {
        const { decision } = await this.deps.access.decide(repos, ctx, { action: 'approve' });
        const denial = AccessService.denial(decision);
        if (denial) throw denial;
      }
      return repos.watch.listHolds();
    });
  }

  /** A security admin (never the person held) releases or confirms a hold; ledgered either way. */
  async decideHold(ctx: RequestContext, staffId: string, raw: unknown): Promise<StaffHoldRow> {
    const parsed = z
      .strictObject({ decision: z.enum(['release', 'confirm']), note: z.string().trim().min(1).max(2000) })
      .safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const hold = await repos.watch.findHold(staffId);
      if (!hold)
        return { error: new CordonError('CORDON_ERR_NOT_FOUND', `No hold on ${staffId}.`, { id: staffId }) };
      const { decision, staff } = await this.deps.access.decide(repos, ctx, {
        action: 'approve',
        requester: staffId,
      });
      const denial = AccessService.denial(decision);
      if (denial || !staff) {
        await repos.ledger.append([
          entryFor(ctx, now, 'contain', {
            outcome: 'denied',
            errorCode: denial?.code ?? 'CORDON_ERR_FORBIDDEN',
            detail: { subject: staffId, decision: input.decision },
          }),
        ]);
        return { error: denial ?? new CordonError('CORDON_ERR_FORBIDDEN') };
      }
      const status: 'released' | 'confirmed' = input.decision === 'release' ? 'released' : 'confirmed';
      const done = await repos.watch.decideHold(staffId, { status, by: staff.id, at: now, note: input.note });
      if (!done) {
        return {
          error: new CordonError('CORDON_ERR_INVALID_STATE', `The hold on ${staffId} was already released.`),
        };
      }
      await repos.ledger.append([
        entryFor(ctx, now, 'contain', {
          detail: { subject: staffId, decision: status, alert: hold.alertId },
        }),
      ]);
      return { value: { ...hold, status, decidedBy: staff.id, decidedAt: now, note: input.note } };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
}
