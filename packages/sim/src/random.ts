/**
 * A small seeded pseudo-random generator for the simulator. Demos, import tests and benchmarks refer
 * to generated records by id, so the same seed must give the same sequence on every machine and
 * Node version: everything here is 32-bit integer arithmetic (`Math.imul`, shifts), no
 * `Math.random`, no platform-dependent floating point beyond one division and `Math.log`/`Math.cos`
 * in {@link Random.normal}.
 *
 * Not cryptographic: never use it for keys, tokens or anything an attacker must not predict.
 */

/** What a generator is seeded from. A number seed is the same as its decimal string (`42` ≡ `'42'`). */
export type Seed = string | number;

const TWO_POW_32 = 4_294_967_296;

/** `00` … `ff`, for fast hexadecimal output. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
);

/** Outputs discarded after seeding so that similar seeds have diverged before the first draw. */
const WARM_UP_ROUNDS = 15;

/** The canonical string form of a seed; non-finite numbers are refused (they would all collide). */
export function seedText(seed: Seed): string {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError('A numeric seed must be a finite number.');
    return String(seed);
  }
  return seed;
}

/**
 * cyrb128: a fast 128-bit non-cryptographic string hash, used only to spread a seed string over the
 * four 32-bit words of the generator state (and for {@link hash32}).
 */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i += 1) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A 32-bit hash of a string: the first word of {@link hash128}. */
export function hash32(text: string): number {
  return hash128(text)[0];
}

/**
 * The murmur3 32-bit finalizer: a cheap bijective mixer of one 32-bit word. Used where a value must
 * be a pure function of an index (per-customer traits, permutations) without building a generator.
 */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A keyed pseudo-random permutation of `[0, domain)`: distinct indexes give distinct values, so an
 * index-derived value (a phone number suffix, a QQ number) is unique without remembering which
 * values were handed out. A 4-round Feistel network on the smallest even bit width covering the
 * domain, with cycle walking to stay inside it. `domain` is at most 2^30.
 */
export class IndexPermutation {
  readonly domain: number;
  private readonly half: number;
  private readonly mask: number;
  private readonly roundKeys: readonly number[];

  constructor(domain: number, key: number) {
    if (!Number.isInteger(domain) || domain < 1 || domain > 2 ** 30) {
      throw new RangeError('An index permutation needs an integer domain in [1, 2^30].');
    }
    let bits = 2;
    while (2 ** bits < domain) bits += 2;
    this.domain = domain;
    this.half = bits / 2;
    this.mask = (1 << this.half) - 1;
    this.roundKeys = [0, 1, 2, 3].map((round) => mix32((key + round) >>> 0));
  }

  /** The image of `index` (an integer in [0, domain)). */
  apply(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.domain) {
      throw new RangeError('An index permutation needs an integer index in [0, domain).');
    }
    const { half, mask, roundKeys } = this;
    let value = index;
    do {
      let left = value >>> half;
      let right = value & mask;
      for (const roundKey of roundKeys) {
        const next = (left ^ mix32(right ^ roundKey)) & mask;
        left = right;
        right = next;
      }
      value = left * (mask + 1) + right;
    } while (value >= this.domain);
    return value;
  }
}

/**
 * A precomputed weighted distribution for pools that are sampled millions of times (surnames,
 * cities, products): built once in O(n), sampled in O(log n) by binary search on cumulative weights.
 */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  /** Weights must be finite and non-negative with a positive sum; a zero weight is never picked. */
  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0) throw new RangeError('A weighted table needs at least one item.');
    if (items.length !== weights.length) throw new RangeError('A weighted table needs one weight per item.');
    this.items = items;
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    weights.forEach((weight, index) => {
      if (!Number.isFinite(weight) || weight < 0)
        throw new RangeError('Weights must be finite and non-negative.');
      sum += weight;
      this.cumulative[index] = sum;
    });
    if (sum <= 0) throw new RangeError('At least one weight must be positive.');
    this.total = sum;
  }

  /** One item, with probability proportional to its weight; consumes one draw. */
  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low] as T;
  }
}

