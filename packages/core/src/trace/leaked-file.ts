/**
 * Reads a leaked customer list (the "free sample" a seller posts, or the whole file) and extracts the
 * candidate customer records in it, for matching against the vault.
 *
 * The input is hostile or careless by nature: any delimiter, UTF-8 or GBK, spreadsheets with title
 * rows, merged cells and hidden sheets, chat pastes, truncated downloads, files that are not text at
 * all. So the reader never throws on content: whatever it could not read is stated in the report
 * (`problems`, `skipped`, `checks`) in words that name rows and columns but never repeat a value, so
 * the report itself can be logged and shared. Only a file above {@link LEAKED_FILE_MAX_BYTES} is
 * refused with an error, before any work is done.
 *
 * Pure: bytes in, report out; no file system, network or clock. XLSX is opened in memory with
 * exceljs, loaded on first use so that importing core does not pay for it.
 */
import type { CellValue, Workbook, Worksheet } from 'exceljs';
import iconv from 'iconv-lite';
import { CordonError } from '../shared/errors';
import { normalizeBankCard, normalizeResidentId } from '../vault/normalize';
import {
  extractFromText,
  findNumbers,
  isLikelyAddress,
  looksLikePersonName,
  type NumberFinding,
  parseAddress,
  type RecognizedPii,
  recognizeName,
} from './pii-recognizers';

/** Files above this size are refused (200 MiB): a sample needs a few dozen rows, not gigabytes. */
export const LEAKED_FILE_MAX_BYTES = 200 * 1024 * 1024;

/** Rows read before the reader stops, unless the caller sets `maxRows`. */
export const LEAKED_FILE_DEFAULT_MAX_ROWS = 1_000_000;

/**
 * An XLSX is refused (as a problem, not an error) when its parts expand to more than this (512 MiB):
 * the spreadsheet library holds the whole workbook in memory, and a small zip can expand to gigabytes.
 */
const XLSX_MAX_EXPANDED_BYTES = 512 * 1024 * 1024;

/** Columns of a table that are read; cells beyond are ignored and reported. */
const MAX_COLUMNS = 1_000;

/** Characters of one cell or line that are read; the rest is ignored and reported. */
const MAX_CELL_CHARS = 10_000;

/** Entries kept in `skipped` (all are counted in `skippedTotal`). */
const MAX_SKIPPED = 200;

/** `onProgress` is called after every this many rows, and once at the end. */
const PROGRESS_EVERY = 10_000;

/** Non-empty rows at the top of a table searched for the header row (title rows come first). */
const HEADER_SEARCH_ROWS = 5;

/** Non-empty rows sampled to classify headerless columns by content. */
const CLASSIFY_SAMPLE_ROWS = 200;

/** A quoted CSV field longer than this is taken to be an unclosed quote. */
const MAX_QUOTED_CHARS = 100_000;

/** What the file turned out to be. `unreadable`: empty, binary, or an archive that is not a workbook. */
export type LeakedFileKind = 'xlsx' | 'csv' | 'text' | 'unreadable';

/** How text was decoded. GBK is decoded as GB18030, its superset. */
export type LeakedFileEncoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'utf-16le' | 'utf-16be';

/** CSV delimiters the reader recognizes. */
export type LeakedFileDelimiter = ',' | '\t' | ';' | '|';

/** What a column was taken to hold. `other` columns are searched as free text. */
export type LeakedColumnKind =
  | 'name'
  | 'phone'
  | 'address'
  | 'province'
  | 'city'
  | 'district'
  | 'street'
  | 'id'
  | 'card'
  | 'order'
  | 'other';

/** How a column was classified: from its header, from its content, or not at all. */
export type LeakedColumn = {
  /** 1-based column number. */
  readonly column: number;
  readonly kind: LeakedColumnKind;
  readonly source: 'header' | 'content' | 'none';
};

/** One sheet of a workbook, as read. */
export type LeakedSheet = {
  readonly name: string;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
  readonly rowsRead: number;
  readonly rowsWithPii: number;
  readonly rowsWithoutPii: number;
  readonly rowsEmpty: number;
  /** Cells covered by a merged range other than its top-left cell: their value is read once, there. */
  readonly mergedCellsSkipped: number;
  readonly headerRow?: number;
  readonly columns: readonly LeakedColumn[];
  /** Set when the sheet could not be read at all. */
  readonly problem?: string;
};

/**
 * One candidate customer record found in the file. `row` is the 1-based line (CSV, text) or row
 * (XLSX, with `sheet`) where it starts; in text, a record can span a few consecutive lines
 * (收件人 / 电话 / 地址 on lines of their own).
 */
export type LeakedRecord = {
  row: number;
  sheet?: string;
  name?: string;
  nameMasked?: boolean;
  mobile?: string;
  mobileMasked?: { prefix: string; suffix: string; hiddenCount: number };
  /** Area code + local number: the vault stores landlines as phones too. */
  landline?: string;
  idNumber?: string;
  idMasked?: { prefix: string; suffix: string; hiddenCount: number };
  bankCard?: string;
  address?: { province?: string; city?: string; district?: string; street?: string; raw: string };
  orderId?: string;
};

/** A row that gave no record, and why (never with the row's content). */
export type SkippedRow = { readonly row: number; readonly sheet?: string; readonly reason: string };

/**
 * Counts of values that were present but failed their check. A list full of ID numbers with wrong
 * check characters or "cards" failing Luhn is likely fabricated or damaged, which matters before
 * anyone says "these rows are ours".
 */
export type LeakedFileChecks = {
  /** Non-empty cells in phone columns that held no valid mobile or landline. */
  phoneInvalid: number;
  /** ID-shaped values (in ID columns) whose GB 11643 check character or birth date is wrong. */
  idCheckFailed: number;
  /** Card-shaped values (in card columns) failing the Luhn check. */
  cardLuhnFailed: number;
  /** XLSX number cells too long for Excel's 15 significant digits: an ID or card typed as a number lost its tail. */
  numbersTooLong: number;
};

/** What {@link readLeakedFile} read, what it found, and what it could not read. */
export type LeakedFileReport = {
  kind: LeakedFileKind;
  /** `null` for XLSX (zip, always Unicode inside) and for unreadable files. */
  encoding: LeakedFileEncoding | null;
  bytes: number;
  delimiter?: LeakedFileDelimiter;
  /** CSV: the line holding the header, when one was found. */
  headerRow?: number;
  /** CSV: how each column was classified. */
  columns?: LeakedColumn[];
  /** XLSX: every sheet, in workbook order, hidden ones included. */
  sheets?: LeakedSheet[];
  /** Non-empty rows (lines) read, header rows excluded; = rowsWithPii + rowsWithoutPii. */
  rowsRead: number;
  rowsWithPii: number;
  rowsWithoutPii: number;
  rowsEmpty: number;
  /** Reading stopped at `maxRows`. */
  truncated: boolean;
  checks: LeakedFileChecks;
  /** The first {@link MAX_SKIPPED} rows without PII, with the reason. */
  skipped: SkippedRow[];
  skippedTotal: number;
  records: LeakedRecord[];
  /** What could not be read, file-wide, in plain words without any value from the file. */
  problems: string[];
};

