import { randomUUID } from 'node:crypto';
import type {
  AccessService,
  ApiKeyService,
  AuthService,
  CanaryService,
  ExportService,
  IncidentService,
  LedgerService,
  RiskService,
  StaffService,
  TraceService,
  VaultService,
  WatchService,
  WaybillService,
} from '@cordon/core';
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
import { accessRoutes } from './routes/access/access.routes';
import { authRoutes } from './routes/access/auth.routes';
import { exportRoutes } from './routes/access/export.routes';
import { staffRoutes } from './routes/access/staff.routes';
import { waybillRoutes } from './routes/access/waybill.routes';
import { ledgerRoutes } from './routes/ledger/ledger.routes';
import { riskRoutes } from './routes/risk/risk.routes';
import { traceRoutes } from './routes/trace/trace.routes';
import { vaultRoutes } from './routes/vault/vault.routes';
import { watchRoutes } from './routes/watch/watch.routes';

/** Everything the HTTP layer needs; built by the composition root (runtime.ts) or by tests. */
export interface AppDeps {
  vault: VaultService;
  apiKeys: ApiKeyService;
  ledger: LedgerService;
  access: AccessService;
  auth: AuthService;
  staff: StaffService;
  exports: ExportService;
  waybills: WaybillService;
  watch: WatchService;
  canaries: CanaryService;
  traces: TraceService;
  incidents: IncidentService;
  risk: RiskService;
  /** Whether the session cookie carries `Secure` (off only for plain-HTTP development). */
  secureCookies: boolean;
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

/** The services of a runtime, as the app needs them. */
export function appDeps(
  runtime: Pick<
    AppDeps,
    | 'vault'
    | 'apiKeys'
    | 'ledger'
    | 'access'
    | 'auth'
    | 'staff'
    | 'exports'
    | 'waybills'
    | 'watch'
    | 'canaries'
    | 'traces'
    | 'incidents'
    | 'risk'
  > & { config: { secureCookies: boolean } },
  logger?: FastifyServerOptions['logger'],
): AppDeps {
  return {
    vault: runtime.vault,
    apiKeys: runtime.apiKeys,
    ledger: runtime.ledger,
    access: runtime.access,
    auth: runtime.auth,
    staff: runtime.staff,
    exports: runtime.exports,
    waybills: runtime.waybills,
    watch: runtime.watch,
    canaries: runtime.canaries,
    traces: runtime.traces,
    incidents: runtime.incidents,
    risk: runtime.risk,
    secureCookies: runtime.config.secureCookies,
    logger,
  };
}

/** Builds the Fastify app without listening, so tests drive it through `inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger = deps.logger === undefined ? { level: 'info' } : deps.logger;
  const app = Fastify({
    logger: logger === false ? false : { ...(logger === true ? {} : logger), serializers },
    genReqId: () => randomUUID(),
    bodyLimit: 64 * 1024 * 1024,
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
  await app.register(authRoutes(deps));
  await app.register(staffRoutes(deps));
  await app.register(accessRoutes(deps));
  await app.register(exportRoutes(deps));
  await app.register(waybillRoutes(deps));
  await app.register(watchRoutes(deps));
  await app.register(traceRoutes(deps));
  await app.register(riskRoutes(deps));
  return app;
}
