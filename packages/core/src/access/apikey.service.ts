import { createHash, timingSafeEqual } from 'node:crypto';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock, RandomSource } from '../shared/ports';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { ApiKeyRow } from './apikey.ports';

/** Scopes an API key can hold. `admin` implies all of them. */
export const apiKeyScopes = [
  'customers:write',
  'orders:write',
  'customers:read',
  'orders:read',
  'search',
  'erase',
  'ledger:read',
  'tokenize',
  'staff:read',
  'staff:write',
  'assignments:write',
  'events:write',
  'risk:score',
  'risk:admin',
  'risk:review',
  'risk:customer',
  'admin',
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

const TOKEN = /^ck_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Service API keys: `ck_<id>.<secret>`. Only SHA-256 of the secret is stored (the secret has 256 bits of
 * entropy, so a slow password hash adds nothing); the full key is shown once at creation.
 */
export class ApiKeyService {
  /**
   * Verified credentials are cached briefly (key id → row) so the hot read path does not query the
   * key table on every request; a revocation reaches other processes within `cacheMs`.
   */
  private readonly cache = new Map<string, { row: ApiKeyRow | undefined; at: number }>();

  constructor(
    private readonly deps: { uow: UnitOfWork; clock: Clock; random: RandomSource; cacheMs?: number },
  ) {}

  private async lookup(id: string): Promise<ApiKeyRow | undefined> {
    const now = this.deps.clock.now().getTime();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < (this.deps.cacheMs ?? 5000)) return hit.row;
    const row = await this.deps.uow.read((repos) => repos.apiKeys.find(id));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { row, at: now });
    return row;
  }

  async create(
    ctx: RequestContext,
    input: { name: string; scopes: readonly string[] },
  ): Promise<{ id: string; key: string; scopes: string[] }> {
    if (!ctx.scopes.includes('admin')) {
      throw new CordonError('CORDON_ERR_FORBIDDEN', 'Only an admin credential can create API keys.', {
        scope: 'admin',
      });
    }
    const name = input.name.trim();
    if (name.length === 0 || name.length > 64) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'name must be 1–64 characters.', { field: 'name' });
    }
    if (input.scopes.length === 0) {
      throw new CordonError('CORDON_ERR_VALIDATION', `Give at least one scope: ${apiKeyScopes.join(', ')}.`, {
        field: 'scopes',
      });
    }
    const unknown = input.scopes.filter((s) => !(apiKeyScopes as readonly string[]).includes(s));
    if (unknown.length > 0) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        `Unknown scope(s) ${unknown.join(', ')}; use ${apiKeyScopes.join(', ')}.`,
        {
          field: 'scopes',
        },
      );
    }
    const id = Buffer.from(this.deps.random.bytes(8)).toString('hex');
    const secret = Buffer.from(this.deps.random.bytes(32)).toString('base64url');
    const key = `ck_${id}.${secret}`;
    const scopes = [...new Set(input.scopes)].sort();
    const now = this.deps.clock.now();
    await this.deps.uow.run(async (repos) => {
      await repos.apiKeys.insert({
        id,
        name,
        secretHash: hashSecret(secret),
        scopes,
        createdAt: now,
        revokedAt: null,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'apikey_create', { detail: { apiKey: id, scopes: scopes.join(' ') } }),
      ]);
    });
    return { id, key, scopes };
  }

  /** Resolves a bearer token to its actor and scopes; any failure is the same 401, revealing nothing. */
  async authenticate(
    token: string | undefined,
  ): Promise<{ actor: RequestContext['actor']; scopes: string[] }> {
    const match = token ? TOKEN.exec(token) : null;
    const fail = () => new CordonError('CORDON_ERR_UNAUTHENTICATED');
    if (!match) throw fail();
    const [, id, secret] = match;
    if (!id || !secret) throw fail();
    const row = await this.lookup(id);
    if (!row || row.revokedAt !== null) throw fail();
    if (!timingSafeEqual(row.secretHash, hashSecret(secret))) throw fail();
    return {
      actor: { type: 'apikey', id: `apikey:${id}`, role: row.scopes.includes('admin') ? 'admin' : 'service' },
      scopes: row.scopes,
    };
  }

  /** Revokes a key at once in this process (other processes within the cache period); ledgered. */
  async revoke(ctx: RequestContext, id: string): Promise<void> {
    if (!ctx.scopes.includes('admin')) {
      throw new CordonError('CORDON_ERR_FORBIDDEN', 'Only an admin credential can revoke API keys.', {
        scope: 'admin',
      });
    }
    const now = this.deps.clock.now();
    const revoked = await this.deps.uow.run(async (repos) => {
      const done = await repos.apiKeys.revoke(id, now);
      if (done) await repos.ledger.append([entryFor(ctx, now, 'apikey_revoke', { detail: { apiKey: id } })]);
      return done;
    });
    this.cache.delete(id);
    if (!revoked) throw new CordonError('CORDON_ERR_NOT_FOUND', `No active API key ${id}.`, { id });
  }

  async list(): Promise<
    Array<{ id: string; name: string; scopes: string[]; createdAt: Date; revokedAt: Date | null }>
  > {
    const rows = await this.deps.uow.run((repos) => repos.apiKeys.list());
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      scopes: r.scopes,
      createdAt: r.createdAt,
      revokedAt: r.revokedAt,
    }));
  }
}
