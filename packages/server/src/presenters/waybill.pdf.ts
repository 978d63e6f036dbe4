import { CordonError } from '@cordon/core';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import { CJK_FONT_PDF_NAME, cjkFontkit, loadCjkFontBytes } from './waybill/cjk-font.loader';

/**
 * What a privacy waybill prints, and nothing more. There is deliberately no street, no full phone and
 * no full name: the parcel reaches the district's station by the printed address, and the courier
 * reaches the receiver through the QR token, which the server resolves behind access control.
 */
export interface WaybillLabel {
  orderId: string;
  /** Masked receiver, already masked by the caller, e.g. name '张*', phone '138****5678'. */
  receiver: { name: string; phone: string; province: string; city: string; district: string };
  /** Sorting code printed large, e.g. '021-PD-07'. */
  sortCode: string;
  sender: { name: string; city: string };
  itemCount: number;
  /** Opaque signed token; encoded into the QR code verbatim. Up to ~400 ASCII chars. */
  qrPayload: string;
  issuedAt: Date;
  expiresAt: Date;
}

const PT_PER_MM = 72 / 25.4;
/** Standard 100 mm × 150 mm thermal label, in PDF points. */
export const WAYBILL_PAGE_SIZE = { width: 100 * PT_PER_MM, height: 150 * PT_PER_MM } as const;
/** Longer tokens make a QR code too dense to scan reliably at this size on a 203 dpi printer. */
export const WAYBILL_MAX_QR_PAYLOAD = 600;
/** Producer and Creator in the document info; the dates there come from `issuedAt`. */
export const WAYBILL_PRODUCER = 'Cordon';
/** Printed as the label's heading and written as the document title (no order data in metadata). */
export const WAYBILL_TITLE = '隐私面单 Privacy waybill';

const MARGIN = 10;
const CONTENT_WIDTH = WAYBILL_PAGE_SIZE.width - 2 * MARGIN;
/** Noto Sans CJK's ascender is 0.88 em: a line's baseline sits that far below its top. */
const ASCENT = 0.88;
const LINE_GAP = 1.2;
const QR_SIZE = 150;
const BLACK = rgb(0, 0, 0);
const WHITE = rgb(1, 1, 1);
const CONTROL_CHARS = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;
const MASK_CHAR = /[*＊]/;

interface TextStyle {
  size: number;
  /** Shrink no further than this; below it the text wraps instead. */
  minSize: number;
  maxLines: number;
}

interface FittedText {
  size: number;
  lines: string[];
}

/** Collapses control characters (a stray newline would break pdf-lib's line handling) and trims. */
function clean(text: string): string {
  return text.replace(CONTROL_CHARS, ' ').trim();
}

/**
 * Fits text into a width: shrinks it down to `minSize`, then wraps at any character (Chinese has no
 * spaces to break at), and past `maxLines` cuts the last line with an ellipsis.
 */
