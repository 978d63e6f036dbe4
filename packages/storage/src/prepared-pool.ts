import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Distinct statements one connection keeps prepared at most; beyond it, statements run unnamed. */
export const MAX_PREPARED_PER_CONNECTION = 400;

/**
 * A Kysely pool whose clients run every parameterised statement as a NAMED prepared statement
 * (ADR 0013). PostgreSQL then parses each distinct statement once per connection and, after a few
 * executions, reuses a generic plan, instead of parsing and planning it on every call — measured on
 * the reveal path, parse and plan were ~60 % of PostgreSQL's time for the hot statements.
 *
 * The name is a hash of the text, so equal texts share it and different texts cannot collide in
 * practice. Statements without parameters (`begin`, `commit`, DDL, multi-statement migration
 * scripts) keep the simple protocol. A connection prepares at most MAX_PREPARED_PER_CONNECTION
 * texts (statements with a variable number of placeholders are distinct texts), so a long-lived
 * connection cannot accumulate them without bound.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const prepared = new WeakMap<pg.PoolClient, Set<string>>();
  const nameOf = new Map<string, string>();
  const statementName = (text: string): string => {
    let name = nameOf.get(text);
    if (name === undefined) {
      name = `c${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
      if (nameOf.size < 10_000) nameOf.set(text, name);
    }
    return name;
  };
  return {
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let names = prepared.get(client);
      if (!names) {
        names = new Set();
        prepared.set(client, names);
      }
      const known = names;
      const query = (textOrCursor: unknown, parameters?: ReadonlyArray<unknown>): unknown => {
        if (typeof textOrCursor !== 'string' || !parameters || parameters.length === 0) {
          return parameters === undefined
            ? client.query(textOrCursor as pg.Submittable)
            : client.query(textOrCursor as string, [...parameters]);
        }
        const name = statementName(textOrCursor);
        if (!known.has(name)) {
          if (known.size >= MAX_PREPARED_PER_CONNECTION) return client.query(textOrCursor, [...parameters]);
          known.add(name);
        }
        return client.query({ name, text: textOrCursor, values: [...parameters] });
      };
      return {
        query: query as PostgresPoolClient['query'],
        release: (destroy?: boolean) => {
          if (destroy) prepared.delete(client);
          client.release(destroy);
        },
      };
    },
  };
}
