import { z } from 'zod';
import { AccessService } from '../access/access.service';
import { entryFor } from '../ledger/entry';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock, RandomSource } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import { toValidationError } from '../vault/interchange';
import {
  breachClocks,
  classifyRecord,
  criminalThresholds,
  noticeDrafts,
  type RecordField,
  withClockStatus,
} from './breach';
import type { IncidentLogRow, IncidentRow } from './trace.ports';

/** The parts of a trace report an incident is opened from (`cordon trace --json` output). */
export const traceReportInputSchema = z.looseObject({
  rows: z.number().int().min(0),
  ours: z.number().int().min(0),
  affected: z.array(z.string().min(1).max(64)).max(10_000_000),
  candidates: z
    .array(z.looseObject({ kind: z.enum(['export', 'staff']), id: z.string(), probability: z.number() }))
    .default([]),
  canaries: z.array(z.looseObject({ customerId: z.string(), exportId: z.string().nullable() })).default([]),
  matches: z.array(z.looseObject({ matchedBy: z.array(z.string()) })).default([]),
});

export const openIncidentSchema = z.strictObject({
  report: traceReportInputSchema,
  title: z.string().trim().min(3).max(200).optional(),
  detectedAt: z.iso.datetime({ offset: true }).optional(),
  euResidents: z.boolean().default(false),
  shopName: z.string().trim().min(1).max(100).default('本店 / the shop'),
  contact: z.string().trim().min(3).max(300).default('客服热线 / customer service hotline'),
  cause: z.string().trim().min(3).max(1000).optional(),
});

const statusSchema = z.strictObject({
  status: z.enum(['notified', 'contained', 'closed']),
  note: z.string().trim().min(3).max(2000),
});

export interface IncidentView {
  incident: IncidentRow;
  clocks: ReturnType<typeof withClockStatus>;
  log: IncidentLogRow[];
  affectedSample: string[];
}

export interface IncidentDeps {
  uow: UnitOfWork;
  clock: Clock;
  random: RandomSource;
  access: AccessService;
}

/**
 * Breach response: an incident opened from a trace report carries its legal clocks (CAC 4 h, PIPL
 * art. 57 immediately, GDPR art. 33 72 h when EU residents are affected), the affected customers,
 * the record counts against the criminal thresholds, and notice drafts in zh-CN and English. It is
 * tracked to closure; every step is logged and ledgered.
 */
export class IncidentService {
  constructor(private readonly deps: IncidentDeps) {}

  private async authorize(repos: Repositories, ctx: RequestContext): Promise<void> {
    if (ctx.actor.type !== 'staff') {
      if (!ctx.scopes.includes('admin')) {
        throw new CordonError(
          'CORDON_ERR_FORBIDDEN',
          'Incidents need an admin credential or a security role.',
        );
      }
      return;
    }
    const { decision } = await this.deps.access.decide(repos, ctx, { action: 'approve' });
    const denial = AccessService.denial(decision);
    if (denial) throw denial;
  }

