/**
 * Order-free random draws: a uniform number that is a pure function of a key and a few integers
 * (an order index, a day, a person), so a fact such as "order 1234 ships after 7 hours" or "this
 * person rests on 3 November" can be asked for at any time, in any order, and always gets the same
 * answer. Built on the murmur3 finalizer of {@link mix32}; not cryptographic.
 */
import { mix32 } from './random';

const TWO_POW_32 = 4_294_967_296;

/** A uniform float in [0, 1) determined by `key`, `a` and `b` (integers; only their low 32 bits count). */
export function unitOf(key: number, a: number, b = 0): number {
  const h = mix32((mix32((key ^ Math.imul(a, 0x9e3779b1)) >>> 0) ^ Math.imul(b + 1, 0x85ebca77)) >>> 0);
  return h / TWO_POW_32;
}
