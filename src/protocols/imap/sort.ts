/**
 * SORT and UID SORT (RFC 5256 §3): the messages a search program matches, in the order of the given
 * criteria.
 *
 * Implementation notes
 * - Keys per RFC 5256: ARRIVAL (internal date), DATE (the Date header, else the internal date), FROM,
 *   TO and CC (the mailbox part of the first address, case-insensitively), SIZE, SUBJECT (the base
 *   subject computed at delivery: reply and forward prefixes in French and English removed), each
 *   optionally REVERSE; ties are broken by sequence number, as the RFC requires.
 * - The metadata comes from the rows parsed at delivery, in bounded batches; no message is re-read.
 */
import type { BodyMetadata } from '../../core/mail/index.js';
import { type ImapCommand, isPlainAtom } from '../../lib/imap/index.js';
import type { MailboxEntry } from '../../store/sql/index.js';
import { metadataOfEntries } from './metadata.js';
import { matchingEntries } from './search.js';
import { bad, type Completion, requireSelected, type Session } from './session.js';

const KEYS = new Set(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO']);

interface Criterion {
  key: string;
  reverse: boolean;
}

export async function sort(session: Session, command: ImapCommand, byUid: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  const [criteriaNode, ...rest] = command.args;
  if (criteriaNode?.type !== 'list' || criteriaNode.items.length === 0) throw bad('Expected sort criteria');
  const criteria: Criterion[] = [];
  let reverse = false;
  for (const item of criteriaNode.items) {
    const name = isPlainAtom(item) ? item.value.toUpperCase() : '';
    if (name === 'REVERSE') {
      reverse = true;
      continue;
    }
    if (!KEYS.has(name)) throw bad(`Unknown sort criterion ${name}`);
    criteria.push({ key: name, reverse });
    reverse = false;
  }
  if (reverse || criteria.length === 0) throw bad('REVERSE must precede a sort criterion');
  const entries = await matchingEntries(session, selected, rest);
  const metadata = criteria.some((c) => !['ARRIVAL', 'SIZE'].includes(c.key))
    ? await metadataOfEntries(
        session,
        entries.map((e) => e.entry),
      )
    : new Map<string, BodyMetadata>();
  const value = (key: string, entry: MailboxEntry): string | number => {
    const meta = metadata.get(entry.message.blob_id);
    switch (key) {
      case 'ARRIVAL':
        return entry.message.received_at;
      case 'SIZE':
        return entry.message.size;
      case 'DATE':
        return meta?.sentAt ?? entry.message.received_at;
      case 'SUBJECT':
        return meta?.baseSubject ?? '';
      default: {
        const list = key === 'FROM' ? meta?.from : key === 'TO' ? meta?.to : meta?.cc;
        const address = list?.[0]?.address ?? '';
        const at = address.lastIndexOf('@');
        return (at > 0 ? address.slice(0, at) : address).toLowerCase();
      }
    }
  };
  entries.sort((a, b) => {
    for (const { key, reverse: down } of criteria) {
      const x = value(key, a.entry);
      const y = value(key, b.entry);
      if (x === y) continue;
      const order = x < y ? -1 : 1;
      return down ? -order : order;
    }
    return a.seq - b.seq;
  });
  const numbers = entries.map((e) => (byUid ? e.entry.uid : e.seq));
  session.write(Buffer.from(`* SORT${numbers.map((n) => ` ${n}`).join('')}\r\n`, 'latin1'));
  return { text: `${byUid ? 'UID SORT' : 'SORT'} completed` };
}
