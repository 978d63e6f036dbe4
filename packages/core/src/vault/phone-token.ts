import { CordonError } from '../shared/errors';
import { Ff1 } from './ff1';

/** A mainland mobile number: 11 digits, "1", then 3–9, then 9 digits. */
const MOBILE = /^1[3-9]\d{9}$/;
/** Char code of '3': a 10-digit FF1 output is in the valid set when its first digit is ≥ '3'. */
const FIRST_VALID_DIGIT = 0x33;

/** Maps mainland mobiles to phone-shaped tokens and back; see {@link createPhoneTokenizer}. */
export interface PhoneTokenizer {
  /** The token for a mobile (`/^1[3-9]\d{9}$/` in, the same shape out). Same key and tweak → same token. */
  tokenize(mobile11: string): string;
  /** The mobile a token was made from: the exact inverse of `tokenize` under the same key and tweak. */
  detokenize(token11: string): string;
}

/**
 * Phone-shaped tokens for legacy systems (ERPs, courier and SMS gateways) that validate a field as an
 * 11-digit mainland mobile but do not need the real number.
 *
 * Design. The leading "1" is kept and the remaining ten digits are encrypted with FF1 (NIST SP 800-38G,
 * radix 10, this key and tweak). FF1 permutes all 10^10 ten-digit strings, but only those starting 3–9
 * (7·10^9 of them) make a valid mobile, so the tokenizer cycle-walks: it re-encrypts the output until its
 * first digit is 3–9. Because the walk follows FF1's permutation cycle from a valid point to the next valid
 * point, the result is a permutation of the valid mobiles: no two mobiles share a token and every token
 * detokenizes (by walking FF1 decryption the same way) to exactly one mobile. The walk always ends — the
 * cycle returns to its valid start at worst — and takes 10/7 ≈ 1.43 encryptions on average; a walk of k
 * extra steps has probability about 0.3^k.
 *
 * Determinism is the point: the same mobile always gives the same token under one key, so systems can
 * join and deduplicate on tokens without seeing numbers. It is also the limit: a token discloses equality,
 * anyone holding the key (or able to call tokenize) can map numbers to tokens, and the number of walk
 * steps — hence the call's duration — depends on the value. Tokens look like, and may equal, some real
 * person's mobile: never dial or message a token, and never join tokens against columns of real numbers.
 *
 * Invalid input — anything not matching `/^1[3-9]\d{9}$/` — is `CORDON_ERR_INVALID_PHONE`, whose message
 * and details never repeat the value. A key that is not 16/24/32 bytes is `CORDON_ERR_VALIDATION`.
 *
 * @param key AES-128/192/256 key for FF1 (the keyring's token key); rotating it changes every token.
 * @param tweak optional FF1 tweak, e.g. to give each tenant or each legacy system its own token space.
 */
export function createPhoneTokenizer(key: Uint8Array, tweak?: Uint8Array): PhoneTokenizer {
  const ff1 = new Ff1(key, '0123456789');
  if (tweak !== undefined && !(tweak instanceof Uint8Array)) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'Phone token tweak must be a byte array.', {
      field: 'tweak',
    });
  }
  // A private copy: a caller mutating its buffer later must not silently change the mapping.
  const fixedTweak = tweak === undefined ? new Uint8Array(0) : Uint8Array.from(tweak);
  if (fixedTweak.length > ff1.maxTweakLength) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'Phone token tweak is too long.', {
      field: 'tweak',
      length: fixedTweak.length,
    });
  }

  const walk = (tail: string, step: (digits: string) => string): string => {
    let out = step(tail);
    while (out.charCodeAt(0) < FIRST_VALID_DIGIT) out = step(out);
    return `1${out}`;
  };
  const encryptStep = (digits: string): string => ff1.encrypt(digits, fixedTweak);
  const decryptStep = (digits: string): string => ff1.decrypt(digits, fixedTweak);

  return {
    tokenize(mobile11: string): string {
      requireMobile(mobile11, 'mobile');
      return walk(mobile11.slice(1), encryptStep);
    },
    detokenize(token11: string): string {
      requireMobile(token11, 'token');
      return walk(token11.slice(1), decryptStep);
    },
  };
}

function requireMobile(value: unknown, field: 'mobile' | 'token'): asserts value is string {
  if (typeof value !== 'string' || !MOBILE.test(value)) {
    throw new CordonError(
      'CORDON_ERR_INVALID_PHONE',
      `The ${field} is not an 11-digit mainland mobile number (1, then 3-9, then 9 digits).`,
      { field },
    );
  }
}
