import type { IngestResult, MaskedCustomer, MaskedOrder, MaskedSearchResult } from '@cordon/core';
import { z } from 'zod';

/**
 * Response schemas are allowlists: the serializer emits only the fields listed here, so a field added
 * to a domain object never reaches a client by accident. Every PII field here is masked.
 */
export const maskedCustomerSchema = z.object({
  id: z.string(),
  name: z.string().describe('masked, e.g. 张* or 欧阳*'),
  phone: z.string().describe('masked, e.g. 138****5678'),
  email: z.string().nullable(),
  idNumber: z.string().nullable().describe('masked, e.g. 110101********1234'),
  createdAt: z.string(),
  masked: z.literal(true),
});

export const maskedOrderSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  createdAt: z.string(),
  status: z.string(),
  receiver: z.object({
    name: z.string(),
    phone: z.string(),
    province: z.string(),
    city: z.string(),
    district: z.string(),
    street: z.string().describe('always hidden in masked views'),
  }),
  items: z.array(z.object({ sku: z.string(), name: z.string(), price: z.number(), qty: z.number() })),
  total: z.number(),
  channel: z.string().nullable(),
  masked: z.literal(true),
});

export const searchResponseSchema = z.object({
  results: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('customer'), customer: maskedCustomerSchema }),
      z.object({ kind: z.literal('order'), order: maskedOrderSchema }),
    ]),
  ),
  nextCursor: z.string().nullable(),
});

export const ingestResponseSchema = z.object({
  received: z.number(),
  inserted: z.number(),
  unchanged: z.number(),
});

export function presentCustomer(c: MaskedCustomer): z.infer<typeof maskedCustomerSchema> {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    email: c.email,
    idNumber: c.idNumber,
    createdAt: c.createdAt.toISOString(),
    masked: true,
  };
}

export function presentOrder(o: MaskedOrder): z.infer<typeof maskedOrderSchema> {
  return {
    id: o.id,
    customerId: o.customerId,
    createdAt: o.createdAt.toISOString(),
    status: o.status,
    receiver: {
      name: o.receiver.name,
      phone: o.receiver.phone,
      province: o.receiver.province,
      city: o.receiver.city,
      district: o.receiver.district,
      street: o.receiver.street,
    },
    items: o.items,
    total: o.total,
    channel: o.channel,
    masked: true,
  };
}

export function presentSearch(r: {
  results: MaskedSearchResult[];
  nextCursor: string | null;
}): z.infer<typeof searchResponseSchema> {
  return {
    results: r.results.map((x) =>
      x.kind === 'customer'
        ? { kind: 'customer' as const, customer: presentCustomer(x.customer) }
        : { kind: 'order' as const, order: presentOrder(x.order) },
    ),
    nextCursor: r.nextCursor,
  };
}

export function presentIngest(r: IngestResult): z.infer<typeof ingestResponseSchema> {
  return { received: r.received, inserted: r.inserted, unchanged: r.unchanged };
}
