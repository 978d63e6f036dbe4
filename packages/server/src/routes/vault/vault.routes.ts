import { customerSchema, orderSchema } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';
import {
  ingestResponseSchema,
  maskedCustomerSchema,
  maskedOrderSchema,
  presentCustomer,
  presentIngest,
  presentOrder,
  presentSearch,
  searchResponseSchema,
} from '../../presenters/vault.presenter';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const idParams = z.object({ id: z.string().min(1).max(64) });
const searchQuery = z.object({
  phone: z.string().max(40).optional(),
  name: z.string().max(64).optional(),
  orderId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
});

/** One item or an array of up to 1,000; validated by the vault service so errors carry catalog codes. */
function batchOf(input: unknown): unknown[] {
  return Array.isArray(input) ? input : [input];
}

/** Vault routes: ingestion, masked reads, search and erasure. */
export const vaultRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/customers',
      {
        attachValidation: true,
        schema: {
          summary: 'Ingest one customer or a batch of up to 1,000 (idempotent on id)',
          tags: ['vault'],
          body: z.union([customerSchema, z.array(customerSchema).max(1000)]),
          response: { 200: ingestResponseSchema, 409: errorResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentIngest(await deps.vault.ingestCustomers(ctx, batchOf(request.body)));
      },
    );

    app.post(
      '/v1/orders',
      {
        attachValidation: true,
        schema: {
          summary: 'Ingest one order or a batch of up to 1,000 (idempotent on id)',
          tags: ['vault'],
          body: z.union([orderSchema, z.array(orderSchema).max(1000)]),
          response: {
            200: ingestResponseSchema,
            409: errorResponseSchema,
            422: errorResponseSchema,
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentIngest(await deps.vault.ingestOrders(ctx, batchOf(request.body)));
      },
    );

    app.get(
      '/v1/customers/:id',
      {
        schema: {
          summary: 'Masked view of a customer',
          tags: ['vault'],
          params: idParams,
          response: {
            200: maskedCustomerSchema,
            404: errorResponseSchema,
            410: errorResponseSchema,
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentCustomer(await deps.vault.getCustomer(ctx, request.params.id));
      },
    );

    app.get(
      '/v1/orders/:id',
      {
        schema: {
          summary: 'Masked view of an order',
          tags: ['vault'],
          params: idParams,
          response: { 200: maskedOrderSchema, 404: errorResponseSchema, 410: errorResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentOrder(await deps.vault.getOrder(ctx, request.params.id));
      },
    );

    app.get(
      '/v1/search',
      {
        schema: {
          summary:
            'Exact search by phone, name or orderId (masked, paged). POST /v1/search keeps the value out of URLs.',
          tags: ['vault'],
          querystring: searchQuery,
          response: { 200: searchResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentSearch(await deps.vault.search(ctx, request.query));
      },
    );

    app.post(
      '/v1/search',
      {
        schema: {
          summary:
            'Exact search with the query in the body, so the value never appears in URLs or proxy logs',
          tags: ['vault'],
          body: searchQuery.strict(),
          response: { 200: searchResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentSearch(await deps.vault.search(ctx, request.body));
      },
    );

    app.post(
      '/v1/tokens/phone',
      {
        schema: {
          summary:
            'Phone-shaped FF1 token (11 digits, valid 1[3-9] prefix) for a legacy system; deterministic per key',
          tags: ['vault'],
          body: z.strictObject({ phone: z.string().max(40) }),
          response: { 200: z.object({ token: z.string() }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return { token: await deps.vault.tokenizePhone(ctx, request.body.phone) };
      },
    );

    app.delete(
      '/v1/customers/:id',
      {
        schema: {
          summary: 'Erase a customer by crypto-shredding; returns a signed erasure receipt',
          tags: ['vault'],
          params: idParams,
          response: {
            200: z.object({
              customerId: z.string(),
              erasedAt: z.string(),
              ledgerSeq: z.number(),
              receipt: z.string(),
            }),
            404: errorResponseSchema,
            410: errorResponseSchema,
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        const r = await deps.vault.erase(ctx, request.params.id);
        return {
          customerId: r.customerId,
          erasedAt: r.erasedAt.toISOString(),
          ledgerSeq: r.ledgerSeq,
          receipt: r.receipt,
        };
      },
    );
  };
