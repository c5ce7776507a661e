/**
 * STORE, UID STORE, EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.6, §6.4.3; UIDPLUS RFC 4315 §2.1).
 *
 * Implementation notes
 * - Flags map to the store's keywords (core/mail/flags.ts): system flags to `$seen`…, `\Deleted` to
 *   the membership, other keywords lower-cased. `\Recent` cannot be stored (RFC 9051 §2.3.2).
 * - After a STORE the view is refreshed without expunges (untagged EXPUNGE is not allowed there) and
 *   the new FLAGS are sent, with UID for UID STORE; `.SILENT` suppresses them for the messages this
 *   command changed only, changes made meanwhile by others are still reported.
 * - A read-only (EXAMINE) mailbox refuses STORE and EXPUNGE with NO.
 */
import { changeFlags, expungeDeleted, type FlagChange } from '../../core/mail/index.js';
import { code, type ImapCommand, isPlainAtom, raw } from '../../lib/imap/index.js';
import { flagsOf } from './flags.js';
import { modseqOf, writeMailboxUpdate } from './selected-mailbox.js';
import { modseqModifier, resolveSequence } from './sequence.js';
import { bad, type Completion, no, requireSelected, type Session } from './session.js';

const SYSTEM_TO_KEYWORD: Record<string, string> = {
  '\\SEEN': '$seen',
  '\\ANSWERED': '$answered',
  '\\FLAGGED': '$flagged',
  '\\DRAFT': '$draft',
};

export async function store(session: Session, command: ImapCommand, byUid: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  if (selected.readOnly) throw no('Mailbox is read-only', null);
  const args = [...command.args];
  const setNode = args.shift();
  let unchangedSince: number | undefined;
  if (args[0]?.type === 'list') unchangedSince = modseqModifier(args.shift(), 'UNCHANGEDSINCE');
  const [actionNode, flagsNode, ...rest] = args;
  if (rest.length > 0) throw bad('Too many STORE arguments');
  if (!isPlainAtom(actionNode)) throw bad('Expected FLAGS, +FLAGS or -FLAGS');
  const action = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(actionNode.value);
  if (!action) throw bad('Expected FLAGS, +FLAGS or -FLAGS');
  const flagNodes = flagsNode?.type === 'list' ? flagsNode.items : flagsNode ? [flagsNode] : [];
  const change: FlagChange = {
    mode: action[1] === '+' ? 'add' : action[1] === '-' ? 'remove' : 'replace',
    keywords: [],
    deleted: false,
    ...(unchangedSince === undefined ? {} : { unchangedSince }),
  };
  if (unchangedSince !== undefined) session.condstore = true;
  for (const node of flagNodes) {
    if (!isPlainAtom(node)) throw bad('Expected flags');
    const upper = node.value.toUpperCase();
    if (upper === '\\DELETED') change.deleted = true;
    else if (SYSTEM_TO_KEYWORD[upper]) change.keywords.push(SYSTEM_TO_KEYWORD[upper] as string);
    else if (node.value.startsWith('\\')) throw bad(`Cannot store ${node.value}`);
    else change.keywords.push(node.value.toLowerCase());
  }
  const seqs = resolveSequence(selected, setNode, byUid);
  const uids = seqs.map((seq) => selected.uidAt(seq)).filter((uid): uid is number => uid !== undefined);
  const results = await changeFlags(session.ctx, selected.accountId, selected.id, uids, change);
  const update = await selected.refresh(false);
  if (action[2]) {
    const mine = new Set(results.filter((r) => r.changed).map((r) => r.uid));
    update.flags = update.flags.filter((f) => !mine.has(f.uid));
  } else {
    const refused = new Set(results.filter((r) => r.modified).map((r) => r.uid));
    // Messages whose flags did not change are reported too: the client asked for their FLAGS.
    const reported = new Set(update.flags.map((f) => f.uid));
    const missing = results
      .filter((r) => !reported.has(r.uid) && !refused.has(r.uid))
      .map((r) => selected.seqOfUid(r.uid))
      .filter((seq) => seq > 0);
    for (const [seq, entry] of await selected.entries(missing)) {
      update.flags.push({
        seq,
        uid: entry.uid,
        flags: flagsOf(entry.message, entry.deleted === 1),
        modseq: modseqOf(entry),
      });
    }
    update.flags.sort((a, b) => a.seq - b.seq);
    for (const change of update.flags) selected.noteShown(change.uid, change.modseq);
  }
  writeMailboxUpdate(session, update);
  const modified = results.filter((r) => r.modified).map((r) => (byUid ? r.uid : selected.seqOfUid(r.uid)));
  if (modified.length > 0) {
    return { text: 'Some messages were modified meanwhile', code: code('MODIFIED', raw(modified.join(','))) };
  }
  return { text: `${byUid ? 'UID STORE' : 'STORE'} completed` };
}

export async function expunge(session: Session, command: ImapCommand, byUid: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  if (selected.readOnly) throw no('Mailbox is read-only', null);
  let only: number[] | undefined;
  if (byUid) {
    only = resolveSequence(selected, command.args[0], true)
      .map((seq) => selected.uidAt(seq))
      .filter((uid): uid is number => uid !== undefined);
  } else if (command.args.length > 0) {
    throw bad('EXPUNGE takes no arguments');
  }
  await expungeDeleted(session.ctx, selected.accountId, selected.id, only);
  writeMailboxUpdate(session, await selected.refresh(true));
  return { text: `${byUid ? 'UID EXPUNGE' : 'EXPUNGE'} completed` };
}
