/**
 * A person-readable name for a browser's User-Agent: "Firefox 132" on "Windows". Enough for a user
 * to recognise their devices in the list of sessions and in a "new sign-in" notice; not a
 * fingerprint, and never trusted for anything else (the header is whatever the client says).
 *
 * Implementation notes
 * - Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", iPadOS says "Mac".
 * - Only the major version is kept. Unknown agents give nulls, never a guess.
 */
export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  mobile: boolean;
}

const BROWSERS: readonly [name: string, pattern: RegExp][] = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|OPiOS)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:\b|Headless)(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: readonly [name: string, pattern: RegExp][] = [
  ['Windows', /\bWindows NT\b/],
  ['Android', /\bAndroid\b/],
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['macOS', /\bMac OS X\b/],
  ['Linux', /\bLinux\b/],
];

/** Longest header read: real agents are under 300 characters. */
export const MAX_USER_AGENT_LENGTH = 512;

export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  const ua = (userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH);
  let browser: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0] ?? null;
  return { browser, os, mobile: /\bMobi(?:le)?\b|\biPhone\b|\bAndroid\b.*\bMobile\b/.test(ua) };
}
