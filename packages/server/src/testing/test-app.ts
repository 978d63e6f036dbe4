import { type Database, disposeDatabase, openDatabase, resetDatabase } from '@cordon/storage';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { appDeps, buildApp } from '../app';
import type { Runtime } from '../runtime';
import { adminKey, testRuntime } from './test-runtime';

/** What each test sees; the fields are replaced before every test. */
export interface TestApp {
  database: Database;
  runtime: Runtime;
  app: FastifyInstance;
  /** Authorization header of a fresh admin API key. */
  headers: { authorization: string };
  /** Base URL when `listen` was asked for. */
  url: string;
}

/**
 * Registers the Vitest hooks for an HTTP test file: one in-memory PGlite for the file (its first
 * open is the slow part), emptied before each test, with a fresh runtime, admin key and app.
 */
export function useTestApp(
  options: { logger?: FastifyServerOptions['logger']; listen?: boolean } = {},
): TestApp {
  const t = {} as TestApp;
  beforeAll(async () => {
    t.database = await openDatabase({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await t.app?.close();
    await disposeDatabase(t.database);
  });
  beforeEach(async () => {
    await t.app?.close();
    await resetDatabase(t.database);
    t.runtime = await testRuntime(t.database);
    t.headers = { authorization: `Bearer ${await adminKey(t.runtime)}` };
    t.app = await buildApp(appDeps(t.runtime, options.logger ?? false));
    if (options.listen) {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      t.url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    }
  });
  return t;
}
