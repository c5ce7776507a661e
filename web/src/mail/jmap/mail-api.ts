/**
 * The mail operations of the web client, each one JMAP request: list a mailbox's window of messages,
 * read one, change keywords, move, destroy.
 */

import type { JmapClient, MethodArgs } from './jmap-client';
import {
  DETAIL_PROPERTIES,
  type EmailDetail,
  type EmailSummary,
  type Mailbox,
  SUMMARY_PROPERTIES,
} from './types';

/** Body text kept per part in the reader: far above any real message, bounds a hostile one. */
const MAX_BODY_VALUE_BYTES = 2 * 1024 * 1024;

export interface EmailWindow {
  position: number;
  total: number;
  emails: EmailSummary[];
  queryState: string;
}

export interface EmailFilter {
  inMailbox?: string;
  text?: string;
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

    async mailboxes(): Promise<{ state: string; list: Mailbox[] }> {
      const results = await jmap.request([['Mailbox/get', { accountId: await accountId(), ids: null }, 'm']]);
      const args = required(results, 'm');
      return { state: String(args.state), list: args.list as Mailbox[] };
    },

    /** One window of a query, newest first, with the summaries of its messages (one round trip). */
    async emailWindow(filter: EmailFilter, position: number, limit: number): Promise<EmailWindow> {
      const id = await accountId();
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
          },
          'q',
        ],
        [
          'Email/get',
          {
            accountId: id,
            '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
            properties: SUMMARY_PROPERTIES,
          },
          'g',
        ],
      ]);
      const query = required(results, 'q');
      const byId = new Map((required(results, 'g').list as EmailSummary[]).map((e) => [e.id, e]));
      const emails = (query.ids as string[]).flatMap((emailId) => byId.get(emailId) ?? []);
      return {
        position: Number(query.position),
        total: Number(query.total),
        emails,
        queryState: String(query.queryState),
      };
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

    async destroy(emailIds: readonly string[]): Promise<void> {
      await setEmails(jmap, await accountId(), { destroy: emailIds });
    },
  };
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
