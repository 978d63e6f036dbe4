import type { MetaRepository } from '@cordon/core';
import type { Kysely } from 'kysely';
import type { Schema } from './schema';

export class KyselyMetaRepository implements MetaRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('cordon_meta')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return r?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('cordon_meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
