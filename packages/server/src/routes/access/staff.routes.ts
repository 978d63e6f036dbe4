import { deliverySchema, merchantOrderSchema, staffSchema, staffStatuses, ticketSchema } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';
import { presentStaff, staffResponseSchema } from '../../presenters/access.presenter';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
};
const idParams = z.object({ id: z.string().min(1).max(64) });
const batch = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).max(1000)]);
const batchOf = (input: unknown): unknown[] => (Array.isArray(input) ? input : [input]);
const upserted = z.object({ received: z.number(), upserted: z.number() });

/** The staff directory (HR feed), credentials, tokens, and the assignment feeds of the shop's systems. */
export const staffRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/staff',
      {
        attachValidation: true,
        schema: {
          summary:
            'Import one person or up to 1,000 (insert or replace by id); deactivation ends sessions at once',
          tags: ['staff'],
          body: batch(staffSchema),
          response: {
            200: z.object({
              received: z.number(),
              inserted: z.number(),
              updated: z.number(),
              deactivated: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return deps.staff.importStaff(ctx, batchOf(request.body));
      },
    );

    app.get(
      '/v1/staff',
      {
        schema: {
          summary: 'The staff directory',
          tags: ['staff'],
          querystring: z.object({
            status: z.enum(staffStatuses).optional(),
            role: z.string().max(32).optional(),
          }),
          response: { 200: z.object({ staff: z.array(staffResponseSchema) }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return { staff: (await deps.staff.list(ctx, request.query)).map(presentStaff) };
      },
    );

    app.post(
      '/v1/staff/:id/status',
      {
        schema: {
          summary: 'Suspend, reactivate or mark departed; a non-active account can do nothing from now on',
          tags: ['staff'],
          params: idParams,
          body: z.strictObject({ status: z.enum(staffStatuses) }),
          response: { 200: staffResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentStaff(await deps.staff.setStatus(ctx, request.params.id, request.body.status));
      },
    );

    app.post(
      '/v1/staff/:id/tokens',
      {
        schema: {
          summary: 'Issue a bearer token for a staff tool, acting as this person (shown once)',
          tags: ['staff'],
          params: idParams,
          body: z.strictObject({ name: z.string().min(1).max(64).optional() }).nullish(),
          response: { 200: z.object({ id: z.string(), token: z.string() }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return deps.staff.issueToken(ctx, request.params.id, request.body?.name);
      },
    );

    app.post(
      '/v1/staff/:id/password',
      {
        schema: {
          summary: 'Set the sign-in password (argon2id); clears the lockout and ends sessions',
          tags: ['staff'],
          params: idParams,
          body: z.strictObject({ password: z.string().min(1).max(1024) }),
          response: { 200: z.object({ ok: z.boolean() }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        await deps.staff.setPassword(ctx, request.params.id, request.body.password);
        return { ok: true };
      },
    );

    app.post(
      '/v1/staff/:id/totp',
      {
        schema: {
          summary: 'Enrol TOTP; the secret and otpauth URI are shown once',
          tags: ['staff'],
          params: idParams,
          response: {
            200: z.object({ secret: z.string(), uri: z.string() }),
            409: errorResponseSchema,
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return deps.staff.enrollTotp(ctx, request.params.id);
      },
    );

    const feed = (path: string, summary: string, schema: z.ZodType, run: typeof deps.staff.importTickets) =>
      app.post(
        path,
        {
          attachValidation: true,
          schema: {
            summary,
            tags: ['assignments'],
            body: batch(schema),
            response: { 200: upserted, ...errors },
          },
        },
        async (request) => {
          const ctx = await contextFor(request, deps.auth);
          return run.call(deps.staff, ctx, batchOf(request.body));
        },
      );
    feed(
      '/v1/tickets',
      'Support tickets from the ticket system (insert or replace by id)',
      ticketSchema,
      deps.staff.importTickets,
    );
    feed(
      '/v1/deliveries',
      'Delivery assignments: courier and window per order',
      deliverySchema,
      deps.staff.importDeliveries,
    );
    feed(
      '/v1/merchant-orders',
      'Which merchant owns which order, and when it was delivered',
      merchantOrderSchema,
      deps.staff.importMerchantOrders,
    );
  };
