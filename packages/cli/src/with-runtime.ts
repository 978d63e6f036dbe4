import { openRuntime, type Runtime } from '@cordon/server';
import { loadConfig } from './cli-context';
import { fail } from './output';

/** Opens the embedded runtime for one command, closes it, and prints any failure with its code. */
export async function withRuntime(json: boolean, fn: (runtime: Runtime) => Promise<void>): Promise<void> {
  let runtime: Runtime | undefined;
  let failure: unknown;
  try {
    runtime = await openRuntime(loadConfig());
    await fn(runtime);
  } catch (error) {
    failure = error;
  }
  await runtime?.close();
  if (failure !== undefined) fail(failure, json);
}