/** Options for {@link readLeakedFile}. */
export type ReadLeakedFileOptions = {
  /** Stop after this many non-empty rows (default {@link LEAKED_FILE_DEFAULT_MAX_ROWS}). */
  readonly maxRows?: number;
  /** Called with the rows read so far, every 10,000 rows and at the end. */
  readonly onProgress?: (rowsRead: number) => void;
};

// ---------------------------------------------------------------------------------------------
// Shared state of one read
// ---------------------------------------------------------------------------------------------

type ReadState = {
  readonly maxRows: number;
  readonly onProgress: ((rowsRead: number) => void) | undefined;
  rowsRead: number;
  rowsWithPii: number;
  rowsWithoutPii: number;
  rowsEmpty: number;
  truncated: boolean;
  readonly records: LeakedRecord[];
  readonly skipped: SkippedRow[];
  skippedTotal: number;
  readonly checks: LeakedFileChecks;
  longCells: number;
  firstLongCell: string | null;
  unclosedQuotes: number;
  firstUnclosedQuote: number | null;
  wideRows: number;
  firstWideRow: string | null;
  readonly problems: string[];
};

function newState(options: ReadLeakedFileOptions): ReadState {
  const maxRows =
    options.maxRows !== undefined && Number.isFinite(options.maxRows) && options.maxRows >= 0
      ? Math.floor(options.maxRows)
      : LEAKED_FILE_DEFAULT_MAX_ROWS;
  return {
    maxRows,
    onProgress: options.onProgress,
    rowsRead: 0,
    rowsWithPii: 0,
    rowsWithoutPii: 0,
    rowsEmpty: 0,
    truncated: false,
    records: [],
    skipped: [],
    skippedTotal: 0,
    checks: { phoneInvalid: 0, idCheckFailed: 0, cardLuhnFailed: 0, numbersTooLong: 0 },
    longCells: 0,
    firstLongCell: null,
    unclosedQuotes: 0,
    firstUnclosedQuote: null,
    wideRows: 0,
    firstWideRow: null,
    problems: [],
  };
}

/** `row 12` or `sheet "客户" row 12`, for messages. */
function where(row: number, sheet: string | undefined): string {
  return sheet === undefined ? `row ${row}` : `sheet "${sheet}" row ${row}`;
}

/** Whether another row may be read; marks the read truncated when not. */
function mayReadRow(state: ReadState): boolean {
  if (state.rowsRead < state.maxRows) return true;
  state.truncated = true;
  return false;
}

/** Counts one non-empty row and reports progress. */
function countRow(state: ReadState): void {
  state.rowsRead += 1;
  if (state.onProgress && state.rowsRead % PROGRESS_EVERY === 0) state.onProgress(state.rowsRead);
}

function skip(state: ReadState, row: number, sheet: string | undefined, reason: string): void {
  state.skippedTotal += 1;
  if (state.skipped.length < MAX_SKIPPED)
    state.skipped.push(sheet === undefined ? { row, reason } : { row, sheet, reason });
}

/** Notes a row with more than {@link MAX_COLUMNS} cells (the extra cells are not read). */
function noteWideRow(state: ReadState, row: number, sheet: string | undefined): void {
  state.wideRows += 1;
  if (state.firstWideRow === null) state.firstWideRow = where(row, sheet);
}

