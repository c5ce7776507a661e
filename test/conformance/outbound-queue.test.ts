/**
 * The outbound queue end to end on both back ends: enqueue, the runner with the real SMTP client,
 * local SMTP sinks (smtp-server on 127.0.0.1 ephemeral ports) behind a fake DNS, and a manual clock
 * that moves through the retry schedule.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreContext } from '../../src/core/context.js';
import { addDomain, createAccount, ensureOrganisation } from '../../src/core/directory/index.js';
import {
  deleteQueued,
  enqueueMessage,
  listQueue,
  MAX_RECIPIENTS_PER_MESSAGE,
  QUEUE_LIFETIME_MS,
  retryNow,
} from '../../src/core/outbound/index.js';
import { createQueueRunner, type QueueRunner } from '../../src/jobs/queue-runner.js';
import { decodeText, findPart, parseMessage } from '../../src/lib/mime/index.js';
import { createManualClock } from '../../src/platform/clock.js';
import { createFsBlobStore } from '../../src/store/blob/fs-blob-store.js';
import { type BlobStore, parseBlobId } from '../../src/store/blob/index.js';
import {
  type Account,
  findMailboxByRole,
  listMailboxMessages,
  type SqlStore,
} from '../../src/store/sql/index.js';
import { coreContextOver } from '../helpers/core.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';
import { createFakeResolver } from '../helpers/dns.js';
import { type Sink, startSink } from '../helpers/smtp-sink.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const MINUTE = 60_000;

const RAW = Buffer.from(
  [
    'From: Sylvie Dupont <sylvie.dupont@ac-test.fr>',
    'To: Bob <bob@example.net>',
    'Subject: Sortie au musée',
    'Date: Wed, 25 Nov 2026 10:00:00 +0100',
    'Message-ID: <sortie-1@ac-test.fr>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Bonjour, la sortie au musée est confirmée pour jeudi.',
    '.Une ligne qui commence par un point.',
    '',
  ].join('\r\n'),
  'utf8',
);

// --- a core context over a store that can be reopened ---------------------------------------------

const DNS = {
  'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
  'mx.example.net': { A: ['127.0.0.1'] },
  'nullmx.example': { MX: [{ exchange: '', priority: 0 }] },
};

function contextOver(store: SqlStore, clock: CoreContext['clock'], blobs: BlobStore): Promise<CoreContext> {
  return coreContextOver(store, { clock, blobs, dns: createFakeResolver(DNS) });
}

async function inboxRaws(ctx: CoreContext, account: Account): Promise<Buffer[]> {
  const inbox = await findMailboxByRole(ctx.db, account.id, 'inbox');
  if (!inbox) throw new Error('no inbox');
  const raws: Buffer[] = [];
  for (const entry of await listMailboxMessages(ctx.db, account.id, inbox.id)) {
    const chunks: Buffer[] = [];
    for await (const chunk of await ctx.blobs.get(parseBlobId(entry.message.blob_id)))
      chunks.push(chunk as Buffer);
    raws.push(Buffer.concat(chunks));
  }
  return raws;
}

/** The delivery-status part of a DSN, decoded, after checking the multipart/report structure. */
function deliveryStatusOf(dsn: Buffer): string {
  const parsed = parseMessage(dsn);
  expect([parsed.root.type, parsed.root.subtype, parsed.root.params['report-type']]).toEqual([
    'multipart',
    'report',
    'delivery-status',
  ]);
  expect(parsed.root.children.map((p) => `${p.type}/${p.subtype}`)).toEqual([
    'text/plain',
    'message/delivery-status',
    'text/rfc822-headers',
  ]);
  const part = findPart(parsed.root, '2');
  if (!part) throw new Error('no delivery-status part');
  return decodeText(dsn, part);
}

