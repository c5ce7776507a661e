/**
 * The JavaScript a browser must download before it shows the mail list, kept under a budget: the
 * entry script and the chunks index.html preloads, gzipped as the server sends them (the `.gz` the
 * build writes). The composer's editor and the password policy load later, on demand.
 *
 * Budget: 150 kB gzip. At 1 Mbit/s (a weak school connection) that is 1.2 s; it leaves room for the
 * rest of the webmail while keeping the first list quick on a phone. Raise it only with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './browser.js';

const INITIAL_JS_BUDGET_GZIP = 150 * 1000;

describe('the initial JavaScript budget', () => {
  it('keeps the scripts needed for the mail list under 150 kB gzip, the composer, pdf.js and zxcvbn out of them', () => {
    assertBuilt();
    const web = join(ROOT, 'dist/web');
    const html = readFileSync(join(web, 'index.html'), 'utf8');
    const scripts = [
      ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
      ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
    ].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const src of scripts) {
      const path = join(web, src);
      // What the server sends: the build's .gz (checked to be the file's gzip).
      const gz = readFileSync(`${path}.gz`);
      expect(gzipSync(readFileSync(path)).length).toBeLessThan(gz.length * 1.1);
      total += gz.length;
      expect(src).not.toMatch(/Composer|ChangePassword|PdfPreview|pdf\.worker/);
    }
    console.log(
      `initial JavaScript: ${scripts.length} file(s), ${(total / 1000).toFixed(1)} kB gzip (budget ${INITIAL_JS_BUDGET_GZIP / 1000} kB)`,
    );
    expect(total).toBeLessThanOrEqual(INITIAL_JS_BUDGET_GZIP);
  });
});
