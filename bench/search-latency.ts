/**
 * Full-text search latency on a mailbox of 100 000 messages, through the SearchIndex
 * (ctx.search.search, what IMAP SEARCH and the web API call), in-process.
 *
 * The mailbox: the SpamAssassin corpus (6 046 messages) repeated with a varying header (an
 * X-Bench-Copy header, a Message-ID made unique per copy, the mbox separator date advancing 5 minutes
 * per message), fed as an mbox stream to importMbox (src/core/mail, what `facteur import mbox` runs),
 * so every message goes through the real path: blob fsync'd, rows, thread, index. Import throughput is
 * reported on the way.
 * Queries, 50 of each kind, picked from the corpus with Facteur's own parser and word folding:
 *   common word  — 50 words found in 10–40 % of the messages (the most frequent such words)
 *   rare word    — 50 words found in 2 corpus messages (so ~2 × copies hits in the mailbox)
 *   phrase       — 50 two-word phrases ("w1 w2") found in 1–5 % of the messages
 *   from:        — the 50 most frequent sender addresses
 * Each kind: one warm-up pass, then 50 timed queries with limit 50 (a first page, newest first);
 * median and p95. Also once per kind with no practical limit (100 000: every match, IMAP SEARCH style).
 * Back ends: SQLite FTS5 (embedded default), then PostgreSQL with --postgres (FACTEUR_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/test, a fresh FACTEUR_DATABASE_SCHEMA dropped at the end).
 *
 * Run after `npm run build:server` (only src/ is used here):
 *   npx tsx bench/search-latency.ts [messages=100000] [--postgres] [--no-sqlite] [--analyze-at=5000]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openFacteur } from '../src/app/index.js';
import { getAccount } from '../src/core/directory/index.js';
import { importMbox } from '../src/core/mail/index.js';
import { escapeForMboxrd } from '../src/lib/mbox/index.js';
import { parseMessage } from '../src/lib/mime/index.js';
import { loadConfig } from '../src/platform/config/index.js';
import { createLogger } from '../src/platform/log/index.js';
import { searchWords } from '../src/store/search/search-text.js';
import { listCorpusFiles } from '../test/corpus/corpus-files.js';
import { CHEAP_ARGON2, createBenchAccounts } from './accounts.js';
import { diskUsage, MiB, median, percentile, waitForQuietCpu } from './lib.js';

const args = process.argv.slice(2);
const TOTAL = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const backends = [
  ...(args.includes('--no-sqlite') ? [] : ['sqlite' as const]),
  ...(args.includes('--postgres') ? ['postgres' as const] : []),
];
const PG_URL = process.env.FACTEUR_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const QUERIES = 50;
/**
 * Without planner statistics, SQLite runs findThreadIdsByMessageIds (src/store/sql/messages.ts, called
 * for every message with References/In-Reply-To) by scanning all the account's messages: ~2 ms per
 * 1 000 messages in the mailbox, so the import slows to ~20 msg/s by 30 000 messages. With
 * `--analyze-at=N` (default 5000; 0 = as shipped) this bench runs ANALYZE once after N messages so a
 * 100 000-message mailbox can be built in minutes, and drops the statistics again before searching.
 */
const ANALYZE_AT = Number(args.find((a) => a.startsWith('--analyze-at='))?.slice(13) ?? 5000);
const DOMAIN = 'ac-test.fr';
const benchStarted = performance.now();

// ---- corpus and query selection
const corpus = listCorpusFiles().map((file) => {
  let raw = readFileSync(file).toString('latin1').replace(/\r\n/g, '\n');
  if (raw.startsWith('From ')) raw = raw.slice(raw.indexOf('\n') + 1);
  return raw;
});
const queries = pickQueries(corpus);
const copies = Math.ceil(TOTAL / corpus.length);
console.log(
  `Search latency on one mailbox of ${TOTAL} messages (${corpus.length} corpus messages × ${copies} copies with a varying header), ${QUERIES} queries per kind\n`,
);

