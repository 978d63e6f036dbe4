import { type CordonConfig, type KeyringFile, LocalKeyring, parseConfig, systemClock } from '@cordon/core';
import { cryptoRandom, type Database, newKeyring, repositoriesFor } from '@cordon/storage';
import { bindRuntime, type Runtime } from '../runtime';

/** A runtime over an already-open test database with a fresh in-memory keyring. */
export async function testRuntime(
  database: Database,
  overrides: Partial<CordonConfig> = {},
  keyring?: KeyringFile,
): Promise<Runtime> {
  const config = { ...parseConfig({}, '/tmp/cordon-test'), ...overrides };
  const keys = new LocalKeyring(keyring ?? newKeyring(systemClock.now(), config.ledgerOrigin), cryptoRandom);
  // Tests swap keyrings on one database on purpose (rotation); production refuses that in bindRuntime.
  await repositoriesFor(database.db).meta.set('keyring_id', keys.keyringId);
  const runtime = await bindRuntime(config, database, keys);
  // Tests own the database's lifetime (one per file), so closing a runtime must not close it.
  return {
    ...runtime,
    close: async () => {
      runtime.ledger.stop();
      await runtime.watcher.stop();
    },
  };
}

/** An admin API key for tests, created through the service like any other. */
export async function adminKey(runtime: Runtime): Promise<string> {
  const created = await runtime.apiKeys.create(
    { actor: { type: 'system', id: 'test', role: 'operator' }, scopes: ['admin'], requestId: 'test-setup' },
    { name: 'test-admin', scopes: ['admin'] },
  );
  return created.key;
}
