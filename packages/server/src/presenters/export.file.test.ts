import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type ExportTable, writeExportCsv, writeExportXlsx } from './export.file';

const createdAt = new Date('2025-03-14T08:30:00.000Z');

const meta: ExportTable['meta'] = {
  exportId: 'exp_01',
  purpose: 'Quarterly churn review',
  recipient: 'analytics@example.com',
  approvedBy: 'li.wei',
  createdAt,
  masked: true,
};

const columns: ExportTable['columns'] = [
  { key: 'name', header: '姓名' },
  { key: 'note', header: 'Note' },
  { key: 'total', header: 'Total' },
  { key: 'channel', header: 'Channel' },
];

const table: ExportTable = {
  columns,
  rows: [
    { name: '张*', note: 'plain', total: 128.5, channel: 'web' },
    { name: '欧阳**', note: 'a, "quoted"\r\nsecond line', total: -3, channel: null },
    { name: '王*', note: '=HYPERLINK("x")', total: 0, channel: '@evil' },
    { name: '+1 (555)', note: '-2+3', total: 42, channel: '\tcmd' },
    { name: '李*', note: '\rhidden', total: 7 },
  ],
  meta,
};

/** What both files must carry for `table`, row by row, as text. */
const expectedCells = [
  ['姓名', 'Note', 'Total', 'Channel'],
  ['张*', 'plain', '128.5', 'web'],
  ['欧阳**', 'a, "quoted"\r\nsecond line', '-3', ''],
  ['王*', `'=HYPERLINK("x")`, '0', "'@evil"],
  ["'+1 (555)", "'-2+3", '42', "'\tcmd"],
  ['李*', "'\rhidden", '7', ''],
];

function readCsv(buffer: Buffer): string[][] {
  return parseCsv(buffer, { bom: true, relax_column_count: false });
}

async function loadXlsx(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs types `load` with its own ArrayBuffer-shaped `Buffer`; hand it a plain ArrayBuffer copy.
  await workbook.xlsx.load(new Uint8Array(buffer).buffer);
  return workbook;
}

function sheetOf(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`missing sheet ${name}`);
  return sheet;
}

/** Cell values of a sheet as a matrix, one entry per column in `width`. */
function valuesOf(sheet: ExcelJS.Worksheet, width: number): ExcelJS.CellValue[][] {
  const matrix: ExcelJS.CellValue[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const values: ExcelJS.CellValue[] = [];
    for (let c = 1; c <= width; c++) values.push(row.getCell(c).value);
    matrix.push(values);
  }
  return matrix;
}

