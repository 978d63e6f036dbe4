import type { LeakedRecord } from './leaked-file';

/** Masked mobiles with more hidden digits than this are not enumerated (10^5 candidates each). */
export const MAX_HIDDEN_DIGITS = 5;
/** Masked rows enumerated per file at most; beyond, they are reported as not matched. */
export const MAX_MASKED_ROWS = 5000;
/**
 * Candidate numbers enumerated per file at most (all masked rows together). It keeps the lookup
 * maps far below V8's 16.7 M-entry limit and the trace within minutes; rows beyond it stay unmatched.
 */
export const MAX_MASKED_CANDIDATES = 2_000_000;
/** A row counts as ours from this confidence on. */
export const OURS_THRESHOLD = 0.5;

export type BlindField = 'phone' | 'name' | 'idNumber' | 'address';
type Field = BlindField;

/**
 * How rows are looked up: the vault's blind index of a value (undefined when it does not parse) and a
 * bulk lookup of indexes to customers. The trace service passes the vault and its repository; an
 * evaluation can pass an in-memory index.
 */
export interface BlindLookup {
  indexFor(field: BlindField, value: string): Buffer | undefined;
  find(field: BlindField, values: readonly Buffer[]): Promise<Array<{ bidx: Buffer; customerId: string }>>;
}

/** One leaked row's candidate customers (weights sum to 1), confidence and what matched. */
export interface RowMatch {
  record: LeakedRecord;
  customers: Array<{ id: string; weight: number }>;
  confidence: number;
  matchedBy: string[];
}

/**
 * Matches leaked rows to customers without decrypting anything: full phones and ID numbers by their
 * blind index, masked mobiles by enumerating the hidden digits, names and addresses to corroborate.
 * A row is "ours" only from OURS_THRESHOLD: a masked phone alone, an address alone or a name alone
 * never is, so a list of strangers is never reported as ours.
 */
/** Looks every identifier up in bulk (one query per field and 50,000 values) and scores each row. */
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
    const hex = bidx.toString('hex');
    wanted[field].set(hex, bidx);
    return hex;
  };
  let maskedRows = 0;
  let maskedCandidates = 0;
  const plans = records.map((r) => {
    const phones: string[] = [];
    for (const v of [r.mobile, r.landline]) {
      if (v) {
        const k = keyOf('phone', v);
        if (k) phones.push(k);
      }
    }
    const masked: string[] = [];
    if (
      !r.mobile &&
      r.mobileMasked &&
      r.mobileMasked.hiddenCount <= MAX_HIDDEN_DIGITS &&
      maskedRows < MAX_MASKED_ROWS &&
      maskedCandidates + 10 ** r.mobileMasked.hiddenCount <= MAX_MASKED_CANDIDATES
    ) {
      maskedRows++;
      maskedCandidates += 10 ** r.mobileMasked.hiddenCount;
      const { prefix, suffix, hiddenCount } = r.mobileMasked;
      const span = 10 ** hiddenCount;
      for (let i = 0; i < span; i++) {
        const k = keyOf('phone', `${prefix}${String(i).padStart(hiddenCount, '0')}${suffix}`);
        if (k) masked.push(k);
      }
    }
    const names = r.name && !r.nameMasked ? [keyOf('name', r.name)].filter((x): x is string => !!x) : [];
    const a = r.address;
    const addresses =
      a?.province && a.city && a.district && a.street
        ? [keyOf('address', `${a.province}${a.city}${a.district}${a.street}`)].filter((x): x is string => !!x)
        : [];
    const idNumbers = r.idNumber ? [keyOf('idNumber', r.idNumber)].filter((x): x is string => !!x) : [];
    return { record: r, phones, masked, names, addresses, idNumbers };
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
      const key = h.bidx.toString('hex');
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
  return plans.map((p) => {
    const exact = new Set([...union('phone', p.phones), ...union('idNumber', p.idNumbers)]);
    const masked = union('phone', p.masked);
    const names = union('name', p.names);
    const addresses = union('address', p.addresses);
    const matchedBy: string[] = [];
    let ids: Set<string> = new Set();
    let confidence = 0;
    const corroborated = (set: Set<string>) => [...set].filter((id) => names.has(id) || addresses.has(id));
    if (exact.size > 0) {
      matchedBy.push(p.phones.length > 0 ? 'phone' : 'idNumber');
      const strong = corroborated(exact);
      ids = strong.length > 0 ? new Set(strong) : exact;
      if (strong.length > 0) matchedBy.push(names.size > 0 ? 'name' : 'address');
      confidence = strong.length > 0 ? 0.99 : 0.9;
    } else if (masked.size > 0) {
      matchedBy.push('masked-phone');
      const strong = corroborated(masked);
      if (strong.length > 0) {
        matchedBy.push(strong.some((id) => names.has(id)) ? 'name' : 'address');
        ids = new Set(strong);
        confidence = strong.length === 1 ? 0.9 : 0.7;
      } else {
        ids = masked;
        confidence = masked.size === 1 ? 0.45 : 0.2;
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
