/**
 * IMAP flags ↔ the store's message state: the four system flags as columns, `\Deleted` per mailbox
 * membership, other keywords as JMAP keywords (lower case).
 *
 * Implementation notes
 * - Keywords are case-insensitive in both IMAP (RFC 9051 §2.3.2) and JMAP (RFC 8621 §4.1.1), stored
 *   lower-case once. Well-known ones are shown in the case clients write them (`$Forwarded`,
 *   `$MDNSent`, `$Junk`), since some clients compare case-sensitively despite the RFCs.
 * - `\Recent` is not kept (IMAP4rev2 removed it); IMAP4rev1 sessions never see it set, which RFC 3501
 *   allows for a server that cannot tell.
 */
import type { Message } from '../../store/sql/index.js';

export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

const WELL_KNOWN_KEYWORDS: Readonly<Record<string, string>> = {
  $forwarded: '$Forwarded',
  $mdnsent: '$MDNSent',
  $junk: '$Junk',
  $notjunk: '$NotJunk',
  $phishing: '$Phishing',
  junk: 'Junk',
  nonjunk: 'NonJunk',
};

/** FLAGS of a message in a mailbox, as sent to the client. */
export function flagsOf(
  message: Pick<Message, 'seen' | 'answered' | 'flagged' | 'draft' | 'keywords'>,
  deleted: boolean,
): string[] {
  const flags: string[] = [];
  if (message.seen) flags.push('\\Seen');
  if (message.answered) flags.push('\\Answered');
  if (message.flagged) flags.push('\\Flagged');
  if (deleted) flags.push('\\Deleted');
  if (message.draft) flags.push('\\Draft');
  for (const keyword of parseKeywords(message.keywords)) flags.push(WELL_KNOWN_KEYWORDS[keyword] ?? keyword);
  return flags;
}

export function parseKeywords(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
