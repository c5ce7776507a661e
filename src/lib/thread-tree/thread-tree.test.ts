import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ThreadInput, type ThreadNode, threadByOrderedSubject, threadByReferences } from './index.js';

let next = 1;
function msg(
  fields: Partial<ThreadInput> & { id?: string | null; refs?: string[]; subject?: string },
): ThreadInput {
  const key = fields.key ?? next++;
  const subject = fields.subject ?? 'sujet';
  return {
    key,
    order: fields.order ?? key,
    messageId: fields.id === undefined ? `m${key}@x` : fields.id,
    references: fields.refs ?? [],
    inReplyTo: fields.inReplyTo ?? [],
    baseSubject: subject.replace(/^re: /i, ''),
    isReply: /^re: /i.test(subject),
    sentAt: fields.sentAt ?? key * 1000,
  };
}

/** Compact shape: `1(2,3(4))`, `*` for a dummy. */
function shape(nodes: ThreadNode[]): string {
  return nodes
    .map((n) => `${n.message ? n.message.key : '*'}${n.children.length ? `(${shape(n.children)})` : ''}`)
    .join(',');
}

describe('threadByReferences', () => {
  it('builds the tree from References and orders siblings by date', () => {
    const threads = threadByReferences([
      msg({ key: 1, id: 'a', subject: 'Sortie' }),
      msg({ key: 2, id: 'b', refs: ['a'], subject: 'Re: Sortie' }),
      msg({ key: 3, id: 'c', refs: ['a'], subject: 'Re: Sortie', sentAt: 1500 }),
      msg({ key: 4, id: 'd', refs: ['a', 'b'], subject: 'Re: Sortie' }),
      msg({ key: 5, id: 'e', subject: 'Autre chose' }),
    ]);
    expect(shape(threads)).toBe('1(3,2(4)),5');
  });

  it('uses In-Reply-To when References is missing', () => {
    const threads = threadByReferences([
      msg({ key: 1, id: 'a', subject: 'x' }),
      msg({ key: 2, id: 'b', inReplyTo: ['a', 'zz'], subject: 'y' }),
    ]);
    expect(shape(threads)).toBe('1(2)');
  });

  it('promotes the children of an absent parent, keeping a dummy at the root for several', () => {
    const threads = threadByReferences([
      msg({ key: 1, id: 'b', refs: ['absent'], subject: 'un' }),
      msg({ key: 2, id: 'c', refs: ['absent'], subject: 'deux' }),
      msg({ key: 3, id: 'd', refs: ['gone', 'absent2'], subject: 'trois' }),
    ]);
    expect(shape(threads)).toBe('*(1,2),3');
  });

  it('gathers roots by base subject: a reply goes under the original, equals under a dummy', () => {
    const threads = threadByReferences([
      msg({ key: 1, subject: 'Conseil de classe' }),
      msg({ key: 2, subject: 'Re: Conseil de classe' }),
      msg({ key: 3, subject: 'Cantine' }),
      msg({ key: 4, subject: 'Cantine' }),
      msg({ key: 5, subject: '' }),
      msg({ key: 6, subject: '' }),
    ]);
    expect(shape(threads)).toBe('1(2),*(3,4),5,6');
  });

  it('survives loops, self references and duplicate or missing Message-IDs', () => {
    const threads = threadByReferences([
      msg({ key: 1, id: 'a', refs: ['b'] }),
      msg({ key: 2, id: 'b', refs: ['a'] }),
      msg({ key: 3, id: 'c', refs: ['c', 'c'] }),
      msg({ key: 4, id: 'a', refs: ['c'] }),
      msg({ key: 5, id: null }),
    ]);
    const keys = flatten(threads).sort((x, y) => x - y);
    expect(keys).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets the last reference win over an earlier guess', () => {
    // 2 names a→c, so c is first guessed a child of a; c's own References then say it answers b.
    const threads = threadByReferences([
      msg({ key: 1, id: 'a', subject: 'p' }),
      msg({ key: 2, id: 'x', refs: ['a', 'c'], subject: 'q' }),
      msg({ key: 3, id: 'b', subject: 'r' }),
      msg({ key: 4, id: 'c', refs: ['b'], subject: 's' }),
    ]);
    expect(shape(threads)).toBe('1,3(4(2))');
  });
});

describe('threadByOrderedSubject', () => {
  it('groups by base subject, parents first, threads by their first date', () => {
    const threads = threadByOrderedSubject([
      msg({ key: 1, subject: 'b', sentAt: 5000 }),
      msg({ key: 2, subject: 'a', sentAt: 9000 }),
      msg({ key: 3, subject: 'Re: b', sentAt: 4000 }),
      msg({ key: 4, subject: 'b', sentAt: 6000 }),
      msg({ key: 5, subject: 'c', sentAt: 1000 }),
    ]);
    expect(shape(threads)).toBe('5,3(1,4),2');
  });
});

function flatten(nodes: ThreadNode[]): number[] {
  return nodes.flatMap((n) => [...(n.message ? [n.message.key] : []), ...flatten(n.children)]);
}

function checkInvariants(threads: ThreadNode[], count: number) {
  // Every message exactly once, no empty dummies, siblings in date order.
  expect(flatten(threads).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  const walk = (nodes: ThreadNode[]) => {
    for (const node of nodes) {
      if (!node.message) expect(node.children.length).toBeGreaterThan(0);
      walk(node.children);
    }
  };
  walk(threads);
}

describe('thread trees on arbitrary headers', () => {
  const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g');
  const message = fc.record({
    id: fc.option(ids, { nil: null }),
    refs: fc.array(ids, { maxLength: 5 }),
    inReplyTo: fc.array(ids, { maxLength: 2 }),
    subject: fc.constantFrom('', 'x', 'Re: x', 'y', 'Re: y'),
    sentAt: fc.integer({ min: 0, max: 5 }),
  });

  it('REFERENCES places every message exactly once, whatever the headers', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 25 }), (specs) => {
        const inputs = specs.map((s, i) => msg({ ...s, key: i + 1 }));
        checkInvariants(threadByReferences(inputs), inputs.length);
      }),
      { numRuns: 500 },
    );
  });

  it('ORDEREDSUBJECT places every message exactly once, one thread per base subject', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 25 }), (specs) => {
        const inputs = specs.map((s, i) => msg({ ...s, key: i + 1 }));
        const threads = threadByOrderedSubject(inputs);
        checkInvariants(threads, inputs.length);
        expect(new Set(threads.map((t) => t.message?.baseSubject)).size).toBe(threads.length);
      }),
      { numRuns: 300 },
    );
  });
});
