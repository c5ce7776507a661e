/**
 * `facteur announce add|list|remove`: notices and planned maintenance for every user, shown on the
 * sign-in page and in the webmail (core/announcements).
 *
 * Implementation notes
 * - Times are ISO 8601: `2026-12-10T18:00` is read in the server's time zone (TZ), `…Z` or
 *   `…+01:00` as written; a date alone is midnight. Shown back in ISO 8601 UTC.
 */
import { addAnnouncement, listAnnouncements, removeAnnouncement } from '../../core/announcements/index.js';
import type { CoreContext } from '../../core/context.js';
import type { Announcement } from '../../store/sql/index.js';
import { emit, type Output, table } from '../output.js';
import { parseCommandArgs, requireOption, USAGE, UsageError } from '../usage.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?)?$/;

function parseTime(value: string, name: string): number {
  // A date alone would be read as UTC by Date; as local midnight it matches the time form.
  const time = ISO_TIME.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00` : value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(`--${name} expects a time like 2026-12-10T18:00, got "${value}"`, USAGE.announceAdd);
  }
  return time;
}

export async function announceCommand(ctx: CoreContext, args: string[], output: Output): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') {
    const { values } = parseCommandArgs(
      rest,
      {
        json: { type: 'boolean' },
        kind: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        title: { type: 'string' },
        text: { type: 'string' },
        'title-en': { type: 'string' },
        'text-en': { type: 'string' },
      },
      USAGE.announceAdd,
      { min: 0, max: 0 },
    );
    const kind = values.kind ?? 'info';
    if (kind !== 'info' && kind !== 'maintenance') {
      throw new UsageError(`--kind is info or maintenance, got "${kind}"`, USAGE.announceAdd);
    }
    const row = await addAnnouncement(
      ctx,
      {
        kind,
        startsAt: parseTime(requireOption(values.start, 'start', USAGE.announceAdd), 'start'),
        endsAt: parseTime(requireOption(values.end, 'end', USAGE.announceAdd), 'end'),
        title: { fr: requireOption(values.title, 'title', USAGE.announceAdd), en: values['title-en'] },
        body: { fr: requireOption(values.text, 'text', USAGE.announceAdd), en: values['text-en'] },
      },
      'cli',
    );
    emit(output, present(row), `announcement ${row.id} added`);
    return;
  }
  if (sub === 'list') {
    const { values } = parseCommandArgs(
      rest,
      { json: { type: 'boolean' }, all: { type: 'boolean' } },
      USAGE.announceList,
      { min: 0, max: 0 },
    );
    const rows = await listAnnouncements(ctx, { all: values.all === true });
    emit(
      output,
      rows.map(present),
      rows.length === 0
        ? 'no announcements'
        : table([
            ['ID', 'KIND', 'START', 'END', 'TITLE'],
            ...rows.map((r) => [r.id, r.kind, iso(r.starts_at), iso(r.ends_at), r.title_fr]),
          ]),
    );
    return;
  }
  if (sub === 'remove') {
    const { positionals } = parseCommandArgs(rest, { json: { type: 'boolean' } }, USAGE.announceRemove, {
      min: 1,
      max: 1,
    });
    const id = positionals[0] as string;
    await removeAnnouncement(ctx, id, 'cli');
    emit(output, { id, removed: true }, `announcement ${id} removed`);
    return;
  }
  throw new UsageError(
    sub ? `unknown announce command "${sub}"` : 'missing announce command',
    `${USAGE.announceAdd} | ${USAGE.announceList} | ${USAGE.announceRemove}`,
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

function present(row: Announcement) {
  return {
    id: row.id,
    kind: row.kind,
    startsAt: iso(row.starts_at),
    endsAt: iso(row.ends_at),
    title: { fr: row.title_fr, en: row.title_en },
    text: { fr: row.body_fr, en: row.body_en },
    createdAt: iso(row.created_at),
  };
}
