import type { ApiKeyService, RequestContext } from '@cordon/core';
import type { FastifyRequest } from 'fastify';

const PURPOSE = /^[a-z][a-z0-9_]{0,63}$/;

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
  return {
    actor,
    scopes,
    purpose: purpose && PURPOSE.test(purpose) ? purpose : undefined,
    reference: reference && reference.length <= 128 ? reference : undefined,
    clientAddress: request.ip,
    requestId: String(request.id),
  };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
