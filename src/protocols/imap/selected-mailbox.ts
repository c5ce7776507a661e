/**
 * The selected mailbox as one session sees it: the sequence-number ↔ UID map and the state last
 * reported, so that changes made elsewhere (SMTP delivery, another session, the webmail) reach the
 * client as EXISTS, EXPUNGE and FETCH FLAGS updates with correct sequence numbers.
 *
 * Implementation notes
 * - A session keeps only the UIDs of its view (a few bytes per message) and the mod-sequence it has
 *   reported up to: thousands of clients sit in IDLE on large mailboxes, and holding every message
 *   row per session would cost megabytes each. Commands read the rows they need, in batches, when
 *   they run (`entries`, `allEntries`), so flags are always current.
 * - Sequence numbers are positions in `uids` (ascending). They change only when this session reports
 *   it (RFC 9051 §7.5.1): an expunge done elsewhere stays invisible until `refresh` is called at a
 *   point where untagged EXPUNGE is allowed (not during FETCH, STORE or SEARCH: RFC 9051 §7.5.1).
 * - `refresh` reads the mailbox's highest modseq (one row); only when it moved does it read the
 *   change log since the last report (arrivals, flag changes, expunges of this mailbox), never the
 *   whole mailbox. EXPUNGEs are emitted from the highest sequence number down, so each number is
 *   valid at the moment the client reads it.
 * - Flags a command already showed the client (FETCH FLAGS, STORE answers) are noted with their
 *   modseq, so the next refresh does not repeat them as unsolicited FETCH responses.
 */

import type { CoreContext } from '../../core/context.js';
import {
  findFirstUnseenUid,
  findMailboxById,
  findMailboxUidsOfMessages,
  listMailboxChangesSince,
  listMailboxMessageIds,
  listMailboxMessages,
  listMailboxUids,
  type Mailbox,
  type MailboxEntry,
} from '../../store/sql/index.js';
import { flagsOf } from './flags.js';

export interface MailboxUpdate {
  /** Sequence numbers of expunged messages, highest first (the order EXPUNGE responses need). */
  expunged: number[];
  /** Their UIDs (for VANISHED under QRESYNC). */
  expungedUids: number[];
  exists: number | null;
  /** Sequence number and new flags of messages whose flags changed. */
  flags: { seq: number; uid: number; flags: string[]; modseq: number }[];
}

export class SelectedMailbox {
  private uids: number[] = [];
  /** SEARCHRES `$`: the UIDs of the last SEARCH … RETURN (SAVE), empty until then. */
  savedUids: number[] = [];
  private knownModseq = 0;
  /** UID → modseq of flags this session already showed since `knownModseq`. */
  private shown = new Map<number, number>();

  private constructor(
    private readonly ctx: CoreContext,
    readonly accountId: string,
    public mailbox: Mailbox,
    readonly readOnly: boolean,
  ) {}

  static async open(ctx: CoreContext, accountId: string, mailbox: Mailbox, readOnly: boolean) {
    const selected = new SelectedMailbox(ctx, accountId, mailbox, readOnly);
    // The modseq first: a change landing between the two reads is then seen again, never missed.
    selected.knownModseq = mailbox.highest_modseq;
    selected.uids = await listMailboxUids(ctx.db, accountId, mailbox.id);
    return selected;
  }

  get id(): string {
    return this.mailbox.id;
  }

  get exists(): number {
    return this.uids.length;
  }

  get highestUid(): number {
    return this.uids.at(-1) ?? 0;
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  /** Sequence number of a UID, or 0 when it is not in the view. Binary search: UIDs ascend. */
  seqOfUid(uid: number): number {
    const index = this.lowerBound(uid);
    return this.uids[index] === uid ? index + 1 : 0;
  }

  /** Sequence numbers, ascending, of the UIDs in [start, end] present in the view. */
  seqsInUidRange(start: number, end: number): number[] {
    const seqs: number[] = [];
    for (let i = this.lowerBound(start); i < this.uids.length && (this.uids[i] as number) <= end; i++) {
      seqs.push(i + 1);
    }
    return seqs;
  }

  /** Index of the first UID ≥ `uid`. */
  private lowerBound(uid: number): number {
    let low = 0;
    let high = this.uids.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.uids[mid] as number) < uid) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * The current rows of these sequence numbers, by sequence number. Messages expunged elsewhere but
   * still in the view (expunge held back) have no row and are absent.
   */
  async entries(seqs: readonly number[]): Promise<Map<number, MailboxEntry>> {
    const wanted = seqs.map((seq) => this.uids[seq - 1]).filter((uid): uid is number => uid !== undefined);
    const rows = await listMailboxMessages(this.ctx.db, this.accountId, this.mailbox.id, wanted);
    const result = new Map<number, MailboxEntry>();
    for (const row of rows) {
      const seq = this.seqOfUid(row.uid);
      if (seq > 0) result.set(seq, row);
    }
    return result;
  }

