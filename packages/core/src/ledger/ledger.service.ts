import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import { decodeEntry, entryFor, entryToJson, type LedgerAction } from './entry';
import type { StoredCheckpoint } from './ledger.ports';
import { consistencyProofPlan, inclusionProofPlan, leafHash, MerkleAppender, type ProofPlan } from './merkle';
import {
  formatCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  signNote,
  verifyCosignature,
} from './signed-note';

export interface LedgerServiceDeps {
  uow: UnitOfWork;
  clock: Clock;
  /** C2SP signer key; its name is the log's origin. */
  signerKey: string;
  checkpointEvery: number;
  checkpointSeconds: number;
  retentionDays: number;
}

export interface ProofJson {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

export interface EntryWithProof {
  seq: number;
  /** Canonical bytes (base64): hashing 0x00 ‖ these gives the leaf hash. */
  body: string;
  entry: Record<string, unknown>;
  proof: string[];
}

/** The evidence package format: everything a third party needs to check entries offline. */
export interface EvidencePackage {
  format: 'cordon-evidence/v1';
  origin: string;
  logKey: string;
  subject: { customer?: string; staff?: string; from?: string; to?: string };
  generatedAt: string;
  checkpoint: string;
  treeSize: number;
  entries: EntryWithProof[];
  note: string;
}

export interface VerifyProblem {
  kind:
    | 'gap'
    | 'body_mismatch'
    | 'node_mismatch'
    | 'checkpoint_mismatch'
    | 'bad_signature'
    | 'extra_entry'
    | 'head_mismatch';
  seq?: number;
  range?: [number, number];
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  size: number;
  checkedEntries: number;
  checkpointsChecked: number;
  prunedBodies: number;
  problems: VerifyProblem[];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const MAX_PAGE = 1000;
const MAX_HISTORY = 10_000;

/**
 * The access ledger: an RFC 9162 Merkle log of every access, with signed checkpoints, proofs,
 * evidence packages and a verifier that recomputes everything from the stored entries.
 */
export class LedgerService {
  readonly origin: string;
  readonly verifierKey: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LedgerServiceDeps) {
    const parsed = parseSignerKey(deps.signerKey);
    this.origin = parsed.name;
    this.verifierKey = parsed.verifierKey;
  }

  /** Appends one administrative entry (key init, policy change) in its own transaction. */
  async recordAdmin(
    ctx: RequestContext,
    action: LedgerAction,
    detail: Record<string, string | number | boolean>,
  ): Promise<number> {
    const [entry] = await this.deps.uow.run((repos) =>
      repos.ledger.append([entryFor(ctx, this.deps.clock.now(), action, { detail })]),
    );
    return entry?.seq ?? -1;
  }

  /** Signs a checkpoint for the current head unless the latest checkpoint already covers it. */
  async checkpoint(): Promise<StoredCheckpoint> {
    return this.deps.uow.run(async (repos) => {
      const head = await repos.ledger.head();
      const latest = await repos.ledger.latestCheckpoint();
      if (latest && latest.size >= head.size) return latest;
      const body = formatCheckpoint({ origin: this.origin, size: head.size, rootHash: head.rootHash });
      const checkpoint: StoredCheckpoint = {
        size: head.size,
        rootHash: head.rootHash,
        note: signNote(body, [this.deps.signerKey]),
        createdAt: this.deps.clock.now(),
      };
      await repos.ledger.saveCheckpoint(checkpoint);
      return checkpoint;
    });
  }

  /**
   * Latest signed checkpoint with the witnesses' cosignature lines appended (C2SP note form). The
   * checkpointer signs new ones on its cadence; one is signed here only if none exists yet, so
   * polling witnesses cannot make the log sign on every request.
   */
  async latestCheckpointNote(): Promise<{ size: number; note: string }> {
    const cp =
      (await this.deps.uow.run((repos) => repos.ledger.latestCheckpoint())) ?? (await this.checkpoint());
    const cosigs = await this.deps.uow.run((repos) => repos.ledger.cosignatures(cp.size));
    return { size: cp.size, note: cp.note + cosigs.map((c) => `${c.signatureLine}\n`).join('') };
  }

