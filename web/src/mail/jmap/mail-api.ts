/**
 * The mail operations of the web client, each one JMAP request: list a mailbox's window of messages,
 * read one, change keywords, move, destroy.
 */

import { hasTextCondition } from '../search/search-criteria';
import type { Invocation, JmapClient, MethodArgs } from './jmap-client';
import {
  DETAIL_PROPERTIES,
  type EmailAddress,
  type EmailDetail,
  type EmailSummary,
  type Identity,
  type Mailbox,
  SUMMARY_PROPERTIES,
} from './types';

/** A submission the server refused: `type` is the JMAP SetError type (invalidRecipients…). */
export class SendError extends Error {
  constructor(
    readonly type: string,
    description: string,
  ) {
    super(`${type}: ${description}`);
    this.name = 'SendError';
  }
}

/** Body text kept per part in the reader: far above any real message, bounds a hostile one. */
const MAX_BODY_VALUE_BYTES = 2 * 1024 * 1024;

export interface EmailWindow {
  position: number;
  total: number;
  emails: EmailSummary[];
  queryState: string;
}

/** A JMAP FilterCondition (RFC 8621 §4.4.1). */
export type EmailFilter = MethodArgs;

export interface MailQuota {
  used: number;
  hardLimit: number;
  warnLimit: number | null;
}

export interface Snippet {
  emailId: string;
  subject: string | null;
  preview: string | null;
}

function required(results: Map<string, MethodArgs>, callId: string): MethodArgs {
  const args = results.get(callId);
  if (!args) throw new Error(`no response for ${callId}`);
  return args;
}

