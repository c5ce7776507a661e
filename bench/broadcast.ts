/**
 * Broadcast: one 100 KiB message to 10 000 local recipients over SMTP (Facteur accepts at most 1 000
 * recipients per transaction: 10 transactions, one after the other on one connection), measuring the
 * time until all are acknowledged (250 = stored, counted and indexed for every recipient) and the
 * bytes added on disk in the data directory: blobs, and the SQLite database (facteur.db with its -wal
 * and -shm while the server runs; facteur.db alone after it stops, which checkpoints the WAL).
 * Compared with "10 000 × 100 KiB", what one copy per mailbox would cost, to show single-instance
 * storage. Per-table database growth comes from SQLite's dbstat.
 * The 10 000 accounts are created in-process (bench/accounts.ts: openFacteur + createAccount,
 * argon2 at 1 MiB / 1 pass) before the server starts on the same data directory.
 *
 * Run after `npm run build:server`:  npx tsx bench/broadcast.ts [recipients=10000] [messageKiB=100]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createBenchAccounts } from './accounts.js';
import {
  diskUsage,
  loadCorpusMessages,
  MiB,
  rssSampler,
  spawnOfflineServer,
  waitForQuietCpu,
} from './lib.js';
import { LoadClient, wireData } from './smtp-load.js';

const RECIPIENTS = Number(process.argv[2] ?? 10_000);
const MESSAGE_BYTES = Number(process.argv[3] ?? 100) * 1024;
const PER_TRANSACTION = 1000; // MAX_RECIPIENTS in src/protocols/smtp/mx-server.ts
const DOMAIN = 'ac-test.fr';
const benchStarted = performance.now();

const message = await buildMessage(MESSAGE_BYTES);
const root = mkdtempSync(join(tmpdir(), 'facteur-broadcast-'));
const dataDir = join(root, 'data');
let server: Awaited<ReturnType<typeof spawnOfflineServer>> | undefined;
process.once('SIGINT', () => {
  (server?.stop() ?? Promise.resolve()).finally(() => {
    rmSync(root, { recursive: true, force: true });
    process.exit(130);
  });
});

const fmt = (bytes: number) =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;

try {
  console.log(
    `Broadcast: one ${(message.length / 1024).toFixed(1)} KiB message (text + PDF-like attachment) to ${RECIPIENTS} local recipients over SMTP, ${Math.ceil(RECIPIENTS / PER_TRANSACTION)} transactions of ≤ ${PER_TRANSACTION} RCPT, one connection\n`,
  );
  const accounts = await createBenchAccounts({
    dataDir,
    domain: DOMAIN,
    count: RECIPIENTS,
    concurrency: 4,
  });
  console.log(
    `accounts: ${RECIPIENTS} created in-process in ${(accounts.ms / 1000).toFixed(1)} s (${(RECIPIENTS / (accounts.ms / 1000)).toFixed(0)}/s; argon2 1 MiB, 1 pass)`,
  );

  server = await spawnOfflineServer({ FACTEUR_DOMAIN: DOMAIN }, dataDir);
  const rss = rssSampler(server.child.pid as number);
  const before = measure(dataDir);
  const tablesBefore = tableSizes(join(dataDir, 'facteur.db'));
  await waitForQuietCpu();

  const client = await LoadClient.open(server.smtpPort);
  const data = wireData(message);
  const perTransaction: number[] = [];
  const started = performance.now();
  for (let first = 0; first < RECIPIENTS; first += PER_TRANSACTION) {
    const t0 = performance.now();
    const reply = await client.send(
      'communication@example.org',
      accounts.addresses.slice(first, first + PER_TRANSACTION),
      data,
    );
    if (reply.code !== 250) throw new Error(`transaction refused: ${reply.code} ${reply.text}`);
    perTransaction.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  await client.quit();
  const live = measure(dataDir);
  rss.stop();
  await server.stop();
  const closed = measure(dataDir);
  const tablesAfter = tableSizes(join(dataDir, 'facteur.db'));
  const delivered = countMessages(join(dataDir, 'facteur.db'));

  const naive = RECIPIENTS * message.length;
  const blobsAdded = closed.blobs.allocated - before.blobs.allocated;
  const dbAddedLive = live.db - before.db;
  const dbAdded = closed.db - before.db;
  console.log(
    `\ndelivery: all ${RECIPIENTS} recipients acknowledged in ${seconds.toFixed(1)} s = ${(RECIPIENTS / seconds).toFixed(0)} recipients/s (per transaction: ${perTransaction.map((t) => (t / 1000).toFixed(1)).join(', ')} s)`,
  );
  console.log(
    `         ${delivered.messages} message rows, ${delivered.bodies} message bodies, server peak RSS ${fmt(rss.peak())}`,
  );
  console.log('\ndisk added in the data directory (allocated blocks, like du):');
  console.log(
    `  blobs/                   ${fmt(blobsAdded).padStart(10)}  (${closed.blobs.files - before.blobs.files} blob files: one per SMTP transaction — each gets its own Received/Authentication-Results headers)`,
  );
  console.log(
    `  database, live           ${fmt(dbAddedLive).padStart(10)}  (facteur.db + -wal + -shm, server running)`,
  );
  console.log(
    `  database, checkpointed   ${fmt(dbAdded).padStart(10)}  (facteur.db after the server stopped)`,
  );
  console.log(
    `  total                    ${fmt(blobsAdded + dbAdded).padStart(10)}  = ${((blobsAdded + dbAdded) / RECIPIENTS).toFixed(0)} bytes per recipient`,
  );
  console.log(
    `  one copy per mailbox     ${fmt(naive).padStart(10)}  (${RECIPIENTS} × ${(message.length / 1024).toFixed(0)} KiB): Facteur uses ${(((blobsAdded + dbAdded) / naive) * 100).toFixed(1)} % of it`,
  );
  if (tablesBefore && tablesAfter) {
    console.log('\ndatabase growth by table/index (dbstat, after checkpoint), largest first:');
    const growth = [...tablesAfter]
      .map(([name, bytes]) => [name, bytes - (tablesBefore.get(name) ?? 0)] as const)
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12);
    for (const [name, bytes] of growth) {
      console.log(
        `  ${name.padEnd(36)} ${fmt(bytes).padStart(10)}  ${(bytes / RECIPIENTS).toFixed(0)} B/recipient`,
      );
    }
  }
} finally {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
console.log(`\ntotal bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
console.log(
  'reproduce: npm run build:server && npx tsx bench/broadcast.ts [recipients=10000] [messageKiB=100]',
);

function measure(dir: string) {
  const db = ['facteur.db', 'facteur.db-wal', 'facteur.db-shm']
    .map((f) => diskUsage(join(dir, f)).allocated)
    .reduce((a, b) => a + b, 0);
  return { blobs: diskUsage(join(dir, 'blobs')), db };
}

function tableSizes(file: string): Map<string, number> | undefined {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as {
      name: string;
      bytes: number;
    }[];
    return new Map(rows.map((r) => [r.name, r.bytes]));
  } catch {
    return undefined; // dbstat not compiled in
  } finally {
    db.close();
  }
}

function countMessages(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const one = (q: string) => (db.prepare(q).get() as { n: number }).n;
    return {
      messages: one('select count(*) as n from messages'),
      bodies: one('select count(*) as n from message_bodies'),
    };
  } finally {
    db.close();
  }
}

/**
 * A circular of `size` bytes: headers, a text part made of real corpus prose (so the search index
 * has words to index), and a base64 attachment of random bytes filling the rest.
 */
