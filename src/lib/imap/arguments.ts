/**
 * Readers for typed command arguments over the generic syntax tree: NIL, numbers, astrings,
 * mailbox names and FETCH section specifications.
 *
 * Implementation notes
 * - Every reader returns an ImapResult (or null for the simple predicates); none throws. Errors
 *   carry no tag: the command handler answers with its own tag.
 * - number (RFC 9051 §9) is 1*DIGIT below 2^32; nz-number has no leading zero; number64 (MODSEQ,
 *   CHANGEDSINCE) goes to 2^63-1 and is returned as a bigint so no value is rounded.
 * - astring = 1*ASTRING-CHAR / string: an atom with list-wildcards, a leading "\" or a section is
 *   not an astring (`SELECT BODY[x]` must quote its name). A binary literal (`~{n}`) is accepted only
 *   where RFC 3516 extends the grammar (APPEND), so never here.
 * - Mailbox names: with UTF8=ACCEPT or IMAP4rev2 enabled (`utf8: true`) the name is UTF-8 as sent
 *   and "&" is an ordinary character (RFC 9051 §5.1, RFC 6855 §3). Otherwise a 7-bit name is
 *   modified UTF-7, decoded strictly (mutf7.ts), and a name with 8-bit bytes is taken as UTF-8 if
 *   valid: RFC 6855 §3 says servers SHOULD accept UTF-8 names, and 8-bit text is never mUTF-7, so
 *   there is no ambiguity. Either way the decoded name must not contain control characters
 *   (U+0000-U+001F, U+007F-U+009F), U+2028 or U+2029 (RFC 6855 §3, RFC 9051 §5.1). INBOX is
 *   case-insensitive (RFC 9051 §5.1) and is returned as "INBOX".
 * - Section specs follow RFC 9051 §9 `section-spec` / `section-binary`; part numbers are nz-number
 *   and header field names must be RFC 5322 field names (printable ASCII except ":").
 */
import { isUtf8 } from 'node:buffer';
import type { AtomNode, ImapNode } from './command-parser.js';
import { fail, type ImapResult, ok } from './errors.js';
import { decodeMutf7 } from './mutf7.js';
import { BACKSLASH, C_ASTRING, C_WILDCARD, charClass } from './syntax.js';

const MAX_NUMBER = 4_294_967_295;
const MAX_NUMBER64 = 9_223_372_036_854_775_807n;

/** An atom without section or partial. */
export function isPlainAtom(node: ImapNode | undefined): node is AtomNode {
  return node?.type === 'atom' && node.section === undefined;
}

export function isNil(node: ImapNode | undefined): boolean {
  return isPlainAtom(node) && node.value.toUpperCase() === 'NIL';
}

function digitsOf(input: ImapNode | string | undefined): string | null {
  const text = typeof input === 'string' ? input : isPlainAtom(input) ? input.value : null;
  return text !== null && /^\d{1,20}$/.test(text) ? text : null;
}

/** RFC 9051 `number`: 0 to 2^32-1, leading zeros allowed. */
export function parseNumber(input: ImapNode | string | undefined): number | null {
  const digits = digitsOf(input);
  if (digits === null) return null;
  const value = Number(digits);
  return value <= MAX_NUMBER ? value : null;
}

/** RFC 9051 `nz-number`: 1 to 2^32-1, no leading zero. */
export function parseNzNumber(input: ImapNode | string | undefined): number | null {
  const digits = digitsOf(input);
  if (digits === null || digits.startsWith('0')) return null;
  return parseNumber(digits);
}

/** RFC 9051 `number64` (0 to 2^63-1), e.g. a mod-sequence value, exact. */
export function parseNumber64(input: ImapNode | string | undefined): bigint | null {
  const digits = digitsOf(input);
  if (digits === null) return null;
  const value = BigInt(digits);
  return value <= MAX_NUMBER64 ? value : null;
}

export interface AstringOptions {
  /** list-mailbox (LIST, LSUB patterns): "%" and "*" allowed in the atom form. */
  wildcards?: boolean;
}

/** An astring's bytes (atom, quoted string or literal). */
export function parseAstring(node: ImapNode | undefined, options: AstringOptions = {}): ImapResult<Buffer> {
  if (node === undefined) return fail('Missing argument');
  switch (node.type) {
    case 'quoted':
      return ok(Buffer.from(node.value, 'utf8'));
    case 'literal':
      return node.binary ? fail('Binary literal not allowed here') : ok(node.value);
    case 'list':
      return fail('Expected a string, got a list');
    case 'atom': {
      if (node.section !== undefined) return fail('Expected a string');
      const mask = options.wildcards ? C_ASTRING | C_WILDCARD : C_ASTRING;
      const { value } = node;
      if (value.charCodeAt(0) === BACKSLASH) return fail('Expected a string');
      for (let i = 0; i < value.length; i++) {
        if (!(charClass(value.charCodeAt(i)) & mask)) return fail('Expected a string');
      }
      return ok(Buffer.from(value, 'latin1'));
    }
  }
}