function fitText(font: PDFFont, text: string, maxWidth: number, style: TextStyle): FittedText {
  const widthAtOne = font.widthOfTextAtSize(text, 1);
  if (widthAtOne * style.size <= maxWidth) return { size: style.size, lines: [text] };
  const shrunk = Math.max(style.minSize, maxWidth / widthAtOne);
  if (widthAtOne * shrunk <= maxWidth) return { size: shrunk, lines: [text] };

  const lines: string[] = [];
  let line = '';
  for (const char of text) {
    if (line !== '' && font.widthOfTextAtSize(line + char, shrunk) > maxWidth) {
      lines.push(line);
      line = char.trim() === '' ? '' : char;
    } else {
      line += char;
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length > style.maxLines) {
    const kept = lines.slice(0, style.maxLines);
    let last = kept.pop() ?? '';
    while (last !== '' && font.widthOfTextAtSize(`${last}…`, shrunk) > maxWidth) {
      last = [...last].slice(0, -1).join('');
    }
    kept.push(`${last}…`);
    return { size: shrunk, lines: kept };
  }
  return { size: shrunk, lines };
}

/** Draws text from the top of a box down; returns the y (from the page top) below the last line. */
function drawTextBlock(
  page: PDFPage,
  font: PDFFont,
  text: string,
  box: { x: number; top: number; width: number },
  style: TextStyle,
): number {
  const fitted = fitText(font, clean(text), box.width, style);
  let top = box.top;
  for (const line of fitted.lines) {
    page.drawText(line, {
      x: box.x,
      y: WAYBILL_PAGE_SIZE.height - top - fitted.size * ASCENT,
      size: fitted.size,
      font,
      color: BLACK,
    });
    top += fitted.size * LINE_GAP;
  }
  return top;
}

function drawRule(page: PDFPage, top: number, thickness = 0.8): void {
  const y = WAYBILL_PAGE_SIZE.height - top;
  page.drawLine({
    start: { x: MARGIN, y },
    end: { x: WAYBILL_PAGE_SIZE.width - MARGIN, y },
    thickness,
    color: BLACK,
  });
}

/** The sort code, white on a black bar so the sorting line reads it at arm's length. */
function drawSortCode(page: PDFPage, font: PDFFont, sortCode: string, top: number, height: number): void {
  page.drawRectangle({
    x: MARGIN,
    y: WAYBILL_PAGE_SIZE.height - top - height,
    width: CONTENT_WIDTH,
    height,
    color: BLACK,
  });
  const inner = CONTENT_WIDTH - 16;
  const fitted = fitText(font, clean(sortCode), inner, { size: 40, minSize: 16, maxLines: 2 });
  const blockHeight = fitted.size * LINE_GAP * (fitted.lines.length - 1) + fitted.size * 0.72;
  let baseline = WAYBILL_PAGE_SIZE.height - top - (height - blockHeight) / 2 - fitted.size * 0.72;
  for (const line of fitted.lines) {
    const width = font.widthOfTextAtSize(line, fitted.size);
    page.drawText(line, {
      x: MARGIN + (CONTENT_WIDTH - width) / 2,
      y: baseline,
      size: fitted.size,
      font,
      color: WHITE,
    });
    baseline -= fitted.size * LINE_GAP;
  }
}

/** Rejects input that cannot make a correct label; messages name fields, never their values. */
function assertPrintable(label: WaybillLabel): void {
  const phoneDigits = label.receiver.phone.match(/\d/g)?.length ?? 0;
  if (!MASK_CHAR.test(label.receiver.phone) && phoneDigits >= 7) {
    throw new CordonError(
      'CORDON_ERR_PLAINTEXT_NOT_ALLOWED',
      'A waybill prints a masked phone only: receiver.phone is not masked.',
      { field: 'receiver.phone' },
    );
  }
  const invalid = (field: string, message: string): CordonError =>
    new CordonError('CORDON_ERR_VALIDATION', `Waybill ${field}: ${message}`, { field });
  if (Number.isNaN(label.issuedAt.getTime())) throw invalid('issuedAt', 'not a valid date');
  if (Number.isNaN(label.expiresAt.getTime())) throw invalid('expiresAt', 'not a valid date');
  if (!Number.isSafeInteger(label.itemCount) || label.itemCount < 0) {
    throw invalid('itemCount', 'must be a whole number, 0 or more');
  }
  if (label.qrPayload.length === 0 || label.qrPayload.length > WAYBILL_MAX_QR_PAYLOAD) {
    throw invalid('qrPayload', `must be 1 to ${WAYBILL_MAX_QR_PAYLOAD} characters`);
  }
}

/**
 * Renders one 100 × 150 mm privacy waybill as a one-page PDF for a thermal printer: the sort code
 * large, the masked receiver with a district-level address, the sender, order id and item count, and a
 * QR code carrying `qrPayload` verbatim with its validity. It prints exactly the fields of
 * `WaybillLabel`, so extra properties on the argument (a street, a raw phone) never reach the paper.
 *
 * Chinese text uses Noto Sans Hans (OFL) from an npm package, embedded as a subset of the glyphs
 * used (about 50 kB; the whole label is about 65 kB). The output is reproducible: the same label gives the same bytes, because the
 * metadata dates come from `issuedAt` and pdf-lib's resource names come from a fixed-seed generator.
 *
 * Throws CORDON_ERR_PLAINTEXT_NOT_ALLOWED when the phone is visibly unmasked, and
 * CORDON_ERR_VALIDATION for invalid dates, item count or QR payload length.
 */
export async function renderWaybillPdf(label: WaybillLabel): Promise<Uint8Array> {
  assertPrintable(label);
  const [fontBytes, qrPng] = await Promise.all([
    loadCjkFontBytes(),
    QRCode.toBuffer(label.qrPayload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 }),
  ]);

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cjkFontkit);
  doc.setTitle(WAYBILL_TITLE);
  doc.setProducer(WAYBILL_PRODUCER);
  doc.setCreator(WAYBILL_PRODUCER);
  doc.setLanguage('zh-CN');
  doc.setCreationDate(label.issuedAt);
  doc.setModificationDate(label.issuedAt);

  const font = await doc.embedFont(fontBytes, { subset: true, customName: CJK_FONT_PDF_NAME });
  const qr = await doc.embedPng(qrPng);
  const page = doc.addPage([WAYBILL_PAGE_SIZE.width, WAYBILL_PAGE_SIZE.height]);
  const full = { x: MARGIN, width: CONTENT_WIDTH };
  const { receiver, sender } = label;

  const line = (size: number, minSize = size, maxLines = 1): TextStyle => ({ size, minSize, maxLines });
  const at = (top: number) => ({ ...full, top });

  let top = drawTextBlock(page, font, WAYBILL_TITLE, at(MARGIN), line(14, 10));
  drawRule(page, top + 2, 1.5);
  drawSortCode(page, font, label.sortCode, top + 6, 58);
  top += 6 + 58 + 6;

  top = drawTextBlock(page, font, '收件人 To', at(top), line(8));
  top = drawTextBlock(page, font, `${receiver.name}  ${receiver.phone}`, at(top + 1), line(18, 11, 2));
  const address = `${receiver.province} ${receiver.city} ${receiver.district}`;
  top = drawTextBlock(page, font, address, at(top + 1), line(12, 9, 2));
  drawRule(page, top + 2);

  top = drawTextBlock(page, font, '寄件人 From', at(top + 5), line(8));
  top = drawTextBlock(page, font, `${sender.name}  ${sender.city}`, at(top + 1), line(10, 8, 2));
  drawRule(page, top + 2);

  top = drawTextBlock(page, font, `订单 Order  ${label.orderId}`, at(top + 5), line(9, 7, 2));
  top = drawTextBlock(page, font, `件数 Items  ${label.itemCount}`, at(top), line(9));
  drawRule(page, top + 2);

  // The QR code and its validity sit at the bottom of the label, whatever the text above took.
  const validityTop = WAYBILL_PAGE_SIZE.height - MARGIN - 10;
  const qrTop = validityTop - 4 - QR_SIZE;
  const qrY = WAYBILL_PAGE_SIZE.height - qrTop - QR_SIZE;
  page.drawImage(qr, { x: MARGIN, y: qrY, width: QR_SIZE, height: QR_SIZE });
  const side = { x: MARGIN + QR_SIZE + 6, width: CONTENT_WIDTH - QR_SIZE - 6 };
  let sideTop = drawTextBlock(page, font, '扫码核验', { ...side, top: qrTop + 12 }, line(11, 8));
  sideTop = drawTextBlock(page, font, 'Scan to verify', { ...side, top: sideTop }, line(9, 7));
  sideTop = drawTextBlock(page, font, '签发 Issued', { ...side, top: sideTop + 8 }, line(7));
  drawTextBlock(page, font, label.issuedAt.toISOString(), { ...side, top: sideTop }, line(7, 5, 2));
  const validity = `有效期至 valid until ${label.expiresAt.toISOString()}`;
  drawTextBlock(page, font, validity, at(validityTop), line(9, 6));

  return doc.save();
}
