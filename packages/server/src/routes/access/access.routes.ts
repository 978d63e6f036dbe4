import { revealableFields } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';
import {
  alertResponseSchema,
  breakGlassResponseSchema,
  presentAlert,
  presentBreakGlass,
  presentReveal,
  revealResponseSchema,
} from '../../presenters/access.presenter';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

/** Reveal with a purpose, break-glass review and security alerts. */
export const accessRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/reveal',
      {
        attachValidation: true,
        schema: {
          summary:
            'Reveal plaintext fields of one customer or order for a purpose and reference the policy accepts (or break-glass with a justification)',
          description:
            'Denials answer 403 with a stable code (CORDON_ERR_PURPOSE_REQUIRED, CORDON_ERR_NO_ASSIGNMENT, CORDON_ERR_QUOTA_EXCEEDED, CORDON_ERR_ACCOUNT_INACTIVE, CORDON_ERR_OUTSIDE_WINDOW, …) and are ledgered like grants.',
          tags: ['access'],
          body: z.strictObject({
            customerId: z.string().optional(),
            orderId: z.string().optional(),
            fields: z.array(z.enum(revealableFields)),
            purpose: z.string().optional(),
            reference: z.string().optional(),
            breakGlass: z.strictObject({ justification: z.string() }).optional(),
          }),
          response: { 200: revealResponseSchema, 429: errorResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const ctx = await contextFor(request, deps.auth);
        const result = presentReveal(await deps.access.reveal(ctx, request.body));
        reply.header('cache-control', 'no-store');
        return result;
      },
    );

    app.get(
      '/v1/break-glass',
      {
        schema: {
          summary: 'Break-glass uses (pending review first)',
          tags: ['access'],
          querystring: z.object({ status: z.enum(['pending', 'justified', 'unjustified']).optional() }),
          response: { 200: z.object({ items: z.array(breakGlassResponseSchema) }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return {
          items: (await deps.access.listBreakGlass(ctx, request.query.status)).map(presentBreakGlass),
        };
      },
    );

    app.post(
      '/v1/break-glass/:id/review',
      {
        attachValidation: true,
        schema: {
          summary: 'The mandatory review of a break-glass use, by a second person',
          tags: ['access'],
          params: z.object({ id: z.string().min(1).max(64) }),
          body: z.strictObject({ outcome: z.enum(['justified', 'unjustified']), note: z.string() }),
          response: { 200: breakGlassResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return presentBreakGlass(await deps.access.reviewBreakGlass(ctx, request.params.id, request.body));
      },
    );

    app.get(
      '/v1/alerts',
      {
        schema: {
          summary: 'Security alerts (break-glass uses and, with watch, insider alerts)',
          tags: ['access'],
          response: { 200: z.object({ items: z.array(alertResponseSchema) }), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return { items: (await deps.access.listAlerts(ctx)).map(presentAlert) };
      },
    );
  };