describe.each(testBackends())('outbound queue on %s', (backend) => {
  let store: TestSqlStore;
  let ctx: CoreContext;
  let clock: ReturnType<typeof createManualClock>;
  let blobs: BlobStore;
  let sylvie: Account;
  let sink: Sink | undefined;
  const runners: QueueRunner[] = [];

  beforeEach(async () => {
    store = await openTestDatabase(backend);
    clock = createManualClock(T0);
    blobs = createFsBlobStore(join(mkdtempSync(join(tmpdir(), 'facteur-blobs-')), 'blobs'));
    ctx = await contextOver(store, clock, blobs);
    await ensureOrganisation(ctx, 'Académie de test');
    await addDomain(ctx, 'ac-test.fr', 'system');
    sylvie = (
      await createAccount(ctx, { firstName: 'Sylvie', lastName: 'Dupont', domain: 'ac-test.fr' }, 'test')
    ).account;
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await sink?.close();
    sink = undefined;
    await store.close();
  });

  const runner = (over: Partial<Parameters<typeof createQueueRunner>[0]> = {}) => {
    const created = createQueueRunner({
      ctx,
      log: ctx.log,
      hostname: 'mail.ac-test.fr',
      remotePort: sink?.port ?? 1,
      concurrency: 4,
      timeouts: { connectMs: 2_000, greetingMs: 5_000, socketMs: 5_000 },
      ...over,
    });
    runners.push(created);
    return created;
  };

  const recipientsOf = async (queueId: string) =>
    (await listQueue(ctx, { all: true })).find((e) => e.id === queueId)?.recipients ?? [];

  it('delivers on the third attempt after two 451 replies, at the scheduled times and not before', async () => {
    sink = await startSink((_address, n) =>
      n <= 2 ? { code: 451, text: '4.7.1 greylisted, try later' } : undefined,
    );
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['bob@example.net'],
      raw: RAW,
      accountId: sylvie.id,
    });
    const queue = runner();

    await queue.runOnce();
    expect(sink.rcpts).toHaveLength(1);
    expect(await recipientsOf(queueId)).toMatchObject([
      {
        status: 'queued',
        attempts: 1,
        nextAttemptAt: T0 + MINUTE,
        lastResponse: '451 4.7.1 greylisted, try later',
      },
    ]);

    clock.set(T0 + MINUTE - 1);
    await queue.runOnce();
    expect(sink.rcpts).toHaveLength(1);

    clock.set(T0 + MINUTE);
    await queue.runOnce();
    expect(sink.rcpts).toHaveLength(2);
    expect(await recipientsOf(queueId)).toMatchObject([
      { status: 'queued', attempts: 2, nextAttemptAt: T0 + 6 * MINUTE },
    ]);

    clock.set(T0 + 6 * MINUTE - 1);
    await queue.runOnce();
    expect(sink.rcpts).toHaveLength(2);
    expect(sink.received).toEqual([]);

    clock.set(T0 + 6 * MINUTE);
    const report = await queue.runOnce();
    expect(report).toMatchObject({ attempts: 1, delivered: 1, deferred: 0, bounced: 0, failed: 0 });
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.from).toBe(sylvie.address);
    expect(sink.received[0]?.to).toEqual(['bob@example.net']);
    expect(sink.received[0]?.secure).toBe(true);
    expect(sink.received[0]?.data.equals(RAW)).toBe(true);
    expect(await recipientsOf(queueId)).toMatchObject([{ status: 'delivered', attempts: 3 }]);
    expect(await listQueue(ctx)).toEqual([]);
  });

  it('puts a DSN in the local sender’s Inbox when the remote server answers 550 at RCPT', async () => {
    sink = await startSink((address) =>
      address === 'bob@example.net'
        ? { code: 550, text: '5.1.1 <bob@example.net>: no such user' }
        : undefined,
    );
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['bob@example.net', 'alice@example.net'],
      raw: RAW,
      accountId: sylvie.id,
    });
    const report = await runner().runOnce();
    expect(report).toMatchObject({ delivered: 1, bounced: 1 });
    expect(sink.received.map((r) => r.to)).toEqual([['alice@example.net']]);
    expect(await recipientsOf(queueId)).toMatchObject([
      { recipient: 'alice@example.net', status: 'delivered' },
      {
        recipient: 'bob@example.net',
        status: 'bounced',
        lastResponse: '550 5.1.1 <bob@example.net>: no such user',
      },
    ]);

    const inbox = await inboxRaws(ctx, sylvie);
    expect(inbox).toHaveLength(1);
    const dsn = inbox[0] as Buffer;
    const status = deliveryStatusOf(dsn);
    expect(status).toContain('Reporting-MTA: dns; mail.ac-test.fr');
    expect(status).toContain(
      'Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n',
    );
    expect(status).toContain('Remote-MTA: dns; mx.example.net');
    expect(status).toContain('Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: no such user');
    expect(status).not.toContain('alice@example.net');
    const parsed = parseMessage(dsn);
    expect(decodeText(dsn, findPart(parsed.root, '3') ?? expect.unreachable())).toContain(
      'Message-ID: <sortie-1@ac-test.fr>',
    );
    expect(decodeText(dsn, findPart(parsed.root, '1') ?? expect.unreachable())).toContain(
      'Votre message n’a pas pu être remis',
    );
    expect(dsn.toString('latin1')).not.toContain('la sortie au mus');
    // The DSN went to the Inbox, not through the queue.
    expect(await listQueue(ctx, { all: true })).toHaveLength(1);
  });

  it('bounces with 4.4.7 after five days of 4xx replies, with the last attempt at the expiry instant', async () => {
    sink = await startSink(() => ({ code: 451, text: '4.3.0 mailbox temporarily unavailable' }));
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['bob@example.net'],
      raw: RAW,
    });
    const queue = runner();
    await queue.runOnce();
    for (let guard = 0; guard < 100; guard += 1) {
      const [recipient] = await recipientsOf(queueId);
      if (recipient?.status !== 'queued') break;
      expect(await inboxRaws(ctx, sylvie)).toEqual([]);
      clock.set(recipient.nextAttemptAt);
      await queue.runOnce();
    }
    // 0, 1, 6, 21, 51, 111, 231 min, then every 4 h up to 7191 min, then the expiry at 7200 min.
    expect(sink.rcpts).toHaveLength(7 + 29 + 1);
    expect(clock.now()).toBe(T0 + QUEUE_LIFETIME_MS);
    expect(await recipientsOf(queueId)).toMatchObject([{ status: 'bounced', attempts: 37 }]);
    const [dsn] = await inboxRaws(ctx, sylvie);
    const status = deliveryStatusOf(dsn as Buffer);
    expect(status).toContain(
      'Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 4.4.7\r\n',
    );
    expect(status).toContain('Diagnostic-Code: smtp; 451 4.3.0 mailbox temporarily unavailable');
  });

  it('bounces at once, without connecting, a domain with a null MX', async () => {
    sink = await startSink();
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['info@nullmx.example'],
      raw: RAW,
    });
    expect(await runner().runOnce()).toMatchObject({ attempts: 1, bounced: 1 });
    expect(sink.connections).toBe(0);
    expect(await recipientsOf(queueId)).toMatchObject([
      { status: 'bounced', attempts: 1, lastResponse: 'nullmx.example has a null MX (RFC 7505)' },
    ]);
    const status = deliveryStatusOf((await inboxRaws(ctx, sylvie))[0] as Buffer);
    expect(status).toContain(
      'Final-Recipient: rfc822; info@nullmx.example\r\nAction: failed\r\nStatus: 5.1.10\r\n',
    );
    expect(status).not.toContain('Diagnostic-Code');
  });

  it('sends every message to the relay in smarthost mode, whatever the domain and its DNS', async () => {
    sink = await startSink();
    await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['a@unknown-domain.example', 'b@nullmx.example', 'c@example.net'],
      raw: RAW,
    });
    const report = await runner({ relay: { host: '127.0.0.1', port: sink.port } }).runOnce();
    expect(report).toMatchObject({ attempts: 3, delivered: 3 });
    expect(sink.received.map((r) => r.to).sort()).toEqual([
      ['a@unknown-domain.example'],
      ['b@nullmx.example'],
      ['c@example.net'],
    ]);
  });

  it('drops a failed null-sender message without a bounce', async () => {
    sink = await startSink(() => ({ code: 550, text: '5.1.1 no such user' }));
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: '',
      recipients: ['bob@example.net'],
      raw: RAW,
    });
    expect(await runner().runOnce()).toMatchObject({ failed: 1, bounced: 0 });
    expect(await recipientsOf(queueId)).toMatchObject([
      { status: 'failed', lastResponse: '550 5.1.1 no such user' },
    ]);
    expect(await listQueue(ctx, { all: true })).toHaveLength(1);
    expect(await inboxRaws(ctx, sylvie)).toEqual([]);
  });

  it('queues the DSN of a remote sender with a null sender, which then fails without another bounce', async () => {
    sink = await startSink(() => ({ code: 550, text: '5.7.1 refused' }));
    await enqueueMessage(ctx, { mailFrom: 'someone@example.net', recipients: ['bob@example.net'], raw: RAW });
    const report = await runner().runOnce();
    // The original bounces; its DSN (queued by the same pass) is refused too and dropped.
    expect(report).toMatchObject({ attempts: 2, bounced: 1, failed: 1 });
    const entries = (await listQueue(ctx, { all: true })).sort((a, b) =>
      b.mailFrom.localeCompare(a.mailFrom),
    );
    expect(entries.map((e) => [e.mailFrom, e.recipients.map((r) => [r.recipient, r.status])])).toEqual([
      ['someone@example.net', [['bob@example.net', 'bounced']]],
      ['', [['someone@example.net', 'failed']]],
    ]);
    expect(sink.rcpts).toEqual(['bob@example.net', 'someone@example.net']);
  });

  it('keeps the queue across a reopening of the database', async () => {
    sink = await startSink();
    const first = await store.openAgain();
    const firstCtx = await contextOver(first, clock, blobs);
    const { queueId } = await enqueueMessage(firstCtx, {
      mailFrom: sylvie.address,
      recipients: ['bob@example.net'],
      raw: RAW,
    });
    await first.close();
    const second = await store.openAgain();
    try {
      const secondCtx = await contextOver(second, clock, blobs);
      expect((await listQueue(secondCtx)).map((e) => [e.id, e.recipients[0]?.status])).toEqual([
        [queueId, 'queued'],
      ]);
      const report = await runner({ ctx: secondCtx }).runOnce();
      expect(report).toMatchObject({ delivered: 1 });
      expect(sink.received[0]?.data.equals(RAW)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('retries a message now on request and deletes it without a bounce', async () => {
    sink = await startSink(() => ({ code: 451, text: '4.7.1 later' }));
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['bob@example.net'],
      raw: RAW,
    });
    const queue = runner();
    await queue.runOnce();
    await queue.runOnce();
    expect(sink.rcpts).toHaveLength(1);
    expect(await retryNow(ctx, queueId)).toBe(1);
    await queue.runOnce();
    expect(sink.rcpts).toHaveLength(2);
    expect(await recipientsOf(queueId)).toMatchObject([
      { status: 'queued', attempts: 2, nextAttemptAt: T0 + 5 * MINUTE },
    ]);
    await deleteQueued(ctx, queueId);
    expect(await listQueue(ctx, { all: true })).toEqual([]);
    await expect(retryNow(ctx, queueId)).rejects.toMatchObject({ code: 'queue.not_found' });
    await expect(deleteQueued(ctx, queueId)).rejects.toMatchObject({ code: 'queue.not_found' });
    expect(await inboxRaws(ctx, sylvie)).toEqual([]);
  });

  it('delivers on its own once started, and stops after recording the attempt in flight', async () => {
    sink = await startSink();
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: ['bob@example.net'],
      raw: RAW,
    });
    const queue = runner({ pollIntervalMs: 10 });
    queue.start();
    for (let waited = 0; sink.received.length === 0 && waited < 5_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await queue.stop();
    expect(sink.received).toHaveLength(1);
    expect(await recipientsOf(queueId)).toMatchObject([{ status: 'delivered', attempts: 1 }]);
  });

  it('accepts exactly MAX_RECIPIENTS_PER_MESSAGE distinct recipients and refuses one more', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.net`);
    await expect(
      enqueueMessage(ctx, {
        mailFrom: sylvie.address,
        recipients: many(MAX_RECIPIENTS_PER_MESSAGE + 1),
        raw: RAW,
      }),
    ).rejects.toMatchObject({ code: 'outbound.too_many_recipients' });
    const { queueId } = await enqueueMessage(ctx, {
      mailFrom: sylvie.address,
      recipients: [...many(MAX_RECIPIENTS_PER_MESSAGE), 'R0@example.net'],
      raw: RAW,
    });
    expect(await recipientsOf(queueId)).toHaveLength(MAX_RECIPIENTS_PER_MESSAGE);
    await expect(
      enqueueMessage(ctx, { mailFrom: 'not an address', recipients: ['bob@example.net'], raw: RAW }),
    ).rejects.toMatchObject({ code: 'outbound.invalid_address' });
    await expect(enqueueMessage(ctx, { mailFrom: '', recipients: [], raw: RAW })).rejects.toMatchObject({
      code: 'outbound.no_recipients',
    });
  });

  it.runIf(backend === 'postgres')(
    'never delivers a recipient twice with two runners on one database',
    async () => {
      sink = await startSink();
      const expected: string[] = [];
      for (let i = 0; i < 30; i += 1) {
        const recipients = [`a${i}@example.net`, `b${i}@example.net`];
        expected.push(...recipients);
        await enqueueMessage(ctx, { mailFrom: sylvie.address, recipients, raw: RAW });
      }
      const other = await store.openAgain();
      try {
        const otherCtx = await contextOver(other, clock, blobs);
        const reports = await Promise.all([
          runner({ claimBatchSize: 4 }).runOnce(),
          runner({ ctx: otherCtx, claimBatchSize: 4 }).runOnce(),
        ]);
        expect(reports.map((r) => r.delivered > 0)).toEqual([true, true]);
        expect(reports.reduce((sum, r) => sum + r.delivered, 0)).toBe(60);
        expect(reports.reduce((sum, r) => sum + r.lost, 0)).toBe(0);
        expect(sink.rcpts.sort()).toEqual(expected.sort());
        expect(sink.received.flatMap((r) => r.to).sort()).toEqual(expected.sort());
      } finally {
        await other.close();
      }
    },
  );
});
