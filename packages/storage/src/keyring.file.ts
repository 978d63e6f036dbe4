import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CordonError,
  generateNoteSigner,
  type KeyringFile,
  keyringFileSchema,
  LocalKeyring,
  type RandomSource,
} from '@cordon/core';

const POOL_SIZE = 64 * 1024;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/**
 * node:crypto randomness, the production adapter of core's RandomSource port. Small requests (IVs,
 * data keys, ids) are served from a 64 KiB pool refilled from the CSPRNG: one `randomBytes` call per
 * thousands of fields instead of one per field, which was the largest cost of bulk encryption. Each
 * returned buffer is a copy, and no pool byte is handed out twice.
 */
export const cryptoRandom: RandomSource = {
  bytes: (n) => {
    if (n > 1024) return randomBytes(n);
    if (offset + n > POOL_SIZE) {
      pool = randomBytes(POOL_SIZE);
      offset = 0;
    }
    const out = Buffer.from(pool.subarray(offset, offset + n));
    offset += n;
    return out;
  },
};

/** Reads and checks a keyring file: present, owner-only permissions, well-formed. Errors say how to fix. */
export function readKeyringFile(path: string): KeyringFile {
  if (!existsSync(path)) {
    throw new CordonError(
      'CORDON_ERR_KEYRING_MISSING',
      `No keyring at ${path}. Run \`cordon keys init\` to create one (or set CORDON_KEYRING to an existing keyring).`,
      { path },
    );
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new CordonError(
      'CORDON_ERR_KEYRING_INVALID',
      `The keyring ${path} is readable by others (mode ${mode.toString(8)}). Run \`chmod 600 ${path}\`.`,
      { path },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CordonError(
      'CORDON_ERR_KEYRING_INVALID',
      `The keyring ${path} is not valid JSON; restore it from backup.`,
      { path },
    );
  }
  const result = keyringFileSchema.safeParse(parsed);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join('.') ?? '';
    throw new CordonError(
      'CORDON_ERR_KEYRING_INVALID',
      `The keyring ${path} is malformed at "${field}"; restore it from backup.`,
      {
        path,
        field,
      },
    );
  }
  return result.data;
}

/** Writes atomically (temp file + rename) with mode 0600, so a crash never leaves a half-written keyring. */
export function writeKeyringFile(path: string, file: KeyringFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Creates a new keyring file; refuses to overwrite one (that would orphan every data key). */
export function initKeyringFile(path: string, now: Date, origin: string): KeyringFile {
  if (existsSync(path)) {
    throw new CordonError(
      'CORDON_ERR_CONFIG',
      `A keyring already exists at ${path}; it was left untouched.`,
      { path },
    );
  }
  const file = newKeyring(now, origin);
  writeKeyringFile(path, file);
  return file;
}

/** A fresh keyring (random KEK v1, index root and log signing key), not yet written anywhere. */
export function newKeyring(now: Date, origin: string): KeyringFile {
  return {
    format: 'cordon-keyring/v1',
    keyringId: `kr_${randomBytes(8).toString('hex')}`,
    createdAt: now.toISOString(),
    activeKek: 1,
    keks: [{ version: 1, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
    indexRoot: randomBytes(32).toString('base64'),
    noteSigner: generateNoteSigner(origin).signerKey,
  };
}

/** Adds a new KEK version and makes it active (the first step of `cordon keys rotate`). */
export function addKekVersion(path: string, now: Date): KeyringFile {
  const file = readKeyringFile(path);
  const version = Math.max(...file.keks.map((k) => k.version)) + 1;
  const next: KeyringFile = {
    ...file,
    activeKek: version,
    keks: [...file.keks, { version, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
  };
  writeKeyringFile(path, next);
  return next;
}

export function loadKeyProvider(path: string): LocalKeyring {
  return new LocalKeyring(readKeyringFile(path), cryptoRandom);
}
