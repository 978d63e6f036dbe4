/**
 * C2SP signed notes (c2sp.org/signed-note), transparency-log checkpoints (c2sp.org/tlog-checkpoint)
 * and Ed25519 witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1), with Ed25519 from
 * `node:crypto`. Byte-compatible with golang.org/x/mod/sumdb/note and transparency-dev/formats, so
 * any off-the-shelf witness or verifier can check Cordon's checkpoints and vice versa.
 *
 * Pure apart from `generateNoteSigner`, which draws a seed from the RandomSource it is given (or,
 * if none, from the OS CSPRNG: key generation is the one place randomness is inherent).
 */

import type { KeyObject } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { CordonError } from '../shared/errors';
import type { RandomSource } from '../shared/ports';

/** Signature type byte of plain Ed25519 note signatures. */
export const NOTE_SIG_ED25519 = 0x01;
/** Signature type byte of timestamped Ed25519 cosignatures (tlog-cosignature, cosignature/v1). */
export const NOTE_SIG_COSIGNATURE_V1 = 0x04;

/** The two signature types Cordon speaks. */
export type NoteSignatureType = typeof NOTE_SIG_ED25519 | typeof NOTE_SIG_COSIGNATURE_V1;

/** Go's note.Open refuses notes with more than 100 signature lines; C2SP requires accepting ≥ 16. */
export const MAX_NOTE_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 '; // em dash, space
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
const LONE_SURROGATE = /\p{Cs}/u;
const UNICODE_SPACE = /\p{White_Space}/u;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const ROOT_HASH_SIZE = 32;

// ---------------------------------------------------------------------------------------------
// Small helpers

/** True if `text` has an ASCII control character other than newline (forbidden in notes). */
function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

function invalid(message: string, details: Record<string, string | number> = {}): CordonError {
  return new CordonError('CORDON_ERR_VALIDATION', message, details);
}

function malformedNote(reason: string): CordonError {
  return new CordonError('CORDON_ERR_VALIDATION', `malformed note: ${reason}`, { reason });
}

/** Standard base64 (RFC 4648 §4) with padding, as Go's base64.StdEncoding; undefined if not. */
function decodeBase64(text: string): Buffer | undefined {
  if (!STRICT_BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function hex8(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/**
 * True for a usable key name: non-empty, no '+' and no Unicode white space (signed-note rules),
 * and — so it fits on one note line — no control characters or lone surrogates.
 */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !hasForbiddenControl(name) &&
    !LONE_SURROGATE.test(name)
  );
}

function requireKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw invalid('A key name must be non-empty and contain no "+", spaces or control characters.', {
      field: 'name',
    });
  }
}

/** signed-note key ID: the first 4 bytes, big-endian, of SHA-256(name ‖ "\n" ‖ type ‖ public key). */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = nodeCrypto
    .createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Uint8Array.of(type))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

/** Verifier key string: `<name>+<hex key id>+<base64(type ‖ public key)>`. */
export function formatVerifierKey(name: string, type: NoteSignatureType, publicKey: Uint8Array): string {
  requireKeyName(name);
  const material = Buffer.concat([Uint8Array.of(type), publicKey]);
  return `${name}+${hex8(noteKeyId(name, type, publicKey))}+${material.toString('base64')}`;
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  try {
    return nodeCrypto.createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
  } catch {
    throw invalid('The Ed25519 public key is not a valid point.');
  }
}

// ---------------------------------------------------------------------------------------------
// Keys

/** A parsed verifier key: who signs, with which key ID and algorithm. */
export interface NoteVerifier {
  readonly name: string;
  /** uint32 key ID as used in signature lines. */
  readonly keyId: number;
  readonly type: NoteSignatureType;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** The canonical verifier key string (lower-case hex key ID). */
  readonly verifierKey: string;
  readonly keyObject: KeyObject;
}

/** A parsed signer key. The secret is held privately and left out of JSON and inspection. */
export interface NoteSigner {
  readonly name: string;
  /** Key ID for `type` (0x01 for note signing). */
  readonly keyId: number;
  /** 0x01 for a log/note key; 0x04 for a cosigner-only key (transparency-dev skey form). */
  readonly type: NoteSignatureType;
  readonly publicKey: Buffer;
  /** Verifier key for this signer's `type`. */
  readonly verifierKey: string;
  /** Key ID of the same key used as a cosigner (type 0x04). */
  readonly cosignatureKeyId: number;
  /** Verifier key of the same key used as a cosigner (type 0x04), for witnesses to publish. */
  readonly cosignatureVerifierKey: string;
  /** The secret signer key string `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ seed)>`. */
  readonly signerKey: string;
  /** Ed25519 signature over `message` (deterministic, RFC 8032). */
  sign(message: Uint8Array): Buffer;
}

