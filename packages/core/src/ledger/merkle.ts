/**
 * RFC 9162 (RFC 6962 bis) Merkle tree hashing, proofs and verification, written from RFC 9162
 * §2.1. Pure: no I/O, no clock, no randomness.
 *
 * Storage model: a node table keyed by (level, index) that holds only hashes of COMPLETE aligned
 * subtrees — level 0 index i is leaf hash i, level k index i is the hash of leaves
 * [i·2^k, (i+1)·2^k). Such a node never changes once written, so the table is append-only. The
 * incomplete subtrees on the right edge of a tree are folded from their complete parts when needed;
 * the planners below list every node a proof needs so a repository can fetch them in ONE round trip.
 *
 * Hashing note (Node 20, measured): one-shot `crypto.hash` with string output is ~6x faster than
 * `createHash()` and ~3x faster than `crypto.hash(..., 'buffer')`, whose Buffer output allocates a
 * fresh ArrayBuffer per call. We therefore hash to a string and copy it into a small Buffer.
 *
 * Sizes and indexes are JavaScript numbers; trees up to 2^53 leaves are supported and all size
 * arithmetic avoids 32-bit bitwise operators.
 */
import * as nodeCrypto from 'node:crypto';
import { CordonError } from '../shared/errors';

/** Bytes in every hash of the tree (SHA-256). */
export const HASH_SIZE = 32;

/** Largest tree size the planners, verifiers and appender accept (integers stay exact below it). */
export const MAX_TREE_SIZE = 2 ** 53;

// ---------------------------------------------------------------------------------------------
// SHA-256 plumbing

/**
 * One-shot `crypto.hash` (Node ≥ 20.12) asked for a UTF-16LE string: 16 code units carry the 32
 * digest bytes losslessly, so the copy into a Buffer below takes 16 charCodeAt calls instead of 32.
 * @types/node 20 lists only the hex/base64/binary encodings, hence the typed alias; Node accepts
 * any Buffer encoding here. Undefined on older Node 20 releases.
 */
type OneShotUtf16 = (algorithm: 'sha256', data: Uint8Array, outputEncoding: 'utf16le') => string;
const hashUtf16: OneShotUtf16 | undefined =
  typeof nodeCrypto.hash === 'function' ? (nodeCrypto.hash as unknown as OneShotUtf16) : undefined;

/**
 * SHA-256 of `data` as a fresh 32-byte Buffer. Measured on Node 20 (65-byte input): one-shot
 * `crypto.hash` with string output ~240 ns; with 'buffer' output ~800 ns (a new ArrayBuffer per
 * call); `createHash().digest()` ~1500 ns. So we hash to a string and copy it into a small Buffer.
 */
function sha256(data: Uint8Array): Buffer {
  // A 32-byte Buffer.alloc is a V8 on-heap typed array: no pool slab, no external ArrayBuffer to
  // sweep, measurably less GC work per hash than Buffer.allocUnsafe.
  const out = Buffer.alloc(HASH_SIZE);
  digestInto(data, out, 0);
  return out;
}

/** Writes SHA-256(`data`) into `out` at `offset`; `data` may overlap the destination (it is read first). */
function digestInto(data: Uint8Array, out: Uint8Array, offset: number): void {
  if (hashUtf16 === undefined) {
    // Node < 20.12 has no one-shot hash: correct but slower.
    out.set(nodeCrypto.createHash('sha256').update(data).digest(), offset);
    return;
  }
  const digest = hashUtf16('sha256', data, 'utf16le');
  for (let i = 0; i < HASH_SIZE / 2; i += 1) {
    const unit = digest.charCodeAt(i);
    out[offset + 2 * i] = unit & 0xff;
    out[offset + 2 * i + 1] = unit >>> 8;
  }
}

// One scratch buffer per hash shape. Safe because hashing is synchronous and single-threaded per
// isolate; nothing else can observe or interleave with the scratch contents.
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;
/** Offset of the right child in `nodeScratch`; the appender keeps its current node there. */
const RIGHT = 1 + HASH_SIZE;

/**
 * Copies one hash. A plain loop: for 32 bytes it is several times cheaper than `Buffer#copy` or
 * `TypedArray#set`, whose call overhead dominates at this size (measured on Node 20).
 */
