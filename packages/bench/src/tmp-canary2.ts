import type { RequestContext } from '@cordon/core';
import { testRuntime } from '@cordon/server';
import { openDatabase, readKeyringFile, repositoriesFor, TEST_DATABASE_URL } from '@cordon/storage';
import { sql } from 'kysely';
const [schema, keyringPath] = process.argv.slice(2) as [string, string];
const ctx: RequestContext = { actor: { type: 'system', id: 'bench', role: 'operator' }, scopes: ['admin'], requestId: 'p', clientAddress: '127.0.0.1' };
const pgDb = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 2 });
const rt = await testRuntime(pgDb, {}, readKeyringFile(keyringPath));
const can = (await sql<{ customer_id: string }>`select customer_id from canaries where export_id is not null`.execute(pgDb.db)).rows;
const phones: string[] = [];
for (const c of can) phones.push((await rt.vault.revealFields(repositoriesFor(pgDb.db), { customerId: c.customer_id }, ['phone'])).phone ?? '');
const repos = repositoriesFor(pgDb.db);
const parts: Record<string, number[]> = {};
const wrap = (obj: any, name: string, label: string) => { const f = obj[name].bind(obj); obj[name] = async (...a: any[]) => { const t = performance.now(); try { return await f(...a); } finally { (parts[label] ??= []).push(performance.now() - t); } }; };
const ms: number[] = [];
for (let k = 0; k < 205; k++) {
  const t = performance.now();
  await rt.canaries.hit(ctx, { value: phones[k % phones.length], channel: 'call', at: new Date().toISOString() });
  if (k >= 5) ms.push(performance.now() - t);
}
ms.sort((a, b) => a - b);
console.log('in-process hit: p50', ms[99]?.toFixed(1), 'p90', ms[179]?.toFixed(1), 'p99', ms[197]?.toFixed(1), 'max', ms[199]?.toFixed(1));
// parts, directly
for (const [label, f] of [
  ['findCanaries', () => repos.trace.findCanaries({ phoneBidx: [rt.vault.indexFor('phone', phones[0]!)!] })],
  ['ledgerAccess', () => repos.trace.ledgerAccess([can[0]!.customer_id])],
  ['eventAccess', () => repos.trace.eventAccess([can[0]!.customer_id])],
] as const) {
  const xs: number[] = [];
  for (let i = 0; i < 50; i++) { const t = performance.now(); await (f as () => Promise<unknown>)(); xs.push(performance.now() - t); }
  xs.sort((a, b) => a - b);
  console.log(label, 'p50', xs[24]?.toFixed(1), 'max', xs[49]?.toFixed(1));
}
await rt.close();
process.exit(0);
