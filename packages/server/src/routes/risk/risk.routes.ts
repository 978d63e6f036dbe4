import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';
import {
  appealSchema,
  decisionSchema,
  presentDecision,
  reviewItemSchema,
  ruleSchema,
} from '../../presenters/risk.presenter';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};

const idParam = z.object({ orderId: z.string().min(1).max(64) });
const body = z.unknown().describe('validated by the service; errors name the field');

/**
 * Risk: order scoring, rules, promotions, the review queue, and the customer's explanation and appeal.
 * Request bodies are validated by the service so that errors name the full field path.
 */
export const riskRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/risk/score',
      {
        schema: {
          summary:
            'Score one order ({order, context}) or a batch ({orders: [{order, context}, …]}, up to 1,000)',
          tags: ['risk'],
          body,
          response: {
            200: z.union([decisionSchema, z.object({ results: z.array(decisionSchema) })]),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const ctx = await contextFor(request, deps.auth);
        const { batch, results } = await deps.risk.score(ctx, request.body);
        // The hot path: the presenter picks the documented fields itself (an allowlist, like the
        // schema above) and the route sends the JSON text, skipping a second validation pass.
        const presented = results.map(presentDecision);
        return reply
          .type('application/json; charset=utf-8')
          .serializer(JSON.stringify)
          .send(batch ? { results: presented } : (presented[0] as (typeof presented)[number]));
      },
    );

    app.get(
      '/v1/risk/features',
      {
        schema: {
          summary: 'The declared feature schema rules are written against',
          tags: ['risk'],
          response: {
            200: z.object({
              features: z.array(z.object({ name: z.string(), type: z.string(), description: z.string() })),
            }),
          },
        },
      },
      async () => ({ features: [...deps.risk.features()] }),
    );

    app.get(
      '/v1/risk/rules',
      {
        schema: {
          summary: 'The current rule set: thresholds and every rule at its latest version',
          tags: ['risk'],
          response: {
            200: z.object({
              version: z.number(),
              thresholds: z.object({ review: z.number(), reject: z.number() }),
              rules: z.array(ruleSchema),
              broken: z
                .array(z.object({ id: z.string(), version: z.number(), error: z.string() }))
                .describe('stored rules that no longer compile; left out of scoring'),
            }),
            ...errors,
          },
        },
      },
      async (request) => deps.risk.listRules(await contextFor(request, deps.auth)),
    );

    app.put(
      '/v1/risk/rules/:ruleId',
      {
        schema: {
          summary: 'Create or change a rule (a new version); ?dryRun=true only checks it',
          tags: ['risk'],
          params: z.object({ ruleId: z.string().min(1).max(80) }),
          querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
          body,
          response: {
            200: z.object({ rule: ruleSchema, rulesetVersion: z.number(), dryRun: z.boolean() }),
            ...errors,
          },
        },
      },
      async (request) =>
        deps.risk.putRule(
          await contextFor(request, deps.auth),
          request.params.ruleId,
          request.body,
          request.query.dryRun === 'true',
        ),
    );

    app.get(
      '/v1/risk/rules/:ruleId/versions',
      {
        schema: {
          summary: 'Every version of a rule, oldest first',
          tags: ['risk'],
          params: z.object({ ruleId: z.string().min(1).max(80) }),
          response: {
            200: z.object({
              versions: z.array(
                z.object({
                  version: z.number(),
                  seq: z.number(),
                  body: z.unknown(),
                  changedAt: z.string(),
                  changedBy: z.string(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({
        versions: (
          await deps.risk.ruleHistory(await contextFor(request, deps.auth), request.params.ruleId)
        ).map((v) => ({ ...v, changedAt: v.changedAt.toISOString() })),
      }),
    );

    app.put(
      '/v1/risk/thresholds',
      {
        schema: {
          summary: 'Set the review and reject score thresholds (a new rule set version)',
          tags: ['risk'],
          body,
          response: {
            200: z.object({ review: z.number(), reject: z.number(), rulesetVersion: z.number() }),
            ...errors,
          },
        },
      },
      async (request) => deps.risk.putThresholds(await contextFor(request, deps.auth), request.body),
    );

    app.get(
      '/v1/risk/promotions',
      {
        schema: {
          summary: 'Promotions the engine knows',
          tags: ['risk'],
          response: { 200: z.unknown(), ...errors },
        },
      },
      async (request) => ({
        promotions: await deps.risk.listPromotions(await contextFor(request, deps.auth)),
      }),
    );

    app.put(
      '/v1/risk/promotions/:promotionId',
      {
        schema: {
          summary:
            'Create or change a promotion: SKUs, window, stock, caps, coupon budget, price-error policy',
          tags: ['risk'],
          params: z.object({ promotionId: z.string().min(1).max(64) }),
          body,
          response: { 200: z.unknown(), ...errors },
        },
      },
      async (request) =>
        deps.risk.putPromotion(
          await contextFor(request, deps.auth),
          request.params.promotionId,
          request.body,
        ),
    );

    app.put(
      '/v1/risk/list-prices',
      {
        schema: {
          summary: 'Set everyday list prices per SKU ({prices: [{sku, listPrice}]}) for price-error checks',
          tags: ['risk'],
          body,
          response: { 200: z.object({ updated: z.number() }), ...errors },
        },
      },
      async (request) => deps.risk.putListPrices(await contextFor(request, deps.auth), request.body),
    );

    app.get(
      '/v1/risk/reviews',
      {
        schema: {
          summary: 'The review queue: orders held for review, oldest first',
          tags: ['risk'],
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(500).optional(),
            after: z.string().max(200).optional(),
          }),
          response: {
            200: z.object({ items: z.array(reviewItemSchema), next: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const page = await deps.risk.pendingReviews(await contextFor(request, deps.auth), {
          limit: request.query.limit,
          after: request.query.after,
        });
        return {
          next: page.next,
          items: page.items.map((d) => ({
            ...d,
            orderTime: d.orderTime.toISOString(),
            decidedAt: d.decidedAt.toISOString(),
          })),
        };
      },
    );

    app.post(
      '/v1/risk/reviews/:orderId',
      {
        schema: {
          summary: 'Decide a held order: {outcome: accept|reject, reason}',
          tags: ['risk'],
          params: idParam,
          body,
          response: { 200: z.object({ orderId: z.string(), outcome: z.string() }), ...errors },
        },
      },
      async (request) =>
        deps.risk.decideReview(await contextFor(request, deps.auth), request.params.orderId, request.body),
    );

    app.get(
      '/v1/risk/orders/:orderId/explanation',
      {
        schema: {
          summary:
            "What the customer is told about their order's decision, in plain words, and whether they can appeal",
          tags: ['risk'],
          params: idParam,
          response: {
            200: z.object({
              orderId: z.string(),
              status: z.enum(['accepted', 'under_review', 'rejected']),
              explanation: z.object({ zh: z.array(z.string()), en: z.array(z.string()) }),
              decidedAt: z.string(),
              appeal: z.object({
                state: z.string(),
                deadline: z.string().optional(),
                filedAt: z.string().optional(),
                outcome: z.string().optional(),
                reason: z.string().optional(),
                decidedAt: z.string().optional(),
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => deps.risk.explain(await contextFor(request, deps.auth), request.params.orderId),
    );

    app.post(
      '/v1/risk/orders/:orderId/appeal',
      {
        schema: {
          summary: 'The customer appeals a rejection within the appeal window: {statement}',
          tags: ['risk'],
          params: idParam,
          body,
          response: { 200: z.object({ orderId: z.string(), status: z.string() }), ...errors },
        },
      },
      async (request) =>
        deps.risk.fileAppeal(await contextFor(request, deps.auth), request.params.orderId, request.body),
    );

    app.get(
      '/v1/risk/appeals',
      {
        schema: {
          summary: 'Open appeals, oldest first',
          tags: ['risk'],
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }),
          response: { 200: z.object({ items: z.array(appealSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await deps.risk.openAppeals(await contextFor(request, deps.auth), request.query.limit)).map(
          (a) => ({
            ...a,
            filedAt: a.filedAt.toISOString(),
          }),
        ),
      }),
    );

    app.post(
      '/v1/risk/appeals/:orderId',
      {
        schema: {
          summary:
            'Decide an appeal: {outcome: upheld|overturned, reason}; the reason is shown to the customer',
          tags: ['risk'],
          params: idParam,
          body,
          response: { 200: z.object({ orderId: z.string(), outcome: z.string() }), ...errors },
        },
      },
      async (request) =>
        deps.risk.decideAppeal(await contextFor(request, deps.auth), request.params.orderId, request.body),
    );

    app.get(
      '/v1/risk/labels',
      {
        schema: {
          summary: "People's decisions (decided appeals, then reviews) as labels for backtests",
          tags: ['risk'],
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(10_000).optional(),
            after: z.string().max(64).optional(),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  orderId: z.string(),
                  abusive: z.boolean(),
                  source: z.string(),
                  decidedAt: z.string(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({
        items: (
          await deps.risk.labels(await contextFor(request, deps.auth), {
            limit: request.query.limit,
            after: request.query.after,
          })
        ).map((l) => ({ ...l, decidedAt: l.decidedAt.toISOString() })),
      }),
    );
  };
