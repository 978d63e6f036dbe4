import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SecurityAlertRow } from '../access/access.ports';
import type { ExportHook } from '../access/export.service';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import { toValidationError } from '../vault/interchange';
import type { VaultService } from '../vault/vault.service';

const mobile = z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mainland mobile number');

/**
 * The pools canaries draw their contact data from: number ranges, mail domains and drop addresses
 * the shop controls and monitors (its telephony, mail room and parcel lockers report any contact).
 */
export const canaryPoolsSchema = z.strictObject({
  phones: z
    .array(
      z
        .strictObject({ from: mobile, to: mobile })
        .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['to'] }),
    )
    .min(1),
  emailDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a mail domain')).min(1),
  addresses: z
    .array(
      z.strictObject({
        province: z.string().min(1),
        city: z.string().min(1),
        district: z.string().min(1),
        streets: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
});
export type CanaryPools = z.infer<typeof canaryPoolsSchema>;

/**
 * Pools for development and the demo. A shop configures its own (CORDON_CANARY_POOLS); these
 * numbers and domains are placeholders, not monitored lines.
 */
export const demoCanaryPools: CanaryPools = {
  phones: [{ from: '17150000000', to: '17150099999' }],
  emailDomains: ['139mail.example.cn'],
  addresses: [
    {
      province: '浙江省',
      city: '杭州市',
      district: '余杭区',
      streets: ['文一西路969号菜鸟驿站', '五常大道181号丰巢柜'],
    },
    {
      province: '广东省',
      city: '深圳市',
      district: '南山区',
      streets: ['科技园南区高新南七道018号', '粤海街道海天二路33号'],
    },
  ],
};

/** A canary to plant: a customer and its orders in the interchange format, drawn from the pools. */
export interface CanaryDraft {
  customer: { id: string; phone: string; email?: string | undefined } & Record<string, unknown>;
  orders: Array<
    { id: string; receiver: { province: string; city: string; district: string; street: string } } & Record<
      string,
      unknown
    >
  >;
}

export interface CanaryHitInput {
  value: string;
  channel: 'call' | 'sms' | 'parcel' | 'email';
  at: string;
  detail?: string | undefined;
}

export const canaryHitSchema = z.strictObject({
  value: z.string().trim().min(3).max(300),
  channel: z.enum(['call', 'sms', 'parcel', 'email']),
  at: z.iso.datetime({ offset: true }),
  detail: z.string().max(500).optional(),
});

export interface CanaryHitResult {
  canary: string | null;
  channel: string;
  at: string;
  exports: Array<{
    id: string;
    requester: string;
    approver: string | null;
    recipient: string;
    decidedAt: string | null;
  }>;
  people: Array<{ id: string; first: string; last: string }>;
  alertId: string | null;
}

export interface CanaryDeps {
  uow: UnitOfWork;
  clock: Clock;
  vault: VaultService;
}

/**
 * Canary customers: realistic records no real process touches, with contact data from monitored
 * pools. Each export gets its own unique canaries (through the export hook), so a canary that is
 * called, texted, mailed or shipped to names the export (and the people) it leaked through.
 */
export class CanaryService implements ExportHook {
  constructor(private readonly deps: CanaryDeps) {}

  /** Plants canaries atomically: their customers, orders and canary records commit together. */
  async plant(ctx: RequestContext, drafts: readonly CanaryDraft[]): Promise<{ planted: number }> {
    if (ctx.actor.type === 'staff' || !ctx.scopes.includes('admin')) {
      throw new CordonError(
        'CORDON_ERR_FORBIDDEN',
        'Only an operator (admin credential or the CLI) plants canaries.',
      );
    }
    if (drafts.length === 0) return { planted: 0 };
    const now = this.deps.clock.now();
    const rows = drafts.map((d) => {
      const phone = this.deps.vault.indexFor('phone', d.customer.phone);
      if (!phone)
        throw new CordonError('CORDON_ERR_INVALID_PHONE', `Canary ${d.customer.id} has an invalid phone.`);
      const first = d.orders[0]?.receiver;
      return {
        customerId: d.customer.id,
        phoneBidx: phone,
        emailBidx: d.customer.email ? (this.deps.vault.indexFor('email', d.customer.email) ?? null) : null,
        addressBidx: first
          ? (this.deps.vault.indexFor(
              'address',
              `${first.province}${first.city}${first.district}${first.street}`,
            ) ?? null)
          : null,
        plantedAt: now,
        exportId: null,
        allocatedAt: null,
      };
    });
    await this.deps.uow.run(async (repos) => {
      for (let i = 0; i < drafts.length; i += 500) {
        const part = drafts.slice(i, i + 500);
        await this.deps.vault.ingestWith(
          repos,
          ctx,
          part.map((d) => d.customer),
          part.flatMap((d) => d.orders),
        );
      }
      await repos.trace.insertCanaries(rows);
    });
    return { planted: drafts.length };
  }

  /** ExportHook: a unique allocation of 2–10 canaries per export, one order each, by export size. */
  async allocate(
    repos: Repositories,
    exportRow: { id: string },
    subjects: ReadonlyArray<{ customerId: string; orderId: string }>,
  ): Promise<Array<{ customerId: string; orderId: string }>> {
    const want = Math.max(2, Math.min(10, Math.ceil(subjects.length / 2000)));
    const ids = await repos.trace.allocateCanaries(exportRow.id, want, this.deps.clock.now());
    if (ids.length === 0) return [];
    const orders = await repos.vault.matchOrders({ customerIds: ids }, ids.length * 20);
    const firstOrder = new Map<string, string>();
    for (const o of orders) if (!firstOrder.has(o.customerId)) firstOrder.set(o.customerId, o.orderId);
    return ids.flatMap((id) => {
      const orderId = firstOrder.get(id);
      return orderId ? [{ customerId: id, orderId }] : [];
    });
  }

  /**
   * A tripwire report from telephony, SMS, the mail room or parcel lockers. Resolves the value to a
   * canary, names the export it was allocated to and everyone who obtained it, raises a critical
   * alert and records the lookup. A value that is no canary answers `canary: null` (and no alert).
   */
  async hit(ctx: RequestContext, raw: unknown): Promise<CanaryHitResult> {
    if (ctx.actor.type === 'staff') {
      throw new CordonError(
        'CORDON_ERR_FORBIDDEN',
        'Tripwires are reported by systems (an API key), not people.',
      );
    }
    if (!ctx.scopes.includes('admin') && !ctx.scopes.includes('events:write')) {
      throw new CordonError('CORDON_ERR_FORBIDDEN', 'This credential lacks the "events:write" scope.', {
        scope: 'events:write',
      });
    }
    const parsed = canaryHitSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const phone = this.deps.vault.indexFor('phone', input.value);
    const email = input.value.includes('@') ? this.deps.vault.indexFor('email', input.value) : undefined;
    const address = !phone && !email ? this.deps.vault.indexFor('address', input.value) : undefined;
    return this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const found = await repos.trace.findCanaries({
        phoneBidx: phone ? [phone] : [],
        emailBidx: email ? [email] : [],
        addressBidx: address ? [address] : [],
      });
      const canary = found[0];
      if (!canary) {
        return { canary: null, channel: input.channel, at: input.at, exports: [], people: [], alertId: null };
      }
      const exportRow = canary.exportId ? await repos.access.findExport(canary.exportId) : undefined;
      const people = [
        ...(await repos.trace.ledgerAccess([canary.customerId])),
        ...(await repos.trace.eventAccess([canary.customerId])),
      ];
      const byPerson = new Map<string, { first: Date; last: Date }>();
      for (const p of people) {
        const seen = byPerson.get(p.id);
        byPerson.set(p.id, {
          first: seen && seen.first < p.first ? seen.first : p.first,
          last: seen && seen.last > p.last ? seen.last : p.last,
        });
      }
      const alert: SecurityAlertRow = {
        id: `ca_${randomUUID()}`,
        kind: 'canary_hit',
        severity: 'critical',
        staffId: null,
        subject: canary.exportId ?? canary.customerId,
        detail: {
          canary: canary.customerId,
          channel: input.channel,
          at: input.at,
          export: canary.exportId ?? '',
          people: byPerson.size,
        },
        createdAt: now,
        status: 'open',
      };
      await repos.access.insertAlert(alert);
      await repos.ledger.append([
        entryFor(ctx, now, 'review', {
          customerIds: [canary.customerId],
          detail: {
            kind: 'canary_hit',
            channel: input.channel,
            export: canary.exportId ?? '',
            alert: alert.id,
          },
        }),
      ]);
      return {
        canary: canary.customerId,
        channel: input.channel,
        at: input.at,
        exports: exportRow
          ? [
              {
                id: exportRow.id,
                requester: exportRow.requester,
                approver: exportRow.approver,
                recipient: exportRow.recipient,
                decidedAt: exportRow.decidedAt?.toISOString() ?? null,
              },
            ]
          : [],
        people: [...byPerson.entries()]
          .map(([id, t]) => ({ id, first: t.first.toISOString(), last: t.last.toISOString() }))
          .sort((a, b) => a.first.localeCompare(b.first)),
        alertId: alert.id,
      };
    });
  }
}