/** The cell text to read: cut at {@link MAX_CELL_CHARS}, noted once per file. */
function capCell(state: ReadState, text: string, row: number, sheet: string | undefined): string {
  if (text.length <= MAX_CELL_CHARS) return text;
  state.longCells += 1;
  if (state.firstLongCell === null) state.firstLongCell = where(row, sheet);
  return text.slice(0, MAX_CELL_CHARS);
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/** The fields of one record under construction (row and sheet come later). */
type Fields = Omit<LeakedRecord, 'row' | 'sheet'>;

function addFinding(fields: Fields, finding: RecognizedPii): void {
  switch (finding.kind) {
    case 'mobile':
      fields.mobile ??= finding.digits;
      return;
    case 'mobile-masked':
      fields.mobileMasked ??= {
        prefix: finding.prefix,
        suffix: finding.suffix,
        hiddenCount: finding.hiddenCount,
      };
      return;
    case 'landline':
      fields.landline ??= finding.digits;
      return;
    case 'id-number':
      fields.idNumber ??= finding.value;
      return;
    case 'id-masked':
      fields.idMasked ??= {
        prefix: finding.prefix,
        suffix: finding.suffix,
        hiddenCount: finding.hiddenCount,
      };
      return;
    case 'bank-card':
      fields.bankCard ??= finding.digits;
      return;
    case 'name':
      if (fields.name === undefined) {
        fields.name = finding.value;
        fields.nameMasked = finding.masked;
      }
      return;
    case 'address':
      if (fields.address === undefined) {
        const { kind: _kind, ...address } = finding;
        fields.address = address;
      }
      return;
    case 'order-id':
      fields.orderId ??= finding.value;
      return;
  }
}

function hasPhone(fields: Fields): boolean {
  return fields.mobile !== undefined || fields.mobileMasked !== undefined || fields.landline !== undefined;
}

function hasPii(fields: Fields): boolean {
  return (
    hasPhone(fields) ||
    fields.name !== undefined ||
    fields.idNumber !== undefined ||
    fields.idMasked !== undefined ||
    fields.bankCard !== undefined ||
    fields.address !== undefined
  );
}

const NO_PII = 'no phone, ID, bank card, name or address found';

// ---------------------------------------------------------------------------------------------
// Tables (CSV and sheets)
// ---------------------------------------------------------------------------------------------

/**
 * One row of a table: its 1-based number in the source and its cells (index 0 = column 1).
 * `lostNumbers` counts XLSX number cells too long to be exact, which are given as empty cells.
 */
type TableRow = { readonly row: number; readonly cells: readonly string[]; readonly lostNumbers?: number };

function isEmptyRow(row: TableRow): boolean {
  return (row.lostNumbers ?? 0) === 0 && row.cells.every((cell) => cell.trim() === '');
}

/** Header text reduced for keyword matching. */
function headerKey(cell: string): string {
  return cell
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:()*#/\\（）：]/gu, '');
}

/**
 * The kind of column a header names, in Chinese or English (姓名/收件人/收货人/name,
 * 手机/电话/联系方式/phone/mobile/tel, 地址/收货地址/address, 身份证/id, 银行卡/card, 订单号/order,
 * 省/市/区, 详细地址). More specific words are tried first: 收货人电话 is a phone column, 证件号码 an
 * ID column, 邮箱地址 not an address.
 */
export function classifyHeader(cell: string): LeakedColumnKind {
  const key = headerKey(cell);
  if (key === '' || key.length > 24) return 'other';
  if (/邮箱|mail|网址|url|昵称|nick|^ip$|^ip地址$|^ipaddress$/u.test(key)) return 'other';
  if (/订单|运单|单号|order/u.test(key)) return 'order';
  if (
    /身份证|证件|^(id|idno|idnumber|idcard|idcardno|identity|identitycard|citizenid|nationalid)$/u.test(key)
  ) {
    return 'id';
  }
  if (
    /银行卡|卡号|银行账号|^(card|cardno|cardnumber|bankcard|bankcardno|bankaccount|accountno)$/u.test(key)
  ) {
    return 'card';
  }
  if (/手机|电话|联系方式|号码|phone|mobile|^tel/u.test(key)) return 'phone';
  if (/^(省|省份|所在省|所在省份|province)$/u.test(key)) return 'province';
  if (/^(市|城市|地市|所在市|所在城市|city)$/u.test(key)) return 'city';
  if (/^(区|县|区县|县区|所在区|所在区县|district|county)$/u.test(key)) return 'district';
  if (/^(街道|街道地址|详细地址|street|streetaddress|addressline|addressdetail|detailaddress)$/u.test(key)) {
    return 'street';
  }
  if (/地址|住址|address|addr/u.test(key)) return 'address';
  if (/姓名|收件人|收货人|联系人|名字/u.test(key)) return 'name';
  if (
    /^(name|fullname|receiver|receivername|consignee|consigneename|recipient|customername|buyername|contactname|firstname|lastname)$/u.test(
      key,
    )
  ) {
    return 'name';
  }
  return 'other';
}

/** Whether a row holds a phone, ID or card number (then it is data, not a header). */
function rowHasStrongNumber(row: TableRow): boolean {
  return row.cells.some((cell) => /\p{Nd}/u.test(cell) && findNumbers(cell).length > 0);
}

type Layout = { readonly headerRow: number | null; readonly columns: LeakedColumn[] };

/** Finds the header row among the first non-empty rows (title rows may come first). */
function findHeader(rows: readonly TableRow[]): { row: TableRow; kinds: LeakedColumnKind[] } | null {
  const candidates = rows.filter((row) => !isEmptyRow(row)).slice(0, HEADER_SEARCH_ROWS);
  const scored = candidates.map((row) => {
    const kinds = row.cells.map((cell) => classifyHeader(cell));
    const mapped = kinds.filter((kind) => kind !== 'other').length;
    const filled = row.cells.filter((cell) => cell.trim() !== '').length;
    return { row, kinds, mapped, filled };
  });
  for (const candidate of scored) {
    if (candidate.mapped >= 2 && !rowHasStrongNumber(candidate.row)) return candidate;
  }
  const first = scored[0];
  if (first && first.mapped >= 1 && first.mapped * 2 >= first.filled && !rowHasStrongNumber(first.row))
    return first;
  // Unknown header words (product, price, qty): every cell a short word without digits, none of
  // them a name or an address.
  if (first && first.row.cells.length >= 2 && first.row.cells.every(isPlainHeaderWord)) return first;
  return null;
}

/** A cell that can only be a column title: a short word without digits, not a name, not an address. */
function isPlainHeaderWord(cell: string): boolean {
  const word = cell.trim();
  if (word === '' || word.length > 24 || /\p{Nd}/u.test(word)) return false;
  if (looksLikePersonName(word)) return false;
  const address = parseAddress(word);
  return address === null || !isLikelyAddress(address);
}

/** Share of sampled non-empty cells that satisfy `test`, or 0 when the column is empty. */
function share(cells: readonly string[], test: (cell: string) => boolean): number {
  const filled = cells.filter((cell) => cell.trim() !== '');
  if (filled.length === 0) return 0;
  return filled.filter((cell) => test(cell.trim())).length / filled.length;
}

/** Classifies a column without a usable header from sampled cells. */
function classifyContent(cells: readonly string[]): LeakedColumnKind {
  const filled = cells.filter((cell) => cell.trim() !== '').length;
  if (filled === 0) return 'other';
  if (filled >= 3 && share(cells, looksLikePersonName) >= 0.6) return 'name';
  if (
    share(cells, (cell) => {
      const address = parseAddress(cell);
      return address !== null && isLikelyAddress(address);
    }) >= 0.5
  ) {
    return 'address';
  }
  if (
    filled >= 3 &&
    share(cells, (cell) => findNumbers(cell, { cardContext: true }).some((f) => f.kind === 'bank-card')) >=
      0.6
  ) {
    return 'card';
  }
  if (
    filled >= 3 &&
    share(cells, (cell) => /^[A-Za-z0-9-]{10,40}$/u.test(cell) && findNumbers(cell).length === 0) >= 0.8
  ) {
    return 'order';
  }
  return 'other';
}

/** Header row and column kinds of a table, from its first rows. */
function detectLayout(sample: readonly TableRow[]): Layout {
  const header = findHeader(sample);
  const width = sample.reduce((max, row) => Math.max(max, row.cells.length), 0);
  const kinds: LeakedColumnKind[] = [];
  const sources: Array<LeakedColumn['source']> = [];
  for (let index = 0; index < width; index += 1) {
    const kind = header?.kinds[index] ?? 'other';
    kinds.push(kind);
    sources.push(kind === 'other' ? 'none' : 'header');
  }
  // 详细地址 is the street only when province/city/district have columns of their own.
  const hasDivisions = kinds.some((kind) => kind === 'province' || kind === 'city' || kind === 'district');
  if (!hasDivisions) {
    kinds.forEach((kind, index) => {
      if (kind === 'street') kinds[index] = 'address';
    });
  }
  const dataRows = sample.filter((row) => (header === null || row.row > header.row.row) && !isEmptyRow(row));
  for (let index = 0; index < width; index += 1) {
    if (kinds[index] !== 'other') continue;
    const kind = classifyContent(dataRows.map((row) => row.cells[index] ?? ''));
    if (kind !== 'other') {
      kinds[index] = kind;
      sources[index] = 'content';
    }
  }
  return {
    headerRow: header === null ? null : header.row.row,
    columns: kinds.map((kind, index) => ({ column: index + 1, kind, source: sources[index] ?? 'none' })),
  };
}

const PHONE_KINDS: ReadonlySet<NumberFinding['kind']> = new Set(['mobile', 'mobile-masked', 'landline']);

/** Extracts the record fields of one table row and the reason when it has no PII. */
function readTableRow(
  state: ReadState,
  row: TableRow,
  columns: readonly LeakedColumn[],
  sheet: string | undefined,
): { fields: Fields; reason: string | null } {
  const fields: Fields = {};
  const parts: { province?: string; city?: string; district?: string; street?: string } = {};
  let phoneInvalid = false;
  let idInvalid = false;
  let cardInvalid = false;
  let nameBesidePhone: string | null = null;

  for (const [index, rawCell] of row.cells.entries()) {
    if (rawCell.trim() === '') continue;
    const cell = capCell(state, rawCell, row.row, sheet);
    const kind = columns[index]?.kind ?? 'other';
    switch (kind) {
      case 'phone': {
        const found = findNumbers(cell);
        if (!found.some((finding) => PHONE_KINDS.has(finding.kind))) {
          phoneInvalid = true;
          state.checks.phoneInvalid += 1;
        }
        for (const finding of found) addFinding(fields, finding);
        continue;
      }
      case 'id': {
        const found = findNumbers(cell);
        if (!found.some((finding) => finding.kind === 'id-number' || finding.kind === 'id-masked')) {
          if (normalizeResidentId(cell) !== null) {
            idInvalid = true;
            state.checks.idCheckFailed += 1;
          }
        }
        for (const finding of found) addFinding(fields, finding);
        continue;
      }
      case 'card': {
        const found = findNumbers(cell, { cardContext: true });
        if (!found.some((finding) => finding.kind === 'bank-card') && normalizeBankCard(cell) !== null) {
          cardInvalid = true;
          state.checks.cardLuhnFailed += 1;
        }
        for (const finding of found) addFinding(fields, finding);
        continue;
      }
      case 'name': {
        const name = recognizeName(cell);
        if (name) addFinding(fields, name);
        else for (const finding of extractFromText(cell)) addFinding(fields, finding);
        continue;
      }
      case 'address': {
        const address = parseAddress(cell);
        if (address) addFinding(fields, address);
        for (const finding of findNumbers(cell)) addFinding(fields, finding);
        continue;
      }
      case 'province':
      case 'city':
      case 'district':
      case 'street':
        parts[kind] ??= cell.normalize('NFKC').replace(/\s+/gu, ' ').trim();
        continue;
      case 'order':
        fields.orderId ??= cell.trim().slice(0, 64);
        continue;
      case 'other': {
        const found = extractFromText(cell);
        for (const finding of found) addFinding(fields, finding);
        if (found.length === 0 && nameBesidePhone === null && looksLikePersonName(cell))
          nameBesidePhone = cell;
        continue;
      }
    }
  }

  if (
    parts.province !== undefined ||
    parts.city !== undefined ||
    parts.district !== undefined ||
    parts.street !== undefined
  ) {
    const raw = [parts.province, parts.city, parts.district, parts.street]
      .filter((part) => part !== undefined)
      .join('');
    if (fields.address === undefined) {
      const parsed = parseAddress(raw);
      fields.address = {
        ...(parsed?.province !== undefined ? { province: parsed.province } : {}),
        ...(parts.city !== undefined
          ? { city: parts.city }
          : parsed?.city !== undefined
            ? { city: parsed.city }
            : {}),
        ...(parts.district !== undefined
          ? { district: parts.district }
          : parsed?.district !== undefined
            ? { district: parsed.district }
            : {}),
        ...(parts.street !== undefined ? { street: parts.street } : {}),
        raw,
      };
    } else {
      const address = fields.address;
      const parsedProvince =
        parts.province === undefined ? undefined : parseAddress(parts.province)?.province;
      fields.address = {
        ...address,
        ...(address.province === undefined && parsedProvince !== undefined
          ? { province: parsedProvince }
          : {}),
        ...(address.city === undefined && parts.city !== undefined ? { city: parts.city } : {}),
        ...(address.district === undefined && parts.district !== undefined
          ? { district: parts.district }
          : {}),
      };
    }
  }
  // A bare name in an unclassified column counts when the same row has a phone number.
  if (fields.name === undefined && nameBesidePhone !== null && hasPhone(fields)) {
    const name = recognizeName(nameBesidePhone);
    if (name) addFinding(fields, name);
  }

  if (hasPii(fields)) return { fields, reason: null };
  if (phoneInvalid) return { fields, reason: 'the phone column holds no valid mobile or landline number' };
  if (idInvalid) return { fields, reason: 'the ID number fails the GB 11643 check' };
  if (cardInvalid) return { fields, reason: 'the card number fails the Luhn check' };
  if ((row.lostNumbers ?? 0) > 0) {
    return {
      fields,
      reason: 'a number has more digits than Excel keeps (15): an ID or card number in it was lost',
    };
  }
  if (fields.orderId !== undefined) return { fields, reason: `only an order number; ${NO_PII}` };
  return { fields, reason: NO_PII };
}

/** Per-table counts, for the sheet summary. */
type TableSummary = {
  rowsRead: number;
  rowsWithPii: number;
  rowsWithoutPii: number;
  rowsEmpty: number;
  layout: Layout;
};

/** Reads a table: finds its layout from the first rows, then extracts every row. */
function readTable(state: ReadState, rows: Iterable<TableRow>, sheet: string | undefined): TableSummary {
  const iterator = rows[Symbol.iterator]();
  const sample: TableRow[] = [];
  let sampled = 0;
  while (sampled < CLASSIFY_SAMPLE_ROWS) {
    const next = iterator.next();
    if (next.done) break;
    sample.push(next.value);
    if (!isEmptyRow(next.value)) sampled += 1;
  }
  const layout = detectLayout(sample);
  const summary: TableSummary = { rowsRead: 0, rowsWithPii: 0, rowsWithoutPii: 0, rowsEmpty: 0, layout };

  const handle = (row: TableRow): boolean => {
    if (row.row === layout.headerRow) return true;
    if (isEmptyRow(row)) {
      state.rowsEmpty += 1;
      summary.rowsEmpty += 1;
      return true;
    }
    if (!mayReadRow(state)) return false;
    countRow(state);
    summary.rowsRead += 1;
    const { fields, reason: rowReason } = readTableRow(state, row, layout.columns, sheet);
    const aboveHeader = layout.headerRow !== null && row.row < layout.headerRow;
    const reason =
      rowReason !== null && aboveHeader ? `above the header row (a title or note); ${rowReason}` : rowReason;
    if (reason === null) {
      state.rowsWithPii += 1;
      summary.rowsWithPii += 1;
      state.records.push(
        sheet === undefined ? { row: row.row, ...fields } : { row: row.row, sheet, ...fields },
      );
    } else {
      state.rowsWithoutPii += 1;
      summary.rowsWithoutPii += 1;
      skip(state, row.row, sheet, reason);
    }
    return true;
  };

  for (const row of sample) if (!handle(row)) return summary;
  for (let next = iterator.next(); !next.done; next = iterator.next())
    if (!handle(next.value)) return summary;
  return summary;
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

const DELIMITERS: readonly LeakedFileDelimiter[] = [',', '\t', ';', '|'];

/** Occurrences of `delimiter` in `line` outside double quotes. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) count += 1;
  }
  return count;
}

/**
 * The delimiter that splits the first lines most consistently: for each candidate, the most common
 * per-line count and the share of lines having it. `consistent` when that count is at least 1 on at
 * least 80% of two or more lines.
 */
export function sniffDelimiter(text: string): { delimiter: LeakedFileDelimiter; consistent: boolean } | null {
  const sample = text.slice(0, 64 * 1024);
  const lines = sample.split(/\r\n|\n|\r/u);
  if (sample.length < text.length) lines.pop();
  const filled = lines.filter((line) => line.trim() !== '').slice(0, 50);
  if (filled.length === 0) return null;
  let best: { delimiter: LeakedFileDelimiter; consistency: number; count: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const counts = filled.map((line) => countOutsideQuotes(line, delimiter));
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    let mode = 0;
    let modeFrequency = 0;
    for (const [count, times] of frequency) {
      if (count > 0 && (times > modeFrequency || (times === modeFrequency && count > mode))) {
        mode = count;
        modeFrequency = times;
      }
    }
    if (mode === 0) continue;
    const consistency = modeFrequency / filled.length;
    if (
      best === null ||
      consistency > best.consistency ||
      (consistency === best.consistency && mode > best.count)
    ) {
      best = { delimiter, consistency, count: mode };
    }
  }
  if (best === null) return null;
  return { delimiter: best.delimiter, consistent: filled.length >= 2 && best.consistency >= 0.8 };
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The end of an unquoted field: the next delimiter, line break or the end of the text. */
function fieldEnd(text: string, from: number, delimiter: number): number {
  let cursor = from;
  while (cursor < text.length) {
    const code = text.charCodeAt(cursor);
    if (code === delimiter || code === LF || code === CR) break;
    cursor += 1;
  }
  return cursor;
}

/** A quoted field starting at `from` (the quote): its value, end and line breaks, or null if never closed. */
function quotedField(text: string, from: number): { value: string; end: number; breaks: number } | null {
  let cursor = from + 1;
  let value = '';
  let breaks = 0;
  const limit = Math.min(text.length, from + MAX_QUOTED_CHARS);
  while (cursor < limit) {
    const next = text.indexOf('"', cursor);
    if (next === -1 || next >= limit) return null;
    const chunk = text.slice(cursor, next);
    for (let index = 0; index < chunk.length; index += 1) if (chunk.charCodeAt(index) === LF) breaks += 1;
    value += chunk;
    if (text.charCodeAt(next + 1) === QUOTE) {
      value += '"';
      cursor = next + 2;
      continue;
    }
    return { value, end: next + 1, breaks };
  }
  return null;
}

/**
 * Rows of delimited text (RFC 4180 quoting, lenient): a quote that is never closed is read as a
 * literal character and reported, text after a closing quote is kept, and `\r\n`, `\n` or `\r` end
 * a row. Each row carries the line it starts on.
 */
function* delimitedRows(
  state: ReadState,
  text: string,
  delimiter: LeakedFileDelimiter,
  firstLine: number,
): Generator<TableRow> {
  const code = delimiter.charCodeAt(0);
  let index = 0;
  let line = firstLine;
  while (index < text.length) {
    const rowLine = line;
    const cells: string[] = [];
    let wide = false;
    for (;;) {
      let value: string;
      if (text.charCodeAt(index) === QUOTE) {
        const quoted = quotedField(text, index);
        if (quoted) {
          line += quoted.breaks;
          const tail = fieldEnd(text, quoted.end, code);
          value = quoted.value + text.slice(quoted.end, tail);
          index = tail;
        } else {
          state.unclosedQuotes += 1;
          state.firstUnclosedQuote ??= rowLine;
          const end = fieldEnd(text, index, code);
          value = text.slice(index, end);
          index = end;
        }
      } else {
        const end = fieldEnd(text, index, code);
        value = text.slice(index, end);
        index = end;
      }
      if (cells.length < MAX_COLUMNS) cells.push(value);
      else wide = true;
      if (index < text.length && text.charCodeAt(index) === code) {
        index += 1;
        continue;
      }
      break;
    }
    if (text.charCodeAt(index) === CR) index += 1;
    if (text.charCodeAt(index) === LF) index += 1;
    line += 1;
    if (wide) noteWideRow(state, rowLine, undefined);
    yield { row: rowLine, cells };
  }
}

function readCsv(
  state: ReadState,
  text: string,
  delimiter: LeakedFileDelimiter,
  firstLine: number,
): TableSummary {
  return readTable(state, delimitedRows(state, text, delimiter, firstLine), undefined);
}

// ---------------------------------------------------------------------------------------------
// Plain text and chat pastes
// ---------------------------------------------------------------------------------------------

/** Whether two partial records both have a field of the same kind (then they are two records). */
function overlaps(a: Fields, b: Fields): boolean {
  return (
    (hasPhone(a) && hasPhone(b)) ||
    (a.name !== undefined && b.name !== undefined) ||
    ((a.idNumber !== undefined || a.idMasked !== undefined) &&
      (b.idNumber !== undefined || b.idMasked !== undefined)) ||
    (a.bankCard !== undefined && b.bankCard !== undefined) ||
    (a.address !== undefined && b.address !== undefined) ||
    (a.orderId !== undefined && b.orderId !== undefined)
  );
}

/**
 * Reads text line by line with the free-text recognizers. Consecutive lines whose fields do not
 * repeat (收件人… / 电话… / 地址… on lines of their own) form one record; a blank line, a field seen
 * twice or two lines without PII end it.
 */
function readText(state: ReadState, text: string): void {
  const lines = text.split(/\r\n|\n|\r/u);
  let block: { row: number; fields: Fields } | null = null;
  let quiet = 0;
  const flush = (): void => {
    if (block !== null && hasPii(block.fields)) state.records.push({ row: block.row, ...block.fields });
    block = null;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const row = index + 1;
    if (line.trim() === '') {
      if (index < lines.length - 1 || line !== '') state.rowsEmpty += 1;
      flush();
      continue;
    }
    if (!mayReadRow(state)) break;
    countRow(state);
    const fields: Fields = {};
    for (const finding of extractFromText(capCell(state, line, row, undefined))) addFinding(fields, finding);
    if (hasPii(fields)) state.rowsWithPii += 1;
    else {
      state.rowsWithoutPii += 1;
      skip(state, row, undefined, fields.orderId !== undefined ? `only an order number; ${NO_PII}` : NO_PII);
    }
    if (!hasPii(fields) && fields.orderId === undefined) {
      quiet += 1;
      if (quiet >= 2) flush();
      continue;
    }
    quiet = 0;
    const current: { row: number; fields: Fields } | null = block;
    if (current !== null && !overlaps(current.fields, fields)) Object.assign(current.fields, fields);
    else {
      flush();
      block = { row, fields };
    }
  }
  flush();
}

// ---------------------------------------------------------------------------------------------
// Decoding and file type
// ---------------------------------------------------------------------------------------------

type Decoded = { text: string; encoding: LeakedFileEncoding };

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/** A name for well-known binary formats, for the problem message. */
function binaryFormatName(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'a PDF document';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'a PNG image';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'a JPEG image';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'a GIF image';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'a gzip archive';
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf])) return 'a 7z archive';
  if (startsWith(bytes, [0x52, 0x61, 0x72, 0x21])) return 'a RAR archive';
  return null;
}

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04] as const;

