import { z } from 'zod';
import { externalId, isoTime } from '../vault/interchange';

/**
 * A promotion as an object the risk engine understands: which SKUs, when, how much stock, how many
 * units one account / one identity cluster / one address may take, the coupon budget, and what to
 * do with orders at a price far under list (held for review, never silently cancelled).
 */
const money = z
  .number()
  .nonnegative()
  .max(100_000_000)
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'money has at most two decimals');

const cap = z.number().int().positive().max(1_000_000);

export const promotionSchema = z
  .strictObject({
    id: externalId,
    name: z.string().trim().min(1).max(100),
    startsAt: isoTime,
    endsAt: isoTime,
    skus: z
      .array(
        z.strictObject({
          sku: z.string().min(1).max(64),
          /** The everyday price, in yuan. */
          listPrice: money,
          /** The promotion price, in yuan; orders at this price are expected. */
          promoPrice: money,
        }),
      )
      .min(1)
      .max(1000),
    /** Units available across the promotion; absent = unlimited. */
    stock: z.number().int().nonnegative().max(1_000_000_000).optional(),
    caps: z
      .strictObject({
        perAccount: cap.optional(),
        perCluster: cap.optional(),
        perAddress: cap.optional(),
      })
      .default({}),
    coupon: z
      .strictObject({
        /** Coupon codes that belong to this promotion. */
        codes: z.array(z.string().min(1).max(64)).min(1).max(100),
        /** Total coupon money the shop will spend, in yuan. */
        budget: money,
        /** Coupon orders one identity cluster may place. */
        perCluster: cap.optional(),
      })
      .optional(),
    priceError: z
      .strictObject({
        /** An item priced under this fraction of its list price is a suspected price error: the order is held for review. */
        minRatio: z.number().gt(0).lt(1),
      })
      .default({ minRatio: 0.5 }),
  })
  .refine((p) => Date.parse(p.endsAt) > Date.parse(p.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  })
  .refine((p) => new Set(p.skus.map((s) => s.sku)).size === p.skus.length, {
    message: 'each sku may appear once',
    path: ['skus'],
  });

export type Promotion = z.infer<typeof promotionSchema>;

/** The context a shop sends with an order to be scored. Every field but `account` is optional. */
export const riskContextSchema = z.strictObject({
  /** The shop's account id of the buyer. */
  account: externalId,
  accountCreatedAt: isoTime.optional(),
  device: z.string().min(1).max(128).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  paymentFingerprint: z.string().min(1).max(128).optional(),
  coupon: z.string().min(1).max(64).optional(),
  /** The promotion id the order was placed under, if the shop knows it. */
  promo: externalId.optional(),
});
export type RiskContext = z.infer<typeof riskContextSchema>;
