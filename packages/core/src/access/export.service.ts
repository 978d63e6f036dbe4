import { z } from 'zod';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock, RandomSource } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import { externalId, toValidationError } from '../vault/interchange';
import {
  type ExportColumn,
  exportColumns,
  piiExportColumns,
  type VaultService,
} from '../vault/vault.service';
import type { ExportRow } from './access.ports';
import { AccessService, referenceText } from './access.service';

/** The most rows one export may hold; a larger one must be split (and approved) in parts. */
export const MAX_EXPORT_ROWS = 100_000;
/** How long an approved export can be downloaded. */
export const EXPORT_TTL_MS = 7 * 86_400_000;
/** Customer ids per ledger entry when a download is recorded. */
const LEDGER_CHUNK = 1000;

export const exportRequestSchema = z.strictObject({
  filter: z
    .strictObject({
      customerIds: z.array(externalId).min(1).max(10_000).optional(),
      orderIds: z.array(externalId).min(1).max(10_000).optional(),
      createdFrom: z.iso.datetime({ offset: true }).optional(),
      createdTo: z.iso.datetime({ offset: true }).optional(),
      status: z.array(z.string().min(1).max(32)).min(1).optional(),
      province: z.string().min(1).max(32).optional(),
      merchant: externalId.optional(),
    })
    .refine(
      (f) => Object.keys(f).length > 0,
      'give at least one filter criterion: exports are never "everything"',
    ),
  fields: z.array(z.enum(exportColumns)).min(1),
  purpose: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a lower-case word such as customer_support'),
  reference: referenceText.optional(),
  recipient: z.string().trim().min(3).max(200),
  format: z.enum(['csv', 'xlsx']).default('csv'),
  plaintext: z.boolean().default(false),
});

export const exportDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  /** Whether the approval covers plaintext; only meaningful when the request asked for it. */
  plaintext: z.boolean().default(false),
  note: z.string().trim().min(1).max(2000),
});

/**
 * The hook through which the trace context adds canary customers to each export (a unique allocation
 * per export, so a leaked file names its export). Returns extra subjects to include.
 */
export interface ExportHook {
  allocate(
    repos: Repositories,
    exportRow: ExportRow,
    subjects: ReadonlyArray<{ customerId: string; orderId: string }>,
  ): Promise<Array<{ customerId: string; orderId: string }>>;
}

export interface ExportDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: RandomSource;
  access: AccessService;
  vault: VaultService;
  hook?: ExportHook | undefined;
}

export interface ExportFile {
  export: ExportRow;
  columns: ExportColumn[];
  rows: Array<Record<string, string | number | null>>;
  masked: boolean;
}

/**
 * Two-person exports: one person asks (filter, fields, purpose, recipient), a second person with the
 * approve right decides (never their own request). At approval the exact set of orders and customers
 * is fixed and stored; at download the file holds masked fields unless the approval covered plaintext,
 * and every customer in it gets a ledger entry.
 */
export class ExportService {
  constructor(private readonly deps: ExportDeps) {}

