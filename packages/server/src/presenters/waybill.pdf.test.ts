import { createHash } from 'node:crypto';
import { isCordonError } from '@cordon/core';
import jsQR from 'jsqr';
import { beforeAll, describe, expect, it } from 'vitest';
import { cjkFontkit, loadCjkFontBytes } from './waybill/cjk-font.loader';
import {
  cffCharStrings,
  type InspectedPage,
  infoString,
  inspectPdfPage,
  sfntTable,
} from './waybill/pdf-inspect.testing';
import { renderWaybillPdf, WAYBILL_MAX_QR_PAYLOAD, type WaybillLabel } from './waybill.pdf';

const MM = 72 / 25.4;
const STREET = '张江路88弄7号1203室';
const RAW_PHONE = '13812345678';
const RAW_NAME = '张三丰';

/** A 400-character URL-safe token, like a signed one, with every character class a token uses. */
function token(length: number): string {
  let out = 'v1.';
  for (let i = 0; out.length < length; i++) {
    out += createHash('sha512').update(String(i)).digest('base64url');
    out += i % 3 === 0 ? '.' : i % 3 === 1 ? '-' : '_';
  }
  return out.slice(0, length);
}

/**
 * The caller's order record, with fields a waybill must never print. It is passed as a `WaybillLabel`
 * (structural typing lets extra fields through), as a careless caller would.
 */
function orderRecord(): WaybillLabel {
  const record = {
    orderId: 'SO-20250601-000123',
    receiver: {
      name: '张*',
      phone: '138****5678',
      province: '上海市',
      city: '上海市',
      district: '浦东新区',
      street: STREET,
      rawPhone: RAW_PHONE,
      rawName: RAW_NAME,
    },
    sortCode: '021-PD-07',
    sender: { name: '云栈数码旗舰店', city: '杭州市' },
    itemCount: 3,
    qrPayload: token(400),
    issuedAt: new Date('2025-06-01T08:00:00.000Z'),
    expiresAt: new Date('2025-06-15T08:00:00.000Z'),
    street: STREET,
  };
  return record;
}

function allText(page: InspectedPage): string {
  return page.texts.map((run) => run.text).join('\n');
}

/** Width of a text run from the source font's advances, to check it stays on the label. */
async function runWidth(text: string, size: number): Promise<number> {
  const font = cjkFontkit.create(await loadCjkFontBytes());
  const advance = font.layout(text).glyphs.reduce((sum, glyph) => sum + glyph.advanceWidth, 0);
  return (advance / font.unitsPerEm) * size;
}

