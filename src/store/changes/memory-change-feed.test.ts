import { describe, expect, it } from 'vitest';
import type { MailChange } from './change-feed.js';
import { createMemoryChangeFeed } from './memory-change-feed.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createMemoryChangeFeed', () => {
  it('tells only the listeners of the changed account, after the publisher returns', async () => {
    const feed = createMemoryChangeFeed();
    const heard: string[] = [];
    feed.subscribe('a', (c) => heard.push(`a1:${c.modseq}`));
    feed.subscribe('a', (c) => heard.push(`a2:${c.modseq}`));
    feed.subscribe('b', (c) => heard.push(`b:${c.modseq}`));
    feed.publish({ accountId: 'a', mailboxIds: ['inbox'], modseq: 7 });
    expect(heard).toEqual([]);
    await tick();
    expect(heard).toEqual(['a1:7', 'a2:7']);
  });

  it('stops telling a listener once unsubscribed, and keeps the others', async () => {
    const feed = createMemoryChangeFeed();
    const heard: MailChange[] = [];
    const stop = feed.subscribe('a', (c) => heard.push(c));
    const stopOther = feed.subscribe('a', () => {});
    stop();
    stop();
    feed.publish({ accountId: 'a', mailboxIds: [], modseq: 1 });
    await tick();
    expect(heard).toEqual([]);
    stopOther();
  });

  it('isolates a throwing listener from the publisher and from the other listeners', async () => {
    const errors: unknown[] = [];
    const feed = createMemoryChangeFeed((e) => errors.push(e));
    const heard: number[] = [];
    feed.subscribe('a', () => {
      throw new Error('session gone');
    });
    feed.subscribe('a', (c) => heard.push(c.modseq));
    expect(() => feed.publish({ accountId: 'a', mailboxIds: [], modseq: 3 })).not.toThrow();
    await tick();
    expect(heard).toEqual([3]);
    expect(errors).toHaveLength(1);
  });
});
