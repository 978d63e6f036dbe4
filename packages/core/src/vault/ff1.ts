import { type Cipher, createCipheriv, createSecretKey } from 'node:crypto';
import { CordonError } from '../shared/errors';

/** Largest radix FF1 allows (SP 800-38G §5.2: radix ∈ [2 .. 2^16]). */
const MAX_RADIX = 65_536;
/** SP 800-38G §5.2: 2 ≤ minlen ≤ maxlen < 2^32; the tweak length t is encoded in 4 bytes, so t < 2^32 too. */
const STANDARD_MAX_LENGTH = 0xffff_ffff;
const STANDARD_MAX_TWEAK_LENGTH = 0xffff_ffff;
/** NIST's 2025 draft revision of SP 800-38G requires radix^minlen ≥ 1,000,000 (the 2019 text said 100). */
const MIN_DOMAIN_SIZE = 1_000_000n;
/**
 * While radix^v stays at or below 2^45 the rounds run on plain numbers: the Horner reduction of the PRF
 * output (acc·256 + 255 with acc < 2^45) then stays below 2^53. Larger domains use BigInt.
 */
const SMALL_DOMAIN_LIMIT = 2n ** 45n;
const ROUNDS = 10;
const BLOCK = 16;

/** Tunable FF1 parameters; both default to the ceiling the standard allows. */
export interface Ff1Options {
  /** maxTlen: the longest tweak, in bytes, this instance accepts (0 .. 2^32 − 1). */
  readonly maxTweakLength?: number;
  /**
   * maxlen: the longest numeral string this instance accepts (minLength .. 2^32 − 1). Lower it to bound
   * the work one call can cause: the numeral ↔ integer conversions are quadratic in the length.
   */
  readonly maxLength?: number;
}

/** The per-(length, tweak) CBC-MAC state after P and the tweak-only blocks of Q, reused across calls. */
interface PrefixCache {
  readonly length: number;
  readonly tweak: Buffer;
  readonly state: Buffer;
}

/**
 * NIST SP 800-38G FF1 format-preserving encryption over AES-128/192/256, written from the standard.
 *
 * The contract: `encrypt` maps a string over `alphabet` to another string over the same alphabet with the
 * same number of characters (code points), as a keyed, tweakable permutation; `decrypt` inverts it for the
 * same key and tweak. It is deterministic — the same key, tweak and plaintext always give the same
 * ciphertext — which is what lets tokens be joined on, and also why it must only protect values whose
 * equality may be disclosed.
 *
 * Why a class: the key is imported into a single AES-ECB context once, and that context is reused for
 * every block of every call (ECB with padding off keeps no state between 16-byte updates). Bulk
 * tokenization therefore pays for AES only, not for a cipher set-up per block or per call.
 *
 * Input is checked before any work: a key that is not 16/24/32 bytes, an alphabet that is not 2..65536
 * distinct well-formed characters, a text with a character outside the alphabet, a text shorter than
 * {@link Ff1.minLength} (radix^len ≥ 1,000,000) or longer than {@link Ff1.maxLength}, or a tweak longer
 * than {@link Ff1.maxTweakLength} is `CORDON_ERR_VALIDATION`. Messages and details carry lengths and
 * positions only, never the text: what is encrypted here is PII.
 */
export class Ff1 {
  /** Number of characters in the alphabet. */
  readonly radix: number;
  /** Shortest accepted text: the least length ≥ 2 with radix^length ≥ 1,000,000. */
  readonly minLength: number;
  /** Longest accepted text (characters). */
  readonly maxLength: number;
  /** Longest accepted tweak (bytes). */
  readonly maxTweakLength: number;

  readonly #ecb: Cipher;
  /** numeral → code point */
  readonly #codePoints: Uint32Array;
  /** code point → numeral */
  readonly #numerals: Map<number, number>;
  /** Every alphabet character is one UTF-16 code unit: texts can be indexed with charCodeAt. */
  readonly #bmpOnly: boolean;
  #prefix: PrefixCache | undefined;