  /**
   * Stores a witness's cosignature of one of this log's checkpoints after checking that the
   * checkpoint is ours (same size and root, valid log signature) and that the cosignature verifies
   * with the witness key supplied. Whether to trust that witness is the reader's decision.
   */
  async addCosignature(
    checkpointNote: string,
    cosignatureLine: string,
    witnessKey: string,
  ): Promise<{ size: number; witness: string }> {
    let body: string;
    try {
      body = openNote(checkpointNote, [this.verifierKey]).text;
    } catch {
      throw new CordonError('CORDON_ERR_SIGNATURE', 'The checkpoint is not signed by this log.');
    }
    const parsed = parseCheckpoint(body, this.origin);
    const stored = await this.deps.uow.run((repos) => repos.ledger.checkpointAt(parsed.size));
    if (!stored?.rootHash.equals(Buffer.from(parsed.rootHash))) {
      throw new CordonError(
        'CORDON_ERR_SIGNATURE',
        `This log never signed that checkpoint at size ${parsed.size}.`,
        { size: parsed.size },
      );
    }
    const cosig = verifyCosignature(body, cosignatureLine.trim(), witnessKey);
    await this.deps.uow.run((repos) =>
      repos.ledger.saveCosignature({
        size: parsed.size,
        witness: witnessKey,
        signatureLine: cosignatureLine.trim(),
        receivedAt: this.deps.clock.now(),
      }),
    );
    return { size: parsed.size, witness: cosig.name };
  }

