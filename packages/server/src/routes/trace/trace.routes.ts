import { CordonError, canaryHitSchema, openIncidentSchema } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };

const hitResponseSchema = z.object({
  canary: z.string().nullable().describe('the canary customer id, or null when the value is no canary'),
  channel: z.string(),
  at: z.string(),
  exports: z.array(
    z.object({
      id: z.string(),
      requester: z.string(),
      approver: z.string().nullable(),
      recipient: z.string(),
      decidedAt: z.string().nullable(),
    }),
  ),
  people: z.array(z.object({ id: z.string(), first: z.string(), last: z.string() })),
  alertId: z.string().nullable(),
});

/** Trace: canary tripwires, leaked-list analysis and breach incidents. */
export const traceRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/canary/hits',
      {
        attachValidation: true,
        schema: {
          summary:
            "A tripwire from the shop's telephony, SMS, mail room or lockers: resolves the canary and its export",
          tags: ['trace'],
          body: canaryHitSchema,
          response: { 200: hitResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return deps.canaries.hit(ctx, request.body);
      },
    );

    app.post(
      '/v1/trace',
      {
        attachValidation: true,
        schema: {
          summary:
            'Analyse a leaked file (CSV any delimiter, UTF-8/GBK, XLSX, text or chat paste): our rows, canaries, ranked sources, affected customers',
          tags: ['trace'],
          body: z.strictObject({
            name: z.string().min(1).max(200),
            contentBase64: z.string().min(1).describe('the file, base64-encoded (up to ~45 MB)'),
          }),
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        const body = request.body as { name?: unknown; contentBase64?: unknown };
        if (typeof body?.name !== 'string' || typeof body.contentBase64 !== 'string') {
          throw new CordonError('CORDON_ERR_VALIDATION', 'Send {"name": "file.csv", "contentBase64": "…"}.', {
            field: 'body',
          });
        }
        const bytes = Buffer.from(body.contentBase64, 'base64');
        return (await deps.traces.analyze(ctx, bytes, body.name)) as unknown as Record<string, unknown>;
      },
    );

    app.post(
      '/v1/incidents',
      {
        attachValidation: true,
        schema: {
          summary:
            'Open a breach incident from a trace report: clocks, thresholds, notices, affected customers',
          tags: ['trace'],
          body: openIncidentSchema,
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return (await deps.incidents.open(ctx, request.body)) as unknown as Record<string, unknown>;
      },
    );

    app.get(
      '/v1/incidents',
      {
        schema: {
          summary: 'Breach incidents',
          tags: ['trace'],
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return { items: await deps.incidents.list(ctx) };
      },
    );

    app.get(
      '/v1/incidents/:id',
      {
        schema: {
          summary: 'An incident with its clocks (status now), log and a sample of affected customers',
          tags: ['trace'],
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 200: z.record(z.string(), z.unknown()), 404: errorResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return (await deps.incidents.get(ctx, request.params.id)) as unknown as Record<string, unknown>;
      },
    );

    app.post(
      '/v1/incidents/:id/status',
      {
        attachValidation: true,
        schema: {
          summary: 'Move an incident on: notified, contained, closed (with the resolution)',
          tags: ['trace'],
          params: z.object({ id: z.string().min(1).max(64) }),
          body: z.strictObject({ status: z.enum(['notified', 'contained', 'closed']), note: z.string() }),
          response: {
            200: z.record(z.string(), z.unknown()),
            404: errorResponseSchema,
            409: errorResponseSchema,
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        return (await deps.incidents.update(ctx, request.params.id, request.body)) as unknown as Record<
          string,
          unknown
        >;
      },
    );
  };
