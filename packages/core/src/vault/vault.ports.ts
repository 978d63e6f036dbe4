/** Stored, encrypted forms. Ciphertexts are AES-256-GCM bound to (table, row, column); indexes are keyed HMACs. */
export interface CustomerRow {
  id: string;
  createdAt: Date;
  nameCt: Buffer;
  phoneCt: Buffer;
  emailCt: Buffer | null;
  idNumberCt: Buffer | null;
  nameBidx: Buffer;
  phoneBidx: Buffer;
  emailBidx: Buffer | null;
  idNumberBidx: Buffer | null;
  fingerprint: Buffer;
}

export interface DataKeyRow {
  customerId: string;
  kekVersion: number;
  wrappedDek: Buffer;
}

export interface OrderItemRow {
  sku: string;
  name: string;
  priceCents: number;
  qty: number;
}

export interface OrderRow {
  id: string;
  customerId: string;
  createdAt: Date;
  status: string;
  province: string;
  city: string;
  district: string;
  receiverNameCt: Buffer;
  receiverPhoneCt: Buffer;
  streetCt: Buffer;
  receiverNameBidx: Buffer;
  receiverPhoneBidx: Buffer;
  addressBidx: Buffer;
  items: OrderItemRow[];
  totalCents: number;
  channel: string | null;
  device: string | null;
  ip: string | null;
  paymentFingerprint: string | null;
  coupon: string | null;
  promo: string | null;
  fingerprint: Buffer;
}

/** A row as read back, with its customer's data key (null once erased). */
export interface StoredCustomer extends CustomerRow {
  erasedAt: Date | null;
  key: DataKeyRow | null;
}

export interface StoredOrder extends OrderRow {
  erasedAt: Date | null;
  key: DataKeyRow | null;
}

export type SearchHit = { kind: 'customer'; id: string } | { kind: 'order'; id: string; customerId: string };

export interface SearchQuery {
  phoneBidx?: Buffer;
  nameBidx?: Buffer;
  orderId?: string;
  /** Keyset cursor: results after (kind, id). */
  after?: { kind: 'customer' | 'order'; id: string };
  limit: number;
}

export interface ErasureReceiptRow {
  customerId: string;
  erasedAt: Date;
  ledgerSeq: number;
  receipt: string;
}

/** Selects orders for an export; every given criterion must hold. */
export interface OrderFilter {
  customerIds?: readonly string[] | undefined;
  orderIds?: readonly string[] | undefined;
  createdFrom?: Date | undefined;
  createdTo?: Date | undefined;
  status?: readonly string[] | undefined;
  province?: string | undefined;
  merchant?: string | undefined;
}

/** Storage of the vault. No rules here: validation, encryption and policy live in core services. */
export interface VaultRepository {
  /** Inserts rows whose id is new; returns the ids inserted (existing ids are left untouched). */
  insertCustomers(rows: readonly CustomerRow[], keys: readonly DataKeyRow[]): Promise<Set<string>>;
  insertOrders(rows: readonly OrderRow[]): Promise<Set<string>>;
  /** Content fingerprints of existing rows, for idempotent ingestion. */
  fingerprints(kind: 'customer' | 'order', ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** For each existing customer id: its data key, or `erased`. Unknown ids are absent. */
  dataKeys(customerIds: readonly string[]): Promise<Map<string, DataKeyRow | 'erased'>>;
  findCustomer(id: string): Promise<StoredCustomer | undefined>;
  findOrder(id: string): Promise<StoredOrder | undefined>;
  findOrders(ids: readonly string[]): Promise<StoredOrder[]>;
  findCustomers(ids: readonly string[]): Promise<StoredCustomer[]>;
  search(query: SearchQuery): Promise<SearchHit[]>;
  /** Crypto-shredding: deletes the data key and every blind index of the customer and their orders. */
  erase(customerId: string, at: Date): Promise<void>;
  saveErasureReceipt(receipt: ErasureReceiptRow): Promise<void>;
  /** Key rotation: data keys not yet under `kekVersion`, in id order after `afterId`. */
  dataKeysToRewrap(kekVersion: number, afterId: string, limit: number): Promise<DataKeyRow[]>;
  countDataKeys(notKekVersion?: number): Promise<number>;
  updateDataKeys(rows: readonly DataKeyRow[]): Promise<void>;
  counts(): Promise<{ customers: number; orders: number; erased: number }>;
  /**
   * Orders of non-erased customers matching an export filter, in id order, at most `limit` (the
   * caller asks for one more than it allows to detect an over-large export).
   */
  matchOrders(filter: OrderFilter, limit: number): Promise<Array<{ orderId: string; customerId: string }>>;
  /**
   * Customers whose blind index for `field` is one of `values` (customer rows and, for phone, name and
   * address, the receivers of their orders). Used to match a leaked list without decrypting anything.
   */
  findByBlindIndex(
    field: 'phone' | 'name' | 'idNumber' | 'address',
    values: readonly Buffer[],
  ): Promise<Array<{ bidx: Buffer; customerId: string }>>;
  /**
   * The phone blind indexes of these customers: their own and their orders' receivers' (erased
   * customers have none). Trace compares a masked phone's candidates with them in memory.
   */
  phoneIndexesOf(customerIds: readonly string[]): Promise<Array<{ customerId: string; bidx: Buffer }>>;
  countCustomers(): Promise<number>;
  /** Status facts (no PII) of orders placed after `since`, for watch's logistics detector. */
  orderStatesSince(
    since: Date,
    limit: number,
  ): Promise<Array<{ id: string; customerId: string; status: string; createdAt: Date }>>;
}
