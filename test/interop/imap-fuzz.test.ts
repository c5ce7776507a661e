/**
 * The IMAP server under random input through a real socket: pipelined commands built from the
 * grammar's pieces (known command names, keywords, sequence sets, quoted strings with any text,
 * non-synchronizing literals of the right and wrong sizes, nested lists, raw bytes) in an
 * authenticated session with a selected mailbox.
 *
 * Properties: the server never answers "Internal error" (an unexpected exception: SERVERBUG),
 * never hangs (a NOOP sent after the batch is answered, unless the server said BYE for a framing
 * error it cannot recover from), and stays up for the next connection. The wire library's own
 * parser and reader have their own properties (src/lib/imap); this checks the command handlers.
 */

import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swaks } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD);
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
  for (const subject of ['Réunion', 'Re: Réunion', 'Cantine']) {
    const r = await swaks(t.server.smtpPort, [
      '--from',
      'parent@example.org',
      '--to',
      'sylvie.dupont@ac-test.fr',
      '--header',
      `Subject: ${subject}`,
      '--attach',
      '@package.json',
    ]);
    expect(r.code, r.stdout).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await t.close();
});

const COMMANDS = [
  'CAPABILITY',
  'NOOP',
  'CHECK',
  'ID',
  'STARTTLS',
  'LOGIN',
  'AUTHENTICATE',
  'ENABLE',
  'NAMESPACE',
  'LIST',
  'LSUB',
  'STATUS',
  'SELECT',
  'EXAMINE',
  'IDLE',
  'CREATE',
  'DELETE',
  'RENAME',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'APPEND',
  'GETQUOTA',
  'GETQUOTAROOT',
  'SETQUOTA',
  'UNSELECT',
  'CLOSE',
  'FETCH',
  'UID FETCH',
  'SEARCH',
  'UID SEARCH',
  'SORT',
  'UID SORT',
  'THREAD',
  'UID THREAD',
  'STORE',
  'UID STORE',
  'EXPUNGE',
  'UID EXPUNGE',
  'COPY',
  'UID COPY',
  'MOVE',
  'UID MOVE',
  'XYZZY',
];

const KEYWORDS = [
  'INBOX',
  'Archive',
  '"Dossier/Sous"',
  '""',
  '*',
  '%',
  '1',
  '2:*',
  '1,3:2',
  '$',
  '0',
  '4294967296',
  '18446744073709551616',
  '-1',
  'ALL',
  'FLAGS',
  '+FLAGS',
  '-FLAGS.SILENT',
  '(\\Seen \\Deleted)',
  '\\Flagged',
  'UID',
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY[]',
  'BODY.PEEK[1.MIME]',
  'BODY[HEADER.FIELDS (Subject From)]<0.10>',
  'BODY[99.TEXT]',
  'BINARY.PEEK[2]<1.5>',
  'BINARY.SIZE[1]',
  'RFC822.SIZE',
  'MODSEQ',
  'EMAILID',
  'THREADID',
  'CHANGEDSINCE',
  'UNCHANGEDSINCE',
  'VANISHED',
  '(CHANGEDSINCE 1 VANISHED)',
  'CONDSTORE',
  'QRESYNC',
  '(QRESYNC (1 1 1:5))',
  'IMAP4rev2',
  'UTF8=ACCEPT',
  'RETURN',
  '(MIN MAX COUNT ALL SAVE)',
  'CHARSET',
  'UTF-8',
  'ISO-8859-1',
  'TEXT',
  'SUBJECT',
  'HEADER',
  'Message-ID',
  'SENTBEFORE',
  'SINCE',
  '1-Jan-2026',
  '"31-Feb-2026"',
  'OR',
  'NOT',
  'LARGER',
  'REFERENCES',
  'ORDEREDSUBJECT',
  '(REVERSE DATE)',
  '(SUBJECT)',
  'MESSAGES',
  '(MESSAGES UIDNEXT SIZE DELETED HIGHESTMODSEQ MAILBOXID)',
  '(USE (\\Drafts))',
  'RETURN (SPECIAL-USE CHILDREN STATUS (MESSAGES))',
  '(SUBSCRIBED)',
  'PLAIN',
  'DEFLATE',
  '"25-Nov-2026 10:00:00 +0100"',
  'NIL',
  '~{3+}',
  '[',
  ']',
  '(',
  ')',
  '{',
  '\\',
];