  async request(ctx: RequestContext, raw: unknown): Promise<ExportRow> {
    const parsed = exportRequestSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const id = `ex_${Buffer.from(this.deps.random.bytes(8)).toString('hex')}`;
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const { decision, staff } = await this.deps.access.decide(repos, ctx, {
        action: 'export',
        fields: input.plaintext ? input.fields.filter((f) => piiExportColumns.includes(f)) : [],
        plaintext: input.plaintext,
        purpose: input.purpose,
        reference: input.reference,
      });
      const base = { ...ctx, purpose: input.purpose, reference: input.reference };
      if (!decision.allowed || !staff) {
        await repos.ledger.append([
          entryFor(base, now, 'export', {
            fields: input.fields,
            outcome: 'denied',
            errorCode: decision.allowed ? 'CORDON_ERR_FORBIDDEN' : decision.code,
            detail: { stage: 'request' },
          }),
        ]);
        return { error: AccessService.denial(decision) ?? new CordonError('CORDON_ERR_FORBIDDEN') };
      }
      const row: ExportRow = {
        id,
        requester: staff.id,
        filter: input.filter,
        fields: input.fields,
        purpose: input.purpose,
        reference: input.reference ?? null,
        recipient: input.recipient,
        format: input.format,
        plaintext: input.plaintext,
        status: 'requested',
        createdAt: now,
        approver: null,
        decidedAt: null,
        decisionNote: null,
        plaintextApproved: null,
        rowCount: null,
        downloads: 0,
        expiresAt: null,
      };
      await repos.access.insertExport(row);
      await repos.ledger.append([
        entryFor(base, now, 'export', {
          fields: input.fields,
          detail: { stage: 'request', export: id, plaintext: input.plaintext, rule: decision.ruleId },
        }),
      ]);
      return { value: row };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** A second person approves or rejects. Approval fixes the exact subject set (plus canaries). */
  async decide(ctx: RequestContext, id: string, raw: unknown): Promise<ExportRow> {
    const parsed = exportDecisionSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const row = await repos.access.findExport(id);
      if (!row) return { error: new CordonError('CORDON_ERR_NOT_FOUND', `No export ${id}.`, { id }) };
      const { decision, staff } = await this.deps.access.decide(repos, ctx, {
        action: 'approve',
        requester: row.requester,
      });
      if (!decision.allowed || !staff) {
        await repos.ledger.append([
          entryFor(ctx, now, 'approve', {
            outcome: 'denied',
            errorCode: decision.allowed ? 'CORDON_ERR_FORBIDDEN' : decision.code,
            detail: { export: id },
          }),
        ]);
        return { error: AccessService.denial(decision) ?? new CordonError('CORDON_ERR_FORBIDDEN') };
      }
      if (row.status !== 'requested') {
        return {
          error: new CordonError('CORDON_ERR_INVALID_STATE', `Export ${id} was already ${row.status}.`, {
            id,
          }),
        };
      }
      let rowCount: number | null = null;
      let customers = 0;
      const plaintextApproved = input.decision === 'approve' && row.plaintext && input.plaintext;
      if (input.decision === 'approve') {
        const f = row.filter;
        const matched = await repos.vault.matchOrders(
          {
            ...f,
            createdFrom: f.createdFrom ? new Date(f.createdFrom) : undefined,
            createdTo: f.createdTo ? new Date(f.createdTo) : undefined,
          },
          MAX_EXPORT_ROWS + 1,
        );
        if (matched.length > MAX_EXPORT_ROWS) {
          return {
            error: new CordonError(
              'CORDON_ERR_VALIDATION',
              `The export matches more than ${MAX_EXPORT_ROWS} orders; reject it and ask for a narrower filter.`,
              { limit: MAX_EXPORT_ROWS },
            ),
          };
        }
        const canaries = this.deps.hook ? await this.deps.hook.allocate(repos, row, matched) : [];
        const subjects = [
          ...matched.map((m) => ({ ...m, canary: false })),
          ...canaries.map((c) => ({ ...c, canary: true })),
        ];
        await repos.access.insertExportSubjects(id, subjects);
        rowCount = subjects.length;
        customers = new Set(subjects.map((s) => s.customerId)).size;
      }
      await repos.access.decideExport(id, {
        status: input.decision === 'approve' ? 'approved' : 'rejected',
        approver: staff.id,
        at: now,
        note: input.note,
        plaintextApproved,
        rowCount,
        expiresAt: input.decision === 'approve' ? new Date(now.getTime() + EXPORT_TTL_MS) : null,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'approve', {
          detail: {
            export: id,
            decision: input.decision,
            plaintext: plaintextApproved,
            rows: rowCount ?? 0,
            customers,
            requester: row.requester,
          },
        }),
      ]);
      const updated = await repos.access.findExport(id);
      if (!updated) throw new CordonError('CORDON_ERR_INTERNAL', 'export vanished');
      return { value: updated };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * The approved file's content, for its requester only, while the approval lasts. The requester's
   * right to export is checked again (a departed requester downloads nothing) and every customer in
   * the file is recorded in the ledger with the download.
   */
  async download(ctx: RequestContext, id: string): Promise<ExportFile> {
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const row = await repos.access.findExport(id);
      if (!row) return { error: new CordonError('CORDON_ERR_NOT_FOUND', `No export ${id}.`, { id }) };
      const base = { ...ctx, purpose: row.purpose, reference: row.reference ?? undefined };
      const { decision } = await this.deps.access.decide(repos, base, {
        action: 'export',
        fields: row.plaintextApproved
          ? row.fields.filter((f) => piiExportColumns.includes(f as ExportColumn))
          : [],
        plaintext: row.plaintextApproved === true,
        purpose: row.purpose,
        reference: row.reference ?? undefined,
      });
      let error: CordonError | undefined = AccessService.denial(decision);
      if (!error && ctx.actor.id !== row.requester) {
        error = new CordonError(
          'CORDON_ERR_FORBIDDEN',
          'Only the person who asked for an export can download it.',
        );
      }
      if (!error && row.status !== 'approved') {
        error = new CordonError('CORDON_ERR_INVALID_STATE', `Export ${id} is ${row.status}, not approved.`, {
          id,
        });
      }
      if (!error && row.expiresAt && row.expiresAt <= now) {
        error = new CordonError('CORDON_ERR_OUTSIDE_WINDOW', `The approval of export ${id} expired.`, { id });
      }
      if (error) {
        await repos.ledger.append([
          entryFor(base, now, 'export', {
            outcome: 'denied',
            errorCode: error.code,
            detail: { stage: 'download', export: id },
          }),
        ]);
        return { error };
      }
      const subjects = await repos.access.exportSubjects(id);
      const columns = row.fields as ExportColumn[];
      const plaintext = row.plaintextApproved === true;
      const rows = await this.deps.vault.tabulateOrders(
        repos,
        subjects.map((s) => s.orderId),
        columns,
        plaintext,
      );
      const customerIds = [...new Set(subjects.map((s) => s.customerId))].sort();
      const orderIds = subjects.map((s) => s.orderId);
      const parts = Math.max(1, Math.ceil(customerIds.length / LEDGER_CHUNK));
      const entries = [];
      for (let p = 0; p < parts; p++) {
        const chunk = customerIds.slice(p * LEDGER_CHUNK, (p + 1) * LEDGER_CHUNK);
        const chunkSet = new Set(chunk);
        entries.push(
          entryFor(base, now, 'export', {
            customerIds: chunk,
            orderIds: subjects.filter((s) => chunkSet.has(s.customerId)).map((s) => s.orderId),
            fields: columns,
            detail: {
              stage: 'download',
              export: id,
              part: p + 1,
              parts,
              plaintext,
              rows: orderIds.length,
              approver: row.approver ?? '',
            },
          }),
        );
      }
      await repos.ledger.append(entries);
      await repos.access.countDownload(id);
      return { value: { export: row, columns, rows, masked: !plaintext } };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Exports awaiting a decision and recent ones, for approvers and requesters. */
  async list(ctx: RequestContext): Promise<ExportRow[]> {
    return this.deps.uow.run(async (repos) => {
      const approver = await this.deps.access.decide(repos, ctx, { action: 'approve' });
      const all = await repos.access.listExports(200);
      if (approver.decision.allowed) return all;
      if (approver.decision.code === 'CORDON_ERR_ACCOUNT_INACTIVE') {
        throw AccessService.denial(approver.decision);
      }
      return all.filter((e) => e.requester === ctx.actor.id);
    });
  }
}
