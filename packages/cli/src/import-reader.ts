import { createReadStream } from 'node:fs';
import { CordonError } from '@cordon/core';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';

export type ImportFormat = 'ndjson' | 'csv';
export type ImportEncoding = 'utf8' | 'gbk';

/** One record read from a file: either a value to validate, or an error tied to its line. */
export type ImportRecord = { line: number; value: unknown } | { line: number; error: CordonError };

const numericColumns = new Set(['total', 'revealQuota']);

/** `receiver.name` → `{ receiver: { name } }`; `items` holds a JSON array; empty cells are absent fields. */
export function unflattenCsvRow(row: Record<string, string>, line: number): ImportRecord {
  const out: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(row)) {
    if (raw === '') continue;
    let value: unknown = raw;
    if (column === 'items') {
      try {
        value = JSON.parse(raw);
      } catch {
        return {
          line,
          error: new CordonError(
            'CORDON_ERR_VALIDATION',
            `line ${line}: column items must hold a JSON array of items.`,
            {
              line,
              field: 'items',
            },
          ),
        };
      }
    } else if (numericColumns.has(column)) {
      value = Number(raw);
    }
    const path = column.split('.');
    let target = out;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (typeof next === 'object' && next !== null) target = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = {};
        target[key] = created;
        target = created;
      }
    }
    target[path[path.length - 1] as string] = value;
  }
  return { line, value: out };
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a byte stream into lines and decodes each one strictly, so a line with invalid UTF-8 (or GBK
 * mixed into a UTF-8 file) is reported with its number instead of being stored as mojibake.
 */
async function* decodedLines(
  path: string,
  encoding: ImportEncoding,
  onBytes: (n: number) => void,
): AsyncGenerator<{ line: number; text: string | null }> {
  let pending: Buffer = Buffer.alloc(0);
  let line = 0;
  const decode = (bytes: Buffer): string | null => {
    if (encoding === 'gbk') return iconv.decode(bytes, 'gbk');
    try {
      return fatalUtf8.decode(bytes);
    } catch {
      return null;
    }
  };
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    onBytes(bytes.length);
    pending = pending.length > 0 ? Buffer.concat([pending, bytes]) : bytes;
    let start = 0;
    for (let i = pending.indexOf(0x0a); i !== -1; i = pending.indexOf(0x0a, start)) {
      line += 1;
      let end = i;
      if (end > start && pending[end - 1] === 0x0d) end -= 1;
      yield { line, text: decode(pending.subarray(start, end)) };
      start = i + 1;
    }
    pending = pending.subarray(start);
  }
  if (pending.length > 0) {
    line += 1;
    yield { line, text: decode(pending) };
  }
}

/** Reads NDJSON or CSV records with their line numbers; malformed lines become errors, never crashes. */
export async function* readRecords(
  path: string,
  format: ImportFormat,
  encoding: ImportEncoding,
  onBytes: (n: number) => void = () => {},
): AsyncGenerator<ImportRecord> {
  if (format === 'ndjson') {
    for await (const { line, text } of decodedLines(path, encoding, onBytes)) {
      if (text === null) {
        yield {
          line,
          error: new CordonError(
            'CORDON_ERR_INVALID_ENCODING',
            `line ${line}: not valid UTF-8 (GBK mixed in? use --encoding gbk for GBK files).`,
            { line },
          ),
        };
        continue;
      }
      if (text.trim() === '') continue;
      try {
        yield { line, value: JSON.parse(text) };
      } catch {
        yield {
          line,
          error: new CordonError(
            'CORDON_ERR_VALIDATION',
            `line ${line}: not a complete JSON object (truncated line?).`,
            { line },
          ),
        };
      }
    }
    return;
  }
  // CSV: decode lines strictly first, so encoding errors keep their line numbers; a record whose
  // quoted cell holds line breaks spans several lines (an odd number of quotes so far means the
  // record goes on) and is reported by the line it starts on.
  let header: string[] | undefined;
  let pending: { line: number; text: string } | undefined;
  const finish = (start: number, text: string): ImportRecord | undefined => {
    let cells: string[];
    try {
      cells = parseCsvLine(text);
    } catch {
      return {
        line: start,
        error: new CordonError(
          'CORDON_ERR_VALIDATION',
          `line ${start}: malformed CSV (unbalanced quotes?).`,
          {
            line: start,
          },
        ),
      };
    }
    if (!header) {
      header = cells.map((c) => c.replace(/^\uFEFF/, '').trim());
      return undefined;
    }
    if (cells.length !== header.length) {
      return {
        line: start,
        error: new CordonError(
          'CORDON_ERR_VALIDATION',
          `line ${start}: ${cells.length} cells, the header has ${header.length} (truncated line?).`,
          { line: start },
        ),
      };
    }
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = cells[i] ?? '';
    });
    return unflattenCsvRow(row, start);
  };
  for await (const { line, text } of decodedLines(path, encoding, onBytes)) {
    if (text === null) {
      pending = undefined;
      yield {
        line,
        error: new CordonError(
          'CORDON_ERR_INVALID_ENCODING',
          `line ${line}: not valid UTF-8 (use --encoding gbk for GBK files).`,
          { line },
        ),
      };
      continue;
    }
    if (pending === undefined && text.trim() === '') continue;
    pending = pending ? { line: pending.line, text: `${pending.text}\n${text}` } : { line, text };
    if (countQuotes(pending.text) % 2 === 1) continue;
    const record = finish(pending.line, pending.text);
    pending = undefined;
    if (record) yield record;
  }
  if (pending) {
    yield {
      line: pending.line,
      error: new CordonError(
        'CORDON_ERR_VALIDATION',
        `line ${pending.line}: a quoted cell is never closed.`,
        {
          line: pending.line,
        },
      ),
    };
  }
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n += 1;
  return n;
}

function parseCsvLine(text: string): string[] {
  const records = parseCsv(text, { relax_column_count: true }) as string[][];
  return records[0] ?? [];
}
