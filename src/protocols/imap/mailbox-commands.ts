/**
 * Mailbox commands: NAMESPACE, LIST (with LIST-EXTENDED return options SPECIAL-USE, CHILDREN,
 * SUBSCRIBED and LIST-STATUS), LSUB, STATUS, SELECT, EXAMINE, UNSELECT, CLOSE.
 *
 * Implementation notes
 * - One personal namespace, no prefix, `/` as hierarchy delimiter: the store's paths are already
 *   `/`-separated, and `INBOX` is the Inbox in any case (RFC 9051 §5.1).
 * - LIST patterns: `*` matches anything, `%` anything but the delimiter (RFC 9051 §6.3.9); the
 *   reference is prefixed to the pattern. Matching is done on Unicode names after decoding, so
 *   modified UTF-7 and UTF-8 clients see the same tree.
 * - Special-use attributes come from the mailbox role (RFC 6154), so a French Thunderbird shows
 *   "Corbeille" for `Trash` from `\Trash`, whatever the name.
 * - SELECT reports FLAGS, EXISTS, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS and, for IMAP4rev1 clients,
 *   RECENT 0 and UNSEEN (the first unseen sequence number).
 */
import {
  createMailbox,
  deleteMailbox,
  expungeDeleted,
  findRecipient,
  renameMailbox,
  setSubscribed,
} from '../../core/mail/index.js';
import { UserError } from '../../lib/errors/index.js';
import {
  atom,
  code,
  flag,
  type ImapCommand,
  type ImapNode,
  isPlainAtom,
  mailbox,
  parseAstringText,
  parseMailboxName,
  parseNumber64,
  parseNzNumber,
  parseSequenceSet,
  sequenceSetIncludes,
} from '../../lib/imap/index.js';
import {
  countMailboxMessages,
  findMailboxByPath,
  listMailboxes,
  listMailboxMessages,
  listMailboxMessagesChangedSince,
  type Mailbox,
} from '../../store/sql/index.js';
import { flagsOf, SYSTEM_FLAGS } from './flags.js';
import { modseqOf, SelectedMailbox, uidSet } from './selected-mailbox.js';
import {
  bad,
  type Completion,
  no,
  requireAccount,
  required,
  requireSelected,
  type Session,
} from './session.js';

const DELIMITER = '/';
const ROLE_ATTRIBUTE: Record<string, string> = {
  drafts: '\\Drafts',
  sent: '\\Sent',
  archive: '\\Archive',
  junk: '\\Junk',
  trash: '\\Trash',
};
const STATUS_ITEMS = new Set([
  'MESSAGES',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'RECENT',
  'SIZE',
  'DELETED',
  'HIGHESTMODSEQ',
  'MAILBOXID',
]);

export async function namespace(session: Session): Promise<Completion> {
  session.write(session.encoder.untagged(atom('NAMESPACE'), [['', DELIMITER]], null, null));
  return { text: 'Namespace' };
}

