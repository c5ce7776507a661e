/**
 * The whole SpamAssassin public corpus (6 046 real, often malformed messages) imported with
 * `facteur import mbox` into one account: no crash, every message stored, and each one read back
 * from the store byte-identical to the message in the mbox file.
 *
 * The mbox is built the way mail programs write one (mboxrd): the file's own `From ` envelope line
 * when it has one, a synthetic one otherwise, `>`-escaping of `From ` lines, a blank line between
 * messages. mbox cannot represent a message without a final line break: the one such message in
 * the corpus reads back with one, which is what any mbox reader returns.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccount } from '../../src/core/directory/index.js';
import { escapeForMboxrd } from '../../src/lib/mbox/index.js';
import { parseBlobId } from '../../src/store/blob/index.js';
import { findMailboxByPath, listMailboxMessages } from '../../src/store/sql/index.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';
import { listCorpusFiles } from './corpus-files.js';

let t: TestServer;
const expected: Buffer[] = [];
let mboxPath = '';

beforeAll(async () => {
  const parts: Buffer[] = [];
  for (const file of listCorpusFiles()) {
    const bytes = readFileSync(file);
    const hasEnvelope = bytes.subarray(0, 5).toString('latin1') === 'From ';
    const lineEnd = bytes.indexOf(0x0a);
    const fromLine = hasEnvelope
      ? bytes.subarray(0, lineEnd + 1)
      : Buffer.from('From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n');
    let message = hasEnvelope ? bytes.subarray(lineEnd + 1) : bytes;
    if (message[message.length - 1] !== 0x0a) message = Buffer.concat([message, Buffer.from('\n')]);
    expected.push(message);
    parts.push(fromLine, escapeForMboxrd(message), Buffer.from('\n'));
  }
  mboxPath = join(mkdtempSync(join(tmpdir(), 'facteur-mbox-')), 'corpus.mbox');
  writeFileSync(mboxPath, Buffer.concat(parts));
  // A quota large enough for the corpus: the import is what is under test here.
  t = await startTestServer();
  await t.cli('user', 'add', '--first', 'Archive', '--last', 'Corpus', '--domain', 'ac-test.fr');
  await t.server.facteur.ctx.db
    .updateTable('profiles')
    .set({ quota_bytes: 2 ** 40 })
    .execute();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('facteur import mbox on the SpamAssassin corpus', () => {
  it('imports every message, and each reads back byte-identical', async () => {
    const result = await t.cli(
      'import',
      'mbox',
      'archive.corpus@ac-test.fr',
      mboxPath,
      '--folder',
      'Archives/2002',
      '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: expected.length, folder: 'Archives/2002' });

    const ctx = t.server.facteur.ctx;
    const account = await getAccount(ctx, 'acorpus');
    const mailbox = await findMailboxByPath(ctx.db, account.id, 'Archives/2002');
    expect(mailbox?.parent_id).not.toBeNull();
    const entries = await listMailboxMessages(ctx.db, account.id, mailbox?.id as string);
    expect(entries).toHaveLength(expected.length);
    const mismatches: number[] = [];
    for (const [i, entry] of entries.entries()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await ctx.blobs.get(parseBlobId(entry.message.blob_id)))
        chunks.push(chunk as Buffer);
      if (!Buffer.concat(chunks).equals(expected[i] as Buffer)) mismatches.push(i);
    }
    expect(mismatches).toEqual([]);
  }, 600_000);
});
