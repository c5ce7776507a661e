/**
 * Content-Type and Content-Disposition values: `token/token; name=value; ...` (RFC 2045 §5.1,
 * RFC 2183), with RFC 2231 continuations and charsets.
 *
 * Implementation notes
 * - Input is a binary string (one char per byte). Values are returned decoded: RFC 2231 `name*`
 *   in its charset, plain values as UTF-8-else-latin-1, and RFC 2047 encoded words inside values
 *   (not standard, but what many mailers write for filenames) decoded too.
 * - Lenient: unquoted values may hold spaces and '/', a quoted string may miss its closing quote,
 *   comments in parentheses are dropped, the first occurrence of a name wins (as in Python).
 * - Continuations are joined in the order of their numbers, stopping at the first gap
 *   (RFC 2231 §3); a charset is read from the first section only.
 * - Linear: one pass over the value, then a sort of at most the number of parameters.
 */
import { decodeCharset } from './charset.js';
import { decodeHeaderBinary } from './encoded-words.js';

export interface ParsedParameterValue {
  /** Lower-cased `type/subtype` (or disposition type) as written, '' when absent. */
  value: string;
  params: Record<string, string>;
}

interface RawParam {
  name: string;
  section: number | null;
  isExtended: boolean;
  value: string;
}

/** Removes comments (RFC 5322 §3.2.2) outside quoted strings. */
function stripComments(input: string): string {
  let out = '';
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (inQuote) {
      out += ch;
      if (ch === '\\' && i + 1 < input.length) out += input[++i];
      else if (ch === '"') inQuote = false;
    } else if (depth > 0) {
      if (ch === '\\') i++;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    } else if (ch === '(') {
      depth = 1;
    } else {
      if (ch === '"') inQuote = true;
      out += ch;
    }
  }
  return out;
}

function splitParams(input: string): RawParam[] {
  const params: RawParam[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /[\s;]/.test(input[i] as string)) i++;
    const nameStart = i;
    while (i < input.length && input[i] !== '=' && input[i] !== ';') i++;
    const rawName = input.slice(nameStart, i).trim().toLowerCase();
    if (input[i] !== '=') continue;
    i++;
    while (i < input.length && (input[i] === ' ' || input[i] === '\t')) i++;
    let value = '';
    if (input[i] === '"') {
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        value += input[i];
        i++;
      }
      i++;
      while (i < input.length && input[i] !== ';') i++;
    } else {
      const valueStart = i;
      while (i < input.length && input[i] !== ';') i++;
      value = input.slice(valueStart, i).trim();
    }
    // '__proto__' would replace the prototype of the params record instead of adding a key.
    if (rawName.length === 0 || rawName.startsWith('__proto__')) continue;
    const match = /^([^*]+)(?:\*(\d{1,4}))?(\*)?$/.exec(rawName);
    if (match === null) {
      params.push({ name: rawName, section: null, isExtended: false, value });
      continue;
    }
    params.push({
      name: match[1] as string,
      section: match[2] === undefined ? null : Number(match[2]),
      isExtended: match[3] === '*',
      value,
    });
  }
  return params;
}

function percentDecode(value: string): Buffer {
  const out = Buffer.allocUnsafe(value.length);
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch === 0x25 && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      out[length++] = Number.parseInt(value.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[length++] = ch & 0xff;
    }
  }
  return out.subarray(0, length);
}

function decodePlain(value: string): string {
  return decodeHeaderBinary(value);
}

/** Joins RFC 2231 sections and decodes every parameter value. */
function assembleParams(raw: RawParam[]): Record<string, string> {
  const groups = new Map<string, RawParam[]>();
  for (const param of raw) {
    const group = groups.get(param.name);
    if (group === undefined) groups.set(param.name, [param]);
    else group.push(param);
  }
  const params: Record<string, string> = {};
  for (const [name, group] of groups) {
    // An RFC 2231 form wins over a plain duplicate (mailers write both for old readers).
    const extended = group.find((p) => p.section === null && p.isExtended);
    const sections = group
      .filter((p) => p.section !== null)
      .sort((a, b) => (a.section ?? 0) - (b.section ?? 0));
    if (extended !== undefined) {
      params[name] = decodeExtended([extended]);
    } else if (sections.length > 0 && sections[0]?.section === 0) {
      const contiguous: RawParam[] = [];
      for (const [index, section] of sections.entries()) {
        if (section.section !== index) break;
        contiguous.push(section);
      }
      params[name] = decodeExtended(contiguous);
    } else {
      const plain = group.find((p) => p.section === null) ?? (group[0] as RawParam);
      params[name] = decodePlain(plain.value);
    }
  }
  return params;
}

function decodeExtended(sections: RawParam[]): string {
  let charset: string | undefined;
  const chunks: Buffer[] = [];
  let hasEncoded = false;
  for (const [index, section] of sections.entries()) {
    let value = section.value;
    if (section.isExtended) {
      hasEncoded = true;
      if (index === 0) {
        const quote1 = value.indexOf("'");
        const quote2 = quote1 >= 0 ? value.indexOf("'", quote1 + 1) : -1;
        if (quote2 >= 0) {
          charset = value.slice(0, quote1) || undefined;
          value = value.slice(quote2 + 1);
        }
      }
      chunks.push(percentDecode(value));
    } else {
      chunks.push(Buffer.from(value, 'latin1'));
    }
  }
  const bytes = Buffer.concat(chunks);
  if (!hasEncoded) return decodePlain(bytes.toString('latin1'));
  return decodeCharset(bytes, charset);
}

/** Parses `value; name=value...`; never throws. */
export function parseParameterValue(binary: string): ParsedParameterValue {
  const input = stripComments(binary);
  const semicolon = input.indexOf(';');
  const head = (semicolon >= 0 ? input.slice(0, semicolon) : input).trim().toLowerCase();
  const params = semicolon >= 0 ? assembleParams(splitParams(input.slice(semicolon + 1))) : {};
  return { value: head, params };
}
