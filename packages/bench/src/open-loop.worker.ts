import { parentPort, workerData } from 'node:worker_threads';
import { type OpenLoopJob, type OpenLoopJobResult, openLoop } from './open-loop';

/** The worker side of `openLoopInWorker`: runs the job and posts its result (or its error) back. */
const job = workerData as OpenLoopJob;
let i = 0;
let firstFailure: OpenLoopJobResult['firstFailure'];
openLoop({
  url: job.url,
  path: job.path,
  rate: job.rate,
  seconds: job.seconds,
  connections: job.connections,
  next: () => ({ headers: job.headers, body: job.bodies[i++ % job.bodies.length] as string }),
  onResponse: (status, body) => {
    if ((status < 200 || status >= 300) && firstFailure === undefined)
      firstFailure = { status, body: body.slice(0, 300) };
  },
}).then(
  (result) => parentPort?.postMessage({ result: { ...result, firstFailure } }),
  (error: unknown) =>
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
