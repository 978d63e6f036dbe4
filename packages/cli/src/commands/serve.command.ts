import { openRuntime, startServer } from '@cordon/server';
import type { Command } from 'commander';
import { loadConfig } from '../cli-context';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (OpenAPI at /docs) on CORDON_HOST:CORDON_PORT')
    .option('--port <port>', 'port (overrides CORDON_PORT)', (v) => Number(v))
    .action(async (opts: { port?: number }) => {
      const config = loadConfig();
      if (opts.port !== undefined) config.port = opts.port;
      const runtime = await openRuntime(config);
      await startServer(runtime);
    });
}