function copyHash(from: Uint8Array, fromOffset: number, to: Uint8Array, toOffset: number): void {
  for (let i = 0; i < HASH_SIZE; i += 1) to[toOffset + i] = from[fromOffset + i] as number;
}

/** A fresh copy of the 32 bytes of `nodeScratch` at `offset`. */
function copyOut(offset: number): Buffer {
  const out = Buffer.alloc(HASH_SIZE);
  copyHash(nodeScratch, offset, out, 0);
  return out;
}
const LEAF_SCRATCH_SIZE = 2048;
const leafScratch = Buffer.alloc(LEAF_SCRATCH_SIZE); // byte 0 stays 0x00 forever
const leafViews: Array<Buffer | undefined> = [];

/** SHA-256(0x01 ‖ left ‖ right) with no length checks; internal callers guarantee 32-byte inputs. */
function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  copyHash(left, 0, nodeScratch, 1);
  copyHash(right, 0, nodeScratch, RIGHT);
  return sha256(nodeScratch);
}

function requireHash(value: Uint8Array, what: string): void {
  if (value.length !== HASH_SIZE) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `${what} must be ${HASH_SIZE} bytes, got ${value.length}.`,
      {
        field: what,
      },
    );
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const EMPTY_ROOT = sha256(new Uint8Array(0));

/**
 * RFC 9162 leaf hash: SHA-256(0x00 ‖ data). The 0x00 prefix separates leaves from interior nodes,
 * so no leaf can be passed off as a node (second-preimage defence).
 */
export function leafHash(data: Uint8Array): Buffer {
  const out = Buffer.alloc(HASH_SIZE);
  leafDigestInto(data, out, 0);
  return out;
}

/** Writes the leaf hash of `data` into `out` at `offset`. */
function leafDigestInto(data: Uint8Array, out: Uint8Array, offset: number): void {
  const total = data.length + 1;
  if (total <= LEAF_SCRATCH_SIZE) {
    let view = leafViews[total];
    if (view === undefined) {
      view = leafScratch.subarray(0, total);
      leafViews[total] = view;
    }
    leafScratch.set(data, 1);
    digestInto(view, out, offset);
    return;
  }
  const input = Buffer.allocUnsafe(total);
  input[0] = 0x00;
  input.set(data, 1);
  digestInto(input, out, offset);
}

/** RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right). Both children must be 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  requireHash(left, 'left');
  requireHash(right, 'right');
  return hashChildren(left, right);
}

/** MTH({}) = SHA-256 of the empty string: the root of the empty tree (a fresh copy each call). */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

/**
 * MTH(D[n]) over already-computed leaf hashes. Folds a compact range left to right, which yields
 * exactly the RFC's recursive split at the largest power of two below n, in O(n) hashes and
 * O(log n) memory (no recursion, so any n works).
 */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  const appender = new MerkleAppender();
  for (const leaf of leafHashes) appender.append(leaf);
  return appender.root();
}

// ---------------------------------------------------------------------------------------------
// Integer helpers that stay exact up to 2^53 (no 32-bit bitwise operators on sizes).

/** floor(log2(x)) for an integer 1 ≤ x ≤ 2^53; exact, unlike Math.log2 near 2^53. */
function floorLog2(x: number): number {
  const high = Math.floor(x / 2 ** 32);
  if (high > 0) return 63 - Math.clz32(high);
  return 31 - Math.clz32(x);
}

/** Largest power of two strictly below n (n ≥ 2): the RFC's split point k. */
function splitPoint(n: number): number {
  return 2 ** floorLog2(n - 1);
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && 2 ** floorLog2(x) === x;
}

function isTreeSize(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_TREE_SIZE;
}

