import { CordonError, errorCatalog } from '@cordon/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    hint: z.string(),
    details: z.record(z.string(), z.unknown()),
    requestId: z.string(),
  }),
});

/** Maps every failure to the catalog; unexpected errors are logged by code and stack, never echoed. */
export function errorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  let cordon: CordonError;
  if (error instanceof CordonError) {
    cordon = error;
  } else if (hasZodFastifySchemaValidationErrors(error)) {
    const issue = error.validation[0];
    const where = `${error.validationContext ?? 'request'}${issue?.instancePath ? issue.instancePath.replaceAll('/', '.') : ''}`;
    cordon = new CordonError('CORDON_ERR_VALIDATION', `${where}: ${issue?.message ?? 'invalid'}`, {
      field: where,
    });
  } else if (
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode < 500 &&
    !isResponseSerializationError(error)
  ) {
    // Fastify's own 4xx (malformed JSON, body too large, media type). Their messages can quote the body
    // (V8's JSON.parse does), so a fixed message per status is sent instead of error.message.
    const status = error.statusCode;
    const message =
      status === 413
        ? 'The request body is too large.'
        : status === 415
          ? 'Send the body as application/json.'
          : 'The request is malformed (for a body: it must be valid UTF-8 JSON).';
    cordon = new CordonError('CORDON_ERR_VALIDATION', message, {
      fastifyCode: (error as FastifyError).code ?? null,
    });
    reply.status(status === 413 || status === 415 ? status : 400);
    reply.send({ error: { ...cordon.toJSON(), requestId: String(request.id) } });
    return;
  } else {
    // Only the type, code and the stack frames (not the message line, which may quote data) are logged.
    const frames = (error.stack ?? '').split('\n').slice(1).join('\n');
    request.log.error(
      { err: { type: error.name, code: (error as FastifyError).code, frames } },
      'unexpected error',
    );
    cordon = new CordonError('CORDON_ERR_INTERNAL');
  }
  if (cordon.code === 'CORDON_ERR_UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer realm="cordon"');
  reply
    .status(errorCatalog[cordon.code].status)
    .send({ error: { ...cordon.toJSON(), requestId: String(request.id) } });
}