describe('renderWaybillPdf', () => {
  const label = orderRecord();
  let bytes: Uint8Array;
  let page: InspectedPage;

  beforeAll(async () => {
    bytes = await renderWaybillPdf(label);
    page = await inspectPdfPage(bytes);
  });

  it('is one page of 100 × 150 mm', () => {
    expect(page.doc.getPageCount()).toBe(1);
    expect(page.width).toBeCloseTo(100 * MM, 1);
    expect(page.height).toBeCloseTo(150 * MM, 1);
    expect(page.width).toBeCloseTo(283.46, 1);
    expect(page.height).toBeCloseTo(425.2, 1);
  });

  it('carries qrPayload verbatim in a QR code drawn large enough to scan', () => {
    expect(page.images).toHaveLength(1);
    const [qr] = page.images;
    if (!qr) throw new Error('no image');
    const decoded = jsQR(qr.rgba, qr.width, qr.height);
    expect(decoded?.data).toBe(label.qrPayload);
    expect(label.qrPayload).toHaveLength(400);
    // At least 40 mm square and fully on the label.
    expect(qr.box.width).toBeGreaterThanOrEqual(40 * MM);
    expect(qr.box.height).toBeCloseTo(qr.box.width, 3);
    expect(qr.box.x).toBeGreaterThanOrEqual(0);
    expect(qr.box.y).toBeGreaterThanOrEqual(0);
    expect(qr.box.x + qr.box.width).toBeLessThanOrEqual(page.width);
    expect(qr.box.y + qr.box.height).toBeLessThanOrEqual(page.height);
  });

  it('prints the masked receiver, district-level address, sort code and the rest of the label', () => {
    const text = allText(page);
    expect(text).toContain('张*  138****5678');
    expect(text).toContain('上海市 上海市 浦东新区');
    expect(text).toContain('021-PD-07');
    expect(text).toContain('隐私面单 Privacy waybill');
    expect(text).toContain('云栈数码旗舰店  杭州市');
    expect(text).toContain('SO-20250601-000123');
    expect(text).toContain('件数 Items  3');
    expect(text).toContain('valid until 2025-06-15T08:00:00.000Z');
    // The sort code is the largest text on the label.
    const sortRun = page.texts.find((run) => run.text === '021-PD-07');
    const largest = Math.max(...page.texts.map((run) => run.size));
    expect(sortRun?.size).toBe(largest);
    expect(largest).toBeGreaterThanOrEqual(30);
  });

  it('prints nothing beyond the label fields: no street, raw phone or full name anywhere', () => {
    const text = allText(page);
    for (const secret of [STREET, '张江路', RAW_PHONE, RAW_NAME]) expect(text).not.toContain(secret);
    // Nor in the bytes (metadata, strings), as UTF-8 or as the UTF-16 hex pdf-lib writes for text.
    const raw = Buffer.from(bytes).toString('latin1');
    for (const secret of [STREET, RAW_PHONE, RAW_NAME]) {
      expect(raw).not.toContain(Buffer.from(secret, 'utf8').toString('latin1'));
      expect(raw.toUpperCase()).not.toContain(
        Buffer.from(secret, 'utf16le').swap16().toString('hex').toUpperCase(),
      );
    }
  });

  it('embeds a valid CFF subset whose glyphs are the source font outlines of the drawn text', async () => {
    const fonts = new Set(page.fonts.values());
    expect(fonts.size).toBe(1);
    const [font] = fonts;
    if (!font) throw new Error('no font');
    expect(font.kind).toBe('CIDFontType0C');
    expect(font.baseFont).toMatch(/^[A-Z]{6}\+NotoSansHans-Regular$/);
    expect(font.program.length).toBeLessThan(200_000);

    const source = await loadCjkFontBytes();
    const sourceGlyphs = cffCharStrings(sfntTable(source, 'CFF '));
    const subsetGlyphs = cffCharStrings(font.program);
    const layout = cjkFontkit.create(source);
    for (const run of page.texts) {
      const expected = layout.layout(run.text).glyphs;
      expect(run.codes).toHaveLength(expected.length);
      expected.forEach((glyph, i) => {
        const char = String.fromCodePoint(...glyph.codePoints);
        expect(glyph.id, `glyph for ${char}`).toBeGreaterThan(0); // not .notdef
        const drawn = subsetGlyphs[run.codes[i] ?? -1];
        const wanted = sourceGlyphs[glyph.id];
        expect(drawn && wanted && Buffer.compare(drawn, wanted) === 0, `outline for ${char}`).toBe(true);
      });
    }
  });

  it('is reproducible: the same label gives the same bytes, with metadata from issuedAt', async () => {
    const again = await renderWaybillPdf(orderRecord());
    expect(Buffer.compare(Buffer.from(again), Buffer.from(bytes))).toBe(0);
    expect(infoString(page.doc, 'Producer')).toBe('Cordon');
    expect(page.doc.getCreationDate()?.toISOString()).toBe(label.issuedAt.toISOString());
    expect(page.doc.getModificationDate()?.toISOString()).toBe(label.issuedAt.toISOString());
    const other = await renderWaybillPdf({ ...orderRecord(), sortCode: '021-PD-08' });
    expect(Buffer.compare(Buffer.from(other), Buffer.from(bytes))).not.toBe(0);
  });

  it('keeps a long address, sender and order id on the label and clear of the QR code', async () => {
    const long: WaybillLabel = {
      ...orderRecord(),
      orderId: `ORD-${'9'.repeat(60)}`,
      receiver: {
        name: '欧阳*',
        phone: '+86 139****0001',
        province: '新疆维吾尔自治区',
        city: '伊犁哈萨克自治州',
        district: '察布查尔锡伯自治县',
      },
      sortCode: '991-YL-CBCE-0042-EXPRESS',
      sender: { name: '澂江抚仙湖特产专营店（官方授权）有限公司', city: '玉溪市' },
    };
    const inspected = await inspectPdfPage(await renderWaybillPdf(long));
    const flat = inspected.texts.map((run) => run.text).join('');
    for (const part of [
      '新疆维吾尔自治区',
      '伊犁哈萨克自治州',
      '察布查尔锡伯自治县',
      '欧阳*',
      '139****0001',
      '澂江',
    ]) {
      expect(flat).toContain(part);
    }
    expect(flat).toContain(long.orderId);
    const [qr] = inspected.images;
    if (!qr) throw new Error('no image');
    for (const run of inspected.texts) {
      const width = await runWidth(run.text, run.size);
      expect(run.x, run.text).toBeGreaterThanOrEqual(5);
      expect(run.x + width, run.text).toBeLessThanOrEqual(inspected.width - 5);
      const besideQr = run.x >= qr.box.x + qr.box.width;
      const clearOfQr = run.y > qr.box.y + qr.box.height || run.y + run.size < qr.box.y;
      expect(besideQr || clearOfQr, `${run.text} overlaps the QR code`).toBe(true);
    }
  });

  it('refuses a visibly unmasked phone without echoing it', async () => {
    const leaky = orderRecord();
    const error = await renderWaybillPdf({
      ...leaky,
      receiver: { ...leaky.receiver, phone: RAW_PHONE },
    }).catch((e: unknown) => e);
    expect(isCordonError(error) && error.code).toBe('CORDON_ERR_PLAINTEXT_NOT_ALLOWED');
    expect(String(error)).not.toContain(RAW_PHONE);
  });

  it('rejects an invalid expiry, a negative item count and an over-long QR payload', async () => {
    const cases: Array<[Partial<WaybillLabel>, string]> = [
      [{ expiresAt: new Date('not a date') }, 'expiresAt'],
      [{ itemCount: -1 }, 'itemCount'],
      [{ qrPayload: 'x'.repeat(WAYBILL_MAX_QR_PAYLOAD + 1) }, 'qrPayload'],
    ];
    for (const [change, field] of cases) {
      const error = await renderWaybillPdf({ ...orderRecord(), ...change }).catch((e: unknown) => e);
      expect(isCordonError(error) && error.code).toBe('CORDON_ERR_VALIDATION');
      expect(isCordonError(error) && error.details.field).toBe(field);
    }
  });
});
