/**
 * `cordon trace eval`: an end-to-end statistical evaluation of leak tracing, minus the database.
 *
 * A synthetic shop's customers (names, phones, home addresses) are indexed in memory with the vault's
 * own normalisers; a staff of a few hundred gets realistic access sets (their own work, overlapping
 * with colleagues', a few heavy workers and administrators); then, trial after trial, one person
 * harvests customers beyond their work, a seller posts a sample of the harvest the way sellers do
 * (CSV with any delimiter and header words, or a chat paste; phones reformatted, half of them masked
 * in the middle; some names masked; a share of rows that are not our customers at all), and the sample
 * goes through the same pipeline as a real trace: {@link readLeakedFile} → {@link matchLeakedRecords}
 * (with an in-memory {@link BlindLookup}) → {@link attributeLeak}. Each trial is checked against the
 * truth: was the harvester ranked first, did an innocent get a probability above one half, were
 * rows of strangers counted as ours.
 *
 * Pure and deterministic: the population, the randomness and the clock come in through ports (the
 * CLI passes the simulator's shop, its seeded generator and `performance.now`), so one seed gives one
 * report, timings apart.
 */
import { CordonError } from '../shared/errors';
import { maskName } from '../vault/masking';
import { normalizeAddress, normalizeName, normalizePhone } from '../vault/normalize';
import { type AccessLookup, type AttributionCandidate, attributeLeak, type LeakedRow } from './attribution';
import { readLeakedFile } from './leaked-file';
import {
  type BlindField,
  type BlindLookup,
  matchLeakedRecords,
  OURS_THRESHOLD,
  type RowMatch,
} from './row-matcher';

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

/** A postal address as the vault stores a receiver's. */
export interface EvalAddress {
  readonly province: string;
  readonly city: string;
  readonly district: string;
  readonly street: string;
}

/** What the evaluation knows of one person: what a leaked order list shows. */
export interface EvalPerson {
  readonly name: string;
  /** A mainland mobile number in any spelling `normalizePhone` accepts. */
  readonly phone: string;
  readonly address?: EvalAddress | undefined;
  readonly idNumber?: string | undefined;
}

/**
 * The synthetic population: `customer(i)` for i in [0, size) are the shop's customers (the simulator's
 * shop), `stranger(k)` for any k ≥ 0 are people who are not (another shop, another seed; names may
 * coincide with customers', as real names do). A stranger whose phone is a customer's is skipped, so
 * "foreign" rows are foreign by construction.
 */
export interface EvalPopulation {
  readonly size: number;
  customer(index: number): EvalPerson;
  stranger(index: number): EvalPerson;
}

/** A uniform draw in [0, 1); the simulator's `Random` is one. */
export interface EvalRandom {
  next(): number;
}

/** An independent, seeded stream per label (`staff`, `trial:7`), so a trial does not depend on the others. */
export type EvalRandomFactory = (label: string) => EvalRandom;

// ---------------------------------------------------------------------------------------------
// Draws
// ---------------------------------------------------------------------------------------------

function int(random: EvalRandom, min: number, max: number): number {
  return min + Math.min(max - min, Math.floor(random.next() * (max - min + 1)));
}

function chance(random: EvalRandom, p: number): boolean {
  return random.next() < p;
}

function pick<T>(random: EvalRandom, items: readonly T[]): T {
  const item = items[Math.min(items.length - 1, Math.floor(random.next() * items.length))];
  if (item === undefined) throw new CordonError('CORDON_ERR_INTERNAL', 'pick from an empty list');
  return item;
}

/** An integer drawn log-uniformly in [min, max]: sizes of work where small is common and large is not. */
function logUniform(random: EvalRandom, min: number, max: number): number {
  if (max <= min) return min;
  return Math.min(
    max,
    Math.max(min, Math.round(Math.exp(Math.log(min) + random.next() * Math.log(max / min)))),
  );
}

/** Fisher–Yates, in place. */
function shuffle<T>(random: EvalRandom, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = int(random, 0, i);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

/** `count` distinct integers of [start, start + length), by Floyd's algorithm (exactly `count` draws). */
function sampleRange(random: EvalRandom, start: number, length: number, count: number): number[] {
  const k = Math.min(count, length);
  const chosen = new Set<number>();
  for (let j = length - k; j < length; j += 1) {
    const t = int(random, 0, j);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].map((offset) => start + offset);
}

/** Sorted, duplicate-free copy of the given customer indexes. */
function sortedSet(...parts: ReadonlyArray<ArrayLike<number>>): Int32Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const all = new Int32Array(total);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 1) all[at++] = part[i] ?? 0;
  }
  all.sort();
  let kept = 0;
  for (let i = 0; i < all.length; i += 1) {
    if (i === 0 || all[i] !== all[i - 1]) all[kept++] = all[i] ?? 0;
  }
  return all.slice(0, kept);
}

function contains(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid] ?? 0;
    if (at === value) return true;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The in-memory blind index
// ---------------------------------------------------------------------------------------------