  constructor(key: Uint8Array, alphabet: string, options: Ff1Options = {}) {
    if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        'FF1 key must be 16, 24 or 32 bytes (AES-128/192/256).',
        {
          field: 'key',
          length: key instanceof Uint8Array ? key.length : null,
        },
      );
    }
    if (typeof alphabet !== 'string') {
      throw new CordonError('CORDON_ERR_VALIDATION', 'FF1 alphabet must be a string.', { field: 'alphabet' });
    }

    const codePoints: number[] = [];
    const numerals = new Map<number, number>();
    let bmpOnly = true;
    for (let i = 0; i < alphabet.length; ) {
      const cp = alphabet.codePointAt(i) ?? 0;
      i += cp > 0xffff ? 2 : 1;
      if (cp >= 0xd800 && cp <= 0xdfff) {
        throw new CordonError('CORDON_ERR_VALIDATION', 'FF1 alphabet contains a lone UTF-16 surrogate.', {
          field: 'alphabet',
          position: codePoints.length,
        });
      }
      if (numerals.has(cp)) {
        throw new CordonError('CORDON_ERR_VALIDATION', 'FF1 alphabet characters must be distinct.', {
          field: 'alphabet',
          position: codePoints.length,
        });
      }
      if (cp > 0xffff) bmpOnly = false;
      numerals.set(cp, codePoints.length);
      codePoints.push(cp);
    }
    const radix = codePoints.length;
    if (radix < 2 || radix > MAX_RADIX) {
      throw new CordonError('CORDON_ERR_VALIDATION', `FF1 alphabet must have 2 to ${MAX_RADIX} characters.`, {
        field: 'alphabet',
        length: radix,
      });
    }

    let minLength = 2;
    while (BigInt(radix) ** BigInt(minLength) < MIN_DOMAIN_SIZE) minLength++;

    const maxTweakLength = options.maxTweakLength ?? STANDARD_MAX_TWEAK_LENGTH;
    if (
      !Number.isInteger(maxTweakLength) ||
      maxTweakLength < 0 ||
      maxTweakLength > STANDARD_MAX_TWEAK_LENGTH
    ) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        'FF1 maxTweakLength must be an integer in 0 .. 2^32 − 1.',
        {
          field: 'maxTweakLength',
        },
      );
    }
    const maxLength = options.maxLength ?? STANDARD_MAX_LENGTH;
    if (!Number.isInteger(maxLength) || maxLength < minLength || maxLength > STANDARD_MAX_LENGTH) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `FF1 maxLength must be an integer in ${minLength} .. 2^32 − 1 for radix ${radix}.`,
        { field: 'maxLength', minLength },
      );
    }

    const ecb = createCipheriv(`aes-${key.length * 8}-ecb`, createSecretKey(key), null);
    ecb.setAutoPadding(false);

    this.radix = radix;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.maxTweakLength = maxTweakLength;
    this.#ecb = ecb;
    this.#codePoints = Uint32Array.from(codePoints);
    this.#numerals = numerals;
    this.#bmpOnly = bmpOnly;
  }

  /** FF1.Encrypt(K, T, X) (SP 800-38G Algorithm 7). The tweak defaults to the empty byte string. */
  encrypt(plaintext: string, tweak: Uint8Array = EMPTY): string {
    return this.#apply(plaintext, tweak, 'plaintext', false);
  }

  /** FF1.Decrypt(K, T, Y) (SP 800-38G Algorithm 8): the inverse of {@link Ff1.encrypt} for the same tweak. */
  decrypt(ciphertext: string, tweak: Uint8Array = EMPTY): string {
    return this.#apply(ciphertext, tweak, 'ciphertext', true);
  }

  #apply(text: string, tweak: Uint8Array, field: 'plaintext' | 'ciphertext', inverse: boolean): string {
    if (!(tweak instanceof Uint8Array)) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'FF1 tweak must be a byte array.', { field: 'tweak' });
    }
    if (tweak.length > this.maxTweakLength) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `FF1 tweak is ${tweak.length} bytes; at most ${this.maxTweakLength} are allowed.`,
        { field: 'tweak', length: tweak.length, maxLength: this.maxTweakLength },
      );
    }
    const numerals = this.#parse(text, field);
    const n = numerals.length;
    if (n < this.minLength || n > this.maxLength) {
      const which = n < this.minLength ? 'short' : 'long';
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `FF1 ${field} is too ${which}: ${n} characters, expected ${this.minLength} to ${this.maxLength} for radix ${this.radix}.`,
        { field, length: n, minLength: this.minLength, maxLength: this.maxLength },
      );
    }
    return this.#format(this.#feistel(numerals, tweak, inverse));
  }

  /** Text → numerals. Reports the first foreign character by its position only. */
  #parse(text: string, field: string): Uint16Array {
    if (typeof text !== 'string') {
      throw new CordonError('CORDON_ERR_VALIDATION', `FF1 ${field} must be a string.`, { field });
    }
    const out = new Uint16Array(text.length);
    let count = 0;
    for (let i = 0; i < text.length; count++) {
      const cp = this.#bmpOnly ? text.charCodeAt(i) : (text.codePointAt(i) ?? 0);
      i += cp > 0xffff ? 2 : 1;
      const numeral = this.#numerals.get(cp);
      if (numeral === undefined) {
        throw new CordonError(
          'CORDON_ERR_VALIDATION',
          `FF1 ${field} has a character outside the alphabet at position ${count}.`,
          { field, position: count },
        );
      }
      out[count] = numeral;
    }
    return count === out.length ? out : out.subarray(0, count);
  }

  /** Numerals → text, built in chunks (no per-character concatenation). */
  #format(numerals: Uint16Array): string {
    const codePoints = this.#codePoints;
    const fromCodes = this.#bmpOnly ? String.fromCharCode : String.fromCodePoint;
    const CHUNK = 4096;
    const parts: string[] = [];
    for (let start = 0; start < numerals.length; start += CHUNK) {
      const end = Math.min(start + CHUNK, numerals.length);
      const chunk = new Array<number>(end - start);
      for (let i = start; i < end; i++) chunk[i - start] = codePoints[numerals[i] ?? 0] ?? 0;
      parts.push(fromCodes(...chunk));
    }
    return parts.length === 1 ? (parts[0] ?? '') : parts.join('');
  }

  /** CIPH_K on one block. */
  #ciph(block: Uint8Array): Buffer {
    return this.#ecb.update(block);
  }

  /** One CBC-MAC step: CIPH_K(state ⊕ data[offset .. offset+16]). */
  #chain(state: Uint8Array, data: Uint8Array, offset: number): Buffer {
    const x = Buffer.allocUnsafe(BLOCK);
    for (let j = 0; j < BLOCK; j++) x[j] = (state[j] ?? 0) ^ (data[offset + j] ?? 0);
    return this.#ciph(x);
  }

  /**
   * The CBC-MAC state after P and the leading blocks of Q that hold only tweak and padding bytes. They are
   * the same in all ten rounds (and across calls with the same length and tweak), so they are MACed once.
   */
  #prefixState(n: number, u: number, tweak: Uint8Array, q: Buffer, constBlocks: number): Buffer {
    const cached = this.#prefix;
    if (cached !== undefined && cached.length === n && cached.tweak.equals(tweak)) return cached.state;
    const t = tweak.length;
    // P = [1]^1 ‖ [2]^1 ‖ [1]^1 ‖ [radix]^3 ‖ [10]^1 ‖ [u mod 256]^1 ‖ [n]^4 ‖ [t]^4
    const p = Buffer.alloc(BLOCK);
    p[0] = 1;
    p[1] = 2;
    p[2] = 1;
    p.writeUIntBE(this.radix, 3, 3);
    p[6] = 10;
    p[7] = u & 0xff;
    p.writeUInt32BE(n, 8);
    p.writeUInt32BE(t, 12);
    let state = this.#ciph(p);
    for (let k = 0; k < constBlocks; k++) state = this.#chain(state, q, k * BLOCK);
    this.#prefix = { length: n, tweak: Buffer.from(tweak), state };
    return state;
  }

  /** Steps 1–7 of Algorithms 7 and 8, carrying A and B as integers between rounds. */
  #feistel(x: Uint16Array, tweak: Uint8Array, inverse: boolean): Uint16Array {
    const radix = this.radix;
    const n = x.length;
    const u = n >>> 1;
    const v = n - u;
    const t = tweak.length;
    const bigRadix = BigInt(radix);
    const modU = bigRadix ** BigInt(u);
    const modV = bigRadix ** BigInt(v);
    // b = ⌈⌈v·log2(radix)⌉/8⌉, computed exactly: the byte length of radix^v − 1.
    const b = byteLength(modV - 1n);
    const d = 4 * Math.ceil(b / 4) + 4;

    // Q = T ‖ [0]^((−t−b−1) mod 16) ‖ [i]^1 ‖ [NUM_radix(B)]^b; only the last b + 1 bytes change per round.
    const pad = (((-t - b - 1) % BLOCK) + BLOCK) % BLOCK;
    const q = Buffer.alloc(t + pad + 1 + b);
    q.set(tweak, 0);
    const roundAt = t + pad;
    const constBlocks = Math.floor(roundAt / BLOCK);
    const start = this.#prefixState(n, u, tweak, q, constBlocks);

    /** S = first d bytes of R ‖ CIPH(R ⊕ [1]^16) ‖ … (only needed when d > 16). */
    const prf = (round: number): Buffer => {
      q[roundAt] = round;
      let r = start;
      for (let off = constBlocks * BLOCK; off < q.length; off += BLOCK) r = this.#chain(r, q, off);
      if (d <= BLOCK) return r;
      const s = Buffer.allocUnsafe(Math.ceil(d / BLOCK) * BLOCK);
      r.copy(s, 0);
      const counter = Buffer.alloc(BLOCK);
      for (let j = 1; j * BLOCK < d; j++) {
        counter.writeUInt32BE(j, BLOCK - 4);
        this.#chain(r, counter, 0).copy(s, j * BLOCK);
      }
      return s;
    };

    const out = new Uint16Array(n);
    if (modV <= SMALL_DOMAIN_LIMIT) {
      const mU = Number(modU);
      const mV = Number(modV);
      let a = numSmall(x, 0, u, radix);
      let c = numSmall(x, u, n, radix);
      for (let k = 0; k < ROUNDS; k++) {
        const i = inverse ? ROUNDS - 1 - k : k;
        const m = i % 2 === 0 ? mU : mV;
        writeSmall(q, roundAt + 1, b, inverse ? a : c);
        const s = prf(i);
        let y = 0;
        for (let j = 0; j < d; j++) y = (y * 256 + (s[j] ?? 0)) % m;
        if (inverse) {
          const next = (((c - y) % m) + m) % m;
          c = a;
          a = next;
        } else {
          const next = (a + y) % m;
          a = c;
          c = next;
        }
      }
      strSmall(a, out, 0, u, radix);
      strSmall(c, out, u, n, radix);
      return out;
    }

    let a = numBig(x, 0, u, radix);
    let c = numBig(x, u, n, radix);
    for (let k = 0; k < ROUNDS; k++) {
      const i = inverse ? ROUNDS - 1 - k : k;
      const m = i % 2 === 0 ? modU : modV;
      q.write((inverse ? a : c).toString(16).padStart(2 * b, '0'), roundAt + 1, b, 'hex');
      const y = BigInt(`0x${prf(i).toString('hex', 0, d)}`);
      if (inverse) {
        const next = (((c - y) % m) + m) % m;
        c = a;
        a = next;
      } else {
        const next = (a + y) % m;
        a = c;
        c = next;
      }
    }
    strBig(a, out, 0, u, radix);
    strBig(c, out, u, n, radix);
    return out;
  }
}