  async open(ctx: RequestContext, raw: unknown): Promise<IncidentView> {
    const parsed = openIncidentSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    const report = input.report;
    if (report.ours === 0 || report.affected.length === 0) {
      throw new CordonError(
        'CORDON_ERR_VALIDATION',
        'The trace found no rows that are ours: there is no breach of our customers to open.',
        { field: 'report.ours' },
      );
    }
    const now = this.deps.clock.now();
    const detectedAt = input.detectedAt ? new Date(input.detectedAt) : now;
    const top = report.candidates[0];
    const insider = top !== undefined && top.probability > 0.5;
    const matchedBy = new Set(report.matches.flatMap((m) => m.matchedBy));
    const fields: RecordField[] = ['name', 'phone'];
    if (matchedBy.has('address')) fields.push('address');
    if (matchedBy.has('idNumber')) fields.push('id_number');
    const tier = classifyRecord(fields.includes('address') ? fields : [...fields, 'address']);
    const counts = { whereaboutsEtc: 0, transactionEtc: 0, other: 0, [tier.tier]: report.affected.length };
    const thresholds = criminalThresholds(counts, insider);
    const notices = noticeDrafts({
      shopName: input.shopName,
      detectedAt,
      categories: fields,
      affectedCount: report.affected.length,
      cause:
        input.cause ??
        (insider
          ? {
              zh: '内部人员或授权导出的数据被非法提供给第三方，调查正在进行',
              en: 'customer records obtained by an insider or through an approved export were passed to third parties; the investigation is ongoing',
            }
          : {
              zh: '客户信息在外部被发现，来源正在调查',
              en: 'customer records were found outside the shop; the source is under investigation',
            }),
      possibleHarm: {
        zh: '不法分子可能冒充客服或快递，引用真实订单实施诈骗',
        en: 'fraudsters may pose as customer service or couriers and quote real orders to defraud people',
      },
      remedies: [
        {
          zh: '已暂停相关人员的查看与导出权限并固定证据',
          en: 'the access and export rights involved were paused and the evidence secured',
        },
        { zh: '已向公安机关报案', en: 'the case was reported to the police' },
      ],
      contact: input.contact,
    });
    const id = `inc_${Buffer.from(this.deps.random.bytes(8)).toString('hex')}`;
    const row: IncidentRow = {
      id,
      title: input.title ?? `Leak of ${report.affected.length} customer records`,
      openedAt: now,
      openedBy: ctx.actor.id,
      detectedAt,
      status: 'open',
      insider,
      euResidents: input.euResidents,
      affectedCount: report.affected.length,
      report: {
        trace: {
          rows: report.rows,
          ours: report.ours,
          candidates: report.candidates.slice(0, 20),
          canaries: report.canaries,
        },
        classification: tier,
        thresholds,
        notices,
        evidenceSubject: top ? { kind: top.kind, id: top.id } : null,
      },
      closedAt: null,
      closedBy: null,
      resolution: null,
    };
    await this.deps.uow.run(async (repos) => {
      await this.authorize(repos, ctx);
      await repos.trace.insertIncident(row, report.affected);
      await repos.trace.appendIncidentLog({
        incidentId: id,
        at: now,
        actor: ctx.actor.id,
        kind: 'opened',
        note: row.title,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'review', {
          detail: { kind: 'incident', incident: id, status: 'open', affected: report.affected.length },
        }),
      ]);
    });
    return this.get(ctx, id);
  }

  async get(ctx: RequestContext, id: string): Promise<IncidentView> {
    return this.deps.uow.run(async (repos) => {
      await this.authorize(repos, ctx);
      const incident = await repos.trace.findIncident(id);
      if (!incident) throw new CordonError('CORDON_ERR_NOT_FOUND', `No incident ${id}.`, { id });
      // The clocks follow from the detection time and who is affected; they are not stored.
      const now =
        incident.status === 'closed' && incident.closedAt ? incident.closedAt : this.deps.clock.now();
      const clocks = withClockStatus(
        breachClocks(incident.detectedAt, { euResidentsAffected: incident.euResidents }),
        now,
      );
      return {
        incident,
        clocks,
        log: await repos.trace.incidentLog(id),
        affectedSample: await repos.trace.incidentAffected(id, 100),
      };
    });
  }

  async list(ctx: RequestContext): Promise<IncidentRow[]> {
    return this.deps.uow.run(async (repos) => {
      await this.authorize(repos, ctx);
      return repos.trace.listIncidents(200);
    });
  }

  /** Moves an incident on (notified, contained, closed); closing needs the resolution as the note. */
  async update(ctx: RequestContext, id: string, raw: unknown): Promise<IncidentView> {
    const parsed = statusSchema.safeParse(raw);
    if (!parsed.success) throw toValidationError(parsed.error);
    const input = parsed.data;
    await this.deps.uow.run(async (repos) => {
      await this.authorize(repos, ctx);
      const now = this.deps.clock.now();
      const incident = await repos.trace.findIncident(id);
      if (!incident) throw new CordonError('CORDON_ERR_NOT_FOUND', `No incident ${id}.`, { id });
      const done = await repos.trace.updateIncident(id, {
        status: input.status,
        ...(input.status === 'closed'
          ? { closedAt: now, closedBy: ctx.actor.id, resolution: input.note }
          : {}),
      });
      if (!done) throw new CordonError('CORDON_ERR_INVALID_STATE', `Incident ${id} is closed.`, { id });
      await repos.trace.appendIncidentLog({
        incidentId: id,
        at: now,
        actor: ctx.actor.id,
        kind: input.status,
        note: input.note,
      });
      await repos.ledger.append([
        entryFor(ctx, now, 'review', { detail: { kind: 'incident', incident: id, status: input.status } }),
      ]);
    });
    return this.get(ctx, id);
  }
}
