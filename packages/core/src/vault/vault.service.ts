import type { LedgerEntryInput } from '../ledger/entry';
import { entryFor } from '../ledger/entry';
import type { AccessGuard, StaffReadRequest } from '../shared/access-guard';
import type { RequestContext } from '../shared/context';
import { CordonError } from '../shared/errors';
import type { Clock, RandomSource } from '../shared/ports';
import type { Repositories, UnitOfWork } from '../shared/unit-of-work';
import {
  type BlindIndexField,
  blindIndex,
  decryptField,
  encryptField,
  fieldAad,
  type KeyProvider,
} from './crypto';
import { type CustomerInput, type OrderInput, parseCustomer, parseOrder, toCents } from './interchange';
import { maskAddress, maskEmail, maskIdNumber, maskName, maskPhone } from './masking';
import {
  normalizeAddress,
  normalizeEmail,
  normalizeMobile,
  normalizeName,
  normalizePhone,
} from './normalize';
import { createPhoneTokenizer, type PhoneTokenizer } from './phone-token';
import type {
  CustomerRow,
  DataKeyRow,
  OrderRow,
  SearchHit,
  StoredCustomer,
  StoredOrder,
} from './vault.ports';

export const MAX_BATCH = 1000;

type ReadOutcome<T> = { value: T; entry: LedgerEntryInput } | { error: CordonError; entry: LedgerEntryInput };

/** A customer as any audience sees it by default: every PII field masked. */
export interface MaskedCustomer {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  idNumber: string | null;
  createdAt: Date;
}

export interface MaskedOrder {
  id: string;
  customerId: string;
  createdAt: Date;
  status: string;
  receiver: {
    name: string;
    phone: string;
    province: string;
    city: string;
    district: string;
    street: string;
    address: string;
  };
  items: Array<{ sku: string; name: string; price: number; qty: number }>;
  total: number;
  channel: string | null;
}

export type MaskedSearchResult =
  | { kind: 'customer'; customer: MaskedCustomer }
  | { kind: 'order'; order: MaskedOrder };

export interface IngestResult {
  received: number;
  inserted: number;
  unchanged: number;
}

export interface VaultDeps {
  uow: UnitOfWork;
  keys: KeyProvider;
  clock: Clock;
  random: RandomSource;
  /** Signs erasure receipts (a C2SP signed note); injected so core does not hold key material handling. */
  signNote: (text: string) => string;
  /** The access policy for staff actors; without it staff can read nothing. */
  guard?: AccessGuard | undefined;
}

/** Plaintext of a reveal. `address` is the full receiver address of an order. */
export type RevealedFields = Partial<
  Record<'name' | 'phone' | 'address' | 'email' | 'idNumber', string | null>
>;

/** Columns an export can carry; PII columns are masked unless the export's approval covers plaintext. */
export const exportColumns = [
  'orderId',
  'customerId',
  'createdAt',
  'status',
  'province',
  'city',
  'district',
  'name',
  'phone',
  'address',
  'items',
  'total',
] as const;
export type ExportColumn = (typeof exportColumns)[number];
export const piiExportColumns: readonly ExportColumn[] = ['name', 'phone', 'address'];

function scopeCheck(ctx: RequestContext, scope: string): void {
  if (!ctx.scopes.includes(scope) && !ctx.scopes.includes('admin')) {
    throw new CordonError('CORDON_ERR_FORBIDDEN', `This credential lacks the "${scope}" scope.`, { scope });
  }
}

function assertBatch(items: readonly unknown[]): void {
  if (items.length === 0) throw new CordonError('CORDON_ERR_VALIDATION', 'The batch is empty.');
  if (items.length > MAX_BATCH) {
    throw new CordonError(
      'CORDON_ERR_BATCH_TOO_LARGE',
      `The batch has ${items.length} items; the limit is ${MAX_BATCH}.`,
      {
        count: items.length,
        limit: MAX_BATCH,
      },
    );
  }
}

function assertUniqueIds(
  items: readonly { id: string }[],
  lineOf: (i: number) => { line?: number; index?: number },
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.id);
    if (first !== undefined) {
      throw new CordonError(
        'CORDON_ERR_DUPLICATE_IN_BATCH',
        `id ${item.id} appears twice in the batch (${describe(lineOf(first))} and ${describe(lineOf(i))}).`,
        { id: item.id, ...lineOf(i) },
      );
    }
    seen.set(item.id, i);
  });
}