class Ed25519NoteSigner implements NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly type: NoteSignatureType;
  readonly publicKey: Buffer;
  readonly verifierKey: string;
  readonly cosignatureKeyId: number;
  readonly cosignatureVerifierKey: string;
  readonly #seed: Buffer;
  readonly #privateKey: KeyObject;

  constructor(name: string, type: NoteSignatureType, seed: Uint8Array) {
    requireKeyName(name);
    if (seed.length !== 32) throw invalid('An Ed25519 seed is 32 bytes.', { length: seed.length });
    this.#seed = Buffer.from(seed);
    this.#privateKey = nodeCrypto.createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, this.#seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = nodeCrypto.createPublicKey(this.#privateKey).export({ format: 'der', type: 'spki' });
    this.publicKey = Buffer.from(spki.subarray(spki.length - 32));
    this.name = name;
    this.type = type;
    this.keyId = noteKeyId(name, type, this.publicKey);
    this.verifierKey = formatVerifierKey(name, type, this.publicKey);
    this.cosignatureKeyId = noteKeyId(name, NOTE_SIG_COSIGNATURE_V1, this.publicKey);
    this.cosignatureVerifierKey = formatVerifierKey(name, NOTE_SIG_COSIGNATURE_V1, this.publicKey);
  }

  get signerKey(): string {
    const material = Buffer.concat([Uint8Array.of(this.type), this.#seed]);
    return `PRIVATE+KEY+${this.name}+${hex8(this.keyId)}+${material.toString('base64')}`;
  }

  sign(message: Uint8Array): Buffer {
    return nodeCrypto.sign(null, message, this.#privateKey);
  }

  toJSON(): { name: string; verifierKey: string } {
    return { name: this.name, verifierKey: this.verifierKey };
  }
}

/**
 * Creates a fresh Ed25519 note signer named `name` (for a log, use its origin). The seed comes from
 * `random` when given (deterministic tests), else from the OS CSPRNG.
 */
export function generateNoteSigner(name: string, random?: RandomSource): NoteSigner {
  requireKeyName(name);
  const seed = random ? random.bytes(32) : nodeCrypto.randomBytes(32);
  return new Ed25519NoteSigner(name, NOTE_SIG_ED25519, seed);
}

/**
 * Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ 32-byte seed)>` (Go sumdb/note format;
 * type 0x01, or 0x04 for a cosigner-only key as transparency-dev/formats allows). The stated key ID
 * must match the key. Throws CORDON_ERR_VALIDATION without echoing the secret.
 */
export function parseSignerKey(signerKey: string): NoteSigner {
  const parts = cut(signerKey, 4);
  const [private1, private2, name, id, material] = parts;
  if (
    private1 !== 'PRIVATE' ||
    private2 !== 'KEY' ||
    name === undefined ||
    id === undefined ||
    material === undefined
  ) {
    throw invalid('A signer key has the form PRIVATE+KEY+<name>+<key id>+<key>.');
  }
  requireKeyName(name);
  const bytes = decodeBase64(material);
  if (!KEY_ID_HEX.test(id) || bytes === undefined || bytes.length !== 33) {
    throw invalid('The signer key is malformed.', { name });
  }
  const type = bytes[0];
  if (type !== NOTE_SIG_ED25519 && type !== NOTE_SIG_COSIGNATURE_V1) {
    throw invalid('The signer key is not an Ed25519 key (type 0x01 or 0x04).', { name });
  }
  const signer = new Ed25519NoteSigner(name, type, bytes.subarray(1));
  if (signer.keyId !== Number.parseInt(id, 16)) {
    throw invalid('The signer key ID does not match the key.', { name });
  }
  return signer;
}

/** Splits at the first `count` '+' signs (base64 material may itself contain '+'). */
function cut(text: string, count: number): string[] {
  const out: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i += 1) {
    const at = rest.indexOf('+');
    if (at < 0) return [...out, rest];
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  out.push(rest);
  return out;
}

/**
 * Parses `<name>+<hex key id>+<base64(type ‖ 32-byte public key)>` for type 0x01 (note signatures)
 * or 0x04 (cosignatures). The stated key ID must match. Throws CORDON_ERR_VALIDATION.
 */
export function parseVerifierKey(verifierKey: string): NoteVerifier {
  const [name, id, material, extra] = cut(verifierKey.trim(), 2);
  if (name === undefined || id === undefined || material === undefined || extra !== undefined) {
    throw invalid('A verifier key has the form <name>+<key id>+<key>.');
  }
  requireKeyName(name);
  const bytes = decodeBase64(material);
  if (!KEY_ID_HEX.test(id) || bytes === undefined || bytes.length !== 33) {
    throw invalid('The verifier key is malformed.', { name });
  }
  const type = bytes[0];
  if (type !== NOTE_SIG_ED25519 && type !== NOTE_SIG_COSIGNATURE_V1) {
    throw invalid('The verifier key is not an Ed25519 key (type 0x01 or 0x04).', { name });
  }
  const publicKey = Buffer.from(bytes.subarray(1));
  const keyId = noteKeyId(name, type, publicKey);
  if (keyId !== Number.parseInt(id, 16)) {
    throw invalid('The verifier key ID does not match the key.', { name });
  }
  return {
    name,
    keyId,
    type,
    publicKey,
    verifierKey: `${name}+${hex8(keyId)}+${material}`,
    keyObject: publicKeyObject(publicKey),
  };
}

/**
 * Converts a type-0x01 verifier key into the type-0x04 (cosignature/v1) key of the same Ed25519 key;
 * a 0x04 key is returned canonicalized. Lets a reader trust a witness given its ordinary vkey.
 */
export function toCosignatureVerifierKey(verifierKey: string): string {
  const parsed = parseVerifierKey(verifierKey);
  return formatVerifierKey(parsed.name, NOTE_SIG_COSIGNATURE_V1, parsed.publicKey);
}

// ---------------------------------------------------------------------------------------------
// Notes

function requireNoteText(text: string): void {
  if (!text.endsWith('\n')) throw malformedNote('the text must end with a newline');
  if (hasForbiddenControl(text)) throw malformedNote('control characters other than newline');
  if (LONE_SURROGATE.test(text)) throw malformedNote('not valid UTF-8');
}

function signatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const payload = Buffer.alloc(4 + signature.length);
  payload.writeUInt32BE(keyId >>> 0, 0);
  payload.set(signature, 4);
  return `${SIG_PREFIX}${name} ${payload.toString('base64')}`;
}

function toSigner(signer: string | NoteSigner): NoteSigner {
  return typeof signer === 'string' ? parseSignerKey(signer) : signer;
}

/**
 * Signs `text` (which must end in "\n") with each signer and returns the note: text, a blank line,
 * one `— <name> <base64(key id ‖ signature)>` line per signer. Ed25519 is deterministic, so the
 * same text and key always give the same note. Only type-0x01 keys sign notes.
 */
export function signNote(text: string, signers: ReadonlyArray<string | NoteSigner>): string {
  requireNoteText(text);
  if (signers.length === 0) throw invalid('signNote needs at least one signer.');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((entry) => {
    const signer = toSigner(entry);
    if (signer.type !== NOTE_SIG_ED25519) {
      throw invalid('A cosigner key (type 0x04) signs only cosignatures; use a type 0x01 key.', {
        name: signer.name,
      });
    }
    return `${signatureLine(signer.name, signer.keyId, signer.sign(message))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** The line's base64 payload, as written. */
  base64: string;
  /** Cosignature time (POSIX seconds) for verified type-0x04 signatures. */
  timestamp?: number;
}

/** A note whose signatures were checked against the caller's trusted keys. */
export interface OpenedNote {
  /** The signed text, including its final newline. */
  text: string;
  /** Names of the trusted keys whose signatures verified, in note order. */
  verifiedBy: string[];
  /** The verified signatures. */
  signatures: NoteSignature[];
  /** Signatures by keys the caller did not pass (ignored, as the spec requires). */
  unverified: NoteSignature[];
}

function cosignedMessage(timestamp: bigint | number, body: string): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp.toString()}\n${body}`, 'utf8');
}

function verifyWith(
  verifier: NoteVerifier,
  text: string,
  signature: Buffer,
): { ok: boolean; timestamp?: number } {
  if (verifier.type === NOTE_SIG_ED25519) {
    if (signature.length !== 64) return { ok: false };
    return { ok: nodeCrypto.verify(null, Buffer.from(text, 'utf8'), verifier.keyObject, signature) };
  }
  if (signature.length !== 72) return { ok: false };
  const timestamp = signature.readBigUInt64BE(0);
  const ok = nodeCrypto.verify(
    null,
    cosignedMessage(timestamp, text),
    verifier.keyObject,
    signature.subarray(8),
  );
  return timestamp <= BigInt(Number.MAX_SAFE_INTEGER) ? { ok, timestamp: Number(timestamp) } : { ok };
}

function verifierIndex(verifiers: ReadonlyArray<string | NoteVerifier>): Map<string, NoteVerifier> {
  const index = new Map<string, NoteVerifier>();
  for (const entry of verifiers) {
    const verifier = typeof entry === 'string' ? parseVerifierKey(entry) : entry;
    const key = `${verifier.name}+${verifier.keyId}`;
    const existing = index.get(key);
    if (existing && !existing.publicKey.equals(verifier.publicKey)) {
      throw invalid('Two trusted keys share a name and key ID; remove one.', { name: verifier.name });
    }
    index.set(key, verifier);
  }
  return index;
}

/**
 * Opens a signed note (c2sp.org/signed-note, same rules as Go's note.Open): signatures by unknown
 * keys are ignored and reported in `unverified`; a signature by a trusted key that fails is an error
 * (CORDON_ERR_SIGNATURE); so is a note no trusted key verified. Structural problems — no blank line
 * before the signatures, a line that is not `— <name> <base64>`, control characters, invalid UTF-8,
 * more than 100 signatures — are CORDON_ERR_VALIDATION. Trusted keys may be type 0x01 (note
 * signature) or 0x04 (witness cosignature over a checkpoint).
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: ReadonlyArray<string | NoteVerifier>,
): OpenedNote {
  let message: string;
  if (typeof note === 'string') {
    message = note;
  } else {
    try {
      message = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch {
      throw malformedNote('not valid UTF-8');
    }
  }
  if (hasForbiddenControl(message)) throw malformedNote('control characters other than newline');
  if (LONE_SURROGATE.test(message)) throw malformedNote('not valid UTF-8');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformedNote('no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n'))
    throw malformedNote('the signature block must end with a newline');

  const trusted = verifierIndex(verifiers);
  const opened: OpenedNote = { text, verifiedBy: [], signatures: [], unverified: [] };
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  const lines = block.slice(0, -1).split('\n');
  let count = 0;
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw malformedNote('a signature line must start with "— "');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const base64 = space < 0 ? '' : rest.slice(space + 1);
    const payload = decodeBase64(base64);
    if (payload === undefined || base64 === '' || !isValidKeyName(name) || payload.length < 5) {
      throw malformedNote('a signature line is not "— <name> <base64>"');
    }
    count += 1;
    if (count > MAX_NOTE_SIGNATURES) throw malformedNote(`more than ${MAX_NOTE_SIGNATURES} signatures`);
    const keyId = payload.readUInt32BE(0);
    const key = `${name}+${keyId}`;
    const verifier = trusted.get(key);
    if (verifier === undefined) {
      if (!seenUnverified.has(rest)) {
        seenUnverified.add(rest);
        opened.unverified.push({ name, keyId, base64 });
      }
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    const result = verifyWith(verifier, text, payload.subarray(4));
    if (!result.ok) {
      throw new CordonError('CORDON_ERR_SIGNATURE', `invalid signature for key ${name}+${hex8(keyId)}`, {
        key: `${name}+${hex8(keyId)}`,
      });
    }
    const signature: NoteSignature = { name, keyId, base64 };
    if (result.timestamp !== undefined) signature.timestamp = result.timestamp;
    opened.signatures.push(signature);
    opened.verifiedBy.push(name);
  }
  if (opened.signatures.length === 0) {
    throw new CordonError('CORDON_ERR_SIGNATURE', 'note has no verifiable signatures', {
      unverified: opened.unverified.map((s) => s.name),
    });
  }
  return opened;
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

/** The body of a tlog checkpoint (c2sp.org/tlog-checkpoint). */
export interface Checkpoint {
  /** Log identity, e.g. `shop.example/cordon`; conventionally the log key's name. */
  origin: string;
  /** Number of leaves. */
  size: number;
  /** RFC 6962 root hash of those leaves (32 bytes). */
  rootHash: Uint8Array;
  /** Opaque extra lines (not recommended by the spec; no semantic statement is made about them). */
  extensions?: readonly string[];
}

/** A parsed checkpoint; `rootHash` is a Buffer. */
export interface ParsedCheckpoint extends Checkpoint {
  rootHash: Buffer;
  extensions: string[];
}

function isLineSafe(text: string): boolean {
  return !text.includes('\n') && !hasForbiddenControl(text) && !LONE_SURROGATE.test(text);
}

/**
 * Formats a checkpoint body: `<origin>\n<size>\n<base64 root>\n` plus one line per extension. The
 * result is the note text to sign with `signNote`.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (origin.length === 0 || !isLineSafe(origin)) {
    throw invalid('The checkpoint origin must be one non-empty line.', { field: 'origin' });
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw invalid('The checkpoint size must be a whole number from 0 to 2^53 - 1.', { field: 'size' });
  }
  if (rootHash.length !== ROOT_HASH_SIZE) {
    throw invalid(`The checkpoint root hash must be ${ROOT_HASH_SIZE} bytes.`, { field: 'rootHash' });
  }
  for (const line of extensions) {
    if (line.length === 0 || !isLineSafe(line)) {
      throw invalid('Checkpoint extension lines must be non-empty single lines.', { field: 'extensions' });
    }
  }
  const lines = [origin, String(size), Buffer.from(rootHash).toString('base64'), ...extensions];
  return `${lines.join('\n')}\n`;
}

/**
 * Parses a checkpoint body (the note text, i.e. after `openNote`): origin, size in canonical decimal
 * (no leading zeros), base64 32-byte root, optional non-empty extension lines. Throws
 * CORDON_ERR_VALIDATION if malformed, CORDON_ERR_ORIGIN_MISMATCH if `expectedOrigin` is given and
 * differs — parse only text whose signature you verified.
 */
export function parseCheckpoint(text: string, expectedOrigin?: string): ParsedCheckpoint {
  if (!text.endsWith('\n')) throw invalid('A checkpoint ends with a newline.', { field: 'checkpoint' });
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    throw invalid('A checkpoint has at least three lines: origin, size, root hash.', { field: 'checkpoint' });
  }
  if (origin.length === 0 || !isLineSafe(origin)) {
    throw invalid('The checkpoint origin line is empty or malformed.', { field: 'origin' });
  }
  if (!DECIMAL.test(sizeLine))
    throw invalid('The checkpoint size is not a canonical decimal.', { field: 'size' });
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw invalid('The checkpoint size exceeds 2^53 - 1.', { field: 'size' });
  const rootHash = decodeBase64(rootLine);
  if (rootHash === undefined || rootHash.length !== ROOT_HASH_SIZE) {
    throw invalid(`The checkpoint root hash is not base64 of ${ROOT_HASH_SIZE} bytes.`, {
      field: 'rootHash',
    });
  }
  for (const line of extensions) {
    if (line.length === 0 || !isLineSafe(line)) {
      throw invalid('Checkpoint extension lines must be non-empty.', { field: 'extensions' });
    }
  }
  if (expectedOrigin !== undefined && origin !== expectedOrigin) {
    throw new CordonError(
      'CORDON_ERR_ORIGIN_MISMATCH',
      `The checkpoint is for log "${origin}", not "${expectedOrigin}".`,
      {
        origin,
        expectedOrigin,
      },
    );
  }
  return { origin, size, rootHash, extensions };
}

// ---------------------------------------------------------------------------------------------
// Cosignatures (c2sp.org/tlog-cosignature, Ed25519 cosignature/v1)

/** The fields of a cosignature payload: key ID ‖ u64 timestamp ‖ Ed25519 signature (76 bytes). */
export interface DecodedCosignature {
  keyId: number;
  /** POSIX seconds. */
  timestamp: number;
  signature: Buffer;
}

/**
 * Splits a cosignature payload (raw bytes, its base64, or a whole `— name base64` line) into key ID,
 * timestamp and signature. A 68-byte plain note signature or any other size is rejected
 * (CORDON_ERR_VALIDATION): a cosignature without a timestamp is not a cosignature.
 */
export function decodeCosignature(payload: Uint8Array | string): DecodedCosignature {
  let bytes: Buffer | undefined;
  if (typeof payload === 'string') {
    const text = payload.startsWith(SIG_PREFIX) ? payload.slice(payload.lastIndexOf(' ') + 1) : payload;
    bytes = decodeBase64(text.trim());
    if (bytes === undefined) throw invalid('The cosignature is not base64.');
  } else {
    bytes = Buffer.from(payload);
  }
  if (bytes.length !== 4 + 8 + 64) {
    throw invalid(
      bytes.length === 4 + 64
        ? 'wrong type of signature (68 bytes: plain Ed25519 note signature)'
        : `wrong type of signature (${bytes.length} bytes; a cosignature/v1 is 76)`,
      { length: bytes.length },
    );
  }
  const timestamp = bytes.readBigUInt64BE(4);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER))
    throw invalid('The cosignature timestamp is out of range.');
  return {
    keyId: bytes.readUInt32BE(0),
    timestamp: Number(timestamp),
    signature: Buffer.from(bytes.subarray(12)),
  };
}

