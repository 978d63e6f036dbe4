import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFString,
} from 'pdf-lib';

/**
 * Test-only reader for the waybill PDF: what a viewer would show, read back from the bytes with no
 * help from the renderer. Text comes from the content stream's glyph codes mapped through each font's
 * ToUnicode CMap, images from their XObjects, and the embedded font program is returned so a test can
 * check the glyphs themselves. It understands what pdf-lib writes (Type0 fonts with 2-byte codes,
 * `Tj` with hex strings, Flate streams), not every PDF.
 */

type Matrix = [number, number, number, number, number, number];

/** One `Tj`: the text a copy-paste would give, its font size and where its baseline starts. */
export interface TextRun {
  text: string;
  /** The 2-byte glyph codes drawn: for pdf-lib's subset fonts, glyph ids in the embedded subset. */
  codes: number[];
  fontName: string;
  size: number;
  x: number;
  y: number;
}

/** One drawn image: its pixels as RGBA and the rectangle it covers on the page, in points. */
export interface ImageRun {
  name: string;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  box: { x: number; y: number; width: number; height: number };
}

/** A font program as embedded in the PDF, decoded from its FontFile stream. */
export interface EmbeddedFont {
  baseFont: string;
  /** FontFile3 subtype, e.g. `CIDFontType0C` for CFF, or `FontFile2` for TrueType. */
  kind: string;
  program: Uint8Array;
}

/** The first page as read back: its size in points and what is drawn on it. */
export interface InspectedPage {
  doc: PDFDocument;
  width: number;
  height: number;
  texts: TextRun[];
  images: ImageRun[];
  /** By resource name; several names may share one font object (then the same EmbeddedFont). */
  fonts: Map<string, EmbeddedFont>;
}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

function deref(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function dictOf(doc: PDFDocument, obj: PDFObject | undefined, what: string): PDFDict {
  const value = deref(doc, obj);
  if (value instanceof PDFDict) return value;
  if (value instanceof PDFRawStream) return value.dict;
  throw new Error(`${what} is not a dictionary`);
}

function streamBytes(doc: PDFDocument, obj: PDFObject | undefined, what: string): Uint8Array {
  const value = deref(doc, obj);
  if (!(value instanceof PDFRawStream)) throw new Error(`${what} is not a stream`);
  return decodePDFRawStream(value).decode();
}

function numberIn(dict: PDFDict, key: string): number {
  const value = dict.get(PDFName.of(key));
  if (!(value instanceof PDFNumber)) throw new Error(`/${key} is not a number`);
  return value.asNumber();
}

function nameIn(dict: PDFDict, key: string): string | undefined {
  const value = dict.get(PDFName.of(key));
  return value instanceof PDFName ? value.decodeText() : undefined;
}

function hexToBytes(hex: string): number[] {
  const clean = hex.replace(/\s+/g, '');
  const padded = clean.length % 2 === 0 ? clean : `${clean}0`;
  const bytes: number[] = [];
  for (let i = 0; i < padded.length; i += 2) bytes.push(Number.parseInt(padded.slice(i, i + 2), 16));
  return bytes;
}

function utf16beHex(hex: string): string {
  const bytes = hexToBytes(hex);
  const units: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) units.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return String.fromCharCode(...units);
}

/** Parses a ToUnicode CMap's `bfchar` and `bfrange` sections into code → text. */
export function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const pair of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) {
      map.set(Number.parseInt(pair[1] ?? '', 16), utf16beHex(pair[2] ?? ''));
    }
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    const body = block[1] ?? '';
    for (const range of body.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const lo = Number.parseInt(range[1] ?? '', 16);
      const hi = Number.parseInt(range[2] ?? '', 16);
      const target = range[3] ?? '';
      if (target.startsWith('[')) {
        const items = [...target.matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => utf16beHex(m[1] ?? ''));
        items.forEach((text, i) => {
          map.set(lo + i, text);
        });
      } else {
        const first = utf16beHex(target.slice(1, -1));
        const base = first.charCodeAt(first.length - 1);
        for (let code = lo; code <= hi; code++) {
          map.set(code, first.slice(0, -1) + String.fromCharCode(base + code - lo));
        }
      }
    }
  }
  return map;
}

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'hex'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'op'; value: string };

