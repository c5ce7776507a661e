/**
 * Runs a JMAP request's method calls in order (RFC 8620 §3.3): result references resolved against
 * the responses so far, each call answered by its handler or by a method-level error.
 *
 * Implementation notes
 * - A method is callable only when its capability is in the request's `using`; otherwise, as for a
 *   name we do not know, the answer is `unknownMethod` (RFC 8620 §3.6.2).
 * - Handlers throw `MethodFailure` for the errors the RFC names (invalidArguments, accountNotFound,
 *   cannotCalculateChanges…). Anything else is a bug or an outage: logged, answered `serverFail`
 *   without details, and the following calls still run.
 * - Every handler works on the signed-in account only: `accountId` must be that account's id, or
 *   the call fails with accountNotFound before any read, so another user's ids never reach a query.
 */
import type { CoreContext } from '../../../core/context.js';
import type { Account } from '../../../store/sql/index.js';
import {
  type Invocation,
  type JmapRequest,
  type MethodError,
  methodError,
  resolveReferences,
} from './request.js';

export const CORE_CAPABILITY = 'urn:ietf:params:jmap:core';
export const MAIL_CAPABILITY = 'urn:ietf:params:jmap:mail';

export interface MethodContext {
  ctx: CoreContext;
  account: Account;
  /** maxSizeUpload, also the bound of a new email's attachments. */
  maxUploadBytes: number;
  /** Creation ids (`#k1`) of this request and the ids they became (RFC 8620 §5.3). */
  creationIds: Map<string, string>;
  /** Implicit responses a method adds after its own (EmailSubmission/set's Email/set). */
  followUps: [name: string, args: Record<string, unknown>][];
}

export type MethodHandler = (
  call: MethodContext,
  args: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

export interface MethodDefinition {
  capability: string;
  handler: MethodHandler;
}

export class MethodFailure extends Error {
  constructor(readonly error: MethodError) {
    super(error.description ?? error.type);
  }
}

export function invalidArguments(description: string): MethodFailure {
  return new MethodFailure(methodError('invalidArguments', description));
}

export async function runRequest(
  session: Pick<MethodContext, 'ctx' | 'account' | 'maxUploadBytes'>,
  request: JmapRequest,
  methods: ReadonlyMap<string, MethodDefinition>,
): Promise<{ responses: Invocation[]; createdIds: Record<string, string> }> {
  const responses: Invocation[] = [];
  const call: MethodContext = {
    ...session,
    creationIds: new Map(Object.entries(request.createdIds ?? {})),
    followUps: [],
  };
  const using = new Set(request.using);
  for (const [name, rawArgs, callId] of request.methodCalls) {
    const method = methods.get(name);
    if (!method || !using.has(method.capability)) {
      responses.push(['error', methodError('unknownMethod', `unknown method ${name}`), callId]);
      continue;
    }
    const resolved = resolveReferences(rawArgs, responses);
    if (!resolved.ok) {
      responses.push(['error', resolved.error, callId]);
      continue;
    }
    try {
      call.followUps = [];
      responses.push([name, await method.handler(call, resolved.args), callId]);
      for (const [followName, followArgs] of call.followUps) responses.push([followName, followArgs, callId]);
    } catch (error) {
      if (error instanceof MethodFailure) {
        responses.push(['error', error.error, callId]);
      } else {
        call.ctx.log.error({ event: 'jmap.method_failed', method: name, err: error }, 'JMAP method failed');
        responses.push(['error', methodError('serverFail'), callId]);
      }
    }
  }
  return { responses, createdIds: Object.fromEntries(call.creationIds) };
}

/** An id argument that may name an object created earlier in the request (`#creationId`). */
export function resolveCreationId(call: MethodContext, id: string): string | undefined {
  return id.startsWith('#') ? call.creationIds.get(id.slice(1)) : id;
}
