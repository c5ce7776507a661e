/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4): the search program is parsed into a tree, text keys are
 * answered by the full-text index, the others from the session's view.
 *
 * Implementation notes
 * - Text keys (TEXT, BODY, SUBJECT, FROM, TO, CC, BCC) use the index: word search, case- and
 *   accent-insensitive (`ecole` finds `École`), not the RFC's substring match. That is what users of
 *   a French institution expect, and it answers 100 000 messages in milliseconds; documented in
 *   docs/protocols.md. CC and BCC search the recipients field, which holds To, Cc and Bcc.
 * - Each text key is asked once, restricted to the view's messages, before the tree is evaluated
 *   per message, so NOT and OR over text keys cost one index query each.
 * - CHARSET: UTF-8 and US-ASCII are accepted; others get NO [BADCHARSET (UTF-8 US-ASCII)].
 * - BEFORE/ON/SINCE compare the internal date's UTC day (RFC 9051 says "disregarding time and
 *   timezone"); SENTBEFORE/SENTON/SENTSINCE the day written in the Date header, in its own zone, or
 *   the internal date's day when the header is missing or unreadable (as RFC 5256 does for SORT).
 * - HEADER field string: case-insensitive substring of the field's unfolded value with encoded words
 *   decoded; an empty string matches every message having the field. Message-ID, In-Reply-To and
 *   References (how clients find a message again, e.g. Thunderbird after a move) are answered from
 *   the parsed metadata; other fields read each message's header bytes, never its body.
 */
import { readMessageHeader } from '../../core/mail/index.js';
import {
  code,
  type ImapCommand,
  type ImapNode,
  isPlainAtom,
  parseAstringText,
  parseNumber,
  parseNumber64,
} from '../../lib/imap/index.js';
import { decodeHeaderValue, getMessageHeaders, parseDateDay } from '../../lib/mime/index.js';
import type { MailboxEntry } from '../../store/sql/index.js';
import { parseDay } from './dates.js';
import { flagsOf } from './flags.js';
import { metadataOfEntries } from './metadata.js';
import { modseqOf, type SelectedMailbox, uidSet } from './selected-mailbox.js';
import { resolveSequence } from './sequence.js';
import { bad, type Completion, no, required, requireSelected, type Session } from './session.js';

type Key =
  | { kind: 'all' }
  | { kind: 'flag'; flag: string; set: boolean }
  | { kind: 'seqs'; seqs: Set<number> }
  | { kind: 'size'; larger: boolean; bytes: number }
  | { kind: 'modseq'; modseq: number }
  | { kind: 'objectid'; thread: boolean; id: string }
  | { kind: 'date'; op: 'before' | 'on' | 'since'; day: number; sent: boolean; days?: Map<string, number> }
  | { kind: 'header'; field: string; value: string; ids?: Set<string> }
  | { kind: 'text'; field: 'text' | 'body' | 'subject' | 'from' | 'to'; value: string; ids?: Set<string> }
  | { kind: 'not'; key: Key }
  | { kind: 'or'; left: Key; right: Key }
  | { kind: 'and'; keys: Key[] };

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
  NEW: ['\\Seen', false],
  OLD: ['\\Recent', false],
  RECENT: ['\\Recent', true],
};
const TEXT_KEYS: Record<string, Extract<Key, { kind: 'text' }>['field']> = {
  TEXT: 'text',
  BODY: 'body',
  SUBJECT: 'subject',
  FROM: 'from',
  TO: 'to',
  CC: 'to',
  BCC: 'to',
};
const DAY_MS = 86_400_000;
const ALL_RESULTS = 100_000_000;
const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);