/** Splits a content stream into operands and operators (no inline images: pdf-lib writes none). */
function tokenize(content: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|%[^\r\n]*|<<|>>|\[|\]|\/[^\s/<>[\]()%{}]*|<([0-9a-fA-F\s]*)>|\(((?:\\.|[^\\)])*)\)|([+-]?(?:\d+\.?\d*|\.\d+))|([A-Za-z'"*]+)/gy;
  let match: RegExpExecArray | null;
  pattern.lastIndex = 0;
  while (pattern.lastIndex < content.length) {
    const at = pattern.lastIndex;
    match = pattern.exec(content);
    if (!match || pattern.lastIndex === at)
      throw new Error(`unexpected content at ${at}: ${content.slice(at, at + 20)}`);
    const [whole, hex, literal, num, op] = match;
    if (hex !== undefined) tokens.push({ kind: 'hex', value: hex });
    else if (literal !== undefined) tokens.push({ kind: 'string', value: literal });
    else if (num !== undefined) tokens.push({ kind: 'number', value: Number(num) });
    else if (op !== undefined) tokens.push({ kind: 'op', value: op });
    else if (whole.startsWith('/')) tokens.push({ kind: 'name', value: whole.slice(1) });
  }
  return tokens;
}

function numbers(operands: Token[], count: number, op: string): number[] {
  const values = operands.slice(-count).map((t) => {
    if (t.kind !== 'number') throw new Error(`${op}: expected numbers`);
    return t.value;
  });
  if (values.length !== count) throw new Error(`${op}: expected ${count} operands`);
  return values;
}

function asMatrix(values: number[]): Matrix {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = values;
  return [a, b, c, d, e, f];
}

function decodeImage(doc: PDFDocument, stream: PDFRawStream): Pick<ImageRun, 'width' | 'height' | 'rgba'> {
  const width = numberIn(stream.dict, 'Width');
  const height = numberIn(stream.dict, 'Height');
  if (numberIn(stream.dict, 'BitsPerComponent') !== 8) throw new Error('only 8-bit images are read');
  const space = nameIn(stream.dict, 'ColorSpace');
  const channels = space === 'DeviceRGB' ? 3 : space === 'DeviceGray' ? 1 : 0;
  if (channels === 0) throw new Error(`unsupported color space ${space}`);
  const pixels = decodePDFRawStream(stream).decode();
  if (pixels.length < width * height * channels) throw new Error('image data is short');
  const smask = stream.dict.get(PDFName.of('SMask'));
  const alpha = smask ? streamBytes(doc, smask, 'SMask') : undefined;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = pixels[i * channels + (channels === 3 ? c : 0)] ?? 0;
    rgba[i * 4 + 3] = alpha ? (alpha[i] ?? 255) : 255;
  }
  return { width, height, rgba };
}

function readFont(
  doc: PDFDocument,
  fontDict: PDFDict,
): { font: EmbeddedFont; toUnicode: Map<number, string> } {
  if (nameIn(fontDict, 'Subtype') !== 'Type0') throw new Error('only Type0 (CID) fonts are read');
  const baseFont = nameIn(fontDict, 'BaseFont') ?? '';
  const toUnicode = parseToUnicode(
    new TextDecoder('latin1').decode(streamBytes(doc, fontDict.get(PDFName.of('ToUnicode')), 'ToUnicode')),
  );
  const descendants = deref(doc, fontDict.get(PDFName.of('DescendantFonts')));
  if (!(descendants instanceof PDFArray)) throw new Error('DescendantFonts missing');
  const cidFont = dictOf(doc, descendants.get(0), 'CIDFont');
  const descriptor = dictOf(doc, cidFont.get(PDFName.of('FontDescriptor')), 'FontDescriptor');
  const file3 = descriptor.get(PDFName.of('FontFile3'));
  if (file3) {
    const kind = nameIn(dictOf(doc, file3, 'FontFile3'), 'Subtype') ?? 'FontFile3';
    return { font: { baseFont, kind, program: streamBytes(doc, file3, 'FontFile3') }, toUnicode };
  }
  const file2 = descriptor.get(PDFName.of('FontFile2'));
  return { font: { baseFont, kind: 'FontFile2', program: streamBytes(doc, file2, 'FontFile2') }, toUnicode };
}

