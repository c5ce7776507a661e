/**
 * Date header values (RFC 5322 §3.3 and the obsolete forms of §4.3) to epoch milliseconds.
 *
 * Implementation notes
 * - Lenient like the readers people use: the day name is optional and may be misspelt, day and
 *   month may come in either order, seconds are optional, the zone may be numeric, a name from
 *   RFC 5322 §4.3 (UT, GMT, EST...), a military letter, or missing (then UTC, as `-0000` says).
 * - `AM`/`PM` after the time is honoured; a 4-digit zone without sign after the time is east of UTC.
 * - Two-digit years follow RFC 5322 §4.3: 00–49 → 20xx, 50–99 → 19xx; three-digit years add 1900.
 * - Returns null rather than guessing when a day, month, year or hour is missing or out of range.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

export function parseDate(value: string): number | null {
  return parseDateParts(value)?.utc ?? null;
}

/**
 * The calendar day the header names, as days since 1970-01-01, disregarding time and zone (IMAP
 * SENTBEFORE/SENTON/SENTSINCE, RFC 9051 §6.4.4): `Mon, 23 Nov 2026 23:30 -0500` is 23 November.
 */
export function parseDateDay(value: string): number | null {
  const parts = parseDateParts(value);
  return parts === null ? null : Math.floor(parts.wallClock / 86_400_000);
}

function parseDateParts(value: string): { utc: number; wallClock: number } | null {
  const text = value.replace(/\([^)]*\)?/g, ' ').trim();
  const tokens = text.split(/[\s,]+/).filter((t) => t.length > 0);
  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  let time: [number, number, number] | null = null;
  let zoneMinutes: number | null = null;
  const numbers: string[] = [];
  for (const raw of tokens) {
    const token = raw.toLowerCase();
    const timeMatch = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?([+-]\d{4})?$/.exec(token);
    if (time === null && timeMatch !== null) {
      time = [Number(timeMatch[1]), Number(timeMatch[2]), Number(timeMatch[3] ?? 0)];
      if (timeMatch[4] !== undefined) zoneMinutes = numericZone(timeMatch[4]);
      continue;
    }
    if (zoneMinutes === null && /^[+-]\d{4}$/.test(token)) {
      zoneMinutes = numericZone(token);
      continue;
    }
    // A zone written without its sign (`23:37:59 0530`): east of UTC, as Python reads it.
    if (zoneMinutes === null && time !== null && /^\d{4}$/.test(token) && numbers.length >= 2) {
      zoneMinutes = numericZone(`+${token}`);
      continue;
    }
    if (time !== null && (token === 'am' || token === 'pm')) {
      if (token === 'pm' && time[0] < 12) time[0] += 12;
      if (token === 'am' && time[0] === 12) time[0] = 0;
      continue;
    }
    const monthIndex = MONTHS.indexOf(token.slice(0, 3));
    if (month === null && monthIndex >= 0 && /^[a-z]+\.?$/.test(token)) {
      month = monthIndex;
      continue;
    }
    if (/^\d+$/.test(token)) {
      numbers.push(token);
      continue;
    }
    const dayMonth = /^(\d{1,2})-([a-z]{3})-(\d{2,4})$/.exec(token);
    if (dayMonth !== null && MONTHS.includes(dayMonth[2] as string)) {
      numbers.push(dayMonth[1] as string, dayMonth[3] as string);
      month = MONTHS.indexOf(dayMonth[2] as string);
      continue;
    }
    if (zoneMinutes === null && time !== null) {
      const named = ZONES[token];
      if (named !== undefined) zoneMinutes = named;
      else if (/^[a-ik-z]$/.test(token)) zoneMinutes = 0;
    }
  }
  for (const number of numbers) {
    if (day === null && number.length <= 2 && Number(number) >= 1 && Number(number) <= 31)
      day = Number(number);
    else if (year === null)
      year = Number(number) + (number.length <= 2 ? (Number(number) < 50 ? 2000 : 1900) : 0);
  }
  if (year !== null && year < 1000) year += year < 100 ? 0 : 1900;
  if (day === null || month === null || year === null || time === null) return null;
  const [hours, minutes, seconds] = time;
  if (hours > 23 || minutes > 59 || seconds > 60 || year > 9999) return null;
  const ms = Date.UTC(year, month, day, hours, minutes, Math.min(seconds, 59));
  if (new Date(ms).getUTCDate() !== day) return null;
  return { utc: ms - (zoneMinutes ?? 0) * 60_000, wallClock: ms };
}

function numericZone(token: string): number {
  const sign = token.startsWith('-') ? -1 : 1;
  const hours = Number(token.slice(1, 3));
  const minutes = Number(token.slice(3, 5));
  return sign * (hours * 60 + minutes);
}