const EMPTY = new Uint8Array(0);

/** Bytes needed to write a non-negative integer big-endian (0 needs 0 bytes, as in the standard's b). */
function byteLength(value: bigint): number {
  return value === 0n ? 0 : Math.ceil(value.toString(16).length / 2);
}

/** NUM_radix(X[from..to]) for a value known to fit a double exactly. */
function numSmall(x: Uint16Array, from: number, to: number, radix: number): number {
  let acc = 0;
  for (let i = from; i < to; i++) acc = acc * radix + (x[i] ?? 0);
  return acc;
}

/** STR^(to−from)_radix(value) written into out[from..to]. */
function strSmall(value: number, out: Uint16Array, from: number, to: number, radix: number): void {
  let rest = value;
  for (let i = to - 1; i >= from; i--) {
    out[i] = rest % radix;
    rest = Math.floor(rest / radix);
  }
}

/** [value]^len big-endian into q at offset, value < 2^53. */
function writeSmall(q: Buffer, offset: number, len: number, value: number): void {
  let rest = value;
  for (let j = len - 1; j >= 0; j--) {
    q[offset + j] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/** How many numerals fit one chunk that stays exact in a double (radix^k ≤ 2^48). */
function chunkDigits(radix: number): number {
  return Math.max(1, Math.floor(48 / Math.log2(radix)));
}

/** NUM_radix(X[from..to]) in BigInt, consuming numerals a double-sized chunk at a time. */
function numBig(x: Uint16Array, from: number, to: number, radix: number): bigint {
  const k = chunkDigits(radix);
  const chunkBase = BigInt(radix) ** BigInt(k);
  let acc = 0n;
  let i = from;
  const head = (to - from) % k;
  if (head > 0) {
    acc = BigInt(numSmall(x, i, i + head, radix));
    i += head;
  }
  for (; i < to; i += k) acc = acc * chunkBase + BigInt(numSmall(x, i, i + k, radix));
  return acc;
}

/** STR^(to−from)_radix(value) into out[from..to], peeling a double-sized chunk per BigInt division. */
function strBig(value: bigint, out: Uint16Array, from: number, to: number, radix: number): void {
  const k = chunkDigits(radix);
  const chunkBase = BigInt(radix) ** BigInt(k);
  let rest = value;
  for (let end = to; end > from; end -= k) {
    const begin = Math.max(from, end - k);
    strSmall(Number(rest % chunkBase), out, begin, end, radix);
    rest /= chunkBase;
  }
}