  /** The rows of the whole view, indexed by sequence number - 1 (undefined where held back). */
  async allEntries(): Promise<(MailboxEntry | undefined)[]> {
    const rows = await listMailboxMessages(this.ctx.db, this.accountId, this.mailbox.id);
    const result: (MailboxEntry | undefined)[] = new Array(this.uids.length);
    for (const row of rows) {
      const seq = this.seqOfUid(row.uid);
      if (seq > 0) result[seq - 1] = row;
    }
    return result;
  }

  /** The message ids of the whole view by sequence number - 1 (text searches need no more). */
  async allMessageIds(): Promise<(string | undefined)[]> {
    const rows = await listMailboxMessageIds(this.ctx.db, this.accountId, this.mailbox.id);
    const result: (string | undefined)[] = new Array(this.uids.length);
    for (const row of rows) {
      const seq = this.seqOfUid(row.uid);
      if (seq > 0) result[seq - 1] = row.messageId;
    }
    return result;
  }

  /** Sequence number and id of those of `messageIds` that this view shows, ascending. */
  async seqsOfMessages(messageIds: readonly string[]): Promise<{ seq: number; messageId: string }[]> {
    const rows = await findMailboxUidsOfMessages(this.ctx.db, this.accountId, this.mailbox.id, messageIds);
    return rows
      .map((row) => ({ seq: this.seqOfUid(row.uid), messageId: row.messageId }))
      .filter((row) => row.seq > 0)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Records that the client was shown this message's flags as of `modseq`. */
  noteShown(uid: number, modseq: number): void {
    if (modseq > this.knownModseq) this.shown.set(uid, Math.max(modseq, this.shown.get(uid) ?? 0));
  }

  /** UIDs expunged from this mailbox after `modseq` (QRESYNC VANISHED (EARLIER)), ascending. */
  async vanishedSince(modseq: number): Promise<number[]> {
    const changes = await listMailboxChangesSince(this.ctx.db, this.accountId, this.mailbox.id, modseq);
    const uids = changes.filter((c) => c.action === 'expunged' && c.uid !== null).map((c) => c.uid as number);
    // A UID is never reused, but one the view still shows (expunge held back) is not gone yet for us.
    return [...new Set(uids)].filter((uid) => this.seqOfUid(uid) === 0).sort((a, b) => a - b);
  }

  async firstUnseenSeq(): Promise<number | null> {
    const uid = await findFirstUnseenUid(this.ctx.db, this.accountId, this.mailbox.id);
    const seq = uid === null ? 0 : this.seqOfUid(uid);
    return seq === 0 ? null : seq;
  }

  /**
   * Brings the view up to date with the store.
   * @param allowExpunge false where untagged EXPUNGE is forbidden: removed messages stay in the view
   *   until a later refresh that allows it.
   */
  async refresh(allowExpunge: boolean): Promise<MailboxUpdate> {
    const update: MailboxUpdate = { expunged: [], expungedUids: [], exists: null, flags: [] };
    const mailbox = await findMailboxById(this.ctx.db, this.accountId, this.mailbox.id);
    if (!mailbox || mailbox.highest_modseq === this.knownModseq) return update;
    const changes = await listMailboxChangesSince(
      this.ctx.db,
      this.accountId,
      this.mailbox.id,
      this.knownModseq,
    );
    const highestSeen = changes.reduce((max, c) => Math.max(max, c.modseq), this.knownModseq);
    const gone = new Set<number>();
    const arrived = new Set<number>();
    const touched = new Map<number, number>();
    const highest = this.highestUid;
    for (const change of changes) {
      if (change.uid === null) continue;
      if (change.action === 'expunged') gone.add(change.uid);
      // A UID above the view's is a new membership: a delivery ('created') or a message copied or
      // moved in ('updated': the email itself existed before, which JMAP /changes must tell apart).
      else if (change.uid > highest) arrived.add(change.uid);
      else if (change.action === 'updated') touched.set(change.uid, change.modseq);
    }

    let heldBack = false;
    const removedUids = [...gone].filter((uid) => this.seqOfUid(uid) > 0);
    if (removedUids.length > 0) {
      if (allowExpunge) {
        const removedSeqs = removedUids.map((uid) => this.seqOfUid(uid)).sort((a, b) => b - a);
        update.expunged = removedSeqs;
        update.expungedUids = removedSeqs.map((seq) => this.uids[seq - 1] as number);
        const removed = new Set(removedUids);
        this.uids = this.uids.filter((uid) => !removed.has(uid));
      } else {
        heldBack = true;
      }
    }

    const added = [...arrived].filter((uid) => !gone.has(uid)).sort((a, b) => a - b);
    if (added.length > 0) {
      this.uids.push(...added);
      update.exists = this.uids.length;
    }

    // Flag changes of messages the client already knows (not new ones, not gone ones).
    const changed = [...touched]
      .filter(([uid, modseq]) => !gone.has(uid) && uid <= highest && (this.shown.get(uid) ?? 0) < modseq)
      .map(([uid]) => uid)
      .filter((uid) => this.seqOfUid(uid) > 0)
      .sort((a, b) => a - b);
    if (changed.length > 0) {
      const rows = await listMailboxMessages(this.ctx.db, this.accountId, this.mailbox.id, changed);
      for (const row of rows) {
        update.flags.push({
          seq: this.seqOfUid(row.uid),
          uid: row.uid,
          flags: flagsOf(row.message, row.deleted === 1),
          modseq: modseqOf(row),
        });
      }
    }

    // Held-back expunges keep the view behind the store: stay at the old modseq to look again
    // later (what was reported meanwhile is remembered in `shown`, so it is not repeated).
    if (heldBack) {
      for (const change of update.flags) this.noteShown(change.uid, change.modseq);
    } else {
      this.knownModseq = Math.max(highestSeen, this.knownModseq);
      for (const [uid, modseq] of this.shown) if (modseq <= this.knownModseq) this.shown.delete(uid);
    }
    this.mailbox = mailbox;
    return update;
  }
}

/** A message's MODSEQ in a mailbox: its own changes (flags) or its membership's (\Deleted, arrival). */
export function modseqOf(entry: MailboxEntry): number {
  return Math.max(entry.modseq, entry.message.modseq);
}

/** Untagged EXPUNGE, EXISTS and FETCH FLAGS (with MODSEQ under CONDSTORE) for an update, in that order. */
export function writeMailboxUpdate(
  session: { write(chunk: Buffer): void; condstore?: boolean; qresync?: boolean },
  update: MailboxUpdate,
): void {
  const lines: string[] = [];
  // Under QRESYNC, VANISHED replaces EXPUNGE (RFC 7162 §3.2.10).
  if (session.qresync) {
    if (update.expungedUids.length > 0) lines.push(`* VANISHED ${uidSet(update.expungedUids)}\r\n`);
  } else {
    for (const seq of update.expunged) lines.push(`* ${seq} EXPUNGE\r\n`);
  }
  if (update.exists !== null) lines.push(`* ${update.exists} EXISTS\r\n`);
  for (const change of update.flags) {
    const modseq = session.condstore ? ` MODSEQ (${change.modseq})` : '';
    lines.push(`* ${change.seq} FETCH (UID ${change.uid} FLAGS (${change.flags.join(' ')})${modseq})\r\n`);
  }
  if (lines.length > 0) session.write(Buffer.from(lines.join(''), 'utf8'));
}

/** A compact UID set (`1:3,7`) of UIDs in any order. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] as number;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i] as number;
    parts.push(start === end ? String(start) : `${start}:${end}`);
  }
  return parts.join(',');
}
