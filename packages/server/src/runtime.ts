import {
  ApiKeyService,
  type CordonConfig,
  CordonError,
  KeyRotationService,
  LedgerService,
  type LocalKeyring,
  signNote,
  systemClock,
  VaultService,
} from '@cordon/core';
import {
  cryptoRandom,
  type Database,
  KyselyUnitOfWork,
  loadKeyProvider,
  openDatabase,
  repositoriesFor,
} from '@cordon/storage';

/** The services of one Cordon process, wired once at start-up (the composition root). */
export interface Runtime {
  config: CordonConfig;
  database: Database;
  keys: LocalKeyring;
  uow: KyselyUnitOfWork;
  vault: VaultService;
  apiKeys: ApiKeyService;
  rotation: KeyRotationService;
  ledger: LedgerService;
  close(): Promise<void>;
}

/**
 * Opens the database, loads the keyring and checks that they belong together. The first start binds
 * the keyring to the database; a later start with another keyring is refused before anything is read.
 */
export async function openRuntime(config: CordonConfig): Promise<Runtime> {
  const keys = loadKeyProvider(config.keyringPath);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: `${config.dataDir}/pgdata`,
  });
  return bindRuntime(config, database, keys);
}

/** Binds a keyring to an open database (refusing a mismatch) and wires the services. */
export async function bindRuntime(
  config: CordonConfig,
  database: Database,
  keys: LocalKeyring,
): Promise<Runtime> {
  try {
    const meta = repositoriesFor(database.db).meta;
    const bound = await meta.get('keyring_id');
    if (bound === undefined) await meta.set('keyring_id', keys.keyringId);
    else if (bound !== keys.keyringId) {
      throw new CordonError(
        'CORDON_ERR_KEY_MISMATCH',
        `The keyring at ${config.keyringPath} (${keys.keyringId}) is not the one this database was created with (${bound}). Set CORDON_KEYRING to that keyring.`,
        { path: config.keyringPath },
      );
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const uow = new KyselyUnitOfWork(database.db);
  const signer = keys.noteSignerKey();
  const vault = new VaultService({
    uow,
    keys,
    clock: systemClock,
    random: cryptoRandom,
    signNote: (text) => signNote(text, [signer]),
  });
  const ledger = new LedgerService({
    uow,
    clock: systemClock,
    signerKey: signer,
    checkpointEvery: config.checkpointEvery,
    checkpointSeconds: config.checkpointSeconds,
    retentionDays: config.retentionDays,
  });
  return {
    config,
    database,
    keys,
    uow,
    vault,
    apiKeys: new ApiKeyService({ uow, clock: systemClock, random: cryptoRandom }),
    rotation: new KeyRotationService({ uow, keys, clock: systemClock }),
    ledger,
    close: async () => {
      ledger.stop();
      await database.close();
    },
  };
}
