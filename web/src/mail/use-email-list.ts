/**
 * The message list's data: the total and the rows loaded so far, by pages, for one query. Rows are
 * fetched as the list scrolls to them (ensure), so a 50 000-message mailbox costs one page at first.
 *
 * Implementation notes
 * - Results of a query the user already left (another mailbox, another search) are dropped: each
 *   load carries the generation it was asked in.
 * - `version` (bumped by push) reloads the pages already shown, keeping the old rows visible while
 *   the new ones come: no flash of empty rows when mail arrives.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EmailFilter, MailApi } from './jmap/mail-api';
import type { EmailSummary } from './jmap/types';
import { PAGE_SIZE, pagesCovering } from './list-window';

export interface EmailList {
  total: number | null;
  rowAt(index: number): EmailSummary | undefined;
  ensure(start: number, end: number): void;
  /** Every row loaded so far, in list order (what "select all" selects). */
  loaded: readonly EmailSummary[];
  error: unknown;
  /** Patches one loaded row in place (optimistic keyword changes). */
  patch(emailId: string, change: (email: EmailSummary) => EmailSummary): void;
}

interface ListState {
  total: number | null;
  pages: Map<number, EmailSummary[]>;
  error: unknown;
}

export function useEmailList(
  mail: MailApi,
  filter: EmailFilter | null,
  version: number,
  /** One row per conversation (collapseThreads). */
  conversations = false,
): EmailList {
  const [state, setState] = useState<ListState>({ total: null, pages: new Map(), error: null });
  const generation = useRef(0);
  const loading = useRef(new Set<number>());
  const pagesRef = useRef(state.pages);
  pagesRef.current = state.pages;

  const load = useCallback(
    (page: number) => {
      if (filter === null || loading.current.has(page)) return;
      loading.current.add(page);
      const asked = generation.current;
      mail.emailWindow(filter, page * PAGE_SIZE, PAGE_SIZE, conversations).then(
        (window) => {
          if (asked !== generation.current) return;
          loading.current.delete(page);
          setState((s) => {
            const pages = new Map(s.pages);
            pages.set(page, window.emails);
            return { total: window.total, pages, error: null };
          });
          // Search results: the found words are marked once the rows are on screen.
          mail
            .snippets(
              filter,
              window.emails.map((e) => e.id),
            )
            .then(
              (snippets) => {
                if (asked !== generation.current || snippets.size === 0) return;
                setState((s) => {
                  const pages = new Map(s.pages);
                  const rows = pages.get(page);
                  if (!rows) return s;
                  pages.set(
                    page,
                    rows.map((row) => {
                      const found = snippets.get(row.id);
                      return found
                        ? { ...row, snippet: { subject: found.subject, preview: found.preview } }
                        : row;
                    }),
                  );
                  return { ...s, pages };
                });
              },
              // Snippets only decorate the results: without them the rows stay as they are.
              () => undefined,
            );
        },
        (error: unknown) => {
          if (asked !== generation.current) return;
          loading.current.delete(page);
          setState((s) => ({ ...s, error }));
        },
      );
    },
    [mail, filter, conversations],
  );

  // A new query (the caller keeps `filter` stable while it means the same): start over.
  useEffect(() => {
    generation.current += 1;
    loading.current = new Set();
    setState({ total: null, pages: new Map(), error: null });
    load(0);
  }, [load]);

  // Something changed on the server: reload what is on screen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only version triggers a reload
  useEffect(() => {
    if (version === 0) return;
    const shown = [...pagesRef.current.keys()];
    loading.current = new Set();
    for (const page of shown.length > 0 ? shown : [0]) load(page);
  }, [version]);

  const ensure = useCallback(
    (start: number, end: number) => {
      const total = state.total ?? PAGE_SIZE;
      for (const page of pagesCovering(start, end, total)) if (!pagesRef.current.has(page)) load(page);
    },
    [state.total, load],
  );

  const rowAt = useCallback(
    (index: number) => state.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    [state.pages],
  );

  const loaded = useMemo(
    () => [...state.pages.entries()].sort(([a], [b]) => a - b).flatMap(([, rows]) => rows),
    [state.pages],
  );

  const patch = useCallback((emailId: string, change: (email: EmailSummary) => EmailSummary) => {
    setState((s) => {
      const pages = new Map(s.pages);
      for (const [page, rows] of pages) {
        const index = rows.findIndex((r) => r.id === emailId);
        if (index >= 0)
          pages.set(
            page,
            rows.map((r, i) => (i === index ? change(r) : r)),
          );
      }
      return { ...s, pages };
    });
  }, []);

  return { total: state.total, rowAt, ensure, loaded, error: state.error, patch };
}
