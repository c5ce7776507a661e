/**
 * Stored mailbox counters and the memberships' copy of the received date (migration 0009), on SQLite
 * and PostgreSQL: after any sequence of deliveries, copies, moves, flag changes, Email/set updates,
 * expunges, destructions and folder deletions, the counters Mailbox/get reads equal a recount of
 * the memberships, every membership carries its message's received date, and a folder's pages
 * (read by the (mailbox, received_at) index) are the folder's messages newest first.
 */
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/core/directory/index.js';
import {
  changeFlags,
  copyMessages,
  deleteMailbox,
  deliverToAccount,
  destroyEmails,
  ensureMailboxPath,
  expungeDeleted,
  storeMessageBody,
  updateEmails,
} from '../../src/core/mail/index.js';
import {
  type Account,
  countMailboxesOfAccount,
  countMailboxMessages,
  findMailboxByRole,
  listMailboxes,
  listMessagesNewestFirst,
} from '../../src/store/sql/index.js';
import { folderPageQuery, recountMailboxesOfAccount } from '../../src/store/sql/mail-views.js';
import { mailboxReceivedMigration } from '../../src/store/sql/migrations/0009-mailbox-received.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

type Context = Awaited<ReturnType<typeof buildCoreContext>>;

/** One step of a random history; indexes pick among what exists at that moment. */
type Operation =
  | { kind: 'deliver'; box: number; seen: boolean; replyTo: number | null; sameDate: boolean }
  | { kind: 'copy' | 'move'; from: number; to: number; picks: number[] }
  | { kind: 'flags'; box: number; picks: number[]; mode: 'add' | 'remove'; seen: boolean; deleted: boolean }
  | { kind: 'expunge'; box: number }
  | { kind: 'set'; pick: number; seen: boolean | null; boxes: number[] | null }
  | { kind: 'destroy'; picks: number[] }
  | { kind: 'deleteFolder'; box: number }
  /** No code moves a message to another thread; the triggers are ready for it all the same. */
  | { kind: 'rethread'; pick: number; into: number };

const index = fc.nat({ max: 40 });
const picks = fc.array(index, { minLength: 1, maxLength: 4 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      box: index,
      seen: fc.boolean(),
      replyTo: fc.option(index),
      sameDate: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('copy' as const, 'move' as const),
      from: index,
      to: index,
      picks,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flags' as const),
      box: index,
      picks,
      mode: fc.constantFrom('add' as const, 'remove' as const),
      seen: fc.boolean(),
      deleted: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expunge' as const), box: index }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      pick: index,
      seen: fc.option(fc.boolean()),
      boxes: fc.option(fc.array(index, { minLength: 1, maxLength: 3 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('destroy' as const), picks }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteFolder' as const), box: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rethread' as const), pick: index, into: index }) },
);

