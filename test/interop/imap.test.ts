/**
 * The IMAP server through real clients: python3's imaplib for a full session (TLS and STARTTLS), and
 * a raw socket client for IDLE, two sessions on one mailbox, hostile input and tenant isolation.
 * Mail arrives the way it does in production: over SMTP (swaks) into the MX.
 */
import { connect as tlsConnect } from 'node:tls';
import { createDeflateRaw, createInflateRaw, constants as zlibConstants } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMessageBytes } from '../../src/core/mail/index.js';
import { run, swaksDeliver } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

const PASSWORD = 'Motdepasse-solide-2026!';
let t: TestServer;
const clients: ImapTestClient[] = [];

beforeEach(async () => {
  t = await startTestServer();
  for (const [first, last] of [
    ['Sylvie', 'Dupont'],
    ['Jean', 'Martin'],
  ]) {
    await t.addUser(first as string, last as string, '--password', PASSWORD);
  }
  // The accounts have chosen their password: no forced change pending.
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await t.close();
});

async function deliver(to: string, subject: string, body: string, extra: string[] = []) {
  const r = await swaksDeliver(t.server.smtpPort, to, subject, body, extra);
  expect(r.code, r.stdout).toBe(0);
}

async function session(login: string, options: { tls: boolean } = { tls: true }) {
  const client = await ImapTestClient.open(options.tls ? t.server.imapsPort : t.server.imapPort, options);
  clients.push(client);
  if (login) expect(await client.command(`LOGIN ${login} "${PASSWORD}"`)).toMatch(/^T\d+ OK/m);
  return client;
}

/** Runs a python3 imaplib script; `M` is connected over TLS (or STARTTLS) and the script prints JSON. */
async function imaplib(script: string, options: { starttls?: boolean } = {}) {
  const connect = options.starttls
    ? `M = imaplib.IMAP4('127.0.0.1', ${t.server.imapPort})`
    : `M = imaplib.IMAP4_SSL('127.0.0.1', ${t.server.imapsPort}, ssl_context=ctx)`;
  const program = [
    'import imaplib, json, ssl',
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    connect,
    'def out(*values): print(json.dumps([v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in values], default=lambda b: b.decode("utf-8", "replace")))',
    script,
  ].join('\n');
  const r = await run('python3', ['-c', program]);
  expect(r.stderr).toBe('');
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown[]);
}