async function buildMessage(size: number): Promise<Buffer> {
  const corpus = await loadCorpusMessages(400);
  let prose = '';
  for (const m of corpus) {
    const text = m.toString('latin1');
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    if (/^[\x20-\x7e\r\n\t]*$/.test(body) && !/^--|begin 6/m.test(body)) prose += body;
    if (prose.length > 24_000) break;
  }
  prose = prose.slice(0, 24_000);
  const boundary = 'bench-boundary-2026';
  const head = [
    'From: "Rectorat - Communication" <communication@example.org>',
    'To: "Personnels de l\'académie" <personnels@ac-test.fr>',
    'Subject: Note de service : calendrier des instances 2026',
    'Date: Mon, 05 Jan 2026 09:00:00 +0100',
    'Message-ID: <broadcast-2026-01-05@example.org>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    prose,
    `--${boundary}`,
    'Content-Type: application/pdf; name="note-de-service.pdf"',
    'Content-Disposition: attachment; filename="note-de-service.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  const tail = `\r\n--${boundary}--\r\n`;
  const room = size - Buffer.byteLength(head) - tail.length;
  const lines = Math.floor(room / 78); // 76 base64 characters + CRLF
  const b64 = randomBytes(lines * 57)
    .toString('base64')
    .match(/.{1,76}/g) as string[];
  return Buffer.from(`${head}${b64.join('\r\n')}${tail}`, 'latin1'); // within 78 bytes of `size`
}
