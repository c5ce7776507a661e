/**
 * THREAD and UID THREAD (RFC 5256 §3): the messages a search program matches, as conversation trees.
 *
 * Implementation notes
 * - Algorithms REFERENCES and ORDEREDSUBJECT, computed by lib/thread-tree from the metadata parsed at
 *   delivery (Message-ID, In-Reply-To, References, base subject, Date). The stored thread ids (JMAP,
 *   THREADID) group by conversation but keep no tree: IMAP's answer needs parents, so it is built here
 *   for the messages asked, which costs one metadata read per message of the result.
 * - Sent date: the Date header, else the internal date (RFC 5256 §2.2).
 */
import { looksLikeReply } from '../../core/mail/index.js';
import { type ImapCommand, isPlainAtom } from '../../lib/imap/index.js';
import {
  type ThreadInput,
  type ThreadNode,
  threadByOrderedSubject,
  threadByReferences,
} from '../../lib/thread-tree/index.js';
import { metadataOfEntries } from './metadata.js';
import { matchingEntries } from './search.js';
import { bad, type Completion, requireSelected, type Session } from './session.js';

export const THREAD_ALGORITHMS = ['ORDEREDSUBJECT', 'REFERENCES'] as const;

export async function thread(session: Session, command: ImapCommand, byUid: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  const [algorithmNode, ...rest] = command.args;
  const algorithm = isPlainAtom(algorithmNode) ? algorithmNode.value.toUpperCase() : '';
  if (!(THREAD_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw bad(`Unknown threading algorithm, use ${THREAD_ALGORITHMS.join(' or ')}`);
  }
  const matches = await matchingEntries(session, selected, rest);
  const metadata = await metadataOfEntries(
    session,
    matches.map((m) => m.entry),
  );
  const inputs: ThreadInput[] = matches.map(({ seq, entry }) => {
    const meta = metadata.get(entry.message.blob_id);
    return {
      key: byUid ? entry.uid : seq,
      order: seq,
      messageId: meta?.messageId ?? null,
      references: meta?.references ?? [],
      inReplyTo: meta?.inReplyTo ?? [],
      baseSubject: meta?.baseSubject ?? '',
      isReply: meta ? looksLikeReply(meta.subject) : false,
      sentAt: meta?.sentAt ?? entry.message.received_at,
    };
  });
  const threads = algorithm === 'REFERENCES' ? threadByReferences(inputs) : threadByOrderedSubject(inputs);
  const text = threads.map((node) => `(${threadMembers(node)})`).join('');
  session.write(Buffer.from(`* THREAD${text ? ` ${text}` : ''}\r\n`, 'latin1'));
  return { text: `${byUid ? 'UID THREAD' : 'THREAD'} completed` };
}

/**
 * RFC 5256 §5 thread-members / thread-nested: a chain of single children is a run of numbers; a
 * node with several children ends the run with each child's thread in parentheses; a dummy adds no
 * number of its own.
 */
export function threadMembers(node: ThreadNode): string {
  const numbers: string[] = [];
  let current = node;
  for (;;) {
    if (current.message) numbers.push(String(current.message.key));
    const [only, ...others] = current.children;
    if (only && others.length === 0 && current.message) {
      current = only;
      continue;
    }
    const nested = current.children.map((child) => `(${threadMembers(child)})`).join('');
    return [numbers.join(' '), nested].filter((part) => part !== '').join(' ');
  }
}
