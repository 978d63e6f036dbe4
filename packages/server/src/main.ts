import { isCordonError, parseConfig } from '@cordon/core';
import type { FastifyInstance } from 'fastify';
import { appDeps, buildApp } from './app';
import { openRuntime, type Runtime } from './runtime';

/** Builds the app on a runtime, starts the checkpointer, listens, and shuts down cleanly on SIGINT/SIGTERM. */
export async function startServer(
  runtime: Runtime,
  options: { quiet?: boolean } = {},
): Promise<FastifyInstance> {
  const app = await buildApp(
    appDeps(
      runtime,
      runtime.config.logLevel === 'silent' || options.quiet ? false : { level: runtime.config.logLevel },
    ),
  );
  runtime.ledger.startCheckpointer();
  if (runtime.config.watch) runtime.watcher.start();
  const address = await app.listen({ host: runtime.config.host, port: runtime.config.port });
  process.stderr.write(`cordon listening on ${address} (docs at ${address}/docs)\n`);
  const stop = async () => {
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return app;
}

/** Entry point when run directly: `tsx packages/server/src/main.ts`. */
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const runtime = await openRuntime(parseConfig(process.env, process.cwd()));
    await startServer(runtime);
  } catch (error) {
    process.stderr.write(
      isCordonError(error) ? `error ${error.code}: ${error.message}\n` : `error: ${String(error)}\n`,
    );
    process.exit(1);
  }
}
