/**
 * FETCH and UID FETCH (RFC 9051 §6.4.5): item parsing, then one response per message, built from
 * the metadata stored at delivery and, only when a body section is asked for, the raw blob.
 *
 * Implementation notes
 * - Items: FLAGS, UID, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE, BODY, BODY[section]<p>,
 *   BODY.PEEK[section]<p>, RFC822, RFC822.HEADER, RFC822.TEXT and the macros ALL, FAST, FULL.
 * - BINARY[part]<p>, BINARY.PEEK and BINARY.SIZE (RFC 3516, part of IMAP4rev2): the part's content
 *   with its transfer encoding undone by the same decoder the webmail uses; a literal8 (`~{n}`) only
 *   when the bytes hold a NUL. An encoding we cannot undo answers NO [UNKNOWN-CTE]. `BINARY[]` is
 *   the whole message as stored.
 * - Reading a body without .PEEK (BODY[…], RFC822, RFC822.TEXT) sets \Seen on a read-write mailbox,
 *   before the answer, and the new FLAGS are sent with it (RFC 9051 §6.4.5).
 * - Metadata is loaded for the whole batch in bounded queries; raw bytes one message at a time, so
 *   memory stays at one message however large the range.
 * - UID FETCH always returns UID (RFC 9051 §6.4.9). Messages that vanished since the sequence set was
 *   resolved are skipped, never answered with made-up data.
 */
import {
  type BodyDescription,
  bodyDescriptions,
  changeFlags,
  readMessageBytes,
} from '../../core/mail/index.js';
import {
  astring,
  code,
  type ImapCommand,
  type ImapNode,
  isPlainAtom,
  parseSectionSpec,
  parseSequenceSet,
  type SectionSpec,
  sequenceSetIncludes,
} from '../../lib/imap/index.js';
import { decodeBody, findPart, type MimePart } from '../../lib/mime/index.js';
import type { MailboxEntry } from '../../store/sql/index.js';
import { formatDateTime } from './dates.js';
import { flagsOf } from './flags.js';
import { extractSection, partial } from './sections.js';
import { modseqOf, uidSet } from './selected-mailbox.js';
import { modseqModifier, resolveSequence } from './sequence.js';
import { bad, type Completion, no, required, requireSelected, type Session } from './session.js';
import { renderBodyStructure, renderEnvelope } from './structures.js';

type Item =
  | {
      kind:
        | 'FLAGS'
        | 'UID'
        | 'INTERNALDATE'
        | 'RFC822.SIZE'
        | 'ENVELOPE'
        | 'BODYSTRUCTURE'
        | 'BODY'
        | 'EMAILID'
        | 'THREADID'
        | 'MODSEQ';
    }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | {
      kind: 'SECTION';
      peek: boolean;
      section: SectionSpec;
      partial: { offset: number; length: number } | null;
    }
  | {
      kind: 'BINARY';
      peek: boolean;
      size: boolean;
      part: string;
      partial: { offset: number; length: number } | null;
    };

const MACROS: Record<string, Item['kind'][]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const SIMPLE = new Set([
  'MODSEQ',
  'EMAILID',
  'THREADID',
  'FLAGS',
  'UID',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
]);
const METADATA_BATCH = 200;
/** Message files read ahead of the one being answered: the disk's latency overlaps, memory stays small. */
const READ_AHEAD = 8;

/**
 * `get(index)` resolves the read of item `index`, reads of the next `window` items started ahead.
 * Items must be asked in order. A read that fails rejects only when its item is asked for.
 */
function readAhead<T, R>(items: readonly T[], window: number, read: (item: T) => Promise<R>) {
  const started = new Map<number, Promise<R>>();
  let next = 0;
  return (index: number): Promise<R> => {
    while (next < items.length && next <= index + window) {
      const promise = read(items[next] as T);
      promise.catch(() => undefined); // observed when asked for, not before
      started.set(next++, promise);
    }
    const promise = started.get(index);
    started.delete(index);
    if (!promise) throw new RangeError(`readAhead: item ${index} asked out of order`);
    return promise;
  };
}

