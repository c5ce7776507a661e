/**
 * Building a message from its parts (the webmail's drafts), with nodemailer's MailComposer: MIME
 * structure, encoded words, line folding and transfer encodings are its job, done right for years.
 *
 * Implementation notes
 * - File and URL access are disabled: every part's content is given as bytes by the caller, so no
 *   input can make the composer read a server file or fetch a URL.
 * - Bcc is kept in the built message (the sender's copy shows it); `withoutBcc` takes it out of what
 *   is transmitted (RFC 5322 §3.6.3).
 */
import MailComposer from 'nodemailer/lib/mail-composer';

export interface ComposeAddress {
  name: string;
  address: string;
}

export interface ComposeAttachment {
  content: Buffer;
  filename: string | null;
  contentType: string;
  /** Content-ID without angle brackets, for an image the HTML shows inline. */
  cid: string | null;
  inline: boolean;
}

export interface ComposeInput {
  from: ComposeAddress[];
  to: ComposeAddress[];
  cc: ComposeAddress[];
  bcc: ComposeAddress[];
  replyTo: ComposeAddress[];
  subject: string;
  /** Without angle brackets. */
  messageId: string;
  date: Date;
  inReplyTo: string[];
  references: string[];
  text: string | null;
  html: string | null;
  attachments: ComposeAttachment[];
  /** Extra header fields (name → value), already safe (no CR or LF). */
  headers?: Record<string, string>;
}

const list = (addresses: ComposeAddress[]) => (addresses.length > 0 ? addresses : undefined);
const ids = (values: string[]) => (values.length > 0 ? values.map((v) => `<${v}>`).join(' ') : undefined);

export function composeMessage(input: ComposeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from[0],
    to: list(input.to),
    cc: list(input.cc),
    bcc: list(input.bcc),
    replyTo: list(input.replyTo),
    subject: input.subject,
    messageId: `<${input.messageId}>`,
    date: input.date,
    inReplyTo: ids(input.inReplyTo),
    references: ids(input.references),
    text: input.text ?? undefined,
    html: input.html ?? undefined,
    headers: input.headers,
    disableFileAccess: true,
    disableUrlAccess: true,
    attachments: input.attachments.map((a) => ({
      content: a.content,
      filename: a.filename ?? false,
      contentType: a.contentType,
      ...(a.cid ? { cid: a.cid } : {}),
      contentDisposition: a.inline ? 'inline' : 'attachment',
    })),
  });
  const node = composer.compile();
  node.keepBcc = true;
  return new Promise((resolve, reject) => {
    node.build((error: Error | null, message: Buffer) => (error ? reject(error) : resolve(message)));
  });
}

/** The message without its Bcc header field(s), folded continuation lines included. */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  // The header block with the newline ending its last field; no blank line: all header.
  const headerEnd = blank ? blank.index + (blank[0].startsWith('\r') ? 2 : 1) : text.length;
  const lines = text.slice(0, headerEnd).split(/(?<=\n)/);
  let dropping = false;
  const kept: string[] = [];
  for (const line of lines) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (!continuation) dropping = /^bcc[ \t]*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  if (kept.length === lines.length) return raw;
  return Buffer.concat([Buffer.from(kept.join(''), 'latin1'), raw.subarray(headerEnd)]);
}