/** Text with quotes, backslashes, 8-bit and control characters, inside a quoted string. */
const quoted = fc
  .string({ unit: 'binary', maxLength: 30 })
  .map((s) => `"${s.replace(/[\r\n]/g, ' ').replace(/(["\\])/g, '\\$1')}"`);

/** A non-synchronizing literal, sometimes announcing the wrong size. */
const literal = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(0, 0, 0, 1, -1))
  .map(([text, skew]) => {
    const bytes = Buffer.from(text, 'utf8');
    return `{${Math.max(0, bytes.length + skew)}+}\r\n${bytes.toString('latin1')}`;
  });

const raw = fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ''));

const argument: fc.Arbitrary<string> = fc.letrec((tie) => ({
  arg: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...KEYWORDS) },
    { weight: 2, arbitrary: quoted },
    { weight: 1, arbitrary: literal },
    { weight: 1, arbitrary: raw },
    {
      weight: 1,
      arbitrary: fc
        .array(tie('arg') as fc.Arbitrary<string>, { maxLength: 4 })
        .map((items) => `(${items.join(' ')})`),
    },
  ),
})).arg;

const commandLine = fc
  .tuple(
    fc.oneof(fc.stringMatching(/^[A-Za-z0-9.]{1,6}$/), fc.constantFrom('*', '+', 'a{', '')),
    fc.constantFrom(...COMMANDS),
    fc.array(argument, { maxLength: 6 }),
  )
  .map(([tag, name, args]) => `${tag} ${name}${args.map((a) => ` ${a}`).join('')}\r\n`);

/** Runs one session: login, select, the batch pipelined, then NOOP; returns all the server said. */
async function session(batch: string[]): Promise<{ output: string; closed: boolean }> {
  const socket = tlsConnect({ host: '127.0.0.1', port: t.server.imapsPort, rejectUnauthorized: false });
  let output = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    output += chunk.toString('latin1');
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {});
  const until = async (pattern: RegExp, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!pattern.test(output) && !closed) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return pattern.test(output);
  };
  await until(/^\* OK/m);
  socket.write(`L1 LOGIN sdupont "${PASSWORD}"\r\nL2 SELECT INBOX\r\n`);
  await until(/^L2 OK/m);
  socket.write(batch.join(''));
  // DONE ends an IDLE the batch may have started; elsewhere it is one more unknown command.
  socket.write('DONE\r\nZZZ NOOP\r\n');
  const answered = await until(/^ZZZ (OK|NO|BAD)/m);
  socket.destroy();
  return { output, closed: closed && !answered };
}

describe('IMAP server under random commands', () => {
  it('never fails internally, never hangs, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandLine, { minLength: 1, maxLength: 12 }), async (batch) => {
        const { output, closed } = await session(batch);
        // The batch ran in a signed-in session with INBOX selected, where every handler is reachable.
        expect(output).toMatch(/^L2 OK/m);
        expect(output).not.toMatch(/SERVERBUG|Internal error/);
        if (closed) {
          // Only a framing error the reader cannot recover from may end the session, and it says so.
          expect(output).toMatch(/^\* BYE /m);
        } else {
          expect(output).toMatch(/^ZZZ (OK|NO|BAD)/m);
        }
      }),
      { numRuns: 200 },
    );
    // Still up, still answering.
    const { output } = await session(['a1 CAPABILITY\r\n']);
    expect(output).toMatch(/^a1 OK/m);
  }, 300_000);
});
