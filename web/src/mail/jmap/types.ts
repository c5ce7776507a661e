/** The JMAP Mail objects (RFC 8621) as the web client reads them: only the properties it asks for. */

export interface MailboxRights {
  mayRename: boolean;
  mayDelete: boolean;
}

export interface Mailbox {
  id: string;
  name: string;
  parentId: string | null;
  role: string | null;
  sortOrder: number;
  totalEmails: number;
  unreadEmails: number;
  myRights: MailboxRights;
}

export interface EmailAddress {
  name: string | null;
  email: string;
}

/** What a row of the message list shows. */
export interface EmailSummary {
  id: string;
  threadId: string;
  mailboxIds: Record<string, true>;
  keywords: Record<string, true>;
  receivedAt: string;
  from: EmailAddress[] | null;
  to: EmailAddress[] | null;
  subject: string | null;
  preview: string;
  hasAttachment: boolean;
  size: number;
  /** In search results: where the words occur (SearchSnippet HTML: escaped text and <mark>). */
  snippet?: { subject: string | null; preview: string | null };
  /** In the conversation view, the row stands for its whole conversation: see ConversationInfo. */
  conversation?: ConversationInfo;
}

/**
 * A conversation as one row of the list: its messages in the folder shown (all of them in search
 * results) are what the row's actions act on; `size` counts every message of the conversation,
 * replies in Sent included, as Gmail and Thunderbird do.
 */
export interface ConversationInfo {
  size: number;
  emailIds: string[];
  unread: boolean;
  flagged: boolean;
}

export interface BodyPart {
  partId: string;
  blobId: string;
  size: number;
  name: string | null;
  type: string;
  charset: string | null;
  disposition: string | null;
  cid: string | null;
}

export interface BodyValue {
  value: string;
  isTruncated: boolean;
}

/** What the reader shows: the summary plus bodies and attachments. */
export interface EmailDetail extends EmailSummary {
  blobId: string;
  messageId?: string[] | null;
  references?: string[] | null;
  cc: EmailAddress[] | null;
  sentAt: string | null;
  textBody: BodyPart[];
  htmlBody: BodyPart[];
  attachments: BodyPart[];
  bodyValues: Record<string, BodyValue>;
}

export const SUMMARY_PROPERTIES = [
  'threadId',
  'mailboxIds',
  'keywords',
  'receivedAt',
  'from',
  'to',
  'subject',
  'preview',
  'hasAttachment',
  'size',
] as const;

export const DETAIL_PROPERTIES = [
  ...SUMMARY_PROPERTIES,
  'blobId',
  'messageId',
  'references',
  'cc',
  'sentAt',
  'textBody',
  'htmlBody',
  'attachments',
  'bodyValues',
] as const;

export interface Identity {
  id: string;
  name: string;
  email: string;
  replyTo?: EmailAddress[] | null;
  bcc?: EmailAddress[] | null;
  textSignature?: string;
  /** Untrusted HTML (another client may have set it): sanitize before showing. */
  htmlSignature?: string;
  mayDelete?: boolean;
}
