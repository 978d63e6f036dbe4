/** Who is acting. API keys act for systems; staff act for people; `system` is Cordon itself (migrations, rotation). */
export interface Actor {
  type: 'apikey' | 'staff' | 'system';
  id: string;
  role: string;
}

/**
 * Every access carries one: the ledger entry of the access is built from it, so a missing context is a
 * type error rather than an unrecorded access.
 */
export interface RequestContext {
  actor: Actor;
  /** Scopes granted to the credential (API keys) — checked before any data is touched. */
  scopes: readonly string[];
  purpose?: string | undefined;
  reference?: string | undefined;
  clientAddress?: string | undefined;
  requestId: string;
}
