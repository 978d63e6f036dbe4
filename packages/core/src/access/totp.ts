import { createHmac, timingSafeEqual } from 'node:crypto';
import { CordonError } from '../shared/errors';
import type { RandomSource } from '../shared/ports';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * RFC 4648 base32 (the alphabet authenticator apps use for secrets). Without `pad`, trailing `=` are
 * left out, which is what otpauth URIs and most apps expect.
 */
export function base32Encode(bytes: Uint8Array, options: { pad?: boolean } = {}): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  if (options.pad) out += '='.repeat((8 - (out.length % 8)) % 8);
  return out;
}

/** Lengths (mod 8) that no whole number of bytes encodes to. */
const IMPOSSIBLE_REMAINDERS = new Set([1, 3, 6]);

/**
 * Decodes RFC 4648 base32 as a person might type it: case-insensitive, whitespace ignored, trailing `=`
 * padding optional. Throws CORDON_ERR_VALIDATION on any other character, on `=` before the end, or on a
 * length no byte string encodes to. The error names the position (counted after whitespace is removed),
 * never the (secret) text.
 */
export function base32Decode(text: string): Buffer {
  const compact = text.replace(/\s+/g, '').toUpperCase().replace(/=+$/, '');
  const position = compact.search(/[^A-Z2-7]/);
  if (position >= 0) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      'The base32 text contains a character outside A-Z and 2-7.',
      {
        field: 'secret',
        position,
      },
    );
  }
  if (IMPOSSIBLE_REMAINDERS.has(compact.length % 8)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'The base32 text has an impossible length.', {
      field: 'secret',
      length: compact.length,
    });
  }
  const out = Buffer.alloc(Math.floor((compact.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of compact) {
    const value = BASE32_ALPHABET.indexOf(char);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/** HMAC hash behind the one-time password; SHA1 is what every authenticator app supports. */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** Parameters shared by enrolment (the otpauth URI) and verification; they must agree. */
export interface TotpOptions {
  /** Default 'SHA1'. */
  algorithm?: TotpAlgorithm;
  /** 6 to 8; default 6. */
  digits?: number;
  /** Time step in seconds; default 30. */
  period?: number;
}

const HMAC_NAME: Record<TotpAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** RFC 4226 section 4 requires a shared secret of at least 128 bits. */
const MIN_SECRET_BYTES = 16;

/** Length of secrets made by `generateTotpSecret`: 160 bits, RFC 4226's recommendation. */
export const TOTP_SECRET_BYTES = 20;

function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      'TOTP period must be a positive whole number of seconds.',
      {
        field: 'period',
      },
    );
  }
}

function resolve(options: TotpOptions): Required<TotpOptions> {
  const resolved: Required<TotpOptions> = {
    algorithm: options.algorithm ?? 'SHA1',
    digits: options.digits ?? 6,
    period: options.period ?? 30,
  };
  if (!Object.hasOwn(HMAC_NAME, resolved.algorithm)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'TOTP algorithm must be SHA1, SHA256 or SHA512.', {
      field: 'algorithm',
    });
  }
  if (!Number.isInteger(resolved.digits) || resolved.digits < 6 || resolved.digits > 8) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'TOTP digits must be 6, 7 or 8.', { field: 'digits' });
  }
  checkPeriod(resolved.period);
  return resolved;
}

function checkSecret(secret: Uint8Array): void {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `A TOTP secret must be at least ${MIN_SECRET_BYTES} bytes.`,
      {
        field: 'secret',
        length: secret.length,
      },
    );
  }
}

/**
 * The RFC 6238 time step containing `time`: whole periods since the Unix epoch. Callers store the step
 * returned by `verifyTotp` as `lastUsedStep`.
 */
export function totpStep(time: Date, period = 30): number {
  checkPeriod(period);
  const ms = time.getTime();
  if (!Number.isFinite(ms) || ms < 0) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'The time must be a valid date after 1970.', {
      field: 'time',
    });
  }
  return Math.floor(ms / 1000 / period);
}