export function createMailApi(jmap: JmapClient) {
  const accountId = async () => (await jmap.session()).accountId;

  return {
    jmap,

    /** The account's mail storage (JMAP Quotas, RFC 9425), or null if the server has none. */
    async quota(): Promise<MailQuota | null> {
      const results = await jmap.request([['Quota/get', { accountId: await accountId(), ids: null }, 'q']]);
      const list = required(results, 'q').list as MailQuota[];
      return list.find((q) => q.hardLimit > 0) ?? null;
    },

    async mailboxes(): Promise<{ state: string; list: Mailbox[] }> {
      const results = await jmap.request([['Mailbox/get', { accountId: await accountId(), ids: null }, 'm']]);
      const args = required(results, 'm');
      return { state: String(args.state), list: args.list as Mailbox[] };
    },

    /**
     * One window of a query, newest first, with the summaries of its messages (one round trip); with
     * `conversations`, one row per conversation (collapseThreads) and what its row needs (a second
     * round trip for its messages' keywords and folders).
     */
    async emailWindow(
      filter: EmailFilter,
      position: number,
      limit: number,
      conversations = false,
    ): Promise<EmailWindow> {
      const id = await accountId();
      const ids = { resultOf: 'q', name: 'Email/query', path: '/ids' };
      const results = await jmap.request([
        [
          'Email/query',
          {
            accountId: id,
            filter,
            sort: [{ property: 'receivedAt', isAscending: false }],
            position,
            limit,
            calculateTotal: true,
            ...(conversations ? { collapseThreads: true } : {}),
          },
          'q',
        ],
        [
          'Email/get',
          {
            accountId: id,
            '#ids': ids,
            properties: SUMMARY_PROPERTIES,
          },
          'g',
        ],
        ...(conversations
          ? [
              [
                'Thread/get',
                { accountId: id, '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } },
                't',
              ] satisfies Invocation,
            ]
          : []),
      ]);
      const query = required(results, 'q');
      const byId = new Map((required(results, 'g').list as EmailSummary[]).map((e) => [e.id, e]));
      const snippetOf = new Map(((results.get('s')?.list ?? []) as Snippet[]).map((s) => [s.emailId, s]));
      const emails = (query.ids as string[]).flatMap((emailId) => {
        const email = byId.get(emailId);
        if (!email) return [];
        const snippet = snippetOf.get(emailId);
        return [
          snippet ? { ...email, snippet: { subject: snippet.subject, preview: snippet.preview } } : email,
        ];
      });
      const threads = results.get('t')?.list as { id: string; emailIds: string[] }[] | undefined;
      return {
        position: Number(query.position),
        total: Number(query.total),
        emails: threads ? await withConversations(jmap, id, emails, threads, filter) : emails,
        queryState: String(query.queryState),
      };
    },

    /**
     * Where the searched words occur in these messages (SearchSnippet/get). Asked after the rows are
     * shown: reading bodies for snippets costs more than the search itself.
     */
    async snippets(filter: EmailFilter, emailIds: readonly string[]): Promise<Map<string, Snippet>> {
      if (!hasTextCondition(filter) || emailIds.length === 0) return new Map();
      const results = await jmap.request([
        ['SearchSnippet/get', { accountId: await accountId(), filter, emailIds }, 's'],
      ]);
      return new Map((required(results, 's').list as Snippet[]).map((s) => [s.emailId, s]));
    },

    async emailDetail(emailId: string): Promise<EmailDetail | null> {
      const results = await jmap.request([
        [
          'Email/get',
          {
            accountId: await accountId(),
            ids: [emailId],
            properties: DETAIL_PROPERTIES,
            fetchHTMLBodyValues: true,
            fetchTextBodyValues: true,
            maxBodyValueBytes: MAX_BODY_VALUE_BYTES,
          },
          'g',
        ],
      ]);
      const [email] = required(results, 'g').list as EmailDetail[];
      return email ?? null;
    },

    /** Sets or clears one keyword ($seen, $flagged…) on messages. */
    async setKeyword(emailIds: readonly string[], keyword: string, on: boolean): Promise<void> {
      const update = Object.fromEntries(emailIds.map((id) => [id, { [`keywords/${keyword}`]: on || null }]));
      await setEmails(jmap, await accountId(), { update });
    },

    async move(emailIds: readonly string[], from: string, to: string): Promise<void> {
      const update = Object.fromEntries(
        emailIds.map((id) => [id, { [`mailboxIds/${from}`]: null, [`mailboxIds/${to}`]: true }]),
      );
      await setEmails(jmap, await accountId(), { update });
    },

    /** Puts messages in one mailbox, out of any other (bulk moves, drops, search results). */
    async moveTo(emailIds: readonly string[], to: string): Promise<void> {
      const update = Object.fromEntries(emailIds.map((id) => [id, { mailboxIds: { [to]: true } }]));
      await setEmails(jmap, await accountId(), { update });
    },

    async destroy(emailIds: readonly string[]): Promise<void> {
      await setEmails(jmap, await accountId(), { destroy: emailIds });
    },

    /**
     * Deletes for good every message of a mailbox (empty the Trash or Junk), by batches of
     * EMPTY_BATCH: each batch is one request (Email/query, then Email/set destroy by reference).
     */
    async emptyMailbox(mailboxId: string): Promise<number> {
      const id = await accountId();
      let removed = 0;
      for (;;) {
        const results = await jmap.request([
          ['Email/query', { accountId: id, filter: { inMailbox: mailboxId }, limit: EMPTY_BATCH }, 'q'],
          [
            'Email/set',
            { accountId: id, '#destroy': { resultOf: 'q', name: 'Email/query', path: '/ids' } },
            'd',
          ],
        ]);
        const destroyed = (required(results, 'd').destroyed as string[] | null) ?? [];
        removed += destroyed.length;
        if (destroyed.length < EMPTY_BATCH) return removed;
      }
    },

    /** The messages of a conversation, oldest first (Thread/get, then their summaries). */
    async thread(threadId: string): Promise<EmailSummary[]> {
      const id = await accountId();
      const results = await jmap.request([
        ['Thread/get', { accountId: id, ids: [threadId] }, 't'],
        [
          'Email/get',
          {
            accountId: id,
            '#ids': { resultOf: 't', name: 'Thread/get', path: '/list/*/emailIds' },
            properties: SUMMARY_PROPERTIES,
          },
          'g',
        ],
      ]);
      const list = required(results, 'g').list as EmailSummary[];
      return list.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },

    async identities(): Promise<Identity[]> {
      const results = await jmap.request([['Identity/get', { accountId: await accountId() }, 'i']]);
      return required(results, 'i').list as Identity[];
    },

    /** A draft with its bcc (not among the list's properties), to edit it again. */
    async draftDetail(emailId: string): Promise<(EmailDetail & { bcc: EmailAddress[] | null }) | null> {
      const results = await jmap.request([
        [
          'Email/get',
          {
            accountId: await accountId(),
            ids: [emailId],
            properties: [...DETAIL_PROPERTIES, 'bcc', 'inReplyTo', 'references'],
            fetchHTMLBodyValues: true,
            fetchTextBodyValues: true,
          },
          'g',
        ],
      ]);
      const [email] = required(results, 'g').list as (EmailDetail & { bcc: EmailAddress[] | null })[];
      return email ?? null;
    },

    /** Saves a draft, replacing the previous version (JMAP emails are immutable). */
    async saveDraft(draft: MethodArgs, replacing: string | null): Promise<{ id: string }> {
      const results = await jmap.request([
        [
          'Email/set',
          { accountId: await accountId(), create: { draft }, ...(replacing ? { destroy: [replacing] } : {}) },
          's',
        ],
      ]);
      const response = required(results, 's');
      const created = (response.created as Record<string, { id: string }> | null)?.draft;
      if (!created) {
        const error = (response.notCreated as Record<string, { type: string; description?: string }> | null)
          ?.draft;
        throw new Error(error ? `${error.type}: ${error.description ?? ''}` : 'the draft was not saved');
      }
      return created;
    },

    /**
     * Sends a saved draft: held UNDO_SECONDS (or until `sendAt`) on the server, and moved from
     * Drafts to Sent at once. Returns the submission, to cancel it.
     */
    async send(
      emailId: string,
      identity: Identity,
      recipients: string[],
      mailboxes: { drafts: string; sent: string },
      sendAt: Date | null,
    ): Promise<{ submissionId: string; sendAt: string }> {
      const parameters = sendAt
        ? { HOLDUNTIL: sendAt.toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : { HOLDFOR: String(UNDO_SECONDS) };
      const results = await jmap.request([
        [
          'EmailSubmission/set',
          {
            accountId: await accountId(),
            create: {
              send: {
                identityId: identity.id,
                emailId,
                envelope: {
                  mailFrom: { email: identity.email, parameters },
                  rcptTo: recipients.map((email) => ({ email })),
                },
              },
            },
            onSuccessUpdateEmail: {
              '#send': {
                [`mailboxIds/${mailboxes.drafts}`]: null,
                [`mailboxIds/${mailboxes.sent}`]: true,
                'keywords/$draft': null,
              },
            },
          },
          'x',
        ],
      ]);
      const response = required(results, 'x');
      const created = (response.created as Record<string, { id: string; sendAt: string }> | null)?.send;
      if (!created) {
        const error = (response.notCreated as Record<string, { type: string; description?: string }> | null)
          ?.send;
        throw new SendError(error?.type ?? 'serverFail', error?.description ?? '');
      }
      return { submissionId: created.id, sendAt: created.sendAt };
    },

    /** Undo: the held submission is canceled and the message goes back to Drafts. */
    async cancelSend(
      submissionId: string,
      emailId: string,
      mailboxes: { drafts: string; sent: string },
    ): Promise<boolean> {
      const id = await accountId();
      const results = await jmap.request([
        [
          'EmailSubmission/set',
          { accountId: id, update: { [submissionId]: { undoStatus: 'canceled' } } },
          'c',
        ],
      ]);
      const canceled = Object.hasOwn(
        (required(results, 'c').updated as Record<string, unknown> | null) ?? {},
        submissionId,
      );
      if (!canceled) return false;
      await setEmails(jmap, id, {
        update: {
          [emailId]: {
            [`mailboxIds/${mailboxes.sent}`]: null,
            [`mailboxIds/${mailboxes.drafts}`]: true,
            'keywords/$draft': true,
          },
        },
      });
      return true;
    },
  };
}

/** Most ids per Email/get: the server's maxObjectsInGet. */
const MAX_IDS_PER_GET = 500;

/**
 * The conversation of each row: its messages' keywords and folders, read in batches (a page of long
 * conversations can hold more messages than one Email/get takes).
 */
async function withConversations(
  jmap: JmapClient,
  accountId: string,
  rows: EmailSummary[],
  threads: readonly { id: string; emailIds: string[] }[],
  filter: EmailFilter,
): Promise<EmailSummary[]> {
  const all = [...new Set(threads.flatMap((t) => t.emailIds))];
  const members = new Map<string, Pick<EmailSummary, 'id' | 'keywords' | 'mailboxIds'>>();
  for (let start = 0; start < all.length; start += MAX_IDS_PER_GET) {
    const results = await jmap.request([
      [
        'Email/get',
        { accountId, ids: all.slice(start, start + MAX_IDS_PER_GET), properties: ['keywords', 'mailboxIds'] },
        'm',
      ],
    ]);
    for (const email of required(results, 'm').list as EmailSummary[]) members.set(email.id, email);
  }
  const byId = new Map(threads.map((t) => [t.id, t]));
  const mailboxId = typeof filter.inMailbox === 'string' ? filter.inMailbox : null;
  return rows.map((row) => {
    const thread = byId.get(row.threadId);
    if (!thread) return row;
    const known = thread.emailIds.flatMap((emailId) => members.get(emailId) ?? []);
    const inScope = mailboxId ? known.filter((m) => m.mailboxIds[mailboxId]) : known;
    const acted = inScope.length > 0 ? inScope : [row];
    return {
      ...row,
      conversation: {
        size: known.length,
        emailIds: acted.map((m) => m.id),
        unread: acted.some((m) => !m.keywords.$seen),
        flagged: acted.some((m) => m.keywords.$flagged),
      },
    };
  });
}

/** Email/set, with any per-object failure (notUpdated, notDestroyed) raised as an error. */
async function setEmails(jmap: JmapClient, accountId: string, args: MethodArgs): Promise<void> {
  const results = await jmap.request([['Email/set', { accountId, ...args }, 's']]);
  const response = required(results, 's');
  for (const key of ['notUpdated', 'notDestroyed'] as const) {
    const failed = response[key] as Record<string, { type: string; description?: string }> | null;
    const first = failed ? Object.values(failed)[0] : undefined;
    if (first) throw new Error(`${first.type}${first.description ? `: ${first.description}` : ''}`);
  }
}

export type MailApi = ReturnType<typeof createMailApi>;

/** Messages deleted per request when a mailbox is emptied (the server's maxObjectsInSet is 500). */
const EMPTY_BATCH = 200;

/** Undo window: a sent message is held this long on the server before it leaves. */
export const UNDO_SECONDS = 10;
