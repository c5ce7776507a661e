/**
 * Bytes to text under a declared charset.
 *
 * Implementation notes
 * - Rule for labels: absent, us-ascii, utf-8 and the "unknown" labels decode as UTF-8 when the
 *   bytes are valid UTF-8, else as latin-1 (8-bit text mislabelled as ASCII is far more often
 *   latin-1/windows-1252 than anything else, and latin-1 never fails). iso-8859-1 is decoded as
 *   exact latin-1, as Python's email package does.
 * - Other labels go to iconv-lite, then to the WHATWG TextDecoder (which knows iso-2022-jp, that
 *   iconv-lite lacks); a label neither knows falls back to the UTF-8-else-latin-1 rule.
 * - Nothing here throws: every decoder failure is converted to the fallback.
 */
import iconv from 'iconv-lite';

const UTF8_LIKE = new Set([
  '',
  'us-ascii',
  'ascii',
  'ansi_x3.4-1968',
  'us',
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'unknown-8bit',
  'unknown',
  'x-unknown',
  'default',
  'x-user-defined',
]);

const LATIN1 = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'latin-1',
  'l1',
  'cp819',
  'ibm819',
]);

/** Labels seen in real mail that neither decoder knows by that name. */
const ALIASES: Readonly<Record<string, string>> = {
  'ks_c_5601-1987': 'cp949',
  ks_c_5601: 'cp949',
  'x-sjis': 'shift_jis',
  'x-euc-jp': 'euc-jp',
  'x-gbk': 'gbk',
  gb2312: 'gbk',
  chinese: 'gbk',
  'x-mac-roman': 'macintosh',
  'windows-874': 'cp874',
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes as UTF-8 when valid, else as latin-1. */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  let isAscii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      isAscii = false;
      break;
    }
  }
  if (isAscii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not UTF-8: latin-1 maps every byte to a character, so this cannot fail.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
}

export function normaliseCharset(label: string): string {
  const cleaned = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  // RFC 2231 §5: a language may follow the charset after '*' in encoded words.
  const star = cleaned.indexOf('*');
  const name = star >= 0 ? cleaned.slice(0, star) : cleaned;
  return ALIASES[name] ?? name;
}

/** Decodes bytes declared in `charset`; never throws (see the rule in the notes above). */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = normaliseCharset(charset ?? '');
  if (UTF8_LIKE.has(label)) return decodeUtf8OrLatin1(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (LATIN1.has(label)) return buffer.toString('latin1');
  if (iconv.encodingExists(label)) return iconv.decode(buffer, label);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label);
  } catch {
    // RangeError: the label is unknown to WHATWG too.
    return decodeUtf8OrLatin1(bytes);
  }
  return decoder.decode(bytes);
}