/** `C000001` for index 0: the simulator's customer id format. */
export function evalCustomerId(index: number): string {
  return `C${String(index + 1).padStart(6, '0')}`;
}

/** The index of a {@link evalCustomerId}, or -1. */
export function evalCustomerIndex(id: string): number {
  const n = Number(id.slice(1));
  return id.startsWith('C') && Number.isSafeInteger(n) && n >= 1 ? n - 1 : -1;
}

/**
 * The normalised value the vault computes a blind index of, exactly as `VaultService.indexFor`
 * (ID numbers of 18 characters upper-cased, phones by `normalizePhone`, names by `normalizeName`,
 * addresses by `normalizeAddress`), or undefined when the vault would compute none.
 */
export function blindKey(field: BlindField, value: string): string | undefined {
  switch (field) {
    case 'idNumber':
      return value.length === 18 ? value.toUpperCase() : undefined;
    case 'phone':
      return normalizePhone(value)?.digits;
    case 'name': {
      const name = normalizeName(value);
      return name.length > 0 ? name : undefined;
    }
    case 'address': {
      const address = normalizeAddress(value);
      return address.length > 0 ? address : undefined;
    }
  }
}

type Ids = number | number[];

const TWO_POW_32 = 4_294_967_296;

/**
 * Customer indexes by phone, in typed arrays: an open-addressing hash table keyed by
 * `digits.length · 10^12 + Number(digits)` (injective for the 10–12 digit strings `normalizePhone`
 * gives). A `Map` with a million string keys costs ~1 µs a probe on this machine; enumerating masked
 * phones probes it 10^4 times per row.
 */
