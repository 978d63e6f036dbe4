import type {
  StaffCredentials,
  StaffMember,
  StaffRepository,
  StaffRole,
  StaffSessionRow,
  StaffStatus,
  StaffTokenRow,
} from '@cordon/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import { CompiledOnce } from './compiled-once';
import { buf, bufOrNull } from './database';
import type { Schema } from './schema';

// Hot lookups (every staff request's authentication, every decision), compiled once. One array
// parameter: the same text for any number of ids, so it is also prepared once (ADR 0013).
const staffByIds = new CompiledOnce((db, ids: string[]) =>
  db.selectFrom('staff').selectAll().where('id', '=', sql<string>`any(${ids}::text[])`),
);

const tokenHolders = new CompiledOnce((db, ids: string[]) =>
  db
    .selectFrom('staff_tokens as t')
    .leftJoin('staff as s', 's.id', 't.staff_id')
    .select([
      't.id as token_id',
      't.staff_id',
      't.name as token_name',
      't.secret_hash',
      't.created_at as token_created_at',
      't.revoked_at',
      's.id as holder_id',
      's.name',
      's.role',
      's.team',
      's.merchant',
      's.shift_start',
      's.shift_end',
      's.shift_tz',
      's.status',
      's.since',
      's.reveal_quota',
      's.updated_at',
    ])
    .where('t.id', '=', sql<string>`any(${ids}::text[])`),
);

export function toStaff(r: Selectable<Schema['staff']>): StaffMember {
  return {
    id: r.id,
    name: r.name,
    role: r.role as StaffRole,
    team: r.team,
    merchant: r.merchant,
    shift: { start: r.shift_start, end: r.shift_end, tz: r.shift_tz },
    status: r.status as StaffStatus,
    since: r.since,
    revealQuota: r.reveal_quota,
    updatedAt: r.updated_at,
  };
}

function toColumns(s: StaffMember) {
  return {
    id: s.id,
    name: s.name,
    role: s.role,
    team: s.team,
    merchant: s.merchant,
    shift_start: s.shift.start,
    shift_end: s.shift.end,
    shift_tz: s.shift.tz,
    status: s.status,
    since: s.since,
    reveal_quota: s.revealQuota,
    updated_at: s.updatedAt,
  };
}

function sameStaff(a: StaffMember, b: StaffMember): boolean {
  return (
    a.name === b.name &&
    a.role === b.role &&
    a.team === b.team &&
    a.merchant === b.merchant &&
    a.shift.start === b.shift.start &&
    a.shift.end === b.shift.end &&
    a.shift.tz === b.shift.tz &&
    a.status === b.status &&
    (a.since?.getTime() ?? null) === (b.since?.getTime() ?? null) &&
    a.revealQuota === b.revealQuota
  );
}

/** The staff directory, credentials, bearer tokens and sessions. */
export class KyselyStaffRepository implements StaffRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async upsert(rows: readonly StaffMember[]): Promise<{ inserted: string[]; updated: string[] }> {
    if (rows.length === 0) return { inserted: [], updated: [] };
    const existing = new Map((await this.findMany(rows.map((r) => r.id))).map((s) => [s.id, s]));
    const inserted: string[] = [];
    const updated: string[] = [];
    const write: StaffMember[] = [];
    for (const row of rows) {
      const old = existing.get(row.id);
      if (!old) inserted.push(row.id);
      else if (!sameStaff(old, row)) updated.push(row.id);
      else continue;
      write.push(row);
    }
    if (write.length > 0) {
      await this.db
        .insertInto('staff')
        .values(write.map(toColumns))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            role: eb.ref('excluded.role'),
            team: eb.ref('excluded.team'),
            merchant: eb.ref('excluded.merchant'),
            shift_start: eb.ref('excluded.shift_start'),
            shift_end: eb.ref('excluded.shift_end'),
            shift_tz: eb.ref('excluded.shift_tz'),
            status: eb.ref('excluded.status'),
            since: eb.ref('excluded.since'),
            reveal_quota: eb.ref('excluded.reveal_quota'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    return { inserted, updated };
  }

  async find(id: string): Promise<StaffMember | undefined> {
    const r = await this.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toStaff(r) : undefined;
  }

  async findMany(ids: readonly string[]): Promise<StaffMember[]> {
    if (ids.length === 0) return [];
    const rows = await staffByIds.execute(this.db, [...ids]);
    return rows.map(toStaff);
  }

  async list(filter: {
    status?: StaffStatus | undefined;
    role?: string | undefined;
  }): Promise<StaffMember[]> {
    let q = this.db.selectFrom('staff').selectAll().orderBy('id');
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.role) q = q.where('role', '=', filter.role);
    return (await q.execute()).map(toStaff);
  }