/** RFC 4226 HOTP with dynamic truncation; the counter is written as a 64-bit big-endian integer. */
function hotp(secret: Uint8Array, step: number, options: Required<TotpOptions>): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac(HMAC_NAME[options.algorithm], secret).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** options.digits).padStart(options.digits, '0');
}

/**
 * The RFC 6238 code for `time`. Pure CPU: the caller supplies the time (from its Clock) and the secret.
 * Throws CORDON_ERR_VALIDATION for a secret under 128 bits or out-of-range options.
 */
export function totpCode(secret: Uint8Array, time: Date, options: TotpOptions = {}): string {
  const resolved = resolve(options);
  checkSecret(secret);
  return hotp(secret, totpStep(time, resolved.period), resolved);
}

/** Options for `verifyTotp`. */
export interface VerifyTotpOptions extends TotpOptions {
  /**
   * Steps accepted on either side of the current one, for clock drift and typing time; default 1
   * (so a code is good for 60 to 90 seconds).
   */
  window?: number;
  /**
   * The step of the last code this account used successfully. Codes for that step or earlier are
   * rejected, so a code seen over a shoulder or in a log cannot be used a second time.
   */
  lastUsedStep?: number | null;
}

/** Result of `verifyTotp`; on success, store `step` as the account's new `lastUsedStep`. */
export type VerifyTotpResult = { ok: true; step: number } | { ok: false };

/**
 * Checks a code typed by a person against `secret` at `time`. The code must be exactly `digits` ASCII
 * digits (callers that want to accept "123 456" strip whitespace first). Every candidate step in the
 * window is computed and compared in constant time, so the response time does not reveal which step,
 * if any, matched. Steps at or before `lastUsedStep` are never accepted.
 */
export function verifyTotp(
  secret: Uint8Array,
  code: string,
  time: Date,
  options: VerifyTotpOptions = {},
): VerifyTotpResult {
  const { window = 1, lastUsedStep, ...rest } = options;
  const resolved = resolve(rest);
  checkSecret(secret);
  if (!Number.isInteger(window) || window < 0 || window > 10) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'The TOTP window must be a whole number from 0 to 10.', {
      field: 'window',
    });
  }
  if (code.length !== resolved.digits || !/^[0-9]+$/.test(code)) return { ok: false };
  const given = Buffer.from(code, 'ascii');
  const current = totpStep(time, resolved.period);
  let matched: number | undefined;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(secret, step, resolved), 'ascii');
    const equal = timingSafeEqual(expected, given);
    const fresh = lastUsedStep === undefined || lastUsedStep === null || step > lastUsedStep;
    if (equal && fresh && matched === undefined) matched = step;
  }
  return matched === undefined ? { ok: false } : { ok: true, step: matched };
}

/** A new random TOTP secret (160 bits) from the caller's RandomSource. */
export function generateTotpSecret(random: RandomSource): Uint8Array {
  return random.bytes(TOTP_SECRET_BYTES);
}

/**
 * The `otpauth://` URI (Google Authenticator key URI format) that enrolment shows as a QR code. Issuer
 * and account are percent-encoded (spaces as %20, not `+`, which some apps display literally); both
 * are refused if they contain a colon, since apps split the label on it. The issuer appears both in the
 * label and as a parameter, as the format recommends. The URI contains the secret: show it once, never
 * log it.
 */
export function otpauthUri(input: {
  issuer: string;
  account: string;
  secret: Uint8Array;
  algorithm?: TotpAlgorithm;
  digits?: number;
  period?: number;
}): string {
  const { issuer, account, secret, ...options } = input;
  const resolved = resolve(options);
  checkSecret(secret);
  for (const [field, value] of [
    ['issuer', issuer],
    ['account', account],
  ] as const) {
    if (value.length === 0 || value.includes(':')) {
      throw new CordonError('CORDON_ERR_VALIDATION', `The ${field} must be non-empty and contain no colon.`, {
        field,
      });
    }
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = [
    `secret=${base32Encode(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    `algorithm=${resolved.algorithm}`,
    `digits=${resolved.digits}`,
    `period=${resolved.period}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
