import { parseArgs } from 'node:util';
import { accessBench } from './access.bench';
import { BENCH_DATABASE_URL } from './bench-server';
import { ledgerBench } from './ledger.bench';
import { type Figure, formatFigure, passes } from './report';
import { riskBench } from './risk.bench';
import { traceBench } from './trace.bench';
import { vaultBench } from './vault.bench';
import { watchBench } from './watch.bench';

/**
 * `npm run bench`: every figure is measured in this run and printed beside its target or peer.
 * `--quick` shrinks sizes for a smoke run; `--only vault|ledger|access|trace|risk|watch` runs one suite; `--json` for scripts.
 */
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-postgres': { type: 'boolean', default: false },
  },
});
const showProgress = !values.json && !process.env.CI && Boolean(process.stderr.isTTY);
const figures: Figure[] = [];
const header = `cordon bench — node ${process.version}, ${new Date().toISOString()}, PostgreSQL at ${BENCH_DATABASE_URL.replace(/\/\/[^@/]*@/, '//')}`;
if (!values.json) process.stdout.write(`${header}\n`);
const print = (fs: Figure[]) => {
  figures.push(...fs);
  if (!values.json) for (const f of fs) process.stdout.write(`${formatFigure(f)}\n`);
};
if (!values.only || values.only === 'vault') {
  print(
    await vaultBench({
      customers: values.quick ? 2_000 : 20_000,
      seconds: values.quick ? 3 : 10,
      showProgress,
      postgres: !values['no-postgres'],
    }),
  );
}
if (!values.only || values.only === 'ledger') {
  print(await ledgerBench({ quick: values.quick, showProgress, postgres: !values['no-postgres'] }));
}
if (!values.only || values.only === 'access') {
  print(
    await accessBench({
      agents: 200,
      ticketsPerAgent: values.quick ? 10 : 100,
      seconds: values.quick ? 3 : 10,
      connections: 16,
      showProgress,
      postgres: !values['no-postgres'],
    }),
  );
}
if (!values.only || values.only === 'watch') {
  print(
    await watchBench({
      probes: values.quick ? 5 : 20,
      backgroundPerSecond: 2000,
      showProgress,
      postgres: !values['no-postgres'],
    }),
  );
}
if (!values.only || values.only === 'trace') {
  print(
    await traceBench({
      customers: values.quick ? 5_000 : 100_000,
      agents: values.quick ? 10 : 20,
      harvesterReveals: values.quick ? 60 : 120,
      revealsPerAgent: values.quick ? 20 : 40,
      canaries: 50,
      canaryCalls: 200,
      samples: values.quick ? 3 : 5,
      fileRows: values.quick ? 10_000 : 100_000,
      maskedRows: values.quick ? 50 : 200,
      showProgress,
      postgres: !values['no-postgres'],
    }),
  );
}
if (!values.only || values.only === 'risk') {
  print(
    await riskBench({
      orders: values.quick ? 20_000 : 100_000,
      batch: 100,
      seconds: values.quick ? 3 : 10,
      connections: 64,
      showProgress,
      postgres: !values['no-postgres'],
      redisUrl: process.env.CORDON_REDIS_URL ?? 'redis://127.0.0.1:6379',
    }),
  );
}
if (values.json)
  process.stdout.write(
    `${JSON.stringify({ header, figures: figures.map((f) => ({ ...f, pass: passes(f) })) }, null, 2)}\n`,
  );
const failed = figures.filter((f) => passes(f) === false);
if (!values.json)
  process.stdout.write(
    failed.length ? `${failed.length} figure(s) miss their target\n` : 'all targets met\n',
  );
process.exit(0);
