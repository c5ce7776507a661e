/**
 * Content-Transfer-Encoding decoders (RFC 2045 §6), tolerant of what real mail contains.
 *
 * Implementation notes
 * - base64: bytes outside the alphabet (whitespace, garbage) are skipped; '=' ends a quantum, so
 *   base64 blobs concatenated with their padding decode as their concatenation; an incomplete
 *   final quantum keeps its whole bytes (missing padding is accepted).
 * - quoted-printable: '=' followed by two hex digits (either case) is a byte, '=' at the end of a
 *   line is a soft line break, any other '=' is kept literally; trailing blanks at the end of an
 *   encoded line are dropped (RFC 2045 §6.7 rule 3: they were added in transport).
 * - Both are single passes over the input with output at most the input size.
 */

const BASE64_VALUES = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  // URL-safe alphabet seen from some webmail encoders.
  table[0x2d] = 62;
  table[0x5f] = 63;
  return table;
})();

const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

export function decodeBase64(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(Math.floor((input.length * 3) / 4) + 3);
  let length = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte === EQUALS) {
      // Padding ends the quantum: keep its whole bytes, and start the next quantum fresh.
      if (count === 2) out[length++] = (bits >> 4) & 0xff;
      else if (count === 3) {
        out[length++] = (bits >> 10) & 0xff;
        out[length++] = (bits >> 2) & 0xff;
      }
      bits = 0;
      count = 0;
      continue;
    }
    const value = BASE64_VALUES[byte] as number;
    if (value < 0) continue;
    bits = (bits << 6) | value;
    count++;
    if (count === 4) {
      out[length++] = (bits >> 16) & 0xff;
      out[length++] = (bits >> 8) & 0xff;
      out[length++] = bits & 0xff;
      bits = 0;
      count = 0;
    }
  }
  if (count === 2) out[length++] = (bits >> 4) & 0xff;
  else if (count === 3) {
    out[length++] = (bits >> 10) & 0xff;
    out[length++] = (bits >> 2) & 0xff;
  }
  return out.subarray(0, length);
}

/** Decoded length of base64 input, computed without decoding (same rules as decodeBase64). */
export function base64DecodedLength(input: Uint8Array): number {
  let length = 0;
  let count = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte === EQUALS) {
      length += count === 2 ? 1 : count === 3 ? 2 : 0;
      count = 0;
      continue;
    }
    if ((BASE64_VALUES[byte] as number) < 0) continue;
    count++;
    if (count === 4) {
      length += 3;
      count = 0;
    }
  }
  return length + (count === 2 ? 1 : count === 3 ? 2 : 0);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09;
}

export function decodeQuotedPrintable(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let length = 0;
  // Output position after the last byte that is not a transport-added blank on this line.
  let keep = 0;
  let i = 0;
  while (i < input.length) {
    const byte = input[i] as number;
    if (byte === EQUALS) {
      const high = i + 1 < input.length ? hexValue(input[i + 1] as number) : -1;
      const low = i + 2 < input.length ? hexValue(input[i + 2] as number) : -1;
      if (high >= 0 && low >= 0) {
        out[length++] = (high << 4) | low;
        keep = length;
        i += 3;
        continue;
      }
      let j = i + 1;
      while (j < input.length && isBlank(input[j] as number)) j++;
      if (j < input.length && input[j] === CR && input[j + 1] === LF) j++;
      if (j >= input.length || input[j] === LF) {
        // Soft line break: the encoded line continues on the next one; the '=' protects blanks before it.
        keep = length;
        i = j + 1;
        continue;
      }
      out[length++] = byte;
      keep = length;
      i++;
      continue;
    }
    if (byte === LF || (byte === CR && input[i + 1] === LF)) {
      length = keep;
      if (byte === CR) {
        out[length++] = CR;
        i++;
      }
      out[length++] = LF;
      keep = length;
      i++;
      continue;
    }
    out[length++] = byte;
    if (!isBlank(byte)) keep = length;
    i++;
  }
  return out.subarray(0, keep);
}

export function decodeTransferEncoding(input: Uint8Array, encoding: string): Buffer {
  if (encoding === 'base64') return decodeBase64(input);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(input);
  return Buffer.from(input.buffer, input.byteOffset, input.length);
}