/**
 * Cosigns a checkpoint body as a witness (tlog-cosignature v1): Ed25519 over
 * "cosignature/v1\ntime <timestamp>\n" ‖ body, returned as the signature line (no trailing newline)
 * `— <name> base64(key id(0x04) ‖ u64 BE timestamp ‖ signature)`. Call it only after checking the
 * checkpoint is consistent with everything previously cosigned.
 */
export function cosignCheckpoint(
  checkpointBody: string,
  signer: string | NoteSigner,
  timestamp: number,
): string {
  parseCheckpoint(checkpointBody);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw invalid('The cosignature timestamp must be POSIX seconds (a whole number ≥ 0).', {
      field: 'timestamp',
    });
  }
  const key = toSigner(signer);
  const signature = key.sign(cosignedMessage(timestamp, checkpointBody));
  const payload = Buffer.alloc(8 + 64);
  payload.writeBigUInt64BE(BigInt(timestamp), 0);
  payload.set(signature, 8);
  return signatureLine(key.name, key.cosignatureKeyId, payload);
}

/**
 * Verifies one witness cosignature line over a checkpoint body with the witness's key (a 0x04
 * vkey, or its 0x01 vkey, treated as the same key used for cosigning as transparency-dev does).
 * Returns who cosigned and when (compare `timestamp` with your clock if you refuse future ones);
 * throws CORDON_ERR_SIGNATURE if the line is from another key or does not verify,
 * CORDON_ERR_VALIDATION if it is malformed (e.g. a plain 68-byte note signature under this name).
 */
