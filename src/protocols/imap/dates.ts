/**
 * IMAP dates (RFC 9051 §9): `date` in SEARCH, `date-time` in APPEND and INTERNALDATE.
 *
 * Implementation notes
 * - Internal dates are sent in UTC (+0000): the store keeps instants, not the sender's zone.
 * - Month names compare case-insensitively, as the RFC's ABNF strings do.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function monthIndex(name: string): number {
  return MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase());
}

/** `25-Nov-2026 09:00:00 +0000`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** `date-time` (the day may have a leading space) → epoch ms, or null when malformed. */
export function parseDateTime(text: string): number | null {
  const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!match) return null;
  const [, day, monthName, year, hours, minutes, seconds, sign, zoneHours, zoneMinutes] = match;
  const month = monthIndex(monthName as string);
  if (month < 0 || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 60) return null;
  const offset = (Number(zoneHours) * 60 + Number(zoneMinutes)) * (sign === '-' ? -1 : 1);
  return (
    Date.UTC(Number(year), month, Number(day), Number(hours), Number(minutes), Number(seconds)) -
    offset * 60_000
  );
}

/** `date` (`1-Feb-2026`) → the UTC day number, or null when malformed. */
export function parseDay(text: string): number | null {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = match ? monthIndex(match[2] as string) : -1;
  if (!match || month < 0) return null;
  return Math.floor(Date.UTC(Number(match[3]), month, Number(match[1])) / 86_400_000);
}
