import { readFileSync } from 'node:fs';
import {
  AccessService,
  ApiKeyService,
  AuthService,
  CanaryService,
  type CordonConfig,
  CordonError,
  defaultPolicyPath,
  defaultRiskRulesPath,
  ExportService,
  entryFor,
  IncidentService,
  KeyRotationService,
  LedgerService,
  LiveWatcher,
  type LocalKeyring,
  MemoryRiskState,
  type Policy,
  policyFromText,
  RiskService,
  type RiskStateStore,
  StaffService,
  signNote,
  systemClock,
  TraceService,
  VaultService,
  WatchService,
  WaybillService,
} from '@cordon/core';
import {
  cryptoRandom,
  type Database,
  KyselyUnitOfWork,
  loadKeyProvider,
  openDatabase,
  RedisRiskState,
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
  access: AccessService;
  auth: AuthService;
  staff: StaffService;
  exports: ExportService;
  waybills: WaybillService;
  watch: WatchService;
  watcher: LiveWatcher;
  canaries: CanaryService;
  traces: TraceService;
  incidents: IncidentService;
  risk: RiskService;
  riskState: RiskStateStore;
  close(): Promise<void>;
}

/**
 * Reads and validates the access policy (the shipped default unless CORDON_POLICY names a file);
 * a policy with an error or a failing example stops the start with the line to fix.
 */
export function loadPolicy(path: string | undefined): Policy {
  const file = path ?? defaultPolicyPath;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CordonError('CORDON_ERR_CONFIG', `CORDON_POLICY: cannot read ${file}.`, {
      variable: 'CORDON_POLICY',
    });
  }
  return policyFromText(text, file);
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
  const runtime = await bindRuntime(config, database, keys);
  try {
    await recordPolicy(runtime.uow, runtime.access.policy, config.policyPath ?? 'default');
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return runtime;
}

/**
 * Records in the ledger which policy governs access from now on, whenever its digest differs from the
 * one last recorded: an auditor can tell which rules were in force for any entry.
 */
async function recordPolicy(uow: KyselyUnitOfWork, policy: Policy, source: string): Promise<void> {
  await uow.run(async (repos) => {
    const last = await repos.meta.get('policy_digest');
    if (last === policy.digest) return;
    await repos.meta.set('policy_digest', policy.digest);
    await repos.ledger.append([
      entryFor(
        { actor: { type: 'system', id: 'cordon', role: 'system' }, scopes: [], requestId: 'startup' },
        systemClock.now(),
        'policy_change',
        { detail: { digest: policy.digest, source: source.slice(-120), rules: policy.rules.length } },
      ),
    ]);
  });
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
  let policy: Policy;
  try {
    policy = loadPolicy(config.policyPath);
  } catch (error) {
    await database.close();
    throw error;
  }
  const uow = new KyselyUnitOfWork(database.db);
  const signer = keys.noteSignerKey();
  const guard: { access?: AccessService } = {};
  const vault = new VaultService({
    uow,
    keys,
    clock: systemClock,
    random: cryptoRandom,
    signNote: (text) => signNote(text, [signer]),
    guard: {
      checkStaffRead: (repos, ctx, request) => {
        if (!guard.access) throw new CordonError('CORDON_ERR_INTERNAL', 'access service not wired');
        return guard.access.checkStaffRead(repos, ctx, request);
      },
    },
  });
  const access = new AccessService({ uow, clock: systemClock, policy, vault });
  guard.access = access;
  const apiKeys = new ApiKeyService({ uow, clock: systemClock, random: cryptoRandom });
  const ledger = new LedgerService({
    uow,
    clock: systemClock,
    signerKey: signer,
    checkpointEvery: config.checkpointEvery,
    checkpointSeconds: config.checkpointSeconds,
    retentionDays: config.retentionDays,
  });
  const canaries = new CanaryService({ uow, clock: systemClock, vault });
  const watcher = new LiveWatcher({
    uow,
    clock: systemClock,
    options: { containSeverity: config.watchContainSeverity },
  });
  const riskState: RiskStateStore = config.redisUrl
    ? new RedisRiskState(config.redisUrl)
    : new MemoryRiskState();
  const risk = new RiskService({
    uow,
    clock: systemClock,
    store: riskState,
    riskKey: keys.riskKey(),
    defaultRules: readFileSync(defaultRiskRulesPath, 'utf8'),
    appealDays: config.riskAppealDays,
  });
  return {
    config,
    database,
    keys,
    uow,
    vault,
    apiKeys,
    rotation: new KeyRotationService({ uow, keys, clock: systemClock }),
    ledger,
    access,
    auth: new AuthService({ uow, clock: systemClock, random: cryptoRandom, keys, apiKeys }),
    staff: new StaffService({ uow, clock: systemClock, random: cryptoRandom, keys, access }),
    exports: new ExportService({
      uow,
      clock: systemClock,
      random: cryptoRandom,
      access,
      vault,
      hook: canaries,
    }),
    canaries,
    traces: new TraceService({ uow, clock: systemClock, vault, access }),
    incidents: new IncidentService({ uow, clock: systemClock, random: cryptoRandom, access }),
    waybills: new WaybillService({ uow, clock: systemClock, keys, access, vault }),
    watch: new WatchService({ uow, clock: systemClock, access }),
    watcher,
    risk,
    riskState,
    close: async () => {
      ledger.stop();
      await watcher.stop();
      await uow.drain();
      await riskState.close();
      await database.close();
    },
  };
}