/** Whether the bytes look like UTF-16 without a BOM: many NULs, nearly all on one side of each pair. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const length = Math.min(bytes.length, 4096) & ~1;
  if (length < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < length; index += 2) {
    if (bytes[index] === 0) evenZeros += 1;
    if (bytes[index + 1] === 0) oddZeros += 1;
  }
  const pairs = length / 2;
  if (oddZeros >= pairs * 0.3 && evenZeros <= pairs * 0.02) return 'utf-16le';
  if (evenZeros >= pairs * 0.3 && oddZeros <= pairs * 0.02) return 'utf-16be';
  return null;
}

/** Share of control bytes (other than tab, line feed, carriage return, form feed, escape) in the first 64 KiB. */
function controlShare(bytes: Uint8Array): number {
  const length = Math.min(bytes.length, 64 * 1024);
  let control = 0;
  for (let index = 0; index < length; index += 1) {
    const byte = bytes[index] ?? 0;
    if (byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12 && byte !== 27) control += 1;
  }
  return length === 0 ? 0 : control / length;
}

/**
 * Decodes text bytes, or says why they are not text. UTF-8 is tried strictly first (a file cut in
 * the middle of a character is still UTF-8, with a problem noted); if that fails, GBK (GB18030).
 */
function decodeText(bytes: Uint8Array, problems: string[]): Decoded | { notText: string } {
  if (startsWith(bytes, [0xff, 0xfe]))
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff]))
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  const body = bom ? bytes.subarray(3) : bytes;
  if (body.includes(0)) {
    const utf16 = utf16WithoutBom(body);
    if (utf16 !== null) return { text: new TextDecoder(utf16).decode(body), encoding: utf16 };
    return { notText: 'it holds NUL bytes, so it is binary data, not text' };
  }
  if (controlShare(body) > 0.05)
    return { notText: 'it holds many control characters, so it is binary data, not text' };
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let text: string | null = null;
  try {
    text = strict.decode(body, { stream: true });
    try {
      text += strict.decode();
    } catch {
      problems.push(
        'The file ends in the middle of a UTF-8 character: it was probably cut off; the last character was dropped.',
      );
    }
  } catch {
    text = null;
  }
  if (text !== null) return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  if (bom) {
    problems.push(
      'The file starts with a UTF-8 mark but holds invalid UTF-8; the invalid bytes were replaced.',
    );
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body), encoding: 'utf-8-bom' };
  }
  const gbk = iconv.decode(body, 'gb18030');
  let replaced = 0;
  for (let index = gbk.indexOf('\uFFFD'); index !== -1; index = gbk.indexOf('\uFFFD', index + 1))
    replaced += 1;
  if (replaced > Math.max(8, gbk.length * 0.01)) {
    return { notText: 'it is neither valid UTF-8 nor GBK text' };
  }
  if (replaced > 0)
    problems.push(
      `The file is not valid UTF-8; it was read as GBK, and ${replaced} undecodable byte sequences were replaced.`,
    );
  return { text: gbk, encoding: 'gbk' };
}

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

