import { z } from 'zod';
import { CordonError } from '../shared/errors';
import { canonicalJson, decodeEntry, entryToJson } from './entry';
import { leafHash, verifyInclusion } from './merkle';
import { openNote, parseCheckpoint, verifyCosignature } from './signed-note';

const evidenceSchema = z.object({
  format: z.literal('cordon-evidence/v1'),
  origin: z.string().min(1),
  logKey: z.string().min(1),
  subject: z.object({
    customer: z.string().optional(),
    staff: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
  }),
  generatedAt: z.string(),
  checkpoint: z.string().min(1),
  treeSize: z.number().int().nonnegative(),
  entries: z.array(
    z.object({
      seq: z.number().int().nonnegative(),
      body: z.string(),
      entry: z.record(z.string(), z.unknown()),
      proof: z.array(z.string()),
    }),
  ),
  note: z.string().optional(),
});

export interface EvidenceReport {
  ok: boolean;
  origin: string;
  treeSize: number;
  entriesVerified: number;
  /** Names of witnesses whose cosignature verified with a key the reader trusts. */
  witnesses: string[];
  /** True when the log key was supplied by the reader rather than taken from the package. */
  logKeyPinned: boolean;
  problems: string[];
}

/**
 * Checks an evidence package with no access to the shop: the checkpoint's signature with the log key
 * (pin it with `trustedLogKey`, e.g. from the regulator's register), every entry's bytes against its
 * JSON, every inclusion proof against the signed root, that each entry is about the stated subject,
 * and the cosignatures of the witnesses the reader trusts.
 */
export function verifyEvidence(
  input: unknown,
  options: { trustedLogKey?: string; witnessKeys?: readonly string[] } = {},
): EvidenceReport {
  const parsed = evidenceSchema.safeParse(input);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new CordonError(
      'CORDON_ERR_EVIDENCE_INVALID',
      `The evidence package is malformed at "${field || '(root)'}".`,
      { field },
    );
  }
  const pkg = parsed.data;
  const problems: string[] = [];
  if (options.trustedLogKey !== undefined && options.trustedLogKey.trim() !== pkg.logKey) {
    throw new CordonError(
      'CORDON_ERR_SIGNATURE',
      'The package names a different log key than the one you trust.',
    );
  }
  const logKey = options.trustedLogKey?.trim() ?? pkg.logKey;
  let body: string;
  try {
    body = openNote(pkg.checkpoint, [logKey]).text;
  } catch {
    throw new CordonError(
      'CORDON_ERR_SIGNATURE',
      'The checkpoint in the package does not verify with the log key.',
    );
  }
  const checkpoint = parseCheckpoint(body, pkg.origin);
  if (checkpoint.size !== pkg.treeSize)
    problems.push(`treeSize ${pkg.treeSize} differs from the checkpoint size ${checkpoint.size}`);
  let verified = 0;
  for (const e of pkg.entries) {
    const bytes = Buffer.from(e.body, 'base64');
    if (bytes.length === 0) {
      problems.push(`entry ${e.seq}: body pruned, cannot be checked`);
      continue;
    }
    const leaf = leafHash(bytes);
    const proof = e.proof.map((p) => Buffer.from(p, 'base64'));
    if (!verifyInclusion(leaf, e.seq, checkpoint.size, proof, checkpoint.rootHash)) {
      problems.push(`entry ${e.seq}: inclusion proof does not lead to the signed root`);
      continue;
    }
    let decoded: ReturnType<typeof decodeEntry>;
    try {
      decoded = decodeEntry(bytes);
    } catch {
      problems.push(`entry ${e.seq}: body is not a ledger entry`);
      continue;
    }
    if (decoded.seq !== e.seq) problems.push(`entry ${e.seq}: body says seq ${decoded.seq}`);
    const json = entryToJson(decoded);
    if (canonicalJson(json as never) !== canonicalJson(e.entry as never)) {
      problems.push(`entry ${e.seq}: the readable entry differs from the signed bytes`);
      continue;
    }
    if (pkg.subject.customer !== undefined && !decoded.customerIds.includes(pkg.subject.customer)) {
      problems.push(`entry ${e.seq}: not about customer ${pkg.subject.customer}`);
      continue;
    }
    if (pkg.subject.staff !== undefined && decoded.actor.id !== pkg.subject.staff) {
      problems.push(`entry ${e.seq}: not by ${pkg.subject.staff}`);
      continue;
    }
    verified += 1;
  }
  const witnesses: string[] = [];
  const lines = pkg.checkpoint.split('\n').filter((l) => l.startsWith('\u2014 '));
  for (const key of options.witnessKeys ?? []) {
    const ok = lines.some((line) => {
      try {
        verifyCosignature(body, line, key);
        return true;
      } catch {
        return false;
      }
    });
    if (ok) witnesses.push(key.split('+')[0] ?? key);
    else problems.push(`no valid cosignature from witness ${key.split('+')[0] ?? key}`);
  }
  return {
    ok: problems.length === 0,
    origin: checkpoint.origin,
    treeSize: checkpoint.size,
    entriesVerified: verified,
    witnesses,
    logKeyPinned: options.trustedLogKey !== undefined,
    problems,
  };
}
