/**
 * Vacation responses on SQLite and PostgreSQL: the settings row, the one-reply-per-sender-per-week
 * memory (claimed atomically, even by racing deliveries), and the replies themselves through core —
 * a local sender gets one in the Inbox, a remote one through the outbound queue with a null sender,
 * DKIM-signed, with the RFC 3834 fields.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/core/directory/index.js';
import { readMessageBytes } from '../../src/core/mail/index.js';
import {
  getVacation,
  routeRecipient,
  sendVacationReplies,
  submitMessage,
  updateVacation,
  VACATION_DISABLED,
  VACATION_PERIOD_MS,
} from '../../src/core/outbound/index.js';
import { parseMessage } from '../../src/lib/mime/index.js';
import { parseBlobId } from '../../src/store/blob/index.js';
import {
  type Account,
  claimVacationReply,
  findAccountUsage,
  findMailboxByRole,
  findVacationResponse,
  listMailboxMessages,
  listOutboundMessages,
  listOutboundRecipients,
} from '../../src/store/sql/index.js';
import { buildCoreContext } from '../helpers/core.js';
import { testBackends } from '../helpers/database.js';

const DAY = 86_400_000;

describe.each(testBackends())('vacation responses on %s', (backend) => {
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

  const incoming = (from: string, to: string, subject: string, extra = '') =>
    Buffer.from(
      `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <m-${subject.length}@example.org>\r\n` +
        `References: <avant@example.org>\r\n${extra}\r\nBonjour.\r\n`,
    );
  const delivered = (raw: Buffer, mailFrom: string, accounts = [sylvie]) => ({
    raw,
    parsed: parseMessage(raw),
    mailFrom,
    accounts,
  });

  it('keeps one setting per account, disabled until set, and moves the account state when changed', async () => {
    expect(await getVacation(t.ctx, sylvie.id)).toEqual(VACATION_DISABLED);
    const before = (await findAccountUsage(t.ctx.db, sylvie.id))?.highest_modseq ?? 0;
    const from = t.clock.now();
    await updateVacation(t.ctx, sylvie.id, { isEnabled: true, fromDate: from, subject: 'Absente' });
    await updateVacation(t.ctx, sylvie.id, { textBody: 'De retour lundi.' });
    expect(await getVacation(t.ctx, sylvie.id)).toEqual({
      isEnabled: true,
      fromDate: from,
      toDate: null,
      subject: 'Absente',
      textBody: 'De retour lundi.',
      htmlBody: null,
    });
    expect((await findAccountUsage(t.ctx.db, sylvie.id))?.highest_modseq).toBe(before + 2);
    expect(await getVacation(t.ctx, jean.id)).toEqual(VACATION_DISABLED);
    expect(await findVacationResponse(t.ctx.db, jean.id)).toBeUndefined();
    await expect(updateVacation(t.ctx, sylvie.id, { textBody: 'x'.repeat(70_000) })).rejects.toMatchObject({
      code: 'vacation.too_long',
    });
  });

  it('claims one reply per sender per period, atomically, per account', async () => {
    const now = t.clock.now();
    const claim = (account: Account, sender: string, at: number) =>
      claimVacationReply(t.ctx.db, account.id, sender, at, VACATION_PERIOD_MS);
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => claim(sylvie, 'parent@example.org', now)),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await claim(sylvie, 'PARENT@example.org', now + 6 * DAY)).toBe(false);
    expect(await claim(sylvie, 'autre@example.org', now)).toBe(true);
    expect(await claim(jean, 'parent@example.org', now)).toBe(true);
    expect(await claim(sylvie, 'parent@example.org', now + 7 * DAY)).toBe(true);
    expect(await claim(sylvie, 'parent@example.org', now + 8 * DAY)).toBe(false);
  });

  it('answers a local sender in their Inbox once a week, with the RFC 3834 fields', async () => {
    await updateVacation(t.ctx, sylvie.id, {
      isEnabled: true,
      subject: 'Absente',
      textBody: 'De retour lundi.',
    });
    const raw = incoming(jean.address, sylvie.address, 'Question');
    expect(await sendVacationReplies(t.ctx, delivered(raw, jean.address))).toEqual([
      { accountId: sylvie.id, sent: 'local' },
    ]);
    const inbox = await findMailboxByRole(t.ctx.db, jean.id, 'inbox');
    const [entry] = await listMailboxMessages(t.ctx.db, jean.id, inbox?.id as string);
    const reply = (await readMessageBytes(t.ctx, entry?.message.blob_id as string)).toString('utf8');
    expect(reply).toMatch(/^DKIM-Signature: .*d=ac-test\.fr/m);
    expect(reply).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(reply).toMatch(/^In-Reply-To: <m-8@example\.org>\r$/m);
    expect(reply).toMatch(/^References: <avant@example\.org> <m-8@example\.org>\r$/m);
    expect(reply).toMatch(/^Subject: Absente\r$/m);
    expect(reply).toMatch(/^From: Sylvie Dupont <sylvie\.dupont@ac-test\.fr>\r$/m);
    expect(reply).toMatch(/^To: jean\.martin@ac-test\.fr\r$/m);
    expect(reply).toContain('De retour lundi.');

    t.clock.advance(6 * DAY);
    expect(await sendVacationReplies(t.ctx, delivered(raw, jean.address))).toEqual([
      { accountId: sylvie.id, sent: false, reason: 'already_replied' },
    ]);
    t.clock.advance(DAY);
    expect((await sendVacationReplies(t.ctx, delivered(raw, jean.address)))[0]?.sent).toBe('local');
    // A new vacation message is answered afresh.
    await updateVacation(t.ctx, sylvie.id, { subject: 'Toujours absente' });
    expect((await sendVacationReplies(t.ctx, delivered(raw, jean.address)))[0]?.sent).toBe('local');
  });

  it('queues the reply to a remote sender with a null envelope sender; none for lists or when off', async () => {
    await updateVacation(t.ctx, sylvie.id, { isEnabled: true, toDate: t.clock.now() + DAY });
    const raw = incoming('parent@example.org', sylvie.address, 'Rendez-vous');
    expect(await sendVacationReplies(t.ctx, delivered(raw, 'parent@example.org'))).toEqual([
      { accountId: sylvie.id, sent: 'remote' },
    ]);
    const [queued] = await listOutboundMessages(t.ctx.db, {
      accountId: sylvie.id,
      pendingOnly: false,
      limit: 10,
      offset: 0,
    });
    expect(queued?.mail_from).toBe('');
    expect((await listOutboundRecipients(t.ctx.db, [queued?.id as string])).map((r) => r.recipient)).toEqual([
      'parent@example.org',
    ]);
    const bytes = await t.ctx.blobs.get(parseBlobId(queued?.blob_id as string));
    const chunks: Buffer[] = [];
    for await (const chunk of bytes) chunks.push(chunk as Buffer);
    const reply = Buffer.concat(chunks).toString('utf8');
    expect(reply).toMatch(/^Subject: Auto: Rendez-vous\r$/m);
    expect(reply).toContain('Je suis absent(e)');

    const list = incoming(
      'info@lists.example.org',
      sylvie.address,
      'Lettre',
      'List-Id: <info.example.org>\r\n',
    );
    expect(await sendVacationReplies(t.ctx, delivered(list, 'info@lists.example.org'))).toEqual([
      { accountId: sylvie.id, sent: false, reason: 'list' },
    ]);
    t.clock.advance(DAY);
    const late = incoming('autre@example.org', sylvie.address, 'Trop tard');
    expect(await sendVacationReplies(t.ctx, delivered(late, 'autre@example.org'))).toEqual([
      { accountId: sylvie.id, sent: false, reason: 'outside_dates' },
    ]);
    expect(await sendVacationReplies(t.ctx, delivered(late, 'autre@example.org', [jean]))).toEqual([
      { accountId: jean.id, sent: false, reason: 'disabled' },
    ]);
    expect(
      await listOutboundMessages(t.ctx.db, {
        accountId: sylvie.id,
        pendingOnly: false,
        limit: 10,
        offset: 0,
      }),
    ).toHaveLength(1);
  });

  it('answers mail a colleague submits (webmail, SMTP submission) after its delivery', async () => {
    await updateVacation(t.ctx, sylvie.id, { isEnabled: true, subject: 'Absente' });
    const raw = incoming(jean.address, sylvie.address, 'Par la soumission');
    await submitMessage(t.ctx, {
      account: jean,
      mailFrom: jean.address,
      routes: [await routeRecipient(t.ctx, jean, sylvie.address)],
      raw,
    });
    const inbox = await findMailboxByRole(t.ctx.db, jean.id, 'inbox');
    // The reply is not awaited by the submission: it arrives just after.
    const deadline = Date.now() + 5_000;
    let entries = await listMailboxMessages(t.ctx.db, jean.id, inbox?.id as string);
    while (entries.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      entries = await listMailboxMessages(t.ctx.db, jean.id, inbox?.id as string);
    }
    expect(entries).toHaveLength(1);
    const reply = (await readMessageBytes(t.ctx, entries[0]?.message.blob_id as string)).toString('utf8');
    expect(reply).toMatch(/^Subject: Absente\r$/m);
  });
});
