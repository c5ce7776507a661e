/**
 * The JMAP request envelope (RFC 8620 §3.3–3.7): validating a Request object, and resolving result
 * references (`#name` arguments) against the responses already produced.
 *
 * Implementation notes
 * - Pure functions of their input: no I/O, no state, so they are unit- and property-tested alone.
 * - Request-level problems (not JSON, not a Request, unknown capability, over a limit) reject the
 *   whole request before any method runs: nothing is changed (RFC 8620 §3.6.1).
 * - A result reference names an earlier call by its method call id and response name; its path is
 *   a JSON Pointer (RFC 6901) where `*` maps over an array and flattens arrays it yields (§3.7).
 *   Giving both `foo` and `#foo` is invalidArguments; any failure to resolve is
 *   invalidResultReference. The value found is used as is (it was produced by our own methods).
 * - Method call ids and names are bounded in length, and the number of calls by
 *   `maxCallsInRequest`: an unbounded request is answered with the `limit` problem, not processed.
 */

/** One method call or response: [name, arguments, method call id]. */
export type Invocation = [string, Record<string, unknown>, string];

export interface JmapRequest {
  using: string[];
  methodCalls: Invocation[];
  createdIds?: Record<string, string>;
}

/** A request-level error (RFC 8620 §3.6.1), sent as an RFC 7807 problem with HTTP 400. */
export interface RequestProblem {
  type: string;
  status: 400;
  detail: string;
  limit?: string;
}

/** A method-level error (RFC 8620 §3.6.2): the response `["error", {type, …}, callId]`. */
export interface MethodError {
  type: string;
  description?: string;
  [extra: string]: unknown;
}

const URN = 'urn:ietf:params:jmap:error:';
/** Longest method name or call id accepted; far above any real one. */
const MAX_NAME_LENGTH = 255;

export function methodError(
  type: string,
  description?: string,
  extra: Record<string, unknown> = {},
): MethodError {
  return description === undefined ? { type, ...extra } : { type, description, ...extra };
}

function requestProblem(kind: string, detail: string, limit?: string): RequestProblem {
  return limit === undefined
    ? { type: `${URN}${kind}`, status: 400, detail }
    : { type: `${URN}${kind}`, status: 400, detail, limit };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that `body` (already parsed JSON) is a Request this server can process.
 * `capabilities`: the capability URIs the server supports; `maxCalls`: maxCallsInRequest.
 */
export function parseRequest(
  body: unknown,
  capabilities: ReadonlySet<string>,
  maxCalls: number,
): { ok: true; value: JmapRequest } | { ok: false; problem: RequestProblem } {
  if (!isObject(body))
    return { ok: false, problem: requestProblem('notRequest', 'the request must be a JSON object') };
  const { using, methodCalls, createdIds } = body;
  if (!Array.isArray(using) || !using.every((u) => typeof u === 'string')) {
    return {
      ok: false,
      problem: requestProblem('notRequest', '"using" must be an array of capability URIs'),
    };
  }
  if (!Array.isArray(methodCalls)) {
    return { ok: false, problem: requestProblem('notRequest', '"methodCalls" must be an array') };
  }
  if (methodCalls.length > maxCalls) {
    return {
      ok: false,
      problem: requestProblem('limit', `at most ${maxCalls} method calls per request`, 'maxCallsInRequest'),
    };
  }
  for (const call of methodCalls) {
    const valid =
      Array.isArray(call) &&
      call.length === 3 &&
      typeof call[0] === 'string' &&
      call[0].length > 0 &&
      call[0].length <= MAX_NAME_LENGTH &&
      isObject(call[1]) &&
      typeof call[2] === 'string' &&
      call[2].length <= MAX_NAME_LENGTH;
    if (!valid) {
      return {
        ok: false,
        problem: requestProblem('notRequest', 'each method call must be [name, arguments object, call id]'),
      };
    }
  }
  if (
    createdIds !== undefined &&
    (!isObject(createdIds) || !Object.values(createdIds).every((v) => typeof v === 'string'))
  ) {
    return { ok: false, problem: requestProblem('notRequest', '"createdIds" must map ids to ids') };
  }
  const unknown = using.find((u) => !capabilities.has(u));
  if (unknown !== undefined) {
    return { ok: false, problem: requestProblem('unknownCapability', `unknown capability ${unknown}`) };
  }
  return {
    ok: true,
    value: {
      using,
      methodCalls: methodCalls as Invocation[],
      ...(createdIds === undefined ? {} : { createdIds: createdIds as Record<string, string> }),
    },
  };
}

/**
 * Replaces each `#name` argument by the value its result reference points to.
 * `responses`: the responses produced so far in this request, in order.
 */
export function resolveReferences(
  args: Record<string, unknown>,
  responses: readonly Invocation[],
): { ok: true; args: Record<string, unknown> } | { ok: false; error: MethodError } {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!key.startsWith('#')) {
      resolved[key] = value;
      continue;
    }
    const name = key.slice(1);
    if (Object.hasOwn(args, name)) {
      return { ok: false, error: methodError('invalidArguments', `both ${name} and #${name} given`) };
    }
    if (
      !isObject(value) ||
      typeof value.resultOf !== 'string' ||
      typeof value.name !== 'string' ||
      typeof value.path !== 'string'
    ) {
      return {
        ok: false,
        error: methodError('invalidResultReference', `#${name} must be {resultOf, name, path}`),
      };
    }
    const { resultOf, name: responseName, path } = value;
    const source = responses.find(([, , callId]) => callId === resultOf);
    if (!source || source[0] !== responseName) {
      return {
        ok: false,
        error: methodError('invalidResultReference', `no ${responseName} response for call ${resultOf}`),
      };
    }
    const found = evaluatePointer(source[1], path);
    if (!found.ok) {
      return { ok: false, error: methodError('invalidResultReference', `${path}: ${found.reason}`) };
    }
    resolved[name] = found.value;
  }
  return { ok: true, args: resolved };
}

/** A JSON Pointer (RFC 6901) with JMAP's `*` over arrays (RFC 8620 §3.7). */
export function evaluatePointer(
  value: unknown,
  path: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (path === '') return { ok: true, value };
  if (!path.startsWith('/')) return { ok: false, reason: 'a path starts with "/"' };
  const tokens = path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  return walk(value, tokens);
}

function walk(
  value: unknown,
  tokens: readonly string[],
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (tokens.length === 0) return { ok: true, value };
  const [token, ...rest] = tokens as [string, ...string[]];
  if (Array.isArray(value)) {
    if (token === '*') {
      const out: unknown[] = [];
      for (const item of value) {
        const inner = walk(item, rest);
        if (!inner.ok) return inner;
        if (Array.isArray(inner.value)) out.push(...inner.value);
        else out.push(inner.value);
      }
      return { ok: true, value: out };
    }
    if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= value.length) {
      return { ok: false, reason: `no item ${token}` };
    }
    return walk(value[Number(token)], rest);
  }
  if (isObject(value) && Object.hasOwn(value, token)) return walk(value[token], rest);
  return { ok: false, reason: `no member ${token}` };
}
