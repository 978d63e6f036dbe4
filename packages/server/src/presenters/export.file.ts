import ExcelJS from 'exceljs';

/** A cell value as it leaves the system: already masked or approved upstream, never re-derived here. */
export type ExportCell = string | number | null;

/**
 * One approved export, already shaped for a file. The writers below do no masking or authorization:
 * they only make sure that what was approved is what the recipient's spreadsheet shows, byte for byte
 * the same data in CSV and XLSX, and that no cell can run as a formula when opened.
 */
export interface ExportTable {
  /** Column keys and their header labels, in order. */
  columns: ReadonlyArray<{ key: string; header: string }>;
  /** One record per row; a key missing from a row is written as an empty cell, like `null`. */
  rows: ReadonlyArray<Readonly<Record<string, ExportCell>>>;
  /** Printed in the XLSX as a second sheet "About" and in the CSV as nothing (CSV stays pure data). */
  meta: {
    exportId: string;
    purpose: string;
    recipient: string;
    approvedBy: string;
    createdAt: Date;
    masked: boolean;
  };
}

const BOM = '\uFEFF';
const CRLF = '\r\n';
/** OWASP CSV injection: leading characters that make Excel, LibreOffice or Sheets evaluate a cell. */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const CSV_NEEDS_QUOTES = /[",\r\n]/;
const NEWLINE = /\r\n|\r|\n/g;
const EXPORT_SHEET = 'Export';
const ABOUT_SHEET = 'About';
const MIN_COLUMN_WIDTH = 8;
const MAX_COLUMN_WIDTH = 40;
/** East Asian wide/full-width ranges: such characters take about two Latin character widths in Excel. */
const WIDE_CHAR =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/**
 * Neutralises a string that a spreadsheet would evaluate: a leading `'` keeps it literal text. Applied
 * to every string cell (headers and meta included) in both formats so the two files carry equal data.
 */
function defuse(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/** The text a cell carries in either format; numbers stay numbers, `null` and missing become empty. */
function cellText(value: ExportCell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return defuse(value);
}

function csvField(text: string): string {
  return CSV_NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + CRLF;
}

/**
 * Writes the table as CSV for Excel: UTF-8 with a BOM (without it Excel on a Chinese-locale Windows
 * reads the bytes as GBK and garbles names), RFC 4180 quoting, CRLF after every record including the
 * last, header labels as the first record. Strings that start with `=`, `+`, `-`, `@`, tab or CR get a
 * leading `'` so they open as text, not formulas; numbers are written as-is and `null` as an empty field.
 * The meta is deliberately left out: the CSV is pure data, the audit trail lives in the ledger.
 */
export function writeExportCsv(table: ExportTable): Buffer {
  const { columns, rows } = table;
  let out = BOM + csvLine(columns.map((column) => defuse(column.header)));
  for (const row of rows) {
    out += csvLine(columns.map((column) => cellText(row[column.key])));
  }
  return Buffer.from(out, 'utf8');
}

/** Rough display width of a cell: the longest line, wide (CJK) characters counted twice. */
function displayWidth(text: string): number {
  let widest = 0;
  for (const line of text.split(NEWLINE)) {
    let width = 0;
    for (const char of line) width += WIDE_CHAR.test(char) ? 2 : 1;
    widest = Math.max(widest, width);
  }
  return widest;
}

function columnWidth(texts: readonly string[]): number {
  const content = Math.max(0, ...texts.map(displayWidth));
  return Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, content + 2));
}

/**
 * Writes the table as an XLSX workbook: sheet "Export" with a bold, frozen header row and columns sized
 * roughly to their content (capped at 40), then sheet "About" with the export's meta as key/value rows.
 * Strings are stored as plain (shared) strings, which Excel never evaluates, and still get the same
 * leading-`'` defence as the CSV so both files carry identical data, except that line breaks inside a
 * cell are LF here (XML and Excel normalise CR and CRLF to LF) where the CSV keeps them verbatim.
 * Creator and created/modified dates come from the meta, so two writes of one table differ only in the
 * zip container's own timestamps.
 */
export async function writeExportXlsx(table: ExportTable): Promise<Buffer> {
  const { columns, rows, meta } = table;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Cordon';
  workbook.lastModifiedBy = 'Cordon';
  workbook.created = meta.createdAt;
  workbook.modified = meta.createdAt;

  const sheet = workbook.addWorksheet(EXPORT_SHEET, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({
    key: column.key,
    header: defuse(column.header),
    width: columnWidth([defuse(column.header), ...rows.map((row) => cellText(row[column.key]))]),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    const added = sheet.addRow(columns.map((column) => xlsxValue(row[column.key])));
    added.eachCell((cell) => {
      if (typeof cell.value === 'string' && cell.value.includes('\n')) cell.alignment = { wrapText: true };
    });
  }

  const about = workbook.addWorksheet(ABOUT_SHEET);
  const aboutRows: ReadonlyArray<readonly [string, string]> = [
    ['Export ID', meta.exportId],
    ['Purpose', meta.purpose],
    ['Recipient', meta.recipient],
    ['Approved by', meta.approvedBy],
    ['Created at', meta.createdAt.toISOString()],
    ['Masked', meta.masked ? 'yes' : 'no'],
  ];
  about.columns = [
    { key: 'field', width: columnWidth(aboutRows.map(([field]) => field)) },
    { key: 'value', width: columnWidth(aboutRows.map(([, value]) => defuse(value))) },
  ];
  for (const [field, value] of aboutRows) about.addRow([field, xlsxValue(value)]);
  about.getColumn(1).font = { bold: true };

  // exceljs types its result as its own ArrayBuffer-like `Buffer`; copy into a real Node Buffer.
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * XML normalises CRLF and a lone CR to LF when the sheet is read (Excel's own in-cell line break is LF),
 * so line breaks are written as LF on purpose rather than left to the reader. The defence runs first,
 * so a leading CR still earns its `'`.
 */
function xlsxValue(value: ExportCell | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  return defuse(value).replace(NEWLINE, '\n');
}
