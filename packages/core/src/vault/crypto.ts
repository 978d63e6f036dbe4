import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { CordonError } from '../shared/errors';
import type { RandomSource } from '../shared/ports';

/** Fields with a blind index; each gets its own HMAC key so an index of one field says nothing of another. */
export type BlindIndexField = 'name' | 'phone' | 'email' | 'idNumber' | 'address';

/**
 * Where keys come from. The first provider is a local keyring file; a KMS or HSM provider implements the
 * same port. Data keys are wrapped under a versioned key-encryption key (KEK); rotation rewraps them.
 */
export interface KeyProvider {
  /** Stable id of the keyring, recorded in the database so a wrong keyring is refused at start-up. */
  readonly keyringId: string;
  activeKekVersion(): number;
  kekVersions(): readonly number[];
  wrapDataKey(dek: Uint8Array, customerId: string, kekVersion: number): Buffer;
  unwrapDataKey(wrapped: Uint8Array, customerId: string, kekVersion: number): Buffer;
  indexKey(field: BlindIndexField): Buffer;
  /** HMAC key for content fingerprints (idempotent ingestion compares fingerprints, never plaintext). */
  contentKey(): Buffer;
  /** FF1 key for phone-shaped tokens. */
  tokenKey(): Buffer;
  /** HMAC key for the risk engine's pseudonyms (accounts, devices, phones, addresses, IPs in its state store). */
  riskKey(): Buffer;
  /** C2SP signed-note signer key string for the ledger's checkpoints and erasure receipts. */
  noteSignerKey(): string;
}

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Additional authenticated data binding a ciphertext to its table, row and column: a moved ciphertext fails. */
export function fieldAad(table: string, rowId: string, column: string): Buffer {
  return Buffer.from(`cordon/field/v1\u0000${table}\u0000${rowId}\u0000${column}`, 'utf8');
}

/** AES-256-GCM: version byte ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag. */
export function encryptField(
  key: Uint8Array,
  aad: Uint8Array,
  plaintext: string,
  random: RandomSource,
): Buffer {
  const iv = random.bytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext, 'utf8');
  const final = cipher.final();
  const tag = cipher.getAuthTag();
  const out = Buffer.allocUnsafe(1 + IV_BYTES + body.length + final.length + TAG_BYTES);
  out[0] = FORMAT_V1;
  out.set(iv, 1);
  body.copy(out, 1 + IV_BYTES);
  final.copy(out, 1 + IV_BYTES + body.length);
  tag.copy(out, out.length - TAG_BYTES);
  return out;
}

/** Decrypts a field; a wrong key, a wrong row/column binding or an altered byte is CORDON_ERR_DECRYPT. */
export function decryptField(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): string {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
    throw new CordonError('CORDON_ERR_DECRYPT', 'A stored ciphertext has an unknown format.');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES));
    return Buffer.concat([body, decipher.final()]).toString('utf8');
  } catch {
    throw new CordonError('CORDON_ERR_DECRYPT');
  }
}

/** Keyed HMAC-SHA256 of an already-normalized value: equal values match, the index alone reveals nothing. */
export function blindIndex(key: Uint8Array, normalized: string): Buffer {
  return createHmac('sha256', key).update(normalized, 'utf8').digest();
}

/** Derives a named 32-byte subkey; used so one stored root secret yields independent keys per purpose. */
export function deriveKey(root: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `cordon/${info}`, 32));
}

/** Wraps a data key under a KEK with AES-256-GCM; AAD binds it to the customer and KEK version. */
export function wrapKey(kek: Uint8Array, dek: Uint8Array, aad: string, random: RandomSource): Buffer {
  const iv = random.bytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(dek), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

export function unwrapKey(kek: Uint8Array, wrapped: Uint8Array, aad: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new CordonError(
      'CORDON_ERR_KEY_MISMATCH',
      'A data key does not unwrap with the keyring: wrong keyring?',
    );
  }
}
