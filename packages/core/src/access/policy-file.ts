import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Policy, parsePolicy } from './policy';

/** Where the shipped default policy lives; `CORDON_POLICY` points at a shop's own copy instead. */
export const defaultPolicyPath = fileURLToPath(new URL('../../policy/default.policy.yaml', import.meta.url));

/** Parses policy text, keyed by the SHA-256 of its bytes (recorded in the ledger with policy loads). */
export function policyFromText(text: string, source: string): Policy {
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  return parsePolicy(text, digest, source);
}