export async function list(
  session: Session,
  command: ImapCommand,
  subscribedOnly = false,
): Promise<Completion> {
  const account = requireAccount(session);
  const args = [...command.args];
  // LIST-EXTENDED selection options come first, in a list: (SUBSCRIBED) (SPECIAL-USE)…
  const selection = args[0]?.type === 'list' && !subscribedOnly ? optionNames(args.shift()) : [];
  const reference = required(parseMailboxName(args.shift(), { utf8: session.utf8, wildcards: true }));
  const patternNode = args.shift();
  const patterns =
    patternNode?.type === 'list'
      ? patternNode.items.map((node) =>
          required(parseMailboxName(node, { utf8: session.utf8, wildcards: true })),
        )
      : [required(parseMailboxName(patternNode, { utf8: session.utf8, wildcards: true }))];
  let returns: string[] = [];
  let statusItems: string[] = [];
  if (args.length > 0) {
    const keyword = args.shift();
    if (!isPlainAtom(keyword) || keyword.value.toUpperCase() !== 'RETURN' || args[0]?.type !== 'list') {
      throw bad('Expected RETURN (options)');
    }
    const options = (args.shift() as { items: readonly import('../../lib/imap/index.js').ImapNode[] }).items;
    for (let i = 0; i < options.length; i++) {
      const option = options[i];
      if (!isPlainAtom(option)) throw bad('Invalid RETURN option');
      const name = option.value.toUpperCase();
      if (name === 'STATUS') {
        statusItems = optionNames(options[++i]);
        for (const item of statusItems) if (!STATUS_ITEMS.has(item)) throw bad(`Unknown status item ${item}`);
      }
      returns.push(name);
    }
  }
  if (selection.includes('SUBSCRIBED')) returns = [...returns, 'SUBSCRIBED'];

  if (patterns.length === 1 && patterns[0] === '' && !subscribedOnly) {
    session.write(session.encoder.untagged(atom('LIST'), [flag('\\Noselect')], DELIMITER, ''));
    return { text: 'List completed' };
  }
  const mailboxes = await listMailboxes(session.ctx.db, account.id);
  const paths = new Set(mailboxes.map((m) => m.path));
  const matchers = patterns.map((p) => patternMatcher(reference + p));
  const verb = subscribedOnly ? 'LSUB' : 'LIST';
  for (const box of sortMailboxes(mailboxes)) {
    if (!matchers.some((matches) => matches(box.path))) continue;
    if ((subscribedOnly || selection.includes('SUBSCRIBED')) && !box.subscribed) continue;
    if (selection.includes('SPECIAL-USE') && !box.role) continue;
    const attributes: string[] = [];
    const hasChildren = [...paths].some((p) => p.startsWith(box.path + DELIMITER));
    attributes.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
    if (box.subscribed && (returns.includes('SUBSCRIBED') || selection.includes('SUBSCRIBED'))) {
      attributes.push('\\Subscribed');
    }
    const special = box.role ? ROLE_ATTRIBUTE[box.role] : undefined;
    if (special && !subscribedOnly) attributes.push(special);
    session.write(session.encoder.untagged(atom(verb), attributes.map(flag), DELIMITER, mailbox(box.path)));
    if (statusItems.length > 0) await writeStatus(session, box, statusItems);
  }
  return { text: `${verb} completed` };
}

export async function status(session: Session, command: ImapCommand): Promise<Completion> {
  const account = requireAccount(session);
  const name = required(parseMailboxName(command.args[0], { utf8: session.utf8 }));
  const items = optionNames(command.args[1]);
  if (items.length === 0) throw bad('Expected status items');
  for (const item of items) if (!STATUS_ITEMS.has(item)) throw bad(`Unknown status item ${item}`);
  const box = await findMailboxByPath(session.ctx.db, account.id, name);
  if (!box) throw no('No such mailbox', code('NONEXISTENT'));
  await writeStatus(session, box, items);
  return { text: 'Status completed' };
}

async function writeStatus(session: Session, box: Mailbox, items: string[]): Promise<void> {
  const account = requireAccount(session);
  const counts = await countMailboxMessages(session.ctx.db, account.id, box.id);
  let size = 0;
  if (items.includes('SIZE')) {
    for (const entry of await listMailboxMessages(session.ctx.db, account.id, box.id))
      size += entry.message.size;
  }
  const values: Record<string, number> = {
    MESSAGES: counts.total,
    UIDNEXT: box.uid_next,
    UIDVALIDITY: box.uid_validity,
    UNSEEN: counts.unseen,
    RECENT: 0,
    SIZE: size,
    DELETED: counts.deleted,
    HIGHESTMODSEQ: highestModseq(box),
  };
  if (items.includes('HIGHESTMODSEQ')) session.condstore = true;
  session.write(
    session.encoder.untagged(
      atom('STATUS'),
      mailbox(box.path),
      items.flatMap((item) => [atom(item), item === 'MAILBOXID' ? [atom(box.id)] : (values[item] ?? 0)]),
    ),
  );
}