function raw(n: number, replyTo: number | null): Buffer {
  const headers = [
    'From: a@example.org',
    'To: b@ac-test.fr',
    `Subject: ${replyTo === null ? `Sujet ${n}` : `Re: Sujet ${replyTo}`}`,
    `Message-ID: <m${n}@example.org>`,
    ...(replyTo === null ? [] : [`In-Reply-To: <m${replyTo}@example.org>`]),
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\nCorps ${n}.\r\n`);
}

describe.each(testBackends())('mailbox counters on %s', (backend) => {
  let t: Context;
  let sylvie: Account;
  let jean: Account;
  let delivered = 0;
  /** The message numbers delivered to each account. */
  const sent = new Map<string, number[]>();

  beforeEach(async () => {
    t = await buildCoreContext(backend);
    sylvie = (
      await createAccount(t.ctx, { firstName: 'Sylvie', lastName: 'Dupont', domain: 'ac-test.fr' }, 'test')
    ).account;
    jean = (
      await createAccount(t.ctx, { firstName: 'Jean', lastName: 'Martin', domain: 'ac-test.fr' }, 'test')
    ).account;
    delivered = 0;
    sent.clear();
  });
  afterEach(async () => {
    await t.close();
  });

  /** The folders the history works in (the Inbox, the Archive, and those made here): few, so that
   * conversations gather in the same folders. */
  const mailboxIds = async (account: Account) =>
    (await listMailboxes(t.ctx.db, account.id))
      .filter((box) => box.role === null || box.role === 'inbox' || box.role === 'archive')
      .map((box) => box.id)
      .sort();
  const pick = <T>(list: readonly T[], i: number): T | undefined => list[i % Math.max(list.length, 1)];
  const uidsOf = async (mailboxId: string) =>
    (
      await t.ctx.db
        .selectFrom('mailbox_messages')
        .select('uid')
        .where('mailbox_id', '=', mailboxId)
        .orderBy('uid')
        .execute()
    ).map((row) => row.uid);
  const messageIdsOf = async (account: Account) =>
    (
      await t.ctx.db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', account.id)
        .orderBy('id')
        .execute()
    ).map((row) => row.id);

  async function run(account: Account, op: Operation): Promise<void> {
    const boxes = await mailboxIds(account);
    switch (op.kind) {
      case 'deliver': {
        const n = ++delivered;
        // A reply to one of this account's messages: the same conversation.
        const earlier = sent.get(account.id) ?? [];
        sent.set(account.id, [...earlier, n]);
        if (!op.sameDate) t.clock.advance(1000);
        await deliverToAccount(
          t.ctx,
          await storeMessageBody(
            t.ctx,
            raw(n, op.replyTo === null ? null : (pick(earlier, op.replyTo) ?? null)),
          ),
          { account, quotaBytes: 1 << 30 },
          { mailboxId: pick(boxes, op.box), receivedAt: t.clock.now(), seen: op.seen },
        );
        return;
      }
      case 'copy':
      case 'move': {
        const from = pick(boxes, op.from) as string;
        const uids = await uidsOf(from);
        const chosen = [...new Set(op.picks.map((i) => pick(uids, i)))].filter((u) => u !== undefined);
        await copyMessages(t.ctx, account.id, from, chosen, pick(boxes, op.to) as string, op.kind === 'move');
        return;
      }
      case 'flags': {
        const box = pick(boxes, op.box) as string;
        const uids = await uidsOf(box);
        const chosen = [...new Set(op.picks.map((i) => pick(uids, i)))].filter((u) => u !== undefined);
        await changeFlags(t.ctx, account.id, box, chosen, {
          mode: op.mode,
          keywords: op.seen ? ['$seen'] : ['$flagged'],
          deleted: op.deleted,
        });
        return;
      }
      case 'expunge':
        await expungeDeleted(t.ctx, account.id, pick(boxes, op.box) as string);
        return;
      case 'set': {
        const id = pick(await messageIdsOf(account), op.pick);
        if (id === undefined) return;
        const [message] = await t.ctx.db.selectFrom('messages').selectAll().where('id', '=', id).execute();
        const keywords =
          op.seen === null ? undefined : op.seen ? ['$seen'] : message?.flagged ? ['$flagged'] : [];
        const mailboxIds =
          op.boxes === null ? undefined : [...new Set(op.boxes.map((i) => pick(boxes, i) as string))];
        await updateEmails(
          t.ctx,
          account.id,
          new Map([[id, { ...(keywords ? { keywords } : {}), ...(mailboxIds ? { mailboxIds } : {}) }]]),
        );
        return;
      }
      case 'destroy': {
        const ids = await messageIdsOf(account);
        const chosen = [...new Set(op.picks.map((i) => pick(ids, i)))].filter((id) => id !== undefined);
        await destroyEmails(t.ctx, account.id, chosen);
        return;
      }
      case 'rethread': {
        // Into another message's thread, or a new one.
        const ids = await messageIdsOf(account);
        const id = pick(ids, op.pick);
        if (id === undefined) return;
        const other = pick(ids, op.into) as string;
        const [target] = await t.ctx.db
          .selectFrom('messages')
          .select('thread_id')
          .where('id', '=', other)
          .execute();
        const thread = other === id ? `nouveau-${op.into}-${delivered}` : (target?.thread_id as string);
        await t.ctx.db.updateTable('messages').set({ thread_id: thread }).where('id', '=', id).execute();
        return;
      }
      case 'deleteFolder': {
        // Only folders made here, without subfolders: the special-use ones stay.
        const all = await listMailboxes(t.ctx.db, account.id);
        const leaves = all.filter((box) => box.role === null && !all.some((o) => o.parent_id === box.id));
        const box = pick(leaves, op.box);
        if (box) await deleteMailbox(t.ctx, account.id, box.id);
        return;
      }
    }
  }

  /** What must hold whatever happened. */
  async function expectConsistent(account: Account): Promise<void> {
    expect(await countMailboxesOfAccount(t.ctx.db, account.id)).toEqual(
      await recountMailboxesOfAccount(t.ctx.db, account.id),
    );
    const stale = await t.ctx.db
      .selectFrom('mailbox_messages')
      .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
      .select(['mailbox_messages.message_id'])
      .whereRef('mailbox_messages.received_at', '<>', 'messages.received_at')
      .execute();
    expect(stale).toEqual([]);
    const pending = await sql<{
      n: number | string;
    }>`select count(*) as n from mailbox_counter_deltas`.execute(t.ctx.db);
    expect(Number(pending.rows[0]?.n)).toBe(0);
    for (const box of await listMailboxes(t.ctx.db, account.id)) {
      const rows = await t.ctx.db
        .selectFrom('mailbox_messages')
        .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
        .select(['messages.seen', 'mailbox_messages.deleted'])
        .where('mailbox_messages.mailbox_id', '=', box.id)
        .execute();
      expect(await countMailboxMessages(t.ctx.db, account.id, box.id)).toEqual({
        total: rows.length,
        unseen: rows.filter((r) => r.seen === 0).length,
        deleted: rows.filter((r) => r.deleted === 1).length,
      });
      const expected = await t.ctx.db
        .selectFrom('mailbox_messages')
        .innerJoin('messages', 'messages.id', 'mailbox_messages.message_id')
        .select('messages.id')
        .where('mailbox_messages.mailbox_id', '=', box.id)
        .orderBy('messages.received_at', 'desc')
        .orderBy('messages.id', 'desc')
        .execute();
      const ids = expected.map((row) => row.id);
      const first = await listMessagesNewestFirst(t.ctx.db, account.id, {
        mailboxId: box.id,
        offset: 0,
        limit: 3,
      });
      const rest = await listMessagesNewestFirst(t.ctx.db, account.id, {
        mailboxId: box.id,
        offset: 3,
        limit: 100,
      });
      expect([...first.messages, ...rest.messages].map((m) => m.id)).toEqual(ids);
      expect(first.total).toBe(ids.length);
      const threads = await listMessagesNewestFirst(t.ctx.db, account.id, {
        mailboxId: box.id,
        collapseThreads: true,
        offset: 0,
        limit: 100,
      });
      expect(threads.total).toBe(threads.messages.length);
    }
  }

  it('keeps the stored counters equal to a recount over any history', async () => {
    // Jean's mail sits beside: another account's memberships never count in Sylvie's folders.
    await run(jean, { kind: 'deliver', box: 0, seen: false, replyTo: null, sameDate: false });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 40, size: 'max' }), async (ops) => {
        // A new account per history, so that a counterexample is the whole story.
        const { account } = await createAccount(
          t.ctx,
          { firstName: 'Sylvie', lastName: `Essai${++runs}`, domain: 'ac-test.fr' },
          'test',
        );
        await ensureMailboxPath(t.ctx, account.id, 'Projets/Anciens');
        for (const op of ops) {
          await run(account, op);
          await expectConsistent(account);
        }
        await expectConsistent(jean);
      }),
      { numRuns: 25 },
    );
  }, 180_000);

  it('counts deliveries, reads, conversations, moves, copies, expunges and destructions', async () => {
    const inbox = (await findMailboxByRole(t.ctx.db, sylvie.id, 'inbox'))?.id as string;
    const archive = (await findMailboxByRole(t.ctx.db, sylvie.id, 'archive'))?.id as string;
    const counters = async () =>
      Object.fromEntries(
        (await countMailboxesOfAccount(t.ctx.db, sylvie.id)).map((c) => [
          c.mailboxId === inbox ? 'inbox' : c.mailboxId === archive ? 'archive' : c.mailboxId,
          [c.total, c.unread, c.threads, c.unreadThreads],
        ]),
      );
    for (const replyTo of [null, 1, null]) {
      const n = ++delivered;
      t.clock.advance(1000);
      await deliverToAccount(
        t.ctx,
        await storeMessageBody(t.ctx, raw(n, replyTo)),
        { account: sylvie, quotaBytes: 1 << 30 },
        { receivedAt: t.clock.now() },
      );
    }
    expect(await counters()).toEqual({ inbox: [3, 3, 2, 2] });
    const uids = await uidsOf(inbox);
    await changeFlags(t.ctx, sylvie.id, inbox, uids.slice(0, 1), {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    expect(await counters()).toEqual({ inbox: [3, 2, 2, 2] });
    await changeFlags(t.ctx, sylvie.id, inbox, uids.slice(1, 2), {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    expect(await counters()).toEqual({ inbox: [3, 1, 2, 1] });
    await copyMessages(t.ctx, sylvie.id, inbox, uids.slice(0, 2), archive, false);
    expect(await counters()).toEqual({ inbox: [3, 1, 2, 1], archive: [2, 0, 1, 0] });
    await changeFlags(t.ctx, sylvie.id, archive, (await uidsOf(archive)).slice(0, 1), {
      mode: 'remove',
      keywords: ['$seen'],
      deleted: false,
    });
    // $seen belongs to the message: both folders see it unread again.
    expect(await counters()).toEqual({ inbox: [3, 2, 2, 2], archive: [2, 1, 1, 1] });
    await copyMessages(t.ctx, sylvie.id, inbox, uids.slice(2), archive, true);
    expect(await counters()).toEqual({ inbox: [2, 1, 1, 1], archive: [3, 2, 2, 2] });
    await changeFlags(t.ctx, sylvie.id, inbox, uids.slice(0, 1), {
      mode: 'add',
      keywords: [],
      deleted: true,
    });
    expect(await counters()).toEqual({ inbox: [2, 1, 1, 1], archive: [3, 2, 2, 2] });
    await expungeDeleted(t.ctx, sylvie.id, inbox);
    expect(await counters()).toEqual({ inbox: [1, 0, 1, 0], archive: [3, 2, 2, 2] });
    const ids = await messageIdsOf(sylvie);
    await destroyEmails(t.ctx, sylvie.id, ids);
    expect(await counters()).toEqual({});
    await expectConsistent(sylvie);
  });

  it('keeps the copied received date: receivedAt never changes, and a rewrite reaches every copy', async () => {
    await ensureMailboxPath(t.ctx, sylvie.id, 'Projets');
    await run(sylvie, { kind: 'deliver', box: 0, seen: false, replyTo: null, sameDate: false });
    const boxes = await mailboxIds(sylvie);
    const from = boxes[0] as string;
    await copyMessages(t.ctx, sylvie.id, from, await uidsOf(from), boxes[1] as string, false);
    const [id] = await messageIdsOf(sylvie);
    await updateEmails(
      t.ctx,
      sylvie.id,
      new Map([[id as string, { keywords: ['$seen'], mailboxIds: boxes.slice(1, 3) }]]),
    );
    await expectConsistent(sylvie);
    await t.ctx.db
      .updateTable('messages')
      .set({ received_at: 42 })
      .where('id', '=', id as string)
      .execute();
    const copies = await t.ctx.db
      .selectFrom('mailbox_messages')
      .select('received_at')
      .where('message_id', '=', id as string)
      .execute();
    expect(copies.map((c) => c.received_at)).toEqual([42, 42]);
  });

  it('fills the copies and the counters of the mail already there when migrating (0009)', async () => {
    await ensureMailboxPath(t.ctx, sylvie.id, 'Projets');
    for (const [box, replyTo, seen] of [
      [0, null, false],
      [0, 0, true],
      [1, 0, false],
      [2, null, false],
      [0, 3, false],
    ] as const) {
      await run(sylvie, { kind: 'deliver', box, seen, replyTo, sameDate: false });
    }
    const boxes = await mailboxIds(sylvie);
    await copyMessages(
      t.ctx,
      sylvie.id,
      boxes[0] as string,
      await uidsOf(boxes[0] as string),
      boxes[1] as string,
      false,
    );
    const expected = await recountMailboxesOfAccount(t.ctx.db, sylvie.id);
    expect(expected.length).toBeGreaterThan(1);

    // Back to the schema before 0009 (the data stays), then 0009 again.
    const db = t.ctx.db as unknown as Kysely<unknown>;
    const triggers: [string, string][] = [
      ['mailboxes_counters_create', 'mailboxes'],
      ['mailbox_messages_count_insert', 'mailbox_messages'],
      ['mailbox_messages_count_delete', 'mailbox_messages'],
      ['mailbox_messages_count_move', 'mailbox_messages'],
      ['messages_received_copy', 'messages'],
      ['messages_count_delete', 'messages'],
      ['messages_count_seen', 'messages'],
      ['messages_count_thread', 'messages'],
      ...(backend === 'postgres'
        ? [['mailbox_counter_deltas_fold', 'mailbox_counter_deltas'] as [string, string]]
        : []),
    ];
    for (const [name, table] of triggers) {
      if (backend === 'sqlite') {
        await sql.raw(`drop trigger ${name}`).execute(db);
      } else {
        await sql.raw(`drop trigger ${name} on ${table}`).execute(db);
        await sql.raw(`drop function ${name}()`).execute(db);
      }
    }
    for (const table of ['mailbox_counter_deltas', 'mailbox_threads', 'mailbox_counters']) {
      await db.schema.dropTable(table).execute();
    }
    await db.schema.dropIndex('mailbox_messages_received_idx').execute();
    await db.schema.dropIndex('mailbox_messages_deleted_idx').execute();
    await db.schema.alterTable('mailbox_messages').dropColumn('received_at').execute();
    await mailboxReceivedMigration(backend).up(db);

    expect(await countMailboxesOfAccount(t.ctx.db, sylvie.id)).toEqual(expected);
    await expectConsistent(sylvie);
    // And kept from there.
    await run(sylvie, { kind: 'deliver', box: 1, seen: false, replyTo: 1, sameDate: false });
    await run(sylvie, { kind: 'flags', box: 0, picks: [0, 1], mode: 'add', seen: true, deleted: false });
    await expectConsistent(sylvie);
  });

  // SQLite runs without statistics, as shipped, so its plan is fixed; PostgreSQL plans by statistics
  // (a table of three rows is read whole and sorted) — bench/mailbox-views.ts prints its plan at
  // 50 000 messages: a backward scan of the same index, no sort.
  it.skipIf(backend !== 'sqlite')(
    'reads a folder page by the (mailbox, received_at) index, without sorting the folder',
    async () => {
      await run(sylvie, { kind: 'deliver', box: 0, seen: false, replyTo: null, sameDate: false });
      const inbox = (await findMailboxByRole(t.ctx.db, sylvie.id, 'inbox'))?.id as string;
      const compiled = folderPageQuery(t.ctx.db, sylvie.id, {
        mailboxId: inbox,
        offset: 0,
        limit: 100,
      }).compile();
      const result = await t.ctx.db.executeQuery<{ detail: string }>({
        ...compiled,
        sql: `explain query plan ${compiled.sql}`,
      });
      const plan = result.rows.map((row) => row.detail).join('\n');
      expect(plan).toMatch(/mailbox_messages USING COVERING INDEX mailbox_messages_received_idx/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    },
  );
});