class PhoneTable {
  private keys: Float64Array;
  private values: Int32Array;
  private used = 0;
  /** Further customers sharing a phone with the one in the table (family numbers). */
  private readonly more = new Map<number, number[]>();

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
  }

  static key(digits: string): number {
    return digits.length * 1e12 + Number(digits);
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul((key >>> 0) ^ Math.imul(Math.floor(key / TWO_POW_32), 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let at = h & mask;
    while ((this.values[at] ?? -1) >= 0 && this.keys[at] !== key) at = (at + 1) & mask;
    return at;
  }

  add(key: number, index: number): void {
    const at = this.slot(key);
    const seen = this.values[at] ?? -1;
    if (seen >= 0) {
      if (seen === index) return;
      const list = this.more.get(key);
      if (!list) this.more.set(key, [index]);
      else if (list[list.length - 1] !== index) list.push(index);
      return;
    }
    this.keys[at] = key;
    this.values[at] = index;
    this.used += 1;
    if (this.used * 2 > this.keys.length) this.grow();
  }

  has(key: number): boolean {
    return (this.values[this.slot(key)] ?? -1) >= 0;
  }

  get(key: number): Ids | undefined {
    const first = this.values[this.slot(key)] ?? -1;
    if (first < 0) return undefined;
    const more = this.more.get(key);
    return more ? [first, ...more] : first;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(values.length * 2).fill(-1);
    for (let i = 0; i < keys.length; i += 1) {
      const value = values[i] ?? -1;
      if (value < 0) continue;
      const at = this.slot(keys[i] ?? 0);
      this.keys[at] = keys[i] ?? 0;
      this.values[at] = value;
    }
  }
}

/**
 * A blind-index stand-in held in memory: the "index" of a value is its normalised form (no key, no
 * HMAC: nothing here is secret), and lookups are map reads. Built for a million customers: one map
 * per field from normalised value to customer indexes, and each customer's phone (for {@link phonesOf}).
 *
 * With `knownOnly` (the default), {@link indexFor} answers undefined for a value no customer has.
 * The matcher treats that exactly like an index that finds nothing (the row's outcome is the same;
 * the tests check it), and it spares the enumeration of a masked phone's 10^4 candidates the
 * buffers and lookups of numbers nobody has. The cost of that enumeration against the real vault is
 * measured by the trace benchmark, not here.
 */
export class InMemoryBlindIndex implements BlindLookup {
  private readonly maps: Record<Exclude<BlindField, 'phone'>, Map<string, Ids>> = {
    name: new Map(),
    idNumber: new Map(),
    address: new Map(),
  };
  private readonly phones: PhoneTable;
  /** Each customer's phone as its {@link PhoneTable.key} (0: none), for {@link phonesOf}. */
  private phoneOf: Float64Array;
  private count = 0;
  private readonly knownOnly: boolean;

  /** `expected`: customers to be added (sizes the phone table; it grows beyond). */
  constructor(options: { knownOnly?: boolean; expected?: number } = {}) {
    this.knownOnly = options.knownOnly ?? true;
    this.phones = new PhoneTable(options.expected ?? 1024);
    this.phoneOf = new Float64Array(Math.max(16, options.expected ?? 1024));
  }

  /** Customers added. */
  get size(): number {
    return this.count;
  }

  /** Indexes customer `index` (add each customer once, in increasing index order). */
  add(index: number, person: EvalPerson): void {
    this.count += 1;
    this.put('phone', person.phone, index);
    this.put('name', person.name, index);
    if (person.address) {
      const a = person.address;
      this.put('address', `${a.province}${a.city}${a.district}${a.street}`, index);
    }
    if (person.idNumber) this.put('idNumber', person.idNumber, index);
  }

  private put(field: BlindField, value: string, index: number): void {
    const key = blindKey(field, value);
    if (key === undefined) return;
    if (field === 'phone') {
      const phone = PhoneTable.key(key);
      this.phones.add(phone, index);
      if (index >= this.phoneOf.length) {
        const grown = new Float64Array(Math.max(index + 1, this.phoneOf.length * 2));
        grown.set(this.phoneOf);
        this.phoneOf = grown;
      }
      this.phoneOf[index] = phone;
      return;
    }
    const map = this.maps[field];
    const seen = map.get(key);
    if (seen === undefined) map.set(key, index);
    else if (typeof seen === 'number') {
      if (seen !== index) map.set(key, [seen, index]);
    } else if (seen[seen.length - 1] !== index) seen.push(index);
  }

  private idsOf(field: BlindField, key: string): Ids | undefined {
    return field === 'phone' ? this.phones.get(PhoneTable.key(key)) : this.maps[field].get(key);
  }

  /** The customer indexes whose value of `field` normalises like `value`. */
  lookup(field: BlindField, value: string): number[] {
    const key = blindKey(field, value);
    const ids = key === undefined ? undefined : this.idsOf(field, key);
    return ids === undefined ? [] : typeof ids === 'number' ? [ids] : [...ids];
  }

  indexFor(field: BlindField, value: string): Buffer | undefined {
    const key = blindKey(field, value);
    if (key === undefined) return undefined;
    if (this.knownOnly) {
      const known = field === 'phone' ? this.phones.has(PhoneTable.key(key)) : this.maps[field].has(key);
      if (!known) return undefined;
    }
    return Buffer.from(key, 'utf8');
  }

  async phonesOf(customerIds: readonly string[]): Promise<Array<{ customerId: string; bidx: Buffer }>> {
    const out: Array<{ customerId: string; bidx: Buffer }> = [];
    for (const customerId of customerIds) {
      const index = evalCustomerIndex(customerId);
      const phone = index >= 0 && index < this.phoneOf.length ? (this.phoneOf[index] ?? 0) : 0;
      if (phone === 0) continue;
      const length = Math.floor(phone / 1e12);
      const digits = String(phone - length * 1e12).padStart(length, '0');
      out.push({ customerId, bidx: Buffer.from(digits, 'utf8') });
    }
    return out;
  }

  async find(
    field: BlindField,
    values: readonly Buffer[],
  ): Promise<Array<{ bidx: Buffer; customerId: string }>> {
    const out: Array<{ bidx: Buffer; customerId: string }> = [];
    for (const bidx of values) {
      const ids = this.idsOf(field, bidx.toString('utf8'));
      if (ids === undefined) continue;
      if (typeof ids === 'number') out.push({ bidx, customerId: evalCustomerId(ids) });
      else for (const id of ids) out.push({ bidx, customerId: evalCustomerId(id) });
    }
    return out;
  }
}

/** Indexes the whole population, one customer at a time (nothing but the maps is kept). */
export function buildEvalIndex(
  population: EvalPopulation,
  onProgress?: (done: number, total: number) => void,
): InMemoryBlindIndex {
  const index = new InMemoryBlindIndex({ expected: population.size });
  for (let i = 0; i < population.size; i += 1) {
    index.add(i, population.customer(i));
    if (onProgress && (i + 1) % 10_000 === 0) onProgress(i + 1, population.size);
  }
  onProgress?.(population.size, population.size);
  return index;
}

// ---------------------------------------------------------------------------------------------
// Staff and their access sets
// ---------------------------------------------------------------------------------------------

export type EvalStaffKind = 'admin' | 'heavy' | 'worker';

/** A staff member and the customers their ordinary work gave them (sorted indexes). */
export interface EvalStaff {
  readonly id: string;
  readonly kind: EvalStaffKind;
  /** Team number; -1 for administrators, who belong to none. */
  readonly team: number;
  readonly customers: Int32Array;
}

/** A team's territory: the block of customers its members serve. */
export interface EvalTerritory {
  readonly start: number;
  readonly length: number;
}

export interface EvalStaffing {
  readonly staff: readonly EvalStaff[];
  readonly territories: readonly EvalTerritory[];
}

/** Share of a worker's customers from their team's territory (the rest: anyone, e.g. transfers). */
const TERRITORY_SHARE = 0.9;
/** Team territory size relative to the sum of its members' work: colleagues overlap. */
const TERRITORY_DENSITY = 0.6;
const TEAM_SIZE = 10;

/**
 * Access sets of benign work. Two administrators see 200,000 customers each (20 % of the shop at
 * most); one in twenty is a heavy worker with 10,000–30,000; everyone else 500–5,000 (log-uniform,
 * at most 5 % of the shop). Non-administrators work in teams of ten that share a territory sized at
 * 60 % of the team's summed work, so colleagues overlap; 10 % of each person's customers come from
 * anywhere in the shop.
 */
export function generateStaffAccess(customers: number, count: number, random: EvalRandom): EvalStaffing {
  if (!Number.isSafeInteger(count) || count < 3) {
    throw new CordonError('CORDON_ERR_VALIDATION', 'The evaluation needs at least 3 staff.', {
      field: 'staff',
    });
  }
  const admins = count >= 10 ? 2 : 1;
  const heavy = Math.max(1, Math.round(count * 0.05));
  const kinds: EvalStaffKind[] = [];
  for (let i = 0; i < count; i += 1)
    kinds.push(i < admins ? 'admin' : i < admins + heavy ? 'heavy' : 'worker');
  const workers = shuffle(random, kinds.slice(admins));
  const cap = (fraction: number) => Math.max(1, Math.floor(customers * fraction));
  const sizeOf = (kind: EvalStaffKind): number =>
    kind === 'admin'
      ? Math.min(200_000, cap(0.2))
      : kind === 'heavy'
        ? Math.min(logUniform(random, 10_000, 30_000), cap(0.1))
        : Math.min(logUniform(random, 500, 5_000), cap(0.05));

  const staff: EvalStaff[] = [];
  for (let a = 0; a < admins; a += 1) {
    staff.push({
      id: `S${String(a + 1).padStart(3, '0')}`,
      kind: 'admin',
      team: -1,
      customers: sortedSet(sampleRange(random, 0, customers, sizeOf('admin'))),
    });
  }
  const territories: EvalTerritory[] = [];
  for (let first = 0; first < workers.length; first += TEAM_SIZE) {
    const members = workers.slice(first, first + TEAM_SIZE);
    const sizes = members.map(sizeOf);
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const length = Math.min(customers, Math.max(Math.max(...sizes), Math.round(total * TERRITORY_DENSITY)));
    const territory = { start: int(random, 0, customers - length), length };
    const team = territories.length;
    territories.push(territory);
    members.forEach((kind, m) => {
      const size = sizes[m] ?? 0;
      const local = Math.round(size * TERRITORY_SHARE);
      staff.push({
        id: `S${String(staff.length + 1).padStart(3, '0')}`,
        kind,
        team,
        customers: sortedSet(
          sampleRange(random, territory.start, territory.length, local),
          sampleRange(random, 0, customers, size - local),
        ),
      });
    });
  }
  return { staff, territories };
}

// ---------------------------------------------------------------------------------------------
// Rendering a leaked sample
// ---------------------------------------------------------------------------------------------

/** One planted row of a sample: whose data, and how it is disguised. */
export interface SampleRow {
  readonly person: EvalPerson;
  /** The customer index; null for a stranger. */
  readonly customer: number | null;
  readonly maskPhone: boolean;
  readonly maskName: boolean;
}

export type SampleLayout = 'csv' | 'csv-headerless' | 'chat-lines' | 'chat-labelled';

/** A rendered sample, and where each planted row is in it (1-based lines, as the reader counts). */
export interface RenderedSample {
  readonly name: string;
  readonly text: string;
  readonly layout: SampleLayout;
  /** Per planted row: the lines it occupies. */
  readonly lines: ReadonlyArray<{ readonly first: number; readonly last: number }>;
}

const NAME_HEADERS = [
  '姓名',
  '收件人',
  '收货人',
  '联系人',
  '客户姓名',
  'name',
  'Name',
  'receiver',
  'consignee',
];
const PHONE_HEADERS = [
  '手机',
  '手机号',
  '电话',
  '联系电话',
  '联系方式',
  '收货人电话',
  'phone',
  'mobile',
  'Tel',
];
const ADDRESS_HEADERS = ['地址', '收货地址', '详细收货地址', '住址', 'address', 'Shipping Address'];
const TITLES = ['客户资料（样本）', '2025双十一订单导出 部分', '样本数据 勿外传'];
const CHAT_NOISE = ['卖家 12:01', '样本如下，要的私聊', '全新数据 一手', '买家 12:05', '多少钱', '还有吗'];
const ITEMS = ['手机壳', '保温杯', '运动鞋', '洗发水', '蓝牙耳机', '纸巾'];

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';

function fullWidth(text: string): string {
  return text.replace(/\d/gu, (d) => FULL_WIDTH_DIGITS[Number(d)] ?? d);
}

/** A phone as sellers write it: reformatted, or masked in the middle (`138****5678`). */
export function renderPhone(random: EvalRandom, phone: string, masked: boolean): string {
  const digits = normalizePhone(phone)?.digits ?? phone;
  const a = digits.slice(0, 3);
  const b = digits.slice(3, 7);
  const c = digits.slice(7);
  if (masked) {
    const roll = random.next();
    if (roll < 0.7) return `${a}****${c}`;
    if (roll < 0.85) return `${a}xxxx${c}`;
    return `${a}＊＊＊＊${c}`;
  }
  const roll = random.next();
  if (roll < 0.3) return digits;
  if (roll < 0.5) return `${a} ${b} ${c}`;
  if (roll < 0.65) return `${a}-${b}-${c}`;
  if (roll < 0.78) return `+86 ${a} ${b} ${c}`;
  if (roll < 0.88) return `+86${digits}`;
  if (roll < 0.95) return `+86-${a}-${b}-${c}`;
  return fullWidth(digits);
}

function renderName(row: SampleRow): string {
  return row.maskName ? maskName(row.person.name) : row.person.name;
}

function fullAddress(address: EvalAddress): string {
  return `${address.province}${address.city === address.province ? '' : address.city}${address.district}${address.street}`;
}

/**
 * Renders a sample the way a seller posts one: a CSV with any of four delimiters, Chinese or English
 * header words, the address in one column or split, extra columns, sometimes a title row or no
 * header at all; or a chat paste, one record per line or labelled lines, between chat noise.
 * `layout` fixes the shape (the draw for it is made all the same, so the rest does not shift).
 */
export function renderLeakedSample(
  rows: readonly SampleRow[],
  random: EvalRandom,
  options: { readonly layout?: SampleLayout } = {},
): RenderedSample {
  const roll = random.next();
  const layout: SampleLayout =
    options.layout ??
    (roll < 0.45 ? 'csv' : roll < 0.6 ? 'csv-headerless' : roll < 0.8 ? 'chat-lines' : 'chat-labelled');
  const withAddress = chance(random, 0.75);
  const lines: string[] = [];
  const where: Array<{ first: number; last: number }> = [];

  if (layout === 'csv' || layout === 'csv-headerless') {
    const delimiter = pick(random, [',', '\t', ';', '|']);
    const split = layout === 'csv' && withAddress && chance(random, 0.3);
    const extras = layout === 'csv' && chance(random, 0.5);
    const phoneFirst = chance(random, 0.3);
    const columns: string[] = [pick(random, NAME_HEADERS), pick(random, PHONE_HEADERS)];
    if (phoneFirst) columns.reverse();
    if (withAddress)
      columns.push(...(split ? ['省', '市', '区', '详细地址'] : [pick(random, ADDRESS_HEADERS)]));
    if (extras) columns.push('订单号', '商品', '备注');
    if (layout === 'csv') {
      if (chance(random, 0.2)) lines.push(pick(random, TITLES));
      lines.push(columns.join(delimiter));
    }
    rows.forEach((row, r) => {
      const name = renderName(row);
      const phone = renderPhone(random, row.person.phone, row.maskPhone);
      const cells = phoneFirst ? [phone, name] : [name, phone];
      const a = row.person.address;
      if (withAddress) {
        if (split) cells.push(a?.province ?? '', a?.city ?? '', a?.district ?? '', a?.street ?? '');
        else cells.push(a ? fullAddress(a) : '');
      }
      if (extras) {
        cells.push(`E2025${String(11_110_000 + int(random, 0, 899_999))}`, pick(random, ITEMS), '');
      }
      lines.push(cells.join(delimiter));
      where[r] = { first: lines.length, last: lines.length };
    });
    return {
      name: delimiter === '\t' ? 'sample.tsv' : pick(random, ['sample.csv', '样本.csv', 'data.txt']),
      text: lines.join(pick(random, ['\n', '\r\n'])),
      layout,
      lines: where,
    };
  }

  lines.push(CHAT_NOISE[0] ?? '', CHAT_NOISE[1] ?? '');
  if (layout === 'chat-lines') {
    const separator = pick(random, [' ', '  ', '，', ' / ']);
    rows.forEach((row, r) => {
      const parts = [renderName(row), renderPhone(random, row.person.phone, row.maskPhone)];
      if (withAddress && row.person.address) parts.push(fullAddress(row.person.address));
      lines.push(parts.join(separator));
      where[r] = { first: lines.length, last: lines.length };
      if (r > 0 && r % 20 === 0 && chance(random, 0.5)) lines.push(pick(random, CHAT_NOISE.slice(2)));
    });
  } else {
    const nameLabel = pick(random, ['收件人', '收货人', '姓名']);
    const phoneLabel = pick(random, ['电话', '手机', '联系电话']);
    const addressLabel = pick(random, ['地址', '收货地址']);
    const colon = pick(random, ['：', ':', '： ']);
    rows.forEach((row, r) => {
      lines.push('');
      const first = lines.length + 1;
      lines.push(`${nameLabel}${colon}${renderName(row)}`);
      lines.push(`${phoneLabel}${colon}${renderPhone(random, row.person.phone, row.maskPhone)}`);
      if (withAddress && row.person.address)
        lines.push(`${addressLabel}${colon}${fullAddress(row.person.address)}`);
      where[r] = { first, last: lines.length };
    });
  }
  lines.push(CHAT_NOISE[3] ?? '', CHAT_NOISE[4] ?? '');
  return { name: pick(random, ['chat.txt', '聊天记录.txt']), text: lines.join('\n'), layout, lines: where };
}

// ---------------------------------------------------------------------------------------------
// Trials
// ---------------------------------------------------------------------------------------------

export interface TraceEvalOptions {
  /** Staff members (default 300). */
  readonly staff?: number;
  /** Trials (default 100). */
  readonly trials?: number;
  /** Rows per leaked sample (default 50). */
  readonly rows?: number;
  /** Share of rows that are not customers (default 0.2). */
  readonly foreign?: number;
  /** Share of rows whose phone is masked in the middle (default 0.5). */
  readonly masked?: number;
  /** Share of rows whose name is masked (default 0.1). */
  readonly maskedNames?: number;
  readonly random: EvalRandomFactory;
  /** Milliseconds, for the timings only (`performance.now`). */
  readonly now: () => number;
  readonly onProgress?: (stage: 'index' | 'staff' | 'trials', done: number, total: number) => void;
}

/** One trial against the truth. */
export interface TraceTrialResult {
  readonly trial: number;
  readonly harvester: string;
  readonly harvesterKind: EvalStaffKind;
  /** Customers the harvester held (work + harvested). */
  readonly harvestSize: number;
  readonly layout: SampleLayout;
  readonly rows: number;
  /** Records the reader found in the file. */
  readonly records: number;
  /** Rows counted as ours (confidence ≥ OURS_THRESHOLD). */
  readonly ours: number;
  /** Of those, rows of strangers. */
  readonly falseOurs: number;
  /** Of those, customers' rows matched to a set without the true customer. */
  readonly wrongOurs: number;
  /** Customers' rows in the sample that were not counted as ours. */
  readonly missedOurs: number;
  /** Candidate sources the attribution ranked. */
  readonly candidates: number;
  /** 1-based rank of the harvester; 0 when not a candidate. */
  readonly rank: number;
  readonly top: { readonly id: string; readonly probability: number } | null;
  readonly harvesterProbability: number;
  readonly maxInnocent: { readonly id: string; readonly probability: number } | null;
  /** Milliseconds: read, match, attribute, and their sum. */
  readonly ms: {
    readonly read: number;
    readonly match: number;
    readonly attribute: number;
    readonly total: number;
  };
}

/** A figure against its target; `pass` undefined for figures reported for scale. */
export interface EvalFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly op: '>=' | '<='; readonly value: number };
  readonly pass?: boolean;
}

