/**
 * The JMAP request envelope: Request validation, result references and JSON Pointer with `*`
 * (RFC 8620 §3.3, §3.7), with examples from the RFC and fast-check properties (fixed seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePointer, type Invocation, parseRequest, resolveReferences } from './request.js';

const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
const capabilities = new Set([CORE, MAIL]);
const SEED = 20_261_206;

describe('parseRequest', () => {
  it('accepts a well-formed request', () => {
    const parsed = parseRequest(
      { using: [CORE, MAIL], methodCalls: [['Mailbox/get', { accountId: 'a' }, 'c0']] },
      capabilities,
      16,
    );
    expect(parsed).toEqual({
      ok: true,
      value: { using: [CORE, MAIL], methodCalls: [['Mailbox/get', { accountId: 'a' }, 'c0']] },
    });
  });

  it.each([
    ['an array', [], 'notRequest'],
    ['no using', { methodCalls: [] }, 'notRequest'],
    ['using with a number', { using: [1], methodCalls: [] }, 'notRequest'],
    ['a call of two items', { using: [], methodCalls: [['Core/echo', {}]] }, 'notRequest'],
    ['arguments as an array', { using: [], methodCalls: [['Core/echo', [], 'c']] }, 'notRequest'],
    ['an empty method name', { using: [], methodCalls: [['', {}, 'c']] }, 'notRequest'],
    ['createdIds of numbers', { using: [], methodCalls: [], createdIds: { a: 1 } }, 'notRequest'],
    ['an unknown capability', { using: ['urn:x'], methodCalls: [] }, 'unknownCapability'],
  ])('refuses %s', (_label, body, kind) => {
    const parsed = parseRequest(body, capabilities, 16);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.type).toBe(`urn:ietf:params:jmap:error:${kind}`);
  });

  it('refuses more calls than maxCallsInRequest with the limit problem', () => {
    const calls = Array.from({ length: 3 }, (_, i) => ['Core/echo', {}, `c${i}`]);
    const parsed = parseRequest({ using: [CORE], methodCalls: calls }, capabilities, 2);
    expect(parsed).toEqual({
      ok: false,
      problem: {
        type: 'urn:ietf:params:jmap:error:limit',
        status: 400,
        detail: 'at most 2 method calls per request',
        limit: 'maxCallsInRequest',
      },
    });
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseRequest(value, capabilities, 16);
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('evaluatePointer', () => {
  // RFC 8620 §3.7's example response.
  const queryResponse = { ids: ['e1', 'e2'] };
  const getResponse = {
    list: [
      { id: 'e1', threadId: 't1', mailboxIds: { m1: true } },
      { id: 'e2', threadId: 't2', parts: [{ id: 'p1' }, { id: 'p2' }] },
    ],
  };

  it('follows members and indexes, and unescapes ~1 and ~0', () => {
    expect(evaluatePointer(queryResponse, '/ids')).toEqual({ ok: true, value: ['e1', 'e2'] });
    expect(evaluatePointer(queryResponse, '/ids/1')).toEqual({ ok: true, value: 'e2' });
    expect(evaluatePointer({ 'a/b': { '~c': 1 } }, '/a~1b/~0c')).toEqual({ ok: true, value: 1 });
    expect(evaluatePointer(queryResponse, '')).toEqual({ ok: true, value: queryResponse });
  });

  it('maps * over arrays and flattens the arrays it yields', () => {
    expect(evaluatePointer(getResponse, '/list/*/threadId')).toEqual({ ok: true, value: ['t1', 't2'] });
    expect(evaluatePointer({ a: [{ b: [1, 2] }, { b: [3] }] }, '/a/*/b')).toEqual({
      ok: true,
      value: [1, 2, 3],
    });
  });

  it('fails on what is not there', () => {
    for (const path of ['/nothing', '/ids/2', '/ids/01', '/ids/-1', 'ids', '/list/*/parts']) {
      expect(evaluatePointer({ ...queryResponse, ...getResponse }, path).ok).toBe(false);
    }
  });

  it('finds every value of a JSON document by the pointer to it', () => {
    const pathsOf = (value: unknown, prefix = ''): [string, unknown][] => {
      const here: [string, unknown][] = [[prefix, value]];
      if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, `${prefix}/${i}`))];
      if (typeof value === 'object' && value !== null) {
        return [
          ...here,
          ...Object.entries(value).flatMap(([k, v]) =>
            pathsOf(v, `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
          ),
        ];
      }
      return here;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        for (const [path, value] of pathsOf(doc))
          expect(evaluatePointer(doc, path)).toEqual({ ok: true, value });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('resolveReferences', () => {
  const responses: Invocation[] = [
    ['Email/query', { ids: ['e1', 'e2'] }, 'q'],
    ['Email/get', { list: [{ threadId: 't1' }, { threadId: 't2' }] }, 'g'],
  ];

  it('replaces #name by the referenced value', () => {
    const resolved = resolveReferences(
      { accountId: 'a', '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } },
      responses,
    );
    expect(resolved).toEqual({ ok: true, args: { accountId: 'a', ids: ['t1', 't2'] } });
  });

  it.each([
    [
      'a call id never seen',
      { '#ids': { resultOf: 'x', name: 'Email/get', path: '/list' } },
      'invalidResultReference',
    ],
    [
      'the wrong response name',
      { '#ids': { resultOf: 'q', name: 'Email/get', path: '/ids' } },
      'invalidResultReference',
    ],
    [
      'a path to nothing',
      { '#ids': { resultOf: 'q', name: 'Email/query', path: '/nope' } },
      'invalidResultReference',
    ],
    ['a malformed reference', { '#ids': 'q/ids' }, 'invalidResultReference'],
    [
      'both ids and #ids',
      { ids: [], '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' } },
      'invalidArguments',
    ],
  ])('refuses %s', (_label, args, type) => {
    const resolved = resolveReferences(args, responses);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.error.type).toBe(type);
  });
});
