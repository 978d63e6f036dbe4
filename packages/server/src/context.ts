import { type AuthService, CordonError, containsPersonalNumber, type RequestContext } from '@cordon/core';
import type { FastifyRequest } from 'fastify';

const PURPOSE = /^[a-z][a-z0-9_]{0,63}$/;
const REFERENCE = /^[\x21-\x7e]{1,128}$/;

export const SESSION_COOKIE = 'cordon_session';

/** The value of one cookie from the Cookie header, if present. */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Builds the request context from the credential (a bearer API key or staff token, else the staff
 * session cookie) and the optional purpose/reference headers. Every route that touches customer data
 * takes one, so its ledger entry has an actor.
 */
export async function contextFor(request: FastifyRequest, auth: AuthService): Promise<RequestContext> {
  const header = request.headers.authorization;
  const session = cookieValue(request, SESSION_COOKIE);
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const { actor, scopes } =
    header === undefined && session !== undefined
      ? await auth.authenticateSession(session)
      : await auth.authenticateBearer(token);
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
  if (reference !== undefined && (!REFERENCE.test(reference) || containsPersonalNumber(reference))) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      'X-Cordon-Reference must be 1–128 printable characters (a ticket, delivery or request id), never a phone or ID number.',
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
