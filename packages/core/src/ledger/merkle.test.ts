import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../shared/errors';
import {
  consistencyProofPlan,
  emptyRoot,
  InMemoryMerkleTree,
  inclusionProofPlan,
  leafHash,
  MAX_TREE_SIZE,
  MerkleAppender,
  type MerkleNode,
  nodeHash,
  nodeKey,
  type ProofPlan,
  rootFromInclusionProof,
  rootOf,
  rootPlan,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/** `shared/` is a sibling of the repo folder: five levels up from packages/core/src/ledger. */
const shared = resolve(import.meta.dirname, '../../../../../shared');
const vectors = join(shared, 'vectors/merkle');

const b64 = (s: string | null | undefined): Buffer => Buffer.from(s ?? '', 'base64');
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function listFiles(dir: string, suffix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A naive RFC 9162 §2.1 implementation, transcribed literally (recursive, slices, createHash), used
// as the independent oracle for the planners and the appender.

const sha = (...parts: Uint8Array[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const naiveLeaf = (data: Uint8Array): Buffer => sha(Uint8Array.of(0), data);
const naiveNode = (l: Uint8Array, r: Uint8Array): Buffer => sha(Uint8Array.of(1), l, r);
/** Largest power of two smaller than n (n > 1). */
const naiveK = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

function naiveMth(d: readonly Buffer[]): Buffer {
  const n = d.length;
  if (n === 0) return sha();
  if (n === 1) return d[0] ?? sha();
  const k = naiveK(n);
  return naiveNode(naiveMth(d.slice(0, k)), naiveMth(d.slice(k)));
}

function naivePath(m: number, d: readonly Buffer[]): Buffer[] {
  const n = d.length;
  if (n <= 1) return [];
  const k = naiveK(n);
  if (m < k) return [...naivePath(m, d.slice(0, k)), naiveMth(d.slice(k))];
  return [...naivePath(m - k, d.slice(k)), naiveMth(d.slice(0, k))];
}

function naiveSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [naiveMth(d)];
  const k = naiveK(n);
  if (m <= k) return [...naiveSubproof(m, d.slice(0, k), b), naiveMth(d.slice(k))];
  return [...naiveSubproof(m - k, d.slice(k), false), naiveMth(d.slice(0, k))];
}

const naiveProof = (m: number, d: readonly Buffer[]): Buffer[] => naiveSubproof(m, d, true);

/** Appends one leaf and collects the nodes the appender reports, in the order it reports them. */
function appendCollecting(
  appender: MerkleAppender,
  leaf: Uint8Array,
): { index: number; newNodes: MerkleNode[] } {
  const newNodes: MerkleNode[] = [];
  const index = appender.append(leaf, (level, i, hash) => newNodes.push({ level, index: i, hash }));
  return { index, newNodes };
}

const leavesFor = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => naiveLeaf(Buffer.from(`leaf ${i}`)));

function flipBit(buf: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(buf);
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8));
  return out;
}

// ---------------------------------------------------------------------------------------------

interface TreeVectors {
  leafInputsHex: string[];
  rootHashesHex: string[];
  nodeHashesHex: string[][];
}
const treeVectors = readJson<TreeVectors>(join(vectors, 'derived/rfc6962_tree_hash_vectors.json'));
const vectorLeaves = treeVectors.leafInputsHex.map((h) => leafHash(hex(h)));
const vectorTree = InMemoryMerkleTree.fromLeafHashes(vectorLeaves);