export interface TraceEvalReport {
  readonly settings: {
    readonly customers: number;
    readonly staff: number;
    readonly trials: number;
    readonly rows: number;
    readonly foreign: number;
    readonly masked: number;
    readonly maskedNames: number;
  };
  readonly staffing: {
    readonly admins: number;
    readonly heavy: number;
    readonly workers: number;
    readonly teams: number;
    readonly medianAccess: number;
    readonly maxAccess: number;
  };
  /** First-rank rate, innocents above one half, and the other figures with their targets. */
  readonly figures: readonly EvalFigure[];
  /** Every target met. */
  readonly pass: boolean;
  /** Trials that missed the rank or innocence target (at most 20). */
  readonly misses: readonly TraceTrialResult[];
  readonly trialResults: readonly TraceTrialResult[];
  readonly seconds: { readonly index: number; readonly staff: number; readonly trials: number };
}

/** Innocents must stay at or below this probability. */
export const INNOCENT_PROBABILITY_LIMIT = 0.5;
/** The true source must be ranked first in at least this share of trials. */
export const FIRST_RANK_TARGET = 0.99;

interface Truth {
  readonly customer: number | null;
}

function staffAccess(customers: Int32Array): AccessLookup {
  return {
    size: customers.length,
    get: (id) => (contains(customers, evalCustomerIndex(id)) ? 0 : undefined),
  };
}

