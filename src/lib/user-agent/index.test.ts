import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './index.js';

describe('describeUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
      { browser: 'Firefox 132', os: 'Windows', mobile: false },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      { browser: 'Edge 131', os: 'Windows', mobile: false },
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.224 Safari/537.36',
      { browser: 'Chrome 120', os: 'Linux', mobile: false },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      { browser: 'Safari 17', os: 'iOS', mobile: true },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      { browser: 'Safari 18', os: 'macOS', mobile: false },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      { browser: 'Samsung Internet 25', os: 'Android', mobile: true },
    ],
    ['curl/8.5.0', { browser: null, os: null, mobile: false }],
  ])('names %s', (ua, expected) => {
    expect(describeUserAgent(ua)).toEqual(expected);
  });

  it('answers for any header, briefly, without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (ua) => {
        const { browser, os } = describeUserAgent(ua);
        if (browser !== null) expect(browser).toMatch(/^[A-Za-z ]+ \d+$/);
        if (os !== null) expect(['Windows', 'Android', 'iOS', 'ChromeOS', 'macOS', 'Linux']).toContain(os);
      }),
    );
    expect(describeUserAgent(null)).toEqual({ browser: null, os: null, mobile: false });
  });
});
