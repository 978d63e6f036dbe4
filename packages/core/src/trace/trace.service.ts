import { AccessService } from '../access/access.service';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import type { VaultService } from '../vault/vault.service';
import { type AccessLookup, type AttributionCandidate, attributeLeak, type LeakedRow } from './attribution';
import { type LeakedFileReport, readLeakedFile } from './leaked-file';
import { matchLeakedRecords, OURS_THRESHOLD } from './row-matcher';
import type { AccessFact } from './trace.ports';

/** How one row of the file matched (no values: row number, what matched, how many candidates). */
export interface TraceRowMatch {
  row: number;
  sheet?: string | undefined;
  confidence: number;
  matchedBy: string[];
  candidates: number;
  canary: boolean;
}

export interface TraceReport {
  file: {
    name: string;
    kind: string;
    encoding: string | null;
    rowsRead: number;
    rowsWithPii: number;
    problems: string[];
    truncated: boolean;
  };
  /** Records with personal data found in the file. */
  rows: number;
  /** Rows that match our customers with confidence ≥ 0.5. */
  ours: number;
  canaries: Array<{ customerId: string; exportId: string | null }>;
  candidates: Array<{
    kind: 'export' | 'staff';
    id: string;
    probability: number;
    explains: number;
    pValue: number;
    accessSize: number;
    window: { from: string; to: string } | null;
  }>;
  /** The customers the file's rows are (confident matches), for breach response. */
  affected: string[];
  /** When the top candidate had everything of the set it holds. */
  setWindow: { id: string; kind: string; from: string; to: string; complete: boolean } | null;
  matches: TraceRowMatch[];
  seconds: number;
}

export interface TraceDeps {
  uow: UnitOfWork;
  clock: Clock;
  vault: VaultService;
  access: AccessService;
}

/**
 * Leaked-list analysis: reads the file, matches its rows against the vault through the blind indexes
 * (a masked mobile by enumerating its hidden digits against the phone indexes of the customers its
 * row's name or address names), finds canaries, and ranks the exports and
 * people whose access sets explain the rows (attribution.ts). Nothing is decrypted; the lookup is
 * ledgered as a review of the matched customers.
 */
export class TraceService {
  constructor(private readonly deps: TraceDeps) {}

  private async authorize(repos: Repositories, ctx: RequestContext): Promise<void> {
    if (ctx.actor.type !== 'staff') {
      if (!ctx.scopes.includes('admin')) {
        throw new CordonError(
          'CORDON_ERR_FORBIDDEN',
          'Tracing a leak needs an admin credential or a security role.',
        );
      }
      return;
    }
    const { decision } = await this.deps.access.decide(repos, ctx, { action: 'approve' });
    const denial = AccessService.denial(decision);
    if (denial) throw denial;
  }

  async analyze(
    ctx: RequestContext,
    bytes: Uint8Array,
    name: string,
    options: { onProgress?: (stage: string, done: number) => void } = {},
  ): Promise<TraceReport> {
    const started = this.deps.clock.now().getTime();
    await this.deps.uow.run((repos) => this.authorize(repos, ctx));
    const file = await readLeakedFile(bytes, name, {
      onProgress: (n) => options.onProgress?.('read', n),
    });
    const matched = await this.deps.uow.read((repos) =>
      matchLeakedRecords(file.records, {
        indexFor: (field, value) => this.deps.vault.indexFor(field, value),
        find: (field, values) => repos.vault.findByBlindIndex(field, values),
        phonesOf: (customerIds) => repos.vault.phoneIndexesOf(customerIds),
      }),
    );
    options.onProgress?.('match', file.records.length);
    const ours = matched.filter((m) => m.confidence >= OURS_THRESHOLD);
    const affected = [...new Set(ours.flatMap((m) => m.customers.map((c) => c.id)))].sort();
    const result = await this.deps.uow.run(async (repos) => {
      const canaries = await repos.trace.findCanaries({ customerIds: affected });
      const attribution = await this.attribute(repos, ours);
      const now = this.deps.clock.now();
      const entries = [];
      for (let i = 0; i < Math.max(1, affected.length); i += 1000) {
        entries.push(
          entryFor(ctx, now, 'review', {
            customerIds: affected.slice(i, i + 1000),
            detail: {
              kind: 'trace',
              rows: file.records.length,
              ours: ours.length,
              canaries: canaries.length,
            },
          }),
        );
      }
      await repos.ledger.append(entries);
      return { canaries, attribution };
    });
    const canaryIds = new Set(result.canaries.map((c) => c.customerId));
    return {
      file: summary(name, file),
      rows: file.records.length,
      ours: ours.length,
      canaries: result.canaries.map((c) => ({ customerId: c.customerId, exportId: c.exportId })),
      candidates: result.attribution.candidates,
      affected,
      setWindow: result.attribution.setWindow,
      matches: matched.map((m) => ({
        row: m.record.row,
        sheet: m.record.sheet,
        confidence: m.confidence,
        matchedBy: m.matchedBy,
        candidates: m.customers.length,
        canary: m.customers.some((c) => canaryIds.has(c.id)),
      })),
      seconds: (this.deps.clock.now().getTime() - started) / 1000,
    };
  }