export async function select(session: Session, command: ImapCommand, readOnly: boolean): Promise<Completion> {
  const account = requireAccount(session);
  const name = required(parseMailboxName(command.args[0], { utf8: session.utf8 }));
  const resync = command.args.length > 1 ? selectParameters(session, command.args[1]) : null;
  if (command.args.length > 2) throw bad('Too many SELECT arguments');
  if (session.selected) {
    session.selected = null;
    session.state = 'authenticated';
    session.write(session.encoder.status('OK', 'Previous mailbox closed', code('CLOSED')));
  }
  const box = await findMailboxByPath(session.ctx.db, account.id, name);
  if (!box) throw no('No such mailbox', code('NONEXISTENT'));
  const selected = await SelectedMailbox.open(session.ctx, account.id, box, readOnly);
  const { encoder } = session;
  session.write(encoder.untagged(atom('FLAGS'), SYSTEM_FLAGS.map(flag)));
  session.write(encoder.untagged(selected.exists, atom('EXISTS')));
  if (session.rev2) {
    // IMAP4rev2 drops RECENT and UNSEEN and wants the mailbox's LIST line (RFC 9051 §6.3.2).
    const attributes = box.role && ROLE_ATTRIBUTE[box.role] ? [flag(ROLE_ATTRIBUTE[box.role] as string)] : [];
    session.write(encoder.untagged(atom('LIST'), attributes, DELIMITER, mailbox(box.path)));
  } else {
    session.write(encoder.untagged(0, atom('RECENT')));
    const firstUnseen = await selected.firstUnseenSeq();
    if (firstUnseen !== null)
      session.write(encoder.status('OK', 'First unseen', code('UNSEEN', firstUnseen)));
  }
  session.write(encoder.status('OK', 'UIDs valid', code('UIDVALIDITY', box.uid_validity)));
  session.write(encoder.status('OK', 'Predicted next UID', code('UIDNEXT', box.uid_next)));
  session.write(encoder.status('OK', 'Highest', code('HIGHESTMODSEQ', highestModseq(box))));
  session.write(encoder.status('OK', 'Mailbox id', code('MAILBOXID', [atom(box.id)])));
  const permanent = readOnly ? [] : [...SYSTEM_FLAGS.map(flag), flag('\\*')];
  session.write(encoder.status('OK', 'Flags permitted', code('PERMANENTFLAGS', permanent)));
  session.selected = selected;
  session.state = 'selected';
  if (resync && resync.uidValidity === box.uid_validity) {
    // RFC 7162 §3.2.5: what the client missed since its last known state, in two responses.
    let vanished = await selected.vanishedSince(resync.modseq);
    if (resync.knownUids) vanished = vanished.filter((uid) => resync.knownUids?.(uid));
    if (vanished.length > 0)
      session.write(Buffer.from(`* VANISHED (EARLIER) ${uidSet(vanished)}\r\n`, 'latin1'));
    const changed: string[] = [];
    for (const entry of await listMailboxMessagesChangedSince(
      session.ctx.db,
      account.id,
      box.id,
      resync.modseq,
    )) {
      const seq = selected.seqOfUid(entry.uid);
      if (seq === 0) continue;
      const flags = flagsOf(entry.message, entry.deleted === 1).join(' ');
      changed.push(`* ${seq} FETCH (UID ${entry.uid} FLAGS (${flags}) MODSEQ (${modseqOf(entry)}))\r\n`);
    }
    if (changed.length > 0) session.write(Buffer.from(changed.join(''), 'utf8'));
  }
  return readOnly
    ? { text: 'EXAMINE completed', code: code('READ-ONLY') }
    : { text: 'SELECT completed', code: code('READ-WRITE') };
}

