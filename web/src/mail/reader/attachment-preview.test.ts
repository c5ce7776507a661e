import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTextPreview, looksLikePdf, previewKind } from './attachment-preview';

describe('previewKind', () => {
  it('previews raster images, PDF and text, never HTML nor SVG', () => {
    expect(previewKind('image/png')).toBe('image');
    expect(previewKind('IMAGE/JPEG; name="a.jpg"')).toBe('image');
    expect(previewKind('application/pdf')).toBe('pdf');
    expect(previewKind('text/plain; charset=iso-8859-1')).toBe('text');
    expect(previewKind('text/csv')).toBe('text');
    expect(previewKind('application/json')).toBe('text');
    expect(previewKind('text/html')).toBeNull();
    expect(previewKind('image/svg+xml')).toBeNull();
    expect(previewKind('application/octet-stream')).toBeNull();
    expect(previewKind('')).toBeNull();
  });
});

describe('looksLikePdf', () => {
  it('finds the header at the start or after some junk, and nowhere else', () => {
    const enc = new TextEncoder();
    expect(looksLikePdf(enc.encode('%PDF-1.4\n'))).toBe(true);
    expect(looksLikePdf(enc.encode(`${' '.repeat(100)}%PDF-1.7`))).toBe(true);
    expect(looksLikePdf(enc.encode('<html>%PD'))).toBe(false);
    expect(looksLikePdf(enc.encode(`${' '.repeat(1100)}%PDF-1.7`))).toBe(false);
  });
});

describe('decodeTextPreview', () => {
  it('decodes the declared charset, UTF-8 otherwise, and cuts at the limit', () => {
    expect(decodeTextPreview(new Uint8Array([0xe9, 0x74, 0xe9]), 'text/plain; charset=iso-8859-1').text).toBe(
      'été',
    );
    expect(decodeTextPreview(new TextEncoder().encode('élève'), 'text/plain').text).toBe('élève');
    expect(decodeTextPreview(new TextEncoder().encode('élève'), 'text/plain; charset=nonsense').text).toBe(
      'élève',
    );
    const cut = decodeTextPreview(new TextEncoder().encode('ééé'), 'text/plain', 3);
    expect(cut).toEqual({ text: 'é', truncated: true });
  });

  it('never throws and never yields more than the limit allows', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.string(),
        fc.integer({ min: 1, max: 100 }),
        (bytes, type, limit) => {
          const { text, truncated } = decodeTextPreview(bytes, type, limit);
          expect(truncated).toBe(bytes.length > limit);
          // One character per byte at most (UTF-16 code units: a 4-byte sequence gives 2).
          expect(text.length).toBeLessThanOrEqual(Math.min(bytes.length, limit));
        },
      ),
    );
  });
});