function describe(where: { line?: number; index?: number }): string {
  return where.line !== undefined ? `line ${where.line}` : `item ${where.index ?? 0}`;
}

/**
 * The vault: stores customers and orders encrypted per field, finds them through blind indexes, and
 * hands out masked views only. Writes append their ledger entry in their own transaction; reads
 * release a result only after its entry has committed (UnitOfWork.recorded).
 */
export class VaultService {
  constructor(private readonly deps: VaultDeps) {}

  private index(field: BlindIndexField, normalized: string): Buffer {
    return blindIndex(this.deps.keys.indexKey(field), normalized);
  }

  /**
   * Keyed fingerprint of a parsed record for idempotent ingestion. The schemas rebuild objects in
   * their declared key order, so JSON.stringify of a parsed record is already canonical.
   */
  private fingerprint(value: CustomerInput | OrderInput): Buffer {
    return blindIndex(this.deps.keys.contentKey(), JSON.stringify(value));
  }

  /** Normalized phone for indexing: mobiles and landlines share one index key, tagged by kind. */
  private phoneIndex(phone: string): Buffer {
    const n = normalizePhone(phone);
    if (!n) throw new CordonError('CORDON_ERR_INVALID_PHONE');
    return this.index('phone', n.digits);
  }

  private addressIndex(r: OrderInput['receiver']): Buffer {
    return this.index('address', normalizeAddress(`${r.province}${r.city}${r.district}${r.street}`));
  }

  /**
   * Ingests up to 1,000 customers. Idempotent on the external id: the same content again is a no-op,
   * different content for an existing id is CORDON_ERR_CONFLICT and nothing of the batch is written.
   */
  async ingestCustomers(
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: (i: number) => { line?: number; index?: number } = (index) => ({ index }),
  ): Promise<IngestResult> {
    scopeCheck(ctx, 'customers:write');
    assertBatch(raw);
    const inputs = raw.map((r, i) => parseCustomer(r, lineOf(i)));
    assertUniqueIds(inputs, lineOf);
    const active = this.deps.keys.activeKekVersion();
    const prepared = inputs.map((c) => this.sealCustomer(c, active));
    return this.deps.uow.run((repos) => this.storeCustomers(repos, ctx, inputs, prepared, lineOf));
  }

  private async storeCustomers(
    repos: Repositories,
    ctx: RequestContext,
    inputs: CustomerInput[],
    prepared: Array<{ row: CustomerRow; key: DataKeyRow }>,
    lineOf: (i: number) => { line?: number; index?: number },
  ): Promise<IngestResult> {
    const existing = await repos.vault.fingerprints(
      'customer',
      inputs.map((c) => c.id),
    );
    const fresh = prepared.filter((p, i) => {
      const old = existing.get(p.row.id);
      if (old === undefined) return true;
      if (!old.equals(p.row.fingerprint)) {
        throw new CordonError(
          'CORDON_ERR_CONFLICT',
          `Customer ${p.row.id} (${describe(lineOf(i))}) exists with different content.`,
          { id: p.row.id, ...lineOf(i) },
        );
      }
      return false;
    });
    const inserted =
      fresh.length > 0
        ? await repos.vault.insertCustomers(
            fresh.map((p) => p.row),
            fresh.map((p) => p.key),
          )
        : new Set<string>();
    if (inserted.size > 0) {
      await repos.ledger.append([
        entryFor(ctx, this.deps.clock.now(), 'ingest', {
          customerIds: [...inserted],
          fields: ['name', 'phone', 'email', 'idNumber'],
          detail: { kind: 'customers', received: inputs.length, inserted: inserted.size },
        }),
      ]);
    }
    return { received: inputs.length, inserted: inserted.size, unchanged: inputs.length - inserted.size };
  }

