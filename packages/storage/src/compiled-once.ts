import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Schema } from './schema';

/** Where a call's parameter goes in a statement compiled with placeholders. */
class Slot {
  constructor(readonly index: number) {}
}

interface Compiled {
  sql: string;
  /** Per SQL parameter: the index of the call's argument, or a constant the builder put there. */
  parameters: Array<Slot | { constant: unknown }>;
}

/**
 * A statement written with Kysely's builder and compiled ONCE per dialect: it is built with
 * placeholders for its arguments, and each call runs the kept SQL text with its own values. The
 * builder's compilation runs on every call otherwise — measured on the reveal path, compiling the
 * token lookup's 18-column select alone was ~7 % of the server's main-thread time. For statements
 * on hot paths whose shape does not depend on their arguments (arrays travel as one parameter).
 *
 * The builder must use each argument as a value only (passed to `where`, `values` or `sql`
 * templates), never look inside it; a builder that drops an argument is refused at first use.
 */
export class CompiledOnce<A extends unknown[], R> {
  private readonly byAdapter = new WeakMap<object, Compiled>();

  constructor(private readonly build: (db: Kysely<Schema>, ...args: A) => Compilable<R>) {}

  async execute(db: Kysely<Schema>, ...args: A): Promise<R[]> {
    const compiled = this.compiledFor(db, args.length);
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? args[p.index] : p.constant));
    const result = await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  }

  private compiledFor(db: Kysely<Schema>, arity: number): Compiled {
    // Transactions share their database's adapter, so one compilation serves them all. Plugins
    // transform queries as they are compiled, so with plugins every call compiles afresh.
    const executor = db.getExecutor();
    const adapter = executor.adapter;
    let compiled = executor.plugins.length > 0 ? undefined : this.byAdapter.get(adapter);
    if (!compiled) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
      const query = this.build(db, ...(slots as unknown as A)).compile();
      const parameters = query.parameters.map((p) => (p instanceof Slot ? p : { constant: p }));
      for (const slot of slots) {
        if (!parameters.includes(slot)) {
          throw new Error(`CompiledOnce: argument ${slot.index} does not reach the statement (${query.sql})`);
        }
      }
      compiled = { sql: query.sql, parameters };
      if (executor.plugins.length === 0) this.byAdapter.set(adapter, compiled);
    }
    return compiled;
  }
}
