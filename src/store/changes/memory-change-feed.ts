/**
 * ChangeFeed within one process.
 *
 * Implementation notes
 * - Listeners are kept per account, so a delivery wakes only the sessions of its recipients, not the
 *   10 000 idle connections of everyone else.
 * - Listeners run on a later microtask, never inside the publisher's call: a slow or throwing session
 *   must not delay or fail the delivery that published.
 */
import type { ChangeFeed, ChangeListener, MailChange } from './change-feed.js';

export function createMemoryChangeFeed(onListenerError: (error: unknown) => void = () => {}): ChangeFeed {
  const listeners = new Map<string, Set<ChangeListener>>();
  return {
    publish(change: MailChange) {
      const forAccount = listeners.get(change.accountId);
      if (!forAccount) return;
      for (const listener of [...forAccount]) {
        queueMicrotask(() => {
          try {
            listener(change);
          } catch (error) {
            onListenerError(error);
          }
        });
      }
    },
    subscribe(accountId: string, listener: ChangeListener) {
      let forAccount = listeners.get(accountId);
      if (!forAccount) {
        forAccount = new Set();
        listeners.set(accountId, forAccount);
      }
      forAccount.add(listener);
      return () => {
        const current = listeners.get(accountId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) listeners.delete(accountId);
      };
    },
  };
}