  /**
   * Ingests customers and their orders inside the caller's transaction (used where more must commit
   * with them atomically, such as planting canaries); same validation and ledger entries as the
   * public ingestion.
   */
  async ingestWith(
    repos: Repositories,
    ctx: RequestContext,
    customers: readonly unknown[],
    orders: readonly unknown[],
  ): Promise<{ customers: IngestResult; orders: IngestResult }> {
    scopeCheck(ctx, 'customers:write');
    scopeCheck(ctx, 'orders:write');
    assertBatch(customers);
    const inputs = customers.map((r, i) => parseCustomer(r, { index: i }));
    assertUniqueIds(inputs, (index) => ({ index }));
    const active = this.deps.keys.activeKekVersion();
    const c = await this.storeCustomers(
      repos,
      ctx,
      inputs,
      inputs.map((x) => this.sealCustomer(x, active)),
      (index) => ({ index }),
    );
    const o =
      orders.length > 0
        ? await this.storeOrders(repos, ctx, orders, (index) => ({ index }))
        : { received: 0, inserted: 0, unchanged: 0 };
    return { customers: c, orders: o };
  }

  /** The blind index of a value as the vault would index it, or undefined when it does not parse. */
  indexFor(field: 'phone' | 'email' | 'name' | 'address' | 'idNumber', value: string): Buffer | undefined {
    if (field === 'idNumber')
      return value.length === 18 ? this.index('idNumber', value.toUpperCase()) : undefined;
    if (field === 'phone') {
      const n = normalizePhone(value);
      return n ? this.index('phone', n.digits) : undefined;
    }
    if (field === 'email')
      return value.includes('@') ? this.index('email', normalizeEmail(value)) : undefined;
    if (field === 'name') {
      const n = normalizeName(value);
      return n.length > 0 ? this.index('name', n) : undefined;
    }
    const a = normalizeAddress(value);
    return a.length > 0 ? this.index('address', a) : undefined;
  }

  private sealCustomer(c: CustomerInput, kekVersion: number): { row: CustomerRow; key: DataKeyRow } {
    const dek = this.deps.random.bytes(32);
    const enc = (column: string, value: string) =>
      encryptField(dek, fieldAad('customers', c.id, column), value, this.deps.random);
    const row: CustomerRow = {
      id: c.id,
      createdAt: new Date(c.createdAt),
      nameCt: enc('name', c.name),
      phoneCt: enc('phone', c.phone),
      emailCt: c.email !== undefined ? enc('email', c.email) : null,
      idNumberCt: c.idNumber !== undefined ? enc('id_number', c.idNumber) : null,
      nameBidx: this.index('name', normalizeName(c.name)),
      phoneBidx: this.phoneIndex(c.phone),
      emailBidx: c.email !== undefined ? this.index('email', normalizeEmail(c.email)) : null,
      idNumberBidx: c.idNumber !== undefined ? this.index('idNumber', c.idNumber.toUpperCase()) : null,
      fingerprint: this.fingerprint(c),
    };
    return {
      row,
      key: { customerId: c.id, kekVersion, wrappedDek: this.deps.keys.wrapDataKey(dek, c.id, kekVersion) },
    };
  }

  /**
   * Ingests up to 1,000 orders of existing customers, encrypted under each customer's data key.
   * An unknown or erased customer fails the whole batch, naming the item.
   */
  async ingestOrders(
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: (i: number) => { line?: number; index?: number } = (index) => ({ index }),
  ): Promise<IngestResult> {
    scopeCheck(ctx, 'orders:write');
    return this.deps.uow.run((repos) => this.storeOrders(repos, ctx, raw, lineOf));
  }

