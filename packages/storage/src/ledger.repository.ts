import {
  CordonError,
  entryEncoder,
  type JournalWrites,
  journalRowCount,
  type LedgerEntry,
  type LedgerEntryInput,
  type LedgerRepository,
  MerkleAppender,
  type StoredCheckpoint,
  type StoredCosignature,
  type StoredEntry,
} from '@cordon/core';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { buf } from './database';
import type { Schema } from './schema';

const HASH = 32;

/** A PostgreSQL array literal of text, every element quoted and escaped (ids may hold any character). */
function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

function splitFrontier(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += HASH) out.push(bytes.subarray(i, i + HASH));
  return out;
}

/** The log's head as stored: its size and its frontier (the 32-byte hashes, concatenated). */
export interface LedgerHead {
  size: number;
  frontier: Buffer;
}

/**
 * The head a process's appends last left, shared by its appenders (the group commit and the
 * transactions of one unit of work). Only a guess: every append made from it is conditional on it
 * being the stored head, and a wrong guess costs one statement that writes nothing.
 */
export interface HeadHint {
  head: LedgerHead | undefined;
}

/**
 * A data-modifying statement that must commit with an append (the rows its entries record), built
 * around `gate`, the condition "the append happens", which it must require of every row it writes.
 */
export type Companion = (gate: RawBuilder<unknown>) => RawBuilder<unknown>;

export interface LedgerRepositoryOptions {
  /** Shared guess of the head: appends try ONE conditional statement first (see `append`). */
  hint?: HeadHint;
  /** How `append`'s `writes` become companion statements (unit-of-work.ts composes the contexts' rows). */
  companions?: (writes: JournalWrites) => Companion[];
}

interface PreparedEntries {
  inputs: readonly LedgerEntryInput[];
  encoders: Array<(seq: number) => Buffer>;
  actors: string[];
  actions: string[];
  customers: string[];
  times: string[];
}

/** Everything about a batch of entries that does not depend on where in the log they land. */
function prepareEntries(inputs: readonly LedgerEntryInput[]): PreparedEntries {
  return {
    inputs,
    encoders: inputs.map((input) => entryEncoder(input)),
    actors: inputs.map((input) => input.actor.id),
    actions: inputs.map((input) => input.action),
    customers: inputs.map((input) => pgTextArray(input.customerIds)),
    times: inputs.map((input) => input.time.toISOString()),
  };
}

/**
 * The Merkle log in PostgreSQL/PGlite. `append` locks the single head row (the log's sequencer), so
 * any number of processes produce one gap-free sequence and one tree; the lock is held only until the
 * surrounding transaction commits, so callers append last.
 */
