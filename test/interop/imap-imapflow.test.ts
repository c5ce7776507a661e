/**
 * The IMAP server through imapflow, the IMAP client most Node applications use (npm): it negotiates
 * capabilities, uses IDLE, UID FETCH with BODYSTRUCTURE and partial bodies, UID STORE, MOVE and APPEND
 * as it does against Gmail or Dovecot.
 */
import { ImapFlow } from 'imapflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { swaks } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
let t: TestServer;
let client: ImapFlow | undefined;

beforeEach(async () => {
  t = await startTestServer();
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD);
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
});
afterEach(async () => {
  await client?.logout().catch(() => undefined);
  client = undefined;
  await t.close();
});

async function deliver(subject: string, body: string) {
  const r = await swaks(t.server.smtpPort, [
    '--from',
    'parent@example.org',
    '--to',
    'sylvie.dupont@ac-test.fr',
    '--header',
    `Subject: ${subject}`,
    '--body',
    body,
  ]);
  expect(r.code, r.stdout).toBe(0);
}

function connect(): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: t.server.imapsPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'sylvie.dupont@ac-test.fr', pass: PASSWORD },
    logger: false,
  });
}

describe('IMAP with imapflow', () => {
  it('lists, fetches, flags, moves and appends like a mail application', async () => {
    await deliver('Conseil de classe', 'Le conseil aura lieu jeudi.');
    client = connect();
    await client.connect();
    const folders = await client.list();
    // imapflow orders the list itself; compare as a set.
    expect(new Map(folders.map((f) => [f.path, f.specialUse ?? null]))).toEqual(
      new Map([
        ['INBOX', '\\Inbox'],
        ['Drafts', '\\Drafts'],
        ['Sent', '\\Sent'],
        ['Archive', '\\Archive'],
        ['Junk', '\\Junk'],
        ['Trash', '\\Trash'],
      ]),
    );
    const lock = await client.getMailboxLock('INBOX');
    try {
      const messages = [];
      for await (const message of client.fetch('1:*', {
        uid: true,
        envelope: true,
        bodyStructure: true,
        flags: true,
      })) {
        messages.push(message);
      }
      expect(messages).toHaveLength(1);
      expect(messages[0]?.envelope?.subject).toBe('Conseil de classe');
      expect(messages[0]?.envelope?.from?.[0]?.address).toBe('parent@example.org');
      expect(messages[0]?.bodyStructure?.type).toBe('text/plain');
      const { content } = await client.download('1', '1', { uid: true });
      const chunks: Buffer[] = [];
      for await (const chunk of content ?? []) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString('utf8')).toMatch(/^Le conseil aura lieu jeudi\./);
      expect(await client.messageFlagsAdd('1', ['\\Flagged'], { uid: true })).toBe(true);
      const found = await client.search({ body: 'jeudi' }, { uid: true });
      expect(found).toEqual([1]);
      const moved = await client.messageMove('1', 'Archive', { uid: true });
      // biome-ignore lint/complexity/useOptionalChain: imapflow returns false or an object
      expect(moved && moved.uidMap?.get(1)).toBe(1);
    } finally {
      lock.release();
    }
    const appended = await client.append('Sent', Buffer.from('Subject: Envoyé\r\n\r\nMerci\r\n'), ['\\Seen']);
    // biome-ignore lint/complexity/useOptionalChain: imapflow returns false or an object
    expect(appended && appended.uid).toBe(1);
    const archive = await client.status('Archive', { messages: true, unseen: true });
    expect(archive).toMatchObject({ messages: 1, unseen: 1 });
  });

  it('is told of new mail while IDLE', async () => {
    client = connect();
    await client.connect();
    await client.mailboxOpen('INBOX');
    // imapflow negotiates COMPRESS=DEFLATE on its own when offered: this session runs compressed.
    expect((client as unknown as { _deflate?: unknown })._deflate).toBeTruthy();
    void client.idle();
    const exists = new Promise<number>((resolve) => client?.on('exists', (data) => resolve(data.count)));
    await deliver('Nouveau', 'Arrivé pendant IDLE');
    expect(await exists).toBe(1);
  });
});