export function verifyCosignature(
  checkpointBody: string,
  signatureLine: string,
  verifierKey: string | NoteVerifier,
): { name: string; keyId: number; timestamp: number } {
  parseCheckpoint(checkpointBody);
  const parsed = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const keyId = noteKeyId(parsed.name, NOTE_SIG_COSIGNATURE_V1, parsed.publicKey);
  const line = signatureLine.endsWith('\n') ? signatureLine.slice(0, -1) : signatureLine;
  if (!line.startsWith(SIG_PREFIX)) throw invalid('A cosignature line starts with "— ".');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  if (space < 0 || !isValidKeyName(name)) throw invalid('A cosignature line is "— <name> <base64>".');
  const notFromKey = () =>
    new CordonError('CORDON_ERR_SIGNATURE', `The cosignature is not from ${parsed.name}+${hex8(keyId)}.`, {
      name,
    });
  if (name !== parsed.name) throw notFromKey();
  const decoded = decodeCosignature(rest.slice(space + 1));
  if (decoded.keyId !== keyId) throw notFromKey();
  const ok = nodeCrypto.verify(
    null,
    cosignedMessage(decoded.timestamp, checkpointBody),
    parsed.keyObject,
    decoded.signature,
  );
  if (!ok) {
    throw new CordonError(
      'CORDON_ERR_SIGNATURE',
      `invalid cosignature for key ${parsed.name}+${hex8(keyId)}`,
      {
        name,
      },
    );
  }
  return { name, keyId, timestamp: decoded.timestamp };
}
