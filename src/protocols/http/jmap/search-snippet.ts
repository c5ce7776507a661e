/**
 * SearchSnippet/get (RFC 8621 §5.1): for each asked email of the account, its subject and the part
 * of its body where the filter's text occurs, with `<mark>` around each occurrence.
 *
 * Implementation notes
 * - The words come from the filter's text, subject and body conditions (from/to match addresses,
 *   which the list shows already). Matching folds case and accents as the index does (lib/snippet).
 * - The body text is the one the search index holds (parseMessage's textBody: text parts, or the
 *   HTML converted), re-read from the message file: one file at a time, only for asked ids.
 * - Ids of another account, or that do not exist, are notFound — never data.
 */
import { readMessageBytes } from '../../../core/mail/index.js';
import { parseMessage } from '../../../lib/mime/index.js';
import { highlightAll, highlightExcerpt, searchTerms } from '../../../lib/snippet/index.js';
import { findMessageBodies, findMessagesOfAccount } from '../../../store/sql/index.js';
import { invalidArguments, type MethodContext, MethodFailure } from './dispatch.js';
import { idsArgument, knownArguments, MAX_OBJECTS_IN_GET, requireAccount } from './method-arguments.js';
import { methodError } from './request.js';

const TEXT_CONDITIONS = ['text', 'subject', 'body'] as const;

/** The strings of the text conditions of a filter (a FilterCondition or a FilterOperator tree). */
function filterTexts(filter: unknown, depth = 0): string[] {
  if (filter === null || filter === undefined) return [];
  if (typeof filter !== 'object' || Array.isArray(filter) || depth > 10) {
    throw invalidArguments('filter must be a FilterCondition or a FilterOperator');
  }
  const record = filter as Record<string, unknown>;
  if (Array.isArray(record.conditions)) {
    // NOT's words are what must be absent: nothing to highlight.
    if (record.operator === 'NOT') return [];
    return record.conditions.flatMap((c) => filterTexts(c, depth + 1));
  }
  return TEXT_CONDITIONS.flatMap((key) => (typeof record[key] === 'string' ? [record[key] as string] : []));
}

export async function searchSnippetGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'filter', 'emailIds']);
  const emailIds = idsArgument(args.emailIds);
  if (emailIds === null) throw invalidArguments('emailIds is required');
  if (emailIds.length > MAX_OBJECTS_IN_GET) {
    throw new MethodFailure(methodError('requestTooLarge', `at most ${MAX_OBJECTS_IN_GET} emailIds`));
  }
  const terms = searchTerms(filterTexts(args.filter));
  const messages = await findMessagesOfAccount(call.ctx.db, call.account.id, emailIds);
  const bodies = new Map(
    (await findMessageBodies(call.ctx.db, [...new Set(messages.map((m) => m.blob_id))])).map((b) => [
      b.blob_id,
      b,
    ]),
  );
  const found = new Set(messages.map((m) => m.id));
  const list: Record<string, unknown>[] = [];
  for (const message of messages) {
    if (terms.length === 0) {
      list.push({ emailId: message.id, subject: null, preview: null });
      continue;
    }
    const subject = bodies.get(message.blob_id)?.subject ?? '';
    const parsed = parseMessage(await readMessageBytes(call.ctx, message.blob_id));
    list.push({
      emailId: message.id,
      subject: highlightAll(subject, terms),
      preview: highlightExcerpt(parsed.textBody, terms),
    });
  }
  const notFound = emailIds.filter((id) => !found.has(id));
  return { accountId: call.account.id, list, notFound: notFound.length > 0 ? notFound : null };
}