for (const backend of backends) {
  await runBackend(backend);
}
console.log(`total bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
console.log(
  'reproduce: npx tsx bench/search-latency.ts [messages=100000] [--postgres] [--no-sqlite] [--analyze-at=5000, 0 = as shipped]',
);

async function runBackend(backend: 'sqlite' | 'postgres') {
  const root = mkdtempSync(join(tmpdir(), 'facteur-search-'));
  const dataDir = join(root, 'data');
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    FACTEUR_DATA_DIR: dataDir,
    FACTEUR_DOMAIN: DOMAIN,
    ...CHEAP_ARGON2,
    ...(backend === 'postgres' ? { FACTEUR_DATABASE_URL: PG_URL, FACTEUR_DATABASE_SCHEMA: schema } : {}),
  };
  let facteur: Awaited<ReturnType<typeof openFacteur>> | undefined;
  try {
    const { addresses } = await createBenchAccounts({ dataDir, domain: DOMAIN, count: 1, env });
    facteur = await openFacteur(
      loadConfig(env),
      createLogger({ level: 'warn', destination: process.stderr }),
    );
    const { ctx } = facteur;
    const account = await getAccount(ctx, addresses[0] as string);

    // ---- import
    console.log(`[${backend === 'sqlite' ? 'SQLite FTS5' : `PostgreSQL tsvector, schema ${schema}`}]`);
    await waitForQuietCpu();
    const bytes = { n: 0 };
    let lastReport = performance.now();
    let lastCount = 0;
    const started = performance.now();
    const report = await importMbox(ctx, account, mboxStream(bytes), {
      onProgress: (n) => {
        if (backend === 'sqlite' && ANALYZE_AT > 0 && n === ANALYZE_AT) analyzeSqlite(facteur);
        if (n % 20_000 !== 0) return;
        const now = performance.now();
        console.log(
          `  import: ${String(n).padStart(6)} messages, ${((n - lastCount) / ((now - lastReport) / 1000)).toFixed(0)} msg/s over the last ${n - lastCount}`,
        );
        lastReport = now;
        lastCount = n;
      },
    });
    const importSeconds = (performance.now() - started) / 1000;
    // Searches run with the planner as shipped: the statistics gathered for the import are dropped.
    if (backend === 'sqlite' && ANALYZE_AT > 0) await dropSqliteStats(facteur);
    // PostgreSQL: what autovacuum does after such a bulk load, done now rather than waited for.
    if (backend === 'postgres') await sql`analyze`.execute(ctx.db);
    const usage = diskUsage(dataDir);
    console.log(
      `  import: ${report.imported} messages (${(bytes.n / MiB).toFixed(0)} MiB of mbox) in ${importSeconds.toFixed(0)} s = ${(report.imported / importSeconds).toFixed(0)} msg/s, ${(bytes.n / MiB / importSeconds).toFixed(1)} MiB/s; data dir ${(usage.allocated / MiB).toFixed(0)} MiB on disk${backend === 'postgres' ? ' (blobs; rows in PostgreSQL)' : ''}`,
    );

    // ---- queries
    await waitForQuietCpu();
    console.log(
      `  ${'kind'.padEnd(12)} ${'limit 50: median'.padStart(16)} ${'p95'.padStart(9)}   ${'all matches: median'.padStart(19)} ${'hits (avg)'.padStart(10)}`,
    );
    for (const [kind, list] of Object.entries(queries)) {
      const run = (q: { text?: string; from?: string }, limit: number) =>
        ctx.search.search({ accountId: account.id, ...q, limit });
      for (const q of list) await run(q, 50); // warm-up pass
      const times: number[] = [];
      for (const q of list) {
        const t0 = performance.now();
        await run(q, 50);
        times.push(performance.now() - t0);
      }
      const allTimes: number[] = [];
      let hits = 0;
      for (const q of list.slice(0, 10)) {
        const t0 = performance.now();
        hits += (await run(q, 100_000)).length;
        allTimes.push(performance.now() - t0);
      }
      console.log(
        `  ${kind.padEnd(12)} ${`${median(times).toFixed(1)} ms`.padStart(16)} ${`${percentile(times, 0.95).toFixed(1)} ms`.padStart(9)}   ${`${median(allTimes).toFixed(1)} ms`.padStart(19)} ${(hits / 10).toFixed(0).padStart(10)}   e.g. ${JSON.stringify(list[0])}`,
      );
    }
    console.log('  (all matches: median of the first 10 queries of the kind, limit 100 000)');
    console.log('');
  } finally {
    await facteur?.close();
    rmSync(root, { recursive: true, force: true });
    if (backend === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

function analyzeSqlite(f: Awaited<ReturnType<typeof openFacteur>> | undefined) {
  if (!f) return;
  void sql`analyze`.execute(f.ctx.db).then(() => {
    console.log(
      `  (ANALYZE run at ${ANALYZE_AT} messages, see --analyze-at; statistics dropped after the import)`,
    );
  });
}

function dropSqliteStats(f: Awaited<ReturnType<typeof openFacteur>> | undefined) {
  return f ? sql`drop table if exists sqlite_stat1`.execute(f.ctx.db) : undefined;
}

/** The mbox: corpus copies, each with X-Bench-Copy, a unique Message-ID and an advancing date. */
async function* mboxStream(bytes: { n: number }): AsyncGenerator<Buffer> {
  const base = Date.UTC(2020, 0, 1);
  for (let i = 0; i < TOTAL; i++) {
    const copy = Math.floor(i / corpus.length);
    const original = corpus[i % corpus.length] as string;
    const varied = `X-Bench-Copy: ${copy}\n${original.replace(/^(message-id:\s*<)/im, `$1c${copy}.`)}`;
    const date = new Date(base + i * 300_000).toUTCString(); // "Wed, 01 Jan 2020 00:00:00 GMT"
    const [, day, dd, mon, yyyy, time] = /^(\w+), (\d+) (\w+) (\d+) ([\d:]+)/.exec(date) as RegExpExecArray;
    const fromLine = `From bench@example.org ${day} ${mon} ${String(Number(dd)).padStart(2)} ${time} ${yyyy}\n`;
    const escaped = escapeForMboxrd(Buffer.from(varied, 'latin1'));
    const chunk = Buffer.concat([
      Buffer.from(fromLine, 'latin1'),
      escaped,
      Buffer.from(varied.endsWith('\n') ? '\n' : '\n\n', 'latin1'),
    ]);
    bytes.n += chunk.length;
    yield chunk;
  }
}

type Query = { text: string } | { from: string };

/** Query words from the corpus as Facteur indexes it (its parser, its folding). */
function pickQueries(messages: string[]): Record<string, Query[]> {
  const wordDf = new Map<string, number>();
  const bigramDf = new Map<string, number>();
  const senders = new Map<string, number>();
  for (const raw of messages) {
    const parsed = parseMessage(Buffer.from(raw, 'latin1'));
    const words = searchWords(`${parsed.subject ?? ''} ${parsed.textBody ?? ''}`);
    for (const w of new Set(words)) wordDf.set(w, (wordDf.get(w) ?? 0) + 1);
    const bigrams = new Set<string>();
    for (let i = 1; i < words.length; i++) bigrams.add(`${words[i - 1]} ${words[i]}`);
    for (const b of bigrams) bigramDf.set(b, (bigramDf.get(b) ?? 0) + 1);
    const sender = parsed.from[0]?.address?.toLowerCase();
    if (sender) senders.set(sender, (senders.get(sender) ?? 0) + 1);
  }
  const n = messages.length;
  const letters = /^[a-z]+$/;
  const common = [...wordDf]
    .filter(([w, df]) => letters.test(w) && w.length >= 3 && df >= 0.1 * n && df <= 0.4 * n)
    .sort((a, b) => b[1] - a[1])
    .slice(0, QUERIES)
    .map(([w]) => ({ text: w }));
  const rareAll = [...wordDf]
    .filter(([w, df]) => letters.test(w) && w.length >= 6 && df === 2)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const step = Math.max(1, Math.floor(rareAll.length / QUERIES));
  const rare = rareAll
    .filter((_, i) => i % step === 0)
    .slice(0, QUERIES)
    .map(([w]) => ({ text: w }));
  const phrase = [...bigramDf]
    .filter(([b, df]) => /^[a-z]{3,} [a-z]{3,}$/.test(b) && df >= 0.01 * n && df <= 0.05 * n)
    .sort((a, b) => b[1] - a[1])
    .slice(0, QUERIES)
    .map(([b]) => ({ text: `"${b}"` }));
  const from = [...senders]
    .sort((a, b) => b[1] - a[1])
    .slice(0, QUERIES)
    .map(([address]) => ({ from: address }));
  return { 'common word': common, 'rare word': rare, phrase, 'from:': from };
}