describe('RFC 6962 hashing (derived/rfc6962_tree_hash_vectors.json)', () => {
  it('finds the shared vectors folder beside the repo', () => {
    expect(existsSync(vectors)).toBe(true);
  });

  it('computes the empty root, leaf hashes and every MTH for sizes 0..8', () => {
    expect(emptyRoot().toString('hex')).toBe(treeVectors.rootHashesHex[0]);
    treeVectors.leafInputsHex.forEach((input, i) => {
      expect(leafHash(hex(input)).toString('hex')).toBe(treeVectors.nodeHashesHex[0]?.[i]);
    });
    treeVectors.rootHashesHex.forEach((root, n) => {
      expect(rootOf(vectorLeaves.slice(0, n)).toString('hex')).toBe(root);
      expect(vectorTree.root(n).toString('hex')).toBe(root);
    });
  });

  it('stores exactly the listed complete-subtree node hashes', () => {
    treeVectors.nodeHashesHex.forEach((row, level) => {
      expect(vectorTree.levelSize(level)).toBe(row.length);
      row.forEach((h, index) => {
        expect(vectorTree.node(level, index).toString('hex')).toBe(h);
      });
    });
    expect(vectorTree.levelSize(treeVectors.nodeHashesHex.length)).toBe(0);
  });

  it('leafHash matches the literal definition for every length, including past the scratch buffer', () => {
    for (const length of [0, 1, 31, 32, 33, 64, 100, 2046, 2047, 2048, 2049, 5000, 70_000]) {
      const data = Buffer.alloc(length, length % 251);
      expect(leafHash(data)).toEqual(naiveLeaf(data));
      expect(leafHash(new Uint8Array(data))).toEqual(naiveLeaf(data));
    }
    // Alternating lengths reuse cached scratch views; results must not bleed into each other.
    const a = Buffer.from('a'.repeat(40));
    const b = Buffer.from('b'.repeat(10));
    expect([leafHash(a), leafHash(b), leafHash(a)]).toEqual([naiveLeaf(a), naiveLeaf(b), naiveLeaf(a)]);
  });

  it('agrees with createHash on 20,000 random inputs (every digest byte pattern round-trips)', () => {
    let previous: Buffer = randomBytes(32);
    for (let i = 0; i < 10_000; i += 1) {
      const data = randomBytes(i % 97);
      const leaf = leafHash(data);
      expect(leaf).toEqual(naiveLeaf(data));
      expect(nodeHash(previous, leaf)).toEqual(naiveNode(previous, leaf));
      previous = leaf;
    }
  });

  it('nodeHash is SHA-256(0x01 ‖ l ‖ r), returns fresh buffers and refuses non-hash inputs', () => {
    const [l, r] = [naiveLeaf(Buffer.from('l')), naiveLeaf(Buffer.from('r'))];
    const first = nodeHash(l, r);
    expect(first).toEqual(naiveNode(l, r));
    const second = nodeHash(r, l);
    expect(first).toEqual(naiveNode(l, r)); // not overwritten by a later call
    expect(second).toEqual(naiveNode(r, l));
    expect(() => nodeHash(l, Buffer.alloc(31))).toThrow(CordonError);
    expect(() => nodeHash(Buffer.alloc(33), r)).toThrow(CordonError);
    const e = emptyRoot();
    e[0] = 0;
    expect(emptyRoot()).toEqual(sha()); // callers cannot corrupt the shared constant
  });
});

// ---------------------------------------------------------------------------------------------

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const tdDir = join(vectors, 'transparency-dev-merkle/testdata');
const inclusionProbes = listFiles(join(tdDir, 'inclusion'), '.json').map((path) => ({
  file: relative(tdDir, path),
  probe: readJson<InclusionProbe>(path),
}));
const consistencyProbes = listFiles(join(tdDir, 'consistency'), '.json').map((path) => ({
  file: relative(tdDir, path),
  probe: readJson<ConsistencyProbe>(path),
}));