/** `* ESEARCH (TAG "t") UID MIN 1 MAX 9 COUNT 3 ALL 1,4,9` (RFC 4731 §3.1); empty parts omitted. */
function esearch(tag: string, byUid: boolean, asked: string[], matches: number[], modseq: number): Buffer {
  const parts = [`* ESEARCH (TAG "${tag.replace(/["\\]/g, '\\$&')}")`];
  if (byUid) parts.push('UID');
  if (asked.includes('MIN') && matches.length > 0) parts.push(`MIN ${matches[0]}`);
  if (asked.includes('MAX') && matches.length > 0) parts.push(`MAX ${matches.at(-1)}`);
  if (asked.includes('COUNT')) parts.push(`COUNT ${matches.length}`);
  if (asked.includes('ALL') && matches.length > 0) parts.push(`ALL ${uidSet(matches)}`);
  if (modseq > 0 && matches.length > 0) parts.push(`MODSEQ ${modseq}`);
  return Buffer.from(`${parts.join(' ')}\r\n`, 'latin1');
}

export async function search(session: Session, command: ImapCommand, byUid: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  const args = [...command.args];
  let returns: Set<string> | null = null;
  if (isPlainAtom(args[0]) && args[0].value.toUpperCase() === 'RETURN') {
    args.shift();
    const options = args.shift();
    if (options?.type !== 'list') throw bad('Expected RETURN (options)');
    returns = new Set();
    for (const option of options.items) {
      const name = isPlainAtom(option) ? option.value.toUpperCase() : '';
      if (!RETURN_OPTIONS.has(name)) throw bad(`Unknown RETURN option ${name}`);
      returns.add(name);
    }
    // RETURN () means RETURN (ALL) (RFC 4731 §3.1).
    if (returns.size === 0) returns.add('ALL');
  }
  // IMAP4rev2 clients get ESEARCH for a plain SEARCH (RFC 9051 §6.4.4).
  if (returns === null && session.rev2) returns = new Set(['ALL']);
  const { seqs, view, usesModseq } = await matchingSeqs(session, selected, args, true);
  const matches: number[] = [];
  let highest = 0;
  for (const seq of seqs) {
    matches.push(byUid ? (selected.uidAt(seq) as number) : seq);
    const entry = view?.[seq - 1];
    if (entry) highest = Math.max(highest, modseqOf(entry));
  }
  const parser = { usesModseq };
  if (parser.usesModseq) session.condstore = true;
  if (returns === null) {
    // With a MODSEQ key, the highest mod-sequence of what matched (RFC 7162 §3.1.5).
    const suffix = parser.usesModseq && matches.length > 0 ? ` (MODSEQ ${highest})` : '';
    session.write(Buffer.from(`* SEARCH${matches.map((n) => ` ${n}`).join('')}${suffix}\r\n`, 'latin1'));
  } else {
    if (returns.has('SAVE')) {
      selected.savedUids = byUid ? matches : matches.map((seq) => selected.uidAt(seq) ?? 0);
    }
    const asked = [...returns].filter((r) => r !== 'SAVE');
    // SAVE alone asks for no answer (RFC 5182 §2.4).
    if (asked.length > 0)
      session.write(esearch(command.tag, byUid, asked, matches, parser.usesModseq ? highest : 0));
  }
  return { text: `${byUid ? 'UID SEARCH' : 'SEARCH'} completed` };
}

/**
 * Sequence numbers (ascending) matching `[CHARSET x] keys…`. `charsetOptional`: SEARCH may omit the
 * charset, SORT (RFC 5256) always gives it.
 */