export async function fetch(session: Session, command: ImapCommand, byUid: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  const [setNode, itemsNode, modifiers, ...rest] = command.args;
  if (rest.length > 0) throw bad('Too many FETCH arguments');
  const items = parseItems(itemsNode);
  if (byUid && !items.some((i) => i.kind === 'UID')) items.unshift({ kind: 'UID' });
  const seqs = resolveSequence(selected, setNode, byUid);
  // (CHANGEDSINCE n) or, for UID FETCH under QRESYNC, (CHANGEDSINCE n VANISHED) (RFC 7162 §3.2.6).
  let vanished = false;
  let modifierList = modifiers;
  if (modifiers?.type === 'list' && modifiers.items.length === 3) {
    const last = modifiers.items[2];
    if (!isPlainAtom(last) || last.value.toUpperCase() !== 'VANISHED') throw bad('Unknown FETCH modifier');
    if (!byUid || !session.qresync) throw bad('VANISHED needs UID FETCH and ENABLE QRESYNC');
    vanished = true;
    modifierList = { type: 'list', items: modifiers.items.slice(0, 2) };
  }
  const changedSince = modifierList === undefined ? undefined : modseqModifier(modifierList, 'CHANGEDSINCE');
  if (vanished && changedSince !== undefined) {
    const max = selected.highestUid;
    const requested = required(parseSequenceSet(setNode, { max: Math.max(max, 1) }));
    const gone = (await selected.vanishedSince(changedSince)).filter(
      (uid) => requested.kind === 'set' && sequenceSetIncludes(requested.ranges, uid),
    );
    if (gone.length > 0) session.write(Buffer.from(`* VANISHED (EARLIER) ${uidSet(gone)}\r\n`, 'latin1'));
  }
  if (changedSince !== undefined && !items.some((i) => i.kind === 'MODSEQ')) items.push({ kind: 'MODSEQ' });
  if (items.some((i) => i.kind === 'MODSEQ')) session.condstore = true;

  const marksSeen =
    !selected.readOnly &&
    items.some(
      (i) =>
        i.kind === 'RFC822' ||
        i.kind === 'RFC822.TEXT' ||
        (i.kind === 'SECTION' && !i.peek) ||
        (i.kind === 'BINARY' && !i.peek && !i.size),
    );
  const needsEnvelope = items.some((i) => i.kind === 'ENVELOPE');
  const needsStructure = items.some(
    (i) =>
      i.kind === 'BODYSTRUCTURE' ||
      i.kind === 'BODY' ||
      i.kind === 'SECTION' ||
      i.kind === 'BINARY' ||
      i.kind === 'RFC822.HEADER' ||
      i.kind === 'RFC822.TEXT',
  );
  const needsBytes = items.some(
    (i) =>
      i.kind === 'SECTION' ||
      i.kind === 'BINARY' ||
      (i.kind.startsWith('RFC822') && i.kind !== 'RFC822.SIZE'),
  );
  const showsFlags = items.some((i) => i.kind === 'FLAGS');
  const withFlags: Item[] = showsFlags ? items : [...items, { kind: 'FLAGS' }];
  // One batch at a time: rows, metadata and bytes of at most METADATA_BATCH messages in memory.
  for (let start = 0; start < seqs.length; start += METADATA_BATCH) {
    const batch = seqs.slice(start, start + METADATA_BATCH);
    let rows = await selected.entries(batch);
    // Reading a body marks it \Seen before the answer, which then carries the new FLAGS.
    const newlySeen = new Set<number>();
    if (marksSeen) {
      const unseen = [...rows.values()].filter((e) => !e.message.seen).map((e) => e.uid);
      if (unseen.length > 0) {
        await changeFlags(session.ctx, selected.accountId, selected.id, unseen, {
          mode: 'add',
          keywords: ['$seen'],
          deleted: false,
        });
        for (const uid of unseen) newlySeen.add(uid);
        rows = await selected.entries(batch);
      }
    }
    const entries = batch
      .map((seq) => [seq, rows.get(seq)] as const)
      // RFC 7162 §3.1.4: with CHANGEDSINCE, only what changed after the given modseq.
      .filter(([, e]) => e !== undefined && (changedSince === undefined || modseqOf(e) > changedSince));
    const descriptions =
      needsEnvelope || needsStructure
        ? await bodyDescriptions(
            session.ctx,
            entries.flatMap(([, e]) => (e ? [e.message.blob_id] : [])),
            { envelope: needsEnvelope, structure: needsStructure },
          )
        : new Map<string, BodyDescription>();
    // Responses of a batch go out as one write: a thousand small writes cost more than the text.
    const out: Buffer[] = [];
    const bytes = needsBytes
      ? readAhead(entries, READ_AHEAD, ([, e]) =>
          readMessageBytes(session.ctx, (e as MailboxEntry).message.blob_id),
        )
      : null;
    for (const [index, [seq, entry]] of entries.entries()) {
      if (!entry) continue;
      const raw = bytes ? await bytes(index) : null;
      const shown = newlySeen.has(entry.uid) ? withFlags : items;
      out.push(renderFetch(session, seq, entry, shown, descriptions.get(entry.message.blob_id), raw));
      if (shown === withFlags) selected.noteShown(entry.uid, modseqOf(entry));
    }
    if (out.length > 0) session.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
  }
  return { text: `${byUid ? 'UID FETCH' : 'FETCH'} completed` };
}