describe('writeExportCsv', () => {
  it('starts with a UTF-8 BOM and ends every record with CRLF', () => {
    const buffer = writeExportCsv(table);
    expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buffer.toString('utf8');
    expect(text.startsWith('\uFEFF姓名,Note,Total,Channel\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Every bare LF in the file sits inside the one quoted multi-line cell.
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false);
  });

  it('quotes per RFC 4180 and defuses formula-looking strings', () => {
    const text = writeExportCsv(table).toString('utf8');
    expect(text).toContain('欧阳**,"a, ""quoted""\r\nsecond line",-3,\r\n');
    expect(text).toContain(`王*,"'=HYPERLINK(""x"")",0,'@evil\r\n`);
    expect(text).toContain(`李*,"'\rhidden",7,\r\n`);
  });

  it('reads back through csv-parse to exactly the expected cells', () => {
    expect(readCsv(writeExportCsv(table))).toEqual(expectedCells);
  });

  it('writes numbers as-is, without the formula defence', () => {
    const rows = readCsv(writeExportCsv(table));
    expect(rows[2]?.[2]).toBe('-3');
  });

  it('writes only the header for an empty table, and no meta', () => {
    const buffer = writeExportCsv({ ...table, rows: [] });
    expect(buffer.toString('utf8')).toBe('\uFEFF姓名,Note,Total,Channel\r\n');
    expect(readCsv(buffer)).toEqual([expectedCells[0]]);
  });
});

describe('writeExportXlsx', () => {
  it('writes the Export sheet with a bold, frozen header and the same cells as the CSV', async () => {
    const workbook = await loadXlsx(await writeExportXlsx(table));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Export', 'About']);

    const sheet = sheetOf(workbook, 'Export');
    expect(sheet.rowCount).toBe(6);
    expect(valuesOf(sheet, 4)).toEqual([
      ['姓名', 'Note', 'Total', 'Channel'],
      ['张*', 'plain', 128.5, 'web'],
      ['欧阳**', 'a, "quoted"\nsecond line', -3, null],
      ['王*', `'=HYPERLINK("x")`, 0, "'@evil"],
      ["'+1 (555)", "'-2+3", 42, "'\tcmd"],
      ['李*', "'\nhidden", 7, null],
    ]);

    // Same data as the CSV, cell for cell, once numbers and blanks are text and line breaks are LF.
    const asText = valuesOf(sheet, 4).map((row) => row.map((value) => (value === null ? '' : String(value))));
    expect(asText).toEqual(expectedCells.map((row) => row.map((cell) => cell.replace(/\r\n|\r/g, '\n'))));
    expect(sheet.getCell('B3').alignment?.wrapText).toBe(true);
    expect(sheet.getCell('B2').alignment?.wrapText).not.toBe(true);

    for (let c = 1; c <= 4; c++) expect(sheet.getRow(1).getCell(c).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(1).font?.bold).not.toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('never stores a formula: the formula-looking value is a plain string', async () => {
    const sheet = sheetOf(await loadXlsx(await writeExportXlsx(table)), 'Export');
    const cell = sheet.getCell('B4');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
    expect(cell.value).toBe(`'=HYPERLINK("x")`);
    expect(sheet.getCell('C3').type).toBe(ExcelJS.ValueType.Number);
  });

  it('sizes columns to content, wide characters counting double, capped at 40', async () => {
    const long = 'x'.repeat(100);
    const workbook = await loadXlsx(
      await writeExportXlsx({
        ...table,
        rows: [...table.rows, { name: '欧阳欧阳欧阳欧阳欧阳', note: long, total: 1, channel: 'web' }],
      }),
    );
    const sheet = sheetOf(workbook, 'Export');
    expect(sheet.getColumn(1).width).toBe(22);
    expect(sheet.getColumn(2).width).toBe(40);
    expect(sheet.getColumn(3).width).toBe(8);
  });

  it('writes the About sheet and deterministic workbook properties from the meta', async () => {
    const workbook = await loadXlsx(await writeExportXlsx({ ...table, meta: { ...meta, purpose: '=1+1' } }));
    expect(valuesOf(sheetOf(workbook, 'About'), 2)).toEqual([
      ['Export ID', 'exp_01'],
      ['Purpose', "'=1+1"],
      ['Recipient', 'analytics@example.com'],
      ['Approved by', 'li.wei'],
      ['Created at', '2025-03-14T08:30:00.000Z'],
      ['Masked', 'yes'],
    ]);
    expect(workbook.creator).toBe('Cordon');
    expect(workbook.created.toISOString()).toBe(createdAt.toISOString());
    expect(workbook.modified.toISOString()).toBe(createdAt.toISOString());

    const unmasked = await loadXlsx(await writeExportXlsx({ ...table, meta: { ...meta, masked: false } }));
    expect(sheetOf(unmasked, 'About').getCell('B6').value).toBe('no');
  });

  it('writes only the header row for an empty table, still with the About sheet', async () => {
    const workbook = await loadXlsx(await writeExportXlsx({ ...table, rows: [] }));
    const sheet = sheetOf(workbook, 'Export');
    expect(sheet.rowCount).toBe(1);
    expect(valuesOf(sheet, 4)).toEqual([['姓名', 'Note', 'Total', 'Channel']]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheetOf(workbook, 'About').getCell('B1').value).toBe('exp_01');
  });
});