export async function matchingSeqs(
  session: Session,
  selected: SelectedMailbox,
  input: readonly ImapNode[],
  charsetOptional: boolean,
): Promise<{ seqs: number[]; view: View | null; usesModseq: boolean }> {
  const args = [...input];
  const hasCharset = isPlainAtom(args[0]) && args[0].value.toUpperCase() === 'CHARSET';
  if (hasCharset || !charsetOptional) {
    if (hasCharset) args.shift();
    const charset = required(parseAstringText(args.shift())).toUpperCase();
    if (charset !== 'UTF-8' && charset !== 'US-ASCII') {
      throw no('Unsupported charset', code('BADCHARSET', ['UTF-8', 'US-ASCII']));
    }
  }
  if (args.length === 0) throw bad('Expected search keys');
  const parser = new KeyParser(args, selected);
  const keys: Key[] = [];
  while (!parser.done) keys.push(parser.key());
  const program: Key = { kind: 'and', keys };
  // Read only what the program needs: nothing for sequence sets (`UID SEARCH UID 100:*`, a common
  // resync step), the message ids for text keys (a fifth of the cost of whole rows on a large
  // mailbox), whole rows otherwise.
  const need = needOf(program);
  const view = need === Need.Rows ? await selected.allEntries() : null;
  await prefetch(session, view, program);
  // A text key every match must satisfy, with few hits: only those hits are mapped to sequence
  // numbers (a rare word in a 100 000-message mailbox reads two rows, not 100 000 ids).
  const candidates = need === Need.Ids ? requiredHits(program) : null;
  if (candidates && candidates.size <= Math.min(SPARSE_HITS, selected.exists / 4)) {
    const seqs: number[] = [];
    for (const { seq, messageId } of await selected.seqsOfMessages([...candidates])) {
      if (evaluate(program, seq, messageId, undefined)) seqs.push(seq);
    }
    return { seqs, view: null, usesModseq: parser.usesModseq };
  }
  const ids = view
    ? view.map((entry) => entry?.message.id)
    : need === Need.Ids
      ? await selected.allMessageIds()
      : null;
  const seqs: number[] = [];
  for (let seq = 1; seq <= selected.exists; seq++) {
    const id = ids?.[seq - 1];
    // A message expunged elsewhere but still shown (expunge held back) matches nothing.
    if (ids && id === undefined) continue;
    if (evaluate(program, seq, id, view?.[seq - 1])) seqs.push(seq);
  }
  return { seqs, view, usesModseq: parser.usesModseq };
}

/** Most text hits mapped to sequence numbers one by one; more, and the mailbox's ids are listed. */
const SPARSE_HITS = 5000;

/** The smallest hit set of the text keys a match must satisfy (top-level AND), or null if none. */
function requiredHits(program: Key): Set<string> | null {
  let smallest: Set<string> | null = null;
  for (const key of program.kind === 'and' ? program.keys : [program]) {
    if (key.kind === 'text' && key.ids && (smallest === null || key.ids.size < smallest.size)) {
      smallest = key.ids;
    }
  }
  return smallest;
}

/** The matching messages with their rows, in sequence order (SORT, THREAD). */
export async function matchingEntries(
  session: Session,
  selected: SelectedMailbox,
  input: readonly ImapNode[],
): Promise<{ seq: number; entry: MailboxEntry }[]> {
  const { seqs, view } = await matchingSeqs(session, selected, input, false);
  const rows = view ? null : await selected.entries(seqs);
  return seqs.flatMap((seq) => {
    const entry = view ? view[seq - 1] : rows?.get(seq);
    return entry ? [{ seq, entry }] : [];
  });
}

/** The selected mailbox's rows by sequence number - 1, undefined where an expunge is held back. */
type View = (MailboxEntry | undefined)[];

enum Need {
  Nothing = 0,
  Ids = 1,
  Rows = 2,
}

function needOf(key: Key): Need {
  switch (key.kind) {
    case 'all':
    case 'seqs':
      return Need.Nothing;
    case 'text':
      return Need.Ids;
    case 'objectid':
      return key.thread ? Need.Rows : Need.Ids;
    case 'not':
      return needOf(key.key);
    case 'or':
      return Math.max(needOf(key.left), needOf(key.right));
    case 'and':
      return Math.max(Need.Nothing, ...key.keys.map(needOf));
    default:
      return Need.Rows;
  }
}

class KeyParser {
  private index = 0;
  usesModseq = false;
  constructor(
    private readonly nodes: readonly ImapNode[],
    private readonly selected: SelectedMailbox,
  ) {}

  get done(): boolean {
    return this.index >= this.nodes.length;
  }

