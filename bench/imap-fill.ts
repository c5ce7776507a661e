/**
 * The same mail for Facteur and Dovecot, for the IMAP benchmarks.
 *
 * Message i is corpus message i mod corpus size (SpamAssassin corpus, CRLF as on the wire), with an
 * X-Bench-Copy header and a Message-ID made unique per copy (a mailbox of 100 000 messages repeats
 * the 6 046 corpus messages ~17 times), and an internal date 5 minutes after message i − 1.
 * - Facteur: stored in-process through storeMessageBody + deliverToAccount (src/core/mail), what
 *   `facteur import mbox`, LMTP/SMTP delivery and IMAP APPEND run: blob fsync'd, rows, thread,
 *   full-text index. Not the mbox parser: it keeps the mbox's bare LF, which is not what a mail
 *   server receives over SMTP or APPEND.
 * - Dovecot: one file per message in Maildir/cur (flags ":2," = none, like the Facteur side), the
 *   file's mtime being the internal date, as Dovecot reads it; Dovecot builds its index on the first
 *   SELECT (the benches' warm-up).
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openFacteur } from '../src/app/index.js';
import { getAccount } from '../src/core/directory/index.js';
import { deliverToAccount, findRecipient, storeMessageBody } from '../src/core/mail/index.js';
import { loadConfig } from '../src/platform/config/index.js';
import { createLogger } from '../src/platform/log/index.js';
import { findMailboxByPath } from '../src/store/sql/index.js';

const BASE_DATE = Date.UTC(2020, 0, 1);
const STEP_MS = 300_000;

/** Builds message i of the bench mailboxes from the corpus (CRLF messages, loadCorpusMessages). */
export function benchMessage(corpus: Buffer[], i: number): { raw: Buffer; date: number } {
  const copy = Math.floor(i / corpus.length);
  const original = (corpus[i % corpus.length] as Buffer).toString('latin1');
  const varied = `X-Bench-Copy: ${copy}\r\n${original.replace(/^(message-id:\s*<)/im, `$1c${copy}.`)}`;
  return { raw: Buffer.from(varied, 'latin1'), date: BASE_DATE + i * STEP_MS };
}

export interface FacteurFill {
  /** Address of the account. */
  address: string;
  /** Messages [first, first + count) of benchMessage go to the account's INBOX. */
  first: number;
  count: number;
  /**
   * One delivery at a time, so UID k holds message first + k − 1 as on the Dovecot side (where
   * bodies are fetched by UID and compared); otherwise deliveries overlap and neighbours may swap.
   */
  ordered?: boolean;
}

/**
 * Fills INBOXes on a Facteur data directory, before the server starts (SQLite has one writer).
 * `analyzeAt`: see search-latency.ts — without planner statistics SQLite answers the thread lookup
 * of each delivery by scanning the account's messages, so a 100 000-message mailbox would take
 * hours to build; statistics are gathered once an account holds that many messages and dropped at
 * the end, so the server then runs as shipped. 0 = never.
 */
export async function fillFacteur(options: {
  dataDir: string;
  env: Record<string, string>;
  corpus: Buffer[];
  fills: FacteurFill[];
  analyzeAt?: number;
  /** Deliveries in flight (the store commits in groups). */
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<{ messages: number; seconds: number; analyzed: boolean }> {
  const config = loadConfig({ ...options.env, FACTEUR_DATA_DIR: options.dataDir });
  const facteur = await openFacteur(config, createLogger({ level: 'warn', destination: process.stderr }));
  const { ctx } = facteur;
  const started = performance.now();
  let done = 0;
  let analyzed = false;
  try {
    for (const fill of options.fills) {
      const account = await getAccount(ctx, fill.address);
      const recipient = await findRecipient(ctx, account.address);
      const inbox = await findMailboxByPath(ctx.db, account.id, 'INBOX');
      if (!recipient || !inbox) throw new Error(`no INBOX for ${fill.address}`);
      let next = 0;
      await Promise.all(
        Array.from({ length: fill.ordered ? 1 : (options.concurrency ?? 4) }, async () => {
          for (let k = next++; k < fill.count; k = next++) {
            const { raw, date } = benchMessage(options.corpus, fill.first + k);
            const body = await storeMessageBody(ctx, raw);
            await deliverToAccount(
              ctx,
              body,
              { account, quotaBytes: recipient.quotaBytes },
              { mailboxId: inbox.id, receivedAt: date, seen: false },
            );
            if (options.analyzeAt && !analyzed && k + 1 >= options.analyzeAt) {
              analyzed = true;
              await sql`analyze`.execute(ctx.db);
            }
            if (++done % 5000 === 0) options.onProgress?.(done);
          }
        }),
      );
    }
    // The server runs with the planner as shipped: the statistics gathered for the fill are dropped,
    // all of them — ANALYZE also fills sqlite_stat4 in this SQLite build, and a stat4 left behind
    // alone changes plans (the FTS join of SEARCH went from ~1 s to ~4 s at 100 000 messages).
    if (analyzed) {
      for (const table of ['sqlite_stat1', 'sqlite_stat2', 'sqlite_stat3', 'sqlite_stat4']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(ctx.db);
      }
    }
  } finally {
    await facteur.close();
  }
  return { messages: done, seconds: (performance.now() - started) / 1000, analyzed };
}

/**
 * Writes messages [first, first + count) into a Maildir's cur/ directory (created with new/ and
 * tmp/). File names sort by the internal date, the order Dovecot gives new files their UIDs in.
 * Owned by root: call chownMaildirs (peers.ts) before Dovecot reads them.
 */
export function writeMaildir(maildir: string, corpus: Buffer[], first: number, count: number): void {
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const { raw, date } = benchMessage(corpus, i);
    const seconds = Math.floor(date / 1000);
    const file = join(maildir, 'cur', `${seconds}.M${String(i).padStart(7, '0')}P1.bench,S=${raw.length}:2,`);
    writeFileSync(file, raw);
    utimesSync(file, seconds, seconds);
  }
}
