/**
 * APPEND (RFC 9051 §6.3.12, with UIDPLUS APPENDUID and APPENDLIMIT), COPY and MOVE with their UID
 * forms (RFC 9051 §6.4.7, RFC 6851 MOVE, RFC 4315 COPYUID).
 *
 * Implementation notes
 * - APPEND stores the message like a delivery (blob fsync'd, rows and search entry committed) before
 *   OK, so an appended Sent copy or draft is never lost. The internal date is the one given, else
 *   now; flags and keywords are kept. Over quota: NO [OVERQUOTA]; over the size limit: NO [TOOBIG].
 * - MOVE answers like RFC 6851 §3.3 says: `* OK [COPYUID …]` then the EXPUNGEs of the moved messages,
 *   then the tagged OK.
 */
import { copyMessages, deliverToAccount, findRecipient, storeMessageBody } from '../../core/mail/index.js';
import { UserError } from '../../lib/errors/index.js';
import {
  code,
  type ImapCommand,
  isPlainAtom,
  parseAstringText,
  parseMailboxName,
  raw,
} from '../../lib/imap/index.js';
import { findMailboxByPath } from '../../store/sql/index.js';
import { parseDateTime } from './dates.js';
import { writeMailboxUpdate } from './selected-mailbox.js';
import { resolveSequence } from './sequence.js';
import {
  bad,
  type Completion,
  no,
  requireAccount,
  required,
  requireSelected,
  type Session,
} from './session.js';

const SYSTEM: Record<string, 'seen' | 'answered' | 'flagged' | 'draft' | 'deleted'> = {
  '\\SEEN': 'seen',
  '\\ANSWERED': 'answered',
  '\\FLAGGED': 'flagged',
  '\\DRAFT': 'draft',
  '\\DELETED': 'deleted',
};

export async function append(session: Session, command: ImapCommand, maxBytes: number): Promise<Completion> {
  const account = requireAccount(session);
  const args = [...command.args];
  const name = required(parseMailboxName(args.shift(), { utf8: session.utf8 }));
  const options = { seen: false, answered: false, flagged: false, draft: false, deleted: false };
  const keywords: string[] = [];
  if (args[0]?.type === 'list') {
    for (const node of (args.shift() as { items: readonly import('../../lib/imap/index.js').ImapNode[] })
      .items) {
      if (!isPlainAtom(node)) throw bad('Expected flags');
      const system = SYSTEM[node.value.toUpperCase()];
      if (system) options[system] = true;
      else if (node.value.startsWith('\\')) throw bad(`Cannot store ${node.value}`);
      else keywords.push(node.value.toLowerCase());
    }
  }
  let receivedAt = session.ctx.clock.now();
  if (args.length > 1) {
    const given = parseDateTime(required(parseAstringText(args.shift())));
    if (given === null) throw bad('Invalid date-time');
    receivedAt = given;
  }
  const message = args.shift();
  if (message?.type !== 'literal' || args.length > 0) throw bad('Expected the message as a literal');
  if (message.value.length > maxBytes) throw no(`Message larger than ${maxBytes} bytes`, code('TOOBIG'));
  if (message.value.length === 0) throw bad('Empty message');
  const box = await findMailboxByPath(session.ctx.db, account.id, name);
  if (!box) throw no('No such mailbox', code('TRYCREATE'));
  const recipient = await findRecipient(session.ctx, account.address);
  if (!recipient) throw no('Account unavailable', code('UNAVAILABLE'));
  const body = await storeMessageBody(session.ctx, message.value);
  let delivered: Awaited<ReturnType<typeof deliverToAccount>>;
  try {
    delivered = await deliverToAccount(session.ctx, body, recipient, {
      mailboxId: box.id,
      receivedAt,
      ...options,
      keywords,
    });
  } catch (error) {
    if (error instanceof UserError && error.code === 'mail.over_quota') {
      throw no('Mailbox is full', code('OVERQUOTA'));
    }
    throw error;
  }
  if (session.selected?.id === box.id) writeMailboxUpdate(session, await session.selected.refresh(true));
  return { text: 'APPEND completed', code: code('APPENDUID', box.uid_validity, delivered.uid) };
}

export async function copy(
  session: Session,
  command: ImapCommand,
  byUid: boolean,
  move: boolean,
): Promise<Completion> {
  const account = requireAccount(session);
  const selected = requireSelected(session);
  if (move && selected.readOnly) throw no('Mailbox is read-only', null);
  const seqs = resolveSequence(selected, command.args[0], byUid);
  const name = required(parseMailboxName(command.args[1], { utf8: session.utf8 }));
  if (command.args.length !== 2) throw bad('Expected a sequence set and a mailbox');
  const target = await findMailboxByPath(session.ctx.db, account.id, name);
  if (!target) throw no('No such mailbox', code('TRYCREATE'));
  const uids = seqs.map((s) => selected.uidAt(s)).filter((u): u is number => u !== undefined);
  const verb = `${byUid ? 'UID ' : ''}${move ? 'MOVE' : 'COPY'}`;
  const result = await copyMessages(session.ctx, account.id, selected.id, uids, target.id, move);
  if (result.pairs.length === 0) return { text: `${verb} completed` };
  const copyUid = code(
    'COPYUID',
    result.uidValidity,
    rawSet(result.pairs.map(([from]) => from)),
    rawSet(result.pairs.map(([, to]) => to)),
  );
  if (!move) return { text: `${verb} completed`, code: copyUid };
  session.write(session.encoder.status('OK', 'Moved', copyUid));
  writeMailboxUpdate(session, await selected.refresh(true));
  return { text: `${verb} completed` };
}

/** A UID list in the order given (COPYUID pairs its two sets by position, so no sorting). */
function rawSet(uids: number[]) {
  return raw(uids.join(','));
}