describe('IMAP with python imaplib', () => {
  it('runs a whole session: list, select, fetch, search, store, expunge, status', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Réunion à l’école', 'Les élèves partent à 8 h.');
    await deliver('sylvie.dupont@ac-test.fr', 'Menu de la cantine', 'Lundi : poisson.');
    const out = await imaplib(`
out(M.login('sdupont', '${PASSWORD}')[0])
typ, boxes = M.list()
out(*boxes)
out(*M.select('INBOX')[1])
typ, data = M.fetch('1:2', '(UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)')
out(*[part[0] if isinstance(part, tuple) else part for part in data])
typ, data = M.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])')
out(data[0][1], data[1][1])
out(*M.search('UTF-8', 'TEXT', 'ecole')[1])
out(*M.search(None, 'UNSEEN')[1])
out(*M.store('2', '+FLAGS', '(\\\\Seen \\\\Deleted)')[1])
out(*M.expunge()[1])
out(*M.status('INBOX', '(MESSAGES UNSEEN UIDNEXT)')[1])
out(M.logout()[0])
`);
    expect(out[0]).toEqual(['OK']);
    expect(out[1]).toEqual([
      '(\\HasNoChildren) "/" INBOX',
      '(\\HasNoChildren \\Drafts) "/" Drafts',
      '(\\HasNoChildren \\Sent) "/" Sent',
      '(\\HasNoChildren \\Archive) "/" Archive',
      '(\\HasNoChildren \\Junk) "/" Junk',
      '(\\HasNoChildren \\Trash) "/" Trash',
    ]);
    expect(out[2]).toEqual(['2']);
    const fetched = (out[3] as string[]).join('\n');
    expect(fetched).toMatch(/^1 \(UID 1 FLAGS \(\) RFC822\.SIZE \d+ ENVELOPE \(/m);
    expect(fetched).toContain('((NIL NIL "parent" "example.org"))');
    expect(fetched).toMatch(/BODYSTRUCTURE \("TEXT" "PLAIN" .* "7BIT" \d+ \d+ NIL NIL NIL NIL\)\)/);
    expect(out[4]?.[0]).toBe('Subject: Réunion à l’école\r\n\r\n');
    expect(out[4]?.[1]).toMatch(/^Les élèves partent à 8 h\.\r\n/);
    expect(out[5]).toEqual(['1']);
    expect(out[6]).toEqual(['1 2']);
    expect(out[7]).toEqual(['2 (UID 2 FLAGS (\\Seen \\Deleted))']);
    expect(out[8]).toEqual(['2']);
    expect(out[9]).toEqual(['INBOX (MESSAGES 1 UNSEEN 1 UIDNEXT 3)']);
    expect(out[10]).toEqual(['BYE']);
  });

  it('appends a sent message, manages folders, copies and moves with UIDPLUS answers', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'À classer', 'Compte rendu');
    const out = await imaplib(`
M.login('sdupont', '${PASSWORD}')
msg = 'From: sylvie.dupont@ac-test.fr\\r\\nTo: jean.martin@ac-test.fr\\r\\nSubject: Envoyé\\r\\n\\r\\nBonjour Jean\\r\\n'.encode()
out(*M.append('Sent', '(\\\\Seen $Forwarded)', '"25-Nov-2026 10:30:00 +0100"', msg))
out(*M.select('Sent')[1])
out(*M.fetch('1', '(FLAGS INTERNALDATE)')[1])
out(M.create('Projets/2026')[0], M.create('Projets/2026')[0])
out(M.rename('Projets/2026', 'Archives-projets/2026')[0])
typ, boxes = M.list('""', 'Archives-projets*')
out(*boxes)
out(M.subscribe('Archives-projets/2026')[0])
typ, boxes = M.lsub('""', 'Archives*')
out(*boxes)
M.select('INBOX')
typ, data = M._simple_command('UID', 'COPY', '1', 'Archives-projets/2026')
out(typ, *data)
typ, data = M._simple_command('MOVE', '1', 'Archives-projets/2026')
out(typ, *M.untagged_responses.get('EXPUNGE', []), *M.untagged_responses.get('OK', []))
out(*M.status('INBOX', '(MESSAGES)')[1])
out(*M.status('Archives-projets/2026', '(MESSAGES)')[1])
out(M.delete('Archives-projets/2026')[0], M.delete('Trash')[0], M.delete('Nulle-part')[0])
out(M.append('Nulle-part', None, None, msg)[0])
`);
    expect(out[0]?.[0]).toBe('OK');
    expect(out[0]?.[1]).toEqual([expect.stringMatching(/^\[APPENDUID \d+ 1\] APPEND completed$/)]);
    expect(out[1]).toEqual(['1']);
    expect(out[2]).toEqual(['1 (FLAGS (\\Seen $Forwarded) INTERNALDATE "25-Nov-2026 09:30:00 +0000")']);
    expect(out[3]).toEqual(['OK', 'NO']);
    expect(out[4]).toEqual(['OK']);
    expect(out[5]).toEqual([
      '(\\HasChildren) "/" Archives-projets',
      '(\\HasNoChildren) "/" Archives-projets/2026',
    ]);
    expect(out[7]).toEqual([
      '(\\HasChildren) "/" Archives-projets',
      '(\\HasNoChildren) "/" Archives-projets/2026',
    ]);
    expect(out[8]?.[0]).toBe('OK');
    expect(out[8]?.[1]).toMatch(/^\[COPYUID \d+ 1 1\] UID COPY completed$/);
    // MOVE: the COPYUID status, then the EXPUNGE of the moved message.
    expect(out[9]).toEqual(['OK', '1', expect.stringMatching(/^\[COPYUID \d+ 1 1\] Moved$/)]);
    expect(out[10]).toEqual(['INBOX (MESSAGES 0)']);
    expect(out[11]).toEqual(['Archives-projets/2026 (MESSAGES 1)']);
    expect(out[12]).toEqual(['OK', 'NO', 'NO']);
    expect(out[13]).toEqual(['NO']);
  });

  it('refuses a password in clear text, and accepts it after STARTTLS', async () => {
    const out = await imaplib(
      `
out(*M.capabilities)
try:
    M.login('sdupont', '${PASSWORD}')
except imaplib.IMAP4.error as e:
    out('refused', str(e))
M.starttls(ssl_context=ctx)
out(M.login('sdupont', '${PASSWORD}')[0])
out(*M.select('INBOX', readonly=True)[1])
`,
      { starttls: true },
    );
    expect(out[0]).toContain('STARTTLS');
    expect(out[0]).toContain('LOGINDISABLED');
    expect(out[1]?.[0]).toBe('refused');
    expect(out[2]).toEqual(['OK']);
    expect(out[3]).toEqual(['0']);
  });

  it('marks a message seen when its body is fetched without PEEK', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Lu ?', 'Texte');
    const out = await imaplib(`
M.login('sdupont', '${PASSWORD}')
M.select('INBOX')
typ, data = M.fetch('1', '(BODY[TEXT])')
out(data[0][0], data[1])
out(*M.fetch('1', '(FLAGS)')[1])
`);
    expect(out[0]?.[0]).toMatch(/^1 \(BODY\[TEXT\] \{\d+\}$/);
    expect(out[0]?.[1]).toBe(' FLAGS (\\Seen))');
    expect(out[1]).toEqual(['1 (FLAGS (\\Seen))']);
  });
});

describe('IMAP with curl', () => {
  it('fetches a message by UID over imaps://, byte for byte as stored', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Par curl', 'Corps du message');
    const url = `imaps://127.0.0.1:${t.server.imapsPort}/INBOX;UID=1`;
    const r = await run('curl', ['-sS', '-k', '--url', url, '--user', `sdupont:${PASSWORD}`]);
    expect(r.stderr).toBe('');
    const { ctx } = t.server.facteur;
    const stored = await ctx.db.selectFrom('messages').select('blob_id').executeTakeFirstOrThrow();
    expect(r.stdout).toBe((await readMessageBytes(ctx, stored.blob_id)).toString('utf8'));
    expect(r.stdout).toContain('Subject: Par curl\r\n');
    const listing = await run('curl', [
      '-sS',
      '-k',
      '--url',
      `imaps://127.0.0.1:${t.server.imapsPort}/`,
      '--user',
      `sdupont:${PASSWORD}`,
    ]);
    expect(listing.stdout).toContain('"/" INBOX');
  });
});