/** Reads the first page of a PDF the way a viewer would lay it out: text runs, images and fonts. */
export async function inspectPdfPage(bytes: Uint8Array): Promise<InspectedPage> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const page = doc.getPage(0);
  const { width, height } = page.getSize();
  const resources = page.node.Resources();
  if (!resources) throw new Error('page has no resources');

  const fontResources = resources.lookupMaybe(PDFName.of('Font'), PDFDict);
  const fonts = new Map<string, EmbeddedFont>();
  const toUnicode = new Map<string, Map<number, string>>();
  // pdf-lib adds a resource name per drawText call, all naming the same font object.
  const byObject = new Map<string, ReturnType<typeof readFont>>();
  for (const [key, ref] of fontResources?.entries() ?? []) {
    const read = byObject.get(ref.toString()) ?? readFont(doc, dictOf(doc, ref, `font ${key.decodeText()}`));
    byObject.set(ref.toString(), read);
    fonts.set(key.decodeText(), read.font);
    toUnicode.set(key.decodeText(), read.toUnicode);
  }
  const xObjects = resources.lookupMaybe(PDFName.of('XObject'), PDFDict);

  const contents = page.node.Contents();
  const parts = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  const content = parts
    .map((part) => new TextDecoder('latin1').decode(streamBytes(doc, part, 'page contents')))
    .join('\n');

  const texts: TextRun[] = [];
  const images: ImageRun[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = IDENTITY;
  let textMatrix: Matrix = IDENTITY;
  let lineMatrix: Matrix = IDENTITY;
  let fontName = '';
  let fontSize = 0;
  let operands: Token[] = [];

  for (const token of tokenize(content)) {
    if (token.kind !== 'op') {
      operands.push(token);
      continue;
    }
    const op = token.value;
    if (op === 'q') stack.push(ctm);
    else if (op === 'Q') ctm = stack.pop() ?? IDENTITY;
    else if (op === 'cm') ctm = multiply(asMatrix(numbers(operands, 6, op)), ctm);
    else if (op === 'BT') textMatrix = lineMatrix = IDENTITY;
    else if (op === 'Tm') textMatrix = lineMatrix = asMatrix(numbers(operands, 6, op));
    else if (op === 'Td') {
      const [tx = 0, ty = 0] = numbers(operands, 2, op);
      textMatrix = lineMatrix = multiply([1, 0, 0, 1, tx, ty], lineMatrix);
    } else if (op === 'Tf') {
      const [name] = operands.slice(-2);
      if (name?.kind !== 'name') throw new Error('Tf: expected a font name');
      fontName = name.value;
      [fontSize = 0] = numbers(operands, 1, op);
    } else if (op === 'Tj') {
      const operand = operands.at(-1);
      if (operand?.kind !== 'hex') throw new Error('Tj: pdf-lib writes CID text as hex strings');
      const cmap = toUnicode.get(fontName);
      if (!cmap) throw new Error(`Tj: no ToUnicode for font ${fontName}`);
      const raw = hexToBytes(operand.value);
      const codes: number[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) codes.push(((raw[i] ?? 0) << 8) | (raw[i + 1] ?? 0));
      const text = codes.map((code) => cmap.get(code) ?? '\uFFFD').join('');
      const origin = multiply(textMatrix, ctm);
      texts.push({
        text,
        codes,
        fontName,
        size: fontSize * Math.hypot(origin[0], origin[1]),
        x: origin[4],
        y: origin[5],
      });
    } else if (op === 'Do') {
      const name = operands.at(-1);
      if (name?.kind !== 'name') throw new Error('Do: expected a name');
      const xObject = deref(doc, xObjects?.get(PDFName.of(name.value)));
      if (xObject instanceof PDFRawStream && nameIn(xObject.dict, 'Subtype') === 'Image') {
        const box = {
          x: Math.min(ctm[4], ctm[4] + ctm[0] + ctm[2]),
          y: Math.min(ctm[5], ctm[5] + ctm[1] + ctm[3]),
          width: Math.hypot(ctm[0], ctm[1]),
          height: Math.hypot(ctm[2], ctm[3]),
        };
        images.push({ name: name.value, ...decodeImage(doc, xObject), box });
      }
    }
    operands = [];
  }
  return { doc, width, height, texts, images, fonts };
}

/** A document info string (Producer, Title…) as text, whichever string type pdf-lib wrote. */
export function infoString(doc: PDFDocument, key: string): string | undefined {
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (!(info instanceof PDFDict)) return undefined;
  const value = info.get(PDFName.of(key));
  return value instanceof PDFHexString || value instanceof PDFString ? value.decodeText() : undefined;
}