function u16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);
}

function u32(bytes: Uint8Array, offset: number): number {
  return u16(bytes, offset) + u16(bytes, offset + 2) * 0x10000;
}

type ZipDirectory =
  | { readonly ok: true; readonly names: readonly string[]; readonly expandedBytes: number }
  | { readonly ok: false; readonly reason: string };

const utf8Lenient = new TextDecoder('utf-8');

/**
 * The zip central directory (entry names and their total expanded size), read without inflating
 * anything: a truncated download has no directory at its end, and the expanded size exposes zip bombs
 * before the spreadsheet library is given the file.
 */
function readZipDirectory(bytes: Uint8Array): ZipDirectory {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let position = bytes.length - 22; position >= lowest; position -= 1) {
    if (
      bytes[position] !== 0x50 ||
      bytes[position + 1] !== 0x4b ||
      bytes[position + 2] !== 5 ||
      bytes[position + 3] !== 6
    ) {
      continue;
    }
    const count = u16(bytes, position + 10);
    const size = u32(bytes, position + 12);
    const offset = u32(bytes, position + 16);
    if (count === 0xffff || offset === 0xffffffff)
      return { ok: false, reason: 'it uses the ZIP64 format, which is not supported' };
    if (offset + size > position)
      return { ok: false, reason: 'its zip directory points outside the file (damaged or cut off)' };
    const names: string[] = [];
    let expandedBytes = 0;
    let cursor = offset;
    for (let entry = 0; entry < count; entry += 1) {
      if (u32(bytes, cursor) !== 0x02014b50 || cursor + 46 > position) {
        return { ok: false, reason: 'its zip directory is damaged' };
      }
      const expanded = u32(bytes, cursor + 24);
      const nameLength = u16(bytes, cursor + 28);
      const extraLength = u16(bytes, cursor + 30);
      const commentLength = u16(bytes, cursor + 32);
      names.push(utf8Lenient.decode(bytes.subarray(cursor + 46, cursor + 46 + nameLength)));
      expandedBytes += expanded === 0xffffffff ? Number.POSITIVE_INFINITY : expanded;
      cursor += 46 + nameLength + extraLength + commentLength;
    }
    return { ok: true, names, expandedBytes };
  }
  return { ok: false, reason: 'it has no zip directory at its end (the download was probably cut off)' };
}

