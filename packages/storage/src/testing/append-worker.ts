/**
 * Child process for the concurrency test: appends entries to a shared PostgreSQL ledger as fast as
 * it can, so two of these racing must still produce one gap-free log and one tree.
 */

import { openDatabase } from '../database';
import { KyselyUnitOfWork } from '../unit-of-work';

const [url, schema, name, countArg, batchArg] = process.argv.slice(2);
const count = Number(countArg);
const batch = Number(batchArg);
const database = await openDatabase({ databaseUrl: url, schema, poolSize: 2 });
const uow = new KyselyUnitOfWork(database.db);
for (let i = 0; i < count; i += batch) {
  await uow.run((repos) =>
    repos.ledger.append(
      Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({
        time: new Date(),
        actor: { type: 'system', id: `worker:${name}`, role: 'test' },
        action: 'view' as const,
        outcome: 'allowed' as const,
        customerIds: [`C${i + j}`],
        orderIds: [],
        fields: [],
        requestId: `${name}-${i + j}`,
      })),
    ),
  );
}
await database.close();