  key(): Key {
    const node = this.nodes[this.index++];
    if (!node) throw bad('Missing search key');
    if (node.type === 'list') {
      const inner = new KeyParser(node.items, this.selected);
      const keys: Key[] = [];
      while (!inner.done) keys.push(inner.key());
      this.usesModseq ||= inner.usesModseq;
      if (keys.length === 0) throw bad('Empty search key list');
      return { kind: 'and', keys };
    }
    if (node.type !== 'atom') throw bad('Invalid search key');
    const name = node.value.toUpperCase();
    if (name === 'ALL') return { kind: 'all' };
    const flagKey = FLAG_KEYS[name];
    if (flagKey) return { kind: 'flag', flag: flagKey[0], set: flagKey[1] };
    if (name === 'KEYWORD' || name === 'UNKEYWORD') {
      const keyword = this.atom().toLowerCase();
      return { kind: 'flag', flag: keyword, set: name === 'KEYWORD' };
    }
    if (name === 'NOT') return { kind: 'not', key: this.key() };
    if (name === 'OR') return { kind: 'or', left: this.key(), right: this.key() };
    if (name === 'UID')
      return { kind: 'seqs', seqs: new Set(resolveSequence(this.selected, this.next(), true)) };
    if (name === 'MODSEQ') {
      // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type-req] mod-sequence-value; the entry is ignored,
      // per-flag mod-sequences not being kept (allowed: they default to the message's).
      if (this.nodes[this.index]?.type === 'quoted') this.index += 2;
      const modseq = parseNumber64(this.next());
      if (modseq === null) throw bad('Expected a mod-sequence');
      this.usesModseq = true;
      return { kind: 'modseq', modseq: Number(modseq) };
    }
    if (name === 'EMAILID' || name === 'THREADID') {
      return { kind: 'objectid', thread: name === 'THREADID', id: this.atom() };
    }
    if (name === 'LARGER' || name === 'SMALLER') {
      const bytes = parseNumber(this.next());
      if (bytes === null) throw bad('Expected a number');
      return { kind: 'size', larger: name === 'LARGER', bytes };
    }
    const dateMatch = /^(SENT)?(BEFORE|ON|SINCE)$/.exec(name);
    if (dateMatch) {
      const op = (dateMatch[2] as string).toLowerCase() as 'before' | 'on' | 'since';
      return { kind: 'date', op, day: this.date(), sent: dateMatch[1] !== undefined };
    }
    if (name === 'HEADER') {
      const field = required(parseAstringText(this.next()));
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) throw bad('Invalid header field name');
      return { kind: 'header', field: field.toLowerCase(), value: required(parseAstringText(this.next())) };
    }
    const field = TEXT_KEYS[name];
    if (field) return { kind: 'text', field, value: required(parseAstringText(this.next())) };
    if (/^[\d*]/.test(node.value) && node.section === undefined) {
      return { kind: 'seqs', seqs: new Set(resolveSequence(this.selected, node, false)) };
    }
    throw bad(`Unknown search key ${name}`);
  }

  private next(): ImapNode | undefined {
    return this.nodes[this.index++];
  }

  private atom(): string {
    const node = this.next();
    if (!isPlainAtom(node)) throw bad('Expected a keyword');
    return node.value;
  }

  /** date = 1*2DIGIT "-" date-month "-" 4DIGIT, quoted or not; the UTC day number. */
  private date(): number {
    const day = parseDay(required(parseAstringText(this.next())));
    if (day === null) throw bad('Invalid date');
    return day;
  }
}

/** Answers the keys that need the index, the metadata or the headers, once for the whole view. */
async function prefetch(session: Session, view: View | null, key: Key): Promise<void> {
  if (key.kind === 'date' && key.sent && view) {
    key.days = await sentDays(session, present(view));
  } else if (key.kind === 'header' && view) {
    key.ids = await headerMatches(session, present(view), key.field, key.value.toLowerCase());
  } else if (key.kind === 'text') {
    // The whole account, intersected with the view during evaluation: cheaper than sending the
    // view's ids (up to the mailbox size) as a parameter.
    const found = await session.ctx.search.search({
      accountId: requireSelected(session).accountId,
      [key.field]: key.value,
      limit: ALL_RESULTS,
    });
    key.ids = new Set(found);
  } else if (key.kind === 'not') {
    await prefetch(session, view, key.key);
  } else if (key.kind === 'or') {
    await prefetch(session, view, key.left);
    await prefetch(session, view, key.right);
  } else if (key.kind === 'and') {
    for (const inner of key.keys) await prefetch(session, view, inner);
  }
}