function parseItems(node: ImapNode | undefined): Item[] {
  if (!node) throw bad('Expected FETCH items');
  const nodes = node.type === 'list' ? node.items : [node];
  if (nodes.length === 0) throw bad('Expected FETCH items');
  const items: Item[] = [];
  for (const item of nodes) {
    if (item.type !== 'atom') throw bad('Invalid FETCH item');
    const name = item.value.toUpperCase();
    if (item.section === undefined && MACROS[name] && node.type !== 'list') {
      for (const kind of MACROS[name]) items.push({ kind } as Item);
      continue;
    }
    if (item.section !== undefined && name.startsWith('BINARY')) {
      if (!['BINARY', 'BINARY.PEEK', 'BINARY.SIZE'].includes(name)) throw bad(`Unknown FETCH item ${name}`);
      const section = required(parseSectionSpec(item.section));
      if (section.text !== null || section.fields.length > 0) throw bad('BINARY takes a part number only');
      if (name === 'BINARY.SIZE' && item.partial !== undefined) throw bad('BINARY.SIZE takes no partial');
      items.push({
        kind: 'BINARY',
        peek: name !== 'BINARY',
        size: name === 'BINARY.SIZE',
        part: section.part.join('.'),
        partial: item.partial ?? null,
      });
      continue;
    }
    if (item.section !== undefined) {
      if (name !== 'BODY' && name !== 'BODY.PEEK') throw bad(`${name}[] is not supported`);
      const section = required(parseSectionSpec(item.section));
      items.push({ kind: 'SECTION', peek: name === 'BODY.PEEK', section, partial: item.partial ?? null });
      continue;
    }
    if (item.partial !== undefined || !SIMPLE.has(name)) throw bad(`Unknown FETCH item ${name}`);
    items.push({ kind: name } as Item);
  }
  return items;
}

