/**
 * Writers for the interchange formats Cordon imports: NDJSON (one JSON object per line) and CSV
 * with dotted column names (`receiver.name`) and the `items` array as a JSON string column. The
 * streaming variants yield one line at a time so a million orders can go to a file without being
 * joined into one string.
 */

/** A flattened cell value: what a CSV column holds before escaping. */
export type CellValue = string | number | boolean;

/** Column orders of the interchange records, for streaming CSV where the header must come first. */
export const CUSTOMER_CSV_COLUMNS: readonly string[] = [
  'id',
  'name',
  'phone',
  'email',
  'idNumber',
  'createdAt',
];

/** See {@link CUSTOMER_CSV_COLUMNS}. */
export const ORDER_CSV_COLUMNS: readonly string[] = [
  'id',
  'customerId',
  'createdAt',
  'status',
  'receiver.name',
  'receiver.phone',
  'receiver.province',
  'receiver.city',
  'receiver.district',
  'receiver.street',
  'items',
  'total',
  'channel',
  'device',
  'ip',
  'paymentFingerprint',
  'coupon',
  'promo',
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * One record as `column → cell`: nested plain objects become dotted columns (`receiver.name`),
 * arrays (and any other object, such as a Date) become their JSON text, `undefined` and `null` are
 * left out (an empty cell, which the importer reads as an absent field).
 */
export function flattenRecord(record: object): Map<string, CellValue> {
  const out = new Map<string, CellValue>();
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [key, child] of Object.entries(value)) {
      const column = prefix + key;
      if (child === undefined || child === null) continue;
      if (isPlainObject(child)) walk(child, `${column}.`);
      else if (typeof child === 'string' || typeof child === 'number' || typeof child === 'boolean') {
        out.set(column, child);
      } else if (typeof child === 'bigint') out.set(column, child.toString());
      else out.set(column, JSON.stringify(child) ?? '');
    }
  };
  walk(record as Record<string, unknown>, '');
  return out;
}

/**
 * One CSV field per RFC 4180: quoted (with `"` doubled) when it contains a comma, a quote, CR or LF,
 * or starts or ends with whitespace (which some readers trim); otherwise as is. No spreadsheet
 * formula guard (`'` before `=`, `+` …): these files are for machines, and `+86 138…` phones must
 * arrive unchanged. Human-facing exports need that guard.
 */
export function csvField(value: CellValue | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The columns of a set of records: every flattened column, in an order that respects each record's
 * own key order (a column first seen in a later record goes right after its predecessor there), so
 * optional fields land where they belong (`email` between `phone` and `createdAt`).
 */
export function csvColumns(records: Iterable<object>): string[] {
  const columns: string[] = [];
  const known = new Set<string>();
  for (const record of records) {
    let previous = -1;
    for (const column of flattenRecord(record).keys()) {
      if (known.has(column)) {
        previous = columns.indexOf(column);
        continue;
      }
      columns.splice(previous + 1, 0, column);
      known.add(column);
      previous += 1;
    }
  }
  return columns;
}

/** Options of the CSV writers. */
export interface CsvOptions {
  /** Column order; by default {@link csvColumns} of the records (which reads them all first). */
  columns?: readonly string[];
  /** Start with a UTF-8 byte order mark, which Excel and WPS need to read Chinese text (default false). */
  bom?: boolean;
}

/**
 * CSV lines, each ending in CRLF (RFC 4180), header first. With `columns`, records stream one at a
 * time; a record column missing from `columns` is an error rather than silently dropped data.
 */
export function* csvLines(records: Iterable<object>, options: CsvOptions = {}): Generator<string> {
  let source: Iterable<object> = records;
  let columns = options.columns;
  if (columns === undefined) {
    const all = [...records];
    columns = csvColumns(all);
    source = all;
  }
  const allowed = new Set(columns);
  yield `${options.bom === true ? '\uFEFF' : ''}${columns.map(csvField).join(',')}\r\n`;
  for (const record of source) {
    const cells = flattenRecord(record);
    for (const column of cells.keys()) {
      if (!allowed.has(column))
        throw new RangeError(`A record has column "${column}", which is not in the header.`);
    }
    yield `${columns.map((column) => csvField(cells.get(column))).join(',')}\r\n`;
  }
}

/** A whole CSV document; see {@link csvLines}. */
export function toCsv(records: Iterable<object>, options: CsvOptions = {}): string {
  let out = '';
  for (const line of csvLines(records, options)) out += line;
  return out;
}

/** NDJSON lines, each one `JSON.stringify(record)` and `\n` (JSON escapes any newline inside values). */
export function* ndjsonLines(records: Iterable<unknown>): Generator<string> {
  for (const record of records) yield `${JSON.stringify(record)}\n`;
}

/** A whole NDJSON document; see {@link ndjsonLines}. */
export function toNdjson(records: Iterable<unknown>): string {
  let out = '';
  for (const line of ndjsonLines(records)) out += line;
  return out;
}
