import type { LeakedRecord } from './leaked-file';

/** Masked mobiles with more hidden digits than this are not enumerated (10^5 candidates each). */
export const MAX_HIDDEN_DIGITS = 5;
/** Masked rows enumerated per file at most; beyond, they are matched as if they had no phone. */
export const MAX_MASKED_ROWS = 5000;
/**
 * Candidate numbers enumerated per file at most (all enumerated masked rows together): each is a blind
 * index computed (~6–8 µs), so this bounds the enumeration at a few minutes of CPU. Rows beyond it are
 * matched as if they had no phone.
 */
export const MAX_MASKED_CANDIDATES = 2_000_000;
/** A row counts as ours from this confidence on. */
export const OURS_THRESHOLD = 0.5;

export type BlindField = 'phone' | 'name' | 'idNumber' | 'address';
type Field = BlindField;

/**
 * How rows are looked up: the vault's blind index of a value (undefined when it does not parse), a
 * bulk lookup of indexes to customers, and the phone indexes of given customers. The trace service
 * passes the vault and its repository; an evaluation can pass an in-memory index.
 */
export interface BlindLookup {
  indexFor(field: BlindField, value: string): Buffer | undefined;
  find(field: BlindField, values: readonly Buffer[]): Promise<Array<{ bidx: Buffer; customerId: string }>>;
  /** The phone blind indexes of these customers: their own and their orders' receivers'. */
  phonesOf(customerIds: readonly string[]): Promise<Array<{ customerId: string; bidx: Buffer }>>;
}

/** One leaked row's candidate customers (weights sum to 1), confidence and what matched. */
export interface RowMatch {
  record: LeakedRecord;
  customers: Array<{ id: string; weight: number }>;
  confidence: number;
  matchedBy: string[];
}

type Mask = NonNullable<LeakedRecord['mobileMasked']>;

/** Map keys of blind indexes: latin1 is one character a byte, cheaper than hex. */
const keyOfIndex = (bidx: Buffer): string => bidx.toString('latin1');

/**
 * Matches leaked rows to customers without decrypting anything: full phones and ID numbers by their
 * blind index, names and addresses to corroborate, and masked mobiles by corroborating first
 * (ADR 0009): the customers a row's name or full address names are the only ones its masked phone
 * can confirm, so the row's hidden digits are enumerated and their blind indexes compared in memory
 * with those customers' phone indexes (their own and their orders' receivers'), stopping once every
 * one of them is confirmed. A masked row without a clear name or full address of ours is not
 * enumerated: it could never count as ours. A row is "ours" only from OURS_THRESHOLD: a masked phone
 * alone, an address alone or a name alone never is, and a masked phone that fits none of the
 * customers its name or address names rules the row out, so a list of strangers is never reported
 * as ours.
 *
 * Queries: one bulk lookup per field (50,000 values each) and one for the phone indexes of the
 * customers named by masked rows; none per enumerated number.
 */