function renderFetch(
  session: Session,
  seq: number,
  entry: MailboxEntry,
  items: Item[],
  description: BodyDescription | undefined,
  raw: Buffer | null,
): Buffer {
  const nstring = (value: string | null) => session.encoder.nstring(value);
  // Text is gathered in one string and literals kept as Buffers beside it: most responses
  // (flags, envelopes) are a single string turned into bytes once.
  const pieces: Buffer[] = [];
  let text = `* ${seq} FETCH (`;
  let first = true;
  const add = (name: string, value: Buffer | string) => {
    text += first ? `${name} ` : ` ${name} `;
    first = false;
    if (typeof value === 'string') {
      text += value;
    } else {
      pieces.push(Buffer.from(text, 'utf8'), value);
      text = '';
    }
  };
  const literal = (bytes: Buffer) => Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`, 'latin1'), bytes]);
  const envelope = description?.envelope;
  const root = description?.root;
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
        add('UID', String(entry.uid));
        break;
      case 'FLAGS':
        add('FLAGS', `(${flagsOf(entry.message, entry.deleted === 1).join(' ')})`);
        break;
      case 'INTERNALDATE':
        add('INTERNALDATE', `"${formatDateTime(entry.message.received_at)}"`);
        break;
      case 'RFC822.SIZE':
        add('RFC822.SIZE', String(entry.message.size));
        break;
      case 'MODSEQ':
        add('MODSEQ', `(${modseqOf(entry)})`);
        break;
      // OBJECTID (RFC 8474): the same ids JMAP uses; UUIDs are valid objectids.
      case 'EMAILID':
        add('EMAILID', `(${entry.message.id})`);
        break;
      case 'THREADID':
        add('THREADID', `(${entry.message.thread_id})`);
        break;
      case 'ENVELOPE':
        if (envelope) add('ENVELOPE', renderEnvelope(envelope, nstring));
        break;
      case 'BODYSTRUCTURE':
      case 'BODY':
        if (root) add(item.kind, renderBodyStructure(root, nstring, item.kind === 'BODYSTRUCTURE'));
        break;
      case 'RFC822':
        if (raw) add('RFC822', literal(raw));
        break;
      case 'RFC822.HEADER':
      case 'RFC822.TEXT':
        if (raw && root) {
          const text = item.kind === 'RFC822.HEADER' ? 'HEADER' : 'TEXT';
          add(item.kind, literal(extractSection(raw, root, { part: '', text, fields: [] })));
        }
        break;
      case 'BINARY':
        if (raw && root) {
          const bytes = binaryContent(raw, root, item.part);
          if (item.size) {
            add(`BINARY.SIZE[${item.part}]`, String(bytes.length));
            break;
          }
          const sliced = item.partial ? partial(bytes, item.partial.offset, item.partial.length) : bytes;
          const origin = item.partial ? `<${item.partial.offset}>` : '';
          const prefix = sliced.includes(0) ? '~' : '';
          add(
            `BINARY[${item.part}]${origin}`,
            Buffer.concat([Buffer.from(`${prefix}{${sliced.length}}\r\n`, 'latin1'), sliced]),
          );
        }
        break;
      case 'SECTION':
        if (raw && root) {
          const { section } = item;
          const bytes = extractSection(raw, root, {
            part: section.part.join('.'),
            text: section.text,
            fields: [...section.fields],
          });
          const sliced = item.partial ? partial(bytes, item.partial.offset, item.partial.length) : bytes;
          const origin = item.partial ? `<${item.partial.offset}>` : '';
          add(
            `BODY[${sectionName(section, (name) => session.encoder.encode(astring(name)).toString('latin1'))}]${origin}`,
            literal(sliced),
          );
        }
        break;
    }
  }
  text += ')\r\n';
  if (pieces.length === 0) return Buffer.from(text, 'utf8');
  pieces.push(Buffer.from(text, 'utf8'));
  return Buffer.concat(pieces);
}

const DECODABLE = new Set(['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** A part's decoded content (RFC 3516 §4.2); a part that does not exist is empty, as for BODY. */
function binaryContent(raw: Buffer, root: MimePart, partId: string): Buffer {
  if (partId === '') return raw;
  const part = findPart(root, partId);
  if (!part) return Buffer.alloc(0);
  if (!DECODABLE.has(part.encoding.toLowerCase())) {
    throw no(`Cannot decode the ${part.encoding} transfer encoding of part ${partId}`, code('UNKNOWN-CTE'));
  }
  return decodeBody(raw, part);
}

function sectionName(section: SectionSpec, encodeName: (name: string) => string): string {
  const part = section.part.join('.');
  const text = section.text ?? '';
  const head = part && text ? `${part}.${text}` : part || text;
  return section.fields.length > 0 ? `${head} (${section.fields.map(encodeName).join(' ')})` : head;
}