export async function unselect(session: Session, expunge: boolean): Promise<Completion> {
  const selected = requireSelected(session);
  if (expunge && !selected.readOnly) {
    await expungeDeleted(session.ctx, selected.accountId, selected.id);
  }
  session.selected = null;
  session.state = 'authenticated';
  return { text: expunge ? 'CLOSE completed' : 'UNSELECT completed' };
}

function optionNames(node: import('../../lib/imap/index.js').ImapNode | undefined): string[] {
  if (node?.type !== 'list') throw bad('Expected a parenthesised list');
  return node.items.map((item) => {
    if (!isPlainAtom(item)) throw bad('Expected an option name');
    return item.value.toUpperCase();
  });
}

/** `*` matches anything, `%` anything but the delimiter; INBOX is case-insensitive. */
function patternMatcher(pattern: string): (path: string) => boolean {
  const source = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'su');
  const inboxRegex = new RegExp(`^${source}$`, 'isu');
  return (path) => (path === 'INBOX' ? inboxRegex.test(path) : regex.test(path));
}

/** INBOX first, then special-use folders in their order, then the rest by path. */
function sortMailboxes(mailboxes: Mailbox[]): Mailbox[] {
  return [...mailboxes].sort((a, b) => {
    const rank = (m: Mailbox) => (m.role === 'inbox' ? 0 : m.role ? 1 : 2);
    return (
      rank(a) - rank(b) || a.sort_order - b.sort_order || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    );
  });
}

/** CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.4–6.3.8). */
export async function manage(session: Session, command: ImapCommand): Promise<Completion> {
  const account = requireAccount(session);
  const name = required(parseMailboxName(command.args[0], { utf8: session.utf8 }));
  const path = name.endsWith(DELIMITER) ? name.slice(0, -1) : name;
  try {
    switch (command.name) {
      case 'CREATE': {
        if (command.args.length > 1) refuseSpecialUse(command.args[1]);
        const created = await createMailbox(session.ctx, account.id, path);
        return { text: 'CREATE completed', code: code('MAILBOXID', [atom(created.id)]) };
      }
      case 'DELETE': {
        const box = await findMailboxByPath(session.ctx.db, account.id, path);
        if (!box) throw no('No such mailbox', code('NONEXISTENT'));
        if (session.selected?.id === box.id) throw no('Unselect the mailbox first', code('INUSE'));
        await deleteMailbox(session.ctx, account.id, box.id);
        return { text: 'DELETE completed' };
      }
      case 'RENAME': {
        const to = required(parseMailboxName(command.args[1], { utf8: session.utf8 }));
        const box = await findMailboxByPath(session.ctx.db, account.id, path);
        if (!box) throw no('No such mailbox', code('NONEXISTENT'));
        await renameMailbox(session.ctx, account.id, box.id, to);
        return { text: 'RENAME completed' };
      }
      default: {
        const box = await findMailboxByPath(session.ctx.db, account.id, path);
        if (!box) throw no('No such mailbox', code('NONEXISTENT'));
        await setSubscribed(session.ctx, account.id, box.id, command.name === 'SUBSCRIBE');
        return { text: `${command.name} completed` };
      }
    }
  } catch (error) {
    if (error instanceof UserError)
      throw no(error.message, code(MAILBOX_ERROR_CODES[error.code] ?? 'CANNOT'));
    throw error;
  }
}

/**
 * CREATE-SPECIAL-USE (RFC 6154 §3): every account always has exactly one mailbox per special use
 * (they cannot be deleted), so a second one is refused with USEATTR, as are uses we do not keep
 * (\\All, \\Flagged: virtual mailboxes, not stored ones).
 */
function refuseSpecialUse(node: ImapNode | undefined): void {
  if (node?.type !== 'list') throw bad('Expected CREATE options');
  const [name, uses, ...rest] = node.items;
  if (!isPlainAtom(name) || name.value.toUpperCase() !== 'USE' || uses?.type !== 'list' || rest.length > 0) {
    throw bad('Expected (USE (attributes))');
  }
  if (uses.items.length === 0) return;
  const roles = Object.entries(ROLE_ATTRIBUTE);
  for (const use of uses.items) {
    const attribute = use.type === 'atom' ? use.value.toLowerCase() : '';
    const known = roles.find(([, value]) => value.toLowerCase() === attribute);
    if (!known) throw no(`Special use ${attribute || '?'} is not supported`, code('USEATTR'));
    throw no(`The ${known[1]} mailbox exists already; each account has exactly one`, code('USEATTR'));
  }
}