/** The name of the first entry in a zip, from its local header (readable even when the file is cut off). */
function firstZipEntryName(bytes: Uint8Array): string {
  const nameLength = u16(bytes, 26);
  return utf8Lenient.decode(bytes.subarray(30, 30 + nameLength));
}

function looksLikeOfficeZip(name: string): boolean {
  return /^(\[Content_Types\]\.xml|xl\/|_rels\/|docProps\/)/u.test(name);
}

type CellText = { readonly text: string; readonly tooLong: boolean };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The text of an exceljs cell value: rich text joined, formulas by their result, dates and errors empty. */
function cellText(value: CellValue | unknown): CellText {
  if (value === null || value === undefined) return { text: '', tooLong: false };
  if (typeof value === 'string') return { text: value, tooLong: false };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER)
      return { text: '', tooLong: true };
    return { text: Number.isInteger(value) ? value.toFixed(0) : String(value), tooLong: false };
  }
  if (typeof value === 'boolean' || value instanceof Date) return { text: '', tooLong: false };
  if (isObject(value)) {
    const richText = value.richText;
    if (Array.isArray(richText)) {
      return {
        text: richText
          .map((part: unknown) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
          .join(''),
        tooLong: false,
      };
    }
    if ('text' in value) return cellText(value.text);
    if ('result' in value) return cellText(value.result);
  }
  return { text: '', tooLong: false };
}