  /** Starts signing checkpoints every `checkpointEvery` entries or `checkpointSeconds`, and daily pruning. */
  startCheckpointer(): void {
    if (this.timer) return;
    let lastAt = this.deps.clock.now().getTime();
    let lastPrune = 0;
    const tick = async () => {
      const now = this.deps.clock.now().getTime();
      const size = await this.deps.uow.run((repos) => repos.ledger.size());
      const latest = await this.deps.uow.run((repos) => repos.ledger.latestCheckpoint());
      const covered = latest?.size ?? 0;
      if (
        size > covered &&
        (size - covered >= this.deps.checkpointEvery || now - lastAt >= this.deps.checkpointSeconds * 1000)
      ) {
        await this.checkpoint();
        lastAt = now;
      }
      if (now - lastPrune > 86_400_000) {
        lastPrune = now;
        await this.prune();
      }
    };
    this.timer = setInterval(() => {
      tick().catch(() => {
        // A failed tick (database briefly away) is retried on the next one.
      });
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Drops entry bodies older than the retention period; their hashes stay, so proofs and verify hold. */
  async prune(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - this.deps.retentionDays * 86_400_000);
    return this.deps.uow.run((repos) => repos.ledger.prune(before));
  }

  private async resolvePlan(plan: ProofPlan): Promise<Buffer[]> {
    const nodes = await this.deps.uow.run((repos) => repos.ledger.nodes(plan.refs));
    return plan.assemble(nodes);
  }

  private async requireSize(size: number): Promise<number> {
    const head = await this.deps.uow.run((repos) => repos.ledger.size());
    if (!Number.isInteger(size) || size < 1 || size > head) {
      throw new CordonError('CORDON_ERR_RANGE', `size must be from 1 to the tree size ${head}.`, {
        size,
        treeSize: head,
      });
    }
    return head;
  }

  /** Entries [from, to) as JSON, at most 1,000; pruned bodies are marked, their hashes kept. */
  async entries(
    from: number,
    to: number,
  ): Promise<Array<{ seq: number; leafHash: string; entry: Record<string, unknown> | null }>> {
    const size = await this.deps.uow.run((repos) => repos.ledger.size());
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) {
      throw new CordonError('CORDON_ERR_RANGE', 'from and to must be whole numbers with from ≤ to.', {
        from,
        to,
      });
    }
    if (to > size)
      throw new CordonError('CORDON_ERR_RANGE', `to is beyond the tree size ${size}.`, {
        to,
        treeSize: size,
      });
    if (to - from > MAX_PAGE)
      throw new CordonError('CORDON_ERR_RANGE', `At most ${MAX_PAGE} entries per request.`, { from, to });
    const rows = await this.deps.uow.run((repos) => repos.ledger.entries(from, to));
    return rows.map((r) => ({
      seq: r.seq,
      leafHash: b64(r.leafHash),
      entry: r.body ? (entryToJson(decodeEntry(r.body)) as Record<string, unknown>) : null,
    }));
  }

  /** RFC 9162 inclusion proof of entry `seq` in the tree of `size` entries. */
  async inclusionProof(seq: number, size: number): Promise<ProofJson> {
    await this.requireSize(size);
    if (!Number.isInteger(seq) || seq < 0 || seq >= size) {
      throw new CordonError('CORDON_ERR_RANGE', `seq must be below size ${size}.`, { seq, size });
    }
    const [row] = await this.deps.uow.run((repos) => repos.ledger.entries(seq, seq + 1));
    if (!row) throw new CordonError('CORDON_ERR_INTERNAL', `ledger entry ${seq} is missing`);
    const proof = await this.resolvePlan(inclusionProofPlan(seq, size));
    return { leafIndex: seq, treeSize: size, leafHash: b64(row.leafHash), proof: proof.map(b64) };
  }

  /** RFC 9162 consistency proof between two tree sizes. */
  async consistencyProof(
    from: number,
    to: number,
  ): Promise<{ first: number; second: number; proof: string[] }> {
    await this.requireSize(to);
    if (!Number.isInteger(from) || from < 1 || from > to) {
      throw new CordonError('CORDON_ERR_RANGE', 'from must be from 1 to `to`.', { from, to });
    }
    const proof = await this.resolvePlan(consistencyProofPlan(from, to));
    return { first: from, second: to, proof: proof.map(b64) };
  }

  /** The latest signed checkpoint if it covers every given entry, else a new one for the current head. */
  private async checkpointCovering(seqs: readonly number[]): Promise<StoredCheckpoint> {
    const latest = await this.deps.uow.run((repos) => repos.ledger.latestCheckpoint());
    const needed = seqs.length === 0 ? 0 : Math.max(...seqs) + 1;
    if (latest && latest.size >= needed && latest.size > 0) return latest;
    return this.checkpoint();
  }

  private async withProofs(seqs: number[], size: number): Promise<EntryWithProof[]> {
    const out: EntryWithProof[] = [];
    for (const seq of seqs) {
      const [row] = await this.deps.uow.run((repos) => repos.ledger.entries(seq, seq + 1));
      if (!row) continue;
      const proof = await this.resolvePlan(inclusionProofPlan(seq, size));
      out.push({
        seq,
        body: row.body ? b64(row.body) : '',
        entry: row.body
          ? (entryToJson(decodeEntry(row.body)) as Record<string, unknown>)
          : { seq, pruned: true },
        proof: proof.map(b64),
      });
    }
    return out;
  }

  /**
   * Every entry that mentions a customer, each with an inclusion proof against a signed checkpoint
   * that covers it. Looking at the history is itself recorded.
   */
  async accessHistory(
    ctx: RequestContext,
    customerId: string,
  ): Promise<{ checkpoint: string; treeSize: number; entries: EntryWithProof[] }> {
    const seqs = await this.deps.uow.run(async (repos) => {
      const found = await repos.ledger.seqsForCustomer(customerId, MAX_HISTORY);
      await repos.ledger.append([
        entryFor(ctx, this.deps.clock.now(), 'view', {
          customerIds: [customerId],
          fields: ['access_history'],
        }),
      ]);
      return found;
    });
    const cp = await this.checkpointCovering(seqs);
    const entries = await this.withProofs(
      seqs.filter((s) => s < cp.size),
      cp.size,
    );
    return { checkpoint: cp.note, treeSize: cp.size, entries };
  }

  /** Builds an offline-verifiable evidence package for a customer or a staff member (optionally a time range). */
  async evidence(
    ctx: RequestContext,
    subject: { customer?: string; staff?: string; from?: Date; to?: Date },
  ): Promise<EvidencePackage> {
    if ((subject.customer === undefined) === (subject.staff === undefined)) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'Give exactly one of customer or staff.', {
        field: 'subject',
      });
    }
    if (subject.from && subject.to && subject.from > subject.to) {
      throw new CordonError('CORDON_ERR_RANGE', 'from is after to.', { field: 'from' });
    }
    const seqs = await this.deps.uow.run(async (repos) => {
      const found =
        subject.customer !== undefined
          ? await repos.ledger.seqsForCustomer(subject.customer, MAX_HISTORY)
          : await repos.ledger.seqsForActor(subject.staff ?? '', subject.from, subject.to, MAX_HISTORY);
      await repos.ledger.append([
        entryFor(ctx, this.deps.clock.now(), 'export', {
          customerIds: subject.customer ? [subject.customer] : [],
          fields: ['evidence'],
          detail: subject.staff ? { staff: subject.staff } : {},
        }),
      ]);
      return found;
    });
    const cp = await this.checkpointCovering(seqs);
    const cosigs = await this.deps.uow.run((repos) => repos.ledger.cosignatures(cp.size));
    let entries = await this.withProofs(
      seqs.filter((s) => s < cp.size),
      cp.size,
    );
    if (subject.customer !== undefined && (subject.from || subject.to)) {
      entries = entries.filter((e) => {
        const t = new Date(String(e.entry.time));
        return (!subject.from || t >= subject.from) && (!subject.to || t < subject.to);
      });
    }
    return {
      format: 'cordon-evidence/v1',
      origin: this.origin,
      logKey: this.verifierKey,
      subject: {
        customer: subject.customer,
        staff: subject.staff,
        from: subject.from?.toISOString(),
        to: subject.to?.toISOString(),
      },
      generatedAt: this.deps.clock.now().toISOString(),
      checkpoint: cp.note + cosigs.map((c) => `${c.signatureLine}\n`).join(''),
      treeSize: cp.size,
      entries,
      note: 'Each entry body hashes (RFC 9162 leaf hash) to a leaf whose inclusion proof leads to the root in the signed checkpoint.',
    };
  }

