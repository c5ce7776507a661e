/**
 * The line above the list once "Tout sélectionner" has checked every loaded row of a larger folder or
 * search, as in Gmail: « Les 100 messages affichés sont sélectionnés. » and a button to select all
 * of them, loaded or not; then « Les 50 000 messages … sont sélectionnés. » and « Annuler la
 * sélection ».
 *
 * Accessibility: the sentence is a polite live region that stays in the page (empty when there is
 * nothing to say), so each change is announced; the button, outside it, is one element whose label
 * changes, so the focus stays on it after "select all N".
 */
import { useMemo } from 'react';
import { useLocale, useT } from '../../i18n/locale-context';
import { intlLocale } from '../../i18n/translate';
import { type SelectAllLine, selectAllText } from './selection';

export interface SelectAllBarProps {
  line: SelectAllLine;
  /** The folder shown; null for search results. */
  mailbox: string | null;
  conversations: boolean;
  /** An action on the selection is running: the selection cannot change under it. */
  busy: boolean;
  onSelectAll: () => void;
  onClear: () => void;
}

export function SelectAllBar({
  line,
  mailbox,
  conversations,
  busy,
  onSelectAll,
  onClear,
}: SelectAllBarProps) {
  const t = useT();
  const { locale } = useLocale();
  const format = useMemo(() => {
    const numbers = new Intl.NumberFormat(intlLocale(locale));
    return (n: number) => numbers.format(n);
  }, [locale]);
  const text = line ? selectAllText(line, { mailbox, conversations, format }) : null;
  return (
    <div className={`select-all${text ? '' : ' select-all--empty'}`}>
      <p className="select-all__status" role="status">
        {text ? t(...text.status) : null}
      </p>
      {text && line ? (
        <button
          type="button"
          className="button button--tertiary select-all__action"
          disabled={busy}
          onClick={line.kind === 'offer' ? onSelectAll : onClear}
        >
          {t(...text.action)}
        </button>
      ) : null}
    </div>
  );
}