  private async storeOrders(
    repos: Repositories,
    ctx: RequestContext,
    raw: readonly unknown[],
    lineOf: (i: number) => { line?: number; index?: number },
  ): Promise<IngestResult> {
    assertBatch(raw);
    const inputs = raw.map((r, i) => parseOrder(r, lineOf(i)));
    assertUniqueIds(inputs, lineOf);
    const fingerprints = inputs.map((o) => this.fingerprint(o));
    {
      const existing = await repos.vault.fingerprints(
        'order',
        inputs.map((o) => o.id),
      );
      const freshIdx: number[] = [];
      inputs.forEach((o, i) => {
        const old = existing.get(o.id);
        if (old === undefined) freshIdx.push(i);
        else if (!old.equals(fingerprints[i] as Buffer)) {
          throw new CordonError(
            'CORDON_ERR_CONFLICT',
            `Order ${o.id} (${describe(lineOf(i))}) exists with different content.`,
            {
              id: o.id,
              ...lineOf(i),
            },
          );
        }
      });
      if (freshIdx.length === 0) return { received: inputs.length, inserted: 0, unchanged: inputs.length };
      const keys = await repos.vault.dataKeys([
        ...new Set(freshIdx.map((i) => (inputs[i] as OrderInput).customerId)),
      ]);
      const deks = new Map<string, Buffer>();
      const rows: OrderRow[] = [];
      for (const i of freshIdx) {
        const o = inputs[i] as OrderInput;
        const key = keys.get(o.customerId);
        if (key === undefined) {
          throw new CordonError(
            'CORDON_ERR_CUSTOMER_NOT_FOUND',
            `Order ${o.id} (${describe(lineOf(i))}) references customer ${o.customerId}, which does not exist; import it first.`,
            { id: o.id, customerId: o.customerId, ...lineOf(i) },
          );
        }
        if (key === 'erased') {
          throw new CordonError(
            'CORDON_ERR_ERASED',
            `Order ${o.id} (${describe(lineOf(i))}) references an erased customer.`,
            {
              id: o.id,
              customerId: o.customerId,
              ...lineOf(i),
            },
          );
        }
        let dek = deks.get(o.customerId);
        if (!dek) {
          dek = this.deps.keys.unwrapDataKey(key.wrappedDek, o.customerId, key.kekVersion);
          deks.set(o.customerId, dek);
        }
        rows.push(this.sealOrder(o, dek, fingerprints[i] as Buffer));
      }
      const inserted = await repos.vault.insertOrders(rows);
      if (inserted.size > 0) {
        await repos.ledger.append([
          entryFor(ctx, this.deps.clock.now(), 'ingest', {
            customerIds: rows.filter((r) => inserted.has(r.id)).map((r) => r.customerId),
            orderIds: [...inserted],
            fields: ['receiver.name', 'receiver.phone', 'receiver.street'],
            detail: { kind: 'orders', received: inputs.length, inserted: inserted.size },
          }),
        ]);
      }
      return { received: inputs.length, inserted: inserted.size, unchanged: inputs.length - inserted.size };
    }
  }

  private sealOrder(o: OrderInput, dek: Buffer, fingerprint: Buffer): OrderRow {
    const enc = (column: string, value: string) =>
      encryptField(dek, fieldAad('orders', o.id, column), value, this.deps.random);
    return {
      id: o.id,
      customerId: o.customerId,
      createdAt: new Date(o.createdAt),
      status: o.status,
      province: o.receiver.province,
      city: o.receiver.city,
      district: o.receiver.district,
      receiverNameCt: enc('receiver_name', o.receiver.name),
      receiverPhoneCt: enc('receiver_phone', o.receiver.phone),
      streetCt: enc('street', o.receiver.street),
      receiverNameBidx: this.index('name', normalizeName(o.receiver.name)),
      receiverPhoneBidx: this.phoneIndex(o.receiver.phone),
      addressBidx: this.addressIndex(o.receiver),
      items: o.items.map((i) => ({ sku: i.sku, name: i.name, priceCents: toCents(i.price), qty: i.qty })),
      totalCents: toCents(o.total),
      channel: o.channel ?? null,
      device: o.device ?? null,
      ip: o.ip ?? null,
      paymentFingerprint: o.paymentFingerprint ?? null,
      coupon: o.coupon ?? null,
      promo: o.promo ?? null,
      fingerprint,
    };
  }

  private dek(
    stored: { customerId?: string; id: string; key: DataKeyRow | null },
    customerId: string,
  ): Buffer {
    if (!stored.key) throw new CordonError('CORDON_ERR_ERASED');
    return this.deps.keys.unwrapDataKey(stored.key.wrappedDek, customerId, stored.key.kekVersion);
  }

  private maskCustomer(c: StoredCustomer): MaskedCustomer {
    const dek = this.dek(c, c.id);
    const dec = (column: string, ct: Buffer) => decryptField(dek, fieldAad('customers', c.id, column), ct);
    return {
      id: c.id,
      name: maskName(dec('name', c.nameCt)),
      phone: maskPhone(dec('phone', c.phoneCt)),
      email: c.emailCt ? maskEmail(dec('email', c.emailCt)) : null,
      idNumber: c.idNumberCt ? maskIdNumber(dec('id_number', c.idNumberCt)) : null,
      createdAt: c.createdAt,
    };
  }