export class KyselyLedgerRepository implements LedgerRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly options: LedgerRepositoryOptions = {},
  ) {}

  /**
   * Appends (with `writes`, the rows the entries record, in the same statement). With a head hint
   * the append is first tried as ONE statement conditional on the hinted head, which takes the head
   * row only from that statement to the end of the transaction and needs no `select … for update`
   * round trip before it; when another writer moved the head, nothing was written and the append
   * takes the head row the locked way (ADR 0016).
   */
  async append(inputs: readonly LedgerEntryInput[], writes?: JournalWrites): Promise<LedgerEntry[]> {
    const also = this.companionsOf(writes, inputs);
    if (inputs.length === 0) return []; // nothing to lock or read
    const prepared = prepareEntries(inputs);
    const hint = this.options.hint;
    if (hint?.head) {
      const fast = await this.write(prepared, hint.head, true, also);
      if (fast) {
        hint.head = fast.head;
        return fast.entries;
      }
    }
    const locked = await this.writeLocked(prepared, also);
    if (hint) hint.head = locked.head;
    return locked.entries;
  }

  /** `append`, also answering the head it left (the caller's transaction holds the head row until it ends). */
  async appendLocked(
    inputs: readonly LedgerEntryInput[],
    writes?: JournalWrites,
  ): Promise<{ entries: LedgerEntry[]; head: LedgerHead }> {
    const also = this.companionsOf(writes, inputs);
    if (inputs.length === 0) return { entries: [], head: await this.storedHead() };
    // Everything that does not depend on the sequence number is done before taking the lock.
    return this.writeLocked(prepareEntries(inputs), also);
  }

  /** The statements that write `writes` with the entries; rows without entries to go with are refused. */
  private companionsOf(writes: JournalWrites | undefined, inputs: readonly LedgerEntryInput[]): Companion[] {
    if (!writes || journalRowCount(writes) === 0) return [];
    if (inputs.length === 0) {
      throw new CordonError('CORDON_ERR_INTERNAL', 'Rows written with the ledger need entries to go with.');
    }
    if (!this.options.companions) {
      throw new CordonError(
        'CORDON_ERR_INTERNAL',
        'This ledger repository cannot write rows with its entries.',
      );
    }
    return this.options.companions(writes);
  }

  private async writeLocked(
    prepared: PreparedEntries,
    also: Companion[],
  ): Promise<{ entries: LedgerEntry[]; head: LedgerHead }> {
    const head = await sql<{ size: number; frontier: Uint8Array }>`
      select size, frontier from ledger_head where id = 1 for update`.execute(this.db);
    const row = head.rows[0];
    if (!row) throw new Error('ledger head row missing: migrations did not run');
    const written = await this.write(prepared, { size: row.size, frontier: buf(row.frontier) }, false, also);
    if (!written) throw new CordonError('CORDON_ERR_INTERNAL', 'The ledger append wrote nothing.');
    return written;
  }

  /**
   * Appends as ONE autocommit statement, on the condition that the log still has the head the
   * caller remembers (`expected`, e.g. the head its own last append left): the head row is updated
   * only where its size and frontier are the expected ones, and the entries and nodes are inserted
   * only if that update happened. Returns the entries and the new head, or `undefined` (nothing
   * written) when another writer moved the head; the caller then appends the locked way. Meant for
   * callers outside any transaction (group commits, ADR 0014): it commits on its own.
   */
  async appendIfHead(
    inputs: readonly LedgerEntryInput[],
    expected: LedgerHead,
    /** Rows that must commit with the entries (written in the same statement, gated on the append). */
    writes?: JournalWrites,
  ): Promise<{ entries: LedgerEntry[]; head: LedgerHead } | undefined> {
    const also = this.companionsOf(writes, inputs);
    if (inputs.length === 0) return { entries: [], head: expected };
    return this.write(prepareEntries(inputs), expected, true, also);
  }

  /** The head as stored (size and frontier), for `appendIfHead`. */
  async storedHead(): Promise<LedgerHead> {
    const r = await this.db
      .selectFrom('ledger_head')
      .select(['size', 'frontier'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { size: Number(r.size), frontier: buf(r.frontier) };
  }

  /**
   * One statement writes the entries, the new nodes and the head: fewer round trips while the head
   * is held, which is the log's serialized section. Bodies, leaf hashes and node hashes travel as
   * three bytea parameters, which the driver sends in binary, and are cut apart with substring():
   * no hex encoding in Node, no hex text to parse and decode in PostgreSQL (measured: the hex-text
   * version spent most of its time outside the insert itself). With `conditional`, the head update
   * comes first and gates the inserts (see `appendIfHead`); without it, the caller holds the head
   * row lock and the head update checks that every row was written. Companion statements are data-
   * modifying WITH clauses of the same statement (gated on the append when it is conditional).
   */
  private async write(
    prepared: PreparedEntries,
    head: LedgerHead,
    /** `false`: the caller holds the head row; `true`: conditional on it. */
    conditional: boolean,
    also: readonly Companion[],
  ): Promise<{ entries: LedgerEntry[]; head: LedgerHead } | undefined> {
    const { inputs, encoders, actors, actions, customers, times } = prepared;
    const appender = new MerkleAppender({ size: head.size, frontier: splitFrontier(head.frontier) });
    const first = appender.size;
    const entries: LedgerEntry[] = [];
    const bodies: Buffer[] = [];
    const bodyOffsets: number[] = [];
    const bodyLengths: number[] = [];
    const leaves = Buffer.allocUnsafe(inputs.length * HASH);
    const nodeLevels: number[] = [];
    const nodeIdx: number[] = [];
    const nodeHashes: Buffer[] = [];
    let offset = 1; // SQL substring positions are 1-based
    const keepNode = (level: number, index: number, hash: Buffer) => {
      if (level === 0) hash.copy(leaves, (index - first) * HASH);
      nodeLevels.push(level);
      nodeIdx.push(index);
      nodeHashes.push(hash);
    };
    inputs.forEach((input, i) => {
      const seq = first + i;
      const body = (encoders[i] as (seq: number) => Buffer)(seq);
      appender.appendData(body, keepNode);
      entries.push({ ...input, seq });
      bodies.push(body);
      bodyOffsets.push(offset);
      bodyLengths.push(body.length);
      offset += body.length;
    });
    const bodyBlob = Buffer.concat(bodies);
    const nodeBlob = Buffer.concat(nodeHashes);
    const frontier = Buffer.concat(appender.frontier());
    const next: LedgerHead = { size: appender.size, frontier };
    const insertEntries = sql`
        insert into ledger_entries (seq, time, leaf_hash, body, actor_id, action, customer_ids)
        select ${first}::bigint + u.i - 1, u.time, substring(${leaves}::bytea from (u.i::int - 1) * 32 + 1 for 32),
               substring(${bodyBlob}::bytea from u.off for u.len), u.actor, u.action, u.customers::text[]
        from unnest(${times}::timestamptz[], ${bodyOffsets}::int[], ${bodyLengths}::int[],
                    ${actors}::text[], ${actions}::text[], ${customers}::text[])
          with ordinality as u(time, off, len, actor, action, customers, i)`;
    const insertNodes = sql`
        insert into ledger_nodes (level, idx, hash)
        select u.level, u.idx, substring(${nodeBlob}::bytea from (u.i::int - 1) * 32 + 1 for 32)
        from unnest(${nodeLevels}::smallint[], ${nodeIdx}::bigint[]) with ordinality as u(level, idx, i)`;
    // Data-modifying WITH clauses run once, to completion, whether or not anything reads them.
    const companions = (gate: RawBuilder<unknown>) =>
      sql.join(
        also.map((c, i) => sql`, ${sql.raw(`companion_${i}`)} as (${c(gate)})`),
        sql``,
      );
    if (conditional) {
      const gate = sql`exists (select 1 from moved)`;
      const companion = also.length === 0 ? sql`` : companions(gate);
      const result = await sql<{ size: number | null; written: number; nodes: number }>`
        with moved as (
          update ledger_head set size = ${next.size}, frontier = ${frontier}
          where id = 1 and size = ${head.size} and frontier = ${head.frontier}
          returning size
        ), new_entries as (
          ${insertEntries} where ${gate}
          returning 1
        ), new_nodes as (
          ${insertNodes} where ${gate}
          returning 1
        )${companion}
        select (select size from moved) as size, (select count(*) from new_entries)::int as written,
          (select count(*) from new_nodes)::int as nodes`.execute(this.db);
      const row = result.rows[0];
      if (row?.size === null || row?.size === undefined) return undefined; // another writer moved the head
      if (row.written !== inputs.length || row.nodes !== nodeLevels.length) {
        // Unreachable: the inserts either write every row or fail the statement.
        throw new CordonError('CORDON_ERR_INTERNAL', 'The ledger append did not write every entry and node.');
      }
      return { entries, head: next };
    }
    const updated = await sql<{ size: number }>`
      with new_entries as (
        ${insertEntries}
        returning 1
      ), new_nodes as (
        ${insertNodes}
        returning 1
      )${also.length === 0 ? sql`` : companions(sql`true`)}
      update ledger_head set size = ${next.size}, frontier = ${frontier}
      where id = 1 and (select count(*) from new_entries) = ${inputs.length}
        and (select count(*) from new_nodes) = ${nodeLevels.length}
      returning size`.execute(this.db);
    if (updated.rows.length !== 1) {
      // Unreachable unless the tables were altered underneath; failing aborts the whole transaction.
      throw new CordonError('CORDON_ERR_INTERNAL', 'The ledger append did not write every entry and node.');
    }
    return { entries, head: next };
  }

  async size(): Promise<number> {
    const r = await this.db
      .selectFrom('ledger_head')
      .select('size')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return Number(r.size);
  }

  async head(): Promise<{ size: number; rootHash: Buffer }> {
    const r = await this.db
      .selectFrom('ledger_head')
      .select(['size', 'frontier'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const appender = new MerkleAppender({ size: Number(r.size), frontier: splitFrontier(buf(r.frontier)) });
    return { size: appender.size, rootHash: appender.root() };
  }

  entries(from: number, to: number): Promise<StoredEntry[]> {
    return this.storedEntries(from, to, undefined);
  }

  async entriesWithActions(from: number, to: number, actions: readonly string[]): Promise<StoredEntry[]> {
    if (actions.length === 0) return [];
    return this.storedEntries(from, to, actions);
  }

  /** Entries with seq in [from, to), in order; only the given actions when `actions` is set. */
  private async storedEntries(
    from: number,
    to: number,
    actions: readonly string[] | undefined,
  ): Promise<StoredEntry[]> {
    let q = this.db
      .selectFrom('ledger_entries')
      .select(['seq', 'leaf_hash', 'body', 'time'])
      .where('seq', '>=', from)
      .where('seq', '<', to);
    if (actions) q = q.where('action', 'in', [...actions]);
    const rows = await q.orderBy('seq').execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      leafHash: buf(r.leaf_hash),
      body: r.body ? buf(r.body) : null,
      time: r.time,
    }));
  }

  async seqsForCustomer(customerId: string, limit: number): Promise<number[]> {
    const r = await sql<{ seq: number }>`
      select seq from ledger_entries where customer_ids @> array[${customerId}]::text[] order by seq limit ${limit}`.execute(
      this.db,
    );
    return r.rows.map((x) => Number(x.seq));
  }

  async seqsForActor(
    actorId: string,
    from: Date | undefined,
    to: Date | undefined,
    limit: number,
  ): Promise<number[]> {
    let q = this.db.selectFrom('ledger_entries').select('seq').where('actor_id', '=', actorId);
    if (from) q = q.where('time', '>=', from);
    if (to) q = q.where('time', '<', to);
    const rows = await q.orderBy('seq').limit(limit).execute();
    return rows.map((r) => Number(r.seq));
  }

  async nodes(refs: ReadonlyArray<{ level: number; index: number }>): Promise<Map<string, Buffer>> {
    if (refs.length === 0) return new Map();
    const r = await sql<{ level: number; idx: number; hash: Uint8Array }>`
      select n.level, n.idx, n.hash from ledger_nodes n
      join unnest(${refs.map((x) => x.level)}::smallint[], ${refs.map((x) => x.index)}::bigint[]) as u(level, idx)
        on n.level = u.level and n.idx = u.idx`.execute(this.db);
    return new Map(r.rows.map((x) => [`${x.level}:${Number(x.idx)}`, buf(x.hash)]));
  }

  async saveCheckpoint(c: StoredCheckpoint): Promise<void> {
    await this.db
      .insertInto('ledger_checkpoints')
      .values({ size: c.size, root_hash: c.rootHash, note: c.note, created_at: c.createdAt })
      .onConflict((oc) => oc.column('size').doNothing())
      .execute();
  }

  private toCheckpoint(r: {
    size: number;
    root_hash: Uint8Array;
    note: string;
    created_at: Date;
  }): StoredCheckpoint {
    return { size: Number(r.size), rootHash: buf(r.root_hash), note: r.note, createdAt: r.created_at };
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const r = await this.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? this.toCheckpoint(r) : undefined;
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    const rows = await this.db.selectFrom('ledger_checkpoints').selectAll().orderBy('size').execute();
    return rows.map((r) => this.toCheckpoint(r));
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    const r = await this.db
      .selectFrom('ledger_checkpoints')
      .selectAll()
      .where('size', '=', size)
      .executeTakeFirst();
    return r ? this.toCheckpoint(r) : undefined;
  }

  async saveCosignature(c: StoredCosignature): Promise<void> {
    await this.db
      .insertInto('ledger_cosignatures')
      .values({
        size: c.size,
        witness: c.witness,
        signature_line: c.signatureLine,
        received_at: c.receivedAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['size', 'witness'])
          .doUpdateSet({ signature_line: c.signatureLine, received_at: c.receivedAt }),
      )
      .execute();
  }

  async cosignatures(size: number): Promise<StoredCosignature[]> {
    const rows = await this.db
      .selectFrom('ledger_cosignatures')
      .selectAll()
      .where('size', '=', size)
      .execute();
    return rows.map((r) => ({
      size: Number(r.size),
      witness: r.witness,
      signatureLine: r.signature_line,
      receivedAt: r.received_at,
    }));
  }

  async prune(before: Date): Promise<number> {
    const r = await this.db
      .updateTable('ledger_entries')
      .set({ body: null })
      .where('time', '<', before)
      .where('body', 'is not', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