/**
 * The sfc32 generator (Chris Doty-Humphrey's Small Fast Chaotic PRNG, PractRand-clean, period at
 * least 2^32) seeded through {@link hash128}. Every method consumes a fixed, documented number of
 * draws so that sequences stay stable when code that uses them is read or refactored.
 */
export class Random {
  /** The canonical seed text; {@link Random.fork} derives child seeds from it. */
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Seed) {
    this.seed = seedText(seed);
    const [a, b, c, d] = hash128(this.seed);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    for (let i = 0; i < WARM_UP_ROUNDS; i += 1) this.uint32();
  }

  /**
   * An independent generator for a named sub-stream, derived from this generator's seed and the
   * label only, not from its current state: `fork('customer:7')` is the same however many numbers
   * were drawn before, so one record can be regenerated without replaying the whole stream.
   */
  fork(label: string): Random {
    return new Random(`${this.seed}/${label}`);
  }

  /** A uniform 32-bit unsigned integer; one draw. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution; one draw. */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /**
   * A uniform integer in [min, max], both inclusive, without modulo bias (rejection sampling, so
   * usually one draw). Both bounds must be safe integers with `max − min < 2^32`.
   */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError('int(min, max) needs safe integers with min ≤ max.');
    }
    const span = max - min + 1;
    if (span > TWO_POW_32) throw new RangeError('int(min, max) supports ranges of at most 2^32 values.');
    const limit = TWO_POW_32 - (TWO_POW_32 % span);
    let value = this.uint32();
    while (value >= limit) value = this.uint32();
    return min + (value % span);
  }

  /** A uniform float in [min, max); one draw. */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** `true` with probability `p` (p ≤ 0: never, p ≥ 1: always); always one draw, so p does not shift later draws. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniform element of a non-empty array; one draw. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty array.');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * An element chosen with probability proportional to its weight; one draw. Linear in the number of
   * items: for pools sampled often, build a {@link WeightedTable} once instead.
   */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length === 0 || items.length !== weights.length) {
      throw new RangeError('weightedPick() needs a non-empty array and one weight per item.');
    }
    let total = 0;
    for (const weight of weights) {
      if (!Number.isFinite(weight) || weight < 0)
        throw new RangeError('Weights must be finite and non-negative.');
      total += weight;
    }
    if (total <= 0) throw new RangeError('At least one weight must be positive.');
    let target = this.next() * total;
    for (let index = 0; index < items.length; index += 1) {
      const weight = weights[index] ?? 0;
      if (target < weight) return items[index] as T;
      target -= weight;
    }
    // Rounding can leave target at the very top: return the last item with a positive weight.
    for (let index = items.length - 1; index >= 0; index -= 1) {
      if ((weights[index] ?? 0) > 0) return items[index] as T;
    }
    throw new RangeError('At least one weight must be positive.');
  }

  /** A normally distributed float (Box–Muller, cosine branch only); two draws. */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A shuffled copy (Fisher–Yates, one {@link Random.int} per element but the first); the input is not modified. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = this.int(0, i);
      const held = out[i] as T;
      out[i] = out[j] as T;
      out[j] = held;
    }
    return out;
  }

  /** `length` lowercase hexadecimal characters; one draw per 8 characters (or part of 8). */
  hex(length: number): string {
    let out = '';
    for (let done = 0; done < length; done += 8) {
      const word = this.uint32();
      const chunk =
        (HEX_BYTES[word >>> 24] as string) +
        (HEX_BYTES[(word >>> 16) & 0xff] as string) +
        (HEX_BYTES[(word >>> 8) & 0xff] as string) +
        (HEX_BYTES[word & 0xff] as string);
      out += length - done >= 8 ? chunk : chunk.slice(0, length - done);
    }
    return out;
  }

  /** `length` decimal digits (leading zeros allowed); one draw per digit. */
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += String(this.int(0, 9));
    return out;
  }
}