  private maskOrder(o: StoredOrder): MaskedOrder {
    const dek = this.dek(o, o.customerId);
    const dec = (column: string, ct: Buffer) => decryptField(dek, fieldAad('orders', o.id, column), ct);
    const masked = { province: o.province, city: o.city, district: o.district, street: '' };
    return {
      id: o.id,
      customerId: o.customerId,
      createdAt: o.createdAt,
      status: o.status,
      receiver: {
        name: maskName(dec('receiver_name', o.receiverNameCt)),
        phone: maskPhone(dec('receiver_phone', o.receiverPhoneCt)),
        province: o.province,
        city: o.city,
        district: o.district,
        street: '****',
        address: maskAddress(masked),
      },
      items: o.items.map((i) => ({ sku: i.sku, name: i.name, price: i.priceCents / 100, qty: i.qty })),
      total: o.totalCents / 100,
      channel: o.channel,
    };
  }

  /**
   * Runs a read and records it; the result leaves only after the entry commits. A denial (not found,
   * erased) is recorded the same way before the error is raised, so probing for ids leaves a trace.
   */
  private async recordedRead<T>(
    read: (
      repos: Repositories,
    ) => Promise<{ value: T; entry: LedgerEntryInput } | { error: CordonError; entry: LedgerEntryInput }>,
  ): Promise<T> {
    const outcome = await this.deps.uow.recorded(async (repos) => {
      const result = await read(repos);
      return { result, entries: [result.entry] };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * A read by a staff member: the access policy decides inside one transaction with the read and its
   * ledger entry; a denial is recorded with its code before it is raised. Reads by systems (API keys)
   * are checked by scope and go through the group-commit path instead.
   */
  private async staffRead<T>(
    ctx: RequestContext,
    request: StaffReadRequest,
    read: (
      repos: Repositories,
    ) => Promise<{ value: T; entry: LedgerEntryInput } | { error: CordonError; entry: LedgerEntryInput }>,
  ): Promise<T> {
    const guard = this.deps.guard;
    if (!guard)
      throw new CordonError('CORDON_ERR_FORBIDDEN', 'Staff access is not configured on this server.');
    const outcome = await this.deps.uow.run(async (repos) => {
      const check = await guard.checkStaffRead(repos, ctx, request);
      if (check.denied) {
        const customerId = check.customerId ?? request.customerId;
        await repos.ledger.append([
          entryFor(ctx, this.deps.clock.now(), request.action === 'search' ? 'search' : 'view', {
            customerIds: customerId ? [customerId] : [],
            orderIds: request.orderId ? [request.orderId] : [],
            fields: request.searchBy ? [request.searchBy] : [],
            outcome: 'denied',
            errorCode: check.denied.code,
          }),
        ]);
        return { error: check.denied };
      }
      const result = await read(repos);
      await repos.ledger.append([
        { ...result.entry, detail: { ...result.entry.detail, rule: check.ruleId } },
      ]);
      return result;
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Masked view of a customer. */
  async getCustomer(ctx: RequestContext, id: string): Promise<MaskedCustomer> {
    const fields = ['name', 'phone', 'email', 'idNumber'];
    const read = async (repos: Repositories): Promise<ReadOutcome<MaskedCustomer>> => {
      const now = this.deps.clock.now();
      const c = await repos.vault.findCustomer(id);
      if (!c) {
        const error = new CordonError('CORDON_ERR_NOT_FOUND', `No customer with id ${id}.`, { id });
        return {
          error,
          entry: entryFor(ctx, now, 'view', { customerIds: [id], outcome: 'denied', errorCode: error.code }),
        };
      }
      if (!c.key) {
        const error = new CordonError('CORDON_ERR_ERASED', `Customer ${id} was erased.`, { id });
        return {
          error,
          entry: entryFor(ctx, now, 'view', { customerIds: [id], outcome: 'denied', errorCode: error.code }),
        };
      }
      return {
        value: this.maskCustomer(c),
        entry: entryFor(ctx, now, 'view', { customerIds: [id], fields }),
      };
    };
    if (ctx.actor.type === 'staff')
      return this.staffRead(ctx, { action: 'view_masked', customerId: id }, read);
    scopeCheck(ctx, 'customers:read');
    return this.recordedRead<MaskedCustomer>(read);
  }

  /** Masked view of an order. */
  async getOrder(ctx: RequestContext, id: string): Promise<MaskedOrder> {
    const fields = ['receiver.name', 'receiver.phone', 'receiver.address'];
    const read = async (repos: Repositories): Promise<ReadOutcome<MaskedOrder>> => {
      const now = this.deps.clock.now();
      const o = await repos.vault.findOrder(id);
      if (!o) {
        const error = new CordonError('CORDON_ERR_NOT_FOUND', `No order with id ${id}.`, { id });
        return {
          error,
          entry: entryFor(ctx, now, 'view', { orderIds: [id], outcome: 'denied', errorCode: error.code }),
        };
      }
      if (!o.key) {
        const error = new CordonError('CORDON_ERR_ERASED', `The customer of order ${id} was erased.`, { id });
        return {
          error,
          entry: entryFor(ctx, now, 'view', {
            customerIds: [o.customerId],
            orderIds: [id],
            outcome: 'denied',
            errorCode: error.code,
          }),
        };
      }
      return {
        value: this.maskOrder(o),
        entry: entryFor(ctx, now, 'view', { customerIds: [o.customerId], orderIds: [id], fields }),
      };
    };
    if (ctx.actor.type === 'staff') return this.staffRead(ctx, { action: 'view_masked', orderId: id }, read);
    scopeCheck(ctx, 'orders:read');
    return this.recordedRead<MaskedOrder>(read);
  }

  /**
   * Exact search by phone, name or order id through the blind indexes; masked results, keyset-paged.
   * The ledger records which customers the search exposed and the field searched, never the query value.
   */
  async search(
    ctx: RequestContext,
    query: { phone?: string; name?: string; orderId?: string; limit?: number; cursor?: string },
  ): Promise<{ results: MaskedSearchResult[]; nextCursor: string | null }> {
    if (ctx.actor.type !== 'staff') scopeCheck(ctx, 'search');
    const given = (['phone', 'name', 'orderId'] as const).filter(
      (k) => query[k] !== undefined && query[k] !== '',
    );
    if (given.length !== 1) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'Search by exactly one of phone, name or orderId.', {
        field: given.join(',') || 'query',
      });
    }
    const limit = query.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new CordonError('CORDON_ERR_VALIDATION', 'limit must be a whole number from 1 to 100.', {
        field: 'limit',
      });
    }
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    let phoneBidx: Buffer | undefined;
    let nameBidx: Buffer | undefined;
    if (query.phone !== undefined && query.phone !== '') {
      const n = normalizePhone(query.phone);
      if (!n)
        throw new CordonError('CORDON_ERR_INVALID_PHONE', 'phone is not a valid phone number.', {
          field: 'phone',
        });
      phoneBidx = this.index('phone', n.digits);
    }
    if (query.name !== undefined && query.name !== '') {
      const n = normalizeName(query.name);
      if (n.length === 0 || n.length > 64) {
        throw new CordonError('CORDON_ERR_VALIDATION', 'name must be 1–64 characters.', { field: 'name' });
      }
      nameBidx = this.index('name', n);
    }
    const read = async (repos: Repositories) => {
      const hits = await repos.vault.search({
        phoneBidx,
        nameBidx,
        orderId: query.orderId || undefined,
        after,
        limit: limit + 1,
      });
      const page = hits.slice(0, limit);
      const customers = await repos.vault.findCustomers(
        page.filter((h) => h.kind === 'customer').map((h) => h.id),
      );
      const orders = await repos.vault.findOrders(page.filter((h) => h.kind === 'order').map((h) => h.id));
      const byCustomer = new Map(customers.map((c) => [c.id, c]));
      const byOrder = new Map(orders.map((o) => [o.id, o]));
      const results: MaskedSearchResult[] = [];
      for (const hit of page) {
        if (hit.kind === 'customer') {
          const c = byCustomer.get(hit.id);
          if (c?.key) results.push({ kind: 'customer', customer: this.maskCustomer(c) });
        } else {
          const o = byOrder.get(hit.id);
          if (o?.key) results.push({ kind: 'order', order: this.maskOrder(o) });
        }
      }
      const last = page[page.length - 1];
      const nextCursor = hits.length > limit && last ? encodeCursor(last) : null;
      const entry = entryFor(ctx, this.deps.clock.now(), 'search', {
        customerIds: results.map((r) => (r.kind === 'customer' ? r.customer.id : r.order.customerId)),
        orderIds: results.flatMap((r) => (r.kind === 'order' ? [r.order.id] : [])),
        fields: [given[0] as string],
        detail: { results: results.length },
      });
      return { value: { results, nextCursor }, entry };
    };
    if (ctx.actor.type === 'staff') {
      return this.staffRead(ctx, { action: 'search', searchBy: given[0] }, read);
    }
    return this.recordedRead(read);
  }

  /**
   * Plaintext of the asked fields of a customer or an order, read inside the caller's transaction.
   * Only the access service calls this, after the policy granted the reveal and with the ledger entry
   * in the same transaction; no route reaches it directly.
   */
  async revealFields(
    repos: Repositories,
    target: { customerId: string; orderId?: string | undefined },
    fields: readonly string[],
    loaded: { order?: StoredOrder | undefined; customer?: StoredCustomer | undefined } = {},
  ): Promise<RevealedFields> {
    const out: RevealedFields = {};
    const needCustomer = fields.some(
      (f) => f === 'email' || f === 'idNumber' || (!target.orderId && f !== 'address'),
    );
    if (target.orderId) {
      const o =
        loaded.order?.id === target.orderId ? loaded.order : await repos.vault.findOrder(target.orderId);
      if (!o)
        throw new CordonError('CORDON_ERR_NOT_FOUND', `No order with id ${target.orderId}.`, {
          id: target.orderId,
        });
      const dek = this.dek(o, o.customerId);
      const dec = (column: string, ct: Buffer) => decryptField(dek, fieldAad('orders', o.id, column), ct);
      if (fields.includes('name')) out.name = dec('receiver_name', o.receiverNameCt);
      if (fields.includes('phone')) out.phone = dec('receiver_phone', o.receiverPhoneCt);
      if (fields.includes('address'))
        out.address = `${o.province}${o.city}${o.district}${dec('street', o.streetCt)}`;
    }
    if (needCustomer) {
      const c =
        loaded.customer?.id === target.customerId
          ? loaded.customer
          : await repos.vault.findCustomer(target.customerId);
      if (!c) throw new CordonError('CORDON_ERR_NOT_FOUND', `No customer with id ${target.customerId}.`);
      const dek = this.dek(c, c.id);
      const dec = (column: string, ct: Buffer) => decryptField(dek, fieldAad('customers', c.id, column), ct);
      if (!target.orderId && fields.includes('name')) out.name = dec('name', c.nameCt);
      if (!target.orderId && fields.includes('phone')) out.phone = dec('phone', c.phoneCt);
      if (fields.includes('email')) out.email = c.emailCt ? dec('email', c.emailCt) : null;
      if (fields.includes('idNumber')) out.idNumber = c.idNumberCt ? dec('id_number', c.idNumberCt) : null;
    }
    return out;
  }

  /**
   * Rows of an approved export: the asked columns of each order, PII masked unless `plaintext`.
   * Read inside the export service's transaction, which records the download in the ledger.
   */
  async tabulateOrders(
    repos: Repositories,
    orderIds: readonly string[],
    columns: readonly ExportColumn[],
    plaintext: boolean,
  ): Promise<Array<Record<string, string | number | null>>> {
    const rows: Array<Record<string, string | number | null>> = [];
    for (let i = 0; i < orderIds.length; i += 500) {
      const orders = await repos.vault.findOrders(orderIds.slice(i, i + 500));
      const byId = new Map(orders.map((o) => [o.id, o]));
      for (const id of orderIds.slice(i, i + 500)) {
        const o = byId.get(id);
        if (!o?.key) continue;
        const dek = this.dek(o, o.customerId);
        const dec = (column: string, ct: Buffer) => decryptField(dek, fieldAad('orders', o.id, column), ct);
        const row: Record<string, string | number | null> = {};
        for (const col of columns) {
          switch (col) {
            case 'orderId':
              row[col] = o.id;
              break;
            case 'customerId':
              row[col] = o.customerId;
              break;
            case 'createdAt':
              row[col] = o.createdAt.toISOString();
              break;
            case 'status':
            case 'province':
            case 'city':
            case 'district':
              row[col] = o[col];
              break;
            case 'name': {
              const v = dec('receiver_name', o.receiverNameCt);
              row[col] = plaintext ? v : maskName(v);
              break;
            }
            case 'phone': {
              const v = dec('receiver_phone', o.receiverPhoneCt);
              row[col] = plaintext ? v : maskPhone(v);
              break;
            }
            case 'address': {
              const street = plaintext ? dec('street', o.streetCt) : '****';
              row[col] = plaintext
                ? `${o.province}${o.city}${o.district}${street}`
                : maskAddress({ province: o.province, city: o.city, district: o.district, street: '' });
              break;
            }
            case 'items':
              row[col] = o.items.map((it) => `${it.sku}×${it.qty}`).join(' ');
              break;
            case 'total':
              row[col] = o.totalCents / 100;
              break;
          }
        }
        rows.push(row);
      }
    }
    return rows;
  }

  /**
   * Phone-shaped FF1 token of a mainland mobile, for legacy systems that need an 11-digit value:
   * deterministic per key (joins keep working), reversible only with the key. The number is given by
   * the caller, so nothing stored is read; the call is still recorded (as a search of field phone,
   * never the value) because a token oracle can be abused to confirm numbers.
   */
  async tokenizePhone(ctx: RequestContext, phone: string): Promise<string> {
    scopeCheck(ctx, 'tokenize');
    const mobile = normalizeMobile(phone);
    if (!mobile) {
      throw new CordonError(
        'CORDON_ERR_INVALID_PHONE',
        'phone must be a mainland mobile number (11 digits, 1[3-9]…).',
        {
          field: 'phone',
        },
      );
    }
    const token = this.tokenizer().tokenize(mobile);
    await this.deps.uow.run((repos) =>
      repos.ledger.append([
        entryFor(ctx, this.deps.clock.now(), 'search', { fields: ['phone_token'], detail: { tokens: 1 } }),
      ]),
    );
    return token;
  }

  private phoneTokenizer: PhoneTokenizer | undefined;

  private tokenizer(): PhoneTokenizer {
    this.phoneTokenizer ??= createPhoneTokenizer(this.deps.keys.tokenKey());
    return this.phoneTokenizer;
  }

  /**
   * Erasure by crypto-shredding: the data key and every blind index go, the ciphertexts become
   * unreadable, and the customer gets a receipt signed with the log's key naming the ledger entry.
   */
  async erase(
    ctx: RequestContext,
    id: string,
  ): Promise<{ customerId: string; erasedAt: Date; ledgerSeq: number; receipt: string }> {
    scopeCheck(ctx, 'erase');
    const outcome = await this.deps.uow.run(async (repos) => {
      const now = this.deps.clock.now();
      const keys = await repos.vault.dataKeys([id]);
      const key = keys.get(id);
      if (key === undefined || key === 'erased') {
        const error =
          key === undefined
            ? new CordonError('CORDON_ERR_NOT_FOUND', `No customer with id ${id}.`, { id })
            : new CordonError('CORDON_ERR_ERASED', `Customer ${id} was already erased.`, { id });
        await repos.ledger.append([
          entryFor(ctx, now, 'erase', { customerIds: [id], outcome: 'denied', errorCode: error.code }),
        ]);
        return { error };
      }
      await repos.vault.erase(id, now);
      const [entry] = await repos.ledger.append([
        entryFor(ctx, now, 'erase', {
          customerIds: [id],
          fields: ['name', 'phone', 'email', 'idNumber', 'orders'],
        }),
      ]);
      if (!entry) throw new CordonError('CORDON_ERR_INTERNAL', 'ledger append returned nothing');
      const text = [
        'cordon erasure receipt v1',
        `customer ${id}`,
        `erased ${now.toISOString()}`,
        `ledger-seq ${entry.seq}`,
        'method crypto-shredding: data key and blind indexes deleted',
        '',
      ].join('\n');
      const receipt = this.deps.signNote(text);
      await repos.vault.saveErasureReceipt({ customerId: id, erasedAt: now, ledgerSeq: entry.seq, receipt });
      return { value: { customerId: id, erasedAt: now, ledgerSeq: entry.seq, receipt } };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
}

function encodeCursor(hit: SearchHit): string {
  return Buffer.from(`${hit.kind}:${hit.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { kind: 'customer' | 'order'; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const sep = text.indexOf(':');
  const kind = text.slice(0, sep);
  if (sep < 0 || (kind !== 'customer' && kind !== 'order')) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'cursor is not one this API returned.', {
      field: 'cursor',
    });
  }
  return { kind, id: text.slice(sep + 1) };
}