/** Rows of a worksheet; a merged range gives its value in its top-left cell only. */
function* worksheetRows(
  state: ReadState,
  worksheet: Worksheet,
  merged: { count: number },
): Generator<TableRow> {
  const last = worksheet.rowCount;
  for (let number = 1; number <= last; number += 1) {
    const row = worksheet.findRow(number);
    const cells: string[] = [];
    let lostNumbers = 0;
    if (row !== undefined) {
      let wide = false;
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        if (column > MAX_COLUMNS) {
          wide = true;
          return;
        }
        if (cell.isMerged && cell.master.address !== cell.address) {
          merged.count += 1;
          return;
        }
        const { text, tooLong } = cellText(cell.value);
        if (tooLong) {
          state.checks.numbersTooLong += 1;
          lostNumbers += 1;
        }
        while (cells.length < column - 1) cells.push('');
        cells[column - 1] = text;
      });
      if (wide) noteWideRow(state, number, worksheet.name);
    }
    yield lostNumbers > 0 ? { row: number, cells, lostNumbers } : { row: number, cells };
  }
}

async function loadWorkbook(bytes: Uint8Array): Promise<Workbook> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  // exceljs types `load` with its own ArrayBuffer-shaped Buffer; hand it a plain ArrayBuffer copy.
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  return workbook;
}

