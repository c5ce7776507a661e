/**
 * RFC 2047 encoded words and 8-bit header text.
 *
 * Implementation notes
 * - Header bytes are carried internally as "binary" strings (one char per byte, latin-1), so
 *   offsets and 8-bit bytes survive until the point of decoding.
 * - Raw 8-bit header text (RFC 6532 or plain misbehaviour) decodes as UTF-8 when valid, else latin-1.
 * - Encoded words separated only by folding whitespace are joined (RFC 2047 §6.2); adjacent words
 *   in the same charset are concatenated as bytes before decoding, so a multi-byte character split
 *   across two words still decodes. A word whose B payload is not base64, or whose charset is
 *   unknown to every decoder, is decoded by the UTF-8-else-latin-1 rule or, if it is not even a
 *   syntactically complete word, left as it is.
 * - The pattern has no nested quantifiers and the scan is linear in the header length.
 */
import { decodeCharset, decodeUtf8OrLatin1 } from './charset.js';
import { decodeBase64 } from './transfer-encoding.js';

const ENCODED_WORD = /=\?([^?\s]{1,75})\?([bBqQ])\?([^?\s]*)\?=/g;

function decodeQ(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5f) {
      out[length++] = 0x20;
    } else if (ch === 0x3d && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[length++] = Number.parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[length++] = ch & 0xff;
    }
  }
  return out.subarray(0, length);
}

function isBase64Payload(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

interface Piece {
  charset: string | null;
  bytes: Buffer;
}

/** Decodes a header value held as a binary string (one char per byte). */
export function decodeHeaderBinary(binary: string): string {
  if (!binary.includes('=?')) return decodeUtf8OrLatin1(Buffer.from(binary, 'latin1'));
  const pieces: Piece[] = [];
  let last = 0;
  let previousWasWord = false;
  ENCODED_WORD.lastIndex = 0;
  for (let match = ENCODED_WORD.exec(binary); match !== null; match = ENCODED_WORD.exec(binary)) {
    const [whole, charset = '', encoding = '', payload = ''] = match;
    const isB = encoding === 'b' || encoding === 'B';
    if (isB && !isBase64Payload(payload)) continue;
    const between = binary.slice(last, match.index);
    // RFC 2047 §6.2: linear whitespace between two encoded words is not displayed.
    if (!(previousWasWord && /^[ \t\r\n]*$/.test(between)) && between.length > 0) {
      pieces.push({ charset: null, bytes: Buffer.from(between, 'latin1') });
    }
    pieces.push({ charset, bytes: isB ? decodeBase64(Buffer.from(payload, 'latin1')) : decodeQ(payload) });
    last = match.index + whole.length;
    previousWasWord = true;
  }
  if (last < binary.length) pieces.push({ charset: null, bytes: Buffer.from(binary.slice(last), 'latin1') });
  let out = '';
  for (let i = 0; i < pieces.length; ) {
    const piece = pieces[i] as Piece;
    if (piece.charset === null) {
      out += decodeUtf8OrLatin1(piece.bytes);
      i++;
      continue;
    }
    const run = [piece.bytes];
    let j = i + 1;
    // Stateful ISO-2022 words each end in ASCII mode; joined, the escape pairs at the seams are
    // errors to the WHATWG decoder, so those words are decoded one by one.
    const isStateful = /^iso-2022/i.test(piece.charset);
    while (
      !isStateful &&
      j < pieces.length &&
      pieces[j]?.charset?.toLowerCase() === piece.charset.toLowerCase()
    ) {
      run.push((pieces[j] as Piece).bytes);
      j++;
    }
    out += decodeCharset(Buffer.concat(run), piece.charset);
    i = j;
  }
  return out;
}

/**
 * Decodes a header value for display: RFC 2047 encoded words, and raw 8-bit bytes as UTF-8 or,
 * when not valid UTF-8, latin-1. A string argument is taken as already-decoded text, so only its
 * encoded words are decoded. Never throws.
 */
export function decodeHeaderValue(value: string | Buffer): string {
  if (typeof value === 'string') {
    // Characters above U+00FF cannot be a binary string: decode the encoded words between them.
    if (/[\u0100-\uffff]/.test(value)) {
      return value.replace(
        /(?:=\?[^?\s]{1,75}\?[bBqQ]\?[^?\s]*\?=[ \t\r\n]*)+/g,
        (words) => decodeHeaderBinary(words.trimEnd()) + (words.match(/[ \t\r\n]*$/)?.[0] ?? ''),
      );
    }
    return decodeHeaderBinary(Buffer.from(value, 'utf8').toString('latin1'));
  }
  return decodeHeaderBinary(value.toString('latin1'));
}
