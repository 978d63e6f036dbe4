import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseConfig, type RequestContext } from '@cordon/core';

/**
 * The CLI acts as an operator on this machine: it holds the keyring, but every action it takes is
 * ledgered under `cli:<user>` exactly like an API call. There is no unrecorded path.
 */
export function cliContext(): RequestContext {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return {
    actor: { type: 'system', id: `cli:${user}`, role: 'operator' },
    scopes: ['admin'],
    requestId: randomUUID(),
    clientAddress: 'local',
  };
}

export function loadConfig() {
  return parseConfig(process.env, process.cwd());
}
