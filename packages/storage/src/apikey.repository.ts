import type { ApiKeyRepository, ApiKeyRow } from '@cordon/core';
import type { Kysely } from 'kysely';
import { buf } from './database';
import type { Schema } from './schema';

/** API keys: only the SHA-256 of the secret is stored; the secret is shown once at creation. */
export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(row: ApiKeyRow): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: row.id,
        name: row.name,
        secret_hash: row.secretHash,
        scopes: JSON.stringify(row.scopes),
        created_at: row.createdAt,
        revoked_at: row.revokedAt,
      })
      .execute();
  }

  async find(id: string): Promise<ApiKeyRow | undefined> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRow(r) : undefined;
  }

  async list(): Promise<ApiKeyRow[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toRow);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

function toRow(r: {
  id: string;
  name: string;
  secret_hash: Uint8Array;
  scopes: unknown;
  created_at: Date;
  revoked_at: Date | null;
}): ApiKeyRow {
  return {
    id: r.id,
    name: r.name,
    secretHash: buf(r.secret_hash),
    scopes: r.scopes as string[],
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}