const MAILBOX_ERROR_CODES: Record<string, string> = {
  'mailbox.exists': 'ALREADYEXISTS',
  'mailbox.not_found': 'NONEXISTENT',
  'mailbox.protected': 'CANNOT',
  'mailbox.has_children': 'CANNOT',
  'mailbox.invalid_name': 'CANNOT',
};

/** RFC 7162 mod-sequences are ≥ 1; a mailbox that never changed reports 1. */
function highestModseq(box: Mailbox): number {
  return Math.max(1, box.highest_modseq);
}

interface Resync {
  uidValidity: number;
  modseq: number;
  knownUids: ((uid: number) => boolean) | null;
}

/** `(CONDSTORE)` or `(QRESYNC (uidvalidity modseq [known-uids …]))` (RFC 7162 §3.1.8, §3.2.5). */
function selectParameters(session: Session, node: ImapNode | undefined): Resync | null {
  if (node?.type !== 'list') throw bad('Expected SELECT parameters in parentheses');
  let resync: Resync | null = null;
  for (let i = 0; i < node.items.length; i++) {
    const item = node.items[i];
    const name = isPlainAtom(item) ? item.value.toUpperCase() : '';
    if (name === 'CONDSTORE') {
      session.condstore = true;
    } else if (name === 'QRESYNC') {
      if (!session.qresync) throw bad('ENABLE QRESYNC first');
      const value = node.items[++i];
      const [validity, modseq, known] = value?.type === 'list' ? value.items : [];
      const uidValidity = parseNzNumber(validity);
      const since = parseNumber64(modseq);
      if (uidValidity === null || since === null) throw bad('Expected (QRESYNC (uidvalidity modseq …))');
      let knownUids: Resync['knownUids'] = null;
      if (known !== undefined) {
        const set = required(parseSequenceSet(known, { max: 4_294_967_295 }));
        if (set.kind === 'set') knownUids = (uid) => sequenceSetIncludes(set.ranges, uid);
      }
      resync = { uidValidity, modseq: Number(since), knownUids };
    } else {
      throw bad('Unknown SELECT parameter');
    }
  }
  return resync;
}

/**
 * GETQUOTAROOT and GETQUOTA (RFC 9208): one quota root per account, `""`, with the STORAGE resource in
 * KiB as the RFC counts it. SETQUOTA is refused: quotas come from the profile, set by administrators.
 */
export async function quota(session: Session, command: ImapCommand): Promise<Completion> {
  const account = requireAccount(session);
  if (command.name === 'SETQUOTA') throw no('Quotas are set by the administrators', code('NOPERM'));
  if (command.name === 'GETQUOTAROOT') {
    const name = required(parseMailboxName(command.args[0], { utf8: session.utf8 }));
    if (!(await findMailboxByPath(session.ctx.db, account.id, name)))
      throw no('No such mailbox', code('NONEXISTENT'));
    session.write(session.encoder.untagged(atom('QUOTAROOT'), mailbox(name), ''));
  } else if (required(parseAstringText(command.args[0])) !== '') {
    throw no('No such quota root', code('NONEXISTENT'));
  }
  const recipient = await findRecipient(session.ctx, account.address);
  const usedKib = Math.ceil((recipient?.usedBytes ?? 0) / 1024);
  const limitKib = Math.floor((recipient?.quotaBytes ?? 0) / 1024);
  session.write(session.encoder.untagged(atom('QUOTA'), '', [atom('STORAGE'), usedKib, limitKib]));
  return { text: `${command.name} completed` };
}
