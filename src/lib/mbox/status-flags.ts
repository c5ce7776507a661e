/**
 * Flags from the Status and X-Status headers that mail programs (mutt, Thunderbird, pine) write
 * into mbox files: R read, O old; A answered, F flagged, T draft, D deleted.
 */

export interface MboxFlags {
  seen: boolean;
  answered: boolean;
  flagged: boolean;
  draft: boolean;
  deleted: boolean;
}

/** Reads the flags from the header block only (never from the body). */
export function flagsFromStatusHeaders(raw: Buffer): MboxFlags {
  const flags: MboxFlags = { seen: false, answered: false, flagged: false, draft: false, deleted: false };
  const headerEnd = findHeaderEnd(raw);
  const header = raw.toString('latin1', 0, headerEnd);
  for (const match of header.matchAll(/^(X-Status|Status):[ \t]*([A-Za-z$]*)/gim)) {
    const name = (match[1] ?? '').toLowerCase();
    const letters = match[2] ?? '';
    if (name === 'status') {
      if (letters.includes('R')) flags.seen = true;
    } else {
      if (letters.includes('A')) flags.answered = true;
      if (letters.includes('F')) flags.flagged = true;
      if (letters.includes('T')) flags.draft = true;
      if (letters.includes('D')) flags.deleted = true;
    }
  }
  return flags;
}

function findHeaderEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const candidates = [crlf, lf].filter((i) => i >= 0);
  return candidates.length === 0 ? raw.length : Math.min(...candidates);
}
