/**
 * Sequence sets and UID sets of a command, resolved against the session's view.
 *
 * Implementation notes
 * - `*` is the highest sequence number, or the highest UID for UID commands (RFC 9051 §6.4.8); in a
 *   UID set, `n:*` with n above the highest UID still names the last message (RFC 9051 §6.4.8, the
 *   range is unordered: "*:4" is "4:*").
 * - A sequence number beyond EXISTS is an error (BAD, RFC 9051 §6.4.5 "invalid message sequence
 *   number"); UIDs that are not in the mailbox are ignored, as the RFC requires.
 * - Results are sorted and without duplicates, so `1,1:3` answers each message once.
 */
import { type ImapNode, isPlainAtom, parseNumber64, parseSequenceSet } from '../../lib/imap/index.js';
import type { SelectedMailbox } from './selected-mailbox.js';
import { bad, required } from './session.js';

/** Sequence numbers (ascending, unique) named by the set. */
export function resolveSequence(
  selected: SelectedMailbox,
  node: ImapNode | undefined,
  byUid: boolean,
): number[] {
  const max = byUid ? selected.highestUid : selected.exists;
  const set = required(parseSequenceSet(node, { max, allowSaved: true }));
  if (set.kind === 'saved') {
    // SEARCHRES (RFC 5182): `$` is the last SEARCH … SAVE result, kept as UIDs so that expunges in
    // between simply drop out of it.
    return selected.savedUids
      .map((uid) => selected.seqOfUid(uid))
      .filter((seq) => seq > 0)
      .sort((a, b) => a - b);
  }
  // `1:*` in an empty mailbox names nothing rather than message 1.
  if (max === 0) return [];
  const seqs = new Set<number>();
  for (const range of set.ranges) {
    if (byUid) {
      for (const seq of selected.seqsInUidRange(range.start, range.end)) seqs.add(seq);
    } else {
      if (range.end > selected.exists) throw bad('Invalid message sequence number');
      for (let seq = range.start; seq <= range.end; seq++) seqs.add(seq);
    }
  }
  return [...seqs].sort((a, b) => a - b);
}

/** A `(NAME mod-sequence)` modifier list: FETCH CHANGEDSINCE, STORE UNCHANGEDSINCE (RFC 7162). */
export function modseqModifier(node: ImapNode | undefined, name: string): number {
  const [key, value, ...rest] = node?.type === 'list' ? node.items : [];
  if (!isPlainAtom(key) || key.value.toUpperCase() !== name || rest.length > 0) {
    throw bad(`Expected (${name} mod-sequence)`);
  }
  const modseq = parseNumber64(value);
  if (modseq === null || modseq < 1n) throw bad('Expected a mod-sequence');
  return Number(modseq);
}
