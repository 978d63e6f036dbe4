import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { PDFDocument } from 'pdf-lib';

/** pdf-lib's own view of a fontkit module, as `registerFontkit` accepts it (pdf-lib does not export it). */
export type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];
type PdfLibFont = ReturnType<PdfLibFontkit['create']>;
type PdfLibSubset = ReturnType<PdfLibFont['createSubset']>;

/**
 * The slice of upstream fontkit 2 used here. It matches what pdf-lib expects except that fontkit 2
 * replaced the subset's `encodeStream()` with a synchronous `encode()`.
 */
type UpstreamSubset = Omit<PdfLibSubset, 'encodeStream'> & { encode(): Uint8Array };
type UpstreamFont = Omit<PdfLibFont, 'createSubset'> & { createSubset(): UpstreamSubset };
interface UpstreamFontkit {
  create(buffer: Uint8Array): UpstreamFont;
}

const require = createRequire(import.meta.url);

/** The npm package that ships the font (Noto Sans Hans by Adobe and Google, SIL OFL 1.1). */
export const CJK_FONT_PACKAGE = '@embedpdf/fonts-sc';
/** Regular weight: about 30,800 characters (all of GB2312 and GB18030's common Han, Latin, digits). */
export const CJK_FONT_FILE = 'NotoSansHans-Regular.otf';
/**
 * BaseFont name written to the PDF. The `XXXXXX+` tag marks an embedded subset (PDF 32000 §9.6.4);
 * a fixed tag also keeps the output byte-for-byte reproducible (pdf-lib would otherwise append a
 * counter-derived suffix).
 */
export const CJK_FONT_PDF_NAME = 'CRDNWB+NotoSansHans-Regular';

let fontBytes: Promise<Uint8Array> | undefined;

/**
 * The CJK font's bytes, read once per process from the installed npm package (nothing is fetched at
 * run time). The package exports no subpath for its fonts, so the folder is found from its entry
 * point. A failed read is not cached, so a later call can succeed.
 */
export function loadCjkFontBytes(): Promise<Uint8Array> {
  if (!fontBytes) {
    const packageDir = dirname(dirname(require.resolve(CJK_FONT_PACKAGE)));
    fontBytes = readFile(join(packageDir, 'fonts', CJK_FONT_FILE)).then(
      (buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      (error: unknown) => {
        fontBytes = undefined;
        throw error;
      },
    );
  }
  return fontBytes;
}

const upstreamFontkit = require('fontkit') as UpstreamFontkit;

/** Parsed fonts by their bytes: parsing the 8 MB font costs ~25 ms, so each render reuses it. */
const parsedFonts = new WeakMap<Uint8Array, PdfLibFont>();

/**
 * Upstream fontkit 2 adapted to pdf-lib's `registerFontkit`. Not `@pdf-lib/fontkit`: that fork
 * (1.1.1, unmaintained) predates upstream's subsetting fixes and writes a CID-keyed CFF subset of this
 * font with an invalid header (offSize 27), so viewers reject the font and every glyph prints blank
 * while the text still extracts. Upstream subsets it correctly; the only gap is that pdf-lib reads the
 * subset through `encodeStream()`, which fontkit 2 replaced by `encode()`.
 *
 * A parsed font is shared between documents: pdf-lib only reads it (layout, metrics) and keeps its
 * per-document state in the subset, which is created fresh for each embedding.
 */
export const cjkFontkit: PdfLibFontkit = {
  create(buffer: Uint8Array) {
    const cached = parsedFonts.get(buffer);
    if (cached) return cached;
    const font = upstreamFontkit.create(buffer);
    const createSubset = font.createSubset.bind(font);
    const adapted = Object.assign(font, {
      createSubset(): PdfLibSubset {
        const subset = createSubset();
        return Object.assign(subset, {
          encodeStream: () => Readable.from([subset.encode()]),
        });
      },
    });
    parsedFonts.set(buffer, adapted);
    return adapted;
  },
};
