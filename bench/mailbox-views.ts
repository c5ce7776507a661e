/**
 * The reads behind the webmail's folder view on one large mailbox (default 50 000 messages), on
 * SQLite and, when FACTEUR_TEST_PG_URL is set, PostgreSQL: JMAP Mailbox/get's counters and the
 * Email/query pages of a folder, newest first (first page, a page in the middle), with the plans.
 *
 * Each figure is the median of R runs (default 15) of the store function as shipped, beside the
 * query it replaced (migration 0009): counters counted over every membership, and the folder's
 * rows joined to `messages` and sorted by `messages.received_at`.
 *
 * Method: rows written straight into the tables (thread of message i: i mod 20 000, so 20 000
 * conversations of 2–3 messages; 70 % read), through the triggers that keep the counters — the
 * time of that fill is printed too. SQLite without planner statistics (as shipped); PostgreSQL
 * after ANALYZE (what autovacuum does on a table that grew).
 *
 * Run: npx tsx bench/mailbox-views.ts [messages=50000] [runs=15]
 *      (PostgreSQL too: FACTEUR_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test)
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createAccount } from '../src/core/directory/index.js';
import { findMailboxByRole } from '../src/store/sql/index.js';
import {
  countMailboxesOfAccount,
  folderPageQuery,
  listMessagesNewestFirst,
  recountMailboxesOfAccount,
} from '../src/store/sql/mail-views.js';
import type { Database } from '../src/store/sql/schema.js';
import { buildCoreContext } from '../test/helpers/core.js';
import { type TestBackend, testBackends } from '../test/helpers/database.js';
import { median } from './lib.js';

const [MESSAGES = 50_000, RUNS = 15] = process.argv
  .slice(2)
  .filter((a) => /^\d+$/.test(a))
  .map(Number);
const BATCH = 500;

async function timed(runs: number, action: () => Promise<unknown>): Promise<string> {
  await action();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await action();
    times.push(performance.now() - t0);
  }
  return `${median(times).toFixed(1)} ms`;
}

async function benchBackend(backend: TestBackend): Promise<void> {
  const t = await buildCoreContext(backend);
  try {
    const { db } = t.ctx;
    const { account } = await createAccount(
      t.ctx,
      { firstName: 'Grande', lastName: 'Boîte', domain: 'ac-test.fr' },
      'bench',
    );
    const inbox = await findMailboxByRole(db, account.id, 'inbox');
    if (!inbox) throw new Error('no Inbox');
    const bodies = Array.from({ length: 100 }, (_, i) => ({
      blob_id: `bench-body-${i}`,
      size: 2000 + i,
      structure: '{}',
      envelope: '{}',
      subject: `Sujet ${i}`,
      base_subject: `sujet ${i}`,
      from_addresses: '[]',
      to_addresses: '[]',
      cc_addresses: '[]',
      sent_at: null,
      message_id: null,
      in_reply_to: '[]',
      references: '[]',
      preview: '',
      has_attachment: 0,
      attachments: '[]',
      created_at: 0,
    }));
    await db.insertInto('message_bodies').values(bodies).execute();
    const base = Date.UTC(2020, 0, 1);
    const filled = performance.now();
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < MESSAGES; start += BATCH) {
        const messages: Database['messages'][] = [];
        for (let i = start; i < Math.min(MESSAGES, start + BATCH); i++) {
          messages.push({
            id: randomUUID(),
            account_id: account.id,
            blob_id: `bench-body-${i % 100}`,
            thread_id: `thread-${i % 20_000}`,
            received_at: base + i * 300_000,
            size: 2000 + (i % 100),
            seen: i % 10 < 7 ? 1 : 0,
            flagged: i % 50 === 0 ? 1 : 0,
            answered: 0,
            draft: 0,
            keywords: '[]',
            modseq: i + 1,
            created_at: 0,
          });
        }
        await trx.insertInto('messages').values(messages).execute();
        await trx
          .insertInto('mailbox_messages')
          .values(
            messages.map((m, k) => ({
              mailbox_id: inbox.id,
              uid: start + k + 1,
              message_id: m.id,
              account_id: account.id,
              modseq: m.modseq,
              deleted: 0,
              received_at: m.received_at,
            })),
          )
          .execute();
      }
    });
    const fillSeconds = (performance.now() - filled) / 1000;
    if (backend === 'postgres') await sql`analyze`.execute(db);

    // What the code read before migration 0009.
    const oldPage = (offset: number) =>
      db
        .selectFrom('messages')
        .innerJoin('mailbox_messages', 'mailbox_messages.message_id', 'messages.id')
        .where('mailbox_messages.mailbox_id', '=', inbox.id)
        .where('messages.account_id', '=', account.id)
        .select(['messages.id as id', 'messages.thread_id as threadId', 'messages.received_at as receivedAt'])
        .orderBy('messages.received_at', 'desc')
        .orderBy('messages.id', 'desc')
        .limit(100)
        .offset(offset)
        .execute();
    const oldTotal = () =>
      db
        .selectFrom('messages')
        .innerJoin('mailbox_messages', 'mailbox_messages.message_id', 'messages.id')
        .where('mailbox_messages.mailbox_id', '=', inbox.id)
        .where('messages.account_id', '=', account.id)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
    const newPage = (offset: number) =>
      listMessagesNewestFirst(db, account.id, { mailboxId: inbox.id, offset, limit: 100 });

    const [stored, recounted] = [
      await countMailboxesOfAccount(db, account.id),
      await recountMailboxesOfAccount(db, account.id),
    ];
    if (JSON.stringify(stored) !== JSON.stringify(recounted)) {
      throw new Error(`stored counters differ: ${JSON.stringify({ stored, recounted })}`);
    }
    const middle = Math.floor(MESSAGES / 2);
    const [oldFirst, newFirst] = [await oldPage(0), (await newPage(0)).messages];
    const [oldMiddle, newMiddle] = [await oldPage(middle), (await newPage(middle)).messages];
    if (JSON.stringify(oldFirst) !== JSON.stringify(newFirst)) throw new Error('first pages differ');
    if (JSON.stringify(oldMiddle) !== JSON.stringify(newMiddle)) throw new Error('middle pages differ');

    console.log(
      `\n${backend}: one Inbox of ${MESSAGES} messages (fill with triggers ${fillSeconds.toFixed(1)} s)`,
    );
    console.log(
      `  counters (Mailbox/get)       before ${await timed(RUNS, () => recountMailboxesOfAccount(db, account.id))}, after ${await timed(RUNS, () => countMailboxesOfAccount(db, account.id))}`,
    );
    console.log(
      `  first page + total           before ${await timed(RUNS, async () => {
        await oldPage(0);
        await oldTotal();
      })}, after ${await timed(RUNS, () => newPage(0))}`,
    );
    console.log(
      `  page at ${middle} + total     before ${await timed(RUNS, async () => {
        await oldPage(middle);
        await oldTotal();
      })}, after ${await timed(RUNS, () => newPage(middle))}`,
    );
    console.log(
      `  flagged, first page + total  ${await timed(RUNS, () =>
        listMessagesNewestFirst(db, account.id, {
          mailboxId: inbox.id,
          hasKeyword: '$flagged',
          offset: 0,
          limit: 100,
        }),
      )}`,
    );
    console.log(
      `  conversations, first page    ${await timed(Math.min(RUNS, 5), () =>
        listMessagesNewestFirst(db, account.id, {
          mailboxId: inbox.id,
          collapseThreads: true,
          offset: 0,
          limit: 100,
        }),
      )}`,
    );
    // A full-text search's hits (every fifth message, newest first as the index gives them).
    const hits = (
      await db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', account.id)
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .execute()
    )
      .filter((_, i) => i % 5 === 0)
      .map((row) => row.id);
    // What the code read before: lists of 500 hits, filtered by the account's index.
    const oldHits = async (mailboxId?: string) => {
      const rows: { id: string; receivedAt: number }[] = [];
      for (let start = 0; start < hits.length; start += 500) {
        let query = db
          .selectFrom('messages')
          .select(['messages.id as id', 'messages.received_at as receivedAt'])
          .where('messages.account_id', '=', account.id)
          .where('messages.id', 'in', hits.slice(start, start + 500));
        if (mailboxId !== undefined) {
          query = query
            .innerJoin('mailbox_messages', 'mailbox_messages.message_id', 'messages.id')
            .where('mailbox_messages.mailbox_id', '=', mailboxId);
        }
        rows.push(...(await query.execute()));
      }
      return rows.sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : -1)).slice(0, 100);
    };
    console.log(
      `  ${hits.length} search hits, first page + total: all folders before ${await timed(RUNS, () =>
        oldHits(),
      )}, in the Inbox before ${await timed(RUNS, () => oldHits(inbox.id))}`,
    );
    console.log(
      `  ${hits.length} search hits, first page + total: all folders after ${await timed(RUNS, () =>
        listMessagesNewestFirst(db, account.id, { onlyIds: hits, offset: 0, limit: 100 }),
      )}, in the Inbox after ${await timed(RUNS, () =>
        listMessagesNewestFirst(db, account.id, {
          mailboxId: inbox.id,
          onlyIds: hits,
          offset: 0,
          limit: 100,
        }),
      )}`,
    );
    const explain = async (query: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
      const { sql: text, parameters } = query.compile();
      const prefix = backend === 'sqlite' ? 'explain query plan ' : 'explain ';
      const compiled = { sql: prefix + text, parameters };
      const result = await db.executeQuery(compiled as never);
      return (result.rows as Record<string, unknown>[])
        .map((r) => `    ${String(r.detail ?? r['QUERY PLAN'])}`)
        .join('\n');
    };
    const page = folderPageQuery(db, account.id, { mailboxId: inbox.id, offset: 0, limit: 100 });
    console.log(`  plan of a folder's page:\n${await explain(page)}`);
  } finally {
    await t.close();
  }
}

for (const backend of testBackends()) await benchBackend(backend);
