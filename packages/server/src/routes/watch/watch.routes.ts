import { watchEventSchema } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

const holdSchema = z.object({
  staffId: z.string(),
  alertId: z.string(),
  severity: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  status: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
});

/** Watch: access events from other systems, insider alerts with evidence, containment holds. */
export const watchRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/events',
      {
        attachValidation: true,
        schema: {
          summary:
            'Access events from other systems (ERP, warehouse, legacy back office): one or up to 1,000',
          tags: ['watch'],
          body: z.union([watchEventSchema, z.array(watchEventSchema).max(1000)]),
          response: { 200: z.object({ received: z.number() }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        const body = request.body as unknown;
        return deps.watch.ingestEvents(ctx, Array.isArray(body) ? body : [body]);
      },
    );

    app.get(
      '/v1/watch/holds',
      {
        schema: {
          summary: 'Containment holds: people whose reveal and export rights are paused',
          tags: ['watch'],
          response: { 200: z.object({ items: z.array(holdSchema) }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        const holds = await deps.watch.holds(ctx);
        return {
          items: holds.map((h) => ({
            ...h,
            createdAt: h.createdAt.toISOString(),
            decidedAt: h.decidedAt?.toISOString() ?? null,
          })),
        };
      },
    );

    app.post(
      '/v1/watch/holds/:staffId/decision',
      {
        attachValidation: true,
        schema: {
          summary: 'Release or confirm a hold (a security admin, never the person held); ledgered',
          tags: ['watch'],
          params: z.object({ staffId: z.string().min(1).max(64) }),
          body: z.strictObject({ decision: z.enum(['release', 'confirm']), note: z.string() }),
          response: { 200: holdSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        const h = await deps.watch.decideHold(ctx, request.params.staffId, request.body);
        return { ...h, createdAt: h.createdAt.toISOString(), decidedAt: h.decidedAt?.toISOString() ?? null };
      },
    );
  };
