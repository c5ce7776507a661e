import { useCallback, useState } from 'react';
import { isApiError } from '../api/client';
import { useLocale, useT } from '../i18n/locale-context';
import { describeProblem } from '../i18n/problem-message';

/**
 * Runs a toolbar's action on messages: its buttons are disabled while it runs, and a failure is
 * said in the user's language (the server's problem when it gave one), never swallowed.
 */
export function useMailAction() {
  const t = useT();
  const { locale } = useLocale();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
      } catch (caught) {
        setError(isApiError(caught) ? describeProblem(caught.problem, t, locale) : t('mail.error.action'));
      } finally {
        setBusy(false);
      }
    },
    [t, locale],
  );
  return { busy, error, run };
}
