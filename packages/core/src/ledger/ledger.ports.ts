import type { JournalWrites } from '../shared/unit-of-work';
import type { LedgerEntry, LedgerEntryInput } from './entry';

export interface StoredEntry {
  seq: number;
  leafHash: Buffer;
  /** Canonical bytes; null once pruned by retention (the hash stays, so proofs and verify still hold). */
  body: Buffer | null;
  time: Date;
}

export interface StoredCheckpoint {
  size: number;
  rootHash: Buffer;
  note: string;
  createdAt: Date;
}

export interface StoredCosignature {
  size: number;
  witness: string;
  signatureLine: string;
  receivedAt: Date;
}

/** The append-only log and its Merkle node table. Append assigns gap-free sequence numbers under a lock. */
export interface LedgerRepository {
  /**
   * Appends in the current transaction; returns the assigned entries. Fails the transaction if it
   * cannot. `writes` are rows that must commit with the entries (they need at least one entry).
   */
  append(entries: readonly LedgerEntryInput[], writes?: JournalWrites): Promise<LedgerEntry[]>;
  size(): Promise<number>;
  /** Root hash of the current tree (from the stored frontier). */
  head(): Promise<{ size: number; rootHash: Buffer }>;
  entries(from: number, to: number): Promise<StoredEntry[]>;
  /** Entries in [from, to) whose action is one of `actions` (the others are skipped in SQL). */
  entriesWithActions(from: number, to: number, actions: readonly string[]): Promise<StoredEntry[]>;
  /** Entry sequence numbers that mention a customer (or staff actor), ascending. */
  seqsForCustomer(customerId: string, limit: number): Promise<number[]>;
  seqsForActor(
    actorId: string,
    from: Date | undefined,
    to: Date | undefined,
    limit: number,
  ): Promise<number[]>;
  /** Complete-subtree hashes by (level, index), fetched in one round trip. */
  nodes(refs: ReadonlyArray<{ level: number; index: number }>): Promise<Map<string, Buffer>>;
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpoints(): Promise<StoredCheckpoint[]>;
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined>;
  saveCosignature(cosignature: StoredCosignature): Promise<void>;
  cosignatures(size: number): Promise<StoredCosignature[]>;
  /** Nulls entry bodies older than `before`; returns how many were pruned. */
  prune(before: Date): Promise<number>;
}