export async function matchLeakedRecords(
  records: readonly LeakedRecord[],
  lookup: BlindLookup,
): Promise<RowMatch[]> {
  const wanted: Record<Field, Map<string, Buffer>> = {
    phone: new Map(),
    name: new Map(),
    idNumber: new Map(),
    address: new Map(),
  };
  const keyOf = (field: Field, value: string): string | undefined => {
    const bidx = lookup.indexFor(field, value);
    if (!bidx) return undefined;
    const key = keyOfIndex(bidx);
    wanted[field].set(key, bidx);
    return key;
  };
  const plans = records.map((r) => {
    const phones: string[] = [];
    for (const v of [r.mobile, r.landline]) {
      if (v) {
        const k = keyOf('phone', v);
        if (k) phones.push(k);
      }
    }
    const mask =
      !r.mobile && r.mobileMasked && r.mobileMasked.hiddenCount <= MAX_HIDDEN_DIGITS
        ? r.mobileMasked
        : undefined;
    const names = r.name && !r.nameMasked ? [keyOf('name', r.name)].filter((x): x is string => !!x) : [];
    const a = r.address;
    const addresses =
      a?.province && a.city && a.district && a.street
        ? [keyOf('address', `${a.province}${a.city}${a.district}${a.street}`)].filter((x): x is string => !!x)
        : [];
    const idNumbers = r.idNumber ? [keyOf('idNumber', r.idNumber)].filter((x): x is string => !!x) : [];
    return { record: r, phones, mask, names, addresses, idNumbers };
  });
  const hits: Record<Field, Map<string, Set<string>>> = {
    phone: new Map(),
    name: new Map(),
    idNumber: new Map(),
    address: new Map(),
  };
  for (const field of ['phone', 'name', 'address', 'idNumber'] as const) {
    const values = [...wanted[field].values()];
    if (values.length === 0) continue;
    for (const h of await lookup.find(field, values)) {
      const key = keyOfIndex(h.bidx);
      let set = hits[field].get(key);
      if (!set) {
        set = new Set();
        hits[field].set(key, set);
      }
      set.add(h.customerId);
    }
  }
  const union = (field: Field, keys: readonly string[]) => {
    const out = new Set<string>();
    for (const k of keys) for (const id of hits[field].get(k) ?? []) out.add(id);
    return out;
  };
  const rows = plans.map((p) => ({
    record: p.record,
    phones: p.phones,
    mask: p.mask,
    exact: new Set([...union('phone', p.phones), ...union('idNumber', p.idNumbers)]),
    names: union('name', p.names),
    addresses: union('address', p.addresses),
  }));

  // Masked rows, corroborated first: only rows without an exact match whose name or address names
  // customers of ours are enumerated, within the per-file caps.
  let maskedRows = 0;
  let maskedCandidates = 0;
  const enumerated = new Map<number, { mask: Mask; named: Set<string> }>();
  rows.forEach((row, i) => {
    if (!row.mask || row.exact.size > 0) return;
    if (row.names.size === 0 && row.addresses.size === 0) return;
    const span = 10 ** row.mask.hiddenCount;
    if (maskedRows >= MAX_MASKED_ROWS || maskedCandidates + span > MAX_MASKED_CANDIDATES) return;
    maskedRows += 1;
    maskedCandidates += span;
    enumerated.set(i, { mask: row.mask, named: new Set([...row.names, ...row.addresses]) });
  });
  const phonesOf = new Map<string, string[]>();
  if (enumerated.size > 0) {
    const named = new Set<string>();
    for (const e of enumerated.values()) for (const id of e.named) named.add(id);
    for (const p of await lookup.phonesOf([...named].sort())) {
      const list = phonesOf.get(p.customerId);
      const key = keyOfIndex(p.bidx);
      if (!list) phonesOf.set(p.customerId, [key]);
      else if (!list.includes(key)) list.push(key);
    }
  }
  const confirmed = new Map<number, Set<string>>();
  for (const [i, e] of enumerated) confirmed.set(i, confirmMasked(e.mask, e.named, phonesOf, lookup));

  return rows.map((p, i) => {
    const { exact, names, addresses } = p;
    const matchedBy: string[] = [];
    let ids: Set<string> = new Set();
    let confidence = 0;
    const corroborated = (set: Set<string>) => [...set].filter((id) => names.has(id) || addresses.has(id));
    const masked = confirmed.get(i);
    if (exact.size > 0) {
      matchedBy.push(p.phones.length > 0 ? 'phone' : 'idNumber');
      const strong = corroborated(exact);
      ids = strong.length > 0 ? new Set(strong) : exact;
      if (strong.length > 0) matchedBy.push(names.size > 0 ? 'name' : 'address');
      confidence = strong.length > 0 ? 0.99 : 0.9;
    } else if (masked) {
      // Enumerated: the customers named whose phone fits the mask, or none (the mask rules them out).
      if (masked.size > 0) {
        matchedBy.push('masked-phone', [...masked].some((id) => names.has(id)) ? 'name' : 'address');
        ids = masked;
        confidence = masked.size === 1 ? 0.9 : 0.7;
      }
    } else if (names.size > 0 && addresses.size > 0) {
      const both = [...names].filter((id) => addresses.has(id));
      if (both.length > 0) {
        matchedBy.push('name', 'address');
        ids = new Set(both);
        confidence = both.length === 1 ? 0.8 : 0.6;
      }
    } else if (addresses.size > 0) {
      matchedBy.push('address');
      ids = addresses;
      confidence = 0.3;
    }
    const customers = [...ids].sort().map((id) => ({ id, weight: 1 / ids.size }));
    return { record: p.record, customers, confidence, matchedBy };
  });
}

/**
 * The customers among `named` one of whose phone indexes is the blind index of a number fitting the
 * mask. Enumerates the hidden digits and compares in memory; stops as soon as every named customer
 * with a phone index is confirmed (a number has one index, so nothing further can change the answer).
 */
function confirmMasked(
  mask: Mask,
  named: ReadonlySet<string>,
  phonesOf: ReadonlyMap<string, readonly string[]>,
  lookup: BlindLookup,
): Set<string> {
  const found = new Set<string>();
  const owners = new Map<string, string[]>();
  for (const id of named) {
    for (const key of phonesOf.get(id) ?? []) {
      const list = owners.get(key);
      if (list) list.push(id);
      else owners.set(key, [id]);
    }
  }
  const pending = new Set([...owners.values()].flat());
  const { prefix, suffix, hiddenCount } = mask;
  const span = 10 ** hiddenCount;
  for (let n = 0; n < span && pending.size > 0; n++) {
    const bidx = lookup.indexFor('phone', `${prefix}${String(n).padStart(hiddenCount, '0')}${suffix}`);
    if (!bidx) continue;
    const ids = owners.get(keyOfIndex(bidx));
    if (!ids) continue;
    for (const id of ids) {
      found.add(id);
      pending.delete(id);
    }
  }
  return found;
}
