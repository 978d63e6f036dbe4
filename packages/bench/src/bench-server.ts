import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The `cordon` entry point the benchmarks run as child processes. */
export const CLI_MAIN = join(import.meta.dirname, '../../cli/src/main.ts');

/** Node flags that write a CPU profile when BENCH_PROFILE_DIR is set, for finding where time goes. */
export function profileFlags(): string[] {
  return process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
}

/**
 * Starts `cordon serve` in its own process (as in production), so the load generator does not share
 * its event loop. `stop` waits for the exit, so the schema can be dropped and a profile is written.
 */
export async function startBenchServer(
  env: Record<string, string>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, [...profileFlags(), '--import', 'tsx', CLI_MAIN, 'serve'], {
    env: { ...process.env, ...env, CORDON_PORT: String(port), CORDON_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return {
        url,
        stop: async () => {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        },
      };
    }
  }
  child.kill('SIGKILL');
  throw new Error('the benchmark server did not start');
}