function requireTreeSize(n: number, field: string): void {
  if (!isTreeSize(n)) {
    throw new CordonError('CORDON_ERR_RANGE', `${field} must be a whole number from 0 to 2^53.`, {
      field,
      value: n,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Node table planners

/** A complete aligned subtree: leaves [index·2^level, (index+1)·2^level). */
export interface NodeRef {
  readonly level: number;
  readonly index: number;
}

/** Reads one complete-subtree hash from the node table; throw if it is absent. */
export type NodeGetter = (level: number, index: number) => Uint8Array;

/** The key under which `ProofPlan.assemble` looks nodes up in a Map: `${level}:${index}`. */
export function nodeKey(level: number, index: number): string {
  return `${level}:${index}`;
}

/**
 * What to fetch for a proof and how to put it together. `refs` are distinct complete subtrees
 * (O(log n) of them) to fetch in one round trip; `elements` has one entry per proof element, in
 * proof order, listing the complete subtrees (left to right) whose RFC 9162 fold is that element —
 * a single ref for an interior node, several for an incomplete right-edge subtree.
 */
export interface ProofPlan {
  readonly refs: readonly NodeRef[];
  readonly elements: ReadonlyArray<readonly NodeRef[]>;
  /**
   * Builds the proof (one 32-byte Buffer per element) from fetched nodes, given as a getter or as a
   * Map keyed by `nodeKey(level, index)`. A missing or mis-sized node throws CORDON_ERR_INTERNAL.
   */
  assemble(nodes: NodeGetter | ReadonlyMap<string, Uint8Array>): Buffer[];
}

/**
 * Decomposes the RFC subtree [start, end) into complete aligned subtrees, largest first. Every
 * subtree of the RFC tree has `start` divisible by the power of two at or above its width, so each
 * part is aligned; the check below guards that invariant.
 */
function rangeParts(start: number, end: number): NodeRef[] {
  const parts: NodeRef[] = [];
  let position = start;
  let remaining = end - start;
  while (remaining > 0) {
    const level = floorLog2(remaining);
    const width = 2 ** level;
    const index = position / width;
    if (!Number.isInteger(index)) {
      throw new CordonError('CORDON_ERR_INTERNAL', `unaligned Merkle range [${start}, ${end})`);
    }
    parts.push({ level, index });
    position += width;
    remaining -= width;
  }
  return parts;
}

/** Hash of an RFC subtree from its complete parts: right fold, MTH(a‖b) = H(0x01‖MTH(a)‖MTH(b)). */
function foldParts(parts: readonly Uint8Array[]): Buffer {
  const last = parts[parts.length - 1];
  if (last === undefined) return emptyRoot();
  let acc: Buffer = Buffer.from(last);
  for (let i = parts.length - 2; i >= 0; i -= 1) {
    const part = parts[i];
    if (part !== undefined) acc = hashChildren(part, acc);
  }
  return acc;
}

function makePlan(ranges: ReadonlyArray<readonly [number, number]>): ProofPlan {
  const elements = ranges.map(([start, end]) => rangeParts(start, end));
  const seen = new Set<string>();
  const refs: NodeRef[] = [];
  for (const parts of elements) {
    for (const ref of parts) {
      const key = nodeKey(ref.level, ref.index);
      if (!seen.has(key)) {
        seen.add(key);
        refs.push(ref);
      }
    }
  }
  return {
    refs,
    elements,
    assemble(nodes) {
      const get: NodeGetter =
        typeof nodes === 'function'
          ? nodes
          : (level, index) => {
              const hash = nodes.get(nodeKey(level, index));
              if (hash === undefined) {
                throw new CordonError(
                  'CORDON_ERR_INTERNAL',
                  `Merkle node ${nodeKey(level, index)} is missing.`,
                  {
                    level,
                    index,
                  },
                );
              }
              return hash;
            };
      return elements.map((parts) =>
        foldParts(
          parts.map(({ level, index }) => {
            const hash = get(level, index);
            if (hash.length !== HASH_SIZE) {
              throw new CordonError(
                'CORDON_ERR_INTERNAL',
                `Merkle node ${nodeKey(level, index)} is not ${HASH_SIZE} bytes.`,
                {
                  level,
                  index,
                },
              );
            }
            return hash;
          }),
        ),
      );
    },
  };
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as leaf ranges, leaf-to-root order. */
function inclusionRanges(index: number, size: number): Array<[number, number]> {
  const topDown: Array<[number, number]> = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      topDown.push([lo + k, hi]);
      hi = lo + k;
    } else {
      topDown.push([lo, lo + k]);
      lo += k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, in proof order. */
function consistencyRanges(size1: number, size2: number): Array<[number, number]> {
  const topDown: Array<[number, number]> = [];
  let lo = 0;
  let hi = size2;
  let m = size1;
  let startFromOldRoot = true; // the RFC's flag b
  for (;;) {
    const n = hi - lo;
    if (m === n) {
      if (!startFromOldRoot) topDown.push([lo, hi]);
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      topDown.push([lo + k, hi]);
      hi = lo + k;
    } else {
      topDown.push([lo, lo + k]);
      lo += k;
      m -= k;
      startFromOldRoot = false;
    }
  }
  return topDown.reverse();
}

/**
 * Plan for the RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves: at most
 * ~2·log2(size) node reads. Throws CORDON_ERR_RANGE unless 0 ≤ index < size ≤ 2^53.
 */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  requireTreeSize(size, 'size');
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new CordonError('CORDON_ERR_RANGE', `index must be a whole number below the tree size ${size}.`, {
      index,
      size,
    });
  }
  return makePlan(inclusionRanges(index, size));
}

/**
 * Plan for the RFC 9162 consistency proof from `size1` to `size2`. Equal sizes give an empty proof;
 * `size1 = 0` also gives an empty proof (the RFC leaves it undefined; C2SP tlog-witness requires it
 * empty). Throws CORDON_ERR_RANGE unless 0 ≤ size1 ≤ size2 ≤ 2^53.
 */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  requireTreeSize(size1, 'size1');
  requireTreeSize(size2, 'size2');
  if (size1 > size2) {
    throw new CordonError('CORDON_ERR_RANGE', `size1 (${size1}) must not exceed size2 (${size2}).`, {
      size1,
      size2,
    });
  }
  if (size1 === 0 || size1 === size2) return makePlan([]);
  return makePlan(consistencyRanges(size1, size2));
}

/**
 * Plan for the root hash of the tree of `size` leaves from the node table (one element: the root;
 * size 0 yields the empty root with no reads). Lets a reader compute any historical root.
 */
export function rootPlan(size: number): ProofPlan {
  requireTreeSize(size, 'size');
  return makePlan([[0, size]]);
}

// ---------------------------------------------------------------------------------------------
// Verification, written from RFC 9162 §2.1.3.2 and §2.1.4.2 alone.

/**
 * Runs the RFC 9162 §2.1.3.2 algorithm and returns the root the proof leads to, or undefined if the
 * inputs are malformed (index ≥ size, a hash that is not 32 bytes, a proof of the wrong length).
 */
export function rootFromInclusionProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  if (!isTreeSize(size) || !Number.isInteger(index) || index < 0 || index >= size) return undefined;
  if (leaf.length !== HASH_SIZE) return undefined;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (p.length !== HASH_SIZE) return undefined;
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 !== 1) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/**
 * RFC 9162 §2.1.3.2: true iff `proof` proves that `leaf` (a leaf HASH) is at `index` in the tree
 * of `size` leaves whose root is `root`. Malformed input is a false, never a throw.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (root.length !== HASH_SIZE) return false;
  const computed = rootFromInclusionProof(leaf, index, size, proof);
  return computed !== undefined && equalBytes(computed, root);
}

/** Options for `verifyConsistency`. */
export interface ConsistencyOptions {
  /**
   * C2SP tlog-witness semantics for an empty old tree: accept `size1 = 0` when the proof is empty
   * and `root1` is the empty root (and, if `size2 = 0`, `root2` too). Off by default, as in RFC 9162
   * (which defines proofs only for 0 < size1) and transparency-dev/merkle.
   */
  allowEmptyFirst?: boolean;
}

/**
 * RFC 9162 §2.1.4.2: true iff `proof` shows the tree of `size2` leaves with root `root2` extends the
 * tree of `size1` leaves with root `root1`. Equal sizes need an empty proof and identical roots.
 * `size1 = 0` is rejected unless `options.allowEmptyFirst` (see there). Never throws.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  options: ConsistencyOptions = {},
): boolean {
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 > size2) return false;
  if (size1 === 0) {
    if (options.allowEmptyFirst !== true) return false;
    return (
      proof.length === 0 && equalBytes(root1, EMPTY_ROOT) && (size2 > 0 || equalBytes(root2, EMPTY_ROOT))
    );
  }
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  // 1. An empty consistency_path fails.
  if (proof.length === 0) return false;
  for (const p of proof) if (p.length !== HASH_SIZE) return false;
  // 2. If first is an exact power of 2, prepend first_hash.
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. While LSB(fn) is set, right-shift both.
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // 5.
  const first = path[0];
  if (first === undefined) return false;
  let fr: Buffer = Buffer.from(first);
  let sr: Buffer = Buffer.from(first);
  // 6.
  for (let i = 1; i < path.length; i += 1) {
    const c = path[i];
    if (c === undefined) return false;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 !== 1) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7.
  return equalBytes(fr, root1) && equalBytes(sr, root2) && sn === 0;
}

// ---------------------------------------------------------------------------------------------
// Appending

/** A complete-subtree node to persist in the node table. */
export interface MerkleNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** Receives each node an append completes: (level, index, hash). */
export type NodeSink = (level: number, index: number, hash: Buffer) => void;

/** Most frontier hashes a tree below MAX_TREE_SIZE can have (one per set bit of its size). */
const MAX_FRONTIER = 54;

/**
 * The log's in-memory frontier (a compact range over [0, size)): the roots of the complete
 * subtrees for each set bit of `size`, largest (leftmost) first. O(log n) state is all a sequencer
 * needs to append, compute the root and emit node-table rows; persist `frontier()` with the size
 * to restart. Amortized cost: one node hash per append.
 *
 * The frontier lives in one preallocated buffer and every digest is written straight into the
 * node-hash scratch, so an append with no sink allocates nothing but the digest strings (measured:
 * the 32-byte Buffer per hash and the garbage it made were the largest cost after SHA-256 itself).
 * Node hashes handed to a sink are fresh copies; `append` hands the caller's own leaf Buffer back
 * at level 0 (treat it as read-only).
 */
export class MerkleAppender {
  private count: number;
  private depth = 0;
  private readonly stack = Buffer.alloc(MAX_FRONTIER * HASH_SIZE);

  /**
   * Starts empty or resumes from a persisted `{ size, frontier }`. Throws CORDON_ERR_VALIDATION if
   * the frontier does not have one 32-byte hash per set bit of `size`.
   */
  constructor(initial?: { size: number; frontier: readonly Uint8Array[] }) {
    this.count = 0;
    if (initial === undefined) return;
    const { size, frontier } = initial;
    if (!Number.isInteger(size) || size < 0 || size > MAX_TREE_SIZE) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'The Merkle frontier size is not a valid tree size.', {
        size,
      });
    }
    let bits = 0;
    for (let rest = size; rest > 0; rest = Math.floor(rest / 2)) bits += rest % 2;
    if (frontier.length !== bits) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `A tree of size ${size} has a frontier of ${bits} hashes, got ${frontier.length}.`,
        { size, frontier: frontier.length },
      );
    }
    frontier.forEach((hash, i) => {
      requireHash(hash, 'frontier hash');
      this.stack.set(hash, i * HASH_SIZE);
    });
    this.depth = bits;
    this.count = size;
  }

  /** Number of leaves appended so far (also the index the next leaf gets). */
  get size(): number {
    return this.count;
  }

  /**
   * Appends one leaf HASH (see `leafHash`) and returns its index. `onNode`, if given, is called for
   * each node to persist, in order: the leaf itself at level 0, then every complete subtree it
   * closes by ascending level (no result objects are built, so a caller that only needs the root
   * pays for nothing else).
   */
  append(leaf: Uint8Array, onNode?: NodeSink): number {
    if (leaf.length !== HASH_SIZE) requireHash(leaf, 'leaf hash');
    const index = this.reserve();
    copyHash(leaf, 0, nodeScratch, RIGHT);
    if (onNode) onNode(0, index, Buffer.isBuffer(leaf) ? leaf : Buffer.from(leaf));
    return this.fold(index, onNode);
  }

  /**
   * Appends an entry's bytes: its RFC 9162 leaf hash (`leafHash(data)`) is computed straight into
   * the appender's scratch, with no intermediate Buffer. Same result and sink calls as
   * `append(leafHash(data), onNode)`.
   */
  appendData(data: Uint8Array, onNode?: NodeSink): number {
    const index = this.reserve();
    leafDigestInto(data, nodeScratch, RIGHT);
    if (onNode) onNode(0, index, copyOut(RIGHT));
    return this.fold(index, onNode);
  }

  private reserve(): number {
    const index = this.count;
    if (index >= MAX_TREE_SIZE) {
      throw new CordonError('CORDON_ERR_RANGE', 'The Merkle tree is full (2^53 leaves).', { size: index });
    }
    return index;
  }

  /** The new leaf sits in the scratch's right half: merge it with every subtree it completes. */
  private fold(index: number, onNode: NodeSink | undefined): number {
    const stack = this.stack;
    let depth = this.depth;
    let position = index;
    let level = 0;
    while (position % 2 === 1) {
      if (depth === 0) throw new CordonError('CORDON_ERR_INTERNAL', 'Merkle frontier underflow.');
      depth -= 1;
      copyHash(stack, depth * HASH_SIZE, nodeScratch, 1);
      digestInto(nodeScratch, nodeScratch, RIGHT);
      level += 1;
      position = (position - 1) / 2;
      if (onNode) onNode(level, position, copyOut(RIGHT));
    }
    copyHash(nodeScratch, RIGHT, stack, depth * HASH_SIZE);
    this.depth = depth + 1;
    this.count = index + 1;
    return index;
  }

  /** MTH of the leaves so far: the frontier folded right to left (the empty root when size is 0). */
  root(): Buffer {
    return foldParts(this.frontier());
  }

  /** Copies of the frontier hashes, largest subtree first; with `size`, all that is needed to resume. */
  frontier(): Buffer[] {
    return Array.from({ length: this.depth }, (_, i) =>
      Buffer.from(this.stack.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Test/bench helper

/**
 * A whole tree in memory: the complete-subtree node table per level, filled by a `MerkleAppender`,
 * with roots and proofs for any past size produced by the same planners the database path uses.
 * Meant for tests, benches and offline tools, not for large logs.
 */
export class InMemoryMerkleTree {
  private readonly appender = new MerkleAppender();
  private readonly levels: Buffer[][] = [];

  /** Reads the node table; throws CORDON_ERR_INTERNAL for a subtree that is not complete yet. */
  readonly node = (level: number, index: number): Buffer => {
    const hash = this.levels[level]?.[index];
    if (hash === undefined) {
      throw new CordonError('CORDON_ERR_INTERNAL', `Merkle node ${nodeKey(level, index)} is missing.`, {
        level,
        index,
      });
    }
    return hash;
  };

  /** Builds a tree from leaf hashes. */
  static fromLeafHashes(leafHashes: readonly Uint8Array[]): InMemoryMerkleTree {
    const tree = new InMemoryMerkleTree();
    for (const leaf of leafHashes) tree.append(leaf);
    return tree;
  }

  /** Number of leaves. */
  get size(): number {
    return this.appender.size;
  }

  /** Appends a leaf hash and records every node it completes; returns the leaf index. */
  append(leaf: Uint8Array): number {
    return this.appender.append(leaf, this.store);
  }

  private readonly store: NodeSink = (level, index, hash) => {
    let row = this.levels[level];
    if (row === undefined) {
      row = [];
      this.levels[level] = row;
    }
    row[index] = hash;
  };

  /** Appends raw entry bytes (hashed with `leafHash`); returns the leaf index. */
  appendData(data: Uint8Array): number {
    return this.append(leafHash(data));
  }

  /** Number of complete-subtree nodes stored at `level`. */
  levelSize(level: number): number {
    return this.levels[level]?.length ?? 0;
  }

  /** Root of the tree of the first `size` leaves (default: all). */
  root(size: number = this.size): Buffer {
    this.requireWithin(size);
    const [root] = rootPlan(size).assemble(this.node);
    return root ?? emptyRoot();
  }

  /** RFC 9162 inclusion proof of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.requireWithin(size);
    return inclusionProofPlan(index, size).assemble(this.node);
  }

  /** RFC 9162 consistency proof between the first `size1` and first `size2` leaves. */
  consistencyProof(size1: number, size2: number = this.size): Buffer[] {
    this.requireWithin(size2);
    return consistencyProofPlan(size1, size2).assemble(this.node);
  }

  /** The frontier appender state, e.g. to check a restart. */
  frontier(): Buffer[] {
    return this.appender.frontier();
  }

  private requireWithin(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) {
      throw new CordonError('CORDON_ERR_RANGE', `size must be from 0 to the tree size ${this.size}.`, {
        size,
        treeSize: this.size,
      });
    }
  }
}
