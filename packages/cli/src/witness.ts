import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CordonError,
  cosignCheckpoint,
  generateNoteSigner,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  verifyConsistency,
} from '@cordon/core';

/** What a witness remembers: its own key, the log key it pinned, and the last checkpoint it accepted. */
export interface WitnessState {
  signerKey: string;
  logKey: string;
  origin: string;
  size: number;
  rootHash: string;
  checkpoint: string;
  acceptedAt: string;
}

export type WitnessOutcome =
  | { status: 'accepted'; size: number; previousSize: number; cosignature: string }
  | { status: 'unchanged'; size: number }
  | {
      status: 'rollback' | 'split_view' | 'inconsistent';
      size: number;
      previousSize: number;
      message: string;
    };

export function readWitnessState(dir: string): Partial<WitnessState> {
  const path = join(dir, 'witness-state.json');
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Partial<WitnessState>;
}

export function writeWitnessState(dir: string, state: Partial<WitnessState>): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'witness-state.json');
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

async function getText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new CordonError('CORDON_ERR_CONFIG', `Cannot reach ${url}; check --log.`, { field: '--log' });
  }
  if (!response.ok)
    throw new CordonError('CORDON_ERR_CONFIG', `${url} answered HTTP ${response.status}.`, {
      field: '--log',
    });
  return response.text();
}

/**
 * One witness round: fetch the log's checkpoint, verify its signature with the pinned log key, check it
 * is consistent with the last accepted one (RFC 9162 consistency proof), then cosign (C2SP
 * tlog-cosignature), send the cosignature to the log and remember the checkpoint. A smaller tree
 * (rollback), the same size with another root (split view) or a failed proof is reported, never signed.
 */
export async function witnessOnce(
  logUrl: string,
  stateDir: string,
  options: { logKey?: string; name?: string; now?: () => Date } = {},
): Promise<WitnessOutcome> {
  const base = logUrl.replace(/\/+$/, '');
  const state = readWitnessState(stateDir);
  const signerKey = state.signerKey ?? generateNoteSigner(options.name ?? 'witness.cordon.local').signerKey;
  const logKey = options.logKey ?? state.logKey ?? (await getText(`${base}/v1/ledger/key`)).trim();
  if (state.logKey && state.logKey !== logKey) {
    throw new CordonError(
      'CORDON_ERR_SIGNATURE',
      'The log key differs from the one this witness pinned; refusing.',
    );
  }
  const note = await getText(`${base}/v1/ledger/checkpoint`);
  let body: string;
  try {
    body = openNote(note, [logKey]).text;
  } catch {
    throw new CordonError('CORDON_ERR_SIGNATURE', 'The checkpoint is not signed by the pinned log key.');
  }
  const cp = parseCheckpoint(body, state.origin);
  const root = Buffer.from(cp.rootHash);
  const previousSize = state.size ?? 0;
  if (state.size !== undefined && state.rootHash !== undefined) {
    const oldRoot = Buffer.from(state.rootHash, 'base64');
    if (cp.size < state.size) {
      return {
        status: 'rollback',
        size: cp.size,
        previousSize,
        message: `ROLLBACK: the log shows size ${cp.size} after this witness accepted ${state.size}`,
      };
    }
    if (cp.size === state.size) {
      if (!root.equals(oldRoot)) {
        return {
          status: 'split_view',
          size: cp.size,
          previousSize,
          message: `SPLIT VIEW: two different roots for size ${cp.size}`,
        };
      }
      return { status: 'unchanged', size: cp.size };
    }
    if (state.size > 0) {
      const proof = JSON.parse(
        await getText(`${base}/v1/ledger/consistency?from=${state.size}&to=${cp.size}`),
      ) as { proof: string[] };
      const ok = verifyConsistency(
        state.size,
        cp.size,
        proof.proof.map((p) => Buffer.from(p, 'base64')),
        oldRoot,
        root,
      );
      if (!ok) {
        return {
          status: 'inconsistent',
          size: cp.size,
          previousSize,
          message: `INCONSISTENT: size ${cp.size} does not extend the accepted size ${state.size}; the log was rewritten`,
        };
      }
    }
  }
  const now = options.now ? options.now() : new Date();
  const cosignature = cosignCheckpoint(body, signerKey, Math.floor(now.getTime() / 1000));
  const witnessKey = parseSignerKey(signerKey).cosignatureVerifierKey;
  const response = await fetch(`${base}/v1/ledger/cosignatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ checkpoint: note, cosignature, witnessKey }),
  }).catch(() => undefined);
  if (!response?.ok) {
    throw new CordonError(
      'CORDON_ERR_CONFIG',
      `The log did not accept the cosignature (HTTP ${response?.status ?? 'unreachable'}).`,
    );
  }
  writeWitnessState(stateDir, {
    signerKey,
    logKey,
    origin: cp.origin,
    size: cp.size,
    rootHash: root.toString('base64'),
    checkpoint: note,
    acceptedAt: now.toISOString(),
  });
  return { status: 'accepted', size: cp.size, previousSize, cosignature };
}