/** An astring as text: the bytes must be valid UTF-8. */
export function parseAstringText(
  node: ImapNode | undefined,
  options: AstringOptions = {},
): ImapResult<string> {
  const bytes = parseAstring(node, options);
  if (!bytes.ok) return bytes;
  if (!isUtf8(bytes.value)) return fail('String is not valid UTF-8');
  return ok(bytes.value.toString('utf8'));
}

export interface MailboxNameOptions extends AstringOptions {
  /** The client enabled UTF8=ACCEPT or IMAP4rev2: names are UTF-8, not modified UTF-7. */
  utf8: boolean;
}

/** C0, DEL, C1, LINE SEPARATOR, PARAGRAPH SEPARATOR (RFC 6855 §3, RFC 9051 §5.1). */
function hasForbiddenCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

/** A mailbox name (or, with wildcards, a LIST pattern) as Unicode text. */
export function parseMailboxName(
  node: ImapNode | undefined,
  options: MailboxNameOptions,
): ImapResult<string> {
  const bytes = parseAstring(node, options);
  if (!bytes.ok) return bytes;
  const raw = bytes.value;
  let name: string;
  const sevenBit = !raw.some((byte) => byte >= 0x80);
  if (!sevenBit || options.utf8) {
    if (!isUtf8(raw)) return fail('Mailbox name is not valid UTF-8');
    name = raw.toString('utf8');
  } else {
    try {
      name = decodeMutf7(raw.toString('latin1'));
    } catch (error) {
      return fail(error instanceof Error ? error.message : 'Invalid modified UTF-7', 'imap.mutf7_invalid');
    }
  }
  if (hasForbiddenCharacter(name)) return fail('Mailbox name contains control characters');
  if (!options.wildcards && name.toUpperCase() === 'INBOX') return ok('INBOX');
  return ok(name);
}

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface SectionSpec {
  /** Part numbers, outermost first; empty for the whole message. */
  readonly part: readonly number[];
  readonly text: SectionText | null;
  /** Field names of HEADER.FIELDS / HEADER.FIELDS.NOT, as sent. */
  readonly fields: readonly string[];
}

export interface SectionOptions {
  /** BINARY, BINARY.PEEK, BINARY.SIZE: section-binary, a part number only (RFC 3516 §4). */
  binary?: boolean;
}

const FIELD_NAME = /^[\u0021-\u0039\u003b-\u007e]+$/;

/** Interprets the `section` of a FETCH attribute atom (RFC 9051 §6.4.5). */
export function parseSectionSpec(
  section: readonly ImapNode[],
  options: SectionOptions = {},
): ImapResult<SectionSpec> {
  const [first, second, ...rest] = section;
  if (first === undefined) return ok({ part: [], text: null, fields: [] });
  if (!isPlainAtom(first) || rest.length > 0) return fail('Invalid section');
  const tokens = first.value.split('.');
  const part: number[] = [];
  let index = 0;
  for (; index < tokens.length; index++) {
    const value = parseNzNumber(tokens[index]);
    if (value === null) break;
    part.push(value);
  }
  if (tokens.some((token) => token.length === 0)) return fail('Invalid section');
  const text = tokens.slice(index).join('.').toUpperCase();
  if (options.binary) {
    return text === '' && second === undefined
      ? ok({ part, text: null, fields: [] })
      : fail('Invalid binary section');
  }
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    if (second === undefined || second.type !== 'list' || second.items.length === 0) {
      return fail('HEADER.FIELDS needs a list of field names');
    }
    const fields: string[] = [];
    for (const item of second.items) {
      const field = parseAstringText(item);
      if (!field.ok || !FIELD_NAME.test(field.value)) return fail('Invalid header field name');
      fields.push(field.value);
    }
    return ok({ part, text, fields });
  }
  if (second !== undefined) return fail('Invalid section');
  if (text === '') return part.length > 0 ? ok({ part, text: null, fields: [] }) : fail('Invalid section');
  if (text === 'HEADER' || text === 'TEXT') return ok({ part, text, fields: [] });
  if (text === 'MIME' && part.length > 0) return ok({ part, text, fields: [] });
  return fail('Invalid section');
}