class ByteReader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(at: number): number {
    return this.view.getUint8(at);
  }
  u16(at: number): number {
    return this.view.getUint16(at);
  }
  u32(at: number): number {
    return this.view.getUint32(at);
  }
  offset(at: number, size: number): number {
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.u8(at + i);
    return value;
  }
}

/** Reads a CFF INDEX; throws on an offset size outside 1–4, which viewers reject (CFF spec §5). */
function readCffIndex(reader: ByteReader, start: number): { items: Uint8Array[]; end: number } {
  const count = reader.u16(start);
  if (count === 0) return { items: [], end: start + 2 };
  const offSize = reader.u8(start + 2);
  if (offSize < 1 || offSize > 4) throw new Error(`CFF INDEX at ${start} has offSize ${offSize}`);
  const offsets: number[] = [];
  for (let i = 0; i <= count; i++) offsets.push(reader.offset(start + 3 + i * offSize, offSize));
  const dataStart = start + 3 + (count + 1) * offSize - 1;
  const items = offsets
    .slice(0, -1)
    .map((from, i) => reader.bytes.subarray(dataStart + from, dataStart + (offsets[i + 1] ?? from)));
  return { items, end: dataStart + (offsets.at(-1) ?? 1) };
}

/** Reads a CFF DICT into operator → operands (two-byte operators as 1200 + second byte). */
function readCffDict(data: Uint8Array): Map<number, number[]> {
  const reader = new ByteReader(data);
  const dict = new Map<number, number[]>();
  let operands: number[] = [];
  let i = 0;
  while (i < data.length) {
    const b0 = reader.u8(i);
    if (b0 <= 21) {
      const op = b0 === 12 ? 1200 + reader.u8(i + 1) : b0;
      i += b0 === 12 ? 2 : 1;
      dict.set(op, operands);
      operands = [];
    } else if (b0 === 28) {
      operands.push((reader.u16(i + 1) << 16) >> 16);
      i += 3;
    } else if (b0 === 29) {
      operands.push(reader.u32(i + 1) | 0);
      i += 5;
    } else if (b0 === 30) {
      i += 1;
      while ((reader.u8(i) & 0x0f) !== 0x0f && reader.u8(i) >> 4 !== 0x0f) i++;
      i += 1;
      operands.push(Number.NaN); // reals are not needed here
    } else if (b0 >= 32 && b0 <= 246) {
      operands.push(b0 - 139);
      i += 1;
    } else if (b0 >= 247 && b0 <= 250) {
      operands.push((b0 - 247) * 256 + reader.u8(i + 1) + 108);
      i += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      operands.push(-(b0 - 251) * 256 - reader.u8(i + 1) - 108);
      i += 2;
    } else {
      throw new Error(`CFF DICT: reserved byte ${b0}`);
    }
  }
  return dict;
}

/**
 * The charstrings (glyph outlines) of a CFF font program, by glyph id. Validates the header and every
 * INDEX on the way, so a malformed subset fails here as it would in a viewer.
 */
export function cffCharStrings(cff: Uint8Array): Uint8Array[] {
  const reader = new ByteReader(cff);
  if (reader.u8(0) !== 1) throw new Error(`CFF major version ${reader.u8(0)}`);
  const headerOffSize = reader.u8(3);
  if (headerOffSize < 1 || headerOffSize > 4) throw new Error(`CFF header offSize ${headerOffSize}`);
  const names = readCffIndex(reader, reader.u8(2));
  const topDicts = readCffIndex(reader, names.end);
  const topDict = topDicts.items[0];
  if (!topDict) throw new Error('CFF has no Top DICT');
  const charStringsAt = readCffDict(topDict).get(17)?.[0];
  if (charStringsAt === undefined) throw new Error('CFF Top DICT has no CharStrings');
  return readCffIndex(reader, charStringsAt).items;
}

/** One table of an OpenType/TrueType file, e.g. `CFF ` or `glyf`. */
export function sfntTable(font: Uint8Array, tag: string): Uint8Array {
  const reader = new ByteReader(font);
  const numTables = reader.u16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    const name = String.fromCharCode(
      reader.u8(record),
      reader.u8(record + 1),
      reader.u8(record + 2),
      reader.u8(record + 3),
    );
    if (name === tag) {
      const offset = reader.u32(record + 8);
      return font.subarray(offset, offset + reader.u32(record + 12));
    }
  }
  throw new Error(`font has no ${tag} table`);
}
