/**
 * JMAP push (RFC 8620 §7.3) for the open page: an EventSource on the session's eventSourceUrl; each
 * StateChange bumps a counter the views reload on. Changes made by SMTP, IMAP or another browser
 * reach the page within a second.
 *
 * Implementation notes
 * - EventSource reconnects by itself after a network error; after an HTTP error (the server
 *   restarted and refused, a 429) it gives up, so we open a new one after RETRY_MS.
 * - Bursts (a broadcast delivering many messages) are coalesced: one bump per COALESCE_MS.
 * - `connected` lets the page say that live updates are paused rather than silently show stale mail.
 */
import { useEffect, useState } from 'react';

const RETRY_MS = 5_000;
const COALESCE_MS = 250;

export interface PushState {
  version: number;
  connected: boolean;
}

export function usePush(eventSourceTemplate: string | null): PushState {
  const [state, setState] = useState<PushState>({ version: 0, connected: true });

  useEffect(() => {
    if (eventSourceTemplate === null) return;
    const url = eventSourceTemplate
      .replace('{types}', '*')
      .replace('{closeafter}', 'no')
      .replace('{ping}', '60');
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let first = true;
    let stopped = false;

    const open = () => {
      source = new EventSource(url);
      source.addEventListener('open', () => setState((s) => ({ ...s, connected: true })));
      source.addEventListener('state', () => {
        // The first event after connecting is the current state: only later ones are changes,
        // unless we were disconnected and may have missed some.
        if (first) {
          first = false;
          return;
        }
        pending ??= setTimeout(() => {
          pending = undefined;
          setState((s) => ({ ...s, version: s.version + 1 }));
        }, COALESCE_MS);
      });
      source.addEventListener('error', () => {
        setState((s) => ({ ...s, connected: false }));
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source = null;
          retry = setTimeout(() => {
            // Changes may have been missed while away: reload once reconnected.
            first = false;
            open();
          }, RETRY_MS);
        } else {
          first = false;
        }
      });
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(retry);
      clearTimeout(pending);
    };
  }, [eventSourceTemplate]);

  return state;
}
