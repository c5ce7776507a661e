/**
 * The trace headers we prepend (RFC 5321 §4.4 Received; RFC 8601 Authentication-Results).
 * Values are built from data the client sent (HELO, addresses): control characters and line
 * breaks are removed so a client cannot inject headers.
 */

function clean(value: string, max = 255): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, max);
}

export function receivedHeader(options: {
  helo: string;
  clientHostname: string | null;
  clientIp: string;
  byHostname: string;
  protocol: 'ESMTP' | 'ESMTPS' | 'ESMTPA' | 'ESMTPSA';
  id: string;
  recipient: string | null;
  date: Date;
}): string {
  const from = `from ${clean(options.helo) || 'unknown'} (${options.clientHostname ? `${clean(options.clientHostname)} ` : ''}[${clean(options.clientIp)}])`;
  const forPart = options.recipient ? `\r\n\tfor <${clean(options.recipient)}>` : '';
  return `Received: ${from}\r\n\tby ${options.byHostname} (Facteur) with ${options.protocol} id ${options.id}${forPart};\r\n\t${rfc5322Date(options.date)}\r\n`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC: `Wed, 25 Nov 2026 10:00:00 +0000`. */
export function rfc5322Date(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
