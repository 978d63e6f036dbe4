import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';
import { presentReveal, revealResponseSchema } from '../../presenters/access.presenter';
import { renderWaybillPdf } from '../../presenters/waybill.pdf';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
};

/** Privacy waybills: a masked PDF label with a signed QR token, and the courier's resolve. */
export const waybillRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/orders/:id/waybill',
      {
        schema: {
          summary:
            'PDF shipping label: masked receiver, district-level address, sort code, QR with a signed expiring token',
          tags: ['waybill'],
          params: z.object({ id: z.string().min(1).max(64) }),
          querystring: z.object({ sender: z.string().max(64).optional() }),
          response: { 200: z.any().describe('application/pdf'), ...errors },
        },
      },
      async (request, reply) => {
        const ctx = await contextFor(request, deps.auth);
        const label = await deps.waybills.label(ctx, request.params.id);
        const pdf = await renderWaybillPdf({
          orderId: label.orderId,
          receiver: label.receiver,
          sortCode: label.sortCode,
          sender: { name: request.query.sender ?? 'Cordon Shop', city: '' },
          itemCount: label.itemCount,
          qrPayload: label.token,
          issuedAt: label.issuedAt,
          expiresAt: label.expiresAt,
        });
        reply.header('content-type', 'application/pdf');
        reply.header('cache-control', 'no-store');
        reply.header('content-disposition', `inline; filename="waybill-${label.orderId}.pdf"`);
        return reply.send(Buffer.from(pdf));
      },
    );

    app.post(
      '/v1/waybill/resolve',
      {
        attachValidation: true,
        schema: {
          summary:
            "The courier's scan: the full receiver address, only for their own delivery inside its window",
          tags: ['waybill'],
          body: z.strictObject({ token: z.string() }),
          response: { 200: revealResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const ctx = await contextFor(request, deps.auth);
        const result = presentReveal(await deps.waybills.resolve(ctx, request.body));
        reply.header('cache-control', 'no-store');
        return result;
      },
    );
  };