  /**
   * Recomputes the log from the stored entries: every body against its leaf hash, every leaf against
   * the node table, sequence continuity, every signed checkpoint's signature and root, and the head.
   */
  async verify(onProgress?: (done: number, total: number) => void): Promise<VerifyReport> {
    const { size, headRoot, checkpoints } = await this.deps.uow.run(async (repos) => {
      const head = await repos.ledger.head();
      return { size: head.size, headRoot: head.rootHash, checkpoints: await repos.ledger.checkpoints() };
    });
    const problems: VerifyProblem[] = [];
    const cpRoots = new Map<number, Buffer>();
    for (const cp of checkpoints) {
      try {
        const opened = openNote(cp.note, [this.verifierKey]);
        const parsed = parseCheckpoint(opened.text, this.origin);
        cpRoots.set(parsed.size, Buffer.from(parsed.rootHash));
      } catch {
        problems.push({
          kind: 'bad_signature',
          seq: cp.size,
          message: `checkpoint at size ${cp.size} does not verify with the log key`,
        });
      }
    }
    const appender = new MerkleAppender();
    let previousCheckpoint = 0;
    let pruned = 0;
    const append = (leaf: Buffer) => {
      appender.append(leaf);
      const root = cpRoots.get(appender.size);
      if (!root) return;
      if (!appender.root().equals(root)) {
        problems.push({
          kind: 'checkpoint_mismatch',
          seq: appender.size,
          range: [previousCheckpoint, appender.size],
          message: `the entries do not match the checkpoint signed at size ${appender.size}: something in [${previousCheckpoint}, ${appender.size}) was changed after signing`,
        });
      }
      previousCheckpoint = appender.size;
    };
    const page = 10_000;
    for (let from = 0; from < size; from += page) {
      const to = Math.min(size, from + page);
      const [rows, nodes] = await this.deps.uow.run(async (repos) => {
        const r = await repos.ledger.entries(from, to);
        const n = await repos.ledger.nodes(
          Array.from({ length: to - from }, (_, i) => ({ level: 0, index: from + i })),
        );
        return [r, n] as const;
      });
      const bySeq = new Map(rows.map((r) => [r.seq, r]));
      for (let seq = from; seq < to; seq += 1) {
        const row = bySeq.get(seq);
        const node = nodes.get(`0:${seq}`);
        if (!row) {
          problems.push({ kind: 'gap', seq, message: `entry ${seq} is missing (deleted)` });
          append(node ?? Buffer.alloc(32));
          continue;
        }
        let leaf = row.leafHash;
        if (row.body) {
          const recomputed = leafHash(row.body);
          if (!recomputed.equals(row.leafHash)) {
            problems.push({
              kind: 'body_mismatch',
              seq,
              message: `entry ${seq} was modified: its body no longer hashes to its stored leaf hash`,
            });
          }
          leaf = recomputed;
        } else pruned += 1;
        if (!node?.equals(leaf)) {
          problems.push({
            kind: 'node_mismatch',
            seq,
            message: `entry ${seq} differs from the leaf recorded in the tree when it was appended`,
          });
        }
        append(leaf);
      }
      onProgress?.(to, size);
    }
    const extra = await this.deps.uow.run((repos) => repos.ledger.entries(size, Number.MAX_SAFE_INTEGER));
    for (const row of extra.slice(0, 100)) {
      problems.push({
        kind: 'extra_entry',
        seq: row.seq,
        message: `entry ${row.seq} lies beyond the tree size ${size}: inserted outside the log`,
      });
    }
    if (!appender.root().equals(headRoot)) {
      problems.push({
        kind: 'head_mismatch',
        message: 'the recomputed root differs from the stored head: entries or the frontier were altered',
      });
    }
    return {
      ok: problems.length === 0,
      size,
      checkedEntries: size,
      checkpointsChecked: cpRoots.size,
      prunedBodies: pruned,
      problems,
    };
  }
}