  private async attribute(
    repos: Repositories,
    ours: ReadonlyArray<{ customers: Array<{ id: string; weight: number }> }>,
  ): Promise<{ candidates: TraceReport['candidates']; setWindow: TraceReport['setWindow'] }> {
    if (ours.length === 0) return { candidates: [], setWindow: null };
    const ids = [...new Set(ours.flatMap((m) => m.customers.map((c) => c.id)))];
    const facts: AccessFact[] = [
      ...(await repos.trace.ledgerAccess(ids)),
      ...(await repos.trace.eventAccess(ids)),
      ...(await repos.trace.exportAccess(ids)),
    ];
    const byCandidate = new Map<
      string,
      { kind: 'staff' | 'export'; id: string; first: Map<string, number> }
    >();
    for (const f of facts) {
      const key = `${f.kind}:${f.id}`;
      let c = byCandidate.get(key);
      if (!c) {
        c = { kind: f.kind, id: f.id, first: new Map() };
        byCandidate.set(key, c);
      }
      const t = f.first.getTime();
      const seen = c.first.get(f.customerId);
      if (seen === undefined || t < seen) c.first.set(f.customerId, t);
    }
    const staffIds = [...byCandidate.values()].filter((c) => c.kind === 'staff').map((c) => c.id);
    const exportIds = [...byCandidate.values()].filter((c) => c.kind === 'export').map((c) => c.id);
    const sizes = new Map<string, number>();
    for (const [id, n] of await repos.trace.accessSizes('staff', staffIds)) sizes.set(`staff:${id}`, n);
    for (const [id, n] of await repos.trace.accessSizes('export', exportIds)) sizes.set(`export:${id}`, n);
    const population = Math.max(await repos.vault.countCustomers(), ids.length);
    const candidates: AttributionCandidate[] = [...byCandidate.entries()].map(([key, c]) => {
      const size = Math.min(population, Math.max(sizes.get(key) ?? c.first.size, c.first.size));
      const access: AccessLookup = { size, get: (id) => c.first.get(id) };
      return { kind: c.kind, id: c.id, access };
    });
    const rows: LeakedRow[] = ours.map((m) =>
      m.customers.length === 1 && m.customers[0] ? m.customers[0].id : { customers: m.customers },
    );
    const result = attributeLeak(rows, candidates, { population });
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      candidates: result.candidates.map((c) => ({
        kind: c.kind,
        id: c.id,
        probability: c.probability,
        explains: c.explains,
        pValue: c.pValue,
        accessSize: c.accessSize,
        window: c.window ? { from: iso(c.window.from), to: iso(c.window.to) } : null,
      })),
      setWindow: result.setWindow
        ? {
            id: result.setWindow.id,
            kind: result.setWindow.kind,
            from: iso(result.setWindow.from),
            to: iso(result.setWindow.to),
            complete: result.setWindow.complete,
          }
        : null,
    };
  }
}

function summary(name: string, file: LeakedFileReport): TraceReport['file'] {
  return {
    name: name.slice(-200),
    kind: file.kind,
    encoding: file.encoding,
    rowsRead: file.rowsRead,
    rowsWithPii: file.rowsWithPii,
    problems: file.problems,
    truncated: file.truncated,
  };
}