function fraction(value: number, name: string, max = 1): number {
  if (!(value >= 0 && value <= max)) {
    throw new CordonError('CORDON_ERR_VALIDATION', `${name} must be a share from 0 to ${max}.`, {
      field: name,
    });
  }
  return value;
}

function whole(value: number, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`,
      { field: name },
    );
  }
  return value;
}

/**
 * Runs one trial: a harvester, a sample of the harvest with strangers mixed in, the trace pipeline,
 * and the comparison with the truth.
 */
async function runTrial(
  trial: number,
  context: {
    readonly population: EvalPopulation;
    readonly index: InMemoryBlindIndex;
    readonly staffing: EvalStaffing;
    readonly rows: number;
    readonly foreign: number;
    readonly masked: number;
    readonly maskedNames: number;
    readonly random: EvalRandomFactory;
    readonly now: () => number;
  },
): Promise<TraceTrialResult> {
  const { population, index, staffing } = context;
  const n = population.size;
  const random = context.random(`trial:${trial}`);
  const harvester = pick(random, staffing.staff);
  const extra = Math.min(int(random, 5_000, 50_000), Math.max(1, Math.floor(n * 0.3)));
  const territory = harvester.team >= 0 ? staffing.territories[harvester.team] : undefined;
  // Part of the harvest (any share, drawn per trial) comes from the team's own territory, which
  // colleagues also serve; the rest from anywhere in the shop.
  const local = territory ? Math.min(territory.length, Math.round(extra * random.next())) : 0;
  const harvest = sortedSet(
    harvester.customers,
    territory ? sampleRange(random, territory.start, territory.length, local) : [],
    sampleRange(random, 0, n, extra - local),
  );

  const foreignRows = Math.round(context.rows * context.foreign);
  const oursRows = Math.min(context.rows - foreignRows, harvest.length);
  const planted: Array<SampleRow & Truth> = [];
  for (const position of sampleRange(random, 0, harvest.length, oursRows)) {
    const customer = harvest[position] ?? 0;
    planted.push({ person: population.customer(customer), customer, maskPhone: false, maskName: false });
  }
  // Strangers of trial t are stranger(t · 2 · rows) onwards, so trials do not depend on each other.
  for (let k = trial * 2 * context.rows; planted.length < oursRows + foreignRows; k += 1) {
    const person = population.stranger(k);
    if (index.lookup('phone', person.phone).length > 0) continue;
    planted.push({ person, customer: null, maskPhone: false, maskName: false });
  }
  shuffle(random, planted);
  const maskedPhones = new Set(
    sampleRange(random, 0, planted.length, Math.round(planted.length * context.masked)),
  );
  const maskedNames = new Set(
    sampleRange(random, 0, planted.length, Math.round(planted.length * context.maskedNames)),
  );
  const rows = planted.map((row, i) => ({
    ...row,
    maskPhone: maskedPhones.has(i),
    maskName: maskedNames.has(i),
  }));
  const sample = renderLeakedSample(rows, random);

  const t0 = context.now();
  const file = await readLeakedFile(new TextEncoder().encode(sample.text), sample.name);
  const t1 = context.now();
  const matches = await matchLeakedRecords(file.records, index);
  const t2 = context.now();
  const ours = matches.filter((m) => m.confidence >= OURS_THRESHOLD);
  const held = new Set<number>();
  for (const m of ours) for (const c of m.customers) held.add(evalCustomerIndex(c.id));
  const heldList = [...held];
  const candidates: AttributionCandidate[] = [];
  for (const person of staffing.staff) {
    const customers = person === harvester ? harvest : person.customers;
    if (heldList.some((c) => contains(customers, c))) {
      candidates.push({ kind: 'staff', id: person.id, access: staffAccess(customers) });
    }
  }
  const leaked: LeakedRow[] = ours.map((m) =>
    m.customers.length === 1 && m.customers[0] ? m.customers[0].id : { customers: m.customers },
  );
  const ranked = ours.length > 0 ? attributeLeak(leaked, candidates, { population: n }).candidates : [];
  const t3 = context.now();

  const truthOf = (m: RowMatch): (SampleRow & Truth) | undefined => {
    const r = sample.lines.findIndex((span) => m.record.row >= span.first && m.record.row <= span.last);
    return r < 0 ? undefined : rows[r];
  };
  let falseOurs = 0;
  let wrongOurs = 0;
  const oursFound = new Set<number>();
  for (const m of ours) {
    const truth = truthOf(m);
    if (!truth || truth.customer === null) {
      falseOurs += 1;
      continue;
    }
    if (!m.customers.some((c) => evalCustomerIndex(c.id) === truth.customer)) wrongOurs += 1;
    else oursFound.add(truth.customer);
  }
  const rank = ranked.findIndex((c) => c.id === harvester.id) + 1;
  const innocent = ranked.find((c) => c.id !== harvester.id);
  const top = ranked[0];
  return {
    trial,
    harvester: harvester.id,
    harvesterKind: harvester.kind,
    harvestSize: harvest.length,
    layout: sample.layout,
    rows: rows.length,
    records: file.records.length,
    ours: ours.length,
    falseOurs,
    wrongOurs,
    missedOurs: oursRows - oursFound.size,
    candidates: ranked.length,
    rank,
    top: top ? { id: top.id, probability: top.probability } : null,
    harvesterProbability: rank > 0 ? (ranked[rank - 1]?.probability ?? 0) : 0,
    maxInnocent: innocent ? { id: innocent.id, probability: innocent.probability } : null,
    ms: { read: t1 - t0, match: t2 - t1, attribute: t3 - t2, total: t3 - t0 },
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function figure(
  name: string,
  value: number,
  unit: string,
  target?: { op: '>=' | '<='; value: number },
): EvalFigure {
  if (!target) return { name, value, unit };
  const pass = target.op === '>=' ? value >= target.value : value <= target.value;
  return { name, value, unit, target, pass };
}

/**
 * The evaluation: index the population, generate the staff, run the trials, aggregate. Targets (from
 * the issue): the true source ranked first in ≥ 99 % of trials, and no trial in which an innocent
 * person's probability is above 0.5. Rows of strangers counted as ours, wrong matches, the share of
 * rows counted as ours and the time per trial (reading, matching and attribution, without a
 * database) are reported beside them.
 */
export async function evaluateTrace(
  population: EvalPopulation,
  options: TraceEvalOptions,
): Promise<TraceEvalReport> {
  const customers = whole(population.size, 'customers', 1_000, 10_000_000);
  const staffCount = whole(options.staff ?? 300, 'staff', 3, 10_000);
  const trials = whole(options.trials ?? 100, 'trials', 1, 100_000);
  const rowCount = whole(options.rows ?? 50, 'rows', 2, 10_000);
  const foreign = fraction(options.foreign ?? 0.2, 'foreign', 0.9);
  const masked = fraction(options.masked ?? 0.5, 'masked');
  const maskedNames = fraction(options.maskedNames ?? 0.1, 'maskedNames');
  const { now, onProgress } = options;

  const t0 = now();
  const index = buildEvalIndex(population, (done, total) => onProgress?.('index', done, total));
  const t1 = now();
  const staffing = generateStaffAccess(customers, staffCount, options.random('staff'));
  onProgress?.('staff', staffCount, staffCount);
  const t2 = now();
  const results: TraceTrialResult[] = [];
  const context = {
    population,
    index,
    staffing,
    rows: rowCount,
    foreign,
    masked,
    maskedNames,
    random: options.random,
    now,
  };
  for (let trial = 0; trial < trials; trial += 1) {
    results.push(await runTrial(trial, context));
    onProgress?.('trials', trial + 1, trials);
  }
  const t3 = now();

  const firstRank = results.filter((r) => r.rank === 1).length;
  const innocentAbove = results.filter(
    (r) => (r.maxInnocent?.probability ?? 0) > INNOCENT_PROBABILITY_LIMIT,
  ).length;
  const maxInnocent = Math.max(0, ...results.map((r) => r.maxInnocent?.probability ?? 0));
  const sum = (f: (r: TraceTrialResult) => number) => results.reduce((total, r) => total + f(r), 0);
  const totals = results.map((r) => r.ms.total).sort((a, b) => a - b);
  const figures: EvalFigure[] = [
    figure('true source ranked first', firstRank / trials, 'of trials', {
      op: '>=',
      value: FIRST_RANK_TARGET,
    }),
    figure('trials with an innocent person above probability 0.5', innocentAbove, 'trials', {
      op: '<=',
      value: 0,
    }),
    figure('highest innocent probability in any trial', maxInnocent, 'probability'),
    figure(
      'median probability of the true source',
      quantile(
        results.map((r) => r.harvesterProbability).sort((a, b) => a - b),
        0.5,
      ),
      'probability',
    ),
    figure(
      'lowest probability of the true source',
      Math.min(...results.map((r) => r.harvesterProbability)),
      'probability',
    ),
    figure(
      "strangers' rows counted as ours (false ours)",
      sum((r) => r.falseOurs),
      'rows',
    ),
    figure(
      "customers' rows matched to the wrong customer",
      sum((r) => r.wrongOurs),
      'rows',
    ),
    figure('mean rows counted as ours / rows', sum((r) => r.ours / r.rows) / trials, 'share'),
    figure(
      "mean customers' rows counted as ours / customers' rows",
      sum((r) => {
        const planted = r.rows - Math.round(r.rows * foreign);
        return planted > 0 ? (planted - r.missedOurs) / planted : 1;
      }) / trials,
      'share',
    ),
    figure('mean records read / rows planted', sum((r) => r.records / r.rows) / trials, 'share'),
    figure('mean candidate sources per trial', sum((r) => r.candidates) / trials, 'candidates'),
    figure(
      'time per trial, mean (read + match + attribute, no database)',
      sum((r) => r.ms.total) / trials,
      'ms',
    ),
    figure('time per trial, p99', quantile(totals, 0.99), 'ms'),
  ];
  const misses = results
    .filter((r) => r.rank !== 1 || (r.maxInnocent?.probability ?? 0) > INNOCENT_PROBABILITY_LIMIT)
    .slice(0, 20);
  const sizes = staffing.staff.map((s) => s.customers.length).sort((a, b) => a - b);
  return {
    settings: { customers, staff: staffCount, trials, rows: rowCount, foreign, masked, maskedNames },
    staffing: {
      admins: staffing.staff.filter((s) => s.kind === 'admin').length,
      heavy: staffing.staff.filter((s) => s.kind === 'heavy').length,
      workers: staffing.staff.filter((s) => s.kind === 'worker').length,
      teams: staffing.territories.length,
      medianAccess: quantile(sizes, 0.5),
      maxAccess: sizes[sizes.length - 1] ?? 0,
    },
    figures,
    pass: figures.every((f) => f.pass !== false),
    misses,
    trialResults: results,
    seconds: { index: (t1 - t0) / 1000, staff: (t2 - t1) / 1000, trials: (t3 - t2) / 1000 },
  };
}
