/**
 * A recipient field (À, Copie, Copie cachée) with suggestions as the user types: recent
 * correspondents at once, the institution's directory after a short pause (DIRECTORY_DELAY_MS).
 *
 * Accessibility: the WAI-ARIA 1.2 combobox pattern with a listbox popup — the input keeps focus,
 * the highlighted option is named by aria-activedescendant; ↓/↑ move, Enter or Tab picks, Escape
 * closes the list (and only the list, not the composer). How many suggestions there are is said in
 * a polite live region.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { DirectoryEntry } from '../../../../common/api.js';
import { useT } from '../../i18n/locale-context';
import {
  currentToken,
  MIN_DIRECTORY_QUERY,
  matchRecent,
  mergeSuggestions,
  replaceToken,
  type Suggestion,
} from './recipient-suggestions';
import './recipients.css';

const DIRECTORY_DELAY_MS = 250;

export interface RecipientFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  known: readonly string[];
  searchDirectory: (query: string) => Promise<DirectoryEntry[]>;
}

export function RecipientField({ id, label, value, onChange, known, searchDirectory }: RecipientFieldProps) {
  const t = useT();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [directory, setDirectory] = useState<{ query: string; results: DirectoryEntry[] }>({
    query: '',
    results: [],
  });
  const asked = useRef(0);
  const token = currentToken(value);

  // The directory, asked once typing pauses; a late answer to an older query is dropped.
  useEffect(() => {
    if (!open || [...token].length < MIN_DIRECTORY_QUERY || token.includes('<')) return;
    const ticket = ++asked.current;
    const timer = setTimeout(() => {
      searchDirectory(token).then(
        (results) => {
          if (ticket === asked.current) setDirectory({ query: token, results });
        },
        () => undefined,
      );
    }, DIRECTORY_DELAY_MS);
    return () => clearTimeout(timer);
  }, [open, token, searchDirectory]);

  const suggestions: Suggestion[] = open
    ? mergeSuggestions(
        matchRecent(known, token),
        directory.query !== '' && token.toLowerCase().startsWith(directory.query.toLowerCase())
          ? directory.results
          : [],
        value,
      )
    : [];
  const expanded = open && suggestions.length > 0;
  const current = expanded && active >= 0 && active < suggestions.length ? active : -1;

  const choose = (suggestion: Suggestion) => {
    onChange(replaceToken(value, suggestion));
    setOpen(false);
    setActive(-1);
  };

  return (
    <div className="composer__field recipient">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={current >= 0 ? `${listId}-${current}` : undefined}
        autoComplete="off"
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onBlur={() => setOpen(false)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            if (!open) setOpen(true);
            else if (suggestions.length > 0) setActive((current + 1) % suggestions.length);
          } else if (event.key === 'ArrowUp' && expanded) {
            event.preventDefault();
            setActive(current <= 0 ? suggestions.length - 1 : current - 1);
          } else if ((event.key === 'Enter' || event.key === 'Tab') && current >= 0) {
            event.preventDefault();
            const chosen = suggestions[current];
            if (chosen) choose(chosen);
          } else if (event.key === 'Escape' && expanded) {
            event.preventDefault();
            event.stopPropagation();
            setOpen(false);
          }
        }}
      />
      <div
        id={listId}
        role="listbox"
        aria-label={t('compose.suggestions', { field: label })}
        className="recipient__list"
        hidden={!expanded}
      >
        {suggestions.map((s, index) => (
          // Keys are handled by the combobox input, which keeps focus (aria-activedescendant).
          // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles the keyboard
          <div
            key={s.email}
            tabIndex={-1}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === current}
            className="recipient__option"
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(s)}
          >
            <span className="recipient__name">{s.name ?? s.email}</span>{' '}
            <span className="recipient__address">
              {s.name ? s.email : ''}
              {s.detail ? ` · ${s.detail}` : ''}
              {s.source === 'directory' ? ` · ${t('compose.suggestions.directory')}` : ''}
            </span>
          </div>
        ))}
      </div>
      <span className="visually-hidden" role="status">
        {expanded ? t('compose.suggestions.count', { count: String(suggestions.length) }) : ''}
      </span>
    </div>
  );
}