describe('transparency-dev/merkle probes', () => {
  it('has every inclusion and consistency probe file (98 + 98)', () => {
    expect(inclusionProbes).toHaveLength(98);
    expect(consistencyProbes).toHaveLength(98);
    expect(inclusionProbes.filter((p) => !p.probe.wantErr)).toHaveLength(6);
    expect(consistencyProbes.filter((p) => !p.probe.wantErr)).toHaveLength(6);
  });

  it.each(inclusionProbes)('inclusion $file', ({ probe }) => {
    const ok = verifyInclusion(
      b64(probe.leafHash),
      probe.leafIdx,
      probe.treeSize,
      (probe.proof ?? []).map(b64),
      b64(probe.root),
    );
    expect(ok, probe.desc).toBe(!probe.wantErr);
  });

  it.each(consistencyProbes)('consistency $file', ({ probe }) => {
    const ok = verifyConsistency(
      probe.size1,
      probe.size2,
      (probe.proof ?? []).map(b64),
      b64(probe.root1),
      b64(probe.root2),
    );
    expect(ok, probe.desc).toBe(!probe.wantErr);
  });

  it('generates every valid inclusion proof of the 8-leaf tree byte for byte', () => {
    let generated = 0;
    for (const { file, probe } of inclusionProbes) {
      if (probe.wantErr || probe.treeSize > vectorLeaves.length) continue;
      if (!b64(probe.leafHash).equals(vectorLeaves[probe.leafIdx] ?? Buffer.alloc(0))) continue; // single-entry: other tree
      expect(vectorTree.root(probe.treeSize), file).toEqual(b64(probe.root));
      expect(vectorTree.inclusionProof(probe.leafIdx, probe.treeSize), file).toEqual(
        (probe.proof ?? []).map(b64),
      );
      generated += 1;
    }
    expect(generated).toBe(5);
  });

  it('generates every valid consistency proof of the 8-leaf tree byte for byte', () => {
    let generated = 0;
    for (const { file, probe } of consistencyProbes) {
      if (probe.wantErr || probe.size2 > vectorLeaves.length) continue;
      if (!b64(probe.root1).equals(vectorTree.root(probe.size1))) continue; // "don't care" roots
      expect(vectorTree.root(probe.size2), file).toEqual(b64(probe.root2));
      expect(vectorTree.consistencyProof(probe.size1, probe.size2), file).toEqual(
        (probe.proof ?? []).map(b64),
      );
      generated += 1;
    }
    expect(generated).toBe(5);
  });

  // The subtreeinclusion/ and subtreeconsistency/ probes exercise MTC-style subtrees
  // [start, end) from draft-ietf-plants-merkle-tree-certs. Cordon signs whole-tree checkpoints only
  // and never signs or proves subtrees, so it has no subtree verifier to test; adding one only for
  // the vectors would be unused attack surface. The README marks these sets optional, so they are
  // deliberately not run (no placeholder test).
});

// ---------------------------------------------------------------------------------------------

interface RgddTreeEntry {
  leaf_data: string;
  leaf_hash: string;
  root_hash: string;
}
interface RgddInclusion {
  leaf_hash: string;
  leaf_index: number;
  tree_size: number;
  root_hash: string;
  inclusion_path: string[];
  comment?: string;
}
interface RgddConsistency {
  old_size: number;
  new_size: number;
  old_root: string;
  new_root: string;
  consistency_path: string[];
  comment?: string;
}

