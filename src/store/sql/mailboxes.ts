/**
 * Mailboxes repository.
 *
 * Implementation notes
 * - Every function takes the account id and filters on it: another account's mailbox id finds nothing.
 * - UIDs are allocated by one UPDATE … RETURNING on `uid_next` inside the caller's transaction, so
 *   concurrent deliveries never share a UID and a rolled-back delivery leaves no gap visible to
 *   clients except the skipped number, which RFC 9051 §2.3.1.1 allows.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Mailbox, MailboxRole } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type NewMailbox = Mailbox;

export async function insertMailbox(db: Db, row: NewMailbox): Promise<Mailbox> {
  return db.insertInto('mailboxes').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listMailboxes(db: Db, accountId: string): Promise<Mailbox[]> {
  return db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('path').execute();
}

export async function findMailboxById(db: Db, accountId: string, id: string): Promise<Mailbox | undefined> {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findMailboxByRole(
  db: Db,
  accountId: string,
  role: MailboxRole,
): Promise<Mailbox | undefined> {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('role', '=', role)
    .executeTakeFirst();
}

export async function findMailboxByPath(
  db: Db,
  accountId: string,
  path: string,
): Promise<Mailbox | undefined> {
  return db
    .selectFrom('mailboxes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('path', '=', path)
    .executeTakeFirst();
}

/**
 * Takes the next UID of a mailbox and records the modseq of the change.
 * @returns the allocated UID, or undefined when the mailbox is not the account's.
 */
export async function allocateUid(
  db: Db,
  accountId: string,
  mailboxId: string,
  modseq: number,
): Promise<number | undefined> {
  const row = await db
    .updateTable('mailboxes')
    .set((eb) => ({ uid_next: eb('uid_next', '+', 1), highest_modseq: modseq }))
    .where('account_id', '=', accountId)
    .where('id', '=', mailboxId)
    .returning('uid_next')
    .executeTakeFirst();
  return row === undefined ? undefined : row.uid_next - 1;
}
