/**
 * The one error catalog. Every failure that leaves Cordon carries a stable code from here, the HTTP
 * status it maps to, and a message that tells the caller what to fix. Messages never contain plain
 * PII: callers pass field names, line numbers and ids, never values.
 */
export const errorCatalog = {
  CORDON_ERR_VALIDATION: {
    status: 400,
    hint: 'The request is malformed; the details name the field to fix.',
  },
  CORDON_ERR_UNKNOWN_FIELD: { status: 400, hint: 'Remove the field: only documented fields are accepted.' },
  CORDON_ERR_INVALID_PHONE: {
    status: 400,
    hint: 'Give a mainland mobile (11 digits starting 1[3-9], optional +86) or a landline with area code.',
  },
  CORDON_ERR_INVALID_ID_NUMBER: {
    status: 400,
    hint: 'Give an 18-character resident ID number whose last character passes the GB 11643 check.',
  },
  CORDON_ERR_INVALID_ENCODING: {
    status: 400,
    hint: 'Send UTF-8 (or GBK for files, declared with --encoding gbk).',
  },
  CORDON_ERR_BATCH_TOO_LARGE: { status: 400, hint: 'Split the batch: at most 1,000 items per request.' },
  CORDON_ERR_DUPLICATE_IN_BATCH: { status: 400, hint: 'Each id may appear once per batch.' },
  CORDON_ERR_NOT_FOUND: { status: 404, hint: 'No record with that id exists.' },
  CORDON_ERR_CUSTOMER_NOT_FOUND: {
    status: 422,
    hint: 'Create the customer before the orders that reference it.',
  },
  CORDON_ERR_CONFLICT: {
    status: 409,
    hint: 'A record with this id exists with different content; ids are immutable external ids.',
  },
  CORDON_ERR_ERASED: {
    status: 410,
    hint: 'This customer was erased (crypto-shredded); the data cannot be read.',
  },
  CORDON_ERR_UNAUTHENTICATED: { status: 401, hint: 'Send a valid API key as "Authorization: Bearer <key>".' },
  CORDON_ERR_FORBIDDEN: { status: 403, hint: 'The credential is not allowed this action.' },
  CORDON_ERR_PURPOSE_REQUIRED: {
    status: 403,
    hint: 'State a purpose and a reference (ticket, delivery, request).',
  },
  CORDON_ERR_PURPOSE_NOT_ALLOWED: {
    status: 403,
    hint: 'This purpose does not permit the action; use the purpose your assignment gives (e.g. customer_support).',
  },
  CORDON_ERR_NO_ASSIGNMENT: {
    status: 403,
    hint: 'Name a ticket or delivery assigned to you for this customer or order as the reference.',
  },
  CORDON_ERR_ASSIGNMENT_CLOSED: {
    status: 403,
    hint: 'The ticket is closed; reopen it in the ticket system or work from an open one.',
  },
  CORDON_ERR_OUTSIDE_WINDOW: {
    status: 403,
    hint: 'The delivery or access window is not open now; access is possible only inside it.',
  },
  CORDON_ERR_OUTSIDE_SHIFT: { status: 403, hint: 'This action is allowed only during your shift.' },
  CORDON_ERR_QUOTA_EXCEEDED: {
    status: 403,
    hint: 'Your quota for the rolling 24 hours is used up; ask your lead for an override if the work needs it.',
  },
  CORDON_ERR_RATE_LIMITED: { status: 429, hint: 'Too many requests in the last minute; wait and try again.' },
  CORDON_ERR_ACCOUNT_INACTIVE: {
    status: 403,
    hint: 'This account is suspended or departed and can do nothing; contact the security team.',
  },
  CORDON_ERR_FIELD_NOT_ALLOWED: {
    status: 403,
    hint: 'Ask only for the fields your role may see for this purpose.',
  },
  CORDON_ERR_PLAINTEXT_NOT_ALLOWED: {
    status: 403,
    hint: 'Your role may export masked data only; request the export without plaintext.',
  },
  CORDON_ERR_SELF_APPROVAL: {
    status: 403,
    hint: 'A second person must approve; you cannot approve your own request.',
  },
  CORDON_ERR_JUSTIFICATION_REQUIRED: {
    status: 403,
    hint: 'Write a justification (at least the length the policy asks) saying why the access cannot wait.',
  },
  CORDON_ERR_CONTAINED: {
    status: 403,
    hint: 'Your reveal and export rights are paused pending a security review; contact the security team.',
  },
  CORDON_ERR_NOT_PERMITTED: { status: 403, hint: 'No policy rule lets your role do this.' },
  CORDON_ERR_RULE_INVALID: {
    status: 400,
    hint: 'Fix the rule expression at the named line and column; GET /v1/risk/features lists the features it may use.',
  },
  CORDON_ERR_APPEAL_CLOSED: {
    status: 409,
    hint: 'The appeal window for this decision has passed, or the decision was already appealed.',
  },
  CORDON_ERR_POLICY_INVALID: {
    status: 400,
    hint: 'Fix the policy file at the named line and path; its examples must hold.',
  },
  CORDON_ERR_INVALID_CREDENTIALS: {
    status: 401,
    hint: 'The username, password or one-time code is wrong.',
  },
  CORDON_ERR_ACCOUNT_LOCKED: {
    status: 423,
    hint: 'Too many failed sign-ins; the account is locked for a while. Try later or ask a security admin.',
  },
  CORDON_ERR_TOTP_REQUIRED: {
    status: 401,
    hint: 'Your role signs in with a one-time code: send the 6-digit code from your authenticator app.',
  },
  CORDON_ERR_INVALID_STATE: {
    status: 409,
    hint: 'The record is not in a state that allows this step (already decided, expired or closed).',
  },
  CORDON_ERR_TOKEN_INVALID: {
    status: 403,
    hint: 'The token is malformed, forged or expired; print a new label.',
  },
  CORDON_ERR_KEYRING_MISSING: {
    status: 500,
    hint: 'Run `cordon keys init` or set CORDON_KEYRING to the keyring file.',
  },
  CORDON_ERR_KEYRING_INVALID: {
    status: 500,
    hint: 'The keyring file is unreadable or has wrong permissions; restore it from backup or chmod 600 it.',
  },
  CORDON_ERR_KEY_MISMATCH: {
    status: 500,
    hint: 'The keyring does not match this database: point CORDON_KEYRING at the keyring created for it.',
  },
  CORDON_ERR_CONFIG: { status: 500, hint: 'Fix the named environment variable or option and start again.' },
  CORDON_ERR_SCHEMA_TOO_NEW: {
    status: 500,
    hint: 'The database was migrated by a newer Cordon; upgrade this installation before starting it.',
  },
  CORDON_ERR_DECRYPT: {
    status: 500,
    hint: 'A ciphertext failed authentication: the row was altered or moved.',
  },
  CORDON_ERR_RANGE: {
    status: 400,
    hint: 'The requested range is outside what exists; check from/to and size.',
  },
  CORDON_ERR_LEDGER_TAMPERED: {
    status: 500,
    hint: 'Ledger verification failed; see the report for positions.',
  },
  CORDON_ERR_SIGNATURE: { status: 400, hint: 'The signature does not verify with the given key.' },
  CORDON_ERR_EVIDENCE_INVALID: { status: 400, hint: 'The evidence package is malformed or does not verify.' },
  CORDON_ERR_ORIGIN_MISMATCH: { status: 400, hint: 'The checkpoint belongs to another log origin.' },
  CORDON_ERR_INTERNAL: {
    status: 500,
    hint: 'An unexpected error occurred; the request id identifies it in the logs.',
  },
} as const satisfies Record<string, { status: number; hint: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** Details that help the caller locate the problem: field paths, line numbers, ids. Never PII values. */
export type ErrorDetails = Record<string, string | number | boolean | null | undefined | readonly unknown[]>;

/** The only error type that crosses a context or leaves the process. */
export class CordonError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message?: string, details: ErrorDetails = {}) {
    super(message ?? errorCatalog[code].hint);
    this.name = 'CordonError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.details = details;
  }

  /** The stable shape sent to API clients and printed by the CLI with --json. */
  toJSON(): { code: ErrorCode; message: string; hint: string; details: ErrorDetails } {
    return {
      code: this.code,
      message: this.message,
      hint: errorCatalog[this.code].hint,
      details: this.details,
    };
  }
}

export function isCordonError(value: unknown): value is CordonError {
  return value instanceof CordonError;
}