describe('rgdd/CCTV merkle vectors (C2SP semantics for the empty old tree)', () => {
  const dir = join(vectors, 'rgdd-CCTV-merkle/merkle/testdata');
  const tree = readJson<RgddTreeEntry[]>(join(dir, 'merkle_tree.json'));
  const mem = InMemoryMerkleTree.fromLeafHashes(tree.map((e) => leafHash(Buffer.from(e.leaf_data, 'utf8'))));
  const inclusionValid = readJson<RgddInclusion[]>(join(dir, 'inclusion-valid.json'));
  const inclusionInvalid = readJson<RgddInclusion[]>(join(dir, 'inclusion-invalid.json'));
  const consistencyValid = readJson<RgddConsistency[]>(join(dir, 'consistency-valid.json'));
  const consistencyInvalid = readJson<RgddConsistency[]>(join(dir, 'consistency-invalid.json'));
  const incl = (c: RgddInclusion) =>
    verifyInclusion(b64(c.leaf_hash), c.leaf_index, c.tree_size, c.inclusion_path.map(b64), b64(c.root_hash));
  const cons = (c: RgddConsistency, allowEmptyFirst: boolean) =>
    verifyConsistency(c.old_size, c.new_size, c.consistency_path.map(b64), b64(c.old_root), b64(c.new_root), {
      allowEmptyFirst,
    });

  it('reproduces every leaf hash and every tree head of "a".."p"', () => {
    expect(tree).toHaveLength(16);
    tree.forEach((entry, i) => {
      expect(leafHash(Buffer.from(entry.leaf_data, 'utf8'))).toEqual(b64(entry.leaf_hash));
      expect(mem.root(i + 1)).toEqual(b64(entry.root_hash));
    });
  });

  it('accepts the 4 valid inclusion proofs, generates them byte for byte, rejects the 4 invalid', () => {
    expect(inclusionValid).toHaveLength(4);
    expect(inclusionInvalid).toHaveLength(4);
    for (const c of inclusionValid) {
      expect(incl(c)).toBe(true);
      expect(mem.inclusionProof(c.leaf_index, c.tree_size)).toEqual(c.inclusion_path.map(b64));
    }
    for (const c of inclusionInvalid) expect(incl(c), c.comment).toBe(false);
  });

  it('accepts the 4 valid consistency proofs (with allowEmptyFirst), generates them, rejects all 16 invalid', () => {
    expect(consistencyValid).toHaveLength(4);
    expect(consistencyInvalid).toHaveLength(16);
    for (const c of consistencyValid) {
      expect(cons(c, true), `${c.old_size}->${c.new_size}`).toBe(true);
      expect(mem.consistencyProof(c.old_size, c.new_size)).toEqual(c.consistency_path.map(b64));
    }
    for (const c of consistencyInvalid) {
      expect(cons(c, true), `${c.old_size}->${c.new_size} ${c.comment}`).toBe(false);
      expect(cons(c, false), `${c.old_size}->${c.new_size} ${c.comment}`).toBe(false);
    }
  });

  it('by default (RFC 9162 / transparency-dev) rejects the size-0 cases the C2SP witness rule accepts', () => {
    for (const c of consistencyValid) expect(cons(c, false)).toBe(c.old_size > 0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('serverless-log testdata (leaves, checkpoints, tiles)', () => {
  const logDir = join(vectors, 'serverless-log-testdata/testdata/log');
  const seqDir = join(logDir, 'seq/00/00/00/00');
  const entries = readdirSync(seqDir)
    .sort()
    .map((name) => ({ index: Number.parseInt(name, 16), data: readFileSync(join(seqDir, name)) }));
  const mem = InMemoryMerkleTree.fromLeafHashes(entries.map((e) => leafHash(e.data)));
  /** Root hash line (third line) of checkpoint.N; the signature is checked in signed-note.test.ts. */
  const checkpointRoot = (n: number): Buffer =>
    b64(readFileSync(join(logDir, `checkpoint.${n}`), 'utf8').split('\n')[2]);

  it('reads the 15 entries in order: one two three ... fivten', () => {
    expect(entries.map((e) => e.index)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(entries.map((e) => e.data.toString('utf8')).join(' ')).toBe(
      'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten',
    );
  });

  it('the RFC 6962 root of the first N leaves is the root in checkpoint.N, N = 0..15', () => {
    for (let n = 0; n <= 15; n += 1) expect(mem.root(n), `checkpoint.${n}`).toEqual(checkpointRoot(n));
    expect(readFileSync(join(logDir, 'checkpoint'), 'utf8')).toBe(
      readFileSync(join(logDir, 'checkpoint.15'), 'utf8'),
    );
  });

  it('proves consistency between every pair of checkpoints and inclusion of every leaf in each', () => {
    for (let size2 = 1; size2 <= 15; size2 += 1) {
      for (let size1 = 1; size1 <= size2; size1 += 1) {
        const proof = mem.consistencyProof(size1, size2);
        expect(verifyConsistency(size1, size2, proof, checkpointRoot(size1), checkpointRoot(size2))).toBe(
          true,
        );
        if (size1 < size2) {
          expect(verifyConsistency(size1, size2, proof, checkpointRoot(size2), checkpointRoot(size1))).toBe(
            false,
          );
        }
      }
      expect(
        verifyConsistency(0, size2, [], checkpointRoot(0), checkpointRoot(size2), { allowEmptyFirst: true }),
      ).toBe(true);
      for (let index = 0; index < size2; index += 1) {
        const leaf = leafHash(entries[index]?.data ?? Buffer.alloc(0));
        expect(
          verifyInclusion(leaf, index, size2, mem.inclusionProof(index, size2), checkpointRoot(size2)),
        ).toBe(true);
      }
    }
  });

  it('indexes leaves/<leaf hash hex split 2/2/2/rest> to the entry index in hex', () => {
    const files = listFiles(join(logDir, 'leaves'));
    expect(files).toHaveLength(15);
    for (const path of files) {
      const hashHex = relative(join(logDir, 'leaves'), path).split(/[\\/]/).join('');
      const index = Number.parseInt(readFileSync(path, 'utf8'), 16);
      expect(leafHash(entries[index]?.data ?? Buffer.alloc(0)).toString('hex'), path).toBe(hashHex);
    }
  });

  it('matches every tile: serverless-log in-order node layout, blank where a subtree is incomplete', () => {
    // Position p of the in-order layout holds the node at level = trailing one bits of p and
    // index = p >> (level + 1); a tile of n leaves has 2n - 1 positions.
    const tiles = listFiles(join(logDir, 'tile'));
    expect(tiles).toHaveLength(15);
    for (const path of tiles) {
      const n = Number.parseInt(path.slice(path.lastIndexOf('.') + 1), 16);
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines.pop(), path).toBe('');
      const [hashSize, count, ...nodes] = lines;
      expect([hashSize, count]).toEqual(['32', String(n)]);
      expect(nodes).toHaveLength(2 * n - 1);
      nodes.forEach((line, p) => {
        let level = 0;
        while (Math.floor(p / 2 ** level) % 2 === 1) level += 1;
        const index = Math.floor(p / 2 ** (level + 1));
        const complete = (index + 1) * 2 ** level <= n;
        if (complete) expect(b64(line), `${path} @${p}`).toEqual(mem.node(level, index));
        else expect(line, `${path} @${p}`).toBe('');
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('planners against the naive RFC implementation (all sizes 1..70)', () => {
  const MAX = 70;
  const leaves = leavesFor(MAX);
  const mem = InMemoryMerkleTree.fromLeafHashes(leaves);
  const ceilLog2 = (n: number) => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

  function checkRefs(plan: ProofPlan, size: number): void {
    const keys = plan.refs.map((r) => nodeKey(r.level, r.index));
    expect(new Set(keys).size).toBe(keys.length);
    for (const ref of plan.refs) expect((ref.index + 1) * 2 ** ref.level).toBeLessThanOrEqual(size);
    const used = new Set(plan.elements.flat().map((r) => nodeKey(r.level, r.index)));
    expect(used).toEqual(new Set(keys));
    expect(plan.refs.length).toBeLessThanOrEqual(2 * ceilLog2(size) + 1);
  }

  it('every root from the node table equals MTH', () => {
    for (let size = 0; size <= MAX; size += 1) {
      const plan = rootPlan(size);
      checkRefs(plan, size);
      expect(plan.assemble(mem.node)).toEqual([naiveMth(leaves.slice(0, size))]);
    }
  });

  it('every inclusion proof equals PATH(m, D[n]) and verifies; mutations are rejected', () => {
    for (let size = 1; size <= MAX; size += 1) {
      const d = leaves.slice(0, size);
      const root = naiveMth(d);
      for (let index = 0; index < size; index += 1) {
        const plan = inclusionProofPlan(index, size);
        checkRefs(plan, size);
        const proof = plan.assemble(mem.node);
        expect(proof).toEqual(naivePath(index, d));
        const leaf = leaves[index] ?? Buffer.alloc(0);
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        expect(rootFromInclusionProof(leaf, index, size, proof)).toEqual(root);
        if (size > 40) continue; // mutations on the smaller half keep the run short
        proof.forEach((_, i) => {
          const mutated = proof.map((p, j) => (j === i ? flipBit(p, 3 + i) : p));
          expect(verifyInclusion(leaf, index, size, mutated, root)).toBe(false);
        });
        expect(verifyInclusion(leaf, index + 1, size, proof, root)).toBe(false);
        if (index > 0) expect(verifyInclusion(leaf, index - 1, size, proof, root)).toBe(false);
        // (size + 1 is not a mutation: when the path keeps its shape RFC 9162 cannot tell the sizes apart.)
        expect(verifyInclusion(leaf, index, size * 2, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, [...proof, root], root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(1), root)).toBe(false);
        expect(verifyInclusion(flipBit(leaf, 0), index, size, proof, root)).toBe(false);
      }
    }
  });

  it('every consistency proof equals PROOF(m, D[n]) and verifies; mutations are rejected', () => {
    for (let size2 = 1; size2 <= MAX; size2 += 1) {
      const root2 = naiveMth(leaves.slice(0, size2));
      for (let size1 = 1; size1 <= size2; size1 += 1) {
        const root1 = naiveMth(leaves.slice(0, size1));
        const plan = consistencyProofPlan(size1, size2);
        checkRefs(plan, size2);
        const proof = plan.assemble(mem.node);
        expect(proof).toEqual(size1 === size2 ? [] : naiveProof(size1, leaves.slice(0, size2)));
        expect(verifyConsistency(size1, size2, proof, root1, root2)).toBe(true);
        if (size2 > 40 || size1 === size2) continue;
        proof.forEach((_, i) => {
          const mutated = proof.map((p, j) => (j === i ? flipBit(p, 4 + i) : p));
          expect(verifyConsistency(size1, size2, mutated, root1, root2)).toBe(false);
        });
        expect(verifyConsistency(size1, size2, proof, root2, root1)).toBe(false);
        expect(verifyConsistency(size1, size2, proof, flipBit(root1, 1), root2)).toBe(false);
        expect(verifyConsistency(size1, size2, proof, root1, flipBit(root2, 1))).toBe(false);
        expect(verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2)).toBe(false);
        expect(verifyConsistency(size1, size2, [...proof, root2], root1, root2)).toBe(false);
        expect(verifyConsistency(size1, size2 * 2, proof, root1, root2)).toBe(false);
      }
    }
  });

  it('assembles from a Map keyed by nodeKey as from a getter, and names a missing node', () => {
    const plan = inclusionProofPlan(37, 70);
    const map = new Map(plan.refs.map((r) => [nodeKey(r.level, r.index), mem.node(r.level, r.index)]));
    expect(plan.assemble(map)).toEqual(plan.assemble(mem.node));
    const [first] = plan.refs;
    if (first) map.delete(nodeKey(first.level, first.index));
    expect(() => plan.assemble(map)).toThrow(expect.objectContaining({ code: 'CORDON_ERR_INTERNAL' }));
    expect(() => plan.assemble(() => Buffer.alloc(31))).toThrow(
      expect.objectContaining({ code: 'CORDON_ERR_INTERNAL' }),
    );
  });

  it('rejects impossible plan requests with CORDON_ERR_RANGE', () => {
    const range = expect.objectContaining({ code: 'CORDON_ERR_RANGE' });
    expect(() => inclusionProofPlan(5, 5)).toThrow(range);
    expect(() => inclusionProofPlan(-1, 5)).toThrow(range);
    expect(() => inclusionProofPlan(0, 0)).toThrow(range);
    expect(() => inclusionProofPlan(1.5, 5)).toThrow(range);
    expect(() => inclusionProofPlan(0, MAX_TREE_SIZE * 2)).toThrow(range);
    expect(() => consistencyProofPlan(6, 5)).toThrow(range);
    expect(() => consistencyProofPlan(-1, 5)).toThrow(range);
    expect(() => rootPlan(-1)).toThrow(range);
    expect(consistencyProofPlan(0, 5).refs).toEqual([]);
    expect(consistencyProofPlan(5, 5).refs).toEqual([]);
    expect(rootPlan(0).assemble(mem.node)).toEqual([emptyRoot()]);
  });

  it('verifiers return false (never throw) on nonsense input', () => {
    const h = leaves[0] ?? Buffer.alloc(32);
    expect(verifyInclusion(h, 0, 1, [], h)).toBe(true);
    expect(verifyInclusion(h, 0, 0, [], h)).toBe(false);
    expect(verifyInclusion(h, Number.NaN, 1, [], h)).toBe(false);
    expect(verifyInclusion(h, 0, Number.POSITIVE_INFINITY, [], h)).toBe(false);
    expect(verifyInclusion(h, 0, 1, [], h.subarray(1))).toBe(false);
    expect(verifyInclusion(h.subarray(1), 0, 1, [], h.subarray(1))).toBe(false);
    expect(verifyInclusion(h, 0, 2, [Buffer.alloc(31)], h)).toBe(false);
    expect(rootFromInclusionProof(h, 1, 1, [])).toBeUndefined();
    expect(verifyConsistency(0, 0, [], emptyRoot(), emptyRoot())).toBe(false);
    expect(verifyConsistency(0, 0, [], emptyRoot(), emptyRoot(), { allowEmptyFirst: true })).toBe(true);
    expect(verifyConsistency(0, 0, [], h, h, { allowEmptyFirst: true })).toBe(false);
    expect(verifyConsistency(0, 3, [h], emptyRoot(), h, { allowEmptyFirst: true })).toBe(false);
    expect(verifyConsistency(2, 1, [], h, h)).toBe(false);
    expect(verifyConsistency(1, 2, [Buffer.alloc(5)], h, h)).toBe(false);
    expect(verifyConsistency(Number.NaN, 2, [h], h, h)).toBe(false);
  });
});

describe('sizes up to 2^53', () => {
  // A tree whose leaves are all equal has a consistent node table computable at any size:
  // the complete subtree at level k hashes to H[k] = node(H[k-1], H[k-1]).
  const H: Buffer[] = [leafHash(Buffer.from('same'))];
  for (let k = 1; k <= 53; k += 1) {
    const below = H[k - 1] ?? Buffer.alloc(32);
    H.push(nodeHash(below, below));
  }
  const get = (level: number): Buffer => H[level] ?? Buffer.alloc(0);
  const rootAt = (size: number): Buffer => rootPlan(size).assemble(get)[0] ?? Buffer.alloc(0);
  const sizes = [2 ** 53, 2 ** 53 - 1, 2 ** 52 + 12_345, 2 ** 40 + 3, 2 ** 32 + 1, 2 ** 32 - 1, 2 ** 31 - 1];

  it('a perfect tree of 2^k leaves has root H[k]', () => {
    for (const k of [31, 32, 33, 52, 53]) expect(rootAt(2 ** k)).toEqual(H[k]);
  });

  it('planned inclusion and consistency proofs verify with exact arithmetic', () => {
    for (const size of sizes) {
      const root = rootAt(size);
      for (const index of [0, 1, size - 1, size - 2, Math.floor(size / 2), 2 ** 32 + 5, 2 ** 31 + 1]) {
        if (index >= size) continue;
        const plan = inclusionProofPlan(index, size);
        expect(plan.refs.length).toBeLessThanOrEqual(2 * 53 + 1);
        for (const ref of plan.refs) expect((ref.index + 1) * 2 ** ref.level).toBeLessThanOrEqual(size);
        expect(verifyInclusion(H[0] ?? Buffer.alloc(0), index, size, plan.assemble(get), root)).toBe(true);
      }
      for (const size1 of [1, 3, 2 ** 31 + 7, 2 ** 32, size - 1]) {
        if (size1 >= size) continue;
        const proof = consistencyProofPlan(size1, size).assemble(get);
        expect(verifyConsistency(size1, size, proof, rootAt(size1), root)).toBe(true);
      }
    }
  });

  it('the appender resumes at 2^53 - 1 and stops at 2^53', () => {
    const frontier = Array.from({ length: 53 }, (_, i) => H[52 - i] ?? Buffer.alloc(0));
    const appender = new MerkleAppender({ size: 2 ** 53 - 1, frontier });
    expect(appender.root()).toEqual(rootAt(2 ** 53 - 1));
    const { index, newNodes } = appendCollecting(appender, H[0] ?? Buffer.alloc(0));
    expect(index).toBe(2 ** 53 - 1);
    expect(newNodes.at(-1)).toEqual({ level: 53, index: 0, hash: H[53] });
    expect(appender.root()).toEqual(H[53]);
    expect(() => appender.append(H[0] ?? Buffer.alloc(0))).toThrow(
      expect.objectContaining({ code: 'CORDON_ERR_RANGE' }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('MerkleAppender', () => {
  const MAX = 300;
  const leaves = leavesFor(MAX);

  it('root equals rootOf and the naive MTH for every size 0..300', () => {
    const appender = new MerkleAppender();
    expect(appender.root()).toEqual(sha());
    for (let size = 1; size <= MAX; size += 1) {
      const leaf = leaves[size - 1] ?? Buffer.alloc(0);
      expect(appender.append(leaf)).toBe(size - 1);
      expect(appender.size).toBe(size);
      const expected = naiveMth(leaves.slice(0, size));
      expect(appender.root()).toEqual(expected);
      expect(rootOf(leaves.slice(0, size))).toEqual(expected);
    }
  });

  it('the nodes an append reports populate exactly the complete-subtree table, each hash its range MTH', () => {
    const appender = new MerkleAppender();
    const table = new Map<string, MerkleNode>();
    for (const leaf of leaves) {
      const { index, newNodes } = appendCollecting(appender, leaf);
      expect(newNodes[0]).toEqual({ level: 0, index, hash: leaf });
      newNodes.forEach((node, i) => {
        expect(node.level).toBe(i);
        expect((node.index + 1) * 2 ** node.level).toBe(index + 1); // closed by this leaf
        const key = nodeKey(node.level, node.index);
        expect(table.has(key)).toBe(false);
        table.set(key, node);
      });
    }
    const expected = new Set<string>();
    for (let level = 0; 2 ** level <= MAX; level += 1) {
      for (let index = 0; (index + 1) * 2 ** level <= MAX; index += 1) expected.add(nodeKey(level, index));
    }
    expect(new Set(table.keys())).toEqual(expected);
    for (const node of table.values()) {
      const start = node.index * 2 ** node.level;
      expect(node.hash).toEqual(naiveMth(leaves.slice(start, start + 2 ** node.level)));
    }
  });

  it('resumes from (size, frontier) at every size exactly as if never stopped', () => {
    const reference = new MerkleAppender();
    const results = leaves.map((leaf) => reference.append(leaf));
    const walker = new MerkleAppender();
    for (let size = 0; size < MAX; size += 1) {
      const resumed = new MerkleAppender({ size, frontier: walker.frontier() });
      expect(resumed.size).toBe(size);
      expect(resumed.root()).toEqual(walker.root());
      const leaf = leaves[size] ?? Buffer.alloc(0);
      expect(resumed.append(leaf)).toEqual(results[size]);
      walker.append(leaf);
      expect(resumed.frontier()).toEqual(walker.frontier());
    }
  });

  it('appendData(bytes) reports the same nodes and roots as append(leafHash(bytes)), at any entry size', () => {
    const data = Array.from(
      { length: 70 },
      (_, i) => Buffer.alloc(i % 7 === 3 ? 3000 : i, i), // 3,000-byte entries take the path past the leaf scratch
    );
    const byHash = new MerkleAppender();
    const byData = new MerkleAppender();
    for (const bytes of data) {
      const expected = appendCollecting(byHash, leafHash(bytes));
      const seen: MerkleNode[] = [];
      const index = byData.appendData(bytes, (level, i, hash) => {
        seen.push({ level, index: i, hash });
        hash.fill(0xee); // sink hashes are the caller's copies: scribbling on them changes nothing
      });
      expect(index).toBe(expected.index);
      expect(seen.map((n) => [n.level, n.index])).toEqual(expected.newNodes.map((n) => [n.level, n.index]));
      expect(byData.root()).toEqual(byHash.root());
      expect(byData.frontier()).toEqual(byHash.frontier());
    }
    expect(byData.root()).toEqual(naiveMth(data.map((d) => leafHash(d))));
  });

  it('hands out frontier copies and refuses inconsistent state or non-hash leaves', () => {
    const appender = new MerkleAppender();
    for (const leaf of leaves.slice(0, 5)) appender.append(leaf);
    const frontier = appender.frontier();
    expect(frontier).toHaveLength(2);
    frontier[0]?.fill(0);
    expect(appender.root()).toEqual(naiveMth(leaves.slice(0, 5)));
    const validation = expect.objectContaining({ code: 'CORDON_ERR_VALIDATION' });
    expect(() => new MerkleAppender({ size: 5, frontier: appender.frontier().slice(1) })).toThrow(validation);
    expect(() => new MerkleAppender({ size: 4, frontier: appender.frontier() })).toThrow(validation);
    expect(() => new MerkleAppender({ size: -1, frontier: [] })).toThrow(validation);
    expect(() => new MerkleAppender({ size: 1, frontier: [Buffer.alloc(31)] })).toThrow(validation);
    expect(() => appender.append(Buffer.alloc(33))).toThrow(validation);
    expect(appender.size).toBe(5);
    expect(new MerkleAppender({ size: 0, frontier: [] }).root()).toEqual(sha());
  });

  it('InMemoryMerkleTree answers for past sizes and refuses sizes it does not have', () => {
    const mem = InMemoryMerkleTree.fromLeafHashes(leaves.slice(0, 20));
    expect(mem.appendData(Buffer.from('x'))).toBe(20);
    expect(mem.root(7)).toEqual(naiveMth(leaves.slice(0, 7)));
    expect(mem.inclusionProof(3, 7)).toEqual(naivePath(3, leaves.slice(0, 7)));
    expect(mem.consistencyProof(3, 7)).toEqual(naiveProof(3, leaves.slice(0, 7)));
    expect(mem.frontier()).toHaveLength(3); // 21 = 0b10101
    expect(() => mem.root(22)).toThrow(expect.objectContaining({ code: 'CORDON_ERR_RANGE' }));
    expect(() => mem.node(5, 0)).toThrow(expect.objectContaining({ code: 'CORDON_ERR_INTERNAL' }));
  });
});
