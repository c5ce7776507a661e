/**
 * What JMAP /queryChanges reads from the store, on SQLite and PostgreSQL: the change log summed up
 * per object since a modseq, and the positions of messages in a query's order — the very order
 * `listMessagesNewestFirst` pages through, ties on the received date included.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/core/directory/index.js';
import { changeFlags, deliverToAccount, destroyEmails, storeMessageBody } from '../../src/core/mail/index.js';
import {
  type Account,
  findAccountUsage,
  findPositionsNewestFirst,
  listMessagesNewestFirst,
  type MessageFilter,
  summarizeAccountChangesSince,
} from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

function message(subject: string): Buffer {
  return Buffer.from(`From: a@example.org\r\nTo: b@ac-test.fr\r\nSubject: ${subject}\r\n\r\nBonjour.\r\n`);
}

describe.each(testBackends())('query changes on %s', (backend) => {
  let t: Awaited<ReturnType<typeof buildCoreContext>>;
  let sylvie: Account;
  let jean: Account;

  beforeEach(async () => {
    t = await buildCoreContext(backend);
    const add = async (firstName: string, lastName: string) =>
      (await createAccount(t.ctx, { firstName, lastName, domain: 'ac-test.fr' }, 'test')).account;
    sylvie = await add('Sylvie', 'Dupont');
    jean = await add('Jean', 'Martin');
  });
  afterEach(async () => {
    await t.close();
  });

  const deliver = async (account: Account, subject: string) =>
    deliverToAccount(
      t.ctx,
      await storeMessageBody(t.ctx, message(subject)),
      { account, quotaBytes: 1 << 30 },
      { receivedAt: t.clock.now() },
    );
  const state = async (account: Account) =>
    (await findAccountUsage(t.ctx.db, account.id))?.highest_modseq ?? 0;

  it('sums up the change log per object: created, updated, destroyed; created then destroyed is nothing', async () => {
    const kept = await deliver(sylvie, 'gardé');
    const gone = await deliver(sylvie, 'détruit');
    await deliver(jean, 'ailleurs');
    const since = await state(sylvie);
    const fresh = await deliver(sylvie, 'nouveau');
    const brief = await deliver(sylvie, 'éphémère');
    for (let i = 0; i < 3; i++) {
      await changeFlags(t.ctx, sylvie.id, kept.mailboxId, [kept.uid], {
        mode: i % 2 === 0 ? 'add' : 'remove',
        keywords: ['$seen'],
        deleted: false,
      });
    }
    await destroyEmails(t.ctx, sylvie.id, [gone.messageId, brief.messageId]);
    const summary = await summarizeAccountChangesSince(t.ctx.db, sylvie.id, 'email', since, 100);
    expect(summary).toEqual(
      new Map([
        [kept.messageId, 'updated'],
        [gone.messageId, 'destroyed'],
        [fresh.messageId, 'created'],
      ]),
    );
    expect(await summarizeAccountChangesSince(t.ctx.db, jean.id, 'email', since, 100)).toEqual(new Map());
    const mailboxes = await summarizeAccountChangesSince(t.ctx.db, sylvie.id, 'mailbox', since, 100);
    expect([...mailboxes]).toEqual([[kept.mailboxId, 'updated']]);
    // Bounded: one row per object, at most `limit` of them.
    expect((await summarizeAccountChangesSince(t.ctx.db, sylvie.id, 'email', 0, 2)).size).toBeLessThanOrEqual(
      2,
    );
  });

  it('places messages where the newest-first list has them, ties on the date included', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      // Pairs share a received date: the order between them is the id's.
      if (i % 2 === 0) t.clock.advance(1000);
      ids.push((await deliver(sylvie, `message ${i}`)).messageId);
    }
    const other = await deliver(jean, 'ailleurs');
    const [first] = ids as [string];
    await changeFlags(t.ctx, sylvie.id, (await deliver(sylvie, 'x')).mailboxId, [1, 3, 5], {
      mode: 'add',
      keywords: ['$flagged'],
      deleted: false,
    });
    const filters: MessageFilter[] = [
      {},
      { hasKeyword: '$flagged' },
      { notKeyword: '$flagged' },
      { onlyIds: [...ids.slice(2), other.messageId] },
    ];
    for (const filter of filters) {
      const listed = await listMessagesNewestFirst(t.ctx.db, sylvie.id, { ...filter, offset: 0, limit: 100 });
      const { positions, total } = await findPositionsNewestFirst(t.ctx.db, sylvie.id, filter, [
        ...ids,
        other.messageId,
        'absent',
      ]);
      expect(total).toBe(listed.total);
      const expected = new Map(
        listed.messages.flatMap((m, index) => (ids.includes(m.id) ? [[m.id, index] as const] : [])),
      );
      expect(positions).toEqual(expected);
    }
    // Another account's message has no place in Sylvie's results, nor hers in his.
    const jeans = await findPositionsNewestFirst(t.ctx.db, jean.id, {}, [first, other.messageId]);
    expect(jeans).toEqual({ positions: new Map([[other.messageId, 0]]), total: 1 });
  });
});
