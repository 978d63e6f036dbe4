import { CordonError } from './errors';

/** Start-up configuration, parsed once from the environment; a bad value stops the process with a clear message. */
export interface CordonConfig {
  /** Data directory of the embedded PGlite database (and default keyring location). */
  dataDir: string;
  /** When set, PostgreSQL is used instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** Path of the local keyring file (created by `cordon keys init`). */
  keyringPath: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Origin line of the ledger's checkpoints; identifies this log to witnesses. */
  ledgerOrigin: string;
  /** A checkpoint is signed after this many new entries... */
  checkpointEvery: number;
  /** ...or after this many seconds with new entries. */
  checkpointSeconds: number;
  /** Entry bodies older than this are pruned (hashes kept). Cybersecurity Law art. 21: at least 180 days. */
  retentionDays: number;
  /** Access policy file (YAML); the shipped default when unset. */
  policyPath: string | undefined;
  /** Whether session cookies carry the Secure attribute (on unless CORDON_INSECURE_COOKIES=1 for plain-HTTP development). */
  secureCookies: boolean;
  /** Whether `serve` runs the live watcher (CORDON_WATCH=off disables it, e.g. on extra API nodes). */
  watch: boolean;
  /** Watch alerts at or above this severity pause reveal and export rights. */
  watchContainSeverity: 'low' | 'medium' | 'high' | 'critical';
  /** When set, the risk engine's velocity and cluster state lives in this Redis, shared by every process. */
  redisUrl: string | undefined;
  /** Days a customer has to appeal a rejected order (CORDON_RISK_APPEAL_DAYS, default 15). */
  riskAppealDays: number;
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CordonError('CORDON_ERR_CONFIG', `${name} must be a whole number from ${min} to ${max}.`, {
      variable: name,
    });
  }
  return value;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === '1' || raw === 'true') return true;
  if (raw === 'off' || raw === '0' || raw === 'false') return false;
  throw new CordonError('CORDON_ERR_CONFIG', `${name} must be on or off.`, { variable: name });
}

const severities = ['low', 'medium', 'high', 'critical'] as const;

function severityVar(env: Env): CordonConfig['watchContainSeverity'] {
  const raw = env.CORDON_WATCH_CONTAIN_SEVERITY ?? 'high';
  const found = severities.find((s) => s === raw);
  if (!found) {
    throw new CordonError(
      'CORDON_ERR_CONFIG',
      `CORDON_WATCH_CONTAIN_SEVERITY must be one of ${severities.join(', ')}.`,
      {
        variable: 'CORDON_WATCH_CONTAIN_SEVERITY',
      },
    );
  }
  return found;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

function redisVar(env: Env): string | undefined {
  const raw = env.CORDON_REDIS_URL;
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\/[^\s]+$/u.test(raw)) {
    throw new CordonError('CORDON_ERR_CONFIG', 'CORDON_REDIS_URL must be a redis:// or rediss:// URL.', {
      variable: 'CORDON_REDIS_URL',
    });
  }
  return raw;
}

/** Parses and checks the environment; throws CORDON_ERR_CONFIG naming the variable to fix. */
export function parseConfig(env: Env, cwd: string): CordonConfig {
  const dataDir = env.CORDON_DATA_DIR && env.CORDON_DATA_DIR !== '' ? env.CORDON_DATA_DIR : `${cwd}/.cordon`;
  const databaseUrl =
    env.CORDON_DATABASE_URL && env.CORDON_DATABASE_URL !== '' ? env.CORDON_DATABASE_URL : undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new CordonError(
      'CORDON_ERR_CONFIG',
      'CORDON_DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded database).',
      { variable: 'CORDON_DATABASE_URL' },
    );
  }
  const logLevel = (env.CORDON_LOG_LEVEL ?? 'info') as CordonConfig['logLevel'];
  if (!logLevels.includes(logLevel)) {
    throw new CordonError('CORDON_ERR_CONFIG', `CORDON_LOG_LEVEL must be one of ${logLevels.join(', ')}.`, {
      variable: 'CORDON_LOG_LEVEL',
    });
  }
  const ledgerOrigin = env.CORDON_LEDGER_ORIGIN ?? 'cordon.example/ledger';
  if (!/^[\x21-\x7e]+$/.test(ledgerOrigin) || ledgerOrigin.includes('+')) {
    throw new CordonError(
      'CORDON_ERR_CONFIG',
      'CORDON_LEDGER_ORIGIN must be printable ASCII without spaces or "+", e.g. shop.example/cordon.',
      { variable: 'CORDON_LEDGER_ORIGIN' },
    );
  }
  return {
    dataDir,
    databaseUrl,
    keyringPath:
      env.CORDON_KEYRING && env.CORDON_KEYRING !== '' ? env.CORDON_KEYRING : `${dataDir}/keyring.json`,
    host: env.CORDON_HOST ?? '127.0.0.1',
    port: intVar(env, 'CORDON_PORT', 8700, 0, 65535),
    logLevel,
    ledgerOrigin,
    checkpointEvery: intVar(env, 'CORDON_CHECKPOINT_EVERY', 1000, 1, 10_000_000),
    checkpointSeconds: intVar(env, 'CORDON_CHECKPOINT_SECONDS', 60, 1, 86_400),
    retentionDays: intVar(env, 'CORDON_RETENTION_DAYS', 180, 180, 36_500),
    policyPath: env.CORDON_POLICY && env.CORDON_POLICY !== '' ? env.CORDON_POLICY : undefined,
    secureCookies: env.CORDON_INSECURE_COOKIES !== '1',
    watch: onOff(env, 'CORDON_WATCH', true),
    watchContainSeverity: severityVar(env),
    redisUrl: redisVar(env),
    riskAppealDays: intVar(env, 'CORDON_RISK_APPEAL_DAYS', 15, 1, 365),
  };
}
