/**
 * Drafts and held submissions on both back ends, with a manual clock: a draft is filed in Drafts; a
 * held submission is not sent before its time, is sent by the release pass at its time (to a local
 * recipient, without the Bcc field), only once even if two passes race; a canceled one never goes;
 * a refusal at release (the recipient closed meanwhile) cancels it; uploads are forgotten after a day.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cancelSubmission,
  createEmail,
  createSubmission,
  releaseDueSubmissions,
} from '../../src/core/compose/index.js';
import type { CoreContext } from '../../src/core/context.js';
import { addDomain, createAccount, ensureOrganisation } from '../../src/core/directory/index.js';
import { readMessageBytes } from '../../src/core/mail/index.js';
import { createManualClock } from '../../src/platform/clock.js';
import { createFsBlobStore } from '../../src/store/blob/fs-blob-store.js';
import {
  type Account,
  findEmailSubmissions,
  findMailboxByRole,
  findUploads,
  listMailboxMessages,
  purgeUploads,
  recordUpload,
} from '../../src/store/sql/index.js';
import { coreContextOver } from '../helpers/core.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

describe.each(testBackends())('compose and held submissions on %s', (backend) => {
  let store: TestSqlStore;
  let ctx: CoreContext;
  let clock: ReturnType<typeof createManualClock>;
  let sylvie: Account;
  let jean: Account;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
    clock = createManualClock(T0);
    const blobs = createFsBlobStore(join(mkdtempSync(join(tmpdir(), 'facteur-blobs-')), 'blobs'));
    ctx = await coreContextOver(store, { clock, blobs });
    await ensureOrganisation(ctx, 'Académie de test');
    await addDomain(ctx, 'ac-test.fr', 'system');
    const add = async (firstName: string, lastName: string) =>
      (await createAccount(ctx, { firstName, lastName, domain: 'ac-test.fr' }, 'test')).account;
    sylvie = await add('Sylvie', 'Dupont');
    jean = await add('Jean', 'Martin');
  });

  afterEach(async () => {
    await store.close();
  });

  const inbox = async (account: Account) => {
    const box = await findMailboxByRole(ctx.db, account.id, 'inbox');
    return listMailboxMessages(ctx.db, account.id, box?.id as string);
  };

  async function draft(subject: string) {
    const drafts = await findMailboxByRole(ctx.db, sylvie.id, 'drafts');
    return createEmail(ctx, sylvie, {
      mailboxId: drafts?.id as string,
      keywords: ['$draft', '$seen'],
      from: [{ name: 'Sylvie Dupont', address: sylvie.address }],
      to: [{ name: 'Jean Martin', address: jean.address }],
      cc: [],
      bcc: [{ name: '', address: 'cache@ac-test.fr' }],
      replyTo: [],
      subject,
      inReplyTo: [],
      references: [],
      text: 'Bonjour.',
      html: null,
      attachments: [],
    });
  }

  const hold = async (subject: string, delayMs: number) => {
    const email = await draft(subject);
    return createSubmission(ctx, sylvie, {
      identityId: sylvie.id,
      emailId: email.id,
      threadId: email.threadId,
      blobId: email.blobId,
      mailFrom: sylvie.address,
      recipients: [jean.address],
      sendAt: clock.now() + delayMs,
    });
  };

  it('files a draft in Drafts with its keywords', async () => {
    const email = await draft('Brouillon');
    const drafts = await findMailboxByRole(ctx.db, sylvie.id, 'drafts');
    const entries = await listMailboxMessages(ctx.db, sylvie.id, drafts?.id as string);
    expect(entries.map((e) => e.message.id)).toEqual([email.id]);
    expect(entries[0]?.message.draft).toBe(1);
    expect((await readMessageBytes(ctx, email.blobId)).toString()).toMatch(/^Bcc: cache@ac-test\.fr/m);
  });

  it('sends a held message at its time, once, without Bcc; never one canceled in time', async () => {
    const later = await hold('Dans dix secondes', 10_000);
    const canceled = await hold('Annulé', 10_000);
    expect(later.undo_status).toBe('pending');
    expect(await cancelSubmission(ctx, sylvie, canceled.id)).toBe(true);
    // Jean cannot cancel Sylvie's submission.
    expect(await cancelSubmission(ctx, jean, later.id)).toBe(false);

    clock.advance(9_000);
    expect(await releaseDueSubmissions(ctx)).toEqual({ sent: 0, refused: 0, retried: 0 });
    expect(await inbox(jean)).toHaveLength(0);

    clock.advance(1_000);
    const [first, second] = await Promise.all([releaseDueSubmissions(ctx), releaseDueSubmissions(ctx)]);
    expect((first?.sent ?? 0) + (second?.sent ?? 0)).toBe(1);
    const received = await inbox(jean);
    expect(received).toHaveLength(1);
    const raw = (await readMessageBytes(ctx, received[0]?.message.blob_id as string)).toString();
    expect(raw).toContain('Subject: Dans dix secondes');
    expect(raw).not.toMatch(/^bcc:/im);
    expect(await cancelSubmission(ctx, sylvie, later.id)).toBe(false);
    const rows = await findEmailSubmissions(ctx.db, sylvie.id, [later.id, canceled.id]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.undo_status]))).toEqual({
      [later.id]: 'final',
      [canceled.id]: 'canceled',
    });
    clock.advance(60_000);
    await releaseDueSubmissions(ctx);
    expect(await inbox(jean)).toHaveLength(1);
  });

  it('cancels at release what can no longer be sent', async () => {
    const held = await hold('Trop tard', 5_000);
    await ctx.db.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', jean.id).execute();
    clock.advance(5_000);
    expect(await releaseDueSubmissions(ctx)).toEqual({ sent: 0, refused: 1, retried: 0 });
    expect((await findEmailSubmissions(ctx.db, sylvie.id, [held.id]))[0]?.undo_status).toBe('canceled');
  });

  it('keeps uploads for their account, and forgets old ones', async () => {
    await recordUpload(ctx.db, {
      account_id: sylvie.id,
      blob_id: 'a'.repeat(64),
      type: 'text/plain',
      size: 3,
      created_at: T0,
    });
    await recordUpload(ctx.db, {
      account_id: sylvie.id,
      blob_id: 'b'.repeat(64),
      type: 'text/plain',
      size: 3,
      created_at: T0 + 5_000,
    });
    expect(await findUploads(ctx.db, jean.id, ['a'.repeat(64)])).toEqual([]);
    expect(await purgeUploads(ctx.db, T0 + 1)).toBe(1);
    expect(
      (await findUploads(ctx.db, sylvie.id, ['a'.repeat(64), 'b'.repeat(64)])).map((u) => u.blob_id),
    ).toEqual(['b'.repeat(64)]);
  });
});
