import { type ApiKeyService, CordonError, type RequestContext } from '@cordon/core';
import type { FastifyRequest } from 'fastify';

const PURPOSE = /^[a-z][a-z0-9_]{0,63}$/;
const REFERENCE = /^[\x21-\x7e]{1,128}$/;

/**
 * Builds the request context from the bearer credential and the optional purpose/reference headers.
 * Every route that touches customer data takes one, so its ledger entry has an actor.
 */
export async function contextFor(request: FastifyRequest, apiKeys: ApiKeyService): Promise<RequestContext> {
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const { actor, scopes } = await apiKeys.authenticate(token);
  const purpose = headerValue(request, 'x-cordon-purpose');
  const reference = headerValue(request, 'x-cordon-reference');
  if (purpose !== undefined && !PURPOSE.test(purpose)) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      'X-Cordon-Purpose must be a lower-case word such as customer_support.',
      {
        field: 'X-Cordon-Purpose',
      },
    );
  }
  if (reference !== undefined && !REFERENCE.test(reference)) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      'X-Cordon-Reference must be 1–128 printable characters (a ticket, delivery or request id).',
      {
        field: 'X-Cordon-Reference',
      },
    );
  }
  return {
    actor,
    scopes,
    purpose,
    reference,
    clientAddress: request.ip,
    requestId: String(request.id),
  };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