function present(view: View): MailboxEntry[] {
  return view.filter((entry): entry is MailboxEntry => entry !== undefined);
}

/** The Date header's own calendar day of each message in the view, by message id. */
async function sentDays(session: Session, entries: MailboxEntry[]): Promise<Map<string, number>> {
  const metadata = await metadataOfEntries(session, entries);
  const days = new Map<string, number>();
  for (const entry of entries) {
    const date = metadata.get(entry.message.blob_id)?.envelope.date;
    const day = date ? parseDateDay(date) : null;
    days.set(entry.message.id, day ?? Math.floor(entry.message.received_at / DAY_MS));
  }
  return days;
}

const ID_FIELDS = new Set(['message-id', 'in-reply-to', 'references']);

async function headerMatches(
  session: Session,
  entries: MailboxEntry[],
  field: string,
  needle: string,
): Promise<Set<string>> {
  const ids = new Set<string>();
  if (ID_FIELDS.has(field)) {
    const metadata = await metadataOfEntries(session, entries);
    for (const entry of entries) {
      const meta = metadata.get(entry.message.blob_id);
      const values =
        field === 'message-id'
          ? meta?.messageId
            ? [meta.messageId]
            : []
          : field === 'in-reply-to'
            ? (meta?.inReplyTo ?? [])
            : (meta?.references ?? []);
      if (values.length === 0) continue;
      const text = values
        .map((id) => `<${id}>`)
        .join(' ')
        .toLowerCase();
      if (text.includes(needle)) ids.add(entry.message.id);
    }
    return ids;
  }
  for (const entry of entries) {
    const header = await readMessageHeader(session.ctx, entry.message.blob_id);
    const values = getMessageHeaders(header)
      .filter((h) => h.name.toLowerCase() === field)
      .map((h) => decodeHeaderValue(h.value).toLowerCase());
    if (values.some((value) => value.includes(needle))) ids.add(entry.message.id);
  }
  return ids;
}

/**
 * Whether the message matches. `id` is there when the program needs ids, `entry` when it needs rows
 * (needOf), so each key finds what it reads.
 */
function evaluate(key: Key, seq: number, id: string | undefined, entry: MailboxEntry | undefined): boolean {
  switch (key.kind) {
    case 'all':
      return true;
    case 'seqs':
      return key.seqs.has(seq);
    case 'not':
      return !evaluate(key.key, seq, id, entry);
    case 'or':
      return evaluate(key.left, seq, id, entry) || evaluate(key.right, seq, id, entry);
    case 'and':
      return key.keys.every((inner) => evaluate(inner, seq, id, entry));
    case 'text':
      return id !== undefined && (key.ids?.has(id) ?? false);
    case 'objectid':
      if (!key.thread) return id === key.id;
  }
  return entry !== undefined && matchesRow(key, entry);
}

function matchesRow(key: Key, entry: MailboxEntry): boolean {
  switch (key.kind) {
    case 'flag': {
      const flags = flagsOf(entry.message, entry.deleted === 1).map((f) => f.toLowerCase());
      return flags.includes(key.flag.toLowerCase()) === key.set;
    }
    case 'size':
      return key.larger ? entry.message.size > key.bytes : entry.message.size < key.bytes;
    case 'modseq':
      return modseqOf(entry) >= key.modseq;
    case 'objectid':
      return entry.message.thread_id === key.id;
    case 'header':
      return key.ids?.has(entry.message.id) ?? false;
    case 'date': {
      const day = key.days?.get(entry.message.id) ?? Math.floor(entry.message.received_at / DAY_MS);
      return key.op === 'before' ? day < key.day : key.op === 'on' ? day === key.day : day >= key.day;
    }
    default:
      return false;
  }
}
