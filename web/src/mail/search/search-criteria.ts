/**
 * What the search form asks, as a JMAP FilterCondition (RFC 8621 §4.4.1), and back.
 *
 * Dates are days in the user's time zone: "after" from the start of that day, "before" up to the
 * end of that day (both included), turned into UTC instants for the server.
 */
import type { Translate } from '../../i18n/translate';
import type { MethodArgs } from '../jmap/jmap-client';

export interface SearchCriteria {
  text: string;
  from: string;
  to: string;
  /** yyyy-mm-dd, or '' */
  after: string;
  before: string;
  /** '' for every folder */
  mailboxId: string;
  unread: boolean;
  flagged: boolean;
  attachment: boolean;
  /** kilobytes, or '' */
  minSizeKb: string;
}

export const EMPTY_CRITERIA: SearchCriteria = {
  text: '',
  from: '',
  to: '',
  after: '',
  before: '',
  mailboxId: '',
  unread: false,
  flagged: false,
  attachment: false,
  minSizeKb: '',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function utcDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Start of a local day as a UTCDate, `days` days later. */
export function startOfDay(day: string, days = 0): string | null {
  if (!DAY.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d + days);
  return Number.isNaN(date.getTime()) ? null : utcDate(date);
}

export function isEmptyCriteria(criteria: SearchCriteria): boolean {
  return JSON.stringify({ ...EMPTY_CRITERIA, ...criteria }) === JSON.stringify(EMPTY_CRITERIA);
}

export function criteriaToFilter(criteria: SearchCriteria): MethodArgs {
  const filter: MethodArgs = {};
  const text = criteria.text.trim();
  if (text) filter.text = text;
  if (criteria.from.trim()) filter.from = criteria.from.trim();
  if (criteria.to.trim()) filter.to = criteria.to.trim();
  const after = startOfDay(criteria.after);
  if (after) filter.after = after;
  const before = startOfDay(criteria.before, 1);
  if (before) filter.before = before;
  if (criteria.mailboxId) filter.inMailbox = criteria.mailboxId;
  if (criteria.unread) filter.notKeyword = '$seen';
  if (criteria.flagged) filter.hasKeyword = '$flagged';
  if (criteria.attachment) filter.hasAttachment = true;
  const kb = Number(criteria.minSizeKb);
  if (criteria.minSizeKb.trim() !== '' && Number.isFinite(kb) && kb > 0)
    filter.minSize = Math.round(kb * 1000);
  return filter;
}

/** Whether results can carry snippets: only words searched in subjects and bodies are marked. */
export function hasTextCondition(filter: MethodArgs): boolean {
  return (
    typeof filter.text === 'string' || typeof filter.subject === 'string' || typeof filter.body === 'string'
  );
}

/** Keeps only the known fields with the right types (criteria read back from storage). */
export function parseCriteria(value: unknown): SearchCriteria | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const out: SearchCriteria = { ...EMPTY_CRITERIA };
  for (const key of Object.keys(EMPTY_CRITERIA) as (keyof SearchCriteria)[]) {
    const v = record[key];
    if (v === undefined) continue;
    if (typeof v !== typeof EMPTY_CRITERIA[key]) return null;
    (out as unknown as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** A short name for a search without words ("from: parent, unread"), in the interface's language. */
export function describeCriteria(criteria: SearchCriteria, t: Translate): string {
  const parts: string[] = [];
  if (criteria.from.trim()) parts.push(`${t('mail.search.from')} ${criteria.from.trim()}`);
  if (criteria.to.trim()) parts.push(`${t('mail.search.to')} ${criteria.to.trim()}`);
  if (criteria.after) parts.push(`${t('mail.search.after')} ${criteria.after}`);
  if (criteria.before) parts.push(`${t('mail.search.before')} ${criteria.before}`);
  if (criteria.unread) parts.push(t('mail.search.unread'));
  if (criteria.flagged) parts.push(t('mail.search.flagged'));
  if (criteria.attachment) parts.push(t('mail.search.attachment'));
  return parts.join(', ') || t('mail.search.results');
}
