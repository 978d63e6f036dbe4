import { CordonError } from '@cordon/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { contextFor } from '../../context';
import { errorResponseSchema } from '../../errors';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const seqNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const entryWithProofSchema = z.object({
  seq: z.number(),
  body: z.string().describe('canonical entry bytes, base64'),
  entry: z.record(z.string(), z.unknown()),
  proof: z.array(z.string()),
});

/**
 * Ledger routes. The checkpoint, the log key, entries and proofs are public by design (they hold ids,
 * never PII) so that witnesses, auditors and customers can check the log without the shop's trust;
 * a customer's access history needs a credential with `ledger:read`.
 */
export const ledgerRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/ledger/checkpoint',
      {
        schema: {
          summary: 'Latest signed checkpoint (C2SP tlog-checkpoint note) with witness cosignatures',
          tags: ['ledger'],
          security: [],
        },
      },
      async (_request, reply) => {
        const cp = await deps.ledger.latestCheckpointNote();
        reply.header('content-type', 'text/plain; charset=utf-8');
        return cp.note;
      },
    );

    app.get(
      '/v1/ledger/key',
      {
        schema: { summary: 'The log verifier key (signed-note vkey format)', tags: ['ledger'], security: [] },
      },
      async (_request, reply) => {
        reply.header('content-type', 'text/plain; charset=utf-8');
        return `${deps.ledger.verifierKey}\n`;
      },
    );

    app.get(
      '/v1/ledger/entries',
      {
        schema: {
          summary: 'Entries [from, to), at most 1,000',
          tags: ['ledger'],
          security: [],
          querystring: z.object({ from: seqNumber, to: seqNumber }),
          response: {
            200: z.object({
              entries: z.array(
                z.object({
                  seq: z.number(),
                  leafHash: z.string(),
                  entry: z.record(z.string(), z.unknown()).nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({ entries: await deps.ledger.entries(request.query.from, request.query.to) }),
    );

    app.get(
      '/v1/ledger/entries/:seq/proof',
      {
        schema: {
          summary: 'RFC 9162 inclusion proof of an entry in the tree of the given size',
          tags: ['ledger'],
          security: [],
          params: z.object({ seq: seqNumber }),
          querystring: z.object({ size: seqNumber }),
          response: {
            200: z.object({
              leafIndex: z.number(),
              treeSize: z.number(),
              leafHash: z.string(),
              proof: z.array(z.string()),
            }),
            ...errors,
          },
        },
      },
      async (request) => deps.ledger.inclusionProof(request.params.seq, request.query.size),
    );

    app.get(
      '/v1/ledger/consistency',
      {
        schema: {
          summary: 'RFC 9162 consistency proof between two tree sizes',
          tags: ['ledger'],
          security: [],
          querystring: z.object({ from: seqNumber, to: seqNumber }),
          response: {
            200: z.object({ first: z.number(), second: z.number(), proof: z.array(z.string()) }),
            ...errors,
          },
        },
      },
      async (request) => deps.ledger.consistencyProof(request.query.from, request.query.to),
    );

    app.post(
      '/v1/ledger/cosignatures',
      {
        schema: {
          summary: 'A witness submits its C2SP tlog-cosignature for one of this log’s checkpoints',
          tags: ['ledger'],
          security: [],
          body: z.strictObject({
            checkpoint: z.string().max(10_000),
            cosignature: z.string().max(1_000),
            witnessKey: z.string().max(300),
          }),
          response: { 200: z.object({ size: z.number(), witness: z.string() }), ...errors },
        },
      },
      async (request) =>
        deps.ledger.addCosignature(
          request.body.checkpoint,
          request.body.cosignature,
          request.body.witnessKey,
        ),
    );

    app.get(
      '/v1/customers/:id/access-history',
      {
        schema: {
          summary:
            'Every ledger entry about a customer, each with its inclusion proof against a signed checkpoint',
          tags: ['ledger'],
          params: z.object({ id: z.string().min(1).max(64) }),
          response: {
            200: z.object({
              checkpoint: z.string(),
              treeSize: z.number(),
              entries: z.array(entryWithProofSchema),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const ctx = await contextFor(request, deps.auth);
        if (!ctx.scopes.includes('ledger:read') && !ctx.scopes.includes('admin')) {
          throw new CordonError('CORDON_ERR_FORBIDDEN', 'This credential lacks the "ledger:read" scope.', {
            scope: 'ledger:read',
          });
        }
        return deps.ledger.accessHistory(ctx, request.params.id);
      },
    );
  };
