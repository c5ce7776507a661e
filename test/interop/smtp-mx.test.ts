/**
 * The SMTP MX through real clients (swaks, python smtplib): delivery into the Inbox, durable and
 * byte-exact after our trace headers; refusals with exact enhanced codes; never an open relay;
 * single-instance storage for several recipients.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBlobId } from '../../src/store/blob/index.js';
import { findMailboxByRole, listMailboxMessages } from '../../src/store/sql/index.js';
import { smtplibSend, swaks } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';

const MESSAGE = Buffer.from(
  [
    'From: Parent Élève <parent@example.org>',
    'To: Sylvie Dupont <sylvie.dupont@ac-test.fr>',
    'Subject: =?utf-8?q?R=C3=A9union_parents-professeurs?=',
    'Date: Tue, 24 Nov 2026 18:00:00 +0100',
    'Message-ID: <reunion-1@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Bonjour, pouvons-nous nous voir jeudi à 17 h ?',
    '',
  ].join('\r\n'),
  'utf8',
);

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer({ env: { FACTEUR_MAX_MESSAGE_BYTES: '200000' } });
  for (const [first, last] of [
    ['Sylvie', 'Dupont'],
    ['Jean', 'Martin'],
    ['Anne', 'Petit'],
  ]) {
    expect(
      (
        await t.cli(
          'user',
          'add',
          '--first',
          first as string,
          '--last',
          last as string,
          '--domain',
          'ac-test.fr',
        )
      ).code,
    ).toBe(0);
  }
});

afterEach(async () => {
  await t.close();
});

async function inbox(login: string) {
  const ctx = t.server.facteur.ctx;
  const account = await (await import('../../src/core/directory/index.js')).getAccount(ctx, login);
  const mailbox = await findMailboxByRole(ctx.db, account.id, 'inbox');
  if (!mailbox) throw new Error('no inbox');
  return { account, mailbox, entries: await listMailboxMessages(ctx.db, account.id, mailbox.id) };
}

async function rawOf(blobId: string): Promise<Buffer> {
  const stream = await t.server.facteur.ctx.blobs.get(parseBlobId(blobId));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('SMTP MX', () => {
  it('advertises the extensions and no AUTH, and delivers with python smtplib over STARTTLS', async () => {
    const result = await smtplibSend({
      port: t.server.smtpPort,
      from: 'parent@example.org',
      to: ['sylvie.dupont@ac-test.fr'],
      message: MESSAGE,
      starttls: true,
    });
    expect(result.error).toBeNull();
    expect(result.refused).toEqual({});
    for (const extension of [
      'SIZE 200000',
      'PIPELINING',
      '8BITMIME',
      'SMTPUTF8',
      'ENHANCEDSTATUSCODES',
      'STARTTLS',
    ]) {
      expect(result.ehlo).toContain(extension);
    }
    expect(result.ehlo).not.toContain('AUTH');

    const { entries } = await inbox('sdupont');
    expect(entries).toHaveLength(1);
    const entry = entries[0];
    expect(entry?.uid).toBe(1);
    const raw = await rawOf(entry?.message.blob_id as string);
    // Byte-identical after the trace headers we prepend.
    expect(raw.subarray(raw.length - MESSAGE.length).equals(MESSAGE)).toBe(true);
    const prepended = raw.subarray(0, raw.length - MESSAGE.length).toString('utf8');
    expect(prepended).toMatch(/^Authentication-Results: mail\.ac-test\.fr;/m);
    expect(prepended).toMatch(/spf=none/);
    expect(prepended).toMatch(
      /^Received: from client\.example\.org \((\S+ )?\[127\.0\.0\.1\]\)\r\n\tby mail\.ac-test\.fr \(Facteur\) with ESMTPS id /m,
    );
    // Every header line we add ends in CRLF, like the message it precedes.
    expect(prepended.replace(/\r\n/g, '')).not.toContain('\n');
    expect(prepended.endsWith('\r\n')).toBe(true);
  });

  it('gives each delivery the next UID and counts the bytes against the quota', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await swaks(t.server.smtpPort, [
        '--from',
        'a@example.org',
        '--to',
        'jean.martin@ac-test.fr',
        '--header',
        `Subject: test ${i}`,
      ]);
      expect(r.code).toBe(0);
    }
    const { entries, account } = await inbox('jmartin');
    expect(entries.map((e) => e.uid)).toEqual([1, 2, 3]);
    const usage = await t.server.facteur.ctx.db
      .selectFrom('account_usage')
      .selectAll()
      .where('account_id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(usage.message_count).toBe(3);
    expect(usage.used_bytes).toBe(entries.reduce((sum, e) => sum + e.message.size, 0));
  });

  it('refuses an unknown local user with 550 5.1.1', async () => {
    const r = await swaks(t.server.smtpPort, ['--from', 'a@example.org', '--to', 'nobody@ac-test.fr']);
    expect(r.stdout).toMatch(/<\*\* 550 5\.1\.1 Mailbox <nobody@ac-test\.fr> does not exist/);
    expect(r.code).not.toBe(0);
  });

  it('is not an open relay: a foreign domain is refused with 554 5.7.1', async () => {
    const r = await swaks(t.server.smtpPort, ['--from', 'a@example.org', '--to', 'victim@example.com']);
    expect(r.stdout).toMatch(/<\*\* 554 5\.7\.1 Relay access denied for <victim@example\.com>/);
    const spoofedLocal = await swaks(t.server.smtpPort, [
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'victim@example.com',
    ]);
    expect(spoofedLocal.stdout).toMatch(/<\*\* 554 5\.7\.1/);
  });

  it('refuses a message over the size limit with 552 and stores nothing', async () => {
    const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(250_000, 'a')]);
    const result = await smtplibSend({
      port: t.server.smtpPort,
      from: 'a@example.org',
      to: ['sylvie.dupont@ac-test.fr'],
      message: big,
    });
    expect(result.error).toMatchObject({ code: 552 });
    expect(result.error?.message).toMatch(/^5\.3\.4 /);
    expect((await inbox('sdupont')).entries).toHaveLength(0);
  });

  it('refuses a declared SIZE that would not fit in the mailbox with 452 4.2.2 at RCPT', async () => {
    await t.server.facteur.ctx.db.updateTable('profiles').set({ quota_bytes: 5000 }).execute();
    const r = await swaks(t.server.smtpPort, [
      '--from',
      'a@example.org',
      '--to',
      'sylvie.dupont@ac-test.fr',
      '--body',
      'x'.repeat(6000),
    ]);
    // swaks does not send SIZE; the quota check at DATA refuses it too.
    expect(r.stdout).toMatch(/<\*\* 452 4\.2\.2 Mailbox <sylvie\.dupont@ac-test\.fr> is full/);
    // smtplib declares SIZE (RFC 1870) with the message length: refused at RCPT, before any data.
    const large = Buffer.concat([MESSAGE, Buffer.alloc(6000, 'b')]);
    const declared = await smtplibSend({
      port: t.server.smtpPort,
      from: 'a@example.org',
      to: ['sylvie.dupont@ac-test.fr'],
      message: large,
    });
    expect(declared.error).toMatchObject({ type: 'recipients' });
    expect(declared.error?.detail?.['sylvie.dupont@ac-test.fr']).toEqual([
      452,
      '4.2.2 Mailbox <sylvie.dupont@ac-test.fr> is full',
    ]);
    expect((await inbox('sdupont')).entries).toHaveLength(0);
  });

  it('stores one blob for a message to several recipients (single instance)', async () => {
    const result = await smtplibSend({
      port: t.server.smtpPort,
      from: 'parent@example.org',
      to: ['sylvie.dupont@ac-test.fr', 'jean.martin@ac-test.fr', 'anne.petit@ac-test.fr'],
      message: MESSAGE,
    });
    expect(result.error).toBeNull();
    const blobIds = new Set<string>();
    for (const login of ['sdupont', 'jmartin', 'apetit']) {
      const { entries } = await inbox(login);
      expect(entries).toHaveLength(1);
      blobIds.add(entries[0]?.message.blob_id as string);
    }
    expect(blobIds.size).toBe(1);
    const blobRoot = join(t.env.FACTEUR_DATA_DIR as string, 'blobs');
    const files = readdirSync(blobRoot, { recursive: true, withFileTypes: true }).filter(
      (d) => d.isFile() && /^[0-9a-f]{64}$/.test(d.name),
    );
    expect(files).toHaveLength(1);
    const stored = await rawOf([...blobIds][0] as string);
    expect(await text(await t.server.facteur.ctx.blobs.get(parseBlobId([...blobIds][0] as string)))).toBe(
      stored.toString('utf8'),
    );
  });
});