  async setStatus(id: string, status: StaffStatus, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('staff')
      .set({ status, updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async findCredentials(staffId: string): Promise<StaffCredentials | undefined> {
    const r = await this.db
      .selectFrom('staff_credentials')
      .selectAll()
      .where('staff_id', '=', staffId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      staffId: r.staff_id,
      passwordHash: r.password_hash,
      totpSecret: bufOrNull(r.totp_secret),
      totpKekVersion: r.totp_kek_version,
      totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
      failedCount: r.failed_count,
      lockedUntil: r.locked_until,
      changedAt: r.changed_at,
    };
  }

  async saveCredentials(c: StaffCredentials): Promise<void> {
    const values = {
      staff_id: c.staffId,
      password_hash: c.passwordHash,
      totp_secret: c.totpSecret,
      totp_kek_version: c.totpKekVersion,
      totp_last_step: c.totpLastStep,
      failed_count: c.failedCount,
      locked_until: c.lockedUntil,
      changed_at: c.changedAt,
    };
    await this.db
      .insertInto('staff_credentials')
      .values(values)
      .onConflict((oc) => oc.column('staff_id').doUpdateSet({ ...values, staff_id: undefined }))
      .execute();
  }

  async insertToken(row: StaffTokenRow): Promise<void> {
    await this.db
      .insertInto('staff_tokens')
      .values({
        id: row.id,
        staff_id: row.staffId,
        name: row.name,
        secret_hash: row.secretHash,
        created_at: row.createdAt,
        revoked_at: row.revokedAt,
      })
      .execute();
  }

  async findTokenHolder(
    id: string,
  ): Promise<{ token: StaffTokenRow; holder: StaffMember | undefined } | undefined> {
    return (await this.findTokenHolders([id]))[0];
  }

  async findTokenHolders(
    ids: readonly string[],
  ): Promise<Array<{ token: StaffTokenRow; holder: StaffMember | undefined }>> {
    if (ids.length === 0) return [];
    // One round trip per authentication (or per burst of them): the token and its holder together.
    const rows = await tokenHolders.execute(this.db, [...ids]);
    return rows.map((r) => ({
      token: {
        id: r.token_id,
        staffId: r.staff_id,
        name: r.token_name,
        secretHash: buf(r.secret_hash),
        createdAt: r.token_created_at,
        revokedAt: r.revoked_at,
      },
      holder:
        r.holder_id === null
          ? undefined
          : toStaff({
              id: r.holder_id,
              name: r.name as string,
              role: r.role as string,
              team: r.team as string,
              merchant: r.merchant,
              shift_start: r.shift_start as string,
              shift_end: r.shift_end as string,
              shift_tz: r.shift_tz as string,
              status: r.status as string,
              since: r.since,
              reveal_quota: r.reveal_quota,
              updated_at: r.updated_at as Date,
            }),
    }));
  }

  async revokeTokens(staffId: string, at: Date): Promise<number> {
    const r = await this.db
      .updateTable('staff_tokens')
      .set({ revoked_at: at })
      .where('staff_id', '=', staffId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async insertSession(row: StaffSessionRow): Promise<void> {
    await this.db
      .insertInto('staff_sessions')
      .values({
        id_hash: row.idHash,
        staff_id: row.staffId,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        revoked_at: row.revokedAt,
      })
      .execute();
  }

  async findSession(idHash: Buffer): Promise<StaffSessionRow | undefined> {
    const r = await this.db
      .selectFrom('staff_sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return r
      ? {
          idHash: buf(r.id_hash),
          staffId: r.staff_id,
          createdAt: r.created_at,
          expiresAt: r.expires_at,
          revokedAt: r.revoked_at,
        }
      : undefined;
  }

  async revokeSession(idHash: Buffer, at: Date): Promise<void> {
    await this.db
      .updateTable('staff_sessions')
      .set({ revoked_at: at })
      .where('id_hash', '=', idHash)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async revokeSessions(staffId: string, at: Date): Promise<number> {
    const r = await this.db
      .updateTable('staff_sessions')
      .set({ revoked_at: at })
      .where('staff_id', '=', staffId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
