/**
 * Two-way synchronisation with mbsync (Debian's isync), the way offline clients work: a 1 000-message
 * Inbox is pulled into a local Maildir byte for byte, then flags and deletions made on both sides and
 * a message written locally are synchronised, and both sides must agree exactly.
 * mbsync talks to the cleartext port here (FACTEUR_IMAP_CLEARTEXT_LOOPBACK: loopback only), because it
 * verifies certificate host names and the test certificate names mail.ac-test.fr, not 127.0.0.1.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getAccount } from '../../src/core/directory/index.js';
import {
  changeFlags,
  deliverToAccount,
  expungeDeleted,
  findRecipient,
  readMessageBytes,
  storeMessageBody,
} from '../../src/core/mail/index.js';
import { findMailboxByRole, listMailboxMessages } from '../../src/store/sql/index.js';
import { run } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const COUNT = 1000;
let t: TestServer;
let dir: string;

beforeEach(async () => {
  t = await startTestServer({ env: { FACTEUR_IMAP_CLEARTEXT_LOOPBACK: 'true' } });
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD);
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
  dir = mkdtempSync(join(tmpdir(), 'facteur-mbsync-'));
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(): string {
  const path = join(dir, 'mbsyncrc');
  mkdirSync(join(dir, 'mail'), { recursive: true });
  writeFileSync(
    path,
    `IMAPAccount facteur
Host 127.0.0.1
Port ${t.server.imapPort}
User sdupont
Pass ${PASSWORD}
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account facteur

MaildirStore local
Path ${dir}/mail/
Inbox ${dir}/mail/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Create Both
Expunge Both
SyncState *
Sync All
`,
  );
  return path;
}

async function mbsync(configPath: string) {
  const r = await run('mbsync', ['-c', configPath, 'inbox'], undefined, 120_000);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}

/** Local messages: UID (from mbsync's file name) → Maildir flags. */
function localState(): Map<number, string> {
  const state = new Map<number, string>();
  for (const sub of ['cur', 'new']) {
    for (const name of readdirSync(join(dir, 'mail', 'INBOX', sub))) {
      const uid = Number(/,U=(\d+)/.exec(name)?.[1]);
      state.set(uid, /:2,([A-Z]*)$/.exec(name)?.[1] ?? '');
    }
  }
  return state;
}

function localFile(uid: number): string {
  for (const sub of ['cur', 'new']) {
    const name = readdirSync(join(dir, 'mail', 'INBOX', sub)).find(
      (n) => n.includes(`,U=${uid}:`) || n.endsWith(`,U=${uid}`),
    );
    if (name) return join(dir, 'mail', 'INBOX', sub, name);
  }
  throw new Error(`no local file for UID ${uid}`);
}

describe('IMAP with mbsync', () => {
  it('synchronises a 1 000-message Inbox both ways: content, flags, deletions, new messages', async () => {
    const { ctx } = t.server.facteur;
    const account = await getAccount(ctx, 'sdupont');
    const recipient = await findRecipient(ctx, account.address);
    if (!recipient) throw new Error('no recipient');
    for (let i = 1; i <= COUNT; i++) {
      const raw = Buffer.from(
        `From: parent${i}@example.org\r\nTo: ${account.address}\r\nSubject: Message ${i}\r\nMessage-ID: <m${i}@example.org>\r\n\r\nCorps ${i}\r\n`,
      );
      await deliverToAccount(ctx, await storeMessageBody(ctx, raw), recipient, {
        receivedAt: ctx.clock.now(),
      });
    }
    const inbox = await findMailboxByRole(ctx.db, account.id, 'inbox');
    if (!inbox) throw new Error('no inbox');

    const cfg = config();
    await mbsync(cfg);
    const first = localState();
    expect(first.size).toBe(COUNT);
    for (const uid of [1, 500, COUNT]) {
      const entry = (await listMailboxMessages(ctx.db, account.id, inbox.id, [uid]))[0];
      // mbsync stores Maildir files with the local line ending (LF) and its own X-TUID tracking
      // header; otherwise byte for byte.
      const stored = (await readMessageBytes(ctx, entry?.message.blob_id as string)).toString('latin1');
      expect(
        readFileSync(localFile(uid))
          .toString('latin1')
          .replace(/^X-TUID: .*\n/m, ''),
      ).toBe(stored.replace(/\r\n/g, '\n'));
    }

    // Server side: 1–10 read, 11–20 deleted. Local side: 21–30 flagged, 31–40 deleted, one new message.
    await changeFlags(ctx, account.id, inbox.id, range(1, 10), {
      mode: 'add',
      keywords: ['$seen'],
      deleted: false,
    });
    await changeFlags(ctx, account.id, inbox.id, range(11, 20), { mode: 'add', keywords: [], deleted: true });
    await expungeDeleted(ctx, account.id, inbox.id);
    for (const uid of range(21, 30)) {
      const file = localFile(uid);
      renameSync(
        file,
        file.replace(/:2,([A-Z]*)$/, (_m, flags: string) => `:2,${[...`${flags}F`].sort().join('')}`),
      );
    }
    for (const uid of range(31, 40)) rmSync(localFile(uid));
    writeFileSync(
      join(dir, 'mail', 'INBOX', 'new', `${Date.now()}.local.test`),
      'From: sylvie.dupont@ac-test.fr\r\nSubject: Brouillon hors ligne\r\n\r\nEcrit dans le train\r\n',
    );

    await mbsync(cfg);
    const server = await listMailboxMessages(ctx.db, account.id, inbox.id);
    const serverState = new Map(
      server.map((e) => [e.uid, `${e.message.flagged ? 'F' : ''}${e.message.seen ? 'S' : ''}`]),
    );
    const local = localState();
    expect(server).toHaveLength(COUNT - 20 + 1);
    expect([...local.keys()].sort((a, b) => a - b)).toEqual([...serverState.keys()].sort((a, b) => a - b));
    for (const [uid, flags] of serverState) expect(local.get(uid), `UID ${uid}`).toBe(flags);
    for (const uid of range(1, 10)) expect(serverState.get(uid)).toBe('S');
    for (const uid of range(21, 30)) expect(serverState.get(uid)).toBe('F');
    for (const uid of range(11, 40).filter((u) => u < 21 || u > 30)) expect(serverState.has(uid)).toBe(false);
    const appended = server.at(-1);
    expect(appended?.uid).toBe(COUNT + 1);
    expect((await readMessageBytes(ctx, appended?.message.blob_id as string)).toString()).toContain(
      'Subject: Brouillon hors ligne',
    );
  }, 180_000);
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
