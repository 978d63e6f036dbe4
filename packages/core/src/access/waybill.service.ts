import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import { deriveKey, type KeyProvider } from '../vault/crypto';
import { maskName, maskPhone } from '../vault/masking';
import type { VaultService } from '../vault/vault.service';
import { AccessService, type RevealResult } from './access.service';

/** A label's token lives this long when the order has no delivery window. */
export const WAYBILL_DEFAULT_TTL_MS = 7 * 86_400_000;

const TOKEN = /^cw1\.([A-Za-z0-9_-]{8,200})\.([A-Za-z0-9_-]{22})$/;

/** What a privacy waybill shows: masked receiver, district-level address, sort code and a signed token. */
export interface WaybillLabelData {
  orderId: string;
  receiver: { name: string; phone: string; province: string; city: string; district: string };
  sortCode: string;
  itemCount: number;
  token: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Sorting code from the district path: three short numbers a sorting centre can print large. It is a
 * stable function of public region names (province, city, district), not a secret.
 */
export function sortCodeFor(province: string, city: string, district: string): string {
  const n = (s: string, mod: number) => {
    let h = 2166136261;
    for (const ch of Buffer.from(s, 'utf8')) h = Math.imul(h ^ ch, 16777619) >>> 0;
    return h % mod;
  };
  return `${String(n(province, 1000)).padStart(3, '0')}-${String(n(province + city, 100)).padStart(2, '0')}-${String(
    n(province + city + district, 100),
  ).padStart(2, '0')}`;
}

export interface WaybillDeps {
  uow: UnitOfWork;
  clock: Clock;
  keys: KeyProvider;
  access: AccessService;
  vault: VaultService;
}

/**
 * Privacy waybills: the printed label carries only masked receiver data and a QR code with a signed,
 * expiring token; the full address is resolved from the token only for the courier of that delivery,
 * inside its window (a reveal, decided by the policy and ledgered).
 */
export class WaybillService {
  private readonly macKey: Buffer;

  constructor(private readonly deps: WaybillDeps) {
    this.macKey = deriveKey(deps.keys.contentKey(), 'cordon/waybill-token/v1');
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.macKey).update(payload).digest().subarray(0, 16).toString('base64url');
  }

  /** `cw1.<base64url {"o":orderId,"e":expiry seconds}>.<HMAC-SHA256/128>`; no PII inside. */
  issueToken(orderId: string, expiresAt: Date): string {
    const payload = Buffer.from(
      JSON.stringify({ o: orderId, e: Math.floor(expiresAt.getTime() / 1000) }),
    ).toString('base64url');
    return `cw1.${payload}.${this.sign(payload)}`;
  }

  /** Verifies a token's signature and expiry; any fault is CORDON_ERR_TOKEN_INVALID. */
  verifyToken(token: string): { orderId: string; expiresAt: Date } {
    const bad = (why: string) => new CordonError('CORDON_ERR_TOKEN_INVALID', why);
    const m = TOKEN.exec(token);
    const payload = m?.[1];
    const mac = m?.[2];
    if (!payload || !mac) throw bad('The waybill token is malformed.');
    const expected = Buffer.from(this.sign(payload));
    if (expected.length !== mac.length || !timingSafeEqual(expected, Buffer.from(mac))) {
      throw bad('The waybill token does not verify; it was altered or not issued here.');
    }
    const body = z
      .object({ o: z.string().min(1).max(64), e: z.number().int() })
      .safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!body.success) throw bad('The waybill token is malformed.');
    const expiresAt = new Date(body.data.e * 1000);
    if (expiresAt <= this.deps.clock.now()) throw bad('The waybill token has expired; print a new label.');
    return { orderId: body.data.o, expiresAt };
  }

  /** The label of an order for whoever the policy lets print it; ledgered as `print`. */
  async label(ctx: RequestContext, orderId: string): Promise<WaybillLabelData> {
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const order = await repos.vault.findOrder(orderId);
      const customerId = order?.customerId;
      const { decision } = await this.deps.access.decide(repos, ctx, {
        action: 'print_waybill',
        customerId,
        orderId,
      });
      const subject = { customerIds: customerId ? [customerId] : [], orderIds: [orderId] };
      let error = AccessService.denial(decision);
      if (!error && !order?.key) {
        error = new CordonError(
          'CORDON_ERR_NOT_FOUND',
          `No order with id ${orderId} (or its customer was erased).`,
          {
            id: orderId,
          },
        );
      }
      if (error || !order) {
        const code = error?.code ?? 'CORDON_ERR_NOT_FOUND';
        await repos.ledger.append([
          entryFor(ctx, now, 'print', { ...subject, outcome: 'denied', errorCode: code }),
        ]);
        return { error: error ?? new CordonError('CORDON_ERR_NOT_FOUND') };
      }
      const plain = await this.deps.vault.revealFields(
        repos,
        { customerId: order.customerId, orderId },
        ['name', 'phone'],
        { order },
      );
      const delivery = await repos.assignments.findDelivery(orderId);
      const expiresAt =
        delivery && delivery.to > now ? delivery.to : new Date(now.getTime() + WAYBILL_DEFAULT_TTL_MS);
      await repos.ledger.append([
        entryFor(ctx, now, 'print', {
          ...subject,
          fields: ['receiver.name', 'receiver.phone', 'receiver.district'],
          detail: { masked: true, rule: decision.allowed ? decision.ruleId : '' },
        }),
      ]);
      const label: WaybillLabelData = {
        orderId,
        receiver: {
          name: maskName(plain.name ?? ''),
          phone: maskPhone(plain.phone ?? ''),
          province: order.province,
          city: order.city,
          district: order.district,
        },
        sortCode: sortCodeFor(order.province, order.city, order.district),
        itemCount: order.items.reduce((n, i) => n + i.qty, 0),
        token: this.issueToken(orderId, expiresAt),
        issuedAt: now,
        expiresAt,
      };
      return { value: label };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * The courier scans the QR: the token names the order, and the full receiver data is revealed
   * through the policy (purpose delivery, their own delivery inside its window). A bad token is
   * ledgered as a denied reveal.
   */
  async resolve(ctx: RequestContext, raw: unknown): Promise<RevealResult> {
    const parsed = z.strictObject({ token: z.string().min(1).max(400) }).safeParse(raw);
    if (!parsed.success) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'Send {"token": "<the token from the QR code>"}.', {
        field: 'token',
      });
    }
    let orderId: string;
    try {
      orderId = this.verifyToken(parsed.data.token).orderId;
    } catch (error) {
      const code = error instanceof CordonError ? error.code : 'CORDON_ERR_TOKEN_INVALID';
      await this.deps.uow.run((repos) =>
        repos.ledger.append([
          entryFor(ctx, this.deps.clock.now(), 'reveal', {
            fields: ['name', 'phone', 'address'],
            outcome: 'denied',
            errorCode: code,
            detail: { via: 'waybill' },
          }),
        ]),
      );
      throw error;
    }
    return this.deps.access.reveal(ctx, {
      orderId,
      fields: ['name', 'phone', 'address'],
      purpose: 'delivery',
      reference: orderId,
    });
  }
}
