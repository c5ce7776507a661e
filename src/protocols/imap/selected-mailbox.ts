/**
 * The selected mailbox as one session sees it: the sequence-number ↔ UID map and the state last
 * reported, so that changes made elsewhere (SMTP delivery, another session, the webmail) reach the
 * client as EXISTS, EXPUNGE and FETCH FLAGS updates with correct sequence numbers.
 *
 * Implementation notes
 * - Sequence numbers are positions in `uids` (ascending). They change only when this session reports
 *   it (RFC 9051 §7.5.1): an expunge done elsewhere stays invisible until `refresh` is called at a
 *   point where untagged EXPUNGE is allowed (not during FETCH, STORE or SEARCH: RFC 9051 §7.5.1).
 * - `refresh` compares the stored mailbox with what the session last reported, cheaply first: the
 *   mailbox's highest modseq, one row. Only when it moved is the membership list read again and
 *   diffed. EXPUNGEs are emitted from the highest sequence number down, so each number is valid at
 *   the moment the client reads it.
 * - Messages are held as the store's rows (flags, size, dates); FETCH reads bodies on demand.
 */

import type { CoreContext } from '../../core/context.js';
import {
  findMailboxById,
  listMailboxChangesSince,
  listMailboxMessages,
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
  private entries: MailboxEntry[] = [];
  /** SEARCHRES `$`: the UIDs of the last SEARCH … RETURN (SAVE), empty until then. */
  savedUids: number[] = [];
  private knownModseq = 0;

  private constructor(
    private readonly ctx: CoreContext,
    readonly accountId: string,
    public mailbox: Mailbox,
    readonly readOnly: boolean,
  ) {}

  static async open(ctx: CoreContext, accountId: string, mailbox: Mailbox, readOnly: boolean) {
    const selected = new SelectedMailbox(ctx, accountId, mailbox, readOnly);
    selected.entries = await listMailboxMessages(ctx.db, accountId, mailbox.id);
    selected.knownModseq = mailbox.highest_modseq;
    return selected;
  }

  get id(): string {
    return this.mailbox.id;
  }

  get exists(): number {
    return this.entries.length;
  }

  get highestUid(): number {
    return this.entries.at(-1)?.uid ?? 0;
  }

  entryAt(seq: number): MailboxEntry | undefined {
    return this.entries[seq - 1];
  }

  /** Sequence number of a UID, or 0 when it is not in the view. Binary search: UIDs ascend. */
  seqOfUid(uid: number): number {
    let low = 0;
    let high = this.entries.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const value = (this.entries[mid] as MailboxEntry).uid;
      if (value === uid) return mid + 1;
      if (value < uid) low = mid + 1;
      else high = mid - 1;
    }
    return 0;
  }

  /** Sequence numbers, ascending, of the UIDs in [start, end] present in the view. */
  seqsInUidRange(start: number, end: number): number[] {
    const seqs: number[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      const uid = (this.entries[i] as MailboxEntry).uid;
      if (uid > end) break;
      if (uid >= start) seqs.push(i + 1);
    }
    return seqs;
  }

  /** UIDs expunged from this mailbox after `modseq` (QRESYNC VANISHED (EARLIER)), ascending. */
  async vanishedSince(modseq: number): Promise<number[]> {
    const changes = await listMailboxChangesSince(this.ctx.db, this.accountId, this.mailbox.id, modseq);
    const uids = changes.filter((c) => c.action === 'expunged' && c.uid !== null).map((c) => c.uid as number);
    // A UID is never reused, but one the view still shows (expunge held back) is not gone yet for us.
    return [...new Set(uids)].filter((uid) => this.seqOfUid(uid) === 0).sort((a, b) => a - b);
  }

  firstUnseenSeq(): number | null {
    const index = this.entries.findIndex((e) => !e.message.seen);
    return index < 0 ? null : index + 1;
  }

  unseenCount(): number {
    return this.entries.reduce((n, e) => n + (e.message.seen ? 0 : 1), 0);
  }

  /**
   * Brings the view up to date with the store.
   * @param allowExpunge false where untagged EXPUNGE is forbidden: removed messages stay in the view
   *   (their flags frozen) until a later refresh that allows it.
   */
  async refresh(allowExpunge: boolean): Promise<MailboxUpdate> {
    const update: MailboxUpdate = { expunged: [], expungedUids: [], exists: null, flags: [] };
    const mailbox = await findMailboxById(this.ctx.db, this.accountId, this.mailbox.id);
    if (!mailbox || mailbox.highest_modseq === this.knownModseq) return update;
    const current = await listMailboxMessages(this.ctx.db, this.accountId, this.mailbox.id);
    const byUid = new Map(current.map((e) => [e.uid, e]));
    const next: MailboxEntry[] = [];
    const removed: number[] = [];
    let heldBack = false;
    for (const [index, entry] of this.entries.entries()) {
      const now = byUid.get(entry.uid);
      if (!now) {
        if (allowExpunge) {
          removed.push(index + 1);
          update.expungedUids.push(entry.uid);
        } else {
          next.push(entry);
          heldBack = true;
        }
        continue;
      }
      const before = flagsOf(entry.message, entry.deleted === 1).join(' ');
      const after = flagsOf(now.message, now.deleted === 1);
      next.push(now);
      if (before !== after.join(' ')) {
        update.flags.push({
          seq: 0,
          uid: now.uid,
          flags: after,
          modseq: modseqOf(now),
        });
      }
    }
    const highest = this.highestUid;
    const added = current.filter((e) => e.uid > highest);
    next.push(...added);
    update.expunged = removed.reverse();
    this.entries = next;
    for (const change of update.flags) change.seq = this.seqOfUid(change.uid);
    // After EXPUNGEs the client counts down itself; EXISTS is needed only for arrivals.
    if (added.length > 0) update.exists = this.entries.length;
    // Held-back expunges keep the view behind the store: stay at the old modseq to look again later.
    if (!heldBack) this.knownModseq = mailbox.highest_modseq;
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
