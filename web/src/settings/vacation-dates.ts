/**
 * The dates of the vacation form: days in the user's time zone (what people mean by "from Monday to
 * Friday"), stored as instants. The server answers during [fromDate, toDate): the last day counts
 * whole, so toDate is the start of the day after it.
 */

/** "2026-12-21" (an <input type=date> value) → the instant that day starts, here. */
export function dayStart(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date).toISOString();
}

/** "2026-12-24" → the instant the day after it starts, here (the end of the last day). */
export function dayAfter(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + 1).toISOString();
}

function inputDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** fromDate → the day it starts (for the form). */
export function fromDay(instant: string | null): string {
  return instant ? inputDay(new Date(instant)) : '';
}

/** toDate → the last day it covers (the day before the instant, when at midnight). */
export function toDay(instant: string | null): string {
  if (!instant) return '';
  return inputDay(new Date(new Date(instant).getTime() - 1));
}
