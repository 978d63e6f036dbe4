import { randomUUID } from 'node:crypto';
import type { ApiKeyService, LedgerService, VaultService } from '@cordon/core';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errorHandler } from './errors';
import { ledgerRoutes } from './routes/ledger/ledger.routes';
import { vaultRoutes } from './routes/vault/vault.routes';

/** Everything the HTTP layer needs; built by the composition root (runtime.ts) or by tests. */
export interface AppDeps {
  vault: VaultService;
  apiKeys: ApiKeyService;
  ledger: LedgerService;
  /** Fastify logger options; the default logs JSON lines at info. `false` silences. */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Request log lines carry method, path (never the query string: it may hold a phone number), status and
 * timing. Bodies are never logged.
 */
const serializers = {
  req: (req: { method: string; url: string; id: string }) => ({
    method: req.method,
    path: req.url.split('?')[0],
    id: req.id,
  }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/** Builds the Fastify app without listening, so tests drive it through `inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger = deps.logger === undefined ? { level: 'info' } : deps.logger;
  const app = Fastify({
    logger: logger === false ? false : { ...(logger === true ? {} : logger), serializers },
    genReqId: () => randomUUID(),
    bodyLimit: 8 * 1024 * 1024,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: {
        code: 'CORDON_ERR_NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        hint: 'See /docs for the API.',
        details: {},
        requestId: String(request.id),
      },
    });
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Cordon API',
        version: '0.1.0',
        description: 'Encrypted customer-data vault with a verifiable access ledger.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  await app.register(vaultRoutes(deps));
  await app.register(ledgerRoutes(deps));
  return app;
}
