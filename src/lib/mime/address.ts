/**
 * Address lists (RFC 5322 §3.4, with the obsolete forms of §4.4) for IMAP ENVELOPE and JMAP.
 *
 * Implementation notes
 * - One tokenizer pass, then one pass over the tokens: linear, no backtracking, never throws.
 *   Unclosed quotes, comments and angle brackets run to the end of the value.
 * - Group syntax gives a group-start item (mailbox = group name, host null) and a group-end item
 *   (mailbox and host null), as RFC 9051 §7.5.2 renders them; decoded lists drop the markers and
 *   keep the members.
 * - Source routes (`<@a,@b:user@host>`) are dropped (adl is always null). An address without '@'
 *   keeps its text as the mailbox and '' as host. Without a display name, the first comment
 *   stands for it (`user@host (Jean Dupont)`), as many readers show it.
 * - Envelope values are raw (not RFC 2047-decoded); decoded names go through decodeHeaderValue.
 */
import { decodeHeaderValue } from './encoded-words.js';
import type { Address, EnvelopeAddress } from './types.js';

type Token =
  | { kind: 'atom'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'special'; text: string };

const SPECIALS = new Set([',', ':', ';', '<', '>', '@', '.']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      i++;
    } else if (ch === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        const c = input[i] as string;
        if (c !== '\r' && c !== '\n') text += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text });
    } else if (ch === '(') {
      let depth = 1;
      let text = '';
      i++;
      while (i < input.length && depth > 0) {
        const c = input[i] as string;
        if (c === '\\' && i + 1 < input.length) {
          text += input[i + 1];
          i += 2;
          continue;
        }
        if (c === '(') depth++;
        else if (c === ')') depth--;
        if (depth > 0) text += c;
        i++;
      }
      tokens.push({ kind: 'comment', text: text.trim() });
    } else if (ch === '[') {
      const close = input.indexOf(']', i);
      const end = close < 0 ? input.length : close + 1;
      tokens.push({ kind: 'atom', text: input.slice(i, end) });
      i = end;
    } else if (SPECIALS.has(ch)) {
      tokens.push({ kind: 'special', text: ch });
      i++;
    } else {
      const start = i;
      while (i < input.length && !/[\s"(),:;<>@.[]/.test(input[i] as string)) i++;
      if (i === start) i++;
      tokens.push({ kind: 'atom', text: input.slice(start, i) });
    }
  }
  return tokens;
}

/** Joins the words of a display name with single spaces; dots stay attached (obs-phrase). */
function joinPhrase(tokens: Token[]): string | null {
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'special' && token.text === '.') out += '.';
    else out += (out.length > 0 && !out.endsWith('.') ? ' ' : '') + token.text;
  }
  return out.length > 0 ? out : null;
}

function needsQuoting(local: string): boolean {
  return !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)*$/.test(
    local,
  );
}

function splitAddrSpec(tokens: Token[]): { local: string | null; domain: string | null } {
  const words = tokens.filter((t) => t.kind !== 'comment');
  let at = -1;
  for (let i = words.length - 1; i >= 0; i--) {
    if (words[i]?.kind === 'special' && words[i]?.text === '@') {
      at = i;
      break;
    }
  }
  const join = (list: Token[]): string => list.map((t) => t.text).join('');
  if (at < 0) {
    const text = join(words);
    return { local: text.length > 0 ? text : null, domain: text.length > 0 ? '' : null };
  }
  return { local: join(words.slice(0, at)), domain: join(words.slice(at + 1)) };
}

function firstComment(tokens: Token[]): string | null {
  for (const token of tokens) if (token.kind === 'comment' && token.text.length > 0) return token.text;
  return null;
}

/** Splits a raw (unfolded, undecoded) address-list value into ENVELOPE address structures. */
export function parseEnvelopeAddresses(value: string): EnvelopeAddress[] {
  const tokens = tokenize(value);
  const out: EnvelopeAddress[] = [];
  let isInGroup = false;
  let pending: Token[] = [];
  let angle: Token[] | null = null;

  const flush = (): void => {
    if (angle !== null) {
      let inner = angle;
      // obs-route: `@a,@b:` before the addr-spec.
      const colon = inner.findIndex((t) => t.kind === 'special' && t.text === ':');
      if (colon >= 0 && inner[0]?.kind === 'special' && inner[0].text === '@') inner = inner.slice(colon + 1);
      const { local, domain } = splitAddrSpec(inner);
      const name = joinPhrase(pending) ?? firstComment(pending);
      if (local !== null || name !== null) out.push({ name, adl: null, mailbox: local, host: domain ?? '' });
    } else if (pending.some((t) => t.kind !== 'comment')) {
      const { local, domain } = splitAddrSpec(pending);
      out.push({ name: firstComment(pending), adl: null, mailbox: local, host: domain });
    }
    pending = [];
    angle = null;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'special' && token.text === '<') {
      const inner: Token[] = [];
      i++;
      while (i < tokens.length && !(tokens[i]?.kind === 'special' && tokens[i]?.text === '>')) {
        inner.push(tokens[i] as Token);
        i++;
      }
      if (angle === null) angle = inner;
    } else if (token.kind === 'special' && token.text === ',') {
      flush();
    } else if (token.kind === 'special' && token.text === ';') {
      flush();
      if (isInGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
      isInGroup = false;
    } else if (token.kind === 'special' && token.text === ':' && !isInGroup && angle === null) {
      out.push({ name: null, adl: null, mailbox: joinPhrase(pending) ?? '', host: null });
      pending = [];
      isInGroup = true;
    } else if (angle === null || token.kind === 'comment') {
      pending.push(token);
    }
  }
  flush();
  if (isInGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}

/** One ENVELOPE address item as a decoded address; null for a group marker. */
export function decodedAddress(item: EnvelopeAddress): Address | null {
  if (item.host === null) return null;
  const local = item.mailbox ?? '';
  const quotedLocal =
    local.length > 0 && needsQuoting(local) ? `"${local.replace(/(["\\])/g, '\\$1')}"` : local;
  const address = item.host.length > 0 ? `${quotedLocal}@${item.host}` : quotedLocal;
  const name = item.name === null ? '' : decodeHeaderValue(item.name).replace(/\s+/g, ' ').trim();
  return { name, address };
}

/** Parses an address list into decoded addresses; group markers are dropped, members kept. */
export function parseAddressList(value: string): Address[] {
  const out: Address[] = [];
  for (const item of parseEnvelopeAddresses(value)) {
    const address = decodedAddress(item);
    if (address !== null) out.push(address);
  }
  return out;
}