async function readXlsx(state: ReadState, bytes: Uint8Array): Promise<LeakedSheet[]> {
  let workbook: Workbook;
  try {
    workbook = await loadWorkbook(bytes);
  } catch {
    state.problems.push('The workbook could not be opened: it is damaged or not a valid XLSX file.');
    return [];
  }
  const sheets: LeakedSheet[] = [];
  for (const worksheet of workbook.worksheets) {
    const name = worksheet.name;
    const stateOfSheet =
      worksheet.state === 'hidden' || worksheet.state === 'veryHidden' ? worksheet.state : 'visible';
    if (state.truncated) {
      sheets.push({
        name,
        state: stateOfSheet,
        rowsRead: 0,
        rowsWithPii: 0,
        rowsWithoutPii: 0,
        rowsEmpty: 0,
        mergedCellsSkipped: 0,
        columns: [],
        problem: 'not read: the row limit was reached',
      });
      continue;
    }
    const merged = { count: 0 };
    try {
      const summary = readTable(state, worksheetRows(state, worksheet, merged), name);
      sheets.push({
        name,
        state: stateOfSheet,
        rowsRead: summary.rowsRead,
        rowsWithPii: summary.rowsWithPii,
        rowsWithoutPii: summary.rowsWithoutPii,
        rowsEmpty: summary.rowsEmpty,
        mergedCellsSkipped: merged.count,
        ...(summary.layout.headerRow !== null ? { headerRow: summary.layout.headerRow } : {}),
        columns: summary.layout.columns,
      });
    } catch {
      const problem = 'the sheet could not be read';
      state.problems.push(`Sheet "${name}": ${problem}.`);
      sheets.push({
        name,
        state: stateOfSheet,
        rowsRead: 0,
        rowsWithPii: 0,
        rowsWithoutPii: 0,
        rowsEmpty: 0,
        mergedCellsSkipped: merged.count,
        columns: [],
        problem,
      });
    }
  }
  if (workbook.worksheets.length === 0) state.problems.push('The workbook has no sheets.');
  return sheets;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

function report(
  state: ReadState,
  base: Pick<LeakedFileReport, 'kind' | 'encoding' | 'bytes'> & Partial<LeakedFileReport>,
): LeakedFileReport {
  const problems = [...state.problems];
  if (state.unclosedQuotes > 0) {
    problems.push(
      `${state.unclosedQuotes} quoted field(s) were never closed (first at ${where(state.firstUnclosedQuote ?? 0, undefined)}); their quote was read as a plain character.`,
    );
  }
  if (state.longCells > 0) {
    problems.push(
      `${state.longCells} cell(s) or line(s) were longer than ${MAX_CELL_CHARS.toLocaleString('en-US')} characters (first at ${state.firstLongCell ?? '?'}); only their start was read.`,
    );
  }
  if (state.wideRows > 0) {
    problems.push(
      `${state.wideRows} row(s) have more than ${MAX_COLUMNS.toLocaleString('en-US')} columns (first at ${state.firstWideRow ?? '?'}); only the first ${MAX_COLUMNS.toLocaleString('en-US')} were read.`,
    );
  }
  if (state.checks.numbersTooLong > 0) {
    problems.push(
      `${state.checks.numbersTooLong} number cell(s) have more digits than Excel keeps (15): ID or card numbers typed as numbers lost their last digits and could not be checked.`,
    );
  }
  if (state.truncated) {
    problems.push(
      `Reading stopped after ${state.maxRows.toLocaleString('en-US')} rows (maxRows); the rest of the file was not read.`,
    );
  }
  if (base.kind !== 'unreadable' && state.rowsRead === 0 && problems.length === 0) {
    problems.push('The file holds no rows with content.');
  }
  state.onProgress?.(state.rowsRead);
  return {
    ...base,
    rowsRead: state.rowsRead,
    rowsWithPii: state.rowsWithPii,
    rowsWithoutPii: state.rowsWithoutPii,
    rowsEmpty: state.rowsEmpty,
    truncated: state.truncated,
    checks: { ...state.checks },
    skipped: state.skipped,
    skippedTotal: state.skippedTotal,
    records: state.records,
    problems,
  };
}

/** The lower-cased extension of a file name, without the dot. */
function extensionOf(name: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/u.exec(name.trim());
  return (match?.[1] ?? '').toLowerCase();
}

/**
 * Reads a leaked file and extracts candidate customer records.
 *
 * Kinds: XLSX (zip signature and an `xl/` workbook; every sheet, hidden ones too; merged ranges read
 * once; title rows above the header allowed), CSV/TSV (delimiter sniffed among `,` `\t` `;` `|`, an
 * Excel `sep=` line honoured; header found by Chinese or English names, columns classified by content
 * otherwise), and anything else that is text, line by line (chat pastes). Text is UTF-8 (with or
 * without BOM), UTF-16 with BOM, or else GBK; `encoding` says which.
 *
 * Never throws for the file's content: empty, binary, damaged or unsupported files give a report with
 * `problems`. Throws `CORDON_ERR_VALIDATION` only for a file above {@link LEAKED_FILE_MAX_BYTES}. The
 * report's messages never contain a value from the file, only row numbers, counts and (for XLSX) sheet
 * names. `name` is used only for its extension (`.csv`/`.tsv` force CSV).
 */
export async function readLeakedFile(
  bytes: Uint8Array,
  name: string,
  options: ReadLeakedFileOptions = {},
): Promise<LeakedFileReport> {
  if (bytes.length > LEAKED_FILE_MAX_BYTES) {
    throw new CordonError(
      'CORDON_ERR_VALIDATION',
      `The file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; leaked files are read up to ${LEAKED_FILE_MAX_BYTES / 1024 / 1024} MB. Send a part of it (a sample of rows is enough to trace).`,
      { field: 'file', bytes: bytes.length, limitBytes: LEAKED_FILE_MAX_BYTES },
    );
  }
  const state = newState(options);
  const size = bytes.length;
  if (size === 0) {
    state.problems.push('The file is empty.');
    return report(state, { kind: 'unreadable', encoding: null, bytes: size });
  }

  if (startsWith(bytes, ZIP_SIGNATURE)) {
    const directory = readZipDirectory(bytes);
    if (!directory.ok) {
      const office = looksLikeOfficeZip(firstZipEntryName(bytes)) || extensionOf(name) === 'xlsx';
      state.problems.push(
        `The ${office ? 'XLSX workbook' : 'zip archive'} cannot be read: ${directory.reason}.`,
      );
      return report(state, { kind: office ? 'xlsx' : 'unreadable', encoding: null, bytes: size });
    }
    if (!directory.names.includes('xl/workbook.xml')) {
      const what = directory.names.includes('xl/workbook.bin')
        ? 'an XLSB (binary Excel) workbook, which is not supported: save it as .xlsx or CSV'
        : directory.names.some((entry) => entry.startsWith('word/'))
          ? 'a Word document, not a spreadsheet'
          : 'a zip archive, not an XLSX workbook: unpack it and trace the files inside';
      state.problems.push(`The file is ${what}.`);
      return report(state, { kind: 'unreadable', encoding: null, bytes: size });
    }
    if (directory.expandedBytes > XLSX_MAX_EXPANDED_BYTES) {
      state.problems.push(
        `The workbook expands to more than ${XLSX_MAX_EXPANDED_BYTES / 1024 / 1024} MB, which this reader does not open; save its sheets as CSV and trace those.`,
      );
      return report(state, { kind: 'xlsx', encoding: null, bytes: size });
    }
    const sheets = await readXlsx(state, bytes);
    return report(state, { kind: 'xlsx', encoding: null, bytes: size, sheets });
  }

  if (startsWith(bytes, OLE_SIGNATURE)) {
    state.problems.push(
      'The file is an old-format Office file (.xls or .doc), which is not supported: open it in Excel or WPS and save it as .xlsx or CSV.',
    );
    return report(state, { kind: 'unreadable', encoding: null, bytes: size });
  }
  const format = binaryFormatName(bytes);
  if (format !== null) {
    state.problems.push(`The file is ${format}, not a spreadsheet or text.`);
    return report(state, { kind: 'unreadable', encoding: null, bytes: size });
  }

  const decoded = decodeText(bytes, state.problems);
  if ('notText' in decoded) {
    state.problems.push(`The file cannot be read: ${decoded.notText}, and it is not an XLSX workbook.`);
    return report(state, { kind: 'unreadable', encoding: null, bytes: size });
  }
  const { encoding } = decoded;
  let text = decoded.text.startsWith('\uFEFF') ? decoded.text.slice(1) : decoded.text;
  if (text.trim() === '') {
    state.problems.push('The file holds only whitespace.');
    return report(state, { kind: 'text', encoding, bytes: size });
  }

  // Excel writes `sep=;` as the first line of some CSV exports.
  let firstLine = 1;
  let delimiter: LeakedFileDelimiter | null = null;
  const sep = /^sep=([,\t;|])\r?\n/u.exec(text);
  if (sep) {
    delimiter = (sep[1] ?? ',') as LeakedFileDelimiter;
    text = text.slice(sep[0].length);
    firstLine = 2;
  }
  const extension = extensionOf(name);
  if (delimiter === null) {
    const sniffed = sniffDelimiter(text);
    if (sniffed?.consistent) delimiter = sniffed.delimiter;
    else if (extension === 'csv') delimiter = sniffed?.delimiter ?? ',';
    else if (extension === 'tsv') delimiter = '\t';
  }
  if (delimiter !== null) {
    const summary = readCsv(state, text, delimiter, firstLine);
    return report(state, {
      kind: 'csv',
      encoding,
      bytes: size,
      delimiter,
      ...(summary.layout.headerRow !== null ? { headerRow: summary.layout.headerRow } : {}),
      columns: summary.layout.columns,
    });
  }
  readText(state, text);
  return report(state, { kind: 'text', encoding, bytes: size });
}
