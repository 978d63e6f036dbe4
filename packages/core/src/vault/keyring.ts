import { z } from 'zod';
import { CordonError } from '../shared/errors';
import type { RandomSource } from '../shared/ports';
import { type BlindIndexField, deriveKey, type KeyProvider, unwrapKey, wrapKey } from './crypto';

/** On-disk shape of a local keyring (JSON, mode 0600). Secrets are base64; KEKs are versioned and never deleted by rotation. */
export const keyringFileSchema = z.strictObject({
  format: z.literal('cordon-keyring/v1'),
  keyringId: z.string().regex(/^kr_[0-9a-f]{16}$/),
  createdAt: z.string(),
  activeKek: z.number().int().positive(),
  keks: z
    .array(z.strictObject({ version: z.number().int().positive(), key: z.base64(), createdAt: z.string() }))
    .min(1),
  /** Root of the blind-index, content and token keys (derived per purpose with HKDF). */
  indexRoot: z.base64(),
  /** C2SP signed-note signer key for checkpoints and receipts. */
  noteSigner: z.string().startsWith('PRIVATE+KEY+'),
});
export type KeyringFile = z.infer<typeof keyringFileSchema>;

/** The local-keyring implementation of the key-provider port. Pure: the file is read and written elsewhere. */
export class LocalKeyring implements KeyProvider {
  readonly keyringId: string;
  private readonly keks = new Map<number, Buffer>();
  private readonly active: number;
  private readonly indexKeys = new Map<string, Buffer>();
  private readonly content: Buffer;
  private readonly token: Buffer;
  private readonly risk: Buffer;
  private readonly signer: string;

  constructor(
    file: KeyringFile,
    private readonly random: RandomSource,
  ) {
    this.keyringId = file.keyringId;
    for (const kek of file.keks) {
      const key = Buffer.from(kek.key, 'base64');
      if (key.length !== 32) {
        throw new CordonError('CORDON_ERR_KEYRING_INVALID', `KEK version ${kek.version} is not 32 bytes.`);
      }
      this.keks.set(kek.version, key);
    }
    if (!this.keks.has(file.activeKek)) {
      throw new CordonError(
        'CORDON_ERR_KEYRING_INVALID',
        `The active KEK version ${file.activeKek} is missing.`,
      );
    }
    this.active = file.activeKek;
    const root = Buffer.from(file.indexRoot, 'base64');
    for (const field of ['name', 'phone', 'email', 'idNumber', 'address'] as const) {
      this.indexKeys.set(field, deriveKey(root, `blind-index/${field}`));
    }
    this.content = deriveKey(root, 'content-fingerprint');
    this.token = deriveKey(root, 'ff1-token');
    this.risk = deriveKey(root, 'risk-pseudonym');
    this.signer = file.noteSigner;
  }

  activeKekVersion(): number {
    return this.active;
  }

  kekVersions(): readonly number[] {
    return [...this.keks.keys()].sort((a, b) => a - b);
  }

  private kek(version: number): Buffer {
    const kek = this.keks.get(version);
    if (!kek) {
      throw new CordonError('CORDON_ERR_KEY_MISMATCH', `KEK version ${version} is not in this keyring.`, {
        version,
      });
    }
    return kek;
  }

  wrapDataKey(dek: Uint8Array, customerId: string, kekVersion: number): Buffer {
    return wrapKey(
      this.kek(kekVersion),
      dek,
      `cordon/dek/v1\u0000${customerId}\u0000${kekVersion}`,
      this.random,
    );
  }

  unwrapDataKey(wrapped: Uint8Array, customerId: string, kekVersion: number): Buffer {
    return unwrapKey(this.kek(kekVersion), wrapped, `cordon/dek/v1\u0000${customerId}\u0000${kekVersion}`);
  }

  indexKey(field: BlindIndexField): Buffer {
    const key = this.indexKeys.get(field);
    if (!key) throw new CordonError('CORDON_ERR_INTERNAL', `no index key for ${field}`);
    return key;
  }

  contentKey(): Buffer {
    return this.content;
  }

  tokenKey(): Buffer {
    return this.token;
  }

  riskKey(): Buffer {
    return this.risk;
  }

  noteSignerKey(): string {
    return this.signer;
  }
}
