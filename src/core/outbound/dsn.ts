/**
 * Delivery status notifications (bounces): RFC 3464 multipart/report messages.
 *
 * Implementation notes
 * - Structure (RFC 3462 §1, RFC 3464 §2): `multipart/report; report-type=delivery-status` with
 *   (1) a human-readable text/plain part, in French then English (our users are French public
 *   servants; many correspondents are not), (2) the `message/delivery-status` part with the
 *   per-message fields and one block per failed recipient (Final-Recipient, Action, Status,
 *   Remote-MTA, Diagnostic-Code, Last-Attempt-Date), (3) the original header block as
 *   `text/rfc822-headers` — headers only, never the body: a bounce must not carry a copy of
 *   possibly confidential content to a sender address that may be forged.
 * - Every generated line is 7-bit: the text part is quoted-printable, header values with accents are
 *   RFC 2047 encoded words, and remote replies are reduced to printable ASCII. Only the returned
 *   original headers may be 8-bit (RFC 6532); their part is then labelled 8bit.
 * - `Auto-Submitted: auto-replied` (RFC 3834 §5) tells vacation responders not to answer it; the
 *   envelope sender of a DSN is always null (RFC 3464 §2, RFC 5321 §4.5.5), set by the caller.
 */
import { randomUUID } from 'node:crypto';

/** Most bytes of the original header block returned (a hostile header block cannot inflate bounces). */
export const MAX_RETURNED_HEADER_BYTES = 64 * 1024;
/** RFC 2045 §6.7: quoted-printable lines are at most 76 characters. */
const QP_LINE_CHARS = 76;

export interface DsnRecipient {
  recipient: string;
  /** RFC 3463 enhanced code, `5.1.1` or `4.4.7`. */
  status: string;
  /** The remote SMTP reply, when the failure came from one. */
  smtpReply?: string;
  /** Our own reason, when no remote reply explains the failure. */
  reason?: string;
  remoteMta?: string;
  lastAttemptAt: number;
}

export interface DsnInput {
  /** Our host name: Reporting-MTA and the From/Message-ID domain. */
  reportingMta: string;
  /** The original envelope sender, who receives the DSN. */
  sender: string;
  arrivalDate: number;
  date: number;
  recipients: DsnRecipient[];
  /** The original message's header block (cut to MAX_RETURNED_HEADER_BYTES by `headerBlockOf`). */
  originalHeaders: Buffer;
}

const STATUS_TEXT: Record<string, { fr: string; en: string }> = {
  '4.4.7': {
    fr: 'aucune remise possible pendant 5 jours, le délai est dépassé',
    en: 'no delivery possible for 5 days, the delivery time expired',
  },
  '5.1.10': {
    fr: 'le domaine du destinataire n’accepte aucun courrier (MX nul)',
    en: 'the recipient’s domain accepts no mail (null MX)',
  },
  '5.1.2': { fr: 'le domaine du destinataire est introuvable', en: 'the recipient’s domain does not exist' },
  '5.3.4': {
    fr: 'le message est trop grand pour le serveur distant',
    en: 'the message is too large for the remote server',
  },
};
const DEFAULT_TEXT = {
  fr: 'le serveur distant a refusé le message',
  en: 'the remote server refused the message',
};

/** Builds the DSN message (CRLF line endings). */
export function buildDsn(input: DsnInput): Buffer {
  const boundary = `=_facteur_dsn_${randomUUID()}`;
  const host = input.reportingMta;
  const lines = (fr: boolean) =>
    input.recipients.map((r) => {
      const text = STATUS_TEXT[r.status] ?? DEFAULT_TEXT;
      const detail = r.smtpReply ?? r.reason;
      // French typography puts a space before the colon; English does not.
      const line = fr ? `  <${r.recipient}> : ${text.fr}` : `  <${r.recipient}>: ${text.en}`;
      return detail ? `${line}\n    (${printable(detail)})` : line;
    });
  const human = [
    `Ceci est le système de messagerie de ${host}.`,
    '',
    'Votre message n’a pas pu être remis aux destinataires suivants :',
    '',
    ...lines(true),
    '',
    'Les en-têtes du message d’origine sont joints. Ce message est automatique, n’y répondez pas.',
    '',
    '-----',
    '',
    `This is the mail system at ${host}.`,
    '',
    'Your message could not be delivered to the following recipients:',
    '',
    ...lines(false),
    '',
    'The headers of the original message are attached. This message is automatic, do not reply.',
    '',
  ].join('\n');

  const status = [
    `Reporting-MTA: dns; ${host}`,
    `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`,
    ...input.recipients.flatMap((r) => [
      '',
      `Final-Recipient: rfc822; ${printable(r.recipient)}`,
      'Action: failed',
      `Status: ${r.status}`,
      ...(r.remoteMta ? [`Remote-MTA: dns; ${printable(r.remoteMta)}`] : []),
      ...(r.smtpReply ? [`Diagnostic-Code: smtp; ${printable(r.smtpReply)}`] : []),
      `Last-Attempt-Date: ${rfc5322Date(r.lastAttemptAt)}`,
    ]),
    '',
  ].join('\r\n');

  const headers = input.originalHeaders;
  const is8bit = headers.some((byte) => byte > 0x7e);
  const head = [
    `From: =?UTF-8?Q?Syst=C3=A8me_de_messagerie?= <MAILER-DAEMON@${host}>`,
    `To: <${input.sender}>`,
    'Subject: =?UTF-8?Q?Message_non_distribu=C3=A9?= / Undelivered Mail Returned to Sender',
    `Date: ${rfc5322Date(input.date)}`,
    `Message-ID: <${randomUUID()}@${host}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-formatted delivery status notification (RFC 3464).',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    'Content-Description: Notification',
    '',
    encodeQuotedPrintable(human),
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    status,
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    ...(is8bit ? ['Content-Transfer-Encoding: 8bit'] : []),
    'Content-Description: Original message headers',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'utf8'), headers, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
}

/**
 * The header block of a raw message (up to, not including, the blank line), cut at a line end
 * within MAX_RETURNED_HEADER_BYTES.
 */
export function headerBlockOf(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  let block = ends.length > 0 ? raw.subarray(0, Math.min(...ends)) : raw;
  if (block.length > MAX_RETURNED_HEADER_BYTES) {
    block = block.subarray(0, MAX_RETURNED_HEADER_BYTES);
    const lastLine = block.lastIndexOf('\n');
    if (lastLine > 0) block = block.subarray(0, lastLine);
  }
  // Normalise to CRLF so the part is well-formed whatever the original used.
  const text = block.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/\r+$/, '');
  return Buffer.from(text, 'latin1');
}

/** RFC 5322 §3.3 date-time in UTC. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** A remote reply or address reduced to one line of printable ASCII (RFC 3464 fields are 7-bit). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim();
}

/** RFC 2045 §6.7 quoted-printable of UTF-8 text, with CRLF line breaks and soft breaks at 76. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens: string[] = [];
      bytes.forEach((byte, i) => {
        const last = i === bytes.length - 1;
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        tokens.push(
          literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`,
        );
      });
      const out: string[] = [];
      let current = '';
      for (const token of tokens) {
        if (current.length + token.length > QP_LINE_CHARS - 1) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      out.push(current);
      return out.join('\r\n');
    })
    .join('\r\n');
}
