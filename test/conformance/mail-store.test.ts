/**
 * The mail store (core/mail over store/sql, store/blob and store/search) on SQLite and PostgreSQL:
 * delivery, UIDs, single-instance bodies, threading, exact quota under concurrency, search,
 * mailbox paths and tenant isolation.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/core/directory/index.js';
import {
  changeFlags,
  deliverToAccount,
  deliverToAccounts,
  destroyEmails,
  ensureDefaultMailboxes,
  ensureMailboxPath,
  expungeDeleted,
  keywordsOf,
  reindexAllMessages,
  storeMessageBody,
  updateEmails,
} from '../../src/core/mail/index.js';
import type { SearchQuery } from '../../src/store/search/index.js';
import {
  type Account,
  countMailboxesOfAccount,
  findAccountUsage,
  findFirstUnseenUid,
  findMailboxById,
  findMailboxByRole,
  findMailboxUidsOfMessages,
  findMessageBodyColumns,
  findMessagesOfAccount,
  listAccountChangesSince,
  listMailboxIdsOfMessages,
  listMailboxMessageIds,
  listMailboxMessages,
  listMailboxMessagesChangedSince,
  listMailboxUids,
  listMessagesNewestFirst,
  listThreadMembers,
  type MessageFilter,
} from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

function message(headers: Record<string, string>, body = 'Bonjour.\r\n'): Buffer {
  const lines = Object.entries({
    From: 'a@example.org',
    To: 'b@ac-test.fr',
    Date: 'Tue, 24 Nov 2026 18:00:00 +0100',
    ...headers,
  }).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

describe.each(testBackends())('mail store on %s', (backend) => {
  let t: Awaited<ReturnType<typeof buildCoreContext>>;
  let sylvie: Account;
  let jean: Account;
  const big = 1 << 30;

  beforeEach(async () => {
    t = await buildCoreContext(backend);
    sylvie = (
      await createAccount(t.ctx, { firstName: 'Sylvie', lastName: 'Dupont', domain: 'ac-test.fr' }, 'test')
    ).account;
    jean = (
      await createAccount(t.ctx, { firstName: 'Jean', lastName: 'Martin', domain: 'ac-test.fr' }, 'test')
    ).account;
  });
  afterEach(async () => {
    await t.close();
  });

  const deliver = async (account: Account, raw: Buffer, quotaBytes = big) =>
    deliverToAccount(
      t.ctx,
      await storeMessageBody(t.ctx, raw),
      { account, quotaBytes },
      { receivedAt: t.clock.now() },
    );

  const searchIds = (account: Account, criteria: Omit<SearchQuery, 'accountId' | 'limit'>) =>
    t.ctx.search.search({ accountId: account.id, limit: 10, ...criteria });

  it('creates the six special-use mailboxes with every account, once', async () => {
    const again = await ensureDefaultMailboxes(t.ctx, sylvie.id);
    expect(again.map((m) => [m.path, m.role])).toEqual([
      ['Archive', 'archive'],
      ['Drafts', 'drafts'],
      ['INBOX', 'inbox'],
      ['Junk', 'junk'],
      ['Sent', 'sent'],
      ['Trash', 'trash'],
    ]);
  });

  it('gives deliveries increasing UIDs and modseqs in the Inbox', async () => {
    const first = await deliver(sylvie, message({ Subject: 'un' }));
    const second = await deliver(sylvie, message({ Subject: 'deux' }));
    expect([first.uid, second.uid]).toEqual([1, 2]);
    expect(second.modseq).toBeGreaterThan(first.modseq);
    const inbox = await findMailboxByRole(t.ctx.db, sylvie.id, 'inbox');
    expect(inbox?.uid_next).toBe(3);
    expect(inbox?.highest_modseq).toBe(second.modseq);
    const entries = await listMailboxMessages(t.ctx.db, sylvie.id, inbox?.id as string);
    expect(entries.map((e) => [e.uid, e.message.id])).toEqual([
      [1, first.messageId],
      [2, second.messageId],
    ]);
  });

  it('lists a mailbox compactly for IMAP sessions: UIDs, first unseen, rows changed since a modseq', async () => {
    const a = await deliver(sylvie, message({ Subject: 'un' }));
    const b = await deliver(sylvie, message({ Subject: 'deux' }));
    const c = await deliver(sylvie, message({ Subject: 'trois' }));
    await deliver(jean, message({ Subject: 'ailleurs' }));
    expect(await listMailboxUids(t.ctx.db, sylvie.id, a.mailboxId)).toEqual([a.uid, b.uid, c.uid]);
    expect(await listMailboxMessageIds(t.ctx.db, sylvie.id, a.mailboxId)).toEqual([
      { uid: a.uid, messageId: a.messageId },
      { uid: b.uid, messageId: b.messageId },
      { uid: c.uid, messageId: c.messageId },
    ]);
    expect(await findFirstUnseenUid(t.ctx.db, sylvie.id, a.mailboxId)).toBe(a.uid);
    await changeFlags(t.ctx, sylvie.id, a.mailboxId, [a.uid], {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    expect(await findFirstUnseenUid(t.ctx.db, sylvie.id, a.mailboxId)).toBe(b.uid);
    // Changed since c's arrival: a (flags) only; \Deleted (membership modseq) counts as well.
    expect(
      (await listMailboxMessagesChangedSince(t.ctx.db, sylvie.id, a.mailboxId, c.modseq)).map((e) => e.uid),
    ).toEqual([a.uid]);
    await changeFlags(t.ctx, sylvie.id, a.mailboxId, [c.uid], { mode: 'add', keywords: [], deleted: true });
    expect(
      (await listMailboxMessagesChangedSince(t.ctx.db, sylvie.id, a.mailboxId, c.modseq)).map((e) => e.uid),
    ).toEqual([a.uid, c.uid]);
    await changeFlags(t.ctx, sylvie.id, a.mailboxId, [b.uid, c.uid], {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    expect(await findFirstUnseenUid(t.ctx.db, sylvie.id, a.mailboxId)).toBeNull();
    // Another account's mailbox id names nothing for this account.
    expect(await listMailboxUids(t.ctx.db, jean.id, a.mailboxId)).toEqual([]);
  });

  it('reads what FETCH and SEARCH ask: dense and sparse UID sets, body columns, UIDs of hits', async () => {
    const all = [];
    for (let i = 1; i <= 10; i++) all.push(await deliver(sylvie, message({ Subject: `n° ${i}` })));
    const other = await deliver(jean, message({ Subject: 'ailleurs' }));
    const inbox = all[0]?.mailboxId as string;
    const uidsOf = async (uids: number[]) =>
      (await listMailboxMessages(t.ctx.db, sylvie.id, inbox, uids)).map((e) => e.uid);
    // Dense (one key range, the gaps dropped), sparse (IN lists), unordered, absent, empty.
    expect(await uidsOf([2, 3, 5, 4])).toEqual([2, 3, 4, 5]);
    expect(await uidsOf([1, 3, 4])).toEqual([1, 3, 4]);
    expect(await uidsOf([1, 10])).toEqual([1, 10]);
    expect(await uidsOf([9, 10, 11, 12])).toEqual([9, 10]);
    expect(await uidsOf([])).toEqual([]);
    // Another account's mailbox gives nothing, whatever the set.
    expect(await listMailboxMessages(t.ctx.db, jean.id, inbox, [1, 2, 3])).toEqual([]);

    const entries = await listMailboxMessages(t.ctx.db, sylvie.id, inbox, [1, 2]);
    const blobIds = entries.map((e) => e.message.blob_id);
    const envelopes = await findMessageBodyColumns(t.ctx.db, blobIds, ['envelope']);
    expect(envelopes.map((r) => Object.keys(r).sort())).toEqual([
      ['blob_id', 'envelope'],
      ['blob_id', 'envelope'],
    ]);
    expect(envelopes.map((r) => (JSON.parse(r.envelope) as { subject: string }).subject).sort()).toEqual([
      'n° 1',
      'n° 2',
    ]);
    const both = await findMessageBodyColumns(t.ctx.db, blobIds.slice(0, 1), ['envelope', 'structure']);
    expect(Object.keys(both[0] ?? {}).sort()).toEqual(['blob_id', 'envelope', 'structure']);

    const wanted = [all[6], all[2], other].map((d) => d?.messageId as string);
    const found = await findMailboxUidsOfMessages(t.ctx.db, sylvie.id, inbox, wanted);
    expect(found.sort((a, b) => a.uid - b.uid)).toEqual([
      { uid: 3, messageId: all[2]?.messageId },
      { uid: 7, messageId: all[6]?.messageId },
    ]);
    expect(await findMailboxUidsOfMessages(t.ctx.db, jean.id, inbox, wanted)).toEqual([]);
  });

  it('reads mail for JMAP: counters, newest-first lists, messages with mailboxes, threads, changes', async () => {
    const first = await deliver(sylvie, message({ Subject: 'Sortie', 'Message-ID': '<s1@x>' }));
    t.clock.advance(60_000);
    const reply = await deliver(
      sylvie,
      message({ Subject: 'Re: Sortie', 'Message-ID': '<s2@x>', 'In-Reply-To': '<s1@x>' }),
    );
    t.clock.advance(60_000);
    const other = await deliver(sylvie, message({ Subject: 'Autre' }));
    await deliver(jean, message({ Subject: 'Ailleurs' }));
    await changeFlags(t.ctx, sylvie.id, first.mailboxId, [first.uid], {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    const inbox = first.mailboxId;
    expect(await countMailboxesOfAccount(t.ctx.db, sylvie.id)).toEqual([
      { mailboxId: inbox, total: 3, unread: 2, threads: 2, unreadThreads: 2 },
    ]);
    const all = await listMessagesNewestFirst(t.ctx.db, sylvie.id, {
      mailboxId: inbox,
      offset: 0,
      limit: 10,
    });
    expect(all.total).toBe(3);
    expect(all.messages.map((m) => m.id)).toEqual([other.messageId, reply.messageId, first.messageId]);
    const page = await listMessagesNewestFirst(t.ctx.db, sylvie.id, { offset: 1, limit: 1 });
    expect(page).toEqual({ messages: [expect.objectContaining({ id: reply.messageId })], total: 3 });
    const some = await listMessagesNewestFirst(t.ctx.db, sylvie.id, {
      mailboxId: inbox,
      onlyIds: [first.messageId, other.messageId, 'absent'],
      offset: 0,
      limit: 10,
    });
    expect(some).toEqual({
      messages: [
        expect.objectContaining({ id: other.messageId }),
        expect.objectContaining({ id: first.messageId }),
      ],
      total: 2,
    });
    // Conversations: the newest message of each thread meeting the filter, counted by threads.
    const threads = await listMessagesNewestFirst(t.ctx.db, sylvie.id, {
      mailboxId: inbox,
      collapseThreads: true,
      offset: 0,
      limit: 10,
    });
    expect(threads.total).toBe(2);
    expect(threads.messages.map((m) => m.id)).toEqual([other.messageId, reply.messageId]);
    expect(
      (await listMessagesNewestFirst(t.ctx.db, sylvie.id, { collapseThreads: true, offset: 1, limit: 5 }))
        .messages,
    ).toEqual([expect.objectContaining({ id: reply.messageId })]);
    // The filter first, then the collapse: the thread is represented by what meets the filter.
    expect(
      (
        await listMessagesNewestFirst(t.ctx.db, sylvie.id, {
          notKeyword: '$flagged',
          onlyIds: [first.messageId, reply.messageId],
          collapseThreads: true,
          offset: 0,
          limit: 10,
        })
      ).messages.map((m) => m.id),
    ).toEqual([reply.messageId]);
    expect(
      (
        await listMessagesNewestFirst(t.ctx.db, sylvie.id, {
          hasKeyword: '$seen',
          collapseThreads: true,
          offset: 0,
          limit: 10,
        })
      ).messages.map((m) => m.id),
    ).toEqual([first.messageId]);
    // Jean reads none of it.
    expect(
      (await listMessagesNewestFirst(t.ctx.db, jean.id, { mailboxId: inbox, offset: 0, limit: 10 })).total,
    ).toBe(0);
    expect(await findMessagesOfAccount(t.ctx.db, jean.id, [first.messageId])).toEqual([]);
    expect((await findMessagesOfAccount(t.ctx.db, sylvie.id, [first.messageId])).map((m) => m.id)).toEqual([
      first.messageId,
    ]);
    expect(await listMailboxIdsOfMessages(t.ctx.db, sylvie.id, [first.messageId])).toEqual(
      new Map([[first.messageId, [inbox]]]),
    );
    expect(await listMailboxIdsOfMessages(t.ctx.db, jean.id, [first.messageId])).toEqual(new Map());
    expect(await listThreadMembers(t.ctx.db, sylvie.id, [first.threadId])).toEqual(
      new Map([[first.threadId, [first.messageId, reply.messageId]]]),
    );
    expect(await listThreadMembers(t.ctx.db, jean.id, [first.threadId])).toEqual(new Map());
    const changes = await listAccountChangesSince(t.ctx.db, sylvie.id, 'email', reply.modseq, 10);
    expect(changes.map((c) => [c.object_id, c.action])).toEqual([
      [other.messageId, 'created'],
      [first.messageId, 'updated'],
    ]);
  });

  it('sets keywords and mailboxes as wholes, one modseq for the call, each email failing alone', async () => {
    const a = await deliver(sylvie, message({ Subject: 'a' }));
    const b = await deliver(sylvie, message({ Subject: 'b' }));
    const other = await deliver(jean, message({ Subject: 'ailleurs' }));
    const archive = await findMailboxByRole(t.ctx.db, sylvie.id, 'archive');
    const jeanInbox = await findMailboxByRole(t.ctx.db, jean.id, 'inbox');
    const results = await updateEmails(
      t.ctx,
      sylvie.id,
      new Map([
        [a.messageId, { keywords: ['$Seen', 'Projet'], mailboxIds: [archive?.id as string] }],
        [b.messageId, { mailboxIds: [] }],
        [other.messageId, { keywords: ['$seen'] }],
        ['absent', { keywords: [] }],
      ]),
    );
    expect([...results].map(([id, r]) => [id, r.ok ? 'ok' : r.error.code])).toEqual([
      [a.messageId, 'ok'],
      [b.messageId, 'email.no_mailbox'],
      [other.messageId, 'email.not_found'],
      ['absent', 'email.not_found'],
    ]);
    expect(
      (
        await updateEmails(
          t.ctx,
          sylvie.id,
          new Map([[b.messageId, { mailboxIds: [jeanInbox?.id as string] }]]),
        )
      ).get(b.messageId),
    ).toMatchObject({ ok: false, error: { code: 'mailbox.not_found' } });
    const moved = await listMailboxMessages(t.ctx.db, sylvie.id, archive?.id as string);
    expect(moved.map((e) => [e.uid, e.message.id, keywordsOf(e.message)])).toEqual([
      [1, a.messageId, ['$seen', 'projet']],
    ]);
    expect((await listMailboxMessages(t.ctx.db, sylvie.id, a.mailboxId)).map((e) => e.message.id)).toEqual([
      b.messageId,
    ]);
    // Jean's message is untouched; the log says: a left the Inbox, joined Archive (not created).
    expect(
      keywordsOf((await findMessagesOfAccount(t.ctx.db, jean.id, [other.messageId]))[0] as never),
    ).toEqual([]);
    const log = await listAccountChangesSince(t.ctx.db, sylvie.id, 'email', b.modseq, 10);
    expect(new Set(log.map((c) => c.modseq)).size).toBe(1);
    expect(log.map((c) => c.action).sort()).toEqual(['expunged', 'updated']);
    // The same sets again change nothing and take no modseq.
    const usage = await findAccountUsage(t.ctx.db, sylvie.id);
    await updateEmails(t.ctx, sylvie.id, new Map([[a.messageId, { keywords: ['projet', '$seen'] }]]));
    expect((await findAccountUsage(t.ctx.db, sylvie.id))?.highest_modseq).toBe(usage?.highest_modseq);
  });

  it('lists messages meeting a filter: mailboxes, dates, sizes, keywords, attachments', async () => {
    const smallAt = t.clock.now();
    const small = await deliver(sylvie, message({ Subject: 'petit' }, 'a'));
    t.clock.advance(60_000);
    const attachment = await deliver(
      sylvie,
      Buffer.from(
        'From: a@example.org\r\nSubject: pj\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ntexte\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n--b--\r\n',
      ),
    );
    t.clock.advance(60_000);
    const bigAt = t.clock.now();
    const big = await deliver(sylvie, message({ Subject: 'grand' }, 'x'.repeat(5000)));
    const jeans = await deliver(jean, message({ Subject: 'ailleurs' }));
    const archive = await findMailboxByRole(t.ctx.db, sylvie.id, 'archive');
    await updateEmails(t.ctx, sylvie.id, new Map([[big.messageId, { keywords: ['$flagged', 'urgent_1'] }]]));
    await updateEmails(
      t.ctx,
      sylvie.id,
      new Map([[small.messageId, { mailboxIds: [archive?.id as string] }]]),
    );
    const ids = async (filter: MessageFilter) =>
      (await listMessagesNewestFirst(t.ctx.db, sylvie.id, { ...filter, offset: 0, limit: 10 })).messages.map(
        (m) => m.id,
      );
    const [s, a, b] = [small.messageId, attachment.messageId, big.messageId];
    expect(await ids({})).toEqual([b, a, s]);
    expect(await ids({ mailboxId: archive?.id as string })).toEqual([s]);
    expect(await ids({ notOnlyInMailboxIds: [archive?.id as string] })).toEqual([b, a]);
    expect(await ids({ after: smallAt + 1 })).toEqual([b, a]);
    expect(await ids({ before: bigAt })).toEqual([a, s]);
    expect(await ids({ minSize: 1000 })).toEqual([b]);
    expect(await ids({ maxSize: 1000 })).toEqual([a, s]);
    expect(await ids({ hasKeyword: '$flagged' })).toEqual([b]);
    expect(await ids({ notKeyword: '$flagged' })).toEqual([a, s]);
    // A custom keyword with a LIKE wildcard in it matches itself only.
    expect(await ids({ hasKeyword: 'urgent_1' })).toEqual([b]);
    expect(await ids({ hasKeyword: 'urgent%1' })).toEqual([]);
    expect(await ids({ notKeyword: 'urgent_1' })).toEqual([a, s]);
    expect(await ids({ hasAttachment: true })).toEqual([a]);
    expect(await ids({ hasAttachment: false, onlyIds: [a, b, jeans.messageId] })).toEqual([b]);
    expect(await ids({ mailboxId: archive?.id as string, hasKeyword: '$flagged' })).toEqual([]);
    const counted = await listMessagesNewestFirst(t.ctx.db, sylvie.id, {
      maxSize: 1000,
      offset: 1,
      limit: 1,
    });
    expect(counted).toEqual({ messages: [expect.objectContaining({ id: s })], total: 2 });
  });

  it('destroys emails from every mailbox, the quota and the index, for their account only', async () => {
    const a = await deliver(sylvie, message({ Subject: 'licorne' }));
    const b = await deliver(sylvie, message({ Subject: 'garder' }));
    const other = await deliver(jean, message({ Subject: 'licorne' }));
    const archive = await findMailboxByRole(t.ctx.db, sylvie.id, 'archive');
    await updateEmails(
      t.ctx,
      sylvie.id,
      new Map([[a.messageId, { mailboxIds: [a.mailboxId, archive?.id as string] }]]),
    );
    const before = await findAccountUsage(t.ctx.db, sylvie.id);
    expect(await destroyEmails(t.ctx, sylvie.id, [a.messageId, other.messageId, 'absent'])).toEqual([
      a.messageId,
    ]);
    const after = await findAccountUsage(t.ctx.db, sylvie.id);
    expect(after?.message_count).toBe((before?.message_count ?? 0) - 1);
    expect((await listMailboxMessages(t.ctx.db, sylvie.id, a.mailboxId)).map((e) => e.message.id)).toEqual([
      b.messageId,
    ]);
    expect(await listMailboxMessages(t.ctx.db, sylvie.id, archive?.id as string)).toEqual([]);
    expect(await searchIds(sylvie, { text: 'licorne' })).toEqual([]);
    expect(await searchIds(jean, { text: 'licorne' })).toEqual([other.messageId]);
    const log = await listAccountChangesSince(t.ctx.db, sylvie.id, 'email', before?.highest_modseq ?? 0, 10);
    expect(log.map((c) => c.action).sort()).toEqual(['destroyed', 'expunged', 'expunged']);
  });

  it('allocates distinct consecutive UIDs to concurrent deliveries', async () => {
    const body = await storeMessageBody(t.ctx, message({ Subject: 'parallèle' }));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        deliverToAccount(t.ctx, body, { account: sylvie, quotaBytes: big }, { receivedAt: 1 }),
      ),
    );
    expect(results.map((r) => r.uid).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(new Set(results.map((r) => r.modseq)).size).toBe(20);
  });

  it('keeps the quota exact under concurrent deliveries', async () => {
    const body = await storeMessageBody(t.ctx, message({ Subject: 'quota' }));
    const quotaBytes = body.size * 7 + 10;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 15 }, () =>
        deliverToAccount(t.ctx, body, { account: jean, quotaBytes }, { receivedAt: 1 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
    const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.map((r) => (r.reason as { code: string }).code)).toEqual(Array(8).fill('mail.over_quota'));
    const usage = await t.ctx.db
      .selectFrom('account_usage')
      .selectAll()
      .where('account_id', '=', jean.id)
      .executeTakeFirstOrThrow();
    expect(usage).toMatchObject({ used_bytes: body.size * 7, message_count: 7 });
  });

  it('stores a body once for many accounts (single instance)', async () => {
    const raw = message({ Subject: 'note de service' });
    await deliver(sylvie, raw);
    await deliver(jean, raw);
    const bodies = await t.ctx.db.selectFrom('message_bodies').select('blob_id').execute();
    expect(bodies).toHaveLength(1);
    const messages = await t.ctx.db.selectFrom('messages').select(['account_id', 'blob_id']).execute();
    expect(messages).toHaveLength(2);
    expect(new Set(messages.map((m) => m.blob_id)).size).toBe(1);
  });

  it('files one message into several accounts in one commit, skipping only a full mailbox', async () => {
    const claire = (
      await createAccount(t.ctx, { firstName: 'Claire', lastName: 'Petit', domain: 'ac-test.fr' }, 'test')
    ).account;
    const body = await storeMessageBody(t.ctx, message({ Subject: 'Conseil pédagogique' }));
    const results = await deliverToAccounts(t.ctx, body, [
      { recipient: { account: sylvie, quotaBytes: big }, options: { receivedAt: 5 } },
      { recipient: { account: claire, quotaBytes: body.size - 1 }, options: { receivedAt: 5 } },
      { recipient: { account: jean, quotaBytes: big }, options: { receivedAt: 5, role: 'archive' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'mail.over_quota' } });
    const owners = await t.ctx.db.selectFrom('messages').select('account_id').execute();
    expect(owners.map((m) => m.account_id).sort()).toEqual([jean.id, sylvie.id].sort());
    expect(await t.ctx.db.selectFrom('message_bodies').select('blob_id').execute()).toHaveLength(1);
    for (const [account, result] of [
      [sylvie, results[0]],
      [jean, results[2]],
    ] as const) {
      const found = await searchIds(account, { text: 'pedagogique' });
      expect(found).toEqual([result?.ok ? result.delivered.messageId : 'missing']);
    }
    expect(await searchIds(claire, {})).toEqual([]);
  });

  it('tells the recipient account’s listeners after the commit, and nobody else', async () => {
    const heard: { account: string; mailboxIds: string[]; modseq: number; visible: number }[] = [];
    for (const account of [sylvie, jean]) {
      t.ctx.changes.subscribe(account.id, (change) => {
        // Read at once: the change must already be committed when the listener runs.
        void t.ctx.db
          .selectFrom('messages')
          .select('id')
          .where('account_id', '=', account.id)
          .execute()
          .then((rows) => heard.push({ account: account.identifier, ...change, visible: rows.length }));
      });
    }
    const delivered = await deliver(sylvie, message({ Subject: 'notifié' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([
      {
        account: sylvie.identifier,
        accountId: sylvie.id,
        mailboxIds: [delivered.mailboxId],
        modseq: delivered.modseq,
        visible: 1,
      },
    ]);
  });

  it('refuses the whole delivery when one target mailbox is missing, writing nothing', async () => {
    const body = await storeMessageBody(t.ctx, message({ Subject: 'à moitié' }));
    await expect(
      deliverToAccounts(t.ctx, body, [
        { recipient: { account: sylvie, quotaBytes: big }, options: { receivedAt: 1 } },
        { recipient: { account: jean, quotaBytes: big }, options: { receivedAt: 1, mailboxId: 'nope' } },
      ]),
    ).rejects.toMatchObject({ code: 'mailbox.not_found' });
    expect(await t.ctx.db.selectFrom('message_bodies').select('blob_id').execute()).toEqual([]);
    expect(await t.ctx.db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await searchIds(sylvie, {})).toEqual([]);
  });

  it('rebuilds a new search index from the stored messages', async () => {
    const kept = await deliver(sylvie, message({ Subject: 'Sortie au musée' }, 'Départ à 8 h.\r\n'));
    const shared = message({ Subject: 'Note commune' });
    const a = await deliver(sylvie, shared);
    const b = await deliver(jean, shared);
    await sql`update search_meta set value = '1' where name = 'schema_version'`.execute(t.ctx.db);
    expect(await t.ctx.search.ensureSchema()).toEqual({ created: true });
    expect(await searchIds(sylvie, {})).toEqual([]);
    expect(await reindexAllMessages(t.ctx)).toBe(3);
    expect(await searchIds(sylvie, { text: 'musee depart' })).toEqual([kept.messageId]);
    expect(await searchIds(jean, { text: 'commune' })).toEqual([b.messageId]);
    expect(await searchIds(sylvie, { text: 'commune' })).toEqual([a.messageId]);
  });

  it('changes flags with one new modseq, and expunges freeing quota and search entries', async () => {
    const a = await deliver(sylvie, message({ Subject: 'un' }));
    const b = await deliver(sylvie, message({ Subject: 'deux' }));
    const added = await changeFlags(t.ctx, sylvie.id, a.mailboxId, [a.uid, b.uid, 99], {
      mode: 'add',
      keywords: ['$seen', '$Forwarded'],
      deleted: false,
    });
    expect(added.map((r) => [r.uid, r.changed])).toEqual([
      [a.uid, true],
      [b.uid, true],
    ]);
    expect(added[0]?.modseq).toBe(added[1]?.modseq);
    expect(added[0]?.modseq).toBeGreaterThan(b.modseq);
    const again = await changeFlags(t.ctx, sylvie.id, a.mailboxId, [a.uid], {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    expect(again[0]).toMatchObject({ changed: false, modseq: added[0]?.modseq });
    await changeFlags(t.ctx, sylvie.id, a.mailboxId, [b.uid], {
      mode: 'replace',
      keywords: ['$flagged'],
      deleted: true,
    });
    const entries = await listMailboxMessages(t.ctx.db, sylvie.id, a.mailboxId);
    expect(entries.map((e) => [keywordsOf(e.message), e.deleted])).toEqual([
      [['$forwarded', '$seen'], 0],
      [['$flagged'], 1],
    ]);
    const usageBefore = await findAccountUsage(t.ctx.db, sylvie.id);
    expect(await expungeDeleted(t.ctx, sylvie.id, a.mailboxId)).toEqual([b.uid]);
    expect((await listMailboxMessages(t.ctx.db, sylvie.id, a.mailboxId)).map((e) => e.uid)).toEqual([a.uid]);
    const usageAfter = await findAccountUsage(t.ctx.db, sylvie.id);
    expect(usageAfter?.message_count).toBe((usageBefore?.message_count ?? 0) - 1);
    expect(usageAfter?.used_bytes).toBeLessThan(usageBefore?.used_bytes ?? 0);
    expect(await searchIds(sylvie, { subject: 'deux' })).toEqual([]);
    expect(await searchIds(sylvie, { subject: 'un' })).toEqual([a.messageId]);
    // Another account cannot touch these messages through its own id.
    expect(
      await changeFlags(t.ctx, jean.id, a.mailboxId, [a.uid], {
        mode: 'add',
        keywords: ['$draft'],
        deleted: true,
      }),
    ).toEqual([]);
    expect(await expungeDeleted(t.ctx, jean.id, a.mailboxId)).toEqual([]);
  });

  it('threads replies by References and In-Reply-To, and reply subjects without them', async () => {
    const parent = await deliver(
      sylvie,
      message({ Subject: 'Conseil de classe', 'Message-ID': '<p1@example.org>' }),
    );
    const byRef = await deliver(
      sylvie,
      message({ Subject: 'Re: Conseil de classe', 'In-Reply-To': '<p1@example.org>' }),
    );
    const bySubject = await deliver(sylvie, message({ Subject: 'TR : RE: Conseil de classe' }));
    const unrelated = await deliver(sylvie, message({ Subject: 'Conseil de classe' }));
    expect(byRef.threadId).toBe(parent.threadId);
    expect(bySubject.threadId).toBe(parent.threadId);
    expect(unrelated.threadId).not.toBe(parent.threadId);
    // Another account's message with the same id does not join this account's thread.
    const other = await deliver(
      jean,
      message({ Subject: 'Re: Conseil de classe', 'In-Reply-To': '<p1@example.org>' }),
    );
    expect(other.threadId).not.toBe(parent.threadId);
  });

  it('finds delivered mail by accent-insensitive search, for its owner only', async () => {
    const d = await deliver(
      sylvie,
      message({ Subject: 'Réunion à l’École Jules-Ferry' }, 'Les élèves de CM2.\r\n'),
    );
    await deliver(jean, message({ Subject: 'Autre école' }));
    expect(await searchIds(sylvie, { text: 'ecole' })).toEqual([d.messageId]);
    expect(await searchIds(sylvie, { text: 'ELEVES' })).toEqual([d.messageId]);
    expect(await searchIds(sylvie, { from: 'example.org' })).toEqual([d.messageId]);
    expect(await searchIds(jean, { text: 'jules' })).toEqual([]);
  });

  it('creates nested mailbox paths with their parents, and refuses bad names', async () => {
    const leaf = await ensureMailboxPath(t.ctx, sylvie.id, 'Projets/2026/Sorties');
    const parent = await findMailboxById(t.ctx.db, sylvie.id, leaf.parent_id as string);
    expect(parent?.path).toBe('Projets/2026');
    expect((await ensureMailboxPath(t.ctx, sylvie.id, 'Projets/2026/Sorties')).id).toBe(leaf.id);
    expect((await ensureMailboxPath(t.ctx, sylvie.id, 'inbox')).role).toBe('inbox');
    for (const bad of ['', 'a//b', 'x/', 'a\u0000b', 'a*', `${'x/'.repeat(20)}x`]) {
      await expect(ensureMailboxPath(t.ctx, sylvie.id, bad)).rejects.toMatchObject({
        code: 'mailbox.invalid_name',
      });
    }
  });

  it('never lets one account reach another account’s mailboxes', async () => {
    const d = await deliver(sylvie, message({ Subject: 'privé' }));
    expect(await findMailboxById(t.ctx.db, jean.id, d.mailboxId)).toBeUndefined();
    expect(await listMailboxMessages(t.ctx.db, jean.id, d.mailboxId)).toEqual([]);
    await expect(
      deliverToAccount(
        t.ctx,
        await storeMessageBody(t.ctx, message({})),
        { account: jean, quotaBytes: big },
        { receivedAt: 1, mailboxId: d.mailboxId },
      ),
    ).rejects.toMatchObject({ code: 'mailbox.not_found' });
  });
});
