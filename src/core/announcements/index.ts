/**
 * Announcements and planned maintenance (issue "account security", PRODUCT.md §1): published by
 * administrators with `facteur announce`, shown on the sign-in page and in the webmail.
 *
 * Implementation notes
 * - Which are shown: news (`info`) between its start and its end; planned maintenance from its
 *   publication until its end, since its point is to warn before it starts.
 * - Text in French, required, and English, optional (the French is shown instead). Plain text, never
 *   markup: the web client renders it as text. Bounded, with control characters refused but line
 *   breaks allowed in the body.
 * - Added and removed announcements are audited (`announcement.added`, `announcement.removed`).
 */
import { randomUUID } from 'node:crypto';
import type { Announcement as AnnouncementInfo, Locale } from '../../../common/api.js';
import { InputError, UserError } from '../../lib/errors/index.js';
import {
  type Announcement,
  appendAudit,
  deleteAnnouncement,
  insertAnnouncement,
  listAnnouncementRows,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

export const MAX_ANNOUNCEMENT_TITLE = 120;
export const MAX_ANNOUNCEMENT_BODY = 1000;
/** More would crowd the sign-in page; an administrator removes one first. */
export const MAX_CURRENT_ANNOUNCEMENTS = 5;

export interface AnnouncementInput {
  kind: 'info' | 'maintenance';
  startsAt: number;
  endsAt: number;
  title: Partial<Record<Locale, string>>;
  body: Partial<Record<Locale, string>>;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f]/;

function text(value: string | undefined, max: number, field: string, multiline: boolean): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim().replace(/\r\n?/g, '\n');
  if (
    trimmed.length === 0 ||
    trimmed.length > max ||
    (multiline ? CONTROL : CONTROL_OR_BREAK).test(trimmed)
  ) {
    throw new InputError('announcement.invalid', `${field}: 1 to ${max} characters, no control characters`, {
      field,
    });
  }
  return trimmed;
}

/** @throws InputError `announcement.invalid` (details.field); UserError `announcement.too_many` */
export async function addAnnouncement(
  ctx: CoreContext,
  input: AnnouncementInput,
  actor: string,
): Promise<Announcement> {
  const now = ctx.clock.now();
  if (!Number.isFinite(input.startsAt) || !Number.isFinite(input.endsAt) || input.endsAt <= input.startsAt) {
    throw new InputError('announcement.invalid', 'the end must come after the start', { field: 'end' });
  }
  if (input.endsAt <= now) {
    throw new InputError('announcement.invalid', 'the end is already past', { field: 'end' });
  }
  const titleFr = text(input.title.fr, MAX_ANNOUNCEMENT_TITLE, 'title', false);
  const bodyFr = text(input.body.fr, MAX_ANNOUNCEMENT_BODY, 'text', true);
  if (titleFr === null || bodyFr === null) {
    throw new InputError('announcement.invalid', 'a French title and text are required', { field: 'title' });
  }
  const titleEn = text(input.title.en, MAX_ANNOUNCEMENT_TITLE, 'title-en', false);
  const bodyEn = text(input.body.en, MAX_ANNOUNCEMENT_BODY, 'text-en', true);
  if ((titleEn === null) !== (bodyEn === null)) {
    throw new InputError('announcement.invalid', 'give both the English title and text, or neither', {
      field: titleEn === null ? 'title-en' : 'text-en',
    });
  }
  if ((await listAnnouncementRows(ctx.db, now)).length >= MAX_CURRENT_ANNOUNCEMENTS) {
    throw new UserError(
      'announcement.too_many',
      `at most ${MAX_CURRENT_ANNOUNCEMENTS} announcements not yet ended: remove one first`,
    );
  }
  const row = await insertAnnouncement(ctx.db, {
    id: randomUUID().slice(0, 8),
    kind: input.kind,
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    title_fr: titleFr,
    body_fr: bodyFr,
    title_en: titleEn,
    body_en: bodyEn,
    created_at: now,
  });
  await appendAudit(ctx.db, {
    at: now,
    actor,
    action: 'announcement.added',
    target: row.id,
    details: { kind: row.kind, startsAt: row.starts_at, endsAt: row.ends_at },
  });
  return row;
}

/** Every announcement, or only those not ended. */
export function listAnnouncements(ctx: CoreContext, options: { all: boolean }): Promise<Announcement[]> {
  return listAnnouncementRows(ctx.db, options.all ? undefined : ctx.clock.now());
}

/** @throws UserError `announcement.not_found` */
export async function removeAnnouncement(ctx: CoreContext, id: string, actor: string): Promise<void> {
  const removed = await deleteAnnouncement(ctx.db, id);
  if (!removed) throw new UserError('announcement.not_found', `no announcement ${id}`);
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor,
    action: 'announcement.removed',
    target: id,
    details: null,
  });
}

/** Whether an announcement is shown at `now` (see the notes above). */
export function isShown(row: Announcement, now: number): boolean {
  return row.ends_at > now && (row.kind === 'maintenance' || row.starts_at <= now);
}

/** What the sign-in page and the webmail show now, in both languages. */
export async function currentAnnouncements(ctx: CoreContext): Promise<AnnouncementInfo[]> {
  const now = ctx.clock.now();
  return (await listAnnouncementRows(ctx.db, now))
    .filter((row) => isShown(row, now))
    .map((row) => ({
      id: row.id,
      kind: row.kind,
      startsAt: new Date(row.starts_at).toISOString(),
      endsAt: new Date(row.ends_at).toISOString(),
      text: {
        fr: { title: row.title_fr, body: row.body_fr },
        en: { title: row.title_en ?? row.title_fr, body: row.body_en ?? row.body_fr },
      },
    }));
}