describe('IMAP sessions', () => {
  it('tells an IDLE session of new mail, and of flags and expunges made by another session', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Premier', 'Un');
    const watcher = await session('sdupont');
    const actor = await session('sylvie.dupont@ac-test.fr');
    expect(await watcher.command('SELECT INBOX')).toMatch(/^\* 1 EXISTS\r\n/m);
    expect(await actor.command('SELECT INBOX')).toMatch(/OK \[READ-WRITE\]/);

    watcher.send('I1 IDLE\r\n');
    await watcher.waitFor(/^\+ idling\r\n/m);
    await deliver('sylvie.dupont@ac-test.fr', 'Deuxième', 'Deux');
    await watcher.waitFor(/^\* 2 EXISTS\r\n/m);

    expect(await actor.command('STORE 1 +FLAGS (\\Flagged)')).toMatch(
      /^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\)\)/m,
    );
    await watcher.waitFor(/^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\)\)\r\n/m);

    expect(await actor.command('STORE 1 +FLAGS.SILENT (\\Deleted)')).not.toMatch(/FETCH/);
    expect(await actor.command('EXPUNGE')).toMatch(/^\* 1 EXPUNGE\r\n/m);
    await watcher.waitFor(/^\* 1 EXPUNGE\r\n/m);

    watcher.send('DONE\r\n');
    await watcher.waitFor(/^I1 OK IDLE terminated\r\n/m);
    watcher.take();
    const fetched = await watcher.command('FETCH 1 (UID ENVELOPE)');
    // The subject was sent as raw UTF-8, so it travels as a literal to this non-UTF-8 session.
    expect(fetched).toMatch(/^\* 1 FETCH \(UID 2 ENVELOPE \("[^"]+" \{9\}\r\nDeuxième /m);
  });

  it('holds back expunges during FETCH and reports them at the next NOOP', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'A', 'a');
    await deliver('sylvie.dupont@ac-test.fr', 'B', 'b');
    const reader = await session('sdupont');
    const actor = await session('sdupont');
    await reader.command('SELECT INBOX');
    await actor.command('SELECT INBOX');
    await actor.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await actor.command('EXPUNGE');
    // Sequence numbers must not move under the client during FETCH: message 2 is still 2.
    const during = await reader.command('FETCH 2 (UID)');
    expect(during).not.toMatch(/EXPUNGE/);
    expect(during).toMatch(/^\* 2 FETCH \(UID 2\)/m);
    expect(await reader.command('NOOP')).toMatch(/^\* 1 EXPUNGE\r\n/m);
    expect(await reader.command('FETCH 1 (UID)')).toMatch(/^\* 1 FETCH \(UID 2\)/m);
  });

  it('answers every FETCH item asked alone, and only the messages of the set, dense or sparse', async () => {
    for (const n of [1, 2, 3, 4]) await deliver('sylvie.dupont@ac-test.fr', `Note ${n}`, `corps ${n}`);
    const client = await session('sdupont');
    await client.command('EXAMINE INBOX');
    // Each item on its own must bring its data (not an empty FETCH): RFC822.HEADER and RFC822.TEXT
    // need the stored structure although no BODY item asks for it.
    const alone: [string, RegExp][] = [
      [
        'RFC822.HEADER',
        /^\* 2 FETCH \(RFC822\.HEADER \{\d+\}\r\n[\s\S]*\r\nSubject: Note 2\r\n[\s\S]*\r\n\r\n\)\r\n/m,
      ],
      ['RFC822.TEXT', /^\* 2 FETCH \(RFC822\.TEXT \{\d+\}\r\ncorps 2/m],
      ['ENVELOPE', /^\* 2 FETCH \(ENVELOPE \("[^"]+" "Note 2" \(\(NIL NIL "parent" "example\.org"\)\)/m],
      ['BODYSTRUCTURE', /^\* 2 FETCH \(BODYSTRUCTURE \("TEXT" "PLAIN" /m],
      [
        'BODY.PEEK[HEADER.FIELDS (SUBJECT)]',
        /^\* 2 FETCH \(BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: Note 2\r\n\r\n\)/m,
      ],
      ['BINARY.SIZE[1]', /^\* 2 FETCH \(BINARY\.SIZE\[1\] \d+\)/m],
    ];
    for (const [item, expected] of alone) expect(await client.command(`FETCH 2 ${item}`)).toMatch(expected);
    const subjects = (answer: string) =>
      [...answer.matchAll(/^\* (\d+) FETCH \(UID (\d+) ENVELOPE \("[^"]*" "([^"]+)"/gm)].map(
        (m) => `${m[1]}:${m[2]}:${m[3]}`,
      );
    expect(subjects(await client.command('FETCH 1:4 (UID ENVELOPE)'))).toEqual([
      '1:1:Note 1',
      '2:2:Note 2',
      '3:3:Note 3',
      '4:4:Note 4',
    ]);
    expect(subjects(await client.command('FETCH 4,1,3 (UID ENVELOPE)'))).toEqual([
      '1:1:Note 1',
      '3:3:Note 3',
      '4:4:Note 4',
    ]);
    expect(subjects(await client.command('UID FETCH 1,4 (UID ENVELOPE)'))).toEqual([
      '1:1:Note 1',
      '4:4:Note 4',
    ]);
    expect(subjects(await client.command('UID FETCH 2:* (UID ENVELOPE)'))).toEqual([
      '2:2:Note 2',
      '3:3:Note 3',
      '4:4:Note 4',
    ]);
  });

  it('supports CONDSTORE: HIGHESTMODSEQ, FETCH MODSEQ and CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Un', 'un');
    await deliver('sylvie.dupont@ac-test.fr', 'Deux', 'deux');
    const client = await session('sdupont');
    const selected = await client.command('SELECT INBOX (CONDSTORE)');
    const highest = Number(/\[HIGHESTMODSEQ (\d+)\]/.exec(selected)?.[1]);
    expect(highest).toBeGreaterThan(1);
    const modseqs = await client.command('FETCH 1:2 (MODSEQ)');
    const second = Number(/^\* 2 FETCH \(MODSEQ \((\d+)\)\)/m.exec(modseqs)?.[1]);
    expect(second).toBe(highest);
    expect(await client.command(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest})`)).not.toMatch(/FETCH \(/);
    const stored = await client.command(`STORE 1 (UNCHANGEDSINCE ${highest}) +FLAGS (\\Seen)`);
    const newModseq = Number(/^\* 1 FETCH \(UID 1 FLAGS \(\\Seen\) MODSEQ \((\d+)\)\)/m.exec(stored)?.[1]);
    expect(newModseq).toBeGreaterThan(highest);
    // Message 1 changed after `highest`: a conditional store based on the old value is refused.
    expect(await client.command(`STORE 1 (UNCHANGEDSINCE ${highest}) +FLAGS (\\Flagged)`)).toMatch(
      /^T\d+ OK \[MODIFIED 1\]/m,
    );
    expect(await client.command(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest})`)).toMatch(
      new RegExp(`^\\* 1 FETCH \\(FLAGS \\(\\\\Seen\\) MODSEQ \\(${newModseq}\\)\\)`, 'm'),
    );
    expect(await client.command(`SEARCH MODSEQ ${highest + 1}`)).toMatch(
      new RegExp(`^\\* SEARCH 1 \\(MODSEQ ${newModseq}\\)\\r\\n`, 'm'),
    );
    expect(await client.command('STATUS INBOX (HIGHESTMODSEQ)')).toMatch(
      new RegExp(`HIGHESTMODSEQ ${newModseq}\\)`),
    );
  });

  it('supports QRESYNC: resynchronising SELECT, VANISHED instead of EXPUNGE, UID FETCH VANISHED', async () => {
    for (const subject of ['A', 'B', 'C']) await deliver('sylvie.dupont@ac-test.fr', subject, subject);
    const client = await session('sdupont');
    expect(await client.command('ENABLE QRESYNC')).toMatch(/^\* ENABLED CONDSTORE QRESYNC\r\n/m);
    const first = await client.command('SELECT INBOX');
    const validity = Number(/\[UIDVALIDITY (\d+)\]/.exec(first)?.[1]);
    const known = Number(/\[HIGHESTMODSEQ (\d+)\]/.exec(first)?.[1]);
    await client.command('UNSELECT');

    // Another client, offline from this one's point of view, flags 1 and expunges 2.
    const other = await session('sdupont');
    await other.command('SELECT INBOX');
    await other.command('STORE 1 +FLAGS (\\Flagged)');
    await other.command('STORE 2 +FLAGS (\\Deleted)');
    expect(await other.command('EXPUNGE')).toMatch(/^\* 2 EXPUNGE/m);

    const resync = await client.command(`SELECT INBOX (QRESYNC (${validity} ${known} 1:3))`);
    expect(resync).toMatch(/^\* VANISHED \(EARLIER\) 2\r\n/m);
    expect(resync).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)\r\n/m);
    expect(resync).not.toMatch(/FETCH \(UID 3 /);
    expect(await client.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${known} VANISHED)`)).toMatch(
      /^\* VANISHED \(EARLIER\) 2\r\n/m,
    );
    // Under QRESYNC an expunge is announced as VANISHED, by UID.
    await client.command('STORE 2 +FLAGS.SILENT (\\Deleted)');
    const expunged = await client.command('EXPUNGE');
    expect(expunged).toMatch(/^\* VANISHED 3\r\n/m);
    expect(expunged).not.toMatch(/EXPUNGE\r\n/);
  });

  it('answers ESEARCH and saves results for $ (SEARCHRES)', async () => {
    for (const subject of ['Sortie', 'Menu', 'Sortie bis', 'Conseil'])
      await deliver('sylvie.dupont@ac-test.fr', subject, 'x');
    const client = await session('sdupont');
    await client.command('SELECT INBOX');
    expect(await client.command('SEARCH RETURN (MIN MAX COUNT) SUBJECT sortie')).toMatch(
      /^\* ESEARCH \(TAG "T\d+"\) MIN 1 MAX 3 COUNT 2\r\n/m,
    );
    expect(await client.command('UID SEARCH RETURN () ALL')).toMatch(
      /^\* ESEARCH \(TAG "T\d+"\) UID ALL 1:4\r\n/m,
    );
    expect(await client.command('SEARCH RETURN (COUNT) SUBJECT absent')).toMatch(
      /ESEARCH \(TAG "T\d+"\) COUNT 0\r\n/,
    );
    const saved = await client.command('UID SEARCH RETURN (SAVE) SUBJECT sortie');
    expect(saved).not.toMatch(/ESEARCH/);
    expect(await client.command('UID STORE $ +FLAGS.SILENT (\\Flagged)')).toMatch(/OK/);
    expect(await client.command('FETCH $ (FLAGS)')).toMatch(
      /^\* 1 FETCH \(FLAGS \(\\Flagged\)\)\r\n\* 3 FETCH \(FLAGS \(\\Flagged\)\)\r\n/m,
    );
  });

  it('reports the account quota (QUOTA) and refuses to change it', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Pièce jointe', 'x'.repeat(5000));
    const client = await session('sdupont');
    const answer = await client.command('GETQUOTAROOT INBOX');
    expect(answer).toMatch(/^\* QUOTAROOT INBOX ""\r\n/m);
    const [, used, limit] = /^\* QUOTA "" \(STORAGE (\d+) (\d+)\)\r\n/m.exec(answer) ?? [];
    expect(Number(used)).toBeGreaterThanOrEqual(5);
    expect(Number(limit)).toBeGreaterThan(Number(used));
    expect(await client.command('GETQUOTA ""')).toMatch(/^\* QUOTA "" \(STORAGE /m);
    expect(await client.command('SETQUOTA "" (STORAGE 1)')).toMatch(/NO \[NOPERM\]/);
  });

  it('gives stable object ids (OBJECTID): MAILBOXID, EMAILID, THREADID, kept across MOVE', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Objet', 'x');
    const client = await session('sdupont');
    const selected = await client.command('SELECT INBOX');
    const mailboxId = /\[MAILBOXID \(([\w-]+)\)\]/.exec(selected)?.[1];
    expect(mailboxId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.command('STATUS INBOX (MAILBOXID)')).toContain(`MAILBOXID (${mailboxId})`);
    expect(await client.command('CREATE Dossier')).toMatch(/OK \[MAILBOXID \([\w-]+\)\]/);
    const ids = await client.command('FETCH 1 (EMAILID THREADID)');
    const [, emailId, threadId] = /EMAILID \(([\w-]+)\) THREADID \(([\w-]+)\)/.exec(ids) ?? [];
    expect(await client.command(`SEARCH EMAILID ${emailId}`)).toMatch(/^\* SEARCH 1\r\n/m);
    await client.command('MOVE 1 Dossier');
    await client.command('SELECT Dossier');
    expect(await client.command('FETCH 1 (EMAILID THREADID)')).toContain(
      `EMAILID (${emailId}) THREADID (${threadId})`,
    );
  });

  it('sorts (SORT, UID SORT) by subject, sender, size and date, with REVERSE and a search program', async () => {
    const send = (from: string, subject: string, date: string, body: string) =>
      deliver('sylvie.dupont@ac-test.fr', subject, body, ['--from', from, '--header', `Date: ${date}`]);
    await send('zoe@example.org', 'Re: Budget', 'Mon, 23 Nov 2026 10:00:00 +0100', 'court');
    await send(
      'alain@example.org',
      'Agenda',
      'Wed, 25 Nov 2026 10:00:00 +0100',
      'un message bien plus long que les autres',
    );
    await send('marc@example.org', 'Cantine', 'Tue, 24 Nov 2026 10:00:00 +0100', 'moyen texte');
    const client = await session('sdupont');
    await client.command('SELECT INBOX');
    expect(await client.command('SORT (SUBJECT) UTF-8 ALL')).toMatch(/^\* SORT 2 1 3\r\n/m);
    expect(await client.command('SORT (FROM) UTF-8 ALL')).toMatch(/^\* SORT 2 3 1\r\n/m);
    expect(await client.command('SORT (DATE) UTF-8 ALL')).toMatch(/^\* SORT 1 3 2\r\n/m);
    expect(await client.command('SORT (REVERSE DATE) UTF-8 ALL')).toMatch(/^\* SORT 2 3 1\r\n/m);
    expect(await client.command('UID SORT (REVERSE SIZE) UTF-8 NOT FROM zoe')).toMatch(/^\* SORT 2 3\r\n/m);
    expect(await client.command('SORT (SUBJECT) ISO-2022-JP ALL')).toMatch(/NO \[BADCHARSET/);
  });

  it('threads (THREAD REFERENCES, ORDEREDSUBJECT, UID THREAD) from the headers of delivered mail', async () => {
    const send = (subject: string, date: string, headers: string[]) =>
      deliver('sylvie.dupont@ac-test.fr', subject, 'texte', [
        '--header',
        `Date: ${date}`,
        ...headers.flatMap((h) => ['--header', h]),
      ]);
    await send('Sortie au musée', 'Mon, 23 Nov 2026 09:00:00 +0100', ['Message-Id: <sortie@ac-test.fr>']);
    await send('Cantine', 'Mon, 23 Nov 2026 10:00:00 +0100', ['Message-Id: <cantine@ac-test.fr>']);
    await send('Re: Sortie au musée', 'Tue, 24 Nov 2026 09:00:00 +0100', [
      'Message-Id: <r1@ac-test.fr>',
      'In-Reply-To: <sortie@ac-test.fr>',
      'References: <sortie@ac-test.fr>',
    ]);
    await send('Re: Sortie au musée', 'Mon, 23 Nov 2026 18:00:00 +0100', [
      'Message-Id: <r2@ac-test.fr>',
      'References: <sortie@ac-test.fr>',
    ]);
    await send('Re: Re: Sortie au musée', 'Wed, 25 Nov 2026 09:00:00 +0100', [
      'Message-Id: <r3@ac-test.fr>',
      'References: <sortie@ac-test.fr> <r1@ac-test.fr>',
    ]);
    // A reply to a message this mailbox never received, and a subject-only reply.
    await send('Re: Conseil', 'Wed, 25 Nov 2026 10:00:00 +0100', ['References: <ailleurs@example.org>']);
    await send('Re: Cantine', 'Wed, 25 Nov 2026 11:00:00 +0100', []);
    const client = await session('sdupont');
    await client.command('SELECT INBOX');
    expect(await client.command('THREAD REFERENCES UTF-8 ALL')).toMatch(
      /^\* THREAD \(1 \(4\)\(3 5\)\)\(2 7\)\(6\)\r\n/m,
    );
    expect(await client.command('THREAD ORDEREDSUBJECT UTF-8 ALL')).toMatch(
      /^\* THREAD \(1 \(4\)\(3\)\(5\)\)\(2 7\)\(6\)\r\n/m,
    );
    const uids = /^\* THREAD (.*)\r\n/m.exec(
      await client.command('UID THREAD REFERENCES UTF-8 SUBJECT cantine'),
    );
    expect(uids?.[1]).toBe('(2 7)');
    expect(await client.command('THREAD REFERENCES UTF-8 SUBJECT inexistant')).toMatch(/^\* THREAD\r\n/m);
    expect(await client.command('THREAD SURPRISE UTF-8 ALL')).toMatch(/^T\d+ BAD /m);
    expect(await client.command('CAPABILITY')).toMatch(
      /THREAD=REFERENCES THREAD=ORDEREDSUBJECT|THREAD=ORDEREDSUBJECT THREAD=REFERENCES/,
    );
  });

  it("searches by sent date in the sender's zone (SENT*) and by header field (HEADER)", async () => {
    const send = (subject: string, date: string, headers: string[]) =>
      deliver('sylvie.dupont@ac-test.fr', subject, 'texte', [
        '--header',
        `Date: ${date}`,
        ...headers.flatMap((h) => ['--header', h]),
      ]);
    // Late evening in Martinique is already the next day in UTC: SENTON must say the 23rd.
    await send('Depuis Fort-de-France', 'Mon, 23 Nov 2026 22:30:00 -0400', [
      'Message-Id: <martinique@ac-test.fr>',
      'X-Priorite: =?UTF-8?Q?tr=C3=A8s_haute?=',
    ]);
    await send('Depuis Paris', 'Tue, 24 Nov 2026 08:00:00 +0100', ['References: <martinique@ac-test.fr>']);
    await send('Sans date lisible', 'pas une date', []);
    const client = await session('sdupont');
    await client.command('SELECT INBOX');
    const today = new Date().toUTCString().slice(5, 16).replace(/ /g, '-');
    expect(await client.command('SEARCH SENTON 23-Nov-2026')).toMatch(/^\* SEARCH 1\r\n/m);
    expect(await client.command('SEARCH SENTBEFORE 24-Nov-2026')).toMatch(/^\* SEARCH 1\r\n/m);
    expect(await client.command('SEARCH SENTSINCE 24-Nov-2026')).toMatch(/^\* SEARCH 2 3\r\n/m);
    // Unreadable Date header: the internal date (today) stands in.
    expect(await client.command(`SEARCH SENTON ${today}`)).toMatch(/^\* SEARCH 3\r\n/m);
    expect(await client.command('SEARCH HEADER Message-ID <martinique@ac-test.fr>')).toMatch(
      /^\* SEARCH 1\r\n/m,
    );
    expect(await client.command('SEARCH HEADER References martinique')).toMatch(/^\* SEARCH 2\r\n/m);
    expect(await client.command('SEARCH HEADER X-Priorite "TRÈS HAUTE"')).toMatch(/^\* SEARCH 1\r\n/m);
    expect(await client.command('SEARCH HEADER X-Priorite ""')).toMatch(/^\* SEARCH 1\r\n/m);
    expect(await client.command('SEARCH NOT HEADER Subject Paris')).toMatch(/^\* SEARCH 1 3\r\n/m);
    expect(await client.command('SEARCH HEADER "Bad:Name" x')).toMatch(/^T\d+ BAD /m);
  });

  it('speaks IMAP4rev2 once enabled, and decodes parts with BINARY (literal8 when the bytes hold a NUL)', async () => {
    const client = await session('sdupont');
    expect(await client.command('CAPABILITY')).toMatch(/ IMAP4rev2 .*BINARY/);
    expect(await client.command('ENABLE IMAP4rev2')).toMatch(/^\* ENABLED IMAP4rev2\r\n/m);
    const secret = Buffer.from([0x00, 0x01, 0x41, 0x7f, 0x0a, 0x00, 0x42]);
    const message = [
      'From: parent@example.org',
      'To: sylvie.dupont@ac-test.fr',
      'Subject: Pièces',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=C3=A9 =3D bon',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      secret.toString('base64'),
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: x-uuencode',
      '',
      'begin 644 x',
      '--b--',
      '',
    ].join('\r\n');
    const bytes = Buffer.from(message, 'utf8');
    // APPEND with a literal8 (RFC 3516 §4.4).
    client.send(`A1 APPEND INBOX ~{${bytes.length}+}\r\n`);
    client.send(bytes);
    client.send('\r\n');
    expect(await client.waitFor(/^A1 (OK|NO|BAD).*\r\n/m)).toMatch(/^A1 OK \[APPENDUID \d+ 1\]/);
    client.take();
    const selected = await client.command('SELECT INBOX');
    expect(selected).toMatch(/^\* LIST \(\) "\/" INBOX\r\n/m);
    expect(selected).not.toMatch(/RECENT|UNSEEN/);
    expect(await client.command('SEARCH ALL')).toMatch(/^\* ESEARCH \(TAG "T\d+"\) ALL 1\r\n/m);
    expect(await client.command('UID SEARCH SUBJECT absent')).toMatch(/^\* ESEARCH \(TAG "T\d+"\) UID\r\n/m);

    const text = await client.command('FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[2])');
    expect(text).toContain('BINARY[1] {11}\r\nCafé = bon');
    expect(text).toContain(`BINARY.SIZE[2] ${secret.length}`);
    const binary = await client.command('FETCH 1 (BINARY.PEEK[2])');
    expect(binary).toContain(`BINARY[2] ~{${secret.length}}\r\n${secret.toString('latin1')})`);
    expect(await client.command('FETCH 1 (BINARY.PEEK[2]<2.3>)')).toContain('BINARY[2]<2> {3}\r\nA\x7f\n)');
    expect(await client.command('FETCH 1 (FLAGS)')).toContain('FLAGS ()');
    expect(await client.command('FETCH 1 (BINARY.PEEK[3])')).toMatch(/^T\d+ NO \[UNKNOWN-CTE\]/m);
    expect(await client.command('FETCH 1 (BINARY.PEEK[1.HEADER])')).toMatch(/^T\d+ BAD /m);
    // BINARY without PEEK marks the message read.
    expect(await client.command('FETCH 1 (BINARY[1])')).toMatch(/FLAGS \(\\Seen\)/);
    await client.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    expect(await client.command('STATUS INBOX (MESSAGES DELETED SIZE)')).toMatch(
      new RegExp(`^\\* STATUS INBOX \\(MESSAGES 1 DELETED 1 SIZE ${bytes.length}\\)`, 'm'),
    );
    expect(await client.command('CREATE Brouillons2 (USE (\\Drafts))')).toMatch(/^T\d+ NO \[USEATTR\]/m);
    expect(await client.command('CREATE Tout (USE (\\All))')).toMatch(/^T\d+ NO \[USEATTR\]/m);
    expect(await client.command('LIST "" Tout')).not.toMatch(/^\* LIST/m);
  });

  it('compresses a session with COMPRESS=DEFLATE: large fetch, IDLE push and logout all arrive whole', async () => {
    const body = 'Compte rendu du conseil pédagogique. '.repeat(3000);
    await deliver('sylvie.dupont@ac-test.fr', 'Compte rendu', body);
    const socket = tlsConnect({ host: '127.0.0.1', port: t.server.imapsPort, rejectUnauthorized: false });
    let plain = '';
    let compressedIn = 0;
    const inflate = createInflateRaw();
    const deflate = createDeflateRaw();
    let compressed = false;
    socket.on('data', (chunk: Buffer) => {
      if (compressed) {
        compressedIn += chunk.length;
        inflate.write(chunk);
      } else plain += chunk.toString('latin1');
    });
    inflate.on('data', (chunk: Buffer) => {
      plain += chunk.toString('latin1');
    });
    deflate.on('data', (chunk: Buffer) => socket.write(chunk));
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(plain)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${plain.slice(-300)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const send = (line: string) => {
      if (compressed) {
        deflate.write(line);
        deflate.flush(zlibConstants.Z_SYNC_FLUSH);
      } else socket.write(line);
    };
    await until(/^\* OK/m);
    send(`a LOGIN sdupont "${PASSWORD}"\r\n`);
    await until(/^a OK/m);
    send('b COMPRESS DEFLATE\r\n');
    await until(/^b OK/m);
    compressed = true;
    send('c COMPRESS DEFLATE\r\n');
    await until(/^c NO \[COMPRESSIONACTIVE\]/m);
    send('d SELECT INBOX\r\n');
    await until(/^d OK/m);
    const before = plain.length;
    send('e FETCH 1 BODY.PEEK[TEXT]\r\n');
    await until(/^e OK/m);
    const fetched = plain.slice(before);
    expect(fetched).toContain(Buffer.from(body.slice(0, 200), 'utf8').toString('latin1'));
    // French prose repeated: the wire carries a small fraction of the text.
    expect(compressedIn).toBeLessThan(fetched.length / 10);
    send('f IDLE\r\n');
    await until(/^\+ /m);
    await deliver('sylvie.dupont@ac-test.fr', 'Pendant IDLE', 'nouveau');
    await until(/^\* 2 EXISTS/m);
    send('DONE\r\n');
    await until(/^f OK/m);
    send('g LOGOUT\r\n');
    await until(/^g OK/m);
    expect(plain).toMatch(/^\* BYE/m);
    socket.destroy();
  });

  it('finds a rare word by its few hits as it finds a common one by scanning: same answers', async () => {
    const bodies = [
      'licorne bleue',
      'cheval',
      'cheval',
      'Licorne rose',
      'cheval',
      'cheval',
      'cheval',
      'cheval',
    ];
    for (const [i, body] of bodies.entries())
      await deliver('sylvie.dupont@ac-test.fr', `Message ${i + 1}`, body);
    const client = await session('sdupont');
    await client.command('CREATE Archives');
    await client.command('SELECT INBOX');
    await client.command('COPY 1 Archives'); // the same word in another mailbox must not count here
    const search = async (keys: string) =>
      /^\* SEARCH(.*)\r\n/m.exec(await client.command(`SEARCH ${keys}`))?.[1];
    // 2 hits out of 8: mapped one by one; OR defeats that path and scans the mailbox: both agree.
    expect(await search('TEXT licorne')).toBe(' 1 4');
    expect(await search('OR TEXT licorne TEXT licorne')).toBe(' 1 4');
    expect(await search('TEXT licorne 2:8')).toBe(' 4');
    expect(await search('TEXT licorne TEXT bleue')).toBe(' 1');
    expect(await search('TEXT cheval')).toBe(' 2 3 5 6 7 8');
    expect(await search('TEXT licorne NOT TEXT rose')).toBe(' 1');
    expect(await search('TEXT absent')).toBe('');
    // An expunge done elsewhere is held back during SEARCH: the message matches nothing meanwhile.
    const other = await session('sdupont');
    await other.command('SELECT INBOX');
    await other.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await other.command('EXPUNGE');
    expect(await search('TEXT licorne')).toBe(' 4');
    expect(await search('OR TEXT licorne TEXT licorne')).toBe(' 4');
  });

  it('keeps accounts apart: a user sees and searches only their own mail', async () => {
    await deliver('sylvie.dupont@ac-test.fr', 'Confidentiel', 'Bulletin de notes');
    const jean = await session('jmartin');
    const selected = await jean.command('SELECT INBOX');
    expect(selected).toMatch(/^\* 0 EXISTS\r\n/m);
    expect(await jean.command('SEARCH TEXT bulletin')).toMatch(/^\* SEARCH\r\n/m);
    expect(await jean.command('STATUS INBOX (MESSAGES)')).toMatch(/MESSAGES 0/);
  });

  it('answers bad input with BAD and keeps the session usable', async () => {
    const client = await session('sdupont');
    expect(await client.command('FROBNICATE')).toMatch(/^T\d+ BAD /m);
    expect(await client.command('FETCH 1 (FLAGS)')).toMatch(/^T\d+ BAD /m);
    expect(await client.command('SELECT "unterminated')).toMatch(/^T\d+ BAD /m);
    expect(await client.command('SELECT Nulle-part')).toMatch(/^T\d+ NO \[NONEXISTENT\]/m);
    client.send('T90 APPEND INBOX {99999999999}\r\n');
    await client.waitFor(/^T90 (NO|BAD) /m);
    client.take();
    client.send(`T91 LOGIN ${'x'.repeat(70_000)}\r\n`);
    await client.waitFor(/^T91 BAD /m);
    client.take();
    expect(await client.command('SELECT INBOX')).toMatch(/OK \[READ-WRITE\]/);
  });

  it('refuses wrong passwords, then locks the account after five failures', async () => {
    const client = await session('', { tls: true });
    const wrong = 'LOGIN sdupont "mauvais-mot-de-passe"';
    for (let i = 0; i < 4; i++) expect(await client.command(wrong)).toMatch(/NO \[AUTHENTICATIONFAILED\]/);
    // The fifth failure locks the account; from then on even the right password is turned away.
    expect(await client.command(wrong)).toMatch(/NO \[UNAVAILABLE\]/);
    expect(await client.command(`LOGIN sdupont "${PASSWORD}"`)).toMatch(/NO \[UNAVAILABLE\]/);
  });

  it('authenticates with AUTHENTICATE PLAIN, with and without an initial response', async () => {
    const token = Buffer.from(`\0sdupont\0${PASSWORD}`).toString('base64');
    const first = await session('');
    expect(await first.command(`AUTHENTICATE PLAIN ${token}`)).toMatch(/^T\d+ OK \[CAPABILITY /m);
    const second = await session('');
    second.send('A1 AUTHENTICATE PLAIN\r\n');
    await second.waitFor(/^\+ ?\r\n/m);
    second.send(`${token}\r\n`);
    await second.waitFor(/^A1 OK /m);
  });
});
